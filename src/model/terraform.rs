//! The Terraform layout: one root for every account (the default), or one root per account
//! with the `[roles]` destinations (and IAM Identity Center's resources) in roots of their
//! own; each root's state key; and the order the roots apply in.
//!
//! IAM refuses a trust policy that names a role which does not exist yet, and attaching a
//! managed policy that does not exist. Inside one root, Terraform orders creation by
//! reference; across roots nothing does, so every root records the roots it waits for
//! (`after`): those creating a role its trust policies name, or a policy it attaches (or,
//! for Identity Center's root, the developer policies its permission sets reference). Its
//! stage is one more than the latest of those. Destinations wait for the roots of the task
//! roles they trust, so accounts whose tasks assume roles in each other (a cycle between
//! accounts) apply cleanly: every account root first, then the trust roots. A destination
//! trusting by `account-with-arn-condition` names only account roots, and waits for
//! nothing.

use crate::collections::HashMap;

use super::names::{self, RootKind};
use super::policy::Principal;
use super::{Account, Bootstrap, IdentityCenter, RoleKind};
use crate::spec::{self, Orchestrator, Spec, TerraformLayout};

#[derive(Debug, Clone)]
pub struct Terraform {
    pub layout: TerraformLayout,
    /// The S3 backend, when the spec asks for one (`type = "local"` writes nothing).
    pub backend: Option<S3Backend>,
    /// In output order: the single root, or per account its root, its trust root and
    /// Identity Center's root (each when it has something to hold).
    pub roots: Vec<Root>,
    /// Names of roots that wait for each other, so no order applies them (empty when
    /// every root has a stage). Validation refuses such a spec.
    pub cycle: Vec<String>,
    /// The engine whose files apply the roots in order (`atlantis.yaml`, `terragrunt.hcl`).
    pub orchestrator: Option<Orchestrator>,
    /// Where the output directory sits in the repository ("." at its root): the start of
    /// every project directory in atlantis.yaml.
    pub repository_dir: String,
}

#[derive(Debug, Clone)]
pub struct S3Backend {
    pub bucket: String,
    pub region: String,
    pub key_prefix: String,
    pub use_lockfile: bool,
    pub dynamodb_table: Option<String>,
    pub role_arn: Option<String>,
    /// The settings go to a `-backend-config` file, the block stays empty.
    pub partial: bool,
}

#[derive(Debug, Clone)]
pub struct Root {
    pub kind: RootKind,
    /// The account it deploys to (spec name); empty for the single root.
    pub account: String,
    /// `names::terraform_root_name`.
    pub name: String,
    /// `names::terraform_root_dir`, relative to the output directory.
    pub dir: String,
    /// The region its provider deploys to: its account's, or Identity Center's for
    /// Identity Center's root; empty for the single root (one provider per account).
    pub region: String,
    /// With an S3 backend: `<key_prefix>/<name>.tfstate`.
    pub state_key: Option<String>,
    /// With an S3 backend: the bucket its state is in, and the role the backend assumes to
    /// reach it, each with `{account_id}` read as this root's account id
    /// ([`ACCOUNT_ID_PATTERN`]), so that each account's roots can have a bucket and a
    /// role of their own.
    pub state_bucket: Option<String>,
    pub state_role_arn: Option<String>,
    /// Indices (into `Terraform::roots`) of the roots it waits for, in output order.
    pub after: Vec<usize>,
    /// From 1; 0 for a root in or after a cycle.
    pub stage: usize,
}

impl Root {
    /// Whether a role of this kind lives in this root.
    pub fn holds(&self, kind: &RoleKind) -> bool {
        match self.kind {
            RootKind::Single => true,
            RootKind::Account => *kind != RoleKind::Trusted,
            RootKind::Trust => *kind == RoleKind::Trusted,
            RootKind::IdentityCenter | RootKind::Bootstrap => false,
        }
    }

    /// Whether the StackSet of `[bootstrap]` lives in this root (when its account is this
    /// root's).
    pub fn holds_bootstrap(&self) -> bool {
        matches!(self.kind, RootKind::Single | RootKind::Bootstrap)
    }

    /// Whether the developer policy and the task definitions live in this root.
    pub fn holds_account_resources(&self) -> bool {
        matches!(self.kind, RootKind::Single | RootKind::Account)
    }

    /// Whether IAM Identity Center's permission sets and assignments live in this root
    /// (when its account is this root's).
    pub fn holds_identity_center(&self) -> bool {
        matches!(self.kind, RootKind::Single | RootKind::IdentityCenter)
    }
}

