//! Stacks and per-account Terraform roots the previous run generated and this one does
//! not. Deleting a template or a root's files deletes nothing in AWS: the stack stays, the
//! root's resources stay (no pipeline applies that root again), and so does every trust
//! policy and permission in them, while the spec and `trustgen diff` say the access is
//! gone. `gen` and `gen --check` name each, so that someone deletes it.
//! (The single root needs nothing: applying it destroys what it no longer declares.)

use std::fmt::Write as _;

use super::manifest::{Manifest, PreviousManifest};
use crate::collections::HashSet;
use crate::diagnostic::printable;

/// Warnings, one per retired stack or root, in the previous manifest's order ("" if none).
/// A stack is what AWS knows it by (account id, region, name), so renaming an account in
/// the spec retires nothing; a root is its directory and account, so moving an account to
/// another id retires the old account's root (its resources there stay).
pub(crate) fn retired(previous: Option<&PreviousManifest>, current: &Manifest) -> String {
    let Some(previous) = previous else {
        return String::new();
    };
    let stacks: HashSet<(&str, &str, &str)> = current
        .stages
        .iter()
        .flat_map(|stage| &stage.stacks)
        .map(|stack| {
            (
                stack.account_id.as_str(),
                stack.region.as_str(),
                stack.stack_name.as_str(),
            )
        })
        .collect();
    let roots: HashSet<(&str, &str)> = current
        .terraform_stages
        .iter()
        .flat_map(|stage| &stage.roots)
        .map(|root| (root.root.as_str(), root.account_id.as_str()))
        .collect();
    let mut text = String::new();
    let gone_stacks = previous
        .stages
        .iter()
        .flat_map(|stage| &stage.stacks)
        .filter(|stack| {
            !stacks.contains(&(
                stack.account_id.as_str(),
                stack.region.as_str(),
                stack.stack_name.as_str(),
            ))
        });
    for stack in gone_stacks {
        let _ = writeln!(
            text,
            "warning: CloudFormation stack {} (account {}, {}) is no longer generated, but removing its template deletes nothing: \
             its roles keep their trust and permissions until you delete the stack (aws cloudformation delete-stack, with that account's credentials)",
            printable(&stack.stack_name),
            printable(&stack.account_id),
            printable(&stack.region),
        );
    }
    let gone_roots = previous
        .terraform_stages
        .iter()
        .flat_map(|stage| &stage.roots)
        .filter(|root| !roots.contains(&(root.root.as_str(), root.account_id.as_str())));
    for root in gone_roots {
        let _ = writeln!(
            text,
            "warning: Terraform root {} (account {}, {}) is no longer generated, but removing its files destroys nothing: \
             its resources, trust policies included, stay until you run terraform destroy in it (from the previous revision, \
             with its state) or move them into another root's state",
            printable(&root.root),
            printable(&root.account_id),
            printable(&root.region),
        );
    }
    text
}
