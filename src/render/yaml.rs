//! YAML for CloudFormation: JSON values (with long-form intrinsics such as `{"Fn::Sub": …}`)
//! written as block YAML with the short tags (`!Sub`, `!Ref`, `!GetAtt`) people read.
//!
//! A small emitter of our own rather than a general YAML serializer: it quotes every string
//! YAML 1.1 parsers (CloudFormation's among them) could read as anything but a string,
//! `2012-10-17` and `yes` included, and lays sequences out the way the templates do.

use tera::{Map, Value};

use super::tree::{key_text, node, single_entry, Node};

/// `value` as YAML; lines after the first are indented by `indent` spaces so the text can
/// follow a `Key: ` already placed by the template.
pub fn to_yaml(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    if write_inline(&mut out, value) {
        return out;
    }
    write_block(&mut out, value, indent);
    while out.ends_with('\n') {
        out.pop();
    }
    // The first line follows the template's `Key: `, so it loses its indentation.
    out.split_off(indent.min(out.len() - out.trim_start_matches(' ').len()))
}

/// Whether a value renders on one line (a scalar, an empty collection or an intrinsic).
pub fn is_inline(value: &Value) -> bool {
    write_inline(&mut String::new(), value)
}

/// Writes `value` on one line if it has a one-line form; returns whether it did.
fn write_inline(out: &mut String, value: &Value) -> bool {
    match node(value) {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Node::Number(n) => out.push_str(&n),
        Node::Text(s) => push_scalar(out, &s),
        Node::Array([]) => out.push_str("[]"),
        Node::Map(map) if map.is_empty() => out.push_str("{}"),
        Node::Map(map) => return write_intrinsic(out, map),
        Node::Array(_) => return false,
    }
    true
}

fn write_intrinsic(out: &mut String, map: &Map) -> bool {
    let Some((key, inner)) = single_entry(map) else {
        return false;
    };
    match (key.as_ref(), node(inner)) {
        ("Ref", Node::Text(name)) => {
            out.push_str("!Ref ");
            push_scalar(out, &name);
        }
        ("Fn::Sub", Node::Text(text)) => {
            out.push_str("!Sub ");
            push_scalar(out, &text);
        }
        ("Fn::GetAtt", Node::Array(parts)) => {
            let parts: Option<Vec<&str>> = parts.iter().map(Value::as_str).collect();
            let Some(parts) = parts else {
                return false;
            };
            out.push_str("!GetAtt ");
            push_scalar(out, &parts.join("."));
        }
        _ => return false,
    }
    true
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes a block value whose first line starts at `indent`; `first_line_placed` says the
/// caller already wrote that line's prefix (`- `), so it is not indented again.
fn write_block(out: &mut String, value: &Value, indent: usize) {
    write_block_from(out, value, indent, false);
}

fn write_block_from(out: &mut String, value: &Value, indent: usize, first_line_placed: bool) {
    let mut placed = first_line_placed;
    let mut start_line = |out: &mut String| {
        if placed {
            placed = false;
        } else {
            push_indent(out, indent);
        }
    };
    match node(value) {
        Node::Map(map) => {
            for (key, item) in map {
                start_line(out);
                push_scalar(out, &key_text(key));
                out.push(':');
                write_nested(out, item, indent + 2);
            }
        }
        Node::Array(items) => {
            for item in items {
                start_line(out);
                out.push_str("- ");
                if write_inline(out, item) {
                    out.push('\n');
                } else {
                    // The item's first line goes after "- ", the rest at the item's indent.
                    write_block_from(out, item, indent + 2, true);
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

fn write_nested(out: &mut String, value: &Value, indent: usize) {
    out.push(' ');
    if write_inline(out, value) {
        out.push('\n');
    } else {
        out.pop();
        out.push('\n');
        write_block(out, value, indent);
    }
}

#[cfg(test)]
fn scalar(text: &str) -> String {
    let mut out = String::new();
    push_scalar(&mut out, text);
    out
}

/// Writes a string as a YAML scalar: plain when it cannot be misread, else double-quoted
/// (JSON string syntax is valid YAML).
fn push_scalar(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else {
        out.push_str(&serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into()));
    }
}

/// One pass over the bytes: this runs for every scalar of every template.
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    const RESERVED: [&str; 10] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    if !(first.is_ascii_alphabetic() || matches!(first, b'/' | b'_' | b'$'))
        || last == b':'
        || last == b' '
        || (bytes.len() <= 5 && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(text)))
    {
        return false;
    }
    let mut previous = 0u8;
    for &byte in bytes {
        let allowed = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b' ' | b'_'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'@'
                    | b'$'
                    | b'{'
                    | b'}'
                    | b'*'
                    | b'+'
                    | b'='
                    | b','
                    | b'('
                    | b')'
                    | b'-'
            );
        // `#` is never plain, so " #" needs no check of its own.
        if !allowed || (previous == b':' && byte == b' ') {
            return false;
        }
        previous = byte;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tree::json as tjson;
    use serde_json::json;

    #[test]
    fn intrinsics_use_short_tags() {
        let value = json!({"Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"}, "Role": {"Fn::GetAtt": ["TaskRole", "Arn"]}});
        assert_eq!(
            to_yaml(&tjson(value), 2),
            "Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x\n  Role: !GetAtt TaskRole.Arn"
        );
    }

    #[test]
    fn strings_a_yaml_1_1_parser_could_misread_are_quoted() {
        for text in [
            "2012-10-17",
            "true",
            "yes",
            "No",
            "*",
            "256",
            "",
            "a: b",
            "it's",
            "-x",
            "x #y",
        ] {
            assert!(scalar(text).starts_with('"'), "{text} should be quoted");
        }
        for text in [
            "sts:AssumeRole",
            "ecs-tasks.amazonaws.com",
            "/ecs/my-task",
            "arn:aws:iam::aws:policy/X",
        ] {
            assert_eq!(scalar(text), text);
        }
    }

    #[test]
    fn sequences_of_maps_are_indented_under_their_key() {
        let value =
            json!({"Statement": [{"Sid": "A", "Action": ["s3:GetObject", "s3:PutObject"]}]});
        assert_eq!(
            to_yaml(&tjson(value), 4),
            "Statement:\n      - Sid: A\n        Action:\n          - s3:GetObject\n          - s3:PutObject"
        );
    }
}
