//! The fast spec reader against the `toml` crate, as the `fast_path` fuzz target checks it,
//! but over a generated corpus in an ordinary test, so it runs on stable in every
//! `cargo test`: whatever the fast reader accepts, the `toml` crate must read as the same
//! JSON (as text: key order is output order), and a spec the fast path loads must load the
//! same through the slow path. What the fast reader hands on is not checked: the slow path
//! decides it.
//!
//! The corpus is deterministic (a seeded xorshift): documents mixing the TOML the fast
//! reader reads with what it must refuse or hand on, and mutated copies of every bundled
//! spec. A failure prints the document; add it to the unit tests in `src/spec/fast/`.

use std::path::Path;

use trustgen::input::{self, SourceFile};

use crate::support;

const SEED: u64 = 0x7275_7374_6765_6e21;
const GENERATED_DOCUMENTS: usize = 3000;
const MUTANTS_PER_SPEC: usize = 30;
const LARGE_MUTANTS: usize = 20;

#[test]
fn generated_documents_read_as_the_toml_crate_reads_them() {
    let mut generator = Generator::new(SEED);
    let mut tally = Tally::default();
    let mut accepted_with = [0; FEATURES.len()];
    let (mut wide, mut deep) = (0, 0);
    for _ in 0..GENERATED_DOCUMENTS {
        let text = generator.document();
        if let Some(json) = check(&text, &mut tally) {
            for (count, feature) in accepted_with.iter_mut().zip(FEATURES) {
                *count += usize::from(text.contains(feature));
            }
            let (width, depth) = shape(&json);
            wide += usize::from(width > 16);
            deep += usize::from(depth >= 30);
        }
    }
    eprintln!("generated documents: {tally:?}; accepted: {wide} with a table of over 16 entries, {deep} nested 30 deep");
    assert!(tally.accepted >= 800, "{tally:?}");
    assert!(tally.handed_on >= 800, "{tally:?}");
    // Each kind of syntax the reader reads is in documents it accepted, not only refused.
    for (count, feature) in accepted_with.iter().zip(FEATURES) {
        assert!(
            *count >= 20,
            "{count} accepted documents contain {feature:?}"
        );
    }
    // Tables it indexes (from 16 entries), and nesting up to its limit (32).
    assert!(wide >= 10 && deep >= 20, "wide: {wide}, deep: {deep}");
}

/// Text that shows a document uses a kind of syntax the fast reader reads.
const FEATURES: [&str; 9] = ["[[", "\r\n", "\\u", "\\\"", "{ ", "'", "é", "#", "\n\n"];

/// The most entries of any table in `value`, and how deep it nests.
fn shape(value: &serde_json::Value) -> (usize, usize) {
    let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
        serde_json::Value::Object(map) => Box::new(map.values()),
        serde_json::Value::Array(items) => Box::new(items.iter()),
        _ => return (0, 0),
    };
    let width = match value {
        serde_json::Value::Object(map) => map.len(),
        _ => 0,
    };
    children
        .map(shape)
        .fold((width, 1), |(w, d), (cw, cd)| (w.max(cw), d.max(cd + 1)))
}

#[test]
fn mutated_specs_read_and_load_as_the_slow_path_does() {
    let mut generator = Generator::new(SEED ^ 0x5bec);
    let mut tally = Tally::default();
    let mut specs = support::all_specs();
    specs.extend(
        std::fs::read_dir("tests/fixtures/invalid")
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "toml")),
    );
    specs.sort();
    assert!(specs.len() > 60, "{}", specs.len());
    for path in &specs {
        let text = read(path);
        check(&text, &mut tally);
        for _ in 0..MUTANTS_PER_SPEC {
            check(&generator.mutate(&text), &mut tally);
        }
    }
    // Past 256 tasks, the fast path reads tasks on every core.
    let large = support::synthetic(300, 3);
    check(&large, &mut tally);
    for _ in 0..LARGE_MUTANTS {
        check(&generator.mutate(&large), &mut tally);
    }
    eprintln!("mutated specs: {tally:?}");
    assert!(tally.accepted >= 500, "{tally:?}");
    assert!(tally.handed_on >= 300, "{tally:?}");
    assert!(tally.loaded >= 300, "{tally:?}");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How many documents the fast reader accepted and handed on to the `toml` crate, and how
