//! The reports: spec text stays data in each; Markdown fits a GitHub comment however large
//! the change, puts what broadens first and carries its marker; JSON gives every change
//! its kind.

use super::*;
use crate::diff::report::markdown::{markdown_within, LIMIT, MARKER};

#[test]
fn reports_keep_hostile_spec_text_as_data() {
    let hostile = edit(
        BASE,
        "[tasks.api]\naccount = \"dev\"\n",
        "[tasks.api]\naccount = \"dev\"\npath = \"/a|b`c/\"\n",
    );
    let hostile = edit(
        &hostile,
        "resources = [\"*\"]\n",
        "resources = [\"*\"]\ncondition = { StringEquals = { \"aws:PrincipalTag/team\" = \"x\\n| forged | row |\\n`y\" } }\n",
    );
    let hostile = edit(
        &hostile,
        "image = \"nginx:1.27\"",
        "image = \"nginx:1.27\"\nenvironment = { NOTE = \"a|</details>\\n# x\" }",
    );
    let changes = between(None, Some(&hostile));
    let markdown = markdown(&changes, "old|`x`", "new\nline");
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("| change") && !l.starts_with("|---"));
    for line in rows {
        // Every row has its columns and no more: each `|` of spec text is escaped.
        let separators = line.matches('|').count() - line.matches("\\|").count();
        let header = markdown
            .lines()
            .take_while(|l| *l != line)
            .filter(|l| l.starts_with("| change"))
            .last()
            .unwrap_or_default();
        assert_eq!(separators, header.matches('|').count(), "{line}");
    }
    assert!(markdown.contains("role/a\\|b`c/shop-api"), "{markdown}");
    assert!(!markdown.contains("\n| forged"), "{markdown}");
    // Spec text cannot close the fold or start a heading: it stays inside a code span of
    // its row, where Markdown reads no HTML.
    assert_eq!(
        markdown.lines().filter(|l| l.starts_with("</")).count(),
        1,
        "{markdown}"
    );
    assert!(markdown.contains("`a\\|</details> # x`"), "{markdown}");
    assert!(!markdown.contains("\n# x"), "{markdown}");
    let text = text(&changes, "old", "new\u{1b}[2J");
    assert!(!text.contains('\u{1b}') && text.contains("\\u{1b}"));
    assert!(text.contains("x\\u{a}| forged | row |\\u{a}`y"), "{text}");
    assert!(text.lines().all(|l| !l.starts_with("| forged")));
    let parsed: serde_json::Value =
        serde_json::from_str(&json(&changes)).unwrap_or(serde_json::Value::Null);
    let values: Vec<String> = parsed["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["grant"]["conditions"].as_array().into_iter().flatten())
        .flat_map(|c| c["values"].as_array().into_iter().flatten())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert!(
        values.contains(&"x\n| forged | row |\n`y".to_string()),
        "{values:?}"
    );
}

/// A spec with `tasks` dev tasks, each with a long statement: a change that adds all of
/// them makes a report far over GitHub's limit.
fn many_tasks(tasks: usize) -> String {
    let mut spec = String::from(
        "version = 1\n\n[project]\nname = \"big\"\nregion = \"eu-west-1\"\n\n[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\n\n[dev_access]\nmode = \"tagged\"\n\n[developers]\nattach_to_roles = [\"Developer\"]\n",
    );
    for task in 0..tasks {
        spec.push_str(&format!(
            "\n[tasks.t{task}]\naccount = \"dev\"\ncpu = 256\nmemory = 512\n\n[[tasks.t{task}.statements]]\nactions = [\"s3:GetObject\", \"s3:PutObject\"]\nresources = [\"arn:aws:s3:::big-bucket-with-a-long-name-{task}/prefix/*\"]\n\n[[tasks.t{task}.containers]]\nname = \"app\"\nimage = \"registry.example.com/big/app-{task}:1.0\"\nsecrets = {{ DB = \"arn:aws:ssm:eu-west-1:111122223333:parameter/big/{task}/db\" }}\n"
        ));
    }
    spec
}

