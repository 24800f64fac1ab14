//! `depends_on`: each dependency a container of the task, once, with a condition its
//! target can meet, and no cycle (ECS would start none of the containers in it).

use crate::collections::{HashMap, HashSet};

use super::{container_suggestion, At};
use crate::diagnostic::{Code, PathSegment};
use crate::path;
use crate::spec::{Container, ContainerDependency, DependencyCondition, Task};
use crate::validate::Findings;

pub(super) fn check(
    task: &Task,
    container: &Container,
    names: &[&str],
    here: At<'_>,
    findings: &mut Findings,
) {
    let mut targets = HashSet::default();
    for (index, dependency) in container.depends_on.iter().enumerate() {
        let at_target = here(path!["depends_on", index, "container"]);
        let Some(target) = unknown_container(task, dependency, names, &at_target, findings) else {
            continue;
        };
        if dependency_cycle_of_one(container, target, &at_target, findings) {
            continue;
        }
        duplicate_dependency(target, &mut targets, at_target, findings);
        let at_condition = here(path!["depends_on", index, "condition"]);
        dependency_without_health_check(dependency, target, at_condition.clone(), findings);
        dependency_on_essential_exit(dependency, target, at_condition, findings);
    }
}

/// The container a dependency names, or `unknown-container` when the task has none.
fn unknown_container<'t>(
    task: &'t Task,
    dependency: &ContainerDependency,
    names: &[&str],
    at: &[PathSegment],
    findings: &mut Findings,
) -> Option<&'t Container> {
    let target = task
        .containers
        .iter()
        .find(|c| c.name == dependency.container);
    if target.is_none() {
        findings.at(
            Code::UnknownContainer,
            at.to_vec(),
            format!("no container named `{}` in this task", dependency.container),
            container_suggestion(&dependency.container, names),
        );
    }
    target
}

/// `dependency-cycle` of one: reports and returns whether a container depends on itself.
fn dependency_cycle_of_one(
    container: &Container,
    target: &Container,
    at: &[PathSegment],
    findings: &mut Findings,
) -> bool {
    let itself = target.name == container.name;
    if itself {
        findings.at(
            Code::DependencyCycle,
            at.to_vec(),
            format!("container `{}` depends on itself", container.name),
            "name another container of the task",
        );
    }
    itself
}

fn duplicate_dependency<'t>(
    target: &'t Container,
    seen: &mut HashSet<&'t str>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !seen.insert(target.name.as_str()) {
        findings.at(
            Code::DuplicateDependency,
            at,
            format!(
                "`{}` is already a dependency of this container",
                target.name
            ),
            "name each container once",
        );
    }
}

fn dependency_without_health_check(
    dependency: &ContainerDependency,
    target: &Container,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if dependency.condition == DependencyCondition::Healthy && target.health_check.is_none() {
        findings.at(
            Code::DependencyWithoutHealthCheck,
            at,
            format!(
                "HEALTHY waits for the health check of `{}`, which has none",
                target.name
            ),
            format!("add a health_check to `{}`, or wait for START", target.name),
        );
    }
}

fn dependency_on_essential_exit(
    dependency: &ContainerDependency,
    target: &Container,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let waits_for_exit = matches!(
        dependency.condition,
        DependencyCondition::Complete | DependencyCondition::Success
    );
    if waits_for_exit && target.essential {
        findings.at(
            Code::DependencyOnEssentialExit,
            at,
            format!(
                "{} waits for `{}` to exit, but it is essential: its exit stops the task",
                dependency.condition.as_str(),
                target.name
            ),
            format!(
                "set essential = false on `{}`, or wait for START or HEALTHY",
                target.name
            ),
        );
    }
}

/// `depends_on` must not go round. Each cycle is reported once, at the dependency that
/// closes it, naming every container.
pub(super) fn dependency_cycle(task: &Task, at: At<'_>, findings: &mut Findings) {
    let edges = dependency_edges(task);
    let mut reported: HashSet<Vec<usize>> = HashSet::default();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; edges.len()];
    for start in 0..edges.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first search: (container, next edge to try).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some((node, next)) = stack.last().copied() {
            let Some(&(entry, to)) = edges[node].get(next) else {
                state[node] = 2;
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match state[to] {
                0 => {
                    state[to] = 1;
                    stack.push((to, 0));
                }
                1 => {
                    let begin = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let cycle: Vec<usize> = stack[begin..].iter().map(|(n, _)| *n).collect();
                    let mut key = cycle.clone();
                    key.sort_unstable();
                    if reported.insert(key) {
                        let closing =
                            at(path!["containers", node, "depends_on", entry, "container"]);
                        dependency_cycle_found(task, &cycle, to, closing, findings);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Per container, its dependencies as (entry in `depends_on`, container index), without
/// self-loops (reported on their own) and unknown containers.
fn dependency_edges(task: &Task) -> Vec<Vec<(usize, usize)>> {
    let index_of: HashMap<&str, usize> = task
        .containers
        .iter()
        .enumerate()
        .map(|(index, c)| (c.name.as_str(), index))
        .collect();
    task.containers
        .iter()
        .enumerate()
        .map(|(from, container)| {
            container
                .depends_on
                .iter()
                .enumerate()
                .filter_map(|(entry, d)| {
                    index_of
                        .get(d.container.as_str())
                        .filter(|to| **to != from)
                        .map(|to| (entry, *to))
                })
                .collect()
        })
        .collect()
}

fn dependency_cycle_found(
    task: &Task,
    cycle: &[usize],
    back_to: usize,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let names: Vec<String> = cycle
        .iter()
        .chain(std::iter::once(&back_to))
        .map(|&n| format!("`{}`", task.containers[n].name))
        .collect();
    findings.at(
        Code::DependencyCycle,
        at,
        format!(
            "depends_on goes round: {} (ECS would start none of them)",
            names.join(" → ")
        ),
        "remove one of these dependencies",
    );
}
