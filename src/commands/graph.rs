//! `trustgen graph [SPEC] --format mermaid|dot|json`: who can assume what.

use super::{load, Outcome};
use crate::cli::{GraphArgs, GraphFormat, MessageFormat};
use crate::graph::{self, TrustGraph};

pub(super) fn run(args: &GraphArgs) -> Outcome {
    let loaded = match load(&args.spec, MessageFormat::Human) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let graph = TrustGraph::from_model(&loaded.model);
    Outcome::ok(match args.format {
        GraphFormat::Mermaid => graph::mermaid(&graph),
        GraphFormat::Dot => graph::dot(&graph),
        GraphFormat::Json => graph::json(&graph),
    })
}
