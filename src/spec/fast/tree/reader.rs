//! The reader under `tree`: keys, values and headers of the TOML subset specs are
//! written in, one line at a time; `None` at anything else (the `toml` crate decides).

use std::borrow::Cow;

use super::{ArrayKind, Table, TableKind, Value};

pub(super) struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
    /// Arrays and inline tables open around the current value.
    pub(super) depth: usize,
}

/// Deeper nesting, and longer header paths, go to the `toml` crate, which refuses them
/// beyond its own limits (between 80 and 90 levels in toml 1.x): values are read
/// recursively, and a file of a million `[` must not exhaust the stack.
const MAX_DEPTH: usize = 32;

fn is_bare_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Control characters other than tab may not appear in strings or comments.
fn is_forbidden_control(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t') || byte == 0x7f
}

impl<'a> Reader<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Spaces and tabs.
    pub(super) fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// Blanks, an optional comment, then a newline or the end of the text.
    pub(super) fn line_end(&mut self) -> Option<()> {
        self.skip_blank();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => {
                self.at += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// From `#` up to (not including) the newline.
    fn comment(&mut self) -> Option<()> {
        while let Some(byte) = self.peek() {
            match byte {
                b'\n' => break,
                b'\r' if self.bytes.get(self.at + 1) == Some(&b'\n') => break,
                byte if is_forbidden_control(byte) => return None,
                _ => self.at += 1,
            }
        }
        Some(())
    }

    /// `[a.b]` or `[[a.b]]`, up to the closing brackets.
    pub(super) fn header(&mut self) -> Option<(Vec<Cow<'a, str>>, bool)> {
        self.at += 1;
        let is_array = self.peek() == Some(b'[');
        if is_array {
            self.at += 1;
        }
        let mut path = Vec::new();
        loop {
            self.skip_blank();
            if path.len() >= MAX_DEPTH {
                return None;
            }
            path.push(self.key()?);
            self.skip_blank();
            match self.peek() {
                Some(b'.') => self.at += 1,
                Some(b']') => break,
                _ => return None,
            }
        }
        self.at += 1;
        if is_array {
            if self.peek() != Some(b']') {
                return None;
            }
            self.at += 1;
        }
        Some((path, is_array))
    }

    /// One bare or quoted key (a dotted key is left to the `toml` crate).
    fn key(&mut self) -> Option<Cow<'a, str>> {
        let key = match self.peek()? {
            b'"' => self.basic_string()?,
            b'\'' => self.literal_string()?,
            _ => {
                let start = self.at;
                while self.peek().is_some_and(is_bare_key_byte) {
                    self.at += 1;
                }
                Cow::Borrowed(self.text.get(start..self.at)?)
            }
        };
        if key.is_empty() {
            return None;
        }
        Some(key)
    }

    /// `key = value`, blanks allowed around the `=`.
    pub(super) fn key_value(&mut self) -> Option<(Cow<'a, str>, Value<'a>)> {
        let key = self.key()?;
        self.skip_blank();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.at += 1;
        self.skip_blank();
        Some((key, self.value()?))
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.basic_string().map(Value::String),
            b'\'' => self.literal_string().map(Value::String),
            b'[' | b'{' if self.depth >= MAX_DEPTH => None,
            b'[' => {
                self.depth += 1;
                let array = self.array();
                self.depth -= 1;
                array
            }
            b'{' => {
                self.depth += 1;
                let table = self.inline_table();
                self.depth -= 1;
                table
            }
            b't' => self.word("true").map(|()| Value::Boolean(true)),
            b'f' => self.word("false").map(|()| Value::Boolean(false)),
            b'+' | b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        if !self.bytes[self.at..].starts_with(word.as_bytes()) {
            return None;
        }
        self.at += word.len();
        self.terminated()
    }

    /// A value must end at a blank, a separator or the end of the line.
    fn terminated(&self) -> Option<()> {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'#') => Some(()),
            _ => None,
        }
    }

    /// A decimal integer without underscores; hex, octal, binary, floats and dates are
    /// left to the `toml` crate.
    fn integer(&mut self) -> Option<Value<'a>> {
        let start = self.at;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.at += 1;
        }
        let digits = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let count = self.at - digits;
        if count == 0 || (count > 1 && self.bytes[digits] == b'0') {
            return None;
        }
        self.terminated()?;
        let text = self.text.get(start..self.at)?;
        text.strip_prefix('+')
            .unwrap_or(text)
            .parse()
            .ok()
            .map(Value::Integer)
    }

    /// `"..."` on one line, with the escapes TOML 1.0 defines.
    fn basic_string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.open_quote(b'"')?;
        // Borrowed while there is no escape.
        if self.scan_to(b'"', true)? {
            let text = self.text.get(start..self.at)?;
            self.at += 1;
            return Some(Cow::Borrowed(text));
        }
        let mut owned = String::from(self.text.get(start..self.at)?);
        loop {
            let run = self.at;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || is_forbidden_control(byte) {
                    break;
                }
                self.at += 1;
            }
            owned.push_str(self.text.get(run..self.at)?);
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(owned));
                }
                b'\\' => {
                    self.at += 1;
                    let escape = self.peek()?;
                    self.at += 1;
                    let character = match escape {
                        b'b' => '\u{8}',
                        b't' => '\t',
                        b'n' => '\n',
                        b'f' => '\u{c}',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        b'u' => self.unicode(4)?,
                        b'U' => self.unicode(8)?,
                        _ => return None,
                    };
                    owned.push(character);
                }
                _ => return None,
            }
        }
    }

    fn unicode(&mut self, digits: usize) -> Option<char> {
        let hex = self.text.get(self.at..self.at + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// `'...'` on one line.
    fn literal_string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.open_quote(b'\'')?;
        self.scan_to(b'\'', false)?;
        let text = self.text.get(start..self.at)?;
        self.at += 1;
        Some(Cow::Borrowed(text))
    }

    /// Steps over an opening quote; `None` for a multi-line string (three quotes).
    fn open_quote(&mut self, quote: u8) -> Option<usize> {
        self.at += 1;
        if self.peek() == Some(quote) && self.bytes.get(self.at + 1) == Some(&quote) {
            return None;
        }
        Some(self.at)
    }

    /// Advances to the closing `quote` (`true`) or, where `escapes` apply, to a backslash
    /// (`false`); `None` at a control character or the end of the text.
    fn scan_to(&mut self, quote: u8, escapes: bool) -> Option<bool> {
        loop {
            match self.peek()? {
                byte if byte == quote => return Some(true),
                b'\\' if escapes => return Some(false),
                byte if is_forbidden_control(byte) => return None,
                _ => self.at += 1,
            }
        }
    }

    /// Blanks, newlines and comments between array elements.
    fn skip_array_space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.at += 1,
                Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => self.at += 2,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    fn array(&mut self) -> Option<Value<'a>> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_array_space()?;
            if self.peek() == Some(b']') {
                break;
            }
            items.push(self.value()?);
            self.skip_array_space()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(Value::Array(items, ArrayKind::Static))
    }

    /// `{ k = v, ... }` on one line, without a trailing comma.
    fn inline_table(&mut self) -> Option<Value<'a>> {
        self.at += 1;
        let mut table = Table::new(TableKind::Inline);
        self.skip_blank();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(Value::Table(table));
        }
        loop {
            self.skip_blank();
            let (key, value) = self.key_value()?;
            table.insert(key, value)?;
            self.skip_blank();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(Value::Table(table))
    }
}
