//! IAM condition blocks, read as IAM reads them: a misspelt operator, key or value does not
//! fail in IAM, it silently never matches. An Allow guarded by it grants nothing (a lost
//! permission) and a Deny guarded by it never applies (a lost guard), so each is an error.

use std::net::IpAddr;

use super::Findings;
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::identifiers::is_service_prefix;
use crate::model::vocabulary::{GLOBAL_KEYS, OPERATORS};
use crate::path;
use crate::spec::Condition;

/// Which values an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Boolean,
    Numeric,
    Date,
    Ip,
    Other,
}

fn family(base: &str) -> Family {
    match base {
        "Bool" | "Null" => Family::Boolean,
        _ if base.starts_with("Numeric") => Family::Numeric,
        _ if base.starts_with("Date") => Family::Date,
        "IpAddress" | "NotIpAddress" => Family::Ip,
        _ => Family::Other,
    }
}

/// Every problem of one condition block at `at` (the spec path of `condition`).
pub(super) fn check(condition: &Condition, at: &[PathSegment], findings: &mut Findings) {
    for (operator, keys) in condition {
        let at_operator = [at.to_vec(), path![operator]].concat();
        // The operator without its set prefix and `IfExists`, when IAM knows it.
        let base = invalid_condition_operator(operator, &at_operator, findings);
        for (key, value) in keys {
            let key_path = [at_operator.clone(), path![key]].concat();
            invalid_condition_key(key, &key_path, findings);
            invalid_condition_value(base, key, value, key_path, findings);
        }
    }
}

/// Reports an operator IAM does not know; returns the base of one it knows.
fn invalid_condition_operator<'o>(
    operator: &'o str,
    at: &[PathSegment],
    findings: &mut Findings,
) -> Option<&'o str> {
    let without_set = operator
        .strip_prefix("ForAllValues:")
        .or_else(|| operator.strip_prefix("ForAnyValue:"))
        .unwrap_or(operator);
    let base = without_set.strip_suffix("IfExists").unwrap_or(without_set);
    let known = OPERATORS.contains(&base) && !(base == "Null" && base != without_set);
    if known {
        return Some(base);
    }
    let near = suggest(base, OPERATORS.iter().copied());
    findings.at_key(
        Code::InvalidConditionOperator,
        at.to_vec(),
        format!("`{operator}` is not an IAM condition operator"),
        near.map_or(
            "see IAM's condition operators (StringEquals, ArnLike, Bool, …)".to_string(),
            |n| format!("did you mean `{n}`?"),
        ),
    );
    None
}

fn invalid_condition_key(key: &str, at: &[PathSegment], findings: &mut Findings) {
    if let Some((message, help)) = key_problem(key) {
        findings.at_key(Code::InvalidConditionKey, at.to_vec(), message, help);
    }
}

/// Values must be scalars (or a non-empty list of them), and each one a value the
/// operator compares (not judged when the operator is unknown).
fn invalid_condition_value(
    base: Option<&str>,
    key: &str,
    value: &serde_json::Value,
    key_path: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let scalar = |v: &serde_json::Value| v.is_string() || v.is_boolean() || v.is_number();
    let values: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    if values.is_empty() || !values.iter().all(|v| scalar(v)) {
        findings.at(
            Code::InvalidConditionValue,
            key_path,
            format!("condition value of `{key}` must be a string, number, boolean or a non-empty list of them"),
            "e.g. { StringEquals = { \"aws:RequestedRegion\" = \"eu-west-1\" } }",
        );
        return;
    }
    let Some(base) = base else {
        return;
    };
    let operator_family = family(base);
    let is_list = value.is_array();
    for (index, value) in values.iter().enumerate() {
        if let Some(help) = value_problem(operator_family, value) {
            let mut value_path = key_path.clone();
            if is_list {
                value_path.push(index.into());
            }
            findings.at(
                Code::InvalidConditionValue,
                value_path,
                format!("`{}` is not a value `{base}` can compare", display(value)),
                help,
            );
        }
    }
}

fn display(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.escape_debug().to_string(),
        other => other.to_string(),
    }
}

/// (message, help) for a key IAM would never find in a request.
fn key_problem(key: &str) -> Option<(String, String)> {
    let Some((prefix, name)) = key.split_once(':') else {
        return Some((
            format!("`{key}` is not a condition key"),
            "condition keys are `service:name`, e.g. \"aws:SourceIp\" or \"s3:prefix\"".into(),
        ));
    };
    if prefix.eq_ignore_ascii_case("aws") {
        let lower = key.to_ascii_lowercase();
        let known = GLOBAL_KEYS.iter().any(|global| {
            let global = global.to_ascii_lowercase();
            match global.strip_suffix('/') {
                Some(stem) => lower
                    .strip_prefix(&format!("{stem}/"))
                    .is_some_and(|tag| !tag.is_empty()),
                None => lower == global,
            }
        });
        if known {
            return None;
        }
        let candidates = GLOBAL_KEYS.iter().map(|k| k.trim_end_matches('/'));
        let stem = key.split('/').next().unwrap_or(key);
        let help = match suggest(stem, candidates) {
            Some(near) if GLOBAL_KEYS.contains(&format!("{near}/").as_str()) => {
                format!("did you mean `{near}/<tag-key>`?")
            }
            Some(near) => format!("did you mean `{near}`?"),
            None => "see AWS's global condition context keys in the IAM User Guide".into(),
        };
        return Some((
            format!("`{key}` is not one of AWS's global condition keys: IAM would never find it in a request"),
            help,
        ));
    }
    // A name starts with a letter or digit: `Fn::Sub` or `Fn::GetAtt` is no condition key,
    // and CloudFormation would evaluate a map with such a key as an intrinsic function.
    let name_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| !c.is_whitespace() && !c.is_control());
    if !is_service_prefix(&prefix.to_ascii_lowercase()) || !name_ok {
        return Some((
            format!("`{}` is not a condition key", key.escape_debug()),
            "condition keys are `service:name`, e.g. \"s3:prefix\" or \"iam:ResourceTag/team\""
                .into(),
        ));
    }
    None
}