/// many the fast path loaded as a spec.
#[derive(Debug, Default)]
struct Tally {
    accepted: usize,
    handed_on: usize,
    loaded: usize,
}

/// Compares the fast reader with the `toml` crate on `text`; what the fast one read.
fn check(text: &str, tally: &mut Tally) -> Option<serde_json::Value> {
    let as_text = |value: &serde_json::Value| serde_json::to_string(value).ok();
    let accepted = input::fast::document_as_json(text);
    match &accepted {
        Some(fast) => {
            tally.accepted += 1;
            let slow = toml::from_str::<serde_json::Value>(text);
            assert_eq!(
                as_text(fast),
                slow.as_ref().ok().and_then(as_text),
                "the fast reader accepted {text:?}; the toml crate read {slow:?}"
            );
        }
        None => tally.handed_on += 1,
    }
    if let Some(fast) = input::fast::load(text) {
        tally.loaded += 1;
        let slow = input::load_with_toml(&SourceFile::new("corpus.toml", text));
        assert_eq!(
            Ok(format!("{fast:?}")),
            slow.map(|s| format!("{s:?}")).map_err(|d| format!("{d:?}")),
            "the fast path loaded {text:?}"
        );
    }
    accepted
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// In `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn pick_char(&mut self, chars: &str) -> char {
        let at = self.below(chars.chars().count());
        chars.chars().nth(at).unwrap_or_default()
    }

    fn pick_word<'a>(&mut self, words: &'a str) -> &'a str {
        let at = self.below(words.split_whitespace().count());
        words.split_whitespace().nth(at).unwrap_or_default()
    }
}

/// Characters for strings, keys and comments: ASCII, TOML's delimiters, and unicode
/// (C1 controls, separators, a BOM, astral planes) that TOML allows unescaped.
const CHARS: &str = "abZ09 _-.=#[]{},\té ß中😀\u{85}\u{a0}\u{2028}\u{feff}\u{10ffff}";

/// Characters TOML forbids unescaped in strings and comments.
const FORBIDDEN: &str = "\u{0}\u{1}\u{1f}\u{7f}\r\u{b}";

/// Every escape TOML has, some of characters that need none.
const ESCAPES: &str =
    r#"\b \t \n \f \r \" \\ \u00e9 \u0000 \u001F \u007f \uFFFF \U0001F600 \U0010FFFF \u0022"#;

/// Escapes TOML 1.0 does not have (`\e` and `\x` are TOML 1.1), or of no character.
const BAD_ESCAPES: &str = r"\ud800 \uDFFF \U00110000 \UFFFFFFFF \u12G4 \e \x41 \q \";

/// Values the fast reader does not read (or TOML forbids), for the `toml` crate to decide.
const FOREIGN_VALUES: &[&str] = &[
    "1.5",
    "-0.0",
    "1e10",
    "6.02E+23",
    "inf",
    "-inf",
    "+nan",
    "1_000",
    "-1_2_3",
    "1__0",
    "0x1F",
    "0o17",
    "0b101",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "1979-05-27 07:32:00.5+01:00",
    "07:32:00",
    "07:32",
    "\"\"\"multi\nline\"\"\"",
    "'''multi\r\nliteral'''",
    "\"\"\"\"\"\"",
    "\"esc \\e\"",
    "\"hex \\x41\"",
    "\"bad \\q\"",
    "\"\\ud800\"",
    "\"\\U00110000\"",
    "\"\\u12\"",
    "True",
    "truex",
    "fals",
    "01",
    "+",
    "-",
    "- 1",
    "+-1",
    "9223372036854775808",
    "-9223372036854775809",
    "{ a = 1, }",
    "{ a = 1,\n b = 2 }",
    "{\n}",
    "{ a.b = 1 }",
    "[1,,2]",
    "[,]",
    "\"unterminated",
    "'unterminated",
    "\"\"\"",
    "",
    "=",
    "[1",
    "{ a = 1",
];

