//! The orchestrator files (`[terraform] orchestrator`) of every spec in the per-account
//! layout, read back: `atlantis.yaml` valid against Atlantis's repo config schema
//! (`tests/schemas/atlantis-repo-config.json`) and holding the lock file's order exactly
//! (one project per root, its stage as `execution_order_group`, the roots it waits for as
//! `depends_on`); a `terragrunt.hcl` in every root whose `dependencies` are those roots.
//! And the StackSet's template body: one text in both backends, account-agnostic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::support::{all_specs, generate, schema_errors, stem};

/// `spec` with `[terraform]` keys set, written below `dir`.
fn variant(spec: &Path, settings: &[(&str, &str)], dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{e}"));
    let mut table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let terraform = table
        .entry("terraform")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(terraform) = terraform {
        for (key, value) in settings {
            terraform.insert((*key).into(), toml::Value::String((*value).into()));
        }
    }
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(spec.file_name().unwrap_or_default());
    std::fs::write(&path, toml::to_string(&table).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

type Files = BTreeMap<String, String>;

fn files_of(spec: &Path) -> Files {
    generate(spec)
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
}

/// The lock file's roots: directory -> (stage, directories it waits for).
fn lock_order(files: &Files) -> BTreeMap<String, (u64, BTreeSet<String>)> {
    let lock: Json = serde_json::from_str(&files["trustgen.lock.json"]).unwrap_or_default();
    let mut order = BTreeMap::new();
    for stage in lock["terraform_stages"].as_array().into_iter().flatten() {
        for root in stage["roots"].as_array().into_iter().flatten() {
            let after = root["after"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect();
            order.insert(
                root["root"].as_str().unwrap_or_default().to_string(),
                (stage["stage"].as_u64().unwrap_or_default(), after),
            );
        }
    }
    order
}

/// atlantis.yaml's order: project dir -> (execution_order_group, dirs of depends_on),
/// checking on the way what Atlantis itself requires of names and dependencies.
fn atlantis_order(
    text: &str,
    repository_dir: &str,
) -> Result<BTreeMap<String, (u64, BTreeSet<String>)>, String> {
    let config: Json = serde_norway::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let projects = config["projects"].as_array().cloned().unwrap_or_default();
    let mut dir_of = BTreeMap::new();
    for project in &projects {
        let name = project["name"].as_str().unwrap_or_default().to_string();
        let dir = project["dir"].as_str().unwrap_or_default();
        let dir = match repository_dir {
            "." => dir.to_string(),
            prefix => dir
                .strip_prefix(&format!("{prefix}/"))
                .ok_or(format!("{dir} is not below {prefix}"))?
                .to_string(),
        };
        if dir_of.insert(name.clone(), dir).is_some() {
            return Err(format!("project name {name} twice"));
        }
        let workflow = project["workflow"].as_str().unwrap_or_default();
        if config["workflows"][workflow].is_null() {
            return Err(format!("{name}: workflow {workflow} is not defined"));
        }
    }
    let mut order = BTreeMap::new();
    for project in &projects {
        let name = project["name"].as_str().unwrap_or_default();
        let group = project["execution_order_group"]
            .as_u64()
            .unwrap_or_default();
        let mut after = BTreeSet::new();
        for dependency in project["depends_on"].as_array().into_iter().flatten() {
            let dependency = dependency.as_str().unwrap_or_default();
            let dir = dir_of
                .get(dependency)
                .ok_or(format!("{name} depends on {dependency}, no project"))?;
            after.insert(dir.clone());
        }
        order.insert(dir_of[name].clone(), (group, after));
    }
    // Atlantis applies groups in order: every dependency is in an earlier group.
    for (dir, (group, after)) in &order {
        for dependency in after {
            if order.get(dependency).map(|(g, _)| g) >= Some(group) {
                return Err(format!(
                    "{dir} depends on {dependency} of a later or equal group"
                ));
            }
        }
    }
    Ok(order)
}

/// A root's `terragrunt.hcl`: the directories its `dependencies` name, from the root.
fn terragrunt_dependencies(root: &str, text: &str) -> Result<BTreeSet<String>, String> {
    let body = hcl::parse(text).map_err(|e| format!("{root}/terragrunt.hcl is not HCL: {e}"))?;
    let parent = root.rsplit_once('/').map_or("", |(parent, _)| parent);
    let mut found = BTreeSet::new();
    for block in body.blocks().filter(|b| b.identifier() == "dependencies") {
        for attribute in block.body().attributes().filter(|a| a.key() == "paths") {
            let hcl::Expression::Array(paths) = &attribute.expr else {
                return Err(format!("{root}: paths is not a list"));
            };
            for path in paths {
                let hcl::Expression::String(path) = path else {
                    return Err(format!("{root}: a path that is not a string"));
                };
                let name = path
                    .strip_prefix("../")
                    .ok_or(format!("{root}: {path} is not a sibling root"))?;
                found.insert(format!("{parent}/{name}"));
            }
        }
    }
    Ok(found)
}

/// Every spec, per account, with Atlantis (under a repository directory) and with
/// Terragrunt: the orchestrator's order is the lock file's, root for root.
#[test]
fn orchestrator_files_order_the_roots_as_the_lock_file_does() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for (index, spec) in all_specs().into_iter().enumerate() {
        let dir = root.path().join(stem(&spec));
        // At the repository's root, and below it, every other spec.
        let repository_dir = if index % 2 == 0 {
            "."
        } else {
            "infra/generated"
        };
        let atlantis = variant(
            &spec,
            &[
                ("layout", "per-account"),
                ("orchestrator", "atlantis"),
                ("repository_dir", repository_dir),
            ],
            &dir.join("atlantis"),
        );
        let files = files_of(&atlantis);
        let text = files.get("atlantis.yaml").cloned().unwrap_or_default();
        documents.push(serde_norway::from_str::<Json>(&text).unwrap_or_default());
        match atlantis_order(&text, repository_dir) {
            Ok(order) if order == lock_order(&files) => {}
            Ok(order) => problems.push(format!(
                "{}: atlantis.yaml {order:?} != lock {:?}",
                spec.display(),
                lock_order(&files)
            )),
            Err(problem) => problems.push(format!("{}: {problem}", spec.display())),
        }
        let terragrunt = variant(
            &spec,
            &[("layout", "per-account"), ("orchestrator", "terragrunt")],
            &dir.join("terragrunt"),
        );
        let files = files_of(&terragrunt);
        for (root, (_, after)) in lock_order(&files) {
            let Some(text) = files.get(&format!("{root}/terragrunt.hcl")) else {
                problems.push(format!("{}: {root} has no terragrunt.hcl", spec.display()));
                continue;
            };
            match terragrunt_dependencies(&root, text) {
                Ok(found) if found == after => {}
                Ok(found) => problems.push(format!(
                    "{}: {root}: terragrunt dependencies {found:?}, lock {after:?}",
                    spec.display()
                )),
                Err(problem) => problems.push(format!("{}: {problem}", spec.display())),
            }
        }
    }
    assert!(documents.len() >= 10, "{} specs", documents.len());
    // Every atlantis.yaml against the schema, in one run of the validator.
    let errors = schema_errors(
        &every_item(root.path(), "tests/schemas/atlantis-repo-config.json"),
        &Json::Array(documents).to_string(),
        &[],
    );
    if let Some(errors) = errors.filter(|e| !e.is_empty()) {
        problems.push(format!("atlantis.yaml against the schema: {errors:?}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A schema (written into `dir`) for an array whose every item `schema` validates.
fn every_item(dir: &Path, schema: &str) -> String {
    let text = std::fs::read_to_string(schema).unwrap_or_else(|e| panic!("{e}"));
    let mut inner: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let defs = inner
        .as_object_mut()
        .and_then(|object| {
            object.remove("$id");
            object.remove("$schema");
            object.remove("$defs")
        })
        .unwrap_or_default();
    let wrapper = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "array",
        "items": inner,
        "$defs": defs,
    });
    let path = dir.join("every-item.schema.json");
    std::fs::write(&path, wrapper.to_string()).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

/// A spec change that reorders the roots reorders atlantis.yaml: the billing destination
/// trusting by account root narrowed to the task role waits for nothing, so its root
/// moves from stage 2 to stage 1, in the lock file and in atlantis.yaml alike.
#[test]
fn a_spec_change_that_reorders_roots_reorders_atlantis_yaml() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/organisation-per-account.toml");
    let before = variant(
        spec,
        &[("orchestrator", "atlantis")],
        &root.path().join("a"),
    );
    let text = std::fs::read_to_string(&before).unwrap_or_default();
    let mut table: toml::Table = toml::from_str(&text).unwrap_or_default();
    table["roles"]["invoice-writer"]
        .as_table_mut()
        .map(|role| {
            role.insert(
                "trust_principal".into(),
                toml::Value::String("account-with-arn-condition".into()),
            )
        })
        .unwrap_or_else(|| panic!("the example has roles.invoice-writer"));
    let after = root.path().join("b.toml");
    std::fs::write(&after, toml::to_string(&table).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let (old, new) = (files_of(&before), files_of(&after));
    let (old_order, new_order) = (lock_order(&old), lock_order(&new));
    assert_eq!(old_order["terraform/billing-trust"].0, 2, "{old_order:?}");
    assert_eq!(new_order["terraform/billing-trust"].0, 1, "{new_order:?}");
    assert_ne!(old["atlantis.yaml"], new["atlantis.yaml"]);
    assert_eq!(atlantis_order(&old["atlantis.yaml"], "."), Ok(old_order));
    assert_eq!(atlantis_order(&new["atlantis.yaml"], "."), Ok(new_order));
}

/// The vendored schema can fail: a project without `dir`, an unknown key, a version
/// Atlantis does not read.
#[test]
fn the_atlantis_schema_refuses_what_atlantis_refuses() {
    let document = serde_json::json!({
        "version": 4,
        "projects": [{"name": "a", "autoplan": {"when": ["*.tf"]}}],
    });
    let Some(errors) = schema_errors(
        "tests/schemas/atlantis-repo-config.json",
        &document.to_string(),
        &[],
    ) else {
        return;
    };
    let text = errors.join("\n");
    for expected in [
        "version",
        "'dir' is a required property",
        "'when' was unexpected",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
}

/// The StackSet's template body of a generated tree: the CloudFormation stack's inline
/// `TemplateBody`, which must be the file beside it and every Terraform root's file too.
fn stack_set_body(files: &Files) -> Option<String> {
    let body = files
        .iter()
        .find(|(path, _)| {
            path.starts_with("cloudformation/") && path.ends_with("/bootstrap-template.yaml")
        })
        .map(|(_, body)| body.clone())?;
    let stack = files
        .iter()
        .find(|(path, _)| path.ends_with("/bootstrap.yaml"))
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    let template: serde_norway::Value = serde_norway::from_str(&stack).unwrap_or_default();
    let inline = template["Resources"]["BaselineStackSet"]["Properties"]["TemplateBody"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(inline, body, "the stack's inline body");
    let terraform: Vec<&String> = files
        .iter()
        .filter(|(path, _)| {
            path.starts_with("terraform/") && path.ends_with("/bootstrap-template.yaml")
        })
        .map(|(_, text)| text)
        .collect();
    assert_eq!(terraform, [&body], "Terraform's body");
    Some(body)
}

/// The StackSet's template body is one text, carried inline by the CloudFormation stack,
/// written beside it and read by Terraform's `file()` in both layouts; and it names no
/// account id but those the developer role trusts.
#[test]
fn the_stack_set_template_body_is_one_account_agnostic_text() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut bodies = 0;
    for spec in all_specs() {
        let Some(body) = stack_set_body(&files_of(&spec)) else {
            continue;
        };
        let per_account = variant(
            &spec,
            &[("layout", "per-account")],
            &root.path().join(stem(&spec)),
        );
        assert!(stack_set_body(&files_of(&per_account)).is_some());
        let spec_text = std::fs::read_to_string(&spec).unwrap_or_default();
        let table: toml::Table = toml::from_str(&spec_text).unwrap_or_default();
        let trusted: BTreeSet<String> = table["developers"]
            .get("trusted_accounts")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
            .filter_map(|name| table["accounts"][name.as_str().unwrap_or_default()]["id"].as_str())
            .map(str::to_string)
            .collect();
        for (_, account) in table["accounts"].as_table().into_iter().flatten() {
            let id = account["id"].as_str().unwrap_or_default();
            assert!(
                trusted.contains(id) || !body.contains(id),
                "{}: the StackSet's body names account {id}",
                spec.display()
            );
        }
        assert!(body.contains("${AWS::AccountId}"), "{}", spec.display());
        bodies += 1;
    }
    assert!(bodies >= 2, "{bodies} StackSet bodies checked");
}
