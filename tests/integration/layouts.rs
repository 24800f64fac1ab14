//! The two Terraform layouts of every spec, read back from the files with an HCL parser:
//! each per-account root is complete on its own (one provider without alias, pinned to the
//! lock file's account; every reference resolves inside the root; a backend with a key of
//! its own), the roots together declare exactly the single root's resources, and the lock
//! file's stages put every root after the roots creating a role its trust policies name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{all_specs, generate, with_layout};

/// A generated tree, path -> text.
type Files = BTreeMap<String, String>;

fn files_of(spec: &Path) -> Files {
    generate(spec)
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
}

fn parse(path: &str, text: &str) -> hcl::Body {
    hcl::parse(text).unwrap_or_else(|e| panic!("{path} is not HCL: {e}"))
}

fn string(expression: Option<&hcl::Expression>) -> Option<String> {
    match expression {
        Some(hcl::Expression::String(text)) => Some(text.clone()),
        _ => None,
    }
}

fn attribute<'b>(body: &'b hcl::Body, key: &str) -> Option<&'b hcl::Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| &a.expr)
}

fn label(block: &hcl::Block, index: usize) -> String {
    block
        .labels()
        .get(index)
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

/// Every `type.name` a traversal in `expression` starts with (`each` and `aws` aside).
fn references(expression: &hcl::Expression, found: &mut Vec<String>) {
    use hcl::Expression as E;
    match expression {
        E::Array(items) => items.iter().for_each(|i| references(i, found)),
        E::Object(object) => object.values().for_each(|v| references(v, found)),
        E::FuncCall(call) => call.args.iter().for_each(|a| references(a, found)),
        E::Traversal(traversal) => {
            if let (E::Variable(root), Some(hcl::TraversalOperator::GetAttr(name))) =
                (&traversal.expr, traversal.operators.first())
            {
                if root.as_str() != "each" {
                    found.push(format!("{}.{}", root.as_str(), name.as_str()));
                }
            }
        }
        _ => {}
    }
}

fn body_references(body: &hcl::Body, found: &mut Vec<String>) {
    for attribute in body.attributes() {
        references(&attribute.expr, found);
    }
    for block in body.blocks() {
        body_references(block.body(), found);
    }
}

/// The `Principal.AWS` strings of a `jsonencode({...})` policy.
fn principals(expression: &hcl::Expression, found: &mut Vec<String>) {
    use hcl::Expression as E;
    match expression {
        E::FuncCall(call) => call.args.iter().for_each(|a| principals(a, found)),
        E::Array(items) => items.iter().for_each(|i| principals(i, found)),
        E::Object(object) => {
            for (key, value) in object {
                let key = match key {
                    hcl::ObjectKey::Identifier(identifier) => identifier.as_str().to_string(),
                    hcl::ObjectKey::Expression(E::String(text)) => text.clone(),
                    _ => String::new(),
                };
                if key == "Principal" {
                    if let E::Object(kinds) = value {
                        for (kind, arns) in kinds {
                            if matches!(kind, hcl::ObjectKey::Identifier(i) if i.as_str() == "AWS")
                            {
                                match arns {
                                    E::String(arn) => found.push(arn.clone()),
                                    E::Array(items) => {
                                        found.extend(items.iter().filter_map(|i| string(Some(i))))
                                    }
                                    other => found.push(format!("{other:?}")),
                                }
                            }
                        }
                    }
                } else {
                    principals(value, found);
                }
            }
        }
        _ => {}
    }
}

struct Root {
    dir: String,
    account_id: String,
    region: String,
    stage: u64,
    after: Vec<String>,
}

fn lock_roots(files: &Files) -> Vec<Root> {
    let lock: serde_json::Value =
        serde_json::from_str(&files["trustgen.lock.json"]).unwrap_or_default();
    let mut roots = Vec::new();
    for stage in lock["terraform_stages"].as_array().into_iter().flatten() {
        for root in stage["roots"].as_array().into_iter().flatten() {
            roots.push(Root {
                dir: root["root"].as_str().unwrap_or_default().into(),
                account_id: root["account_id"].as_str().unwrap_or_default().into(),
                region: root["region"].as_str().unwrap_or_default().into(),
                stage: stage["stage"].as_u64().unwrap_or_default(),
                after: root["after"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect(),
            });
        }
    }
    roots
}

/// What a spec asks of the backend, read from its TOML.
fn backend(spec: &Path) -> Option<toml::Table> {
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    table
        .get("terraform")
        .and_then(|t| t.get("backend"))
        .and_then(|b| b.as_table())
        .filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("s3"))
        .cloned()
}

/// Everything wrong with the per-account tree `files` of `spec`, next to its single-root
/// tree `single`; and how many trusts name a role of another root.
fn layout_problems(spec: &Path, single: &Files, files: &Files) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let partition = table["project"]
        .get("partition")
        .and_then(|p| p.as_str())
        .unwrap_or("aws")
        .to_string();
    let roots = lock_roots(files);
    if roots.is_empty() {
        problems.push("the lock file lists no Terraform stage".into());
    }
    let backend = backend(spec);
    let mut keys = BTreeSet::new();
    // role ARN (lowercase) -> the root creating it
    let mut creates: BTreeMap<String, String> = BTreeMap::new();
    let mut trusts: Vec<(String, String)> = Vec::new();
    let mut addresses = BTreeSet::new();
    for root in &roots {
        let dir = &root.dir;
        let in_root: Vec<(&String, &String)> = files
            .iter()
            .filter(|(path, _)| path.rsplit_once('/').is_some_and(|(d, _)| d == dir))
            .collect();
        let names: BTreeSet<&str> = in_root
            .iter()
            .filter_map(|(path, _)| path.rsplit('/').next())
            .collect();
        let mut expected = BTreeSet::from(["versions.tf", "providers.tf", "main.tf"]);
        if let Some(backend) = &backend {
            expected.insert("backend.tf");
            if backend.get("partial").and_then(|p| p.as_bool()) == Some(true) {
                expected.insert("s3.tfbackend");
            }
        }
        if names != expected {
            problems.push(format!("{dir}: files {names:?}, expected {expected:?}"));
        }
        let mut providers = 0;
        let mut declared = BTreeSet::new();
        let mut referenced = Vec::new();
        for (path, text) in &in_root {
            let body = parse(path, text);
            body_references(&body, &mut referenced);
            for block in body.blocks() {
                match block.identifier() {
                    "provider" => {
                        providers += 1;
                        let inner = block.body();
                        if attribute(inner, "alias").is_some() {
                            problems.push(format!("{path}: a provider alias"));
                        }
                        let pinned = match attribute(inner, "allowed_account_ids") {
                            Some(hcl::Expression::Array(ids)) => {
                                ids.iter().filter_map(|i| string(Some(i))).collect()
                            }
                            _ => Vec::new(),
                        };
                        let region = string(attribute(inner, "region")).unwrap_or_default();
                        if region != root.region {
                            problems.push(format!(
                                "{path}: provider region {region}, the lock file says {}",
                                root.region
                            ));
                        }
                        if pinned != [root.account_id.clone()] {
                            problems.push(format!(
                                "{path}: allowed_account_ids {pinned:?}, the lock file says {}",
                                root.account_id
                            ));
                        }
                    }
                    "resource" => {
                        let address = format!("{}.{}", label(block, 0), label(block, 1));
                        let inner = block.body();
                        if attribute(inner, "provider").is_some() {
                            problems.push(format!("{path}: {address} names a provider"));
                        }
                        if label(block, 0) == "aws_iam_role" {
                            let name = string(attribute(inner, "name")).unwrap_or_default();
                            let role_path = string(attribute(inner, "path")).unwrap_or_default();
                            let arn = format!(
                                "arn:{partition}:iam::{}:role{role_path}{name}",
                                root.account_id
                            );
                            creates.insert(arn.to_ascii_lowercase(), dir.clone());
                            let mut found = Vec::new();
                            if let Some(policy) = attribute(inner, "assume_role_policy") {
                                principals(policy, &mut found);
                            }
                            trusts.extend(found.into_iter().map(|p| (dir.clone(), p)));
                        }
                        if !addresses.insert(address.clone()) {
                            problems.push(format!("{address} is declared by two roots"));
                        }
                        declared.insert(address);
                    }
                    "terraform" => {
                        for inner in block.body().blocks() {
                            if inner.identifier() == "backend" {
                                let key = string(attribute(inner.body(), "key"));
                                keys.extend(key);
                            }
                        }
                    }
                    _ => {}
                }
            }
            if path.ends_with(".tfbackend") {
                keys.extend(string(attribute(&body, "key")));
            }
        }
        if providers != 1 {
            problems.push(format!("{dir}: {providers} provider blocks, expected one"));
        }
        for reference in referenced {
            if !declared.contains(&reference) {
                problems.push(format!(
                    "{dir}: refers to {reference}, which the root does not declare"
                ));
            }
        }
    }
    // Each root's stage comes after every root creating a role its trusts name.
    let stage_of: BTreeMap<&str, u64> = roots.iter().map(|r| (r.dir.as_str(), r.stage)).collect();
    let mut across = 0;
    for (dir, principal) in &trusts {
        if let Some(creator) = creates.get(&principal.to_ascii_lowercase()) {
            across += usize::from(creator != dir);
            if creator != dir && stage_of.get(creator.as_str()) >= stage_of.get(dir.as_str()) {
                problems.push(format!(
                    "{dir} trusts {principal}, created by {creator}, in the same or a later stage"
                ));
            }
            let listed = roots
                .iter()
                .any(|r| &r.dir == dir && r.after.contains(creator));
            if creator != dir && !listed {
                problems.push(format!("{dir} does not list {creator} in `after`"));
            }
        }
    }
    // Together the roots declare exactly the single root's resources.
    let mut single_addresses = BTreeSet::new();
    for (path, text) in single.iter().filter(|(p, _)| p.ends_with(".tf")) {
        for block in parse(path, text).blocks() {
            if block.identifier() == "resource" {
                single_addresses.insert(format!("{}.{}", label(block, 0), label(block, 1)));
            }
        }
    }
    if single_addresses != addresses {
        problems.push(format!(
            "the roots declare {:?} beyond the single root, and lack {:?}",
            addresses.difference(&single_addresses).collect::<Vec<_>>(),
            single_addresses.difference(&addresses).collect::<Vec<_>>()
        ));
    }
    match &backend {
        Some(backend) => {
            let prefix = backend
                .get("key_prefix")
                .and_then(|p| p.as_str())
                .unwrap_or_default();
            let expected: BTreeSet<String> = roots
                .iter()
                .map(|r| {
                    let name = r.dir.rsplit('/').next().unwrap_or_default();
                    format!("{prefix}/{name}.tfstate")
                })
                .collect();
            if keys != expected {
                problems.push(format!("state keys {keys:?}, expected {expected:?}"));
            }
        }
        None => {
            if !keys.is_empty() {
                problems.push(format!("state keys {keys:?} without a backend"));
            }
        }
    }
    (problems, across)
}

