//! `docker_labels`: keys that are data to CloudFormation and the ECS agent alike. A key is
//! reported once, by the first rule it breaks.

use super::At;
use crate::diagnostic::{Code, PathSegment};
use crate::model::vocabulary::{is_intrinsic_key, RESERVED_LABEL_PREFIX};
use crate::path;
use crate::spec::Container;
use crate::validate::Findings;

pub(super) fn check(container: &Container, here: At<'_>, findings: &mut Findings) {
    for key in container.docker_labels.keys() {
        let at = here(path!["docker_labels", key]);
        let _reported = label_key_is_intrinsic(key, &at, findings)
            || reserved_label(key, &at, findings)
            || invalid_label(key, &at, findings);
    }
}

fn label_key_is_intrinsic(key: &str, at: &[PathSegment], findings: &mut Findings) -> bool {
    let intrinsic = is_intrinsic_key(key);
    if intrinsic {
        findings.at_key(
            Code::LabelKeyIsIntrinsic,
            at.to_vec(),
            format!(
                "label key `{}` is what CloudFormation reads as a function (`Ref`, `Condition`, `Fn::…`), not as data",
                key.escape_debug()
            ),
            "choose another key, e.g. in reverse-DNS form: com.example.team",
        );
    }
    intrinsic
}

fn reserved_label(key: &str, at: &[PathSegment], findings: &mut Findings) -> bool {
    let reserved = key.starts_with(RESERVED_LABEL_PREFIX);
    if reserved {
        findings.at_key(
            Code::ReservedLabel,
            at.to_vec(),
            format!("label key `{}` is in the namespace the ECS agent labels every container with (task ARN, cluster, container name)", key.escape_debug()),
            "choose a key of your own, e.g. com.example.team",
        );
    }
    reserved
}

fn invalid_label(key: &str, at: &[PathSegment], findings: &mut Findings) -> bool {
    let invalid = key.is_empty() || key.chars().any(|c| c.is_control() || c.is_whitespace());
    if invalid {
        findings.at_key(
            Code::InvalidLabel,
            at.to_vec(),
            format!(
                "label key `{}` is empty or holds whitespace or control characters",
                key.escape_debug()
            ),
            "e.g. com.example.team",
        );
    }
    invalid
}
