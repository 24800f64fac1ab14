//! The hostile corpus (`tests/fixtures/hostile/`): specs a careless or malicious colleague
//! could put in a pull request, one attack each (the spec's comment says which).
//!
//! - A spec with a `.expected` file must be refused by `gen --deny-warnings`: exit 2,
//!   exactly those diagnostics (located errors, or warnings that the flag makes fatal), and
//!   nothing written. Regenerate after an intended wording change with
//!   `UPDATE_GOLDEN=1 cargo test hostile`.
//! - Every other spec must generate with no warning at all, and its output must be
//!   provably safe: every YAML file parses to CloudFormation's own structure, every
//!   Terraform file holds no function, reference or template the model did not write, the
//!   trust graph's Markdown and Mermaid keep their shape, every aws-config line is a
//!   profile or a known key, and the `assume` command and its `--exec` snippet, run by
//!   `sh` with a stand-in `aws`, execute nothing of the spec (the payloads create a file
//!   named PWNED when executed).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{toml_files, tree, trustgen_in};

const MARKER: &str = "PWNED";

#[test]
fn hostile_specs_are_refused_with_located_diagnostics_or_render_safe_output() {
    let specs = toml_files("tests/fixtures/hostile");
    assert!(specs.len() >= 40, "the corpus has {} specs", specs.len());
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    let (mut refused, mut safe) = (0, 0);
    for spec in &specs {
        let name = spec.display().to_string();
        let expected_path = spec.with_extension("expected");
        let out = scratch.path().join(spec.file_stem().unwrap_or_default());
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join("previous.txt"), "untouched").unwrap_or_else(|e| panic!("{e}"));
        let (code, stdout, stderr) = trustgen_in(
            &[
                "gen",
                &name,
                "-o",
                &out.to_string_lossy(),
                "--deny-warnings",
            ],
            Path::new("."),
            &[],
        );
        if expected_path.exists() || (update && code != 0) {
            refused += 1;
            if code != 2 || !stdout.is_empty() {
                problems.push(format!(
                    "{name}: exit {code}, expected 2 and no output\n{stderr}"
                ));
            }
            if tree(&out).len() != 1 {
                problems.push(format!(
                    "{name}: something was written although it was refused"
                ));
            }
            for block in stderr
                .split("\n\n")
                .filter(|b| b.starts_with("error[") || b.starts_with("warning["))
            {
                if !block
                    .lines()
                    .any(|line| line.trim_start().starts_with(&format!("--> {name}:")))
                {
                    problems.push(format!(
                        "{name}: a diagnostic without file:line:column:\n{block}"
                    ));
                }
            }
            if update {
                std::fs::write(&expected_path, &stderr).unwrap_or_else(|e| panic!("{e}"));
            } else {
                let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
                if expected != stderr {
                    problems.push(format!("{name}: diagnostics differ from {}:\n--- expected\n{expected}\n--- got\n{stderr}", expected_path.display()));
                }
            }
            continue;
        }
        safe += 1;
        if code != 0 || !stderr.is_empty() {
            problems.push(format!(
                "{name}: expected a clean run with no warning, got exit {code}:\n{stderr}"
            ));
            continue;
        }
        problems.extend(
            output_problems(spec, &out)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    assert!(refused >= 30 && safe >= 6, "{refused} refused, {safe} safe");
    assert!(
        problems.is_empty(),
        "{}\n(after an intended change of wording: UPDATE_GOLDEN=1 cargo test hostile)",
        problems.join("\n")
    );
}

/// Everything that makes a generated tree unsafe, as (file: what) lines.
fn output_problems(spec: &Path, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in tree(out) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let found = if path == "atlantis.yaml" {
            atlantis_problems(&text)
        } else if path.ends_with(".yaml") {
            yaml_problems(&text)
        } else if path.ends_with(".tf") || path.ends_with(".tfbackend") || path.ends_with(".hcl") {
            terraform_problems(&text)
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .err()
                .map(|e| vec![format!("not JSON: {e}")])
                .unwrap_or_default()
        } else if path.ends_with(".md") {
            markdown_problems(&text)
        } else {
            Vec::new()
        };
        problems.extend(found.into_iter().map(|p| format!("{path}: {p}")));
    }
    problems.extend(aws_config_problems(spec));
    problems.extend(shell_problems(spec));
    problems
}

