//! Documents placed by templates. The bulk of every file is documents (policies, container
//! definitions); a template decides where each goes and every line around it, and the
//! emitter writes it once, straight into the file. In a context a document is a `Placed`
//! value: a marker the template prints like any value, which the finishing pass replaces
//! with the document's text. The document's first line continues the template's line;
//! its other lines are indented as that line is. So a template writes
//!
//! ```text
//!       AssumeRolePolicyDocument:
//!         {{ role.trust_policy }}
//!   assume_role_policy = jsonencode({{ role.trust_policy }})
//! ```
//!
//! The marker cannot be forged: it holds a control character, which every quoting
//! function escapes and validation keeps out of the plain names a context carries, and a
//! template holding one is refused when it loads. A marker that names no document of the
//! file is an error, not text.

use std::cell::RefCell;

use serde::{Serialize, Serializer};

use super::address::AddressMap;

/// Starts and ends a marker.
pub(crate) const MARK: char = '\u{1}';

/// A document's place in a context: serializes as its marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Placed(usize);

impl Serialize for Placed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{MARK}{}{MARK}", self.0))
    }
}

/// Writes one document: its first line continues `out`'s last line, its other lines start
/// `indent` spaces in; no final newline.
pub(super) trait Document {
    fn write(&self, out: &mut String, indent: usize) -> Result<(), String>;

    /// Writes the same text as `write`, through the writers documents had before they
    /// streamed (`emit::tree`), if it has them: test builds write every document both ways
    /// and compare.
    #[cfg(test)]
    fn write_tree(&self, _out: &mut String, _indent: usize) -> Option<Result<(), String>> {
        None
    }
}

/// No document: for templates that place none.
pub(super) enum Nothing {}

impl Document for Nothing {
    fn write(&self, _: &mut String, _: usize) -> Result<(), String> {
        match *self {}
    }
}

/// The documents of one file, in the order its context placed them, each with the
/// identity of the value it writes when many places share one (`place_shared`).
pub(super) struct Documents<D> {
    placed: RefCell<Vec<(D, Option<usize>)>>,
    /// What a shared document wrote, by identity and indent: written once per file.
    written: RefCell<AddressMap<String>>,
}

impl<D: Document> Documents<D> {
    pub(super) fn new() -> Self {
        Documents {
            placed: RefCell::new(Vec::new()),
            written: RefCell::new(AddressMap::default()),
        }
    }

    /// Registers `document`; the context holds what this returns where it goes.
    pub(super) fn place(&self, document: D) -> Placed {
        self.place_as(document, None)
    }

    /// Registers `document`, which writes the same text wherever it goes as every other
    /// document placed with the same `identity` (the address of the one value they write,
    /// such as a trust policy every task role shares): it is written once per indent.
    pub(super) fn place_shared(&self, document: D, identity: usize) -> Placed {
        self.place_as(document, Some(identity))
    }

    fn place_as(&self, document: D, identity: Option<usize>) -> Placed {
        let mut placed = self.placed.borrow_mut();
        placed.push((document, identity));
        Placed(placed.len() - 1)
    }

    fn write(&self, index: &str, out: &mut String, indent: usize) -> Result<(), String> {
        let placed = self.placed.borrow();
        let (document, identity) = index
            .parse::<usize>()
            .ok()
            .and_then(|index| placed.get(index))
            .ok_or_else(|| {
                "a template printed a marker that places no document of this file".to_string()
            })?;
        let Some(identity) = identity else {
            return write_checked(document, out, indent);
        };
        let mut written = self.written.borrow_mut();
        if let Some(text) = written.get(&(*identity, indent)) {
            out.push_str(text);
            return Ok(());
        }
        let start = out.len();
        write_checked(document, out, indent)?;
        written.insert((*identity, indent), out[start..].to_string());
        Ok(())
    }
}

fn write_checked(document: &impl Document, out: &mut String, indent: usize) -> Result<(), String> {
    #[cfg(test)]
    let start = out.len();
    document.write(out, indent)?;
    #[cfg(test)]
    tree_check::compare(document, &out[start..], indent);
    Ok(())
}

/// Test builds: every document the streaming writers write is written again through the
/// tree writers (`emit::tree`), and the two must agree byte for byte.
#[cfg(test)]
pub(super) mod tree_check {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How many documents were compared, by every test of this process.
    pub(crate) static COMPARED: AtomicUsize = AtomicUsize::new(0);

