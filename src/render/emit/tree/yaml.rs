//! A `Tree` as block YAML: the writer before documents streamed (`yaml::YamlWriter`).

use super::Tree;
use crate::render::emit::yaml::{push_indent, push_scalar, write_intrinsic};

/// Writes `value` where a template placed it: its first line continues `out`'s last line,
/// its other lines start `indent` spaces in (`place`); no final newline.
pub(crate) fn write_placed(out: &mut String, value: &Tree, indent: usize) {
    if write_inline(out, value) {
        return;
    }
    write_block(out, value, indent, true);
    if out.ends_with('\n') {
        out.pop();
    }
}

/// Writes `value` on one line if it has a one-line form; returns whether it did (and
/// wrote nothing if not).
fn write_inline(out: &mut String, value: &Tree) -> bool {
    match value {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Number(n) => crate::render::emit::doc::push_number(out, n),
        Tree::Text(s) => push_scalar(out, s),
        Tree::List(items) if items.is_empty() => out.push_str("[]"),
        Tree::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Tree::Intrinsic(intrinsic) => write_intrinsic(out, intrinsic),
        // A Terraform reference has no meaning in a CloudFormation template.
        Tree::Reference(text) => push_scalar(out, text),
        Tree::List(_) | Tree::Map(_) => return false,
    }
    true
}
/// Writes a block value whose first line starts at `indent`; `first_line_placed` says the
/// caller already wrote that line's prefix (`- `), so it is not indented again.
fn write_block(out: &mut String, value: &Tree, indent: usize, first_line_placed: bool) {
    let mut placed = first_line_placed;
    let mut start_line = |out: &mut String| {
        if placed {
            placed = false;
        } else {
            push_indent(out, indent);
        }
    };
    match value {
        Tree::Map(entries) => {
            for (key, item) in entries {
                start_line(out);
                push_scalar(out, key);
                out.push(':');
                write_nested(out, item, indent + 2);
            }
        }
        Tree::List(items) => {
            for item in items {
                start_line(out);
                out.push_str("- ");
                if write_inline(out, item) {
                    out.push('\n');
                } else {
                    // The item's first line goes after "- ", the rest at the item's indent.
                    write_block(out, item, indent + 2, true);
                }
            }
        }
        _ => {
            start_line(out);
            write_inline(out, value);
            out.push('\n');
        }
    }
}

fn write_nested(out: &mut String, value: &Tree, indent: usize) {
    out.push(' ');
    if write_inline(out, value) {
        out.push('\n');
    } else {
        out.pop();
        out.push('\n');
        write_block(out, value, indent, false);
    }
}
