//! A cell of a report: trustgen's own words and the spec's values, kept apart so each
//! output escapes the values for itself and never the words.

use crate::diagnostic::printable;
use crate::markdown::code;

#[derive(Debug, Default, Clone)]
pub(super) struct Cell(Vec<Piece>);

#[derive(Debug, Clone)]
enum Piece {
    Words(String),
    Value(String),
}

impl Cell {
    pub(super) fn words(mut self, words: impl Into<String>) -> Self {
        self.0.push(Piece::Words(words.into()));
        self
    }

    pub(super) fn value(mut self, value: impl Into<String>) -> Self {
        self.0.push(Piece::Value(value.into()));
        self
    }

    /// Values separated by `, `; `-` when there are none.
    pub(super) fn values<'a>(mut self, values: impl IntoIterator<Item = &'a String>) -> Self {
        let mut any = false;
        for value in values {
            if any {
                self = self.words(", ");
            }
            self = self.value(value.clone());
            any = true;
        }
        if any {
            self
        } else {
            self.words("-")
        }
    }

    /// This cell followed by another's pieces.
    pub(super) fn then(mut self, other: Cell) -> Self {
        self.0.extend(other.0);
        self
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn text(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Words(words) => words.clone(),
                Piece::Value(value) => printable(value),
            })
            .collect()
    }

    pub(super) fn markdown(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Words(words) => words.clone(),
                Piece::Value(value) => code(value),
            })
            .collect()
    }
}
