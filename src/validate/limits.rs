//! `[limits]`: the quotas an account has raised, within what IAM lets them be raised to.

use super::Findings;
use crate::diagnostic::Code;
use crate::model::limits::{
    MANAGED_POLICIES_PER_ROLE, MANAGED_POLICIES_PER_ROLE_MAX, TRUST_POLICY_CHARS,
    TRUST_POLICY_CHARS_MAX,
};
use crate::path;
use crate::spec::Spec;

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let limits = &spec.limits;
    invalid_limit(
        "trust_policy_chars",
        limits.trust_policy_chars,
        (TRUST_POLICY_CHARS, TRUST_POLICY_CHARS_MAX),
        findings,
    );
    invalid_limit(
        "managed_policies_per_role",
        limits.managed_policies_per_role,
        (MANAGED_POLICIES_PER_ROLE, MANAGED_POLICIES_PER_ROLE_MAX),
        findings,
    );
}

/// `key` must lie between IAM's default and the most its quota can be raised to.
fn invalid_limit(key: &str, value: i64, (default, max): (i64, i64), findings: &mut Findings) {
    if !(default..=max).contains(&value) {
        findings.at(
            Code::InvalidLimit,
            path!["limits", key],
            format!("{key} = {value} is outside IAM's range"),
            format!("{default} (the default) up to {max}, where the quota was raised"),
        );
    }
}
