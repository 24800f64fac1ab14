//! The trust graph as Mermaid, Graphviz DOT, JSON, and the Markdown page `gen` writes.

use std::fmt::Write as _;

use super::{NodeKind, TrustGraph};
use crate::markdown::code as markdown_code;

/// Accounts in first-appearance order, each with its nodes; then nodes of no known account.
fn groups(graph: &TrustGraph) -> Vec<(Option<&str>, Vec<&super::Node>)> {
    let mut groups: Vec<(Option<&str>, Vec<&super::Node>)> = Vec::new();
    for node in &graph.nodes {
        let account = node.account.as_deref();
        match groups.iter_mut().find(|(name, _)| *name == account) {
            Some((_, nodes)) => nodes.push(node),
            None => groups.push((account, vec![node])),
        }
    }
    groups.sort_by_key(|(account, _)| account.is_none());
    groups
}

/// Text for a quoted Mermaid label: anything but letters, digits and plain punctuation as
/// an entity code (`#35;`), so no spec value can close the label, start markup or a link.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || " -_.:/@,=+()".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("#{};", u32::from(c)));
        }
    }
    out
}

/// A group's title: an account of the spec, or every account a StackSet reaches.
fn group_title(graph: &TrustGraph, account: &str) -> String {
    if graph.baseline_groups.iter().any(|group| group == account) {
        format!("every account StackSet {account} reaches")
    } else {
        format!("account {account}")
    }
}

fn shape(kind: &NodeKind, label: &str) -> String {
    let label = mermaid_text(label);
    match kind {
        NodeKind::Ecs => format!("[[\"{label}\"]]"),
        NodeKind::OrganizationalUnit => format!("{{{{\"{label}\"}}}}"),
        NodeKind::AccountPrincipals
        | NodeKind::Principal
        | NodeKind::PermissionSet
        | NodeKind::ExternalRole => {
            format!("([\"{label}\"])")
        }
        _ => format!("[\"{label}\"]"),
    }
}

pub(crate) fn mermaid(graph: &TrustGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (index, (account, nodes)) in groups(graph).into_iter().enumerate() {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(account) = account {
            let _ = writeln!(
                out,
                "  subgraph account{index}[\"{}\"]",
                mermaid_text(&group_title(graph, account))
            );
        }
        for node in nodes {
            let _ = writeln!(out, "{indent}{}{}", node.id, shape(&node.kind, &node.label));
        }
        if account.is_some() {
            out.push_str("  end\n");
        }
    }
    for reach in &graph.developer_reach {
        let label = if reach.dev_access {
            "developers chain"
        } else {
            "developers chain (outside dev access, opted in)"
        };
        let _ = writeln!(out, "  {} -.->|\"{label}\"| {}", reach.from, reach.to);
    }
    for reach in &graph.stack_sets {
        let label = mermaid_text(&format!("StackSet {}: {}", reach.stack_set, reach.accounts));
        for to in &reach.to {
            let _ = writeln!(out, "  {} ==>|\"{label}\"| {to}", reach.from);
        }
    }
    // One arrow per picture of an edge: a permission set's two role path forms are one.
    let mut drawn = crate::collections::HashSet::default();
    for edge in &graph.edges {
        let line = if edge.conditions.is_empty() {
            format!("  {} -->|\"sts:AssumeRole\"| {}\n", edge.from, edge.to)
        } else {
            format!(
                "  {} -->|\"{}\"| {}\n",
                edge.from,
                mermaid_text(&edge.conditions.join(", ")),
                edge.to
            )
        };
        if drawn.insert(line.clone()) {
            out.push_str(&line);
        }
    }
    out
}

