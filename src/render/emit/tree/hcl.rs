//! A `Tree` as an HCL expression: the writer before documents streamed
//! (`hcl_writer::HclWriter`).

use super::Tree;
use crate::render::emit::hcl::{push_indent, push_object_key, push_quoted, quote};
use crate::render::emit::hcl_writer::{write_aligned, INLINE_LIST_WIDTH};

fn object_key_width(key: &str) -> usize {
    let mut out = String::new();
    push_object_key(&mut out, key);
    out.len()
}

/// Writes `value` as an HCL expression; nested lines are indented from `indent` spaces.
pub(crate) fn write_value(out: &mut String, value: &Tree, indent: usize) {
    match value {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Number(n) => crate::render::emit::doc::push_number(out, n),
        Tree::Text(s) => push_quoted(out, s),
        Tree::List(items) => write_array(out, items, indent),
        Tree::Reference(expression) => out.push_str(expression),
        // A CloudFormation intrinsic has no meaning in Terraform: written as text.
        Tree::Intrinsic(intrinsic) => {
            let mut text = String::new();
            crate::render::emit::yaml::write_intrinsic(&mut text, intrinsic);
            push_quoted(out, &text);
        }
        Tree::Map(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            write_aligned(
                out,
                entries,
                indent + 2,
                |(key, item)| Some((object_key_width(key), is_single_line(item))),
                |out, (key, _)| push_object_key(out, key),
                |out, (_, item)| write_value(out, item, indent + 2),
            );
            push_indent(out, indent);
            out.push('}');
        }
    }
}

/// Whether `value` is written on one line.
fn is_single_line(value: &Tree) -> bool {
    match value {
        Tree::List(items) => list_is_inline(items),
        Tree::Map(_) => !is_multiline_object(value),
        _ => true,
    }
}

/// Scalar lists stay on one line up to a width: the items' widths plus two per item (the
/// separator budget).
fn list_is_inline(items: &[Tree]) -> bool {
    let scalars = items
        .iter()
        .all(|item| !matches!(item, Tree::List(_)) && !is_multiline_object(item));
    scalars
        && (items.len() <= 1
            || items.iter().map(inline_width).sum::<usize>() + 2 * items.len() <= INLINE_LIST_WIDTH)
}

/// The width of a scalar (or raw expression, or `{}`) written on one line.
fn inline_width(value: &Tree) -> usize {
    match value {
        Tree::Null => 4,
        Tree::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Tree::Number(n) => super::number_width(n),
        Tree::Text(text) => quote(text).len(),
        Tree::Reference(expression) => expression.len(),
        _ => {
            let mut out = String::new();
            write_value(&mut out, value, 0);
            out.len()
        }
    }
}

fn write_array(out: &mut String, items: &[Tree], indent: usize) {
    if list_is_inline(items) {
        out.push('[');
        for (position, item) in items.iter().enumerate() {
            if position > 0 {
                out.push_str(", ");
            }
            write_value(out, item, indent);
        }
        out.push(']');
        return;
    }
    out.push_str("[\n");
    for item in items {
        push_indent(out, indent + 2);
        write_value(out, item, indent + 2);
        out.push_str(",\n");
    }
    push_indent(out, indent);
    out.push(']');
}

fn is_multiline_object(value: &Tree) -> bool {
    matches!(value, Tree::Map(entries) if !entries.is_empty())
}
