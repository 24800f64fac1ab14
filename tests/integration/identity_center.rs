//! An evaluation of the generated CloudFormation with IAM's own rules, for every spec with
//! `[identity_center]`: who can `sts:AssumeRole` which role.
//!
//! A session of a developers' permission set is a role IAM Identity Center creates in an
//! account, `…:role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<set>_<16
//! characters>`, holding the policies its permission set names there (the developer policy
//! by name and path, plus its managed policies). Each such session, in both path forms and
//! with MFA as the spec requires, must be able to assume exactly the roles developers act
//! as in its own dev-access account (task roles, or the simulator), and nothing anywhere
//! else. A session of any other permission set (one whose name starts with ours included),
//! even holding every permission, must assume none of them in extended and simulate modes
//! (tagged mode trusts the account root by design: there it holds no developer policy and
//! gets nothing). Nothing in an account without developer access is reachable by anyone.
//!
//! Also checked from the files: no assignment targets an account without developer access,
//! every account a permission set is assigned in has the developer policy it references,
//! and the lock file stages the Identity Center stack after every such developers stack.
//!
//! The evaluation is written here from IAM's documentation, independently of trustgen's
//! model: principals (exact ARN, or the account root, which then needs the caller's own
//! identity policy to allow it as well), `Allow` and `Deny`, actions and resources with
//! `*` and `?`, and the condition operators the generated policies use (`ArnLike`,
//! `ArnEquals`, `StringEquals`, `StringLike`, `Bool`), a key absent from the request
//! failing its condition as IAM fails it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use serde_norway::Value as Yaml;

use crate::access::resolve;
use crate::support::{all_specs, generate_into};