fn dot_text(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\\' => vec!['\\', '\\'],
            '"' => vec!['\\', '"'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect()
}

pub(crate) fn dot(graph: &TrustGraph) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        dot_text(&format!("trust graph of {}", graph.project))
    );
    for (index, (account, nodes)) in groups(graph).into_iter().enumerate() {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(account) = account {
            let _ = writeln!(
                out,
                "  subgraph cluster_{index} {{\n    label=\"{}\";",
                dot_text(&group_title(graph, account))
            );
        }
        for node in nodes {
            let shape = match node.kind {
                NodeKind::Ecs => "component",
                NodeKind::OrganizationalUnit => "folder",
                NodeKind::AccountPrincipals
                | NodeKind::Principal
                | NodeKind::PermissionSet
                | NodeKind::ExternalRole => "ellipse",
                _ => "box",
            };
            let _ = writeln!(
                out,
                "{indent}{} [label=\"{}\", shape={shape}];",
                node.id,
                dot_text(&node.label)
            );
        }
        if account.is_some() {
            out.push_str("  }\n");
        }
    }
    let mut drawn = crate::collections::HashSet::default();
    for edge in &graph.edges {
        let label = if edge.conditions.is_empty() {
            "sts:AssumeRole".to_string()
        } else {
            edge.conditions.join(", ")
        };
        let line = format!(
            "  {} -> {} [label=\"{}\"];\n",
            edge.from,
            edge.to,
            dot_text(&label)
        );
        if drawn.insert(line.clone()) {
            out.push_str(&line);
        }
    }
    for reach in &graph.developer_reach {
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"developers chain\", style=dashed];",
            reach.from, reach.to
        );
    }
    for reach in &graph.stack_sets {
        let label = format!("StackSet {}: {}", reach.stack_set, reach.accounts);
        for to in &reach.to {
            let _ = writeln!(
                out,
                "  {} -> {to} [label=\"{}\", style=bold];",
                reach.from,
                dot_text(&label)
            );
        }
    }
    out.push_str("}\n");
    out
}

pub(crate) fn json(graph: &TrustGraph) -> String {
    let mut text = serde_json::to_string_pretty(graph).unwrap_or_default();
    text.push('\n');
    text
}

/// `trust-graph.md`: the Mermaid picture (code hosts render it) and the same edges as a table.
pub(crate) fn markdown(graph: &TrustGraph, header: &str) -> String {
    // An HTML comment ends at `-->` (and `--` must not appear in one); the header names a
    // path given by the user.
    let mut comment = header.trim_start_matches("# ").replace('>', "&gt;");
    while comment.contains("--") {
        comment = comment.replace("--", "- -");
    }
    let mut out = format!(
        "<!-- {comment} -->\n# Who can assume what: {}\n\nEvery solid arrow is an `sts:AssumeRole` that a generated trust policy allows, labelled\nwith the conditions that guard it; a dotted arrow is a role developers can chain into\nfrom a role they hold{}. Computed from the same model as the stacks.\n\n```mermaid\n{}```\n\n| principal | may assume | guarded by |\n|---|---|---|\n",
        graph.project,
        if graph.stack_sets.is_empty() {
            ""
        } else {
            "; a thick arrow leads from an organisational unit to the roles a StackSet gives\nevery account of it"
        },
        mermaid(graph)
    );
    for edge in &graph.edges {
        let conditions = if edge.conditions.is_empty() {
            "-".to_string()
        } else {
            edge.conditions.join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            markdown_code(&edge.principal),
            markdown_code(&edge.role_arn),
            // A code span: the guards hold spec text (tag keys and values), which GitHub
            // would otherwise turn into links.
            markdown_code(&conditions)
        );
    }
    if !graph.stack_sets.is_empty() {
        out.push_str("\n## StackSet reach\n\nEvery account of these organisational units receives the StackSet's baseline, accounts\nthat join them later included (`{account}` in the ARNs above stands for each of them):\ndeveloper access, as the env says.\n\n| organisational unit | env | accounts | StackSet |\n|---|---|---|---|\n");
        for reach in &graph.stack_sets {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                markdown_code(&reach.organizational_unit),
                markdown_code(&reach.env),
                markdown_code(&reach.accounts),
                markdown_code(&reach.stack_set)
            );
        }
    }
    if !graph.developer_reach.is_empty() {
        out.push_str("\n## Developer reach\n\nRoles developers can chain into from the roles they assume, through each role's own\n`sts:AssumeRole` permissions. Outside dev-access accounts only where the spec opts in by name.\n\n| reached role | through | in a dev-access account |\n|---|---|---|\n");
        for reach in &graph.developer_reach {
            let through: Vec<String> = reach.through.iter().map(|arn| markdown_code(arn)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                markdown_code(&reach.role_arn),
                through.join(" → "),
                if reach.dev_access {
                    "yes"
                } else {
                    "**no** (opted in)"
                }
            );
        }
    }
    out
}
