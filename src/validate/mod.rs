//! Judges a parsed spec: every independent problem is reported at once, each located, and
//! a spec with any error never reaches the model builder.
//!
//! One file per spec table holds that table's errors and warnings, each rule a function
//! named after its diagnostic code; the functions below run them in the order a user
//! reads the diagnostics. Shared pieces: the ARN each key expects (`arn_kinds.rs`), env
//! names (`envs.rs`), regions (`regions.rs`) and tags (`tags.rs`). After the model is
//! built: AWS's limits on it (`sizes.rs`), name collisions (`names.rs`) and developer
//! reach (`reach.rs`). Developers' reads of data outside dev access (`data_reach.rs`) and
//! statements read against AWS's service reference (`actions.rs`) need only the spec.

mod accounts;
mod actions;
mod arn_kinds;
mod bootstrap;
mod conditions;
mod containers;
mod data_reach;
mod dev_access;
mod developers;
mod envs;
mod execution_role;
mod identity_center;
mod limits;
mod names;
mod permissions;
mod platform;
mod project;
mod reach;
mod regions;
mod roles;
mod sizes;
mod tags;
mod tasks;
mod terraform;
mod volumes;

use crate::collections::HashSet;

use crate::diagnostic::{Code, Diagnostic, Location, PathSegment, Severity};
use crate::model::{self, Model};
use crate::spec::{Checked, DevMode, Spec, Task};

/// Where a rule's subject is in the spec, built only when the rule reports. The rules of
/// tasks, statements and containers run thousands of times on a large spec and, on a sound
/// one, never report: building each path up front was most of validation's allocations.
pub(super) type Here<'a> = &'a dyn Fn() -> Vec<PathSegment>;

/// Collects diagnostics; the rules push into it.
#[derive(Default)]
pub(crate) struct Findings {
    pub diagnostics: Vec<Diagnostic>,
}

impl Findings {
    /// A diagnostic at the value of `path`.
    pub(crate) fn at(
        &mut self,
        code: Code,
        path: Vec<PathSegment>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(code, message, Location::Value(path)).with_help(help));
    }

    /// A diagnostic at the key (not the value) of the last segment of `path`.
    pub(crate) fn at_key(
        &mut self,
        code: Code,
        path: Vec<PathSegment>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(code, message, Location::Key(path)).with_help(help));
    }
}

/// Validates the spec and, when it is sound, builds the model and checks AWS's limits on
/// it: the pipeline's middle (`pipeline::load` runs the same steps one by one).
pub fn validate_and_build(spec: &Spec) -> Result<Model, Vec<Diagnostic>> {
    let checked = check_spec(spec)?;
    let model = model::build(&checked);
    check_model(&checked, &model)?;
    Ok(model)
}

/// The gate into the model: the spec's own errors, table by table; a `Checked` spec when
/// there are none.
pub(crate) fn check_spec(spec: &Spec) -> Result<Checked<'_>, Vec<Diagnostic>> {
    let mut findings = Findings::default();
    spec_rules(spec, &mut findings);
    Checked::vouch(spec, &findings.diagnostics).ok_or(findings.diagnostics)
}

/// Errors only the built model shows: what would be deployed, measured and named.
pub(crate) fn check_model(checked: &Checked<'_>, model: &Model) -> Result<(), Vec<Diagnostic>> {
    let mut findings = Findings::default();
    model_rules(checked, model, &mut findings);
    if has_errors(&findings.diagnostics) {
        Err(findings.diagnostics)
    } else {
        Ok(())
    }
}

/// The spec's own rules, table by table, in the order a user reads the diagnostics.
fn spec_rules(spec: &Spec, findings: &mut Findings) {
    project::check(spec, findings);
    accounts::check(spec, findings);
    dev_access::check(spec, findings);
    project::dev_tag_outside_dev(spec, findings);
    limits::check(spec, findings);
    developers::check(spec, findings);
    execution_role::check(spec, findings);
    dev_access::check_permission_sets(spec, findings);
    developers::developers_not_trusted(spec, findings);
    identity_center::check(spec, findings);
    names::check_spec(spec, findings);
    tasks::check(spec, findings);
    tasks::simulate_boundaries_differ(spec, findings);
    roles::check(spec, findings);
    reach::unknown_reach_opt_in(spec, findings);
    data_reach::unknown_read_opt_in(spec, findings);
    terraform::check(spec, findings);
    bootstrap::check(spec, findings);
}

/// The rules on the built model.
fn model_rules(spec: &Spec, model: &Model, findings: &mut Findings) {
    // The size rules keep every core busy, account by account; the others are one pass
    // each over the whole model. Side by side, those passes do not leave a core idle.
    // The findings keep this order: sizes, then the rest.
    let (whole_model, sizes) = crate::parallel::both(
        || {
            let mut found = Findings::default();
            names::check_model(model, &mut found);
            names::reserved_role_name(spec, model, &mut found);
            identity_center::permission_set_without_developer_policy(spec, model, &mut found);
            terraform::check_model(spec, model, &mut found);
            reach::developer_reach_outside_dev(spec, model, &mut found);
            bootstrap::check_model(model, &mut found);
            found.diagnostics
        },
        || {
            let mut found = Findings::default();
            sizes::check(spec, model, &mut found);
            found.diagnostics
        },
    );
    findings.diagnostics.extend(sizes);
    findings.diagnostics.extend(whole_model);
}

/// Specs that are valid but grant more than they probably mean, or set something up that
/// does nothing. They do not stop `gen` unless `--deny-warnings` is given.
pub fn warnings(spec: &Spec, model: &Model) -> Vec<Diagnostic> {
    let mut findings = Findings::default();
    let findings = &mut findings;
    dev_access::warnings(spec, findings);
    accounts::production_name_with_dev_access(spec, findings);
    if spec.dev_access.mode != DevMode::None {
        developers::developer_policy_unattached(spec, findings);
        identity_center::warnings(spec, findings);
        developers::warnings(spec, findings);
    }
    project::log_retention_unset(spec, findings);
    bootstrap::warnings(spec, model, findings);
    let assumed_by: HashSet<&str> = spec
        .roles
        .values()
        .flat_map(|role| role.trusted_tasks.iter().map(String::as_str))
        .collect();
    // Tasks warn independently: on every core. Each run keeps the two groups apart, so
    // the order stays every task's container, platform and volume warnings, then every
    // task's role warnings.
    let tasks: Vec<(&String, &Task)> = spec.tasks.iter().collect();
    let runs = crate::parallel::map_runs(&tasks, |run| {
        let (mut hosts, mut roles) = (Findings::default(), Findings::default());
        for &(name, task) in run {
            containers::warnings(name, task, &mut hosts);
            platform::host_privileges(name, task, &mut hosts);
            volumes::warnings(name, task, &mut hosts);
            tasks::warnings(spec, model, name, task, &assumed_by, &mut roles);
        }
        (hosts.diagnostics, roles.diagnostics)
    });
    let (hosts, roles): (Vec<_>, Vec<_>) = runs.into_iter().unzip();
    findings.diagnostics.extend(hosts.into_iter().flatten());
    findings.diagnostics.extend(roles.into_iter().flatten());
    for (name, role) in &spec.roles {
        roles::warnings(spec, name, role, findings);
    }
    data_reach::developer_reads_outside_dev(spec, findings);
    terraform::state_outside_spec(spec, model, findings);
    std::mem::take(&mut findings.diagnostics)
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}
