//! Terraform configuration that trustgen did not write, inside a root it generates.
//! Terraform loads every `*.tf`, `*.tf.json` and `*.tfvars` file of a root's directory, so
//! a file added beside the generated ones (a second provider for another account, an
//! override, an attachment) is applied with the root, with that root's credentials: the
//! output directory comes with pull requests too. `gen --check` fails on one; `gen` warns.

use crate::collections::HashSet;
use std::collections::BTreeSet;
use std::path::Path;

use super::manifest::{within, PreviousManifest, Recorded};

/// Paths (relative to `out`, sorted) of Terraform configuration files in the directories of
/// the generated roots that neither this run nor the previous one generated (the previous
/// run's that this one does not are stale: the plan removes them, or shows them removed).
/// Subdirectories (`.terraform/`) are not Terraform configuration of the root.
pub(crate) fn foreign_terraform(
    out: &Path,
    generated: &[Recorded],
    previous: Option<&PreviousManifest>,
) -> Result<Vec<String>, String> {
    let ours: HashSet<&str> = generated
        .iter()
        .map(|file| file.entry.path.as_str())
        .collect();
    let stale: HashSet<&str> = previous
        .map(|manifest| {
            manifest
                .files
                .iter()
                .map(|file| file.path.as_str())
                .collect()
        })
        .unwrap_or_default();
    let roots: BTreeSet<&str> = ours
        .iter()
        .filter(|path| path.ends_with(".tf"))
        .filter_map(|path| path.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    let mut foreign = Vec::new();
    for root in roots {
        let dir = within(out, root)?;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(format!("cannot list {}: {error}", dir.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            let path = format!("{root}/{name}");
            if !is_dir
                && loaded_by_terraform(&name)
                && !ours.contains(path.as_str())
                && !stale.contains(path.as_str())
            {
                foreign.push(path);
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Whether Terraform reads a file of this name in a root: configuration (`.tf`,
/// `.tf.json`, overrides included) and variable values (`terraform.tfvars`,
/// `*.auto.tfvars`, and their JSON forms, which `-var-file` could name too).
fn loaded_by_terraform(name: &str) -> bool {
    [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_and_variables_count_state_and_locks_do_not() {
        for name in [
            "zz.tf",
            "prod_override.tf",
            "x.tf.json",
            "terraform.tfvars",
            "a.auto.tfvars.json",
        ] {
            assert!(loaded_by_terraform(name), "{name}");
        }
        for name in [
            ".terraform.lock.hcl",
            "terraform.tfstate",
            "terraform.tfstate.backup",
            "s3.tfbackend",
            "plan.tfplan",
            "README.md",
        ] {
            assert!(!loaded_by_terraform(name), "{name}");
        }
    }
}
