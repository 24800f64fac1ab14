//! What the templates compiled at build time (build.rs) call: where their text goes
//! (`Out`), and what a context value is worth to Tera's `if`, `{{ }}`, `~`, `length` and
//! `join`. Each is asked of the value's `Serialize`, the same serialization Tera's context
//! is made from, so a compiled template reads its context as Tera does: a field skipped
//! when `None` is undefined, an empty list or string is false, a struct is true when it
//! serializes any field.

mod probes;

use serde::Serialize;

use super::emit::{hcl, yaml};
use probes::{Joiner, Length, Printer, Truthy};

/// How much text a compiled template buffers before handing it on.
const CHUNK: usize = 64 * 1024;

/// What takes a compiled template's text: complete lines, already UTF-8 (the expander of
/// placed documents, `place::Expanding`).
pub(crate) trait Lines {
    fn lines(&mut self, text: &str) -> Result<(), String>;
}

/// Where a compiled template writes: buffered, its complete lines handed to `sink` at the
/// end of each loop iteration once a chunk is full, the rest when it finishes.
pub(crate) struct Out<'w> {
    text: String,
    sink: &'w mut dyn Lines,
}

impl<'w> Out<'w> {
    pub(crate) fn new(sink: &'w mut dyn Lines) -> Self {
        Out {
            text: String::with_capacity(CHUNK + 4096),
            sink,
        }
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(crate) fn flush(&mut self) -> Result<(), String> {
        if self.text.len() < CHUNK {
            return Ok(());
        }
        let Some(newline) = self.text.rfind('\n') else {
            return Ok(());
        };
        self.sink.lines(&self.text[..=newline])?;
        self.text.drain(..=newline);
        Ok(())
    }

    /// Hands on the rest of the text.
    pub(crate) fn finish(self) -> Result<(), String> {
        self.sink.lines(&self.text)
    }
}

/// How a compiled template ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Done,
    /// It includes a template that is not compiled: render the file with Tera.
    Fallback,
}

/// A field as Tera sees it: `Option`'s `None` as nothing, anything else as itself. Written
/// `(&View(&field)).view()`; method resolution picks `ViewOption` for an `Option` and
/// `ViewPlain` (one reference further) for the rest.
pub(crate) struct View<'a, T: ?Sized>(pub &'a T);

pub(crate) trait ViewOption<'a, T> {
    fn view(&self) -> Option<&'a T>;
}

impl<'a, T> ViewOption<'a, T> for View<'a, Option<T>> {
    fn view(&self) -> Option<&'a T> {
        self.0.as_ref()
    }
}

pub(crate) trait ViewPlain<'a, T: ?Sized> {
    fn view(&self) -> Option<&'a T>;
}

impl<'a, T: ?Sized> ViewPlain<'a, T> for &View<'a, T> {
    fn view(&self) -> Option<&'a T> {
        Some(self.0)
    }
}

fn undefined(what: &str) -> String {
    format!("`{what}` is not defined")
}

/// `{{ value }}`.
pub(crate) fn print<T: Serialize + ?Sized>(
    out: &mut Out<'_>,
    value: Option<&T>,
    what: &str,
) -> Result<(), String> {
    push_text(&mut out.text, value, what)
}

/// `value` appended as Tera prints it: a string as it is, a number or boolean written out.
pub(crate) fn push_text<T: Serialize + ?Sized>(
    out: &mut String,
    value: Option<&T>,
    what: &str,
) -> Result<(), String> {
    let value = value.ok_or_else(|| undefined(what))?;
    value
        .serialize(Printer { out })
        .map_err(|error| format!("`{what}`: {}", error))
}

/// `value` as text, for filters. (Each of these helpers is what build/codegen.rs writes
/// for one construct; one the built-in templates do not use today is kept, not compiled out.)
#[allow(dead_code)]
pub(crate) fn text<T: Serialize + ?Sized>(value: Option<&T>, what: &str) -> Result<String, String> {
    let mut out = String::new();
    push_text(&mut out, value, what)?;
    Ok(out)
}

/// Tera's truthiness (`Value::is_truthy`) of what `value` serializes to.
pub(crate) fn truthy<T: Serialize + ?Sized>(value: Option<&T>) -> bool {
    value.is_some_and(|value| value.serialize(Truthy).unwrap_or(false))
}

/// Tera's `length`: a list's items, a struct's fields, a string's characters.
pub(crate) fn length<T: Serialize + ?Sized>(
    value: Option<&T>,
    what: &str,
) -> Result<usize, String> {
    let value = value.ok_or_else(|| undefined(what))?;
    value
        .serialize(Length)
        .map_err(|error| format!("`{what} | length`: {}", error))
}

/// Tera's `join(sep=…)`: each item printed, separated by `separator`.
pub(crate) fn join<T: Serialize + ?Sized>(
    value: Option<&T>,
    separator: &str,
    what: &str,
) -> Result<String, String> {
    let value = value.ok_or_else(|| undefined(what))?;
    let mut out = String::new();
    value
        .serialize(Joiner {
            out: &mut out,
            separator,
        })
        .map_err(|error| format!("`{what} | join`: {}", error))?;
    Ok(out)
}

/// The `yaml` filter (`templates::register_filters`).
pub(crate) fn yaml(text: &str) -> String {
    yaml::scalar(text)
}

/// The `hcl` filter (`templates::register_filters`).
#[allow(dead_code)]
pub(crate) fn hcl(text: &str) -> String {
    hcl::quote(text)
}

/// Items to iterate: `for x in value`.
pub(crate) fn items<'a, T>(value: Option<&'a Vec<T>>, what: &str) -> Result<&'a [T], String> {
    value.map(Vec::as_slice).ok_or_else(|| undefined(what))
}
