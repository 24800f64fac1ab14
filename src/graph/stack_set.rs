//! What a `[bootstrap]` StackSet reaches: every organisational unit it targets, drawn
//! with the baseline's roles in a group of their own (the roles every such account has).

use serde::Serialize;

use super::{role_kind, NodeKind, TrustGraph};
use crate::model::{AccountFilter, Model};

/// What a `[bootstrap]` StackSet gives the accounts of one organisational unit: its
/// baseline, drawn once in a group of its own (the roles every such account has).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StackSetReach {
    /// Node id of the organisational unit.
    pub from: String,
    /// Node ids of the baseline's roles (or its policy).
    pub to: Vec<String>,
    pub stack_set: String,
    pub organizational_unit: String,
    pub env: String,
    /// `every account`, `only: …`, `every account but: …`.
    pub accounts: String,
}

impl TrustGraph {
    /// Each organisational unit the StackSet targets, and the baseline it gives them.
    pub(super) fn add_stack_set(&mut self, model: &Model) {
        let Some(bootstrap) = &model.bootstrap else {
            return;
        };
        let baseline = &bootstrap.baseline;
        self.baseline_groups.push(baseline.name.clone());
        let mut to: Vec<String> = baseline
            .roles()
            .map(|role| {
                self.node(
                    role_kind(&role.kind),
                    role.name.clone(),
                    Some(baseline.name.clone()),
                    role.arn.clone(),
                )
            })
            .collect();
        if to.is_empty() {
            if let Some(policy) = &baseline.developer_policy {
                to.push(self.node(
                    NodeKind::DeveloperPolicy,
                    format!("policy {}", policy.name),
                    Some(baseline.name.clone()),
                    policy.arn.clone(),
                ));
            }
        }
        for target in &bootstrap.targets {
            let accounts = match &target.accounts {
                AccountFilter::All => "every account".to_string(),
                AccountFilter::Only(ids) => format!("only {}", ids.join(", ")),
                AccountFilter::Except(ids) => format!("every account but {}", ids.join(", ")),
            };
            for unit in &target.organizational_units {
                let from = self.node(
                    NodeKind::OrganizationalUnit,
                    format!("OU {unit} (env {})", target.env),
                    None,
                    unit.clone(),
                );
                self.stack_sets.push(StackSetReach {
                    from,
                    to: to.clone(),
                    stack_set: bootstrap.name.clone(),
                    organizational_unit: unit.clone(),
                    env: target.env.clone(),
                    accounts: accounts.clone(),
                });
            }
        }
    }
}
