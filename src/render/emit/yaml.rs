//! YAML for CloudFormation: documents written as block YAML with the short intrinsic tags
//! (`!Sub`, `!Ref`, `!GetAtt`) people read, as finished text a template places.
//!
//! A small emitter of our own rather than a general YAML serializer: it quotes every string
//! YAML 1.1 parsers (CloudFormation's among them) could read as anything but that string
//! — `2012-10-17`, `yes`, `- x`, `a: b`, a line separator — and lays sequences out the way
//! the templates expect.

use super::doc::{Doc, Intrinsic, Substitute};
use super::events::{Scalar, Sink};
use crate::render::place::Lines;

/// `value` (a string or an intrinsic) as YAML on one line.
pub(crate) fn text(value: &Doc) -> String {
    let mut out = String::new();
    write_inline(&mut out, value);
    out
}

/// A template's rendering as the file: no blank lines or trailing spaces, one final
/// newline, so the layout does not depend on how a (possibly user-supplied) template
/// spaces its tags. Documents arrive as blocks the emitter wrote, which have neither.
#[derive(Default)]
pub(crate) struct Finished {
    out: String,
}

impl Finished {
    /// Room for `bytes` of text before the file grows.
    pub(crate) fn with_room(bytes: usize) -> Self {
        Finished {
            out: String::with_capacity(bytes),
        }
    }

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

fn write_inline(out: &mut String, value: &Doc) {
    match value {
        Doc::Text(s) => push_scalar(out, s),
        Doc::Intrinsic(intrinsic) => write_intrinsic(out, intrinsic),
    }
}

pub(super) fn write_intrinsic(out: &mut String, intrinsic: &Intrinsic) {
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
            push_scalar(out, &[id.as_str(), ".", attribute].concat());
        }
    }
}

pub(super) fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes a document's events as block YAML where a template placed it: its first line
/// continues `out`'s last line, its other lines start `indent` spaces in (`place`); no
/// final newline. Every string is a scalar (`push_scalar`) unless `substitute` gives an
/// intrinsic for it (own-account ARNs); keys are never substituted.
///
/// Nothing is buffered: whether a collection is written inline (`[]`, `{}`: when it is
/// empty) or as a block is settled by its first entry, or by its end when it has none.
pub(crate) struct YamlWriter<'o, 's> {
    out: &'o mut String,
    indent: usize,
    substitute: Substitute<'s>,
    /// The open collections, innermost last.
    open: Vec<Open>,
}

/// Where a value goes: where the template placed the document, after a map's `key:`, or
/// after a list's `- `.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Top,
    MapValue,
    ListItem,
}

struct Open {
    list: bool,
    /// The indent of the collection's lines.
    indent: usize,
    slot: Slot,
    /// Whether its first line is written.
    started: bool,
}

impl<'o, 's> YamlWriter<'o, 's> {
    pub(crate) fn new(out: &'o mut String, indent: usize, substitute: Substitute<'s>) -> Self {
        YamlWriter {
            out,
            indent,
            substitute,
            open: Vec::with_capacity(8),
        }
    }

    /// Starts the next value of the innermost collection: where it goes.
    fn slot(&mut self) -> Slot {
        let Some(open) = self.open.last_mut() else {
            return Slot::Top;
        };
        if !open.list {
            return Slot::MapValue;
        }
        start_line(self.out, open);
        self.out.push_str("- ");
        Slot::ListItem
    }

    fn begin(&mut self, list: bool) {
        let slot = self.slot();
        let indent = self.open.last().map_or(self.indent, |open| open.indent + 2);
        self.open.push(Open {
            list,
            indent,
            slot,
            started: false,
        });
    }

    fn end(&mut self) {
        let Some(open) = self.open.pop() else {
            return;
        };
        if open.started {
            // The last line's newline: the template writes what follows the document.
            if open.slot == Slot::Top && self.out.ends_with('\n') {
                self.out.pop();
            }
            return;
        }
        let empty = if open.list { "[]" } else { "{}" };
        match open.slot {
            Slot::Top => self.out.push_str(empty),
            Slot::MapValue => {
                self.out.push(' ');
                self.out.push_str(empty);
                self.out.push('\n');
            }
            Slot::ListItem => {
                self.out.push_str(empty);
                self.out.push('\n');
            }
        }
    }
}

