//! What a role may do, for task roles and `[roles]` roles alike: its statements
//! (`statements`: Sid, actions, resources, `condition` in `conditions.rs`), managed
//! policies and permissions boundary; and the warnings for grants wider than they look.

use crate::collections::HashSet;

use super::arn_kinds::{self, ArnKind};
use super::tasks::At;
use super::{actions, conditions, Findings, Here};
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{is_action, is_sid};
use crate::model::vocabulary::{ADMIN_POLICIES, IAM_ESCALATION, READ_PREFIXES, SECRET_READS};
use crate::model::{
    dev_access_for, has_wildcard, pattern_matches_ignoring_case, Arn, PartitionExt,
    ASSUME_ROLES_SID, DENY_DEV_TAGGING_SID,
};
use crate::path;
use crate::spec::{DevMode, Effect, Partition, Spec, Statement};

/// Statements, managed policies (count and ARNs) and the permissions boundary of a role.
pub(super) fn check_role(
    spec: &Spec,
    statements: &[Statement],
    managed_policies: &[String],
    permissions_boundary: Option<&String>,
    at: At<'_>,
    findings: &mut Findings,
) {
    let partition = spec.project.partition;
    let mut sids: HashSet<String> = HashSet::default();
    for (index, statement) in statements.iter().enumerate() {
        let at_statement = |rest: Vec<PathSegment>| at([path!["statements", index], rest].concat());
        check_statement(statement, partition, &at_statement, findings);
        let Some(sid) = &statement.sid else { continue };
        let at_sid = || at_statement(path!["sid"]);
        if !reserved_sid(sid, &at_sid, findings) {
            duplicate_sid(sid, &mut sids, &at_sid, findings);
        }
    }
    too_many_managed_policies(spec, managed_policies, at, findings);
    for (index, arn) in managed_policies.iter().enumerate() {
        let here = || at(path!["managed_policies", index]);
        arn_kinds::invalid_arn(spec, arn, ArnKind::ManagedPolicy, &here, findings);
    }
    if let Some(arn) = permissions_boundary {
        let here = || at(path!["permissions_boundary"]);
        arn_kinds::invalid_arn(spec, arn, ArnKind::ManagedPolicy, &here, findings);
    }
}

/// Reports and returns whether `sid` is one trustgen gives a statement it adds to task and
/// `[roles]` roles: for the roles this one assumes, or (tagged mode) the Deny on tagging
/// roles with the dev-access tag.
fn reserved_sid(sid: &str, at: Here<'_>, findings: &mut Findings) -> bool {
    let (reserved, what) = if sid.eq_ignore_ascii_case(ASSUME_ROLES_SID) {
        (true, "the statement it adds for the roles this one assumes")
    } else if sid.eq_ignore_ascii_case(DENY_DEV_TAGGING_SID) {
        (
            true,
            "the Deny it adds in tagged mode on tagging roles with the dev-access tag",
        )
    } else {
        (false, "")
    };
    if reserved {
        findings.at(
            Code::ReservedSid,
            at(),
            format!("sid `{sid}` is the one trustgen gives {what}"),
            "choose another sid",
        );
    }
    reserved
}

/// IAM refuses a policy whose Sids repeat (ignoring case).
fn duplicate_sid(sid: &str, seen: &mut HashSet<String>, at: Here<'_>, findings: &mut Findings) {
    if !seen.insert(sid.to_ascii_lowercase()) {
        findings.at(
            Code::DuplicateSid,
            at(),
            format!("sid `{sid}` is used by another statement of this role; IAM refuses a policy whose Sids repeat"),
            "give each statement its own sid, or none",
        );
    }
}

fn too_many_managed_policies(
    spec: &Spec,
    policies: &[String],
    at: At<'_>,
    findings: &mut Findings,
) {
    let limit = spec.limits.managed_policies_per_role;
    if policies.len() as i64 > limit {
        findings.at(
            Code::TooManyManagedPolicies,
            at(path!["managed_policies"]),
            format!("{} managed policies; the limit is {limit}", policies.len()),
            "merge some, or raise limits.managed_policies_per_role after raising the quota",
        );
    }
}