    pub(super) fn compare(document: &impl super::Document, streamed: &str, indent: usize) {
        let mut tree = String::new();
        match document.write_tree(&mut tree, indent) {
            None => return,
            Some(Ok(())) => {}
            Some(Err(error)) => {
                panic!("the tree writer failed where the streaming writer did not: {error}")
            }
        }
        assert_eq!(
            streamed, tree,
            "the streaming and tree writers disagree on a document"
        );
        COMPARED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where finished lines go: a template's lines one by one (`line`, without its newline),
/// and the inner lines of a document as one block (`block`, newline-terminated), which
/// the emitter already wrote in their final layout.
pub(super) trait Lines {
    fn line(&mut self, line: &str);
    fn block(&mut self, block: &str);
}

/// Feeds `rendered` (a template's output) to `lines`, each marker replaced by its
/// document.
pub(super) fn expand<D: Document>(
    rendered: &str,
    documents: &Documents<D>,
    lines: &mut impl Lines,
) -> Result<(), String> {
    let mut scratch = String::new();
    let mut current = String::new();
    let mut rest = rendered;
    // One search for the next marker over the text, not a test of every line.
    while let Some(at) = rest.find(MARK) {
        let start = rest[..at].rfind('\n').map_or(0, |newline| newline + 1);
        let end = rest[at..]
            .find('\n')
            .map_or(rest.len(), |newline| at + newline);
        for line in rest[..start].lines() {
            lines.line(line);
        }
        let line = rest[start..end].trim_end_matches('\r');
        expand_line(line, documents, lines, &mut current, &mut scratch)?;
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    for line in rest.lines() {
        lines.line(line);
    }
    Ok(())
}

/// `expand` fed piece by piece, as a template renders (`std::io::Write`, which Tera
/// renders into): each run of complete lines is expanded as soon as it is buffered, so a
/// file's template text is never held whole (a large stack's is megabytes). Lines are
/// expanded one by one either way, so the result is `expand`'s of the whole text.
pub(super) struct Expanding<'d, D, L> {
    documents: &'d Documents<D>,
    lines: L,
    pending: Vec<u8>,
    /// What failed while expanding, kept whole: Tera sees only that the write failed.
    failure: Option<String>,
}

/// How much rendered text is buffered before its complete lines are expanded.
const EXPAND_AT: usize = 64 * 1024;

impl<'d, D: Document, L: Lines> Expanding<'d, D, L> {
    pub(super) fn new(documents: &'d Documents<D>, lines: L) -> Self {
        Expanding {
            documents,
            lines,
            pending: Vec::with_capacity(EXPAND_AT + 4096),
            failure: None,
        }
    }

    /// Expands the complete lines buffered (all of it when `all`).
    fn expand_pending(&mut self, all: bool) -> Result<(), String> {
        let end = if all {
            self.pending.len()
        } else {
            match self.pending.iter().rposition(|&byte| byte == b'\n') {
                Some(newline) => newline + 1,
                None => return Ok(()),
            }
        };
        // A cut after a newline is a character boundary of the UTF-8 Tera writes.
        let text = std::str::from_utf8(&self.pending[..end])
            .map_err(|_| "a template rendered text that is not UTF-8".to_string())?;
        expand(text, self.documents, &mut self.lines)?;
        self.pending.drain(..end);
        Ok(())
    }

    /// What failed while expanding during rendering, if anything did: it explains the
    /// failed write Tera then reports.
    pub(super) fn failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    /// The lines, once rendering succeeded: the rest of the text expanded.
    pub(super) fn finish(mut self) -> Result<L, String> {
        self.expand_pending(true)?;
        Ok(self.lines)
    }
}

/// A compiled template's text, which arrives in complete lines (but the last) and as
/// `str`: expanded as it comes, with nothing to buffer or validate.
impl<D: Document, L: Lines> super::compiled::Lines for Expanding<'_, D, L> {
    fn lines(&mut self, text: &str) -> Result<(), String> {
        // Text written through `std::io::Write` before this goes first.
        self.expand_pending(true)?;
        expand(text, self.documents, &mut self.lines)
    }
}

impl<D: Document, L: Lines> std::io::Write for Expanding<'_, D, L> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= EXPAND_AT {
            if let Err(failure) = self.expand_pending(false) {
                let error = std::io::Error::other(failure.clone());
                self.failure = Some(failure);
                return Err(error);
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One line holding markers: its text with each document written in.
fn expand_line<D: Document>(
    line: &str,
    documents: &Documents<D>,
    lines: &mut impl Lines,
    current: &mut String,
    scratch: &mut String,
) -> Result<(), String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    current.clear();
    let mut pieces = line.split(MARK);
    // Text, then (marker index, text) pairs: `split` alternates them.
    current.push_str(pieces.next().unwrap_or_default());
    while let Some(index) = pieces.next() {
        let Some(text) = pieces.next() else {
            return Err("a template printed half a document marker".into());
        };
        scratch.clear();
        documents.write(index, scratch, indent)?;
        match (scratch.find('\n'), scratch.rfind('\n')) {
            (Some(first), Some(last)) => {
                current.push_str(&scratch[..first]);
                lines.line(current);
                if first < last {
                    lines.block(&scratch[first + 1..=last]);
                }
                current.clear();
                current.push_str(&scratch[last + 1..]);
            }
            _ => current.push_str(scratch),
        }
        current.push_str(text);
    }
    lines.line(current);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Text(&'static str);

    impl Document for Text {
        fn write(&self, out: &mut String, indent: usize) -> Result<(), String> {
            let pad = " ".repeat(indent);
            out.push_str(&self.0.replace('\n', &format!("\n{pad}")));
            Ok(())
        }
    }

    #[derive(Default)]
    struct Collect(Vec<String>);

    impl Lines for Collect {
        fn line(&mut self, line: &str) {
            self.0.push(format!("line {line}"));
        }
        fn block(&mut self, block: &str) {
            self.0.push(format!("block {block}"));
        }
    }

    fn marker(placed: Placed) -> String {
        serde_json::to_value(placed)
            .ok()
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    #[test]
    fn a_document_continues_its_line_and_is_indented_as_it() {
        let documents = Documents::new();
        let one = marker(documents.place(Text("{\n  a = 1\n  b = 2\n}")));
        let inline = marker(documents.place(Text("[]")));
        let rendered = format!("x {{\n  p = f({one})\n  q = {inline}\n}}\n");
        let mut lines = Collect::default();
        assert_eq!(expand(&rendered, &documents, &mut lines), Ok(()));
        assert_eq!(
            lines.0,
            [
                "line x {",
                "line   p = f({",
                "block     a = 1\n    b = 2\n",
                "line   })",
                "line   q = []",
                "line }",
            ]
        );
    }

    /// Written piece by piece (as Tera writes), the text expands as it does whole, past
    /// several buffer-fulls, pieces cut anywhere (inside markers and multi-byte
    /// characters too); a bad marker deep in the text fails the write.
    #[test]
    fn expanding_as_written_gives_what_expanding_the_whole_text_gives() {
        use std::io::Write as _;
        let documents = Documents::new();
        let mut text = String::new();
        for index in 0..10_000 {
            let placed = marker(documents.place(Text("{\n  a = \"é\"\n}")));
            text.push_str(&format!("  x{index} = f({placed}) # ü\n\n  y = 1  \r\n"));
        }
        text.push_str("last line without newline");
        assert!(text.len() > 3 * EXPAND_AT);
        let mut whole = Collect::default();
        assert_eq!(expand(&text, &documents, &mut whole), Ok(()));
        for piece in [1, 7, 4093, 70_000] {
            let mut expanding = Expanding::new(&documents, Collect::default());
            for chunk in text.as_bytes().chunks(piece) {
                assert!(expanding.write_all(chunk).is_ok());
            }
            assert_eq!(expanding.failure(), None);
            let lines = expanding.finish().map(|lines| lines.0);
            assert_eq!(lines.as_ref(), Ok(&whole.0), "pieces of {piece} bytes");
        }
        let forged = text.replacen(&marker(Placed(8000)), &format!("{MARK}99999{MARK}"), 1);
        let mut expanding = Expanding::new(&documents, Collect::default());
        assert!(expanding.write_all(forged.as_bytes()).is_err());
        assert!(expanding
            .failure()
            .is_some_and(|failure| failure.contains("marker")));
    }

    #[test]
    fn a_marker_of_no_document_is_an_error() {
        let documents: Documents<Text> = Documents::new();
        let forged = format!("{MARK}0{MARK}");
        let mut lines = Collect::default();
        assert!(expand(&forged, &documents, &mut lines).is_err());
        let half = format!("a {MARK}0");
        assert!(expand(&half, &documents, &mut lines).is_err());
    }
}
