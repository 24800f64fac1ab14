//! Reading a spec file: TOML syntax and types, with every error located in the source.

use std::cell::OnceCell;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Spec;
use crate::diagnostic::{
    self, printable, Code, Diagnostic, Finding, Location, PathSegment, Region, SourceLines,
};

/// A spec's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it, for messages and generated-file headers.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    pub fn read(path: &Path) -> Result<Self, String> {
        let text = super::read::read_text(path)
            .map_err(|error| format!("cannot read spec {}: {error}", path.display()))?;
        Ok(SourceFile::new(
            path.to_string_lossy().replace('\\', "/"),
            text,
        ))
    }

    /// Byte range a diagnostic points at, resolving paths against the parsed document.
    pub fn span_of(&self, location: &Location) -> Option<Range<usize>> {
        Spans::new(&self.text).of(location)
    }

    /// The region of what `location` names, only when the document has all of it (no
    /// nearest enclosing table instead, as diagnostics get).
    pub fn region_of_exact(&self, location: &Location) -> Option<Region> {
        let spans = Spans::new(&self.text);
        let span = match location {
            Location::Value(path) => spans.locate_exact(path, false)?,
            Location::Key(path) => spans.locate_exact(path, true)?,
            Location::Span(_) | Location::Nowhere => spans.of(location)?,
        };
        Some(region(&SourceLines::new(&self.text), span))
    }

    /// Diagnostics as JSON lines (see `diagnostic::to_json`).
    pub fn render_json(&self, diagnostics: &[Diagnostic]) -> String {
        let (spans, lines) = (Spans::new(&self.text), SourceLines::new(&self.text));
        diagnostics
            .iter()
            .map(|d| {
                diagnostic::to_json(d, &self.name, &lines, spans.of(&d.location)).to_string() + "\n"
            })
            .collect()
    }

    /// Diagnostics as findings for CI tools (SARIF, GitHub annotations): each located in
    /// this file, its message and help line printable, anchored to the spec path or text
    /// it points at.
    pub fn findings(&self, diagnostics: &[Diagnostic]) -> Vec<Finding> {
        let (spans, lines) = (Spans::new(&self.text), SourceLines::new(&self.text));
        diagnostics
            .iter()
            .map(|d| {
                let span = spans.of(&d.location);
                let region = span.clone().map(|span| region(&lines, span));
                let anchor = match (&d.location, span) {
                    (Location::Value(path) | Location::Key(path), _) => format!("{path:?}"),
                    (_, Some(span)) => self
                        .text
                        .get(span)
                        .map(|text| text.chars().take(200).collect())
                        .unwrap_or_default(),
                    (_, None) => String::new(),
                };
                let explain = format!("trustgen explain {}", d.code);
                let help = match &d.help {
                    Some(help) => format!("{} ({explain})", printable(help)),
                    None => explain,
                };
                Finding {
                    rule: d.code.rule(),
                    level: d.severity(),
                    message: format!("{}\nhelp: {help}", printable(&d.message)),
                    file: self.name.clone(),
                    region,
                    anchor,
                }
            })
            .collect()
    }

    /// Renders diagnostics the way the terminal shows them.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        let (spans, lines) = (Spans::new(&self.text), SourceLines::new(&self.text));
        diagnostics
            .iter()
            .map(|d| diagnostic::render(d, &self.name, &lines, spans.of(&d.location)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The lines and columns of a byte range.
fn region(lines: &SourceLines<'_>, span: Range<usize>) -> Region {
    let (start_line, start_column) = lines.line_col(span.start);
    let (end_line, end_column) = lines.line_col(span.end);
    // An empty span still marks a character, as the terminal's caret does.
    let end_column = if end_line == start_line {
        end_column.max(start_column + 1)
    } else {
        end_column
    };
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// Resolves diagnostics' paths to byte ranges against the document, parsed once for a
/// whole batch of diagnostics (parsing it for each one made many warnings quadratic).
struct Spans<'a> {
    text: &'a str,
    document: OnceCell<Option<Spanned<DeTable<'a>>>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Self {
        Spans {
            text,
            document: OnceCell::new(),
        }
    }

    fn of(&self, location: &Location) -> Option<Range<usize>> {
        match location {
            Location::Span(span) => Some(span.clone()),
            Location::Nowhere => None,
            Location::Value(path) => self.locate(path, false),
            Location::Key(path) => self.locate(path, true),
        }
    }

    /// The span of the deepest part of `path` the document has (the whole document when
    /// not even its first key is there).
    fn locate(&self, path: &[PathSegment], want_key: bool) -> Option<Range<usize>> {
        self.walk(path, want_key).map(|(span, _)| span)
    }

    /// The span of `path`, only when the document has all of it.
    fn locate_exact(&self, path: &[PathSegment], want_key: bool) -> Option<Range<usize>> {
        self.walk(path, want_key)
            .and_then(|(span, whole)| whole.then_some(span))
    }

    /// The span of the deepest part of `path` the document has, and whether that is all
    /// of it.
    fn walk(&self, path: &[PathSegment], want_key: bool) -> Option<(Range<usize>, bool)> {
        let document = self
            .document
            .get_or_init(|| DeTable::parse(self.text).ok())
            .as_ref()?;
        let mut current: Option<&Spanned<DeValue<'_>>> = None;
        let mut best = document.span();
        let mut table: &DeTable<'_> = document.get_ref();
        for (depth, segment) in path.iter().enumerate() {
            let last = depth + 1 == path.len();
            let next = match (segment, current.map(|v| v.get_ref())) {
                (PathSegment::Key(key), None) => find_key(table, key, last && want_key),
                (PathSegment::Key(key), Some(DeValue::Table(inner))) => {
                    find_key(inner, key, last && want_key)
                }
                (PathSegment::Index(index), Some(DeValue::Array(array))) => {
                    array.get(*index).map(|value| (value.span(), value))
                }
                _ => None,
            };
            let Some((span, value)) = next else {
                return Some((best, false));
            };
            best = span;
            if let DeValue::Table(inner) = value.get_ref() {
                table = inner;
            }
            current = Some(value);
        }
        Some((best, true))
    }
}

/// Parses the spec's TOML into typed form. Syntax and type errors come back located.
pub fn load(source: &SourceFile) -> Result<Spec, Vec<Diagnostic>> {
    match super::fast::load(&source.text) {
        Some(spec) => Ok(spec),
        None => load_with_toml(source),
    }
}

/// The slow path: the `toml` crate's spanned document, the structural check, then serde.
/// `load` comes here for anything the fast path does not vouch for, so every problem is
/// reported by this path, located.
pub fn load_with_toml(source: &SourceFile) -> Result<Spec, Vec<Diagnostic>> {
    // One parse serves both the structural check and serde.
    let document = super::structure::parse(&source.text)?;
    let problems = super::structure::check_document(&document);
    if !problems.is_empty() {
        return Err(problems);
    }
    // The structural check follows the same schema serde reads; this is the backstop.
    <Spec as serde::Deserialize>::deserialize(toml::de::Deserializer::from(document))
        .map_err(|error| vec![toml_error(&error)])
}

fn toml_error(error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let location = error.span().map_or(Location::Nowhere, Location::Span);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let given = rest.split('`').next().unwrap_or_default().to_string();
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let help = match diagnostic::suggest(&given, expected.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!("valid keys here: {}", expected.join(", ")),
        };
        return Diagnostic::new(
            Code::UnknownKey,
            format!("unknown key `{given}`: trustgen never ignores a key it does not know"),
            location,
        )
        .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let given = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let help = match diagnostic::suggest(given, expected.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("one of: {}", expected.join(", ")),
        };
        return Diagnostic::new(
            Code::InvalidValue,
            format!("`{given}` is not allowed here"),
            location,
        )
        .with_help(help);
    }
    if message.starts_with("missing field") {
        return Diagnostic::new(Code::MissingKey, message, location)
            .with_help("add the key; see the spec reference in README.md");
    }
    if message.starts_with("invalid type") {
        return Diagnostic::new(Code::WrongType, message, location);
    }
    Diagnostic::new(Code::TomlSyntax, message, location)
}

