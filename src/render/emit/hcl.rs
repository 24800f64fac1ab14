//! HCL for Terraform: documents as HCL expressions (finished text a template places), and
//! the `=` alignment `terraform fmt` applies, so generated files pass `terraform fmt -check`
//! as they are. Strings are always quoted, with `${` and `%{` escaped: only a
//! `Scalar::Reference`, which the renderer makes, is written as an expression.

use crate::render::place::Lines;

pub(crate) fn push_indent(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}

/// Object keys stay bare when HCL reads them as the same literal string.
fn is_bare_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let identifier = matches!(bytes.first(), Some(b) if b.is_ascii_alphabetic() || *b == b'_')
        && bytes.iter().all(|b| IDENTIFIER_BYTES[usize::from(*b)]);
    let keyword = matches!(key, "true" | "false" | "null" | "for" | "in" | "if");
    identifier && !keyword
}

/// Bytes an identifier may hold after its first: ASCII letters, digits, `_` and `-`.
const IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        byte += 1;
    }
    table
};

pub(crate) fn push_object_key(out: &mut String, key: &str) {
    if is_bare_key(key) {
        out.push_str(key);
    } else {
        push_quoted(out, key);
    }
}

/// A quoted HCL string: escapes, and `${` / `%{` doubled so IAM policy variables such as
/// `${aws:username}` reach AWS literally instead of being read as Terraform templates.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

pub(crate) fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    // Most strings (ARNs, actions, names) need no escape: copy them whole.
    if is_plain(text) {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match escape(c, chars.peek().copied()) {
            Escape::Keep => out.push(c),
            Escape::Text(replacement) => out.push_str(replacement),
            Escape::Double => {
                out.push(c);
                out.push(c);
            }
            Escape::Unicode => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
    }
    out.push('"');
}

fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(at, &byte)| match QUOTING[usize::from(byte)] {
            Quoting::Plain => true,
            Quoting::TemplateStart => bytes.get(at + 1) != Some(&b'{'),
            Quoting::Escaped => false,
        })
}

#[derive(Clone, Copy)]
enum Quoting {
    Plain,
    /// `$` and `%`: plain unless a `{` follows.
    TemplateStart,
    /// Control characters, `\`, `"` and every non-ASCII byte take the escaping path.
    Escaped,
}

const QUOTING: [Quoting; 256] = {
    let mut table = [Quoting::Escaped; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if matches!(b, b'$' | b'%') {
            Quoting::TemplateStart
        } else if b.is_ascii() && !b.is_ascii_control() && b != b'\\' && b != b'"' {
            Quoting::Plain
        } else {
            Quoting::Escaped
        };
        byte += 1;
    }
    table
};

enum Escape {
    Keep,
    Text(&'static str),
    /// `${` and `%{` start a template: the `$` or `%` is doubled.
    Double,
    /// `\uXXXX`: control characters are all below U+10000.
    Unicode,
}

fn escape(c: char, next: Option<char>) -> Escape {
    match c {
        '\\' => Escape::Text("\\\\"),
        '"' => Escape::Text("\\\""),
        '\n' => Escape::Text("\\n"),
        '\r' => Escape::Text("\\r"),
        '\t' => Escape::Text("\\t"),
        '$' | '%' if next == Some('{') => Escape::Double,
        c if c.is_control() => Escape::Unicode,
        _ => Escape::Keep,
    }
}

/// Text in `terraform fmt` layout, built piece by piece: the `=` of consecutive single-line
/// attributes aligned (a run ends at any line that is not `name = <complete expression>`),
/// no trailing spaces, no leading or repeated blank lines, one final newline.
///
/// One pass, straight into the result: pieces may be written to a small scratch buffer
/// first (one resource block at a time), so the whole file is never copied again.
#[derive(Default)]
pub(crate) struct Formatted {
    out: String,
    blank_run: usize,
    /// The current run of `name = value` lines, one after the other in `run_text`: (start
    /// of the line there, end of its name, start of its value, end of the line).
    run: Vec<(usize, usize, usize, usize)>,
    run_text: String,
}

impl Formatted {
    /// Room for `bytes` of text before the file grows.
    pub(crate) fn with_room(bytes: usize) -> Self {
        Formatted {
            out: String::with_capacity(bytes),
            ..Formatted::default()
        }
    }

    pub(crate) fn finish(mut self) -> String {
        self.push_run();
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }

    /// Writes the run of assignments with their `=` in one column, and empties it.
    fn push_run(&mut self) {
        let width = self
            .run
            .iter()
            .map(|(start, key_end, _, _)| key_end - start)
            .max()
            .unwrap_or(0);
        for (start, key_end, value_start, end) in self.run.drain(..) {
            let line = &self.run_text[start..end];
            let (key_end, value_start) = (key_end - start, value_start - start);
            self.out.push_str(&line[..key_end]);
            push_indent(&mut self.out, width - key_end + 1);
            self.out.push('=');
            if value_start < line.len() {
                self.out.push(' ');
                self.out.push_str(&line[value_start..]);
            }
            self.out.push('\n');
        }
        self.run_text.clear();
    }
}

impl Lines for Formatted {
    fn line(&mut self, line: &str) {
        let line = line.trim_end();
        if line.is_empty() {
            self.push_run();
            self.blank_run += 1;
            if self.blank_run == 1 && !self.out.is_empty() {
                self.out.push('\n');
            }
            return;
        }
        self.blank_run = 0;
        match split_assignment(line) {
            Some((key_end, value_start)) => {
                let start = self.run_text.len();
                self.run_text.push_str(line);
                self.run.push((
                    start,
                    start + key_end,
                    start + value_start,
                    self.run_text.len(),
                ));
            }
            None => {
                self.push_run();
                self.out.push_str(line);
                self.out.push('\n');
            }
        }
    }

