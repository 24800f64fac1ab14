//! What the templates compiled at build time (build.rs) call: where their text goes
//! (`Out`), and what a context value is worth to Tera's `if`, `{{ }}`, `~`, `length` and
//! `join`. Each is asked of the value's `Serialize`, the same serialization Tera's context
//! is made from, so a compiled template reads its context as Tera does: a field skipped
//! when `None` is undefined, an empty list or string is false, a struct is true when it
//! serializes any field.

mod probes;

use serde::Serialize;

use super::emit::{hcl, yaml};
use probes::{Joiner, Printer, Probe};

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
pub(crate) fn truthy<T: Serialize + ?Sized>(value: Option<&T>, what: &str) -> Result<bool, String> {
    match value {
        None => Ok(false),
        Some(value) => value
            .serialize(Probe::<bool>::new())
            .map_err(|error| format!("`{what}` as a test: {error}")),
    }
}

/// An attribute's owner, which must be there: Tera refuses `a.b` where `a` is not.
pub(crate) fn defined<'a, T: ?Sized>(value: Option<&'a T>, what: &str) -> Result<&'a T, String> {
    value.ok_or_else(|| undefined(what))
}

/// Tera's `length`: a list's items, a struct's fields, a string's characters.
pub(crate) fn length<T: Serialize + ?Sized>(
    value: Option<&T>,
    what: &str,
) -> Result<usize, String> {
    let value = value.ok_or_else(|| undefined(what))?;
    value
        .serialize(Probe::<usize>::new())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What Tera itself answers, for one expression over `value`.
    fn tera(expression: &str, value: &serde_json::Value) -> String {
        let mut tera = tera::Tera::default();
        let template = format!("{{{{ {expression} }}}}");
        let added = tera.add_raw_template("t", &template);
        assert!(added.is_ok(), "{added:?}");
        let mut context = tera::Context::new();
        context.insert("v", value);
        tera.render("t", &context)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// `length` counts characters as the Tera this crate builds does (a combining accent is
    /// one character more, not one grapheme): a Tera with its `unicode` feature on would
    /// count otherwise and fail this.
    #[test]
    fn length_and_printing_agree_with_tera() {
        for text in ["", "e\u{301}", "arn:aws:iam::123456789012:role/x", "日本"] {
            let value = serde_json::json!(text);
            assert_eq!(
                length(Some(&text), "v").ok().map(|n| n.to_string()),
                Some(tera("v | length", &value))
            );
            assert_eq!(text_of(&text), tera("v", &value));
        }
        for number in [0_i64, -1, 42] {
            assert_eq!(text_of(&number), tera("v", &serde_json::json!(number)));
        }
        let items = vec!["a", "b"];
        assert_eq!(
            join(Some(&items), ", ", "v").ok(),
            Some(tera("v | join(sep=\", \")", &serde_json::json!(items)))
        );
    }

    fn text_of<T: Serialize>(value: &T) -> String {
        text(Some(value), "v").unwrap_or_else(|error| panic!("{error}"))
    }

    /// Truthiness as Tera's `if` has it, asked of the serialization: a struct with every
    /// field skipped is false, a value truthiness cannot judge is an error, not false.
    #[test]
    fn truthiness_is_teras() {
        #[derive(Serialize)]
        struct Skipped {
            #[serde(skip_serializing_if = "Option::is_none")]
            a: Option<&'static str>,
        }
        assert_eq!(truthy(Some(&Skipped { a: None }), "v"), Ok(false));
        assert_eq!(truthy(Some(&Skipped { a: Some("") }), "v"), Ok(true));
        assert_eq!(truthy(Some(&""), "v"), Ok(false));
        assert_eq!(truthy(Some(&0_i64), "v"), Ok(false));
        assert_eq!(truthy(Some(&Vec::<u8>::new()), "v"), Ok(false));
        assert_eq!(truthy(None::<&str>, "v"), Ok(false));
        assert!(truthy(Some(&1.5_f64), "v").is_err());
    }
}