/// CloudFormation's structure only: known top-level keys and resource types, and no
/// mapping key anywhere that came from a payload.
fn yaml_problems(text: &str) -> Vec<String> {
    let value: serde_norway::Value = match serde_norway::from_str(text) {
        Ok(value) => value,
        Err(error) => return vec![format!("not YAML: {error}")],
    };
    let mut problems = Vec::new();
    let known = [
        "AWSTemplateFormatVersion",
        "Description",
        "Resources",
        "Outputs",
    ];
    for (key, _) in value.as_mapping().into_iter().flatten() {
        if !key.as_str().is_some_and(|k| known.contains(&k)) {
            problems.push(format!("top-level key {key:?}"));
        }
    }
    let types = [
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::Logs::LogGroup",
        "AWS::ECS::TaskDefinition",
        "AWS::SSO::PermissionSet",
        "AWS::SSO::Assignment",
        "AWS::CloudFormation::StackSet",
    ];
    for (id, resource) in value
        .get("Resources")
        .and_then(|r| r.as_mapping())
        .into_iter()
        .flatten()
    {
        let kind = resource
            .get("Type")
            .and_then(|t| t.as_str())
            .unwrap_or_default();
        if !types.contains(&kind) {
            problems.push(format!("resource {id:?} of type {kind:?}"));
        }
        // A StackSet carries its template as one string: it is CloudFormation too.
        if let Some(body) = resource
            .get("Properties")
            .and_then(|p| p.get("TemplateBody"))
        {
            match body.as_str() {
                Some(body) => problems.extend(
                    yaml_problems(body)
                        .into_iter()
                        .map(|p| format!("in {id:?}'s TemplateBody: {p}")),
                ),
                None => problems.push(format!("{id:?}'s TemplateBody is not one string")),
            }
        }
    }
    let mut sids = Vec::new();
    statement_sids(&value, &mut sids);
    for list in sids {
        let unique: BTreeSet<&String> = list.iter().collect();
        if unique.len() != list.len() {
            problems.push(format!("a policy whose Sids repeat: {list:?}"));
        }
    }
    let mut keys = Vec::new();
    mapping_keys(&value, &mut keys);
    problems.extend(
        keys.into_iter()
            .filter(|key| key.contains(MARKER))
            .map(|key| format!("a payload became a mapping key: {key:?}")),
    );
    problems
}

/// Atlantis's repository config: only the keys trustgen writes, every project running the
/// one workflow it defines, whose steps are Atlantis's built-in `init`, `plan` and `apply`
/// (a `run` step would execute a shell command on the Atlantis server), and no payload as
/// a mapping key.
fn atlantis_problems(text: &str) -> Vec<String> {
    let value: serde_norway::Value = match serde_norway::from_str(text) {
        Ok(value) => value,
        Err(error) => return vec![format!("not YAML: {error}")],
    };
    let keys_outside = |value: &serde_norway::Value, known: &[&str]| -> Vec<String> {
        value
            .as_mapping()
            .into_iter()
            .flatten()
            .filter(|(key, _)| !key.as_str().is_some_and(|k| known.contains(&k)))
            .map(|(key, _)| format!("key {key:?}"))
            .collect()
    };
    let mut problems = keys_outside(
        &value,
        &[
            "version",
            "automerge",
            "parallel_plan",
            "parallel_apply",
            "abort_on_execution_order_fail",
            "projects",
            "workflows",
        ],
    );
    let projects = value.get("projects").and_then(|p| p.as_sequence());
    for project in projects.into_iter().flatten() {
        problems.extend(keys_outside(
            project,
            &[
                "name",
                "dir",
                "workflow",
                "execution_order_group",
                "depends_on",
                "autoplan",
            ],
        ));
        if project.get("workflow").and_then(|w| w.as_str()) != Some("trustgen") {
            problems.push(format!("a project of another workflow: {project:?}"));
        }
    }
    let workflows = value.get("workflows");
    problems.extend(
        workflows
            .map(|w| keys_outside(w, &["trustgen"]))
            .unwrap_or_default(),
    );
    for stage in ["plan", "apply"] {
        let steps = workflows
            .and_then(|w| w.get("trustgen"))
            .and_then(|w| w.get(stage))
            .and_then(|s| s.get("steps"))
            .and_then(|s| s.as_sequence());
        for step in steps.into_iter().flatten() {
            let name = match step {
                serde_norway::Value::String(name) => Some(name.as_str()),
                serde_norway::Value::Mapping(map) if map.len() == 1 => {
                    map.keys().next().and_then(|k| k.as_str())
                }
                _ => None,
            };
            if !name.is_some_and(|n| ["init", "plan", "apply"].contains(&n)) {
                problems.push(format!("a {stage} step that is not built in: {step:?}"));
            }
        }
    }
    let mut keys = Vec::new();
    mapping_keys(&value, &mut keys);
    problems.extend(
        keys.into_iter()
            .filter(|key| key.contains(MARKER))
            .map(|key| format!("a payload became a mapping key: {key:?}")),
    );
    problems
}