/// Finds the byte range of the value (or key) at `path` in the TOML text.
fn find_key<'a, 'i>(
    table: &'a DeTable<'i>,
    key: &str,
    want_key: bool,
) -> Option<(Range<usize>, &'a Spanned<DeValue<'i>>)> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, v)| {
            let span = if want_key || v.span().is_empty() {
                k.span()
            } else {
                v.span()
            };
            (span, v)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;

    const SPEC: &str = "version = 1\n[project]\nname = \"demo\"\n\n[tasks.web]\naccount = \"dev\"\n[[tasks.web.statements]]\nactions = [\"s3:GetObject\"]\n";

    #[test]
    fn locates_nested_values_and_keys() {
        let source = SourceFile::new("spec.toml", SPEC);
        let span = source
            .span_of(&Location::Value(path!["tasks", "web", "account"]))
            .unwrap_or_default();
        assert_eq!(&SPEC[span], "\"dev\"");
        let span = source
            .span_of(&Location::Key(path!["tasks", "web", "account"]))
            .unwrap_or_default();
        assert_eq!(&SPEC[span], "account");
        let span = source
            .span_of(&Location::Value(path![
                "tasks",
                "web",
                "statements",
                0usize,
                "actions",
                0usize
            ]))
            .unwrap_or_default();
        assert_eq!(&SPEC[span], "\"s3:GetObject\"");
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let text = "version = 1\n[project]\nnmae = \"x\"\n";
        let errors = load(&SourceFile::new("s.toml", text))
            .err()
            .unwrap_or_default();
        let unknown = errors.iter().find(|d| d.code == Code::UnknownKey);
        assert_eq!(
            unknown.and_then(|d| d.help.as_deref()),
            Some("did you mean `name`?")
        );
        // The missing `name` and `accounts` are reported in the same run.
        assert_eq!(
            errors.iter().filter(|d| d.code == Code::MissingKey).count(),
            2
        );
    }
}
