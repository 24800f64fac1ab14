//! A document's events as an HCL expression (`jsonencode(…)`'s argument), laid out as
//! `terraform fmt` lays it out.
//!
//! `terraform fmt` needs look-ahead: the `=` of a run of single-line entries stand in one
//! column, so a map's key widths must be known before its first line is written, and a list
//! stays on one line only when all its items are short scalars. So each open collection
//! writes its entries into a buffer of its own, final text at their final indent, and is
//! laid out into its parent's buffer (or the output) when it ends. The buffers are kept
//! from one collection to the next; no string is allocated per value.

use std::cell::RefCell;

use super::events::{Scalar, Sink};
use super::hcl::{push_indent, push_object_key, push_quoted};

/// Scalar lists up to this width stay on one line.
pub(crate) const INLINE_LIST_WIDTH: usize = 100;

/// Writes a document's events as an HCL expression into `out`; nested lines are indented
/// from `indent` spaces. Strings are always quoted (`push_quoted`); only a
/// `Scalar::Reference` is written as an expression.
pub(crate) struct HclWriter<'o> {
    out: &'o mut String,
    indent: usize,
    /// A buffer per open collection, innermost at `depth - 1`; those past it are kept for
    /// the next collection at that depth.
    frames: Vec<Frame>,
    depth: usize,
}

#[derive(Default)]
struct Frame {
    list: bool,
    text: String,
    entries: Vec<Entry>,
    /// A map's key just written: (start, end) in `text`.
    key: (usize, usize),
}

impl Frame {
    /// Where the key of the next entry is in `text`: the map's key just written, or
    /// nothing (an empty range where the entry starts) in a list.
    fn next_key(&self) -> (usize, usize) {
        if self.list {
            (self.text.len(), self.text.len())
        } else {
            self.key
        }
    }
}

/// One entry in its frame's text: `start..key_end` the key (empty in a list),
/// `value_start..end` the value.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    key_end: usize,
    value_start: usize,
    end: usize,
    shape: Shape,
}

#[derive(Clone, Copy)]
struct Shape {
    /// Written on one line.
    single_line: bool,
    /// A list, or a map with entries: a list holding one is never written on one line.
    nested: bool,
}

thread_local! {
    /// The buffers of the last writer of this thread, for the next one: a file has
    /// thousands of documents, and each would otherwise grow buffers of its own.
    static SPARE_FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

impl<'o> HclWriter<'o> {
    pub(crate) fn new(out: &'o mut String, indent: usize) -> Self {
        // A writer made while another of this thread is alive starts with none.
        let frames = SPARE_FRAMES
            .with(|spare| {
                spare
                    .try_borrow_mut()
                    .map(|mut spare| std::mem::take(&mut *spare))
            })
            .unwrap_or_default();
        HclWriter {
            out,
            indent,
            frames,
            depth: 0,
        }
    }

    /// Where the next value goes, and where its entry starts.
    fn target(&mut self) -> (&mut String, Option<(usize, usize)>) {
        match self
            .depth
            .checked_sub(1)
            .and_then(|at| self.frames.get_mut(at))
        {
            None => (self.out, None),
            Some(frame) => {
                let key = frame.next_key();
                (&mut frame.text, Some(key))
            }
        }
    }

    /// Records the value written from `value_start` as the innermost collection's entry.
    fn entry(&mut self, key: Option<(usize, usize)>, value_start: usize, shape: Shape) {
        let (Some((start, key_end)), Some(frame)) = (
            key,
            self.depth
                .checked_sub(1)
                .and_then(|at| self.frames.get_mut(at)),
        ) else {
            return;
        };
        frame.entries.push(Entry {
            start,
            key_end,
            value_start,
            end: frame.text.len(),
            shape,
        });
    }

    fn begin(&mut self, list: bool) {
        if self.frames.len() == self.depth {
            self.frames.push(Frame::default());
        }
        let frame = &mut self.frames[self.depth];
        frame.list = list;
        frame.text.clear();
        frame.entries.clear();
        self.depth += 1;
    }

    fn end(&mut self) {
        let Some(at) = self.depth.checked_sub(1) else {
            return;
        };
        let indent = self.indent + 2 * at;
        let (parents, rest) = self.frames.split_at_mut(at);
        let Some(frame) = rest.first() else {
            return;
        };
        let (out, key) = match parents.last_mut() {
            None => (&mut *self.out, None),
            Some(parent) => {
                let key = parent.next_key();
                (&mut parent.text, Some(key))
            }
        };
        let value_start = out.len();
        let shape = if frame.list {
            write_list(out, frame, indent)
        } else {
            write_map(out, frame, indent)
        };
        self.depth = at;
        self.entry(key, value_start, shape);
    }
}

impl Drop for HclWriter<'_> {
    fn drop(&mut self) {
        let frames = std::mem::take(&mut self.frames);
        SPARE_FRAMES.with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                // Kept only while small: one outsized document must not pin its buffers.
                let size: usize = frames.iter().map(|frame| frame.text.capacity()).sum();
                if size <= SPARE_LIMIT && spare.len() <= frames.len() {
                    *spare = frames;
                }
            }
        });
    }
}