/// What is wrong with one value for an operator family, as a help line; `None` when fine.
fn value_problem(family: Family, value: &serde_json::Value) -> Option<String> {
    let text = value.as_str();
    match family {
        Family::Boolean => {
            let ok = value.is_boolean()
                || text.is_some_and(|t| {
                    t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false")
                });
            (!ok).then(|| "write true or false".to_string())
        }
        Family::Numeric => {
            let ok = value.is_number() || text.is_some_and(|t| t.trim().parse::<f64>().is_ok());
            (!ok).then(|| "numeric operators compare numbers, e.g. 3600".to_string())
        }
        Family::Date => {
            let ok = value.as_i64().is_some()
                || text.is_some_and(|t| is_date(t) || t.parse::<i64>().is_ok());
            (!ok).then(|| {
                "date operators compare ISO 8601 dates or epoch seconds, e.g. \"2026-12-31T23:59:59Z\"".to_string()
            })
        }
        Family::Ip => {
            let ok = text.is_some_and(is_cidr);
            (!ok).then(|| {
                "IP operators compare addresses or CIDR blocks, e.g. \"203.0.113.0/24\"".to_string()
            })
        }
        Family::Other => None,
    }
}

/// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or an offset.
fn is_date(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (date, time) = text.split_once('T').unwrap_or((text, ""));
    let mut parts = date.split('-');
    let date_ok = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(y), Some(m), Some(d), None) if digits(y, 4) && digits(m, 2) && digits(d, 2)
    );
    if !date_ok || time.is_empty() && text.contains('T') {
        return false;
    }
    if time.is_empty() {
        return true;
    }
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let mut fields = clock.split(':');
    let clock_ok = match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(h), Some(m), None, None) => digits(h, 2) && digits(m, 2),
        (Some(h), Some(m), Some(s), None) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
            digits(h, 2)
                && digits(m, 2)
                && digits(whole, 2)
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    };
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() >= 3 && zone[1..].bytes().all(|b| b.is_ascii_digit() || b == b':'));
    clock_ok && zone_ok
}

fn is_cidr(text: &str) -> bool {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let limit = if address.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|p| p <= limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(operator: &str, key: &str, value: serde_json::Value) -> Vec<&'static str> {
        let mut condition = Condition::default();
        condition
            .entry(operator.to_string())
            .or_default()
            .insert(key.to_string(), value);
        let mut findings = Findings::default();
        check(&condition, &[], &mut findings);
        findings.diagnostics.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn misspelt_global_keys_are_found_with_their_correction() {
        assert_eq!(
            codes("StringEquals", "aws:RequestedRegoin", json!("eu-west-1")),
            ["invalid-condition-key"]
        );
        assert!(
            codes("StringEquals", "AWS:requestedregion", json!("eu-west-1")).is_empty(),
            "keys ignore case"
        );
        assert!(codes("StringEquals", "aws:PrincipalTag/team", json!("a")).is_empty());
        assert_eq!(
            codes("StringEquals", "aws:PrincipalTag/", json!("a")),
            ["invalid-condition-key"]
        );
        assert!(codes("StringLike", "s3:prefix", json!(["a/*"])).is_empty());
        assert_eq!(
            codes("StringEquals", "__terraform_expression", json!("x")),
            ["invalid-condition-key"]
        );
        assert_eq!(
            codes("StringEquals", "Fn::Sub", json!("${AWS::AccountId}")),
            ["invalid-condition-key"]
        );
        assert_eq!(
            codes("StringEquals", "Fn::ImportValue", json!("x")),
            ["invalid-condition-key"]
        );
    }

    #[test]
    fn values_must_be_what_the_operator_compares() {
        assert_eq!(
            codes("Bool", "aws:SecureTransport", json!("flase")),
            ["invalid-condition-value"]
        );
        assert!(codes("Bool", "aws:SecureTransport", json!("false")).is_empty());
        assert!(codes("Null", "aws:TokenIssueTime", json!(true)).is_empty());
        assert_eq!(
            codes(
                "NumericLessThan",
                "aws:MultiFactorAuthAge",
                json!("an hour")
            ),
            ["invalid-condition-value"]
        );
        assert!(codes("NumericLessThan", "aws:MultiFactorAuthAge", json!(3600)).is_empty());
        assert!(codes(
            "DateGreaterThan",
            "aws:CurrentTime",
            json!("2026-01-01T00:00:00Z")
        )
        .is_empty());
        assert_eq!(
            codes("DateGreaterThan", "aws:CurrentTime", json!("tomorrow")),
            ["invalid-condition-value"]
        );
        assert!(codes(
            "IpAddress",
            "aws:SourceIp",
            json!(["203.0.113.0/24", "2001:db8::/32"])
        )
        .is_empty());
        assert_eq!(
            codes("IpAddress", "aws:SourceIp", json!("203.0.113.0/33")),
            ["invalid-condition-value"]
        );
        assert_eq!(
            codes("NullIfExists", "aws:TokenIssueTime", json!(true)),
            ["invalid-condition-operator"]
        );
    }
}
