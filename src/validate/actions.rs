//! A statement read against AWS's Service Authorization Reference (`model::service_reference`):
//! IAM accepts an action, resource or condition key it would never match, and a typo then
//! grants nothing (an Allow) or guards nothing (a Deny), silently. An action or service
//! AWS does not have is an error; an action none of the statement's resources can be, a
//! condition key none of its actions carries, and `aws:username` (never set for a role's
//! session) are warnings that name the statement.

use super::tasks::At;
use super::{Findings, Here};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::service_reference::{
    is_all_stars, key_matches, reference, Action, Reference, Service,
};
use crate::path;
use crate::spec::{Effect, Statement};

/// An action the reference does not know (checked once its syntax is sound): an unknown
/// service, a name its service lacks, or a pattern that matches none of its actions.
pub(super) fn unknown_action(action: &str, at: Here<'_>, findings: &mut Findings) {
    let Some((prefix, name)) = action.split_once(':') else {
        return;
    };
    let reference = reference();
    let Some(service) = reference.service(prefix) else {
        let help = match suggest_service(reference, prefix, name) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "write the service prefix AWS's service authorization reference gives (e.g. s3, sqs, secretsmanager)".into(),
        };
        findings.at(
            Code::UnknownService,
            at(),
            format!(
                "`{action}`: AWS has no service `{prefix}`, so IAM would never match this action"
            ),
            help,
        );
        return;
    };
    if !service.actions_matching(name).is_empty() {
        return;
    }
    let literal: String = name.chars().filter(|c| !matches!(c, '*' | '?')).collect();
    let near = suggest(&literal, service.action_names());
    let (message, help) = if literal.len() == name.len() {
        (
            format!(
                "`{action}` is not an action of `{}`: IAM would never match it",
                service.prefix
            ),
            near.map_or_else(
                || {
                    format!(
                        "see `{}`'s actions in AWS's service authorization reference",
                        service.prefix
                    )
                },
                |near| format!("did you mean `{}:{near}`?", service.prefix),
            ),
        )
    } else {
        (
            format!(
                "`{action}` matches no action of `{}`: IAM would never match it",
                service.prefix
            ),
            near.map_or_else(
                || {
                    format!(
                        "see `{}`'s actions in AWS's service authorization reference",
                        service.prefix
                    )
                },
                |near| format!("the nearest action is `{}:{near}`", service.prefix),
            ),
        )
    };
    findings.at(Code::UnknownAction, at(), message, help);
}

/// A spelling IAM would read as `suggested` where the syntax check failed: the service
/// prefix in another case (`S3:GetObject`), with the action's name corrected if it is a
/// near miss. For the help of `invalid-action`.
pub(super) fn corrected_action(action: &str) -> Option<String> {
    let (prefix, name) = action.split_once(':')?;
    let service = reference().service(prefix)?;
    if let Some(found) = service.action(name) {
        return Some(format!("{}:{}", service.prefix, found.name));
    }
    let near = suggest(name, service.action_names())?;
    Some(format!("{}:{near}", service.prefix))
}

/// `prefix:name` with the nearest service prefix that has an action `name`, else the
/// nearest prefix alone.
fn suggest_service(reference: &Reference, prefix: &str, name: &str) -> Option<String> {
    let with_action = reference.prefixes().filter(|candidate| {
        reference
            .service(candidate)
            .is_some_and(|s| !s.actions_matching(name).is_empty())
    });
    if let Some(near) = suggest(prefix, with_action) {
        return Some(format!("{near}:{name}"));
    }
    suggest(prefix, reference.prefixes()).map(|near| format!("{near}:…"))
}

/// Whether every action `action` stands for takes no resource type, so that `*` is the
/// only resource a statement can give it (`cloudwatch:PutMetricData`, `xray:Put*`): naming
/// resources is no option there. False for `*` and for what the reference does not know.
pub(super) fn takes_only_star(action: &str) -> bool {
    resolve(action).is_some_and(|(service, actions)| {
        actions
            .iter()
            .all(|candidate| service.resource_types(candidate).next().is_none())
    })
}

/// What a statement is called in a message: its Sid, else its place in the spec.
fn statement_name(statement: &Statement, at: &[PathSegment]) -> String {
    let place: String = at
        .iter()
        .map(|segment| match segment {
            PathSegment::Key(key) => format!(".{key}"),
            PathSegment::Index(index) => format!("[{index}]"),
        })
        .collect();
    let place = place.trim_start_matches('.').to_string();
    match &statement.sid {
        Some(sid) => format!("statement `{sid}` ({place})"),
        None => format!("statement {place}"),
    }
}

