//! YAML for CloudFormation: documents written as block YAML with the short intrinsic tags
//! (`!Sub`, `!Ref`, `!GetAtt`) people read, as finished text a template places.
//!
//! A small emitter of our own rather than a general YAML serializer: it quotes every string
//! YAML 1.1 parsers (CloudFormation's among them) could read as anything but that string
//! — `2012-10-17`, `yes`, `- x`, `a: b`, a line separator — and lays sequences out the way
//! the templates expect.

use super::doc::{Doc, Intrinsic};
use crate::render::place::Lines;

/// `value` as YAML on one line (scalars, empty collections, intrinsics), or as a block
/// whose first line starts at column 0.
pub(crate) fn text(value: &Doc) -> String {
    let mut out = String::new();
    if write_inline(&mut out, value) {
        return out;
    }
    write_block(&mut out, value, 0, false);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Writes `value` where a template placed it: its first line continues `out`'s last line,
/// its other lines start `indent` spaces in (`place`); no final newline.
pub(crate) fn write_placed(out: &mut String, value: &Doc, indent: usize) {
    if write_inline(out, value) {
        return;
    }
    write_block(out, value, indent, true);
    if out.ends_with('\n') {
        out.pop();
    }
}

/// A template's rendering as the file: no blank lines or trailing spaces, one final
/// newline, so the layout does not depend on how a (possibly user-supplied) template
/// spaces its tags. Documents arrive as blocks the emitter wrote, which have neither.
#[derive(Default)]
pub(crate) struct Finished {
    out: String,
}

impl Finished {
    pub(crate) fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

impl Lines for Finished {
    fn line(&mut self, line: &str) {
        let line = line.trim_end();
        if !line.is_empty() {
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    fn block(&mut self, block: &str) {
        self.out.push_str(block);
    }
}

/// A string as one YAML scalar.
pub(crate) fn scalar(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_scalar(&mut out, text);
    out
}

/// Writes `value` on one line if it has a one-line form; returns whether it did (and
/// wrote nothing if not).
fn write_inline(out: &mut String, value: &Doc) -> bool {
    match value {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Number(n) => super::doc::push_number(out, n),
        Doc::Text(s) => push_scalar(out, s),
        Doc::List(items) if items.is_empty() => out.push_str("[]"),
        Doc::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Doc::Intrinsic(intrinsic) => write_intrinsic(out, intrinsic),
        // A Terraform reference has no meaning in a CloudFormation template.
        Doc::Reference(text) => push_scalar(out, text),
        Doc::List(_) | Doc::Map(_) => return false,
    }
    true
}

fn write_intrinsic(out: &mut String, intrinsic: &Intrinsic) {
    match intrinsic {
        Intrinsic::Ref(name) => {
            out.push_str("!Ref ");
            push_scalar(out, name);
        }
        Intrinsic::Sub(text) => {
            out.push_str("!Sub ");
            push_scalar(out, text);
        }
        Intrinsic::GetAtt(id, attribute) => {
            out.push_str("!GetAtt ");
            push_scalar(out, &format!("{id}.{attribute}"));
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes a block value whose first line starts at `indent`; `first_line_placed` says the
/// caller already wrote that line's prefix (`- `), so it is not indented again.
fn write_block(out: &mut String, value: &Doc, indent: usize, first_line_placed: bool) {
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

fn write_nested(out: &mut String, value: &Doc, indent: usize) {
    out.push(' ');
    if write_inline(out, value) {
        out.push('\n');
    } else {
        out.pop();
        out.push('\n');
        write_block(out, value, indent, false);
    }
}

/// Writes a string as a YAML scalar: plain when it cannot be misread, else double-quoted.
fn push_scalar(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters, and the line breaks YAML 1.1 knows beyond ASCII (NEL,
            // line and paragraph separators), which a parser would fold inside quotes:
            // escaped, so the value arrives exactly as written.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
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
    use crate::render::emit::doc::json as tjson;
    use serde_json::json;

    #[test]
    fn intrinsics_use_short_tags() {
        let value = Doc::Map(vec![
            (
                "Resource".into(),
                Doc::Intrinsic(Intrinsic::Sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x".into(),
                )),
            ),
            (
                "Role".into(),
                Doc::Intrinsic(Intrinsic::GetAtt("TaskRole".into(), "Arn")),
            ),
        ]);
        assert_eq!(
            text(&value),
            "Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x\nRole: !GetAtt TaskRole.Arn"
        );
    }

    #[test]
    fn a_map_spelt_like_an_intrinsic_stays_a_map() {
        let value = json!({"Fn::Sub": "${AWS::AccountId}"});
        assert_eq!(text(&tjson(&value)), "Fn::Sub: ${AWS::AccountId}");
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
        assert_eq!(scalar("a\u{2028}b\u{85}c"), "\"a\\u2028b\\u0085c\"");
    }

    #[test]
    fn sequences_of_maps_are_indented_under_their_key() {
        let value =
            json!({"Statement": [{"Sid": "A", "Action": ["s3:GetObject", "s3:PutObject"]}]});
        assert_eq!(
            text(&tjson(&value)),
            "Statement:\n  - Sid: A\n    Action:\n      - s3:GetObject\n      - s3:PutObject"
        );
    }
}