/// Values a spec uses, for replacing a spec's values with others of the wrong or right type.
const SPEC_VALUES: &[&str] = &[
    "\"dev\"",
    "\"prod\"",
    "\"tagged\"",
    "\"111122223333\"",
    "\"eu-west-1\"",
    "256",
    "512",
    "0",
    "-1",
    "1",
    "2",
    "true",
    "false",
    "[]",
    "{}",
    "[\"s3:GetObject\"]",
    "[26]",
    "[80, 443]",
    "{ key = \"env\", value = \"dev\" }",
    "{ team = \"platform\" }",
    "[\"*\"]",
    "\"*\"",
    "{ name = \"x\" }",
    "[{ name = \"x\" }]",
];

/// Header names: few, so headers meet, nest and clash.
const NAMES: &[&str] = &["a", "b", "c"];

struct Generator {
    rng: Rng,
    /// Percent of choices that take TOML the fast reader must refuse or hand on.
    foreign: usize,
    /// In a wide document, the first names of its headers so far, each with whether it may
    /// still be defined (only a deeper header implied it).
    roots: Option<Vec<(String, bool)>>,
    /// The line ending of the current document ("" for a mix).
    newline: &'static str,
    /// Makes keys unique: most keys are new, so most documents are valid.
    fresh: usize,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: Rng(seed),
            foreign: 0,
            roots: None,
            newline: "\n",
            fresh: 0,
        }
    }

    fn foreign(&mut self) -> bool {
        self.foreign > 0 && self.rng.percent(self.foreign)
    }

    fn newline(&mut self) -> &'static str {
        match self.newline {
            "" => self.rng.pick(&["\n", "\r\n"]),
            newline => newline,
        }
    }

    fn blank(&mut self) -> &'static str {
        self.rng.pick(&["", "", "", " ", "\t", "  "])
    }

    /// A whole document: root keys, then sections under headers, with comments and blank
    /// lines between.
    fn document(&mut self) -> String {
        let wide = self.rng.percent(10);
        self.roots = wide.then(Vec::new);
        self.foreign = if wide {
            0
        } else {
            self.rng.pick(&[0, 0, 0, 1, 3, 10, 30])
        };
        self.newline = match self.rng.below(10) {
            0..=5 => "\n",
            6..=8 => "\r\n",
            _ => "",
        };
        let mut out = String::new();
        self.section(&mut out);
        for _ in 0..self.rng.below(if wide { 40 } else { 7 }) {
            self.header(&mut out);
            self.section(&mut out);
        }
        if self.rng.percent(10) {
            // No final newline.
            let trimmed = out.trim_end_matches(['\r', '\n']).len();
            out.truncate(trimmed);
        }
        out
    }

    fn section(&mut self, out: &mut String) {
        let mut used = Vec::new();
        let lines = match self.rng.below(20) {
            _ if self.roots.is_some() => self.rng.below(2),
            0 => 16 + self.rng.below(16),
            _ => self.rng.below(5),
        };
        for _ in 0..lines {
            let line = match self.rng.below(8) {
                0 => self.blank().to_string(),
                1 => self.comment(),
                _ => {
                    let line = self.key_value(&mut used, 0);
                    out.push_str(self.blank());
                    out.push_str(&line);
                    self.line_end(out);
                    continue;
                }
            };
            let newline = self.newline();
            out.push_str(&line);
            out.push_str(newline);
        }
    }

    /// Blanks, maybe a comment, and the newline after a key/value or header.
    fn line_end(&mut self, out: &mut String) {
        out.push_str(self.blank());
        if self.rng.percent(15) {
            let comment = self.comment();
            out.push_str(&comment);
        }
        if self.foreign() {
            out.push_str(self.rng.pick(&["\r", " x", "]", "= 1", ","]));
        }
        let newline = self.newline();
        out.push_str(newline);
    }

    fn comment(&mut self) -> String {
        let mut comment = String::from("#");
        for _ in 0..self.rng.below(8) {
            let c = if self.foreign() {
                self.rng.pick_char(FORBIDDEN)
            } else {
                self.rng.pick_char(CHARS)
            };
            comment.push(c);
        }
        comment
    }

    /// `[path]` or `[[path]]`: short paths of a few names, sometimes a long one.
    fn header(&mut self, out: &mut String) {
        let mut array = self.rng.percent(35);
        let length = match self.rng.below(40) {
            0 => 28 + self.rng.below(8),
            _ => 1 + self.rng.below(3),
        };
        let names = match self.wide_path(&mut array) {
            Some(names) => names,
            None if length > 3 => (0..length).map(|i| format!("p{i}")).collect(),
            None => (0..length)
                .map(|_| match self.rng.below(12) {
                    0 => self.fresh_name(),
                    _ => self.rng.pick(NAMES).to_string(),
                })
                .collect(),
        };
        let parts: Vec<String> = names.iter().map(|name| self.spell_key(name)).collect();
        let dot = self.rng.pick(&[".", ".", ".", " . ", "\t.", ". "]);
        let mut path = parts.join(dot);
        if self.foreign() {
            path = self
                .rng
                .pick(&["", "a.", ".a", "a b", "a]", "[a", "\"\"", "a..b"])
                .to_string();
        }
        let pad = self.blank();
        let (open, close) = match (array, self.foreign()) {
            (true, false) => ("[[", "]]"),
            (false, false) => ("[", "]"),
            (true, true) => self.rng.pick(&[("[ [", "] ]"), ("[[", "]"), ("[[", "] ]")]),
            (false, true) => self.rng.pick(&[("[", "]]"), ("[", ""), ("", "]")]),
        };
        out.push_str(self.blank());
        out.push_str(&format!("{open}{pad}{path}{pad}{close}"));
        self.line_end(out);
    }

    /// `key = value`, the key new to its table but sometimes one already used (a
    /// duplicate, perhaps spelled otherwise) or a header's name (which may clash).
    fn key_value(&mut self, used: &mut Vec<String>, depth: usize) -> String {
        let name = match self.rng.below(100) {
            0..=3 if !used.is_empty() => used[self.rng.below(used.len())].clone(),
            0..=11 => self.rng.pick(NAMES).to_string(),
            _ => self.fresh_name(),
        };
        used.push(name.clone());
        let key = if self.foreign() {
            let other = self.fresh_name();
            let dot = self.rng.pick(&[".", " . "]);
            format!("{}{dot}{}", self.spell_key(&name), self.spell_key(&other))
        } else {
            self.spell_key(&name)
        };
        let (before, after) = self
            .rng
            .pick(&[(" ", " "), ("", ""), ("\t", " "), (" ", "")]);
        format!("{key}{before}={after}{}", self.value(depth))
    }

    /// In a wide document, a header's path: under a new first name, so the root grows past
    /// the entries from which the fast reader indexes a table; or under one before, which
    /// defines it if only a deeper header implied it so far (moving it to the end of the
    /// root), or adds a new table under it. Always valid TOML.
    fn wide_path(&mut self, array: &mut bool) -> Option<Vec<String>> {
        let count = self.roots.as_ref()?.len();
        let reuse = (count > 0 && self.rng.percent(40)).then(|| self.rng.below(count));
        let define = self.rng.percent(60);
        let sub = self.fresh_name();
        let roots = self.roots.as_mut()?;
        match reuse.and_then(|at| roots.get_mut(at)) {
            Some((name, implied)) if *implied && define => {
                *implied = false;
                *array = false;
                Some(vec![name.clone()])
            }
            Some((name, _)) => Some(vec![name.clone(), sub]),
            None => {
                let name = format!("n{count}");
                let implied = self.rng.percent(60);
                roots.push((name.clone(), implied));
                Some(if implied { vec![name, sub] } else { vec![name] })
            }
        }
    }

    /// A key never used before in this document (so unique in its table).
    fn fresh_name(&mut self) -> String {
        self.fresh += 1;
        let n = self.fresh;
        match self.rng.below(12) {
            0 => format!("{n}"),
            1 => format!("-_{n}"),
            2 => format!("key {n}"),
            3 => format!("é{n}"),
            4 => format!("dotted.{n}"),
            5 => format!("q\"{n}\\"),
            6 => format!("tab\t{n}"),
            7 => format!("{n}{}", self.rng.pick_char(CHARS)),
            _ => format!("k{n}"),
        }
    }

    /// `name` as a bare key where it can be, or quoted (basic, with escapes, or literal).
    fn spell_key(&mut self, name: &str) -> String {
        let bare = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let literal = !name.contains(['\'', '\n', '\r']);
        match self.rng.below(10) {
            0..=5 if bare => name.to_string(),
            6..=7 if literal => format!("'{name}'"),
            _ => self.basic(name),
        }
    }

    /// `text` as a basic string, escaped where it must be and sometimes where it need not.
    fn basic(&mut self, text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\t' if self.rng.percent(50) => out.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    out.push_str(&format!("\\u{:04X}", c as u32));
                }
                c if self.rng.percent(8) => match self.rng.below(2) {
                    0 if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    _ => out.push_str(&format!("\\U{:08X}", c as u32)),
                },
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn value(&mut self, depth: usize) -> String {
        if self.foreign() {
            return self.rng.pick(FOREIGN_VALUES).to_string();
        }
        if depth == 0 && self.rng.percent(2) {
            let levels = 26 + self.rng.below(12);
            return self.nested(levels);
        }
        match self.rng.below(if depth >= 3 { 4 } else { 7 }) {
            0 => self.basic_string(),
            1 => self.literal_string(),
            2 => self.integer(),
            3 => self.rng.pick(&["true", "false"]).to_string(),
            4 | 5 => self.array(depth + 1),
            _ => self.inline_table(depth + 1),
        }
    }

    /// Arrays and inline tables `levels` deep, around the fast reader's limit of 32.
    fn nested(&mut self, levels: usize) -> String {
        let mut open = String::new();
        let mut close = String::new();
        for _ in 0..levels {
            if self.rng.percent(70) {
                open.push('[');
                close.insert(0, ']');
            } else {
                open.push_str("{ x = ");
                close.insert_str(0, " }");
            }
        }
        format!("{open}1{close}")
    }

    /// Raw characters and escapes (some of code points that do not exist).
    fn basic_string(&mut self) -> String {
        let mut out = String::from("\"");
        for _ in 0..self.rng.below(8) {
            match self.rng.below(10) {
                0 => out.push_str(self.rng.pick_word(ESCAPES)),
                1 if self.foreign() => out.push_str(self.rng.pick_word(BAD_ESCAPES)),
                2 if self.foreign() => out.push(self.rng.pick_char(FORBIDDEN)),
                _ => out.push(self.rng.pick_char(CHARS)),
            }
        }
        if !self.foreign() {
            out.push('"');
        }
        out
    }

    fn literal_string(&mut self) -> String {
        let mut out = String::from("'");
        for _ in 0..self.rng.below(8) {
            match self.rng.below(8) {
                0 => out.push_str(self.rng.pick_word(r#"\ \n " \u00e9"#)),
                1 if self.foreign() => out.push(self.rng.pick_char(FORBIDDEN)),
                _ => out.push(self.rng.pick_char(CHARS)),
            }
        }
        if !self.foreign() {
            out.push('\'');
        }
        out
    }

    /// Decimal integers with signs and at the bounds of `i64`.
    fn integer(&mut self) -> String {
        let sign = self.rng.pick(&["", "", "-", "+"]);
        match self.rng.below(8) {
            0 => format!("{sign}0"),
            1 => format!("{sign}{}", i64::MAX),
            2 => i64::MIN.to_string(),
            _ => {
                let digits = 1 + self.rng.below(18);
                let magnitude = self.rng.next() % 10u64.pow(digits as u32);
                format!("{sign}{magnitude}")
            }
        }
    }

    /// Elements on one line or several, with comments, blank lines and a trailing comma.
    fn array(&mut self, depth: usize) -> String {
        let mut out = String::from("[");
        let count = self.rng.below(5);
        for i in 0..count {
            out.push_str(&self.array_space());
            out.push_str(&self.value(depth));
            out.push_str(&self.array_space());
            if i + 1 < count || self.rng.percent(30) {
                out.push(',');
            }
        }
        out.push_str(&self.array_space());
        out.push(']');
        out
    }

    fn array_space(&mut self) -> String {
        match self.rng.below(6) {
            0 => {
                let newline = self.newline();
                format!("{}{newline}{}", self.blank(), self.blank())
            }
            1 => {
                let comment = self.comment();
                let newline = self.newline();
                format!(" {comment}{newline}")
            }
            _ => self.blank().to_string(),
        }
    }

    /// `{ k = v, ... }` on one line, keys new to it but sometimes repeated.
    fn inline_table(&mut self, depth: usize) -> String {
        let mut used = Vec::new();
        let entries: Vec<String> = (0..self.rng.below(4))
            .map(|_| self.key_value(&mut used, depth))
            .collect();
        let pad = self.blank();
        if entries.is_empty() {
            format!("{{{pad}}}")
        } else {
            format!("{{{pad}{}{pad}}}", entries.join(", "))
        }
    }

    /// A spec with one to three edits: lines deleted, duplicated, swapped, split or
    /// joined, characters dropped or inserted, values replaced, lines added, CRLF, cut.
    fn mutate(&mut self, text: &str) -> String {
        self.foreign = 5;
        self.newline = "\n";
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut newline = "\n";
        for _ in 0..1 + self.rng.below(3) {
            if lines.is_empty() {
                break;
            }
            let at = self.rng.below(lines.len());
            let other = self.rng.below(lines.len());
            match self.rng.below(12) {
                0 => {
                    lines.remove(at);
                }
                1 => {
                    let line = lines[at].clone();
                    lines.insert(other, line);
                }
                2 => lines.swap(at, other),
                3 => {
                    if at + 1 < lines.len() {
                        let next = lines.remove(at + 1);
                        lines[at].push_str(&next);
                    }
                }
                4 | 5 => {
                    let line = &mut lines[at];
                    let cut = self.rng.below(line.len() + 1);
                    if let Some(c) = line.get(cut..).and_then(|rest| rest.chars().next()) {
                        line.replace_range(cut..cut + c.len_utf8(), "");
                    }
                }
                6 => {
                    let line = &lines[at];
                    let cut = self.rng.below(line.len() + 1);
                    if line.is_char_boundary(cut) {
                        let inserted = self.rng.pick_char("\"'[]=#.,{} \nx1-é");
                        lines[at].insert(cut, inserted);
                    }
                }
                7 | 8 => {
                    // Another value, of a spec's types or any.
                    if let Some((key, _)) = lines[at].clone().split_once(" = ") {
                        let value = match self.rng.below(2) {
                            0 => self.rng.pick(SPEC_VALUES).to_string(),
                            _ => self.value(0),
                        };
                        lines[at] = format!("{key} = {value}");
                    }
                }
                9 => {
                    // A key of this spec, elsewhere.
                    if let Some((key, _)) = lines[other].clone().split_once(" = ") {
                        let line = format!("{} = {}", key.trim(), self.rng.pick(SPEC_VALUES));
                        lines.insert(at, line);
                    }
                }
                10 => newline = "\r\n",
                _ => lines.truncate(at),
            }
        }
        let mut out = lines.join(newline);
        if text.ends_with('\n') {
            out.push_str(newline);
        }
        out
    }
}
