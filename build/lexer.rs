//! Tera's template syntax cut into text, `{{ }}`, `{% %}` and `{# #}`, with Tera 2's
//! whitespace control applied: a `-` inside a delimiter trims every whitespace character
//! of the text on its side, as Tera 2.4's `whitespace_filter` does (lexer.rs).

/// One piece of a template.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Text(String),
    /// `{{ source }}`
    Print(String, usize),
    /// `{% source %}`
    Tag(String, usize),
}

struct Raw<'s> {
    kind: RawKind,
    body: &'s str,
    trim_before: bool,
    trim_after: bool,
    line: usize,
}

#[derive(PartialEq)]
enum RawKind {
    Text,
    Print,
    Tag,
    Comment,
}

/// The pieces of `source`; an error names the line of an unclosed delimiter.
pub(crate) fn lex(source: &str) -> Result<Vec<Piece>, String> {
    let raw = split(source)?;
    let mut pieces = Vec::new();
    // Tera's `whitespace_filter`: a `-}}` or `-%}` trims the text right after it; a
    // comment without `-` between them leaves that pending, any other delimiter clears it.
    let mut trim_next = false;
    for (index, piece) in raw.iter().enumerate() {
        match piece.kind {
            RawKind::Text => {
                let mut text = piece.body;
                if trim_next {
                    trim_next = false;
                    text = text.trim_start();
                }
                if raw.get(index + 1).is_some_and(|next| next.trim_before) {
                    text = text.trim_end();
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(text.to_string()));
                }
            }
            RawKind::Print => {
                trim_next = piece.trim_after;
                pieces.push(Piece::Print(piece.body.trim().to_string(), piece.line));
            }
            RawKind::Tag => {
                trim_next = piece.trim_after;
                pieces.push(Piece::Tag(piece.body.trim().to_string(), piece.line));
            }
            RawKind::Comment => trim_next |= piece.trim_after,
        }
    }
    Ok(pieces)
}

fn split(source: &str) -> Result<Vec<Raw<'_>>, String> {
    let bytes = source.as_bytes();
    let mut raw = Vec::new();
    let mut at = 0;
    let mut text_start = 0;
    while at + 1 < bytes.len() {
        let kind = match (bytes[at], bytes[at + 1]) {
            (b'{', b'{') => RawKind::Print,
            (b'{', b'%') => RawKind::Tag,
            (b'{', b'#') => RawKind::Comment,
            _ => {
                at += 1;
                continue;
            }
        };
        let line = source[..at].matches('\n').count() + 1;
        if text_start < at {
            raw.push(Raw {
                kind: RawKind::Text,
                body: &source[text_start..at],
                trim_before: false,
                trim_after: false,
                line,
            });
        }
        let open = at + 2;
        let trim_before = bytes.get(open) == Some(&b'-');
        let body_start = open + usize::from(trim_before);
        let close = match kind {
            RawKind::Print => "}}",
            RawKind::Tag => "%}",
            _ => "#}",
        };
        let end = find_close(source, body_start, close, kind != RawKind::Comment)
            .ok_or_else(|| format!("line {line}: an unclosed `{}`", &source[at..open]))?;
        let trim_after = end > body_start && bytes[end - 1] == b'-';
        let body_end = if trim_after { end - 1 } else { end };
        raw.push(Raw {
            kind,
            body: &source[body_start..body_end],
            trim_before,
            trim_after,
            line,
        });
        at = end + 2;
        text_start = at;
    }
    if text_start < source.len() {
        raw.push(Raw {
            kind: RawKind::Text,
            body: &source[text_start..],
            trim_before: false,
            trim_after: false,
            line: 0,
        });
    }
    Ok(raw)
}

/// Where `close` ends the delimiter opened before `from`: outside string literals and, in
/// expressions, outside `{ }` (a component's arguments).
fn find_close(source: &str, from: usize, close: &str, expression: bool) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut at = from;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    while at < bytes.len() {
        let byte = bytes[at];
        if let Some(q) = quote {
            if byte == b'\\' {
                at += 2;
                continue;
            }
            if byte == q {
                quote = None;
            }
            at += 1;
            continue;
        }
        if expression && (byte == b'"' || byte == b'\'' || byte == b'`') {
            quote = Some(byte);
        } else if expression && byte == b'{' {
            depth += 1;
        } else if depth == 0 && source[at..].starts_with(close) {
            // `-}}`: the `-` belongs to the delimiter.
            return Some(at);
        } else if expression && byte == b'}' {
            depth = depth.saturating_sub(1);
        }
        at += 1;
    }
    None
}
