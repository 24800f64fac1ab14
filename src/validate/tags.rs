//! Tags on roles (`[project] tags`, a task's or a `[roles]` role's, the dev-access tag):
//! IAM's limits and characters, keys that IAM would read as one, and the dev-access tag
//! among them (IAM compares tag keys ignoring case).

use crate::collections::HashMap;

use crate::collections::IndexMap;

use super::Findings;
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::is_tag_char;
use crate::model::limits::{TAGS_PER_ROLE, TAG_KEY_CHARS, TAG_VALUE_CHARS};
use crate::spec::Tag;

pub(super) fn check(
    tags: &IndexMap<String, String>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    too_many_tags(tags, &at, findings);
    let mut seen: HashMap<String, &str> = HashMap::default();
    for (key, value) in tags {
        let mut key_path = at.clone();
        key_path.push(key.into());
        duplicate_tag(key, &mut seen, &key_path, findings);
        invalid_tag(key, value, key_path, findings);
    }
}

fn too_many_tags(tags: &IndexMap<String, String>, at: &[PathSegment], findings: &mut Findings) {
    if tags.len() > TAGS_PER_ROLE {
        findings.at(
            Code::TooManyTags,
            at.to_vec(),
            format!("{} tags; IAM allows {TAGS_PER_ROLE} on a role", tags.len()),
            "remove tags",
        );
    }
}

/// IAM compares tag keys ignoring case: two such keys are one tag.
fn duplicate_tag<'t>(
    key: &'t str,
    seen: &mut HashMap<String, &'t str>,
    at: &[PathSegment],
    findings: &mut Findings,
) {
    if let Some(first) = seen.insert(key.to_lowercase(), key) {
        findings.at_key(
            Code::DuplicateTag,
            at.to_vec(),
            format!(
                "tag keys `{first}` and `{key}` differ only in case; IAM treats them as one key"
            ),
            "keep one of them",
        );
    }
}

fn invalid_tag(key: &str, value: &str, key_path: Vec<PathSegment>, findings: &mut Findings) {
    if key.is_empty()
        || key.chars().count() > TAG_KEY_CHARS
        || key.to_ascii_lowercase().starts_with("aws:")
    {
        findings.at_key(
            Code::InvalidTag,
            key_path.clone(),
            format!("tag key `{key}` is not allowed"),
            format!("1-{TAG_KEY_CHARS} characters, not starting with `aws:`"),
        );
    }
    let help = "letters, digits, spaces and _ . : / = + - @";
    if !key.chars().all(is_tag_char) {
        findings.at_key(
            Code::InvalidTag,
            key_path.clone(),
            format!("tag key `{key}` has characters IAM does not accept"),
            help,
        );
    }
    if !value.chars().all(is_tag_char) {
        findings.at(
            Code::InvalidTag,
            key_path.clone(),
            format!("the value of tag `{key}` has characters IAM does not accept"),
            help,
        );
    }
    if value.chars().count() > TAG_VALUE_CHARS {
        findings.at(
            Code::InvalidTag,
            key_path,
            format!(
                "tag value of `{key}` has {} characters",
                value.chars().count()
            ),
            format!("at most {TAG_VALUE_CHARS}"),
        );
    }
}

/// The entry of `tags` that is the dev-access tag: its key compared ignoring case (as IAM
/// compares `iam:ResourceTag/<key>`), its value ignoring case too, to err on the safe side.
pub(super) fn dev_tag_in<'t>(
    tags: &'t IndexMap<String, String>,
    tag: &Tag,
) -> Option<(&'t String, &'t String)> {
    tags.iter().find(|(key, value)| {
        key.eq_ignore_ascii_case(&tag.key) && value.eq_ignore_ascii_case(&tag.value)
    })
}

/// The entry of `tags` whose key is the dev-access tag's key, ignoring case.
pub(super) fn dev_tag_key_in<'t>(
    tags: &'t IndexMap<String, String>,
    tag: &Tag,
) -> Option<(&'t String, &'t String)> {
    tags.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(&tag.key))
}