/// `at`: where the statement's own keys are (`…statements.<index>.<key>`).
fn check_statement(
    statement: &Statement,
    partition: Partition,
    at: At<'_>,
    findings: &mut Findings,
) {
    if let Some(sid) = &statement.sid {
        invalid_sid(sid, &|| at(path!["sid"]), findings);
    }
    empty_actions(statement, &|| at(path!["actions"]), findings);
    for (index, action) in statement.actions.iter().enumerate() {
        invalid_action(action, &|| at(path!["actions", index]), findings);
    }
    empty_resources(statement, &|| at(path!["resources"]), findings);
    for (index, resource) in statement.resources.iter().enumerate() {
        let at_resource = || at(path!["resources", index]);
        if !invalid_resource(resource, &at_resource, findings) {
            wrong_partition(resource, partition, &at_resource, findings);
        }
    }
    if let Some(condition) = &statement.condition {
        conditions::check(condition, &at(path!["condition"]), findings);
    }
}

fn invalid_sid(sid: &str, at: Here<'_>, findings: &mut Findings) {
    if !is_sid(sid) {
        findings.at(
            Code::InvalidSid,
            at(),
            format!("sid `{sid}` is not allowed"),
            "letters and digits only",
        );
    }
}

fn empty_actions(statement: &Statement, at: Here<'_>, findings: &mut Findings) {
    if statement.actions.is_empty() {
        findings.at(
            Code::EmptyActions,
            at(),
            "a statement with no actions grants nothing",
            "list actions as service:Action, e.g. \"s3:GetObject\"",
        );
    }
}

/// Syntax first; a sound action is then looked up in AWS's service reference.
fn invalid_action(action: &str, at: Here<'_>, findings: &mut Findings) {
    if is_action(action) {
        actions::unknown_action(action, at, findings);
        return;
    }
    let help = match actions::corrected_action(action) {
        Some(corrected) => format!("did you mean `{corrected}`? (service prefixes are lowercase)"),
        None => "write service:Action, e.g. \"ssm:GetParameter\" (wildcards allowed)".into(),
    };
    findings.at(
        Code::InvalidAction,
        at(),
        format!("`{action}` is not an action"),
        help,
    );
}

fn empty_resources(statement: &Statement, at: Here<'_>, findings: &mut Findings) {
    if statement.resources.is_empty() {
        findings.at(
            Code::EmptyResources,
            at(),
            "a statement needs at least one resource",
            "list ARNs, or \"*\" where the action has no resource type",
        );
    }
}

/// Reports and returns whether `resource` is neither `*` nor an ARN free of whitespace.
fn invalid_resource(resource: &str, at: Here<'_>, findings: &mut Findings) -> bool {
    let help = "arn:partition:service:region:account:resource, or \"*\"";
    if resource
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        findings.at(
            Code::InvalidResource,
            at(),
            format!(
                "`{}` holds whitespace or control characters, which no ARN has",
                resource.escape_debug()
            ),
            help,
        );
        return true;
    }
    if Arn::parse(resource).is_none() && resource != "*" {
        findings.at(
            Code::InvalidResource,
            at(),
            format!("`{resource}` is not an ARN"),
            help,
        );
        return true;
    }
    false
}

fn wrong_partition(resource: &str, partition: Partition, at: Here<'_>, findings: &mut Findings) {
    let Some(arn) = Arn::parse(resource) else {
        return;
    };
    if arn.partition != partition.as_str() && arn.partition != "*" {
        findings.at(
            Code::WrongPartition,
            at(),
            format!(
                "`{resource}` is in partition `{}`, but the project's partition is `{}`",
                arn.partition,
                partition.as_str()
            ),
            format!("write arn:{}:…", partition.as_str()),
        );
    }
}

/// Who holds a statement's permissions, for the wording of its warnings.
#[derive(Clone, Copy)]
pub(super) struct Holder {
    /// Developers can act as this role (a task or role of a dev-access account).
    pub developers_inherit: bool,
}

impl Holder {
    /// The holder of a role in `account`.
    pub(super) fn of(spec: &Spec, account: &str) -> Self {
        Holder {
            developers_inherit: spec
                .accounts
                .get(account)
                .is_some_and(|a| dev_access_for(spec, &a.env) != DevMode::None),
        }
    }

    pub(super) fn note(self) -> &'static str {
        if self.developers_inherit {
            " (a dev-access account: developers acting as this role inherit it)"
        } else {
            ""
        }
    }
}

