//! A region named anywhere in the spec (project, account, Identity Center, state backend):
//! an AWS region, in the project's partition.

use super::Findings;
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{is_region, region_partition};
use crate::model::PartitionExt;
use crate::spec::Spec;

pub(super) fn check(spec: &Spec, region: &str, at: Vec<PathSegment>, findings: &mut Findings) {
    if !invalid_region(region, &at, findings) {
        region_partition_mismatch(spec, region, at, findings);
    }
}

/// Reports and returns whether `region` is no AWS region.
fn invalid_region(region: &str, at: &[PathSegment], findings: &mut Findings) -> bool {
    let invalid = !is_region(region);
    if invalid {
        findings.at(
            Code::InvalidRegion,
            at.to_vec(),
            format!("`{region}` is not an AWS region"),
            "e.g. \"eu-west-1\"",
        );
    }
    invalid
}

fn region_partition_mismatch(
    spec: &Spec,
    region: &str,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let partition = spec.project.partition;
    if region_partition(region) != partition {
        findings.at(
            Code::RegionPartitionMismatch,
            at,
            format!(
                "region `{region}` is not in partition `{}`",
                partition.as_str()
            ),
            format!(
                "set [project] partition = \"{}\" or pick a region of `{}`",
                region_partition(region).as_str(),
                partition.as_str()
            ),
        );
    }
}