#[test]
fn every_per_account_root_stands_alone_and_together_they_are_the_single_root() {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut specs = all_specs();
    specs.push("tests/fixtures/hostile/safe-per-account-payloads.toml".into());
    let mut problems = Vec::new();
    let (mut staged, mut across) = (0, 0);
    for spec in &specs {
        let dir = scratch.path().join(crate::support::stem(spec));
        let single = files_of(&with_layout(spec, "single-root", &dir.join("single")));
        let per_account = files_of(&with_layout(spec, "per-account", &dir.join("per-account")));
        if single["trustgen.lock.json"].contains("terraform_stages") {
            problems.push(format!(
                "{}: the single root's lock file lists Terraform stages",
                spec.display()
            ));
        }
        if lock_roots(&per_account).iter().any(|r| r.stage > 1) {
            staged += 1;
        }
        let (found, trusts) = layout_problems(spec, &single, &per_account);
        across += trusts;
        problems.extend(
            found
                .into_iter()
                .map(|p| format!("{}: {p}", spec.display())),
        );
    }
    assert!(staged >= 4, "only {staged} specs have a second stage");
    assert!(
        across >= 6,
        "only {across} trusts name a role of another root"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// With an S3 backend the single root has one `backend.tf`, keyed `<prefix>/terraform.tfstate`,
/// and asks for the Terraform version that reads `use_lockfile`.
#[test]
fn the_single_root_takes_a_backend_too() {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = with_layout(
        Path::new("examples/organisation-per-account.toml"),
        "single-root",
        scratch.path(),
    );
    let files = files_of(&spec);
    let backend = &files["terraform/backend.tf"];
    assert!(
        backend.contains("key          = \"trustgen/payments/terraform.tfstate\""),
        "{backend}"
    );
    assert!(files["terraform/versions.tf"].contains("required_version = \">= 1.10.0\""));
    assert!(!files.keys().any(|p| p.ends_with(".tfbackend")));
    assert_eq!(
        files.keys().filter(|p| p.starts_with("terraform/")).count(),
        3 + 4,
        "versions, providers, backend and one file per account"
    );
}

/// Red team: Identity Center's root deploys in Identity Center's region, which may differ
/// from its account's; the lock file's apply loop must give that region, as the root's
/// provider does (it once gave the account's).
#[test]
fn identity_center_root_is_listed_in_identity_center_region() {
    let text = std::fs::read_to_string("tests/fixtures/specs/identity-center-simulate.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let text = text.replacen(
        "account = \"org\"\n",
        "account = \"org\"\nregion = \"us-west-2\"\n",
        1,
    ) + "\n[terraform]\nlayout = \"per-account\"\n";
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("sso.toml");
    std::fs::write(&spec, text).unwrap_or_else(|e| panic!("{e}"));
    let files = files_of(&spec);
    let roots = lock_roots(&files);
    let center = roots
        .iter()
        .find(|root| root.dir == "terraform/org-identity-center")
        .unwrap_or_else(|| panic!("no Identity Center root"));
    assert_eq!(center.region, "us-west-2");
    let providers = &files["terraform/org-identity-center/providers.tf"];
    assert!(providers.contains("\"us-west-2\""), "{providers}");
    let org = roots.iter().find(|root| root.dir == "terraform/org");
    assert!(org.is_none_or(|root| root.region == "us-east-1"));
}

/// Every `identifier` block the `.tf` files below `dir` declare, keyed by its labels, with
/// its arguments and blocks but the `dropped` argument: `provider` for a resource (it
/// picks the single root's account), `alias` for a provider.
fn blocks_without(
    files: &Files,
    dir: &str,
    identifier: &str,
    dropped: &str,
) -> Vec<(String, Vec<hcl::Structure>)> {
    let mut found = Vec::new();
    let prefix = format!("{dir}/");
    for (path, text) in files
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with(".tf"))
    {
        for block in parse(path, text).blocks() {
            if block.identifier() == identifier {
                let body: Vec<hcl::Structure> = block
                    .body()
                    .iter()
                    .filter(|s| !matches!(s, hcl::Structure::Attribute(a) if a.key() == dropped))
                    .cloned()
                    .collect();
                let labels: Vec<String> =
                    (0..block.labels().len()).map(|i| label(block, i)).collect();
                found.push((labels.join("."), body));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// A spec whose per-account layout is a single root: that root declares the single root's
/// resources argument for argument, its provider is the single root's one provider but
/// the alias (region, allowed account, role), and its `terraform` block is the single
/// root's. The single root is deployed and read back as the spec's account; the deployment
/// test relies on this to deploy such a spec's per-account layout no more.
#[test]
fn a_lone_per_account_root_is_the_single_root_under_one_provider() {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut lone = 0;
    let mut problems = Vec::new();
    for spec in all_specs() {
        let dir = scratch.path().join(crate::support::stem(&spec));
        let per_account = files_of(&with_layout(&spec, "per-account", &dir.join("per-account")));
        let roots = lock_roots(&per_account);
        let [root] = roots.as_slice() else {
            continue;
        };
        lone += 1;
        let single = files_of(&with_layout(&spec, "single-root", &dir.join("single")));
        for (identifier, dropped) in [
            ("resource", "provider"),
            ("provider", "alias"),
            ("terraform", ""),
        ] {
            let expected = blocks_without(&single, "terraform", identifier, dropped);
            let found = blocks_without(&per_account, &root.dir, identifier, dropped);
            if expected.is_empty() || found != expected {
                problems.push(format!(
                    "{}: {}'s {identifier} blocks differ from the single root's (or there are none)",
                    spec.display(),
                    root.dir
                ));
            }
        }
    }
    assert!(lone >= 5, "only {lone} specs have one per-account root");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `{account_id}` in the backend's role gives each account's roots a state role of their
/// own: no root's pipeline reaches state through another account's role.
#[test]
fn each_accounts_roots_reach_state_through_their_own_role() {
    let spec = Path::new("examples/organisation-per-account.toml");
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("terraform-state-{account_id}"),
        "the example shows the pattern"
    );
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let ids: BTreeMap<String, String> = table["accounts"]
        .as_table()
        .into_iter()
        .flatten()
        .map(|(name, account)| {
            (
                name.clone(),
                account["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let files = files_of(spec);
    let mut roles = BTreeSet::new();
    let backends: Vec<_> = files
        .iter()
        .filter(|(path, _)| path.ends_with("/backend.tf"))
        .collect();
    assert!(backends.len() >= 7, "{} backends", backends.len());
    for (path, backend) in backends {
        let root = path.split('/').nth(1).unwrap_or_default();
        let account = root.strip_suffix("-trust").unwrap_or(root);
        let id = &ids[account];
        let role = format!("arn:aws:iam::999900001111:role/terraform-state-{id}");
        assert!(
            backend.contains(&format!("role_arn = \"{role}\"")),
            "{path}: {backend}"
        );
        roles.insert(role);
    }
    assert_eq!(roles.len(), 4, "one role per account with roots: {roles:?}");
}