/// A role of the generated stacks, intrinsics resolved.
#[derive(Debug, Clone)]
struct Role {
    arn: String,
    account: String,
    trust: Json,
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
struct PermissionSet {
    name: String,
    /// (name, path) of customer managed policies it references.
    references: Vec<(String, String)>,
    /// Account ids it is assigned in.
    assigned: BTreeSet<String>,
}

struct Accounts {
    /// name -> (id, env)
    by_name: BTreeMap<String, (String, String)>,
    mode: String,
    environments: Vec<String>,
    require_mfa: bool,
    partition: String,
    identity_region: String,
}

impl Accounts {
    fn read(spec: &Path) -> Accounts {
        let text = std::fs::read_to_string(spec).unwrap_or_default();
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let project_region = value["project"]
            .get("region")
            .and_then(|r| r.as_str())
            .unwrap_or_default();
        let mut by_name = BTreeMap::new();
        let mut regions = BTreeMap::new();
        for (name, account) in value["accounts"].as_table().into_iter().flatten() {
            let field = |key: &str| {
                account
                    .get(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            };
            by_name.insert(
                name.clone(),
                (field("id").to_string(), field("env").to_string()),
            );
            let region = account
                .get("region")
                .and_then(|r| r.as_str())
                .unwrap_or(project_region);
            regions.insert(name.clone(), region.to_string());
        }
        let dev = value.get("dev_access");
        let center = &value["identity_center"];
        let identity_region = center
            .get("region")
            .and_then(|r| r.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| regions[center["account"].as_str().unwrap_or_default()].clone());
        Accounts {
            by_name,
            mode: dev
                .and_then(|d| d.get("mode"))
                .and_then(|m| m.as_str())
                .unwrap_or("none")
                .to_string(),
            environments: dev
                .and_then(|d| d.get("environments"))
                .and_then(|e| e.as_array())
                .map(|e| {
                    e.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_else(|| vec!["dev".to_string()]),
            require_mfa: dev
                .and_then(|d| d.get("require_mfa"))
                .and_then(|m| m.as_bool())
                .unwrap_or(false),
            partition: value["project"]
                .get("partition")
                .and_then(|p| p.as_str())
                .unwrap_or("aws")
                .to_string(),
            identity_region,
        }
    }

    fn dev_access(&self, account: &str) -> bool {
        self.mode != "none"
            && self
                .by_name
                .get(account)
                .is_some_and(|(_, env)| self.environments.contains(env))
    }

    fn name_of(&self, id: &str) -> String {
        self.by_name
            .iter()
            .find(|(_, (account_id, _))| account_id == id)
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    }
}

/// Everything the evaluation needs from one generated output.
struct Output {
    roles: Vec<Role>,
    /// (account, name, path) -> document
    policies: BTreeMap<(String, String, String), Json>,
    permission_sets: Vec<PermissionSet>,
    /// Template path -> stage number.
    stages: BTreeMap<String, u64>,
}

fn read_output(spec: &Path, out: &Path, accounts: &Accounts) -> Output {
    let manifest: Json = serde_json::from_str(
        &std::fs::read_to_string(out.join("trustgen.lock.json")).unwrap_or_default(),
    )
    .unwrap_or(Json::Null);
    let mut output = Output {
        roles: Vec::new(),
        policies: BTreeMap::new(),
        permission_sets: Vec::new(),
        stages: BTreeMap::new(),
    };
    for stage in manifest["stages"].as_array().into_iter().flatten() {
        for stack in stage["stacks"].as_array().into_iter().flatten() {
            let template = stack["template"].as_str().unwrap_or_default();
            output
                .stages
                .insert(template.to_string(), stage["stage"].as_u64().unwrap_or(0));
            let (account, id, region) = (
                stack["account"].as_str().unwrap_or_default(),
                stack["account_id"].as_str().unwrap_or_default(),
                stack["region"].as_str().unwrap_or_default(),
            );
            let text = std::fs::read_to_string(out.join(template)).unwrap_or_default();
            let yaml: Yaml = serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {template}: {e}", spec.display()));
            let resolved = resolve(&yaml, &accounts.partition, id, region);
            let mut sets: BTreeMap<String, PermissionSet> = BTreeMap::new();
            let mut assignments = Vec::new();
            for (logical, resource) in resolved["Resources"].as_object().into_iter().flatten() {
                let props = &resource["Properties"];
                let text_of = |v: &Json| v.as_str().unwrap_or_default().to_string();
                match resource["Type"].as_str().unwrap_or_default() {
                    "AWS::IAM::Role" => output.roles.push(Role {
                        arn: format!(
                            "arn:{}:iam::{id}:role{}{}",
                            accounts.partition,
                            props["Path"].as_str().unwrap_or("/"),
                            text_of(&props["RoleName"])
                        ),
                        account: account.to_string(),
                        trust: props["AssumeRolePolicyDocument"].clone(),
                        tags: props["Tags"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|t| (text_of(&t["Key"]), text_of(&t["Value"])))
                            .collect(),
                    }),
                    "AWS::IAM::ManagedPolicy" => {
                        output.policies.insert(
                            (
                                account.to_string(),
                                text_of(&props["ManagedPolicyName"]),
                                props["Path"].as_str().unwrap_or("/").to_string(),
                            ),
                            props["PolicyDocument"].clone(),
                        );
                    }
                    "AWS::SSO::PermissionSet" => {
                        sets.insert(
                            logical.clone(),
                            PermissionSet {
                                name: text_of(&props["Name"]),
                                references: props["CustomerManagedPolicyReferences"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|r| {
                                        (
                                            text_of(&r["Name"]),
                                            r["Path"].as_str().unwrap_or("/").to_string(),
                                        )
                                    })
                                    .collect(),
                                assigned: BTreeSet::new(),
                            },
                        );
                    }
                    "AWS::SSO::Assignment" => {
                        assert_eq!(props["PrincipalType"], "GROUP");
                        assert_eq!(props["TargetType"], "AWS_ACCOUNT");
                        let set = text_of(&props["PermissionSetArn"])
                            .trim_start_matches('!')
                            .trim_start_matches("GetAtt ")
                            .trim_end_matches(".PermissionSetArn")
                            .to_string();
                        assignments.push((set, text_of(&props["TargetId"])));
                    }
                    _ => {}
                }
            }
            for (set, target) in assignments {
                let entry = sets
                    .get_mut(&set)
                    .unwrap_or_else(|| panic!("{template}: assignment of unknown {set}"));
                entry.assigned.insert(target);
            }
            output.permission_sets.extend(sets.into_values());
        }
    }
    output
}

fn list(value: &Json) -> Vec<String> {
    match value {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn statements(document: &Json) -> Vec<Json> {
    match &document["Statement"] {
        Json::Array(items) => items.clone(),
        Json::Null => Vec::new(),
        single => vec![single.clone()],
    }
}

/// IAM's wildcard match: `*` any run, `?` one character; case-sensitive.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// The request context of `sts:AssumeRole` by a role session.
struct Request<'a> {
    principal_arn: &'a str,
    principal_account: &'a str,
    /// `aws:MultiFactorAuthPresent`: `None` when the session carries no MFA context.
    mfa: Option<bool>,
    target: &'a Role,
}

impl Request<'_> {
    /// The value of a condition key, absent when the request does not carry it.
    fn key(&self, key: &str) -> Option<String> {
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "aws:principalarn" => Some(self.principal_arn.to_string()),
            "aws:principalaccount" => Some(self.principal_account.to_string()),
            "aws:multifactorauthpresent" => self.mfa.map(|m| m.to_string()),
            _ => {
                // Tag keys are matched ignoring case, as IAM matches them.
                let tag = lower.strip_prefix("iam:resourcetag/")?;
                self.target
                    .tags
                    .iter()
                    .find(|(k, _)| k.to_ascii_lowercase() == tag)
                    .map(|(_, v)| v.clone())
            }
        }
    }

    fn conditions_hold(&self, condition: &Json) -> bool {
        condition
            .as_object()
            .into_iter()
            .flatten()
            .all(|(operator, keys)| {
                keys.as_object().into_iter().flatten().all(|(key, wanted)| {
                    let Some(actual) = self.key(key) else {
                        return false;
                    };
                    let wanted: Vec<String> = match wanted {
                        Json::Array(items) => items.iter().map(json_text).collect(),
                        single => vec![json_text(single)],
                    };
                    wanted.iter().any(|w| match operator.as_str() {
                        "ArnLike" | "ArnEquals" | "StringLike" => glob(w, &actual),
                        "StringEquals" => *w == actual,
                        "Bool" => w.eq_ignore_ascii_case(&actual),
                        other => panic!("the evaluation does not know operator {other}"),
                    })
                })
            })
    }
}

fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn matches_assume(statement: &Json) -> bool {
    list(&statement["Action"])
        .iter()
        .any(|a| glob(&a.to_ascii_lowercase(), "sts:assumerole"))
}

/// What the trust policy says: (allowed, the principal was named by its own ARN).
fn trust_allows(request: &Request) -> (bool, bool) {
    let root = format!(
        "arn:{}:iam::{}:root",
        request.principal_arn.split(':').nth(1).unwrap_or_default(),
        request.principal_account
    );
    let mut allowed = (false, false);
    for statement in statements(&request.target.trust) {
        if !matches_assume(&statement) {
            continue;
        }
        let principals = list(&statement["Principal"]["AWS"]);
        let named = principals.iter().any(|p| p == request.principal_arn);
        if !(named || principals.contains(&root) || principals.iter().any(|p| p == "*")) {
            continue;
        }
        if !request.conditions_hold(&statement["Condition"]) {
            continue;
        }
        if statement["Effect"] == "Deny" {
            return (false, false);
        }
        allowed = (true, allowed.1 || named);
    }
    allowed
}

/// What the caller's own identity policies say about assuming the target.
fn identity_allows(request: &Request, policies: &[Json]) -> bool {
    let mut allowed = false;
    for statement in policies.iter().flat_map(statements) {
        let resource = list(&statement["Resource"])
            .iter()
            .any(|r| glob(r, &request.target.arn));
        if !(matches_assume(&statement)
            && resource
            && request.conditions_hold(&statement["Condition"]))
        {
            continue;
        }
        if statement["Effect"] == "Deny" {
            return false;
        }
        allowed = true;
    }
    allowed
}

/// Whether the session may assume the target: in its own account the trust's principal
/// (named, or the root together with the caller's policies); across accounts both.
fn may_assume(request: &Request, policies: &[Json]) -> bool {
    let (trusted, named) = trust_allows(request);
    let target_account = request.target.arn.split(':').nth(4).unwrap_or_default();
    let same_account = target_account == request.principal_account;
    trusted && ((same_account && named) || identity_allows(request, policies))
}

/// A role IAM Identity Center creates for `set` in account `id`.
fn session_arn(partition: &str, id: &str, region: Option<&str>, set: &str, suffix: &str) -> String {
    let region = region.map(|r| format!("{r}/")).unwrap_or_default();
    format!("arn:{partition}:iam::{id}:role/aws-reserved/sso.amazonaws.com/{region}AWSReservedSSO_{set}_{suffix}")
}

fn identity_center_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = all_specs()
        .into_iter()
        .filter(|spec| {
            std::fs::read_to_string(spec).is_ok_and(|text| text.contains("\n[identity_center]"))
        })
        .collect();
    specs.push(PathBuf::from(
        "tests/fixtures/hostile/permission-set-odd-but-valid-name.toml",
    ));
    specs
}

#[test]
fn permission_set_sessions_assume_exactly_the_dev_roles_and_nothing_in_production() {
    let specs = identity_center_specs();
    assert!(specs.len() >= 4, "{specs:?}");
    let mut evaluated = 0;
    for spec in specs {
        let name = spec.display().to_string();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        generate_into(&spec, dir.path());
        let accounts = Accounts::read(&spec);
        let output = read_output(&spec, dir.path(), &accounts);
        assert!(
            !output.permission_sets.is_empty(),
            "{name}: no permission set"
        );
        let partition = accounts.partition.as_str();
        // What developers act as: the dev task roles (tagged, extended) or the simulator.
        let developer_roles = |account: &str| -> BTreeSet<String> {
            if !accounts.dev_access(account) {
                return BTreeSet::new();
            }
            output
                .roles
                .iter()
                .filter(|r| r.account == account)
                .filter(|r| {
                    let ecs_only = statements(&r.trust)
                        .iter()
                        .all(|s| s["Principal"]["AWS"].is_null());
                    let simulator = r.arn.ends_with("-simulator");
                    if accounts.mode == "simulate" {
                        simulator
                    } else {
                        !ecs_only && !simulator
                    }
                })
                .map(|r| r.arn.clone())
                .collect()
        };
        let all_developer_roles: BTreeSet<String> = accounts
            .by_name
            .keys()
            .flat_map(|a| developer_roles(a))
            .collect();
        assert!(!all_developer_roles.is_empty(), "{name}: nothing to act as");
        for set in &output.permission_sets {
            for (account, (id, _)) in &accounts.by_name {
                // The policies the set's session holds in this account: its references
                // exist where the account has them (elsewhere provisioning fails).
                let policies: Vec<Json> = set
                    .references
                    .iter()
                    .filter_map(|(policy, path)| {
                        output
                            .policies
                            .get(&(account.clone(), policy.clone(), path.clone()))
                            .cloned()
                    })
                    .collect();
                let expected = developer_roles(account);
                for region in [None, Some(accounts.identity_region.as_str())] {
                    for mfa in [Some(true), Some(false), None] {
                        let arn = session_arn(partition, id, region, &set.name, "0123456789abcdef");
                        let allowed: BTreeSet<String> = output
                            .roles
                            .iter()
                            .filter(|target| {
                                may_assume(
                                    &Request {
                                        principal_arn: &arn,
                                        principal_account: id,
                                        mfa,
                                        target,
                                    },
                                    &policies,
                                )
                            })
                            .map(|r| r.arn.clone())
                            .collect();
                        let wanted = if mfa == Some(true) || !accounts.require_mfa {
                            expected.clone()
                        } else {
                            BTreeSet::new()
                        };
                        assert_eq!(
                            allowed, wanted,
                            "{name}: a session {arn} (MFA {mfa:?}) assumes {allowed:?}, expected {wanted:?}"
                        );
                        evaluated += 1;
                    }
                }
                // Other permission sets, holding every permission: named like ours but
                // longer, shorter, or prefixed; and a suffix of the wrong length.
                let everything = vec![
                    json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                ];
                let others = [
                    session_arn(
                        partition,
                        id,
                        Some(&accounts.identity_region),
                        &format!("{}_Admin", set.name),
                        "0123456789abcdef",
                    ),
                    session_arn(
                        partition,
                        id,
                        None,
                        &format!("{}x", set.name),
                        "0123456789abcdef",
                    ),
                    session_arn(
                        partition,
                        id,
                        None,
                        &set.name[..set.name.len() - 1],
                        "0123456789abcdef",
                    ),
                    session_arn(
                        partition,
                        id,
                        None,
                        &format!("X{}", set.name),
                        "0123456789abcdef",
                    ),
                    session_arn(partition, id, None, &set.name, "0123456789abcdef0"),
                    session_arn(
                        partition,
                        id,
                        Some("ap-south-2"),
                        &set.name,
                        "0123456789abcdef",
                    ),
                    format!(
                        "arn:{partition}:iam::{id}:role/AWSReservedSSO_{}_0123456789abcdef",
                        set.name
                    ),
                ];
                for other in &others {
                    let holding: &[Json] = if accounts.mode == "tagged" {
                        &[]
                    } else {
                        &everything
                    };
                    for target in &output.roles {
                        let request = Request {
                            principal_arn: other,
                            principal_account: id,
                            mfa: Some(true),
                            target,
                        };
                        if all_developer_roles.contains(&target.arn)
                            || !accounts.dev_access(&target.account)
                        {
                            assert!(
                                !may_assume(&request, holding),
                                "{name}: {other} may assume {}",
                                target.arn
                            );
                        }
                        evaluated += 1;
                    }
                }
            }
        }
        // Nothing outside dev access, for anyone holding anything, in any account.
        let everything =
            vec![json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})];
        for target in output
            .roles
            .iter()
            .filter(|r| !accounts.dev_access(&r.account))
        {
            for (id, _) in accounts.by_name.values() {
                for set in &output.permission_sets {
                    let arn = session_arn(
                        partition,
                        id,
                        Some(&accounts.identity_region),
                        &set.name,
                        "0123456789abcdef",
                    );
                    let request = Request {
                        principal_arn: &arn,
                        principal_account: id,
                        mfa: Some(true),
                        target,
                    };
                    assert!(
                        !may_assume(&request, &everything),
                        "{name}: {arn} may assume {}",
                        target.arn
                    );
                }
            }
        }
        // Assignments: dev-access accounts only, each with the referenced policy, whose
        // developers stack deploys in an earlier stage than the Identity Center stack.
        let identity_stage = output
            .stages
            .iter()
            .find(|(t, _)| t.ends_with("/identity-center.yaml"))
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("{name}: no identity-center stack in the lock file"));
        for set in &output.permission_sets {
            for target in &set.assigned {
                let account = accounts.name_of(target);
                assert!(
                    accounts.dev_access(&account),
                    "{name}: {} assigned in {account}",
                    set.name
                );
                for (policy, path) in &set.references {
                    assert!(
                        output.policies.contains_key(&(
                            account.clone(),
                            policy.clone(),
                            path.clone()
                        )),
                        "{name}: {} references {path}{policy}, which account {account} lacks",
                        set.name
                    );
                }
                let developers = format!("cloudformation/{account}/developers.yaml");
                let stage = output.stages.get(&developers).copied().unwrap_or(u64::MAX);
                assert!(stage < identity_stage, "{name}: {developers} (stage {stage}) is not before the identity-center stack (stage {identity_stage})");
            }
        }
    }
    assert!(evaluated > 200, "only {evaluated} evaluations");
}