/// The Sids of every `Statement` list (IAM refuses a policy whose Sids repeat).
fn statement_sids(value: &serde_norway::Value, found: &mut Vec<Vec<String>>) {
    match value {
        serde_norway::Value::Mapping(map) => {
            for (key, item) in map {
                if key.as_str() == Some("Statement") {
                    let sids = item
                        .as_sequence()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| {
                            s.get("Sid")
                                .and_then(|sid| sid.as_str())
                                .map(str::to_string)
                        })
                        .collect();
                    found.push(sids);
                }
                statement_sids(item, found);
            }
        }
        serde_norway::Value::Sequence(items) => items.iter().for_each(|i| statement_sids(i, found)),
        serde_norway::Value::Tagged(tagged) => statement_sids(&tagged.value, found),
        _ => {}
    }
}

fn mapping_keys(value: &serde_norway::Value, keys: &mut Vec<String>) {
    match value {
        serde_norway::Value::Mapping(map) => {
            for (key, item) in map {
                keys.push(format!("{key:?}"));
                mapping_keys(item, keys);
            }
        }
        serde_norway::Value::Sequence(items) => items.iter().for_each(|i| mapping_keys(i, keys)),
        serde_norway::Value::Tagged(tagged) => mapping_keys(&tagged.value, keys),
        _ => {}
    }
}

/// Terraform evaluates functions, references and templates; the model only ever writes
/// `jsonencode`, `toset` and references to its own resources, providers and `each`.
fn terraform_problems(text: &str) -> Vec<String> {
    let body = match hcl::parse(text) {
        Ok(body) => body,
        Err(error) => return vec![format!("not HCL: {error}")],
    };
    let mut problems = Vec::new();
    walk_body(&body, &mut problems);
    problems
}

fn walk_body(body: &hcl::Body, problems: &mut Vec<String>) {
    for structure in body.iter() {
        match structure {
            hcl::Structure::Attribute(attribute) => walk_expression(&attribute.expr, problems),
            hcl::Structure::Block(block) => {
                let known = [
                    "resource",
                    "provider",
                    "terraform",
                    "required_providers",
                    "assume_role",
                    "customer_managed_policy_reference",
                    "backend",
                    // aws_ecs_task_definition's nested blocks
                    "runtime_platform",
                    "ephemeral_storage",
                    "volume",
                    "efs_volume_configuration",
                    "authorization_config",
                    // the StackSet and its stack instances
                    "auto_deployment",
                    "operation_preferences",
                    "lifecycle",
                    "deployment_targets",
                    // terragrunt.hcl
                    "dependencies",
                    "extra_arguments",
                ];
                if !known.contains(&block.identifier.as_str()) {
                    problems.push(format!("block `{}`", block.identifier.as_str()));
                }
                walk_body(&block.body, problems);
            }
        }
    }
}