impl Terraform {
    /// The roots of `account`, in output order (none in the single-root layout).
    pub fn roots_of<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a Root> + 'a {
        self.roots
            .iter()
            .filter(move |root| root.kind != RootKind::Single && root.account == account)
    }

    /// The layout as the spec names it.
    pub fn layout_name(&self) -> &'static str {
        match self.layout {
            TerraformLayout::SingleRoot => "single-root",
            TerraformLayout::PerAccount => "per-account",
        }
    }

    /// The orchestrator as the spec names it.
    pub fn orchestrator_name(&self) -> Option<&'static str> {
        self.orchestrator.map(|orchestrator| match orchestrator {
            Orchestrator::Atlantis => "atlantis",
            Orchestrator::Terragrunt => "terragrunt",
        })
    }

    /// The single root, in the single-root layout.
    pub fn single_root(&self) -> Option<&Root> {
        self.roots.iter().find(|root| root.kind == RootKind::Single)
    }

    /// The directories of the roots `root` waits for, in output order.
    pub fn after_dirs<'a>(&'a self, root: &'a Root) -> impl Iterator<Item = &'a str> + 'a {
        root.after
            .iter()
            .filter_map(|&index| self.roots.get(index))
            .map(|other| other.dir.as_str())
    }
}

/// In `[terraform.backend]` `bucket` and `role_arn`: the id of the account each root
/// deploys to (the per-account layout only: the single root deploys to every account).
pub(crate) const ACCOUNT_ID_PATTERN: &str = "{account_id}";

/// A backend setting for the root of the account with this id.
pub(crate) fn for_account(setting: &str, account_id: &str) -> String {
    setting.replace(ACCOUNT_ID_PATTERN, account_id)
}

pub(super) fn backend(spec: &Spec) -> Option<S3Backend> {
    let backend: &spec::Backend = spec.terraform.s3_backend()?;
    Some(S3Backend {
        bucket: backend.bucket.clone().unwrap_or_default(),
        region: backend.region.clone().unwrap_or_default(),
        key_prefix: backend.key_prefix.clone().unwrap_or_default(),
        use_lockfile: backend
            .use_lockfile
            .unwrap_or(backend.dynamodb_table.is_none()),
        dynamodb_table: backend.dynamodb_table.clone(),
        role_arn: backend.role_arn.clone(),
        partial: backend.partial,
    })
}

/// The roots of the model's accounts, with their state keys and stages.
pub(super) fn build(
    spec: &Spec,
    accounts: &[std::sync::Arc<Account>],
    identity_center: Option<&IdentityCenter>,
    bootstrap: Option<&Bootstrap>,
) -> Terraform {
    let layout = spec.terraform.layout;
    let backend = backend(spec);
    let root = |kind: RootKind, account: &str| {
        let name = names::terraform_root_name(kind, account);
        let region = match (kind, identity_center) {
            (RootKind::Single, _) => String::new(),
            (RootKind::IdentityCenter, Some(center)) => center.region.clone(),
            (RootKind::Bootstrap, _) => bootstrap.map_or_else(String::new, |b| b.region.clone()),
            _ => accounts
                .iter()
                .find(|a| a.name == account)
                .map_or_else(String::new, |a| a.region.clone()),
        };
        let account_id = accounts
            .iter()
            .find(|a| a.name == account)
            .map_or("", |a| a.id.as_str());
        Root {
            kind,
            account: account.to_string(),
            dir: names::terraform_root_dir(kind, account),
            region,
            state_key: backend
                .as_ref()
                .map(|b| names::terraform_state_key(&b.key_prefix, &name)),
            state_bucket: backend.as_ref().map(|b| for_account(&b.bucket, account_id)),
            state_role_arn: backend
                .as_ref()
                .and_then(|b| b.role_arn.as_deref())
                .map(|arn| for_account(arn, account_id)),
            name,
            after: Vec::new(),
            stage: 1,
        }
    };
    let mut roots = Vec::new();
    match layout {
        TerraformLayout::SingleRoot => roots.push(root(RootKind::Single, "")),
        TerraformLayout::PerAccount => {
            for account in accounts {
                if account.roles().any(|r| r.kind != RoleKind::Trusted)
                    || account.developer_policy.is_some()
                    || !account.task_definitions.is_empty()
                {
                    roots.push(root(RootKind::Account, &account.name));
                }
                if account.has_trust_stack() {
                    roots.push(root(RootKind::Trust, &account.name));
                }
                if identity_center.is_some_and(|center| center.account == account.name) {
                    roots.push(root(RootKind::IdentityCenter, &account.name));
                }
                if bootstrap.is_some_and(|b| b.account == account.name) {
                    roots.push(root(RootKind::Bootstrap, &account.name));
                }
            }
        }
    }
    let cycle = order(&mut roots, accounts, identity_center);
    Terraform {
        layout,
        backend,
        roots,
        cycle,
        orchestrator: spec.terraform.orchestrator,
        repository_dir: spec
            .terraform
            .repository_dir
            .clone()
            .unwrap_or_else(|| ".".into()),
    }
}