fn is_write_action(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    !READ_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// `*`, or an ARN with a wildcard in its partition, service, region or account: it reaches
/// beyond one account's named resources (`arn:aws:s3:::bucket/*` is not wide).
fn is_wide_resource(resource: &str) -> bool {
    resource == "*" || Arn::parse(resource).is_some_and(|arn| arn.is_wide())
}

/// Whether the action pattern covers `action` (IAM compares actions ignoring case).
fn covers(pattern: &str, action: &str) -> bool {
    pattern_matches_ignoring_case(pattern, action)
}

/// A statement's warnings: what AWS's service reference shows (`actions.rs`, Allow and
/// Deny); then for an Allow each action named once, by the first that applies of
/// `action-star` (then nothing else), `iam-star`, `iam-escalation`, the wide-resource
/// warnings, then `write-on-any-resource`.
///
/// `at`: where the statement's own keys are (`…statements.<index>.<key>`).
pub(super) fn statement_warnings(
    statement: &Statement,
    at: At<'_>,
    holder: Holder,
    findings: &mut Findings,
) {
    actions::statement_warnings(statement, at, findings);
    if statement.effect == Effect::Deny || action_star(statement, at, holder, findings) {
        return;
    }
    let mut reported: HashSet<&str> = HashSet::default();
    for (index, action) in statement.actions.iter().enumerate() {
        let at_action = || at(path!["actions", index]);
        if iam_star(action, &at_action, holder, findings)
            || iam_escalation(action, &at_action, holder, findings)
        {
            reported.insert(action);
        }
    }
    if let Some(index) = statement.resources.iter().position(|r| is_wide_resource(r)) {
        let resource = &statement.resources[index];
        let wide = WideResource {
            statement,
            resource,
            at: &|| at(path!["resources", index]),
            holder,
        };
        for (code, targets, message, help) in WIDE_RESOURCE_WARNINGS {
            wide.report(code, targets, message, help, &mut reported, findings);
        }
    }
    write_on_any_resource(statement, at, &reported, holder, findings);
}

/// Reports and returns whether the statement allows `*`.
fn action_star(statement: &Statement, at: At<'_>, holder: Holder, findings: &mut Findings) -> bool {
    let Some(index) = statement.actions.iter().position(|a| a == "*") else {
        return false;
    };
    findings.at(
        Code::ActionStar,
        at(path!["actions", index]),
        format!("`*` allows every action of every service{}", holder.note()),
        "list the actions the task needs",
    );
    true
}

/// `iam:*`, `iam:**`, `iam:*?`: a name of wildcards only is every IAM action.
fn iam_star(action: &str, at: Here<'_>, holder: Holder, findings: &mut Findings) -> bool {
    let every_iam_action = action.split_once(':').is_some_and(|(service, name)| {
        service.eq_ignore_ascii_case("iam")
            && name.contains('*')
            && name.chars().all(|c| c == '*' || c == '?')
    });
    if every_iam_action {
        findings.at(
            Code::IamStar,
            at(),
            format!("`{action}` allows every IAM action: creating roles, attaching policies, changing trust{}", holder.note()),
            "list the IAM actions needed, on the exact roles or policies",
        );
    }
    every_iam_action
}

fn iam_escalation(action: &str, at: Here<'_>, holder: Holder, findings: &mut Findings) -> bool {
    // An action without wildcards covers itself alone: compared, not matched, as most are
    // (this runs for every action of every statement).
    let literal = !has_wildcard(action);
    let escalations: Vec<&str> = IAM_ESCALATION
        .iter()
        .copied()
        .filter(|target| {
            if literal {
                action.eq_ignore_ascii_case(target)
            } else {
                covers(action, target)
            }
        })
        .collect();
    if escalations.is_empty() {
        return false;
    }
    findings.at(
        Code::IamEscalation,
        at(),
        format!(
            "`{action}` allows {}: whoever holds this role can give a role, user or itself more permissions{}",
            escalations.join(", "),
            holder.note()
        ),
        "keep IAM administration out of workload roles; if it is needed, limit it with a permissions boundary",
    );
    true
}

/// The warnings for actions on a wide resource: code, the actions it is about, what the
/// role can then do, and the help line.
const WIDE_RESOURCE_WARNINGS: [(Code, &[&str], &str, &str); 3] = [
    (
        Code::PassRoleWide,
        &["iam:PassRole"],
        "this role can hand any role to a service, and act with that role's permissions",
        "name the roles it may pass, e.g. arn:aws:iam::<id>:role/<name>",
    ),
    (
        Code::AssumeRoleWide,
        &["sts:AssumeRole"],
        "this role can assume any role, in any account, that trusts it",
        "name the roles it may assume by ARN",
    ),
    (
        Code::SecretReadWide,
        &SECRET_READS,
        "this role can read every secret, parameter or key it is not denied",
        "name the secrets, parameters or keys by ARN",
    ),
];

/// A statement's first wide resource, where `pass-role-wide`, `assume-role-wide` and
/// `secret-read-wide` point.
struct WideResource<'s, 'a> {
    statement: &'s Statement,
    resource: &'s str,
    at: Here<'a>,
    holder: Holder,
}

impl<'s> WideResource<'s, '_> {
    fn report(
        &self,
        code: Code,
        targets: &[&str],
        message: &str,
        help: &str,
        reported: &mut HashSet<&'s str>,
        findings: &mut Findings,
    ) {
        let actions: Vec<&str> = self
            .statement
            .actions
            .iter()
            .map(String::as_str)
            .filter(|a| !reported.contains(a) && targets.iter().any(|t| covers(a, t)))
            .collect();
        if actions.is_empty() {
            return;
        }
        reported.extend(actions.iter().copied());
        findings.at(
            code,
            (self.at)(),
            format!(
                "{} on `{}`: {message}{}",
                actions.join(", "),
                self.resource,
                self.holder.note()
            ),
            help,
        );
    }
}