/// The most buffer text a thread keeps for its next writer.
const SPARE_LIMIT: usize = 64 * 1024;

impl Sink for HclWriter<'_> {
    fn scalar(&mut self, value: Scalar<'_>) {
        let (out, key) = self.target();
        let value_start = out.len();
        match value {
            Scalar::Null => out.push_str("null"),
            Scalar::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Scalar::Number(n) => super::doc::push_number(out, &n),
            Scalar::Text(text) => push_quoted(out, text),
            Scalar::Reference(expression) => out.push_str(expression),
        }
        let shape = Shape {
            single_line: true,
            nested: false,
        };
        self.entry(key, value_start, shape);
    }

    fn begin_map(&mut self) {
        self.begin(false);
    }

    fn key(&mut self, key: &str) {
        if let Some(frame) = self
            .depth
            .checked_sub(1)
            .and_then(|at| self.frames.get_mut(at))
        {
            let start = frame.text.len();
            push_object_key(&mut frame.text, key);
            frame.key = (start, frame.text.len());
        }
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

/// `{ key = value … }` at `indent`, the `=` aligned as `terraform fmt` aligns them.
fn write_map(out: &mut String, frame: &Frame, indent: usize) -> Shape {
    if frame.entries.is_empty() {
        out.push_str("{}");
        return Shape {
            single_line: true,
            nested: false,
        };
    }
    out.push_str("{\n");
    let text = frame.text.as_str();
    write_aligned(
        out,
        &frame.entries,
        indent + 2,
        |entry| Some((entry.key_end - entry.start, entry.shape.single_line)),
        |out, entry| out.push_str(&text[entry.start..entry.key_end]),
        |out, entry| out.push_str(&text[entry.value_start..entry.end]),
    );
    push_indent(out, indent);
    out.push('}');
    Shape {
        single_line: false,
        nested: true,
    }
}

/// `[a, b]` when every item is a scalar (or `{}`) and they fit `INLINE_LIST_WIDTH` with
/// two per item for separators (or there is at most one); else one item a line.
fn write_list(out: &mut String, frame: &Frame, indent: usize) -> Shape {
    let items = &frame.entries;
    let width: usize = items.iter().map(|item| item.end - item.value_start).sum();
    let inline = items.iter().all(|item| !item.shape.nested)
        && (items.len() <= 1 || width + 2 * items.len() <= INLINE_LIST_WIDTH);
    let item_text = |item: &Entry| &frame.text[item.value_start..item.end];
    if inline {
        out.push('[');
        for (position, item) in items.iter().enumerate() {
            if position > 0 {
                out.push_str(", ");
            }
            out.push_str(item_text(item));
        }
        out.push(']');
    } else {
        out.push_str("[\n");
        for item in items {
            push_indent(out, indent + 2);
            out.push_str(item_text(item));
            out.push_str(",\n");
        }
        push_indent(out, indent);
        out.push(']');
    }
    Shape {
        single_line: inline,
        nested: true,
    }
}

/// One `name = value` line per item at `indent`, the `=` of consecutive single-line items
/// in one column, as `terraform fmt` aligns them. `shape` gives an item's name width and
/// whether its value fits on one line, or `None` for an empty line (which ends a run).
pub(crate) fn write_aligned<T>(
    out: &mut String,
    items: &[T],
    indent: usize,
    shape: impl Fn(&T) -> Option<(usize, bool)>,
    write_name: impl Fn(&mut String, &T),
    write_value: impl Fn(&mut String, &T),
) {
    // Each shape once (a list's width takes a walk over it); most objects are small.
    const ON_STACK: usize = 16;
    let mut small = [None; ON_STACK];
    let large: Vec<Option<(usize, bool)>>;
    let shapes: &[Option<(usize, bool)>] = if items.len() <= ON_STACK {
        for (slot, item) in small.iter_mut().zip(items) {
            *slot = shape(item);
        }
        &small[..items.len()]
    } else {
        large = items.iter().map(&shape).collect();
        &large
    };
    let mut start = 0;
    while start < items.len() {
        let run = shapes[start..]
            .iter()
            .take_while(|shape| matches!(shape, Some((_, true))))
            .count();
        let end = start + run.max(1);
        let width = shapes[start..end]
            .iter()
            .filter_map(|shape| shape.map(|(width, _)| width))
            .max()
            .unwrap_or(0);
        for (item, shape) in items[start..end].iter().zip(&shapes[start..end]) {
            let Some((name_width, single_line)) = *shape else {
                out.push('\n');
                continue;
            };
            push_indent(out, indent);
            write_name(out, item);
            let padding = if single_line { width - name_width } else { 0 };
            push_indent(out, padding + 1);
            out.push_str("= ");
            write_value(out, item);
            out.push('\n');
        }
        start = end;
    }
}