fn walk_expression(expression: &hcl::Expression, problems: &mut Vec<String>) {
    use hcl::Expression as E;
    let roots = [
        "aws_iam_role",
        "aws_iam_policy",
        "aws_ssoadmin_permission_set",
        "aws_ssoadmin_managed_policy_attachment",
        "aws_ssoadmin_customer_managed_policy_attachment",
        "aws_cloudformation_stack_set",
        "aws",
        "each",
        // lifecycle's ignore_changes names an attribute
        "administration_role_arn",
    ];
    match expression {
        E::Array(items) => items.iter().for_each(|i| walk_expression(i, problems)),
        E::Object(object) => {
            for (key, value) in object {
                if let hcl::ObjectKey::Expression(key) = key {
                    walk_expression(key, problems);
                }
                walk_expression(value, problems);
            }
        }
        E::TemplateExpr(template) => match hcl::Template::from_expr(template) {
            Ok(template) => {
                if template
                    .elements()
                    .iter()
                    .any(|e| !matches!(e, hcl::template::Element::Literal(_)))
                {
                    problems.push(format!("a template Terraform evaluates: {template}"));
                }
            }
            Err(error) => problems.push(format!("a template that does not parse: {error}")),
        },
        // The StackSet's template body, read as it is: the one template the model writes.
        E::FuncCall(call)
            if call.name.to_string() == "file"
                && call.args.len() == 1
                && call.args[0].to_string() == "\"${path.module}/bootstrap-template.yaml\"" => {}
        E::FuncCall(call) => {
            let name = call.name.to_string();
            if !["jsonencode", "toset"].contains(&name.as_str()) {
                problems.push(format!("a call of `{name}`"));
            }
            call.args.iter().for_each(|a| walk_expression(a, problems));
        }
        E::Traversal(traversal) => match &traversal.expr {
            E::Variable(root) if roots.contains(&root.as_str()) => {}
            other => problems.push(format!("a reference from {other:?}")),
        },
        E::Variable(root) if roots.contains(&root.as_str()) => {}
        E::Null | E::Bool(_) | E::Number(_) | E::String(_) => {}
        other => problems.push(format!("an expression the model never writes: {other:?}")),
    }
}

/// Mermaid lines keep their grammar (no label closed early) and table rows keep their cells.
fn markdown_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_mermaid = false;
    // The cells of the table being read: its header's (written by the template), which
    // every row of it must keep.
    let mut columns = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
        }
        match line {
            "```mermaid" => in_mermaid = true,
            "```" => in_mermaid = false,
            _ if in_mermaid => {
                let quotes = line.matches('"').count();
                let structural = line == "flowchart LR" || line.trim() == "end";
                if !structural && quotes != 2 {
                    problems.push(format!("a Mermaid line with {quotes} quotes: {line}"));
                }
            }
            _ if line.starts_with('|') && !line.starts_with("|---") => {
                let mut cells = 0;
                let mut escaped = false;
                for c in line.chars() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '|' if !escaped => cells += 1,
                        _ => escaped = false,
                    }
                    if c != '\\' {
                        escaped = false;
                    }
                }
                if *columns.get_or_insert(cells) != cells {
                    problems.push(format!(
                        "a table row with {} cells: {line}",
                        cells.max(1) - 1
                    ));
                }
                // Outside code spans GitHub turns URLs, `www.` and addresses into links.
                let outside_code: String = line.split('`').step_by(2).collect();
                if ["://", "www.", "@"]
                    .iter()
                    .any(|link| outside_code.contains(link))
                {
                    problems.push(format!(
                        "text a Markdown renderer would make a link: {line}"
                    ));
                }
            }
            _ if line.contains(MARKER) => {
                problems.push(format!("a payload outside the graph: {line}"))
            }
            _ => {}
        }
    }
    problems
}

/// Every line is a comment, a `[profile NAME]` or `[sso-session NAME]` header or a known
/// `key = value`.
fn aws_config_problems(spec: &Path) -> Vec<String> {
    let (code, config, stderr) = trustgen_in(
        &["aws-config", &spec.to_string_lossy()],
        Path::new("."),
        &[],
    );
    if code != 0 {
        return vec![format!("aws-config failed: {stderr}")];
    }
    let keys = [
        "role_arn",
        "source_profile",
        "mfa_serial",
        "duration_seconds",
        "region",
        "credential_source",
        "external_id",
        "sso_session",
        "sso_account_id",
        "sso_role_name",
        "sso_start_url",
        "sso_region",
        "sso_registration_scopes",
    ];
    let mut problems = Vec::new();
    let mut headers = BTreeSet::new();
    for line in config
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some(name) = line
            .strip_prefix("[profile ")
            .or_else(|| line.strip_prefix("[sso-session "))
            .and_then(|l| l.strip_suffix(']'))
        {
            if name.contains(MARKER) || !headers.insert(name.to_string()) {
                problems.push(format!("aws-config: profile header {line}"));
            }
        } else if !line
            .split_once(" = ")
            .is_some_and(|(key, _)| keys.contains(&key))
        {
            problems.push(format!("aws-config: line {line}"));
        }
    }
    problems
}