#[test]
fn markdown_fits_a_github_comment_and_says_what_it_left_out() {
    let huge = between(None, Some(&many_tasks(300)));
    let full = text(&huge, "old", "new");
    assert!(full.len() > 2 * LIMIT, "the change is not large enough");
    let report = markdown(&huge, "old", "new");
    assert!(report.len() <= LIMIT, "{} bytes", report.len());
    assert!(report.starts_with(&format!("{MARKER}\n**Access broadens: ")));
    // The fold is closed, and the note says how many were left out and how to see them.
    assert_eq!(
        report.matches("<details>").count(),
        report.matches("</details>").count()
    );
    let note = report
        .lines()
        .find(|l| l.contains("not shown"))
        .unwrap_or_else(|| panic!("no note in {}", &report[report.len() - 500..]));
    assert!(note.contains("--format json"), "{note}");
    let shown = report
        .lines()
        .filter(|l| {
            ["| added", "| removed", "| changed"]
                .iter()
                .any(|m| l.starts_with(m))
        })
        .count();
    let left_out: usize = note
        .trim_start_matches("**")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{note}"));
    assert!(shown > 0 && left_out > 0);
    // Each change is shown once at most in the folded part; broadening ones may be shown
    // twice (first, and in their account), so the count is at least what is left.
    assert!(
        shown + left_out >= huge.changes.len(),
        "{shown} + {left_out}"
    );
    // Any limit holds, and what fits comes first: the summary and broadening changes.
    for limit in [4_000, 20_000] {
        let small = markdown_within(&huge, "old", "new", limit);
        assert!(small.len() <= limit, "{limit}: {}", small.len());
        assert!(small.contains("### Broadening changes"));
    }
    // A small change is whole, with no note.
    let small = markdown(
        &diff(BASE, &edit(BASE, "nginx:1.27", "nginx:1.28")),
        "a",
        "b",
    );
    assert!(
        !small.contains("not shown") && small.contains("</details>"),
        "{small}"
    );
}

#[test]
fn json_gives_every_change_a_kind_and_what_it_is() {
    let everything = between(None, Some(BASE));
    let parsed: serde_json::Value =
        serde_json::from_str(&json(&everything)).unwrap_or(serde_json::Value::Null);
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let changes = parsed["changes"].as_array().cloned().unwrap_or_default();
    assert!(!changes.is_empty());
    for change in &changes {
        let kind = change["kind"].as_str().unwrap_or_default();
        assert!(kinds.contains(&kind), "{change}");
        assert!(change["what"].is_string(), "{change}");
        assert!(change["broadens"].is_boolean(), "{change}");
    }
    assert_eq!(parsed["broadens"], true);
}

/// Red team: pointing the Terraform state at another bucket, or through a role of a
/// foreign account, grants nothing in IAM, but whoever controls the state controls what
/// applies: the review must show it, in every format, without calling it access.
#[test]
fn terraform_state_and_layout_changes_are_shown_for_review() {
    let backend = "\n[terraform.backend]\ntype = \"s3\"\nbucket = \"shop-state\"\nregion = \"eu-west-1\"\nkey_prefix = \"shop\"\n";
    let old = format!("{BASE}{backend}");
    let new = edit(
        &old,
        "bucket = \"shop-state\"\n",
        "bucket = \"attacker-state\"\nrole_arn = \"arn:aws:iam::999999999999:role/x\"\n",
    );
    let new = format!("{new}\n[terraform]\nlayout = \"per-account\"\n");
    let changes = diff(&old, &new);
    assert!(!changes.broadens);
    assert!(changes.changes.iter().all(|c| c.kind != Kind::Access));
    let settings: Vec<String> = changes.of_kind(Kind::Deployment).map(line).collect();
    for wanted in [
        "deployment ~ layout and state: terraform layout: single-root -> per-account",
        "deployment ~ layout and state: state bucket: shop-state -> attacker-state",
        "deployment + layout and state: state role: - -> arn:aws:iam::999999999999:role/x",
    ] {
        assert!(settings.contains(&wanted.to_string()), "{settings:#?}");
    }
    let text = text(&changes, "old", "new");
    assert!(
        text.contains("Access unchanged, nothing broadens")
            && text.contains("Where Terraform keeps its state"),
        "{text}"
    );
    assert!(
        text.contains("~ terraform layout and state: state bucket: shop-state -> attacker-state\n"),
        "{text}"
    );
    let markdown = markdown(&changes, "old", "new");
    assert!(
        markdown.contains("| changed | terraform `layout and state` | state bucket | `shop-state` | `attacker-state` |"),
        "{markdown}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json(&changes)).unwrap_or_default();
    assert!(parsed["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["field"] == "state bucket" && c["after"] == "attacker-state"));
}

#[test]
fn wildcard_actions_show_how_many_actions_they_are_today_and_still_broaden() {
    let new = edit(
        BASE,
        "actions = [\"s3:GetObject\", \"s3:ListBucket\"]",
        "actions = [\"s3:GetObject\", \"s3:Get*Tagging\", \"sqs:*\"]",
    );
    let changes = diff(BASE, &new);
    assert!(changes.broadens);
    let markdown = markdown(&changes, "old.toml", "new.toml");
    let reference = |pattern: &str| {
        crate::model::service_reference::expand_action(pattern).map_or(0, |actions| actions.len())
    };
    let (tagging, sqs) = (reference("s3:Get*Tagging"), reference("sqs:*"));
    assert!(tagging > 1 && sqs > 10, "{tagging} {sqs}");
    let sizes =
        format!("(`s3:Get*Tagging` is {tagging} actions today, `sqs:*` is {sqs} actions today)");
    assert!(markdown.contains(&sizes), "{markdown}");
    // A named action is no pattern: no size follows it.
    assert!(!markdown.contains("`s3:GetObject` is"), "{markdown}");
}
