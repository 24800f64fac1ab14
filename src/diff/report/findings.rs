//! The changes that broaden, as findings for CI (`diff --message-format sarif|github`):
//! each on the new spec, at its account when the spec names one, under a rule of its
//! kind. The message is the change's line of the text report, with its section and
//! account; the fingerprint's anchor is the whole change, so it names the same change
//! on every run however the spec's lines move.

use super::text::line;
use crate::diagnostic::{printable, Finding, Region, Rule, Severity};
use crate::diff::{Diff, Kind};

/// Where a finding goes: the spec's file, and the region of an account's key in it.
pub(crate) struct Place<'a> {
    pub file: &'a str,
    pub account: &'a dyn Fn(&str) -> Option<Region>,
}

/// The broadening changes of `diff` as findings of `level`.
pub(crate) fn findings(diff: &Diff, place: &Place<'_>, level: Severity) -> Vec<Finding> {
    diff.changes
        .iter()
        .filter(|change| change.broadens)
        .map(|change| {
            let (section, text) = line(change);
            let at = match (&change.account, &change.account_id) {
                (Some(name), Some(id)) => {
                    format!(" in account {} ({})", printable(name), printable(id))
                }
                _ => String::new(),
            };
            Finding {
                rule: rule(change.kind, level),
                level,
                message: format!("{}{at}: {text}", section.title()),
                file: place.file.to_string(),
                region: change.account.as_deref().and_then(place.account),
                anchor: serde_json::to_string(change).unwrap_or_default(),
            }
        })
        .collect()
}

/// The rule of a kind's broadening changes.
pub(crate) fn rule(kind: Kind, level: Severity) -> Rule {
    let (id, summary, explanation) = match kind {
        Kind::Access => (
            "broadens-access",
            "the change grants more access",
            "The change grants access it did not grant before: a new assume edge or one \
             with fewer guards, a new or wider Allow, a Deny or permissions boundary \
             removed, a managed policy added, a task definition running as a role that \
             grants more, developer reach, dev access, or IAM Identity Center permission \
             sets, groups or accounts. Review who gains what before merging \
             (`trustgen diff --format markdown` shows the whole change).",
        ),
        Kind::Exposure => (
            "broadens-exposure",
            "the change exposes data or the host to a container",
            "The change gives a container's code more to read or more of its host: \
             secrets, environment files, volumes and mounts, privileged mode, a user, \
             capabilities, pid, ipc or network modes, or a read-only root filesystem \
             turned off.",
        ),
        Kind::Code => (
            "broadens-code",
            "the change widens what runs with a role's credentials",
            "The change widens what code runs with a role's credentials.",
        ),
        Kind::Session => (
            "broadens-session",
            "the change makes credentials last longer",
            "The change makes sessions last longer: a longer maximum session duration \
             keeps credentials that leak usable for longer.",
        ),
        Kind::Deployment => (
            "broadens-deployment",
            "the change widens who applies or where state lives",
            "The change widens where Terraform state lives or who applies the stacks.",
        ),
        Kind::Other => (
            "broadens-other",
            "the change broadens access another way",
            "The change broadens access in a way no other kind covers.",
        ),
    };
    Rule {
        id,
        summary,
        explanation,
        level,
        help_uri: Some(format!(
            "{}/blob/v{}/README.md#reviewing-access-changes",
            env!("CARGO_PKG_REPOSITORY"),
            env!("CARGO_PKG_VERSION")
        )),
    }
}