/// The evaluation itself must be able to fail: a trust whose pattern lost its exact suffix
/// (`_*`), and one narrowed with `StringLike` on the wrong key, let other sessions in.
#[test]
fn the_evaluation_catches_a_widened_pattern() {
    let target = |condition: Json| Role {
        arn: "arn:aws:iam::111122223333:role/api".into(),
        account: "dev".into(),
        trust: json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Condition": condition}]}),
        tags: BTreeMap::new(),
    };
    let policies = vec![
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/api"}]}),
    ];
    let other = session_arn("aws", "111122223333", None, "Dev_Admin", "0123456789abcdef");
    let ours = session_arn("aws", "111122223333", None, "Dev", "0123456789abcdef");
    let request = |principal: &str, role: &Role| -> bool {
        may_assume(
            &Request {
                principal_arn: principal,
                principal_account: "111122223333",
                mfa: None,
                target: role,
            },
            &policies,
        )
    };
    let exact = target(
        json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_????????????????"}}),
    );
    let loose = target(
        json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_*"}}),
    );
    assert!(request(&ours, &exact) && !request(&other, &exact));
    assert!(request(&other, &loose), "`_*` lets Dev_Admin's sessions in");
    let mfa = target(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}));
    assert!(
        !request(&ours, &mfa),
        "an absent MFA key fails the condition"
    );
}
