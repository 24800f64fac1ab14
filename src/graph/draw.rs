//! The trust graph as Mermaid, Graphviz DOT, JSON, and the Markdown page `gen` writes.

use std::fmt::Write as _;

use super::{NodeKind, TrustGraph};

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

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
}

fn shape(kind: &NodeKind, label: &str) -> String {
    let label = mermaid_text(label);
    match kind {
        NodeKind::Ecs => format!("[[\"{label}\"]]"),
        NodeKind::AccountPrincipals | NodeKind::Principal => format!("([\"{label}\"])"),
        _ => format!("[\"{label}\"]"),
    }
}

pub fn mermaid(graph: &TrustGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (index, (account, nodes)) in groups(graph).into_iter().enumerate() {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(account) = account {
            let _ = writeln!(
                out,
                "  subgraph account{index}[\"account {}\"]",
                mermaid_text(account)
            );
        }
        for node in nodes {
            let _ = writeln!(out, "{indent}{}{}", node.id, shape(&node.kind, &node.label));
        }
        if account.is_some() {
            out.push_str("  end\n");
        }
    }
    for edge in &graph.edges {
        if edge.conditions.is_empty() {
            let _ = writeln!(out, "  {} -->|\"sts:AssumeRole\"| {}", edge.from, edge.to);
        } else {
            let _ = writeln!(
                out,
                "  {} -->|\"{}\"| {}",
                edge.from,
                mermaid_text(&edge.conditions.join(", ")),
                edge.to
            );
        }
    }
    out
}

fn dot_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(graph: &TrustGraph) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        dot_text(&format!("trust graph of {}", graph.project))
    );
    for (index, (account, nodes)) in groups(graph).into_iter().enumerate() {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(account) = account {
            let _ = writeln!(
                out,
                "  subgraph cluster_{index} {{\n    label=\"account {}\";",
                dot_text(account)
            );
        }
        for node in nodes {
            let shape = match node.kind {
                NodeKind::Ecs => "component",
                NodeKind::AccountPrincipals | NodeKind::Principal => "ellipse",
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
    for edge in &graph.edges {
        let label = if edge.conditions.is_empty() {
            "sts:AssumeRole".to_string()
        } else {
            edge.conditions.join(", ")
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\"];",
            edge.from,
            edge.to,
            dot_text(&label)
        );
    }
    out.push_str("}\n");
    out
}

pub fn json(graph: &TrustGraph) -> String {
    let mut text = serde_json::to_string_pretty(graph).unwrap_or_default();
    text.push('\n');
    text
}

/// `trust-graph.md`: the Mermaid picture (code hosts render it) and the same edges as a table.
pub fn markdown(graph: &TrustGraph, header: &str) -> String {
    let mut out = format!(
        "<!-- {} -->\n# Who can assume what: {}\n\nEvery arrow is an `sts:AssumeRole` that a generated trust policy allows, labelled with\nthe conditions that guard it. Computed from the same model as the stacks.\n\n```mermaid\n{}```\n\n| principal | may assume | guarded by |\n|---|---|---|\n",
        header.trim_start_matches("# "),
        graph.project,
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
            "| `{}` | `{}` | {} |",
            edge.principal, edge.role_arn, conditions
        );
    }
    out
}