fn write_on_any_resource(
    statement: &Statement,
    at: At<'_>,
    reported: &HashSet<&str>,
    holder: Holder,
    findings: &mut Findings,
) {
    let Some(index) = statement.resources.iter().position(|r| r == "*") else {
        return;
    };
    let writes: Vec<&str> = statement
        .actions
        .iter()
        .map(String::as_str)
        .filter(|a| is_write_action(a) && !reported.contains(a) && !actions::takes_only_star(a))
        .collect();
    if !writes.is_empty() {
        findings.at(
            Code::WriteOnAnyResource,
            at(path!["resources", index]),
            format!(
                "write actions ({}) on every resource{}",
                writes.join(", "),
                holder.note()
            ),
            "name the resources (ARNs) these actions may change",
        );
    }
}

/// AWS managed policies that administer the account, among a role's managed policies.
/// `at`: where the list is.
pub(super) fn admin_managed_policy(
    policies: &[String],
    at: Here<'_>,
    holder: Holder,
    findings: &mut Findings,
) {
    for (index, arn) in policies.iter().enumerate() {
        let admin = Arn::parse(arn).and_then(|parsed| {
            let name = parsed.resource.strip_prefix("policy/")?;
            (parsed.account == "aws" && ADMIN_POLICIES.contains(&name)).then_some(name)
        });
        if let Some(name) = admin {
            findings.at(
                Code::AdminManagedPolicy,
                [at(), path![index]].concat(),
                format!("`{name}` administers the account{}", holder.note()),
                "attach a policy with the permissions this role needs",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_actions_are_told_from_reads() {
        assert!(!is_write_action("s3:GetObject"));
        assert!(!is_write_action("ecs:ListClusters"));
        assert!(!is_write_action("s3:Get*"));
        assert!(is_write_action("s3:PutObject"));
        assert!(is_write_action("s3:*"));
        assert!(is_write_action("iam:PassRole"));
        assert!(is_write_action("sqs:SendMessage"));
    }

    /// Red team of the literal fast path: an escalating action spelled in any case, or
    /// reached by a wildcard, still warns; a literal that only resembles one does not.
    #[test]
    fn escalating_actions_warn_in_any_case_and_through_wildcards() {
        let holder = Holder {
            developers_inherit: false,
        };
        let warns = |action: &str| {
            let mut findings = Findings::default();
            let found = iam_escalation(action, &Vec::new, holder, &mut findings);
            assert_eq!(found, !findings.diagnostics.is_empty(), "{action}");
            found
        };
        for action in [
            "iam:PutRolePolicy",
            "IAM:PUTROLEPOLICY",
            "Iam:putRolePolicy",
            "iam:Put*",
            "iam:*RolePolicy",
            "i?m:CreateRole",
        ] {
            assert!(warns(action), "{action}");
        }
        for action in [
            "iam:PutRolePolicyX",
            "iam:GetRolePolicy",
            "ssm:PutRolePolicy",
            "iam:PutRolePolic",
        ] {
            assert!(!warns(action), "{action}");
        }
    }

    #[test]
    fn wide_resources_reach_beyond_one_account() {
        assert!(is_wide_resource("*"));
        assert!(is_wide_resource("arn:aws:iam::*:role/*"));
        assert!(is_wide_resource(
            "arn:*:secretsmanager:eu-west-1:111122223333:secret:x"
        ));
        assert!(!is_wide_resource("arn:aws:s3:::receipts/*"));
        assert!(!is_wide_resource("arn:aws:iam::111122223333:role/app-*"));
    }
}