/// One action pattern of a statement, resolved: its service and the actions it stands for
/// (`None` for `*`, and for what `unknown_action` already refused).
fn resolve(action: &str) -> Option<(&'static Service, Vec<&'static Action>)> {
    let (prefix, name) = action.split_once(':')?;
    let service = reference().service(prefix)?;
    let actions = service.actions_matching(name);
    (!actions.is_empty()).then_some((service, actions))
}

/// The warnings of one statement (Allow or Deny) at `at`: actions no resource fits,
/// condition keys no action carries, `aws:username`. Most statements draw none, so names
/// and places are made only for a warning.
pub(super) fn statement_warnings(statement: &Statement, at: At<'_>, findings: &mut Findings) {
    let name = || statement_name(statement, &at(Vec::new()));
    let resolved: Vec<Option<(&Service, Vec<&Action>)>> =
        statement.actions.iter().map(|a| resolve(a)).collect();
    for (index, (action, found)) in statement.actions.iter().zip(&resolved).enumerate() {
        let Some((service, actions)) = found else {
            continue;
        };
        let at_action = || at(path!["actions", index]);
        action_resource_mismatch(
            statement, &name, action, service, actions, &at_action, findings,
        );
    }
    let conditions = statement
        .condition
        .iter()
        .flat_map(|c| c.iter())
        .flat_map(|(operator, keys)| keys.iter().map(move |(key, value)| (operator, key, value)));
    for (operator, key, value) in conditions {
        let at_key = || at(path!["condition", operator, key]);
        if key.eq_ignore_ascii_case("aws:username") {
            username_in_role_policy(&name(), key, at_key(), findings);
        }
        if holds_username_variable(value) {
            username_in_role_policy(&name(), "${aws:username}", at_key(), findings);
        }
        unsupported_condition_key(
            statement, &name, operator, key, &resolved, &at_key, findings,
        );
    }
    for (index, resource) in statement.resources.iter().enumerate() {
        if resource.to_ascii_lowercase().contains("${aws:username}") {
            let at_resource = at(path!["resources", index]);
            username_in_role_policy(&name(), "${aws:username}", at_resource, findings);
        }
    }
}

/// A condition value (or one of a list) holding the policy variable `${aws:username}`.
fn holds_username_variable(value: &serde_json::Value) -> bool {
    let holds = |v: &serde_json::Value| {
        v.as_str()
            .is_some_and(|text| text.to_ascii_lowercase().contains("${aws:username}"))
    };
    match value {
        serde_json::Value::Array(items) => items.iter().any(holds),
        single => holds(single),
    }
}

/// An action pattern none of whose actions acts on a resource of the statement: IAM never
/// matches it there.
fn action_resource_mismatch(
    statement: &Statement,
    name: &dyn Fn() -> String,
    action: &str,
    service: &Service,
    actions: &[&Action],
    at: &dyn Fn() -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    let fits = |candidate: &Action| {
        let mut types = service.resource_types(candidate).peekable();
        if types.peek().is_none() {
            return statement.resources.iter().any(|r| is_all_stars(r));
        }
        types.any(|t| statement.resources.iter().any(|r| t.may_match(r)))
    };
    if actions.iter().any(|candidate| fits(candidate)) {
        return;
    }
    let outcome = match statement.effect {
        Effect::Allow => "it grants nothing",
        Effect::Deny => "it denies nothing",
    };
    let mut types: Vec<String> = Vec::new();
    for candidate in actions {
        for resource_type in service.resource_types(candidate) {
            let shown = format!("{} `{}`", resource_type.name, resource_type.arn());
            if !types.contains(&shown) {
                types.push(shown);
            }
        }
    }
    let (acts_on, help) = if types.is_empty() {
        (
            "takes no resource type, so IAM matches it only against `*`".to_string(),
            "give it a statement of its own with resources = [\"*\"]".to_string(),
        )
    } else {
        let more = types.len().saturating_sub(3);
        let mut shown = types.into_iter().take(3).collect::<Vec<_>>().join(", ");
        if more > 0 {
            shown.push_str(&format!(" and {more} more"));
        }
        (
            format!("acts on {shown}, which none of its resources is"),
            "list a resource of a type it acts on, or move the action to a statement with such resources".to_string(),
        )
    };
    findings.at(
        Code::ActionResourceMismatch,
        at(),
        format!("`{action}` in {} {acts_on}: {outcome} there", name()),
        help,
    );
}