/// Fills each root's `after` and `stage`; returns the names of roots in a cycle.
fn order(
    roots: &mut [Root],
    accounts: &[std::sync::Arc<Account>],
    identity_center: Option<&IdentityCenter>,
) -> Vec<String> {
    if roots.len() < 2 {
        return Vec::new();
    }
    let by_name: HashMap<&str, &Account> =
        accounts.iter().map(|a| (a.name.as_str(), &**a)).collect();
    // What each root creates that another may name: role and policy ARNs (IAM compares
    // role names ignoring case, so these do too: waiting once too often costs nothing).
    let mut creator: HashMap<String, usize> = HashMap::default();
    for (index, root) in roots.iter().enumerate() {
        let Some(account) = by_name.get(root.account.as_str()) else {
            continue;
        };
        for role in account.roles().filter(|role| root.holds(&role.kind)) {
            creator.insert(role.arn.to_ascii_lowercase(), index);
        }
        if let Some(policy) = account
            .developer_policy
            .as_ref()
            .filter(|_| root.holds_account_resources())
        {
            creator.insert(policy.arn.to_ascii_lowercase(), index);
        }
    }
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); roots.len()];
    for (index, root) in roots.iter().enumerate() {
        let Some(account) = by_name.get(root.account.as_str()) else {
            continue;
        };
        let mut needs = |arn: &str| {
            if let Some(&other) = creator.get(&arn.to_ascii_lowercase()) {
                if other != index && !after[index].contains(&other) {
                    after[index].push(other);
                }
            }
        };
        for role in account.roles().filter(|role| root.holds(&role.kind)) {
            for statement in &role.trust_policy.statements {
                if let Some(Principal::Aws(arns)) = &statement.principal {
                    arns.iter().for_each(|arn| needs(arn));
                }
            }
            role.managed_policy_arns.iter().for_each(|arn| needs(arn));
            if let Some(boundary) = &role.permissions_boundary {
                needs(boundary);
            }
        }
        // A permission set names the developer policy of every account it is for.
        let center = identity_center
            .filter(|center| root.holds_identity_center() && center.account == account.name);
        for set in center.iter().flat_map(|center| &center.permission_sets) {
            if set.developer_policy.is_none() {
                continue;
            }
            for target in set
                .accounts
                .iter()
                .filter_map(|name| by_name.get(name.as_str()))
            {
                if let Some(policy) = &target.developer_policy {
                    needs(&policy.arn);
                }
            }
        }
    }
    for list in &mut after {
        list.sort_unstable();
    }
    let stage = stages(&after);
    let cycle = find_cycle(&after, &stage);
    for (index, root) in roots.iter_mut().enumerate() {
        root.after = std::mem::take(&mut after[index]);
        root.stage = stage[index];
    }
    cycle.into_iter().map(|i| roots[i].name.clone()).collect()
}

/// Stages by longest path: a root's stage is one past the latest root it waits for; 0 for
/// a root in a cycle or waiting for one.
fn stages(after: &[Vec<usize>]) -> Vec<usize> {
    let mut stage = vec![0usize; after.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for index in 0..after.len() {
            if stage[index] == 0 && after[index].iter().all(|&other| stage[other] != 0) {
                stage[index] = 1 + after[index].iter().map(|&o| stage[o]).max().unwrap_or(0);
                changed = true;
            }
        }
    }
    stage
}

/// A cycle among the roots left without a stage, as indices in the order they wait.
fn find_cycle(after: &[Vec<usize>], stage: &[usize]) -> Vec<usize> {
    let Some(start) = stage.iter().position(|&s| s == 0) else {
        return Vec::new();
    };
    // Every unstaged root waits for an unstaged root, so walking always finds a repeat.
    let mut path = vec![start];
    let mut current = start;
    loop {
        let Some(&next) = after[current].iter().find(|&&o| stage[o] == 0) else {
            return path;
        };
        if let Some(at) = path.iter().position(|&p| p == next) {
            return path.split_off(at);
        }
        path.push(next);
        current = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_longest_wait_and_cycles_are_named() {
        // 3 waits for the cycle 4 <-> 5 without being in it.
        let after = vec![vec![], vec![0], vec![1, 0], vec![4], vec![5], vec![4]];
        let stage = stages(&after);
        assert_eq!(stage, vec![1, 2, 3, 0, 0, 0]);
        assert_eq!(find_cycle(&after, &stage), vec![4, 5]);
        assert!(find_cycle(&after[..3], &stage[..3]).is_empty());
    }
}