/// Starts a line of `open`: the first line of a block placed after a template's text or a
/// `- ` continues that line; a map value's block starts on the line after its key.
fn start_line(out: &mut String, open: &mut Open) {
    if open.started {
        push_indent(out, open.indent);
        return;
    }
    open.started = true;
    if open.slot == Slot::MapValue {
        out.push('\n');
        push_indent(out, open.indent);
    }
}

impl Sink for YamlWriter<'_, '_> {
    fn scalar(&mut self, value: Scalar<'_>) {
        let slot = self.slot();
        if slot == Slot::MapValue {
            self.out.push(' ');
        }
        match value {
            Scalar::Null => self.out.push_str("null"),
            Scalar::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Scalar::Number(n) => super::doc::push_number(self.out, &n),
            Scalar::Text(text) => match (self.substitute)(text) {
                Some(value) => write_inline(self.out, &value),
                None => push_scalar(self.out, text),
            },
            // A Terraform reference has no meaning in a CloudFormation template.
            Scalar::Reference(text) => push_scalar(self.out, text),
        }
        if slot != Slot::Top {
            self.out.push('\n');
        }
    }

    fn begin_map(&mut self) {
        self.begin(false);
    }

    fn key(&mut self, key: &str) {
        if let Some(open) = self.open.last_mut() {
            start_line(self.out, open);
        }
        push_scalar(self.out, key);
        self.out.push(':');
    }

    fn end_map(&mut self) {
        self.end();
    }

    fn begin_list(&mut self) {
        self.begin(true);
    }

    fn end_list(&mut self) {
        self.end();
    }
}

/// Writes a string as a YAML scalar: plain when it cannot be misread, else double-quoted.
pub(super) fn push_scalar(out: &mut String, text: &str) {
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
    use serde_json::json;

    /// `value` written by the streaming writer where a template placed it at `indent`.
    fn placed(value: &serde_json::Value, indent: usize, substitute: Substitute) -> String {
        let mut out = String::new();
        crate::render::emit::events::json(
            value,
            &mut YamlWriter::new(&mut out, indent, substitute),
        );
        out
    }

    fn none(_: &str) -> Option<Doc<'static>> {
        None
    }

    #[test]
    fn intrinsics_use_short_tags() {
        let substitute = |text: &str| match text {
            "own" => Some(Doc::Intrinsic(Intrinsic::Sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x".into(),
            ))),
            "role" => Some(Doc::Intrinsic(Intrinsic::GetAtt("TaskRole".into(), "Arn"))),
            _ => None,
        };
        assert_eq!(
            placed(&json!({"Resource": "own", "Role": ["role"], "own": "x"}), 0, &substitute),
            "Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x\nRole:\n  - !GetAtt TaskRole.Arn\nown: x",
            "values are substituted, keys never"
        );
    }

    #[test]
    fn a_map_spelt_like_an_intrinsic_stays_a_map() {
        let value = json!({"Fn::Sub": "${AWS::AccountId}"});
        assert_eq!(placed(&value, 0, &none), "Fn::Sub: ${AWS::AccountId}");
    }

    #[test]
    fn empty_collections_are_inline_wherever_they_are() {
        let value = json!({"a": {}, "b": [], "c": [{}, [], [[1]], {"d": []}]});
        assert_eq!(
            placed(&value, 4, &none),
            "a: {}\n    b: []\n    c:\n      - {}\n      - []\n      - - - 1\n      - d: []"
        );
        assert_eq!(placed(&json!([]), 4, &none), "[]");
        assert_eq!(placed(&json!("yes"), 4, &none), "\"yes\"");
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
            placed(&value, 0, &none),
            "Statement:\n  - Sid: A\n    Action:\n      - s3:GetObject\n      - s3:PutObject"
        );
    }
}
