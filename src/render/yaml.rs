//! YAML for CloudFormation: JSON values (with long-form intrinsics such as `{"Fn::Sub": …}`)
//! written as block YAML with the short tags (`!Sub`, `!Ref`, `!GetAtt`) people read.
//!
//! A small emitter of our own rather than a general YAML serializer: it quotes every string
//! YAML 1.1 parsers (CloudFormation's among them) could read as anything but a string,
//! `2012-10-17` and `yes` included, and lays sequences out the way the templates do.

use super::doc::Doc;

/// `value` as YAML; lines after the first are indented by `indent` spaces so the text can
/// follow a `Key: ` already placed by the template.
pub fn to_yaml(value: &Doc, indent: usize) -> String {
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
pub fn is_inline(value: &Doc) -> bool {
    write_inline(&mut String::new(), value)
}

/// Writes `value` on one line if it has a one-line form; returns whether it did (and
/// wrote nothing if not).
pub fn write_inline(out: &mut String, value: &Doc) -> bool {
    match value {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Number(n) => out.push_str(&n.to_string()),
        Doc::Text(s) => push_scalar(out, s),
        Doc::List(items) if items.is_empty() => out.push_str("[]"),
        Doc::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Doc::Map(_) => return write_intrinsic(out, value),
        Doc::List(_) => return false,
    }
    true
}

fn write_intrinsic(out: &mut String, value: &Doc) -> bool {
    let Some((key, inner)) = value.single_entry() else {
        return false;
    };
    match (key, inner) {
        ("Ref", Doc::Text(name)) => {
            out.push_str("!Ref ");
            push_scalar(out, name);
        }
        ("Fn::Sub", Doc::Text(text)) => {
            out.push_str("!Sub ");
            push_scalar(out, text);
        }
        ("Fn::GetAtt", Doc::List(parts)) => {
            let parts: Option<Vec<&str>> = parts.iter().map(Doc::as_str).collect();
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

/// What a template's `{{ value | yaml(indent=N) }}` on a line of its own (N spaces in)
/// writes, with the line's end: the value's lines at `indent`.
pub fn write_lines(out: &mut String, value: &Doc, indent: usize) {
    push_indent(out, indent);
    if write_inline(out, value) {
        out.push('\n');
    } else {
        out.truncate(out.len() - indent);
        write_block(out, value, indent);
    }
}

/// What a template's `Key: {{ value | yaml(indent=N) }}` writes after `Key: `, with the
/// line's end.
pub fn write_after_key(out: &mut String, value: &Doc, indent: usize) {
    if !write_inline(out, value) {
        out.push_str(&to_yaml(value, indent));
    }
    out.push('\n');
}

pub fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes a block value whose first line starts at `indent`; `first_line_placed` says the
/// caller already wrote that line's prefix (`- `), so it is not indented again.
fn write_block(out: &mut String, value: &Doc, indent: usize) {
    write_block_from(out, value, indent, false);
}

fn write_block_from(out: &mut String, value: &Doc, indent: usize, first_line_placed: bool) {
    let mut placed = first_line_placed;
    let mut start_line = |out: &mut String| {
        if placed {
            placed = false;
        } else {
            push_indent(out, indent);
        }
    };
    match value {
        Doc::Map(entries) => {
            for (key, item) in entries {
                start_line(out);
                push_scalar(out, key);
                out.push(':');
                write_nested(out, item, indent + 2);
            }
        }
        Doc::List(items) => {
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

fn write_nested(out: &mut String, value: &Doc, indent: usize) {
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
pub fn push_scalar(out: &mut String, text: &str) {
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
        // `#` is never plain, so " #" needs no check of its own.
        if !PLAIN_BYTES[usize::from(byte)] || (previous == b':' && byte == b' ') {
            return false;
        }
        previous = byte;
    }
    true
}

/// Bytes a plain scalar may hold: ASCII letters and digits and ` _./:@${}*+=,()-`.
const PLAIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
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
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::doc::json as tjson;
    use serde_json::json;

    #[test]
    fn intrinsics_use_short_tags() {
        let value = json!({"Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"}, "Role": {"Fn::GetAtt": ["TaskRole", "Arn"]}});
        assert_eq!(
            to_yaml(&tjson(&value), 2),
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
            to_yaml(&tjson(&value), 4),
            "Statement:\n      - Sid: A\n        Action:\n          - s3:GetObject\n          - s3:PutObject"
        );
    }
}