/// A service's condition key that none of the statement's actions carries in its request:
/// IAM evaluates the condition without it. `…IfExists` and `Null` are written for a key
/// that may be missing, so they are left alone.
fn unsupported_condition_key(
    statement: &Statement,
    name: &dyn Fn() -> String,
    operator: &str,
    key: &str,
    resolved: &[Option<(&Service, Vec<&Action>)>],
    at: &dyn Fn() -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    let Some((prefix, _)) = key.split_once(':') else {
        return;
    };
    if prefix.eq_ignore_ascii_case("aws") || operator.ends_with("IfExists") || operator == "Null" {
        return;
    }
    let carriers: Vec<(&Service, &Vec<&Action>)> =
        resolved.iter().flatten().map(|(s, a)| (*s, a)).collect();
    if carriers.is_empty() {
        return;
    }
    let lacking: Vec<&str> = statement
        .actions
        .iter()
        .zip(resolved)
        .filter_map(|(action, found)| {
            let (service, actions) = found.as_ref()?;
            let carried = actions
                .iter()
                .any(|a| service.keys_of(a).any(|pattern| key_matches(pattern, key)));
            (!carried).then_some(action.as_str())
        })
        .collect();
    if lacking.is_empty() {
        return;
    }
    let effect = match statement.effect {
        Effect::Allow => "does not allow them as written",
        Effect::Deny => "does not deny them as written",
    };
    let known = reference()
        .service(prefix)
        .is_some_and(|service| service.keys().any(|pattern| key_matches(pattern, key)));
    let help = if known {
        let supported: Vec<&str> = carriers
            .iter()
            .flat_map(|(service, actions)| actions.iter().map(move |a| (service, a)))
            .filter(|(service, a)| service.keys_of(a).any(|p| key_matches(p, key)))
            .map(|(_, a)| a.name)
            .take(3)
            .collect();
        if supported.is_empty() {
            format!("move the condition to a statement of the actions that carry `{key}`, or use {operator}IfExists where it may be missing")
        } else {
            format!(
                "keep `{key}` for the actions that carry it ({}) in a statement of their own",
                supported.join(", ")
            )
        }
    } else {
        let candidates = reference()
            .service(prefix)
            .into_iter()
            .flat_map(|service| service.keys());
        match suggest(key, candidates) {
            Some(near) => format!("did you mean `{}`?", near.replace('*', "<name>")),
            None => format!("AWS's service authorization reference lists no key `{key}`; see the service's condition keys"),
        }
    };
    findings.at_key(
        Code::UnsupportedConditionKey,
        at(),
        format!(
            "condition key `{key}` of {} is never in the request of {}: IAM evaluates `{operator}` without it, so the statement {effect}",
            name(),
            lacking.join(", ")
        ),
        help,
    );
}

/// `aws:username` is set only for IAM users: a role's session never carries it, so a
/// condition on it or a `${aws:username}` in a role's policy never matches what it says.
fn username_in_role_policy(name: &str, what: &str, at: Vec<PathSegment>, findings: &mut Findings) {
    findings.at(
        Code::UsernameInRolePolicy,
        at,
        format!("`{what}` in {name}: IAM sets aws:username only for IAM users, never for a role's session, so this role's policy never matches it"),
        "use a key a role session carries, e.g. aws:PrincipalTag/<key> or aws:userid (`<role id>:<session name>`)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(actions: &[&str], resources: &[&str]) -> Vec<&'static str> {
        let statement = Statement {
            sid: None,
            effect: Effect::Allow,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            condition: None,
        };
        let mut findings = Findings::default();
        for action in &statement.actions {
            unknown_action(action, &Vec::new, &mut findings);
        }
        statement_warnings(&statement, &|rest| rest, &mut findings);
        findings.diagnostics.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn actions_are_read_against_the_reference() {
        assert!(codes(
            &["s3:GetObject", "s3:get*", "S3:GETOBJECT"],
            &["arn:aws:s3:::b/*"]
        )
        .is_empty());
        assert_eq!(codes(&["s3:GetObjcet"], &["*"]), ["unknown-action"]);
        assert_eq!(codes(&["s3:Nothing*"], &["*"]), ["unknown-action"]);
        assert_eq!(
            codes(&["secretmanager:GetSecretValue"], &["*"]),
            ["unknown-service"]
        );
        assert_eq!(
            codes(&["sqs:SendMessage"], &["arn:aws:s3:::b/*"]),
            ["action-resource-mismatch"]
        );
        assert_eq!(
            codes(&["s3:ListBucket"], &["arn:aws:s3:::b/*"]),
            ["action-resource-mismatch"]
        );
        assert!(codes(&["s3:ListBucket"], &["arn:aws:s3:::b"]).is_empty());
        assert_eq!(
            corrected_action("S3:GetObjcet").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            corrected_action("S3:getobject").as_deref(),
            Some("s3:GetObject")
        );
    }

    #[test]
    fn actions_that_take_only_star_are_known() {
        assert!(takes_only_star("cloudwatch:PutMetricData"));
        assert!(takes_only_star("sqs:ListQueues"));
        assert!(!takes_only_star("s3:PutObject"));
        assert!(!takes_only_star("s3:*"));
        assert!(!takes_only_star("*"));
        assert!(!takes_only_star("nosuch:Thing"));
    }
}
