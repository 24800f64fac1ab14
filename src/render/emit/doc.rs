//! The one-line values a CloudFormation context holds beside its documents: a string, or
//! an intrinsic function the renderer made.
//!
//! An intrinsic is code, not data: only the renderers make one, from names the model
//! computed, and the own-account substitution (`cloudformation::pseudo`) from an ARN it
//! parsed. No spec value becomes one.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc<'a> {
    Text(Cow<'a, str>),
    /// A CloudFormation intrinsic function.
    Intrinsic(Intrinsic),
}

/// The CloudFormation intrinsic functions trustgen writes, in their short YAML form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intrinsic {
    /// `!Ref <logical id or pseudo parameter>`
    Ref(String),
    /// `!Sub <text>`: `${…}` in the text are substituted by CloudFormation.
    Sub(String),
    /// `!GetAtt <logical id>.<attribute>`
    GetAtt(String, &'static str),
}

impl<'a> Doc<'a> {
    pub(crate) fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Doc::Text(text.into())
    }
}

/// Writes a number as its `Display` does, without a string of its own (documents hold
/// thousands: ports, sizes, timeouts).
pub(crate) fn push_number(out: &mut String, number: &serde_json::Number) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(out, "{number}");
}

/// Replaces strings: CloudFormation writes own-account ARNs as `Fn::Sub`.
pub(crate) type Substitute<'s> = &'s dyn Fn(&str) -> Option<Doc<'static>>;