/// Runs `assume`'s command and its `--exec` snippet for every task under `sh`, in a fresh
/// directory with a stand-in `aws` first on PATH; any PWNED file means spec text ran.
fn shell_problems(spec: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    let tasks: Vec<String> = toml::from_str::<toml::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("tasks")
                .and_then(|t| t.as_table())
                .map(|t| t.keys().cloned().collect())
        })
        .unwrap_or_default();
    let mut problems = Vec::new();
    for task in tasks {
        let spec_arg = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
        let spec_arg = spec_arg.to_string_lossy();
        let (code, command, _) = trustgen_in(&["assume", &spec_arg, &task], Path::new("."), &[]);
        if code != 0 {
            continue;
        }
        let (_, snippet, _) = trustgen_in(
            &[
                "assume",
                &spec_arg,
                &task,
                "--exec",
                "--",
                "echo",
                "$(id>PWNED)",
                "done",
            ],
            Path::new("."),
            &[],
        );
        for (what, script) in [("command", &command), ("--exec snippet", &snippet)] {
            let sandbox = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let record = stand_in_aws(sandbox.path());
            let output = Command::new("sh")
                .arg("-c")
                .arg(script.as_str())
                .current_dir(sandbox.path())
                .env(
                    "PATH",
                    format!("{}:/usr/bin:/bin", sandbox.path().display()),
                )
                .env("MFA_SERIAL", "arn:aws:iam::111122223333:mfa/alice")
                .env("MFA_CODE", "123456")
                .output()
                .unwrap_or_else(|e| panic!("sh: {e}"));
            if !output.status.success() {
                problems.push(format!(
                    "assume {task} ({what}) failed under sh: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            if sandbox.path().join(MARKER).exists() {
                problems.push(format!("assume {task} ({what}): spec text was executed"));
            }
            let args = std::fs::read_to_string(&record).unwrap_or_default();
            let role_arn = args
                .lines()
                .skip_while(|a| *a != "--role-arn")
                .nth(1)
                .unwrap_or_default();
            if !role_arn.starts_with("arn:aws:iam::") || role_arn.contains('\n') {
                problems.push(format!(
                    "assume {task} ({what}): --role-arn reached aws as {role_arn:?}"
                ));
            }
            if what == "--exec snippet"
                && !String::from_utf8_lossy(&output.stdout).contains("$(id>PWNED) done")
            {
                problems.push(format!(
                    "assume {task}: the command's own arguments were not passed as words"
                ));
            }
        }
    }
    problems
}

/// An `aws` that records its arguments, one per line, and prints fake credentials.
fn stand_in_aws(dir: &Path) -> PathBuf {
    let record = dir.join("aws-args");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\necho 'ASIAFAKE secret token'\n",
        record.display()
    );
    let aws = dir.join("aws");
    std::fs::write(&aws, script).unwrap_or_else(|e| panic!("{e}"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    record
}

/// A spec's file name lands in every file's header comment, and comes from the repository:
/// a line break YAML 1.1 recognises (U+2028) must not end the comment and add a key, nor
/// may `--->` close the trust graph's HTML comment.
#[test]
fn a_hostile_spec_file_name_stays_inside_the_header_comments() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let name = "x\u{2028}Transform: AWS::Serverless-2016-10-31\u{2028}--->b<img src=x>.toml";
    let spec = dir.path().join(name);
    std::fs::copy("examples/tagged-dev-account.toml", &spec).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen_in(&["gen", name, "-o", "out"], dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = dir.path().join("out");
    let tasks =
        std::fs::read_to_string(out.join("cloudformation/dev/tasks.yaml")).unwrap_or_default();
    assert!(
        yaml_problems(&tasks).is_empty(),
        "{:?}",
        yaml_problems(&tasks)
    );
    assert!(!tasks.contains('\u{2028}'));
    let graph = std::fs::read_to_string(out.join("trust-graph.md")).unwrap_or_default();
    let first = graph.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("<!-- ") && first.ends_with(" -->"),
        "{first}"
    );
    assert_eq!(
        first.matches("--").count(),
        2,
        "only the comment's own dashes: {first}"
    );
}