    /// A document's inner lines, aligned by the emitter as `terraform fmt` would: they end
    /// any run and are copied as they are.
    fn block(&mut self, block: &str) {
        self.push_run();
        self.blank_run = 0;
        self.out.push_str(block);
    }
}

/// For `  key = value` with a complete value: (end of key, start of value).
fn split_assignment(line: &str) -> Option<(usize, usize)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") {
        return None;
    }
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut position = 0;
    let mut equals = None;
    while position < bytes.len() {
        let b = bytes[position];
        if in_string {
            match b {
                b'\\' => position += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'=' {
            let next = bytes.get(position + 1).copied();
            let previous = position.checked_sub(1).map(|p| bytes[p]);
            if next != Some(b'=')
                && next != Some(b'>')
                && !matches!(previous, Some(b'!' | b'<' | b'>' | b'='))
            {
                equals = Some(position);
                break;
            }
        } else if matches!(b, b'{' | b'[' | b'(') {
            return None;
        }
        position += 1;
    }
    let equals = equals?;
    let key_end = line[..equals].trim_end().len();
    if key_end == 0 || key_end <= line.len() - trimmed.len() {
        return None;
    }
    if net_brackets(&line[equals + 1..]) != 0 {
        return None;
    }
    let value_start =
        equals + 1 + (line[equals + 1..].len() - line[equals + 1..].trim_start().len());
    Some((key_end, value_start))
}

fn net_brackets(text: &str) -> i64 {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    // Bytes, not chars: every byte that matters is ASCII, which UTF-8 never splits.
    for c in text.bytes() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(text: &str) -> String {
        let mut formatted = Formatted::default();
        for line in text.lines() {
            formatted.line(line);
        }
        formatted.finish()
    }
    use serde_json::json;

    #[test]
    fn policy_variables_are_escaped() {
        assert_eq!(
            quote("arn:aws:s3:::b/${aws:username}/*"),
            r#""arn:aws:s3:::b/$${aws:username}/*""#
        );
        assert_eq!(quote("say \"hi\"\n"), r#""say \"hi\"\n""#);
    }

    #[test]
    fn objects_become_hcl_with_quoted_keys_where_needed() {
        use crate::render::emit::events::{self, Scalar, Sink};
        use crate::render::emit::hcl_writer::HclWriter;
        let value = json!({"Version": "2012-10-17", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}, "List": ["a", {}], "Long": ["x", [], "y"]});
        let mut out = String::new();
        let mut writer = HclWriter::new(&mut out, 0);
        writer.begin_map();
        for (key, item) in value.as_object().into_iter().flatten() {
            writer.key(key);
            events::json(item, &mut writer);
        }
        writer.key("Ref");
        writer.scalar(Scalar::Reference("aws_iam_role.x.arn"));
        writer.end_map();
        drop(writer);
        assert_eq!(
            out,
            "{\n  Version = \"2012-10-17\"\n  Condition = {\n    StringEquals = {\n      \"aws:SourceAccount\" = \"1\"\n    }\n  }\n  List = [\"a\", {}]\n  Long = [\n    \"x\",\n    [],\n    \"y\",\n  ]\n  Ref = aws_iam_role.x.arn\n}"
        );
    }

    #[test]
    fn alignment_follows_terraform_fmt_runs() {
        let text = "resource \"x\" \"y\" {\n  name = \"a\"\n  description = \"b=c\"\n  policy = jsonencode({\n    Version = \"v\"\n  })\n  tags = {}\n}";
        let expected = "resource \"x\" \"y\" {\n  name        = \"a\"\n  description = \"b=c\"\n  policy = jsonencode({\n    Version = \"v\"\n  })\n  tags = {}\n}";
        assert_eq!(format(text), format!("{expected}\n"));
        assert_eq!(
            format("\n\n# header  \n\n\nresource \"x\" \"y\" {\n  a = 1\n  bb =\n}\n\n"),
            "# header\n\nresource \"x\" \"y\" {\n  a  = 1\n  bb =\n}\n",
            "leading and repeated blank lines go; no trailing spaces"
        );
        let mut lines = Formatted::default();
        lines.line("  a = 1");
        lines.block("  bbb = [\n  ]\n");
        lines.line("  cc = 2");
        assert_eq!(
            lines.finish(),
            "  a = 1\n  bbb = [\n  ]\n  cc = 2\n",
            "a document's lines end a run and are copied as they are"
        );
    }
}
