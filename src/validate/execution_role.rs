//! `[execution_role]`: the name of the role ECS uses to pull images, write logs and read
//! the tasks' secrets.

use super::Findings;
use crate::diagnostic::Code;
use crate::model::identifiers::role_name_problem;
use crate::path;
use crate::spec::Spec;

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    invalid_role_name(spec, findings);
}

fn invalid_role_name(spec: &Spec, findings: &mut Findings) {
    let Some(name) = &spec.execution_role.name else {
        return;
    };
    if let Some(problem) = role_name_problem(name) {
        findings.at(
            Code::InvalidRoleName,
            path!["execution_role", "name"],
            format!("role name `{name}` {problem}"),
            "use 1-64 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
}
