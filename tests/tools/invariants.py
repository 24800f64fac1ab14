"""What must hold of any picture of a spec's output, derived from the spec alone:

- every ECS task-role trust carries the aws:SourceAccount / aws:SourceArn guard;
- developer statements, the dev-access tag and developer policies only in dev accounts,
  with exactly the principals, tag condition and MFA the spec asks for;
- simulate mode: task roles trust ECS only; the simulator role exists only in dev accounts
  with tasks, trusts exactly the developer principals (MFA as asked), holds nothing but the
  task roles' Allow statements and managed policies (and some of their Denies), carries
  their shared permissions boundary, and each task's session policy file holds exactly
  that task role's statements;
- task roles developers do not assume keep a MaxSessionDuration of 3600;
- cross-account pairs: each `[roles.X]` trusts exactly its tasks (ExternalId when set), and
  each task role may assume exactly the roles that trust it plus its `assume_role_arns`;
- an evaluation of trust and identity policies together finds that task roles can assume
  exactly the pairs the spec declares, none more and none missing;
- ECS Exec: a task with `enable_execute_command` holds exactly the four ssmmessages actions
  (and no task gets any it did not write), and each of its containers an init process;
- EFS: a volume with IAM authorization gives exactly ClientMount (ClientWrite where a mount
  point is writable, ClientRootAccess when asked) on exactly its file system, through its
  access point when one is named; nothing else of EFS is granted that the spec did not write;
- task definitions carry the spec's volumes and read-only root filesystems;
- every execution role reads exactly the secrets, registry credentials and environment
  files (with their buckets) of the tasks that use it, and decrypts with exactly their keys;
- every log group outlives its stack (Retain / skip_destroy).
- IAM Identity Center: the developers' permission sets exist exactly as declared,
  reference the developer policy (present in every account they are assigned in), and are
  assigned only in dev-access accounts; developer trust names their sessions by the exact
  reserved-role patterns, never a wildcard principal; and an evaluation finds each
  session (both role path forms, MFA as required) able to assume exactly the dev roles of
  its own account, while other permission sets' sessions (names that start like ours,
  holding every permission) and everything outside dev access get nothing.
"""
import fnmatch
import json


def statements(document):
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def action_matches(statement, action):
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in as_list(statement.get("Action")))


def resource_matches(statement, arn):
    return any(fnmatch.fnmatchcase(arn, pattern) for pattern in as_list(statement.get("Resource")))


def conditions_hold_for_role_session(condition, principal_arn):
    """Whether a role session of `principal_arn` (no MFA, no ECS source) can satisfy it.
    Unknown keys count as satisfiable, so the evaluation over-approximates access."""
    for operator, keys in (condition or {}).items():
        for key, value in keys.items():
            values = as_list(value)
            if key == "aws:PrincipalArn":
                like = "Like" in operator
                if not any(fnmatch.fnmatchcase(principal_arn, v) if like else principal_arn == v for v in values):
                    return False
            elif key == "aws:MultiFactorAuthPresent":
                if any(str(v).lower() == "true" for v in values):
                    return False
            elif key in ("aws:SourceAccount", "aws:SourceArn"):
                return False
    return True


def trust_admits(role, principal_arn, principal_account_root):
    """(admitted, named by its own ARN) for a role session of `principal_arn`."""
    admitted = explicit = False
    for statement in statements(role["trust"]):
        if not action_matches(statement, "sts:AssumeRole"):
            continue
        principal = statement.get("Principal")
        principals = as_list(principal.get("AWS")) if isinstance(principal, dict) else as_list(principal)
        exact = principal_arn in principals or "*" in principals
        if not (exact or principal_account_root in principals):
            continue
        if not conditions_hold_for_role_session(statement.get("Condition"), principal_arn):
            continue
        if statement.get("Effect") == "Deny":
            return False, False
        admitted = True
        explicit = explicit or exact
    return admitted, explicit


def identity_allows(role, target_arn):
    allowed = False
    for document in role["inline"].values():
        for statement in statements(document):
            if action_matches(statement, "sts:AssumeRole") and resource_matches(statement, target_arn):
                if statement.get("Effect") == "Deny":
                    return False
                allowed = True
    return allowed


def check(spec, picture, findings, label):
    def find(message):
        findings.append(f"{label}: {message}")

    roles_by_arn = {}
    for account, view in picture.items():
        for name, role in view["roles"].items():
            roles_by_arn[spec.role_arn(account, role["path"], name)] = (account, name, role)
    task_roles = {spec.task_role_arn(t): t for t in spec.tasks}
    execution_roles = {d["execution_role"] for v in picture.values() for d in v["task_definitions"].values()}

    for account, view in picture.items():
        info = spec.accounts[account]
        dev = spec.dev_access(account)
        root = spec.root(account)
        for name, role in view["roles"].items():
            arn = spec.role_arn(account, role["path"], name)
            is_task_role = arn in task_roles
            for statement in statements(role["trust"]):
                principal = statement.get("Principal", {})
                if "ecs-tasks.amazonaws.com" in as_list(principal.get("Service")) and is_task_role:
                    condition = statement.get("Condition", {})
                    if condition.get("StringEquals", {}).get("aws:SourceAccount") != info["id"]:
                        find(f"{account}/{name}: ecs-tasks trust without aws:SourceAccount = {info['id']}")
                    expected = f"arn:{spec.partition}:ecs:{info['region']}:{info['id']}:*"
                    if condition.get("ArnLike", {}).get("aws:SourceArn") != expected:
                        find(f"{account}/{name}: ecs-tasks trust without aws:SourceArn {expected}")
                if "*" in as_list(principal.get("AWS")) or principal == "*":
                    find(f"{account}/{name}: trusts Principal *")
                if "ecs-tasks.amazonaws.com" in as_list(principal.get("Service")) and not (is_task_role or arn in execution_roles):
                    find(f"{account}/{name}: ECS may assume a role that is no task or execution role")
            if arn in execution_roles and len(statements(role["trust"])) != 1:
                find(f"{account}/{name}: the execution role trusts more than ECS")
            if not is_task_role:
                continue
            developers_assume = dev and spec.mode in ("tagged", "extended")
            if not developers_assume and role["max_session"] != 3600:
                find(f"{account}/{name}: developers do not assume this task role, yet its MaxSessionDuration is {role['max_session']}, not 3600")
            developer_statements = [s for s in statements(role["trust"]) if "AWS" in s.get("Principal", {})]
            if spec.mode == "simulate":
                if developer_statements:
                    find(f"{account}/{name}: simulate mode, yet the task role trusts more than ECS")
                continue
            has_tag = role["tags"].get(spec.tag[0], "").lower() == spec.tag[1].lower()
            if not dev:
                if developer_statements:
                    find(f"{account}/{name}: developer trust in non-dev account (env {info['env']})")
                if has_tag and spec.mode == "tagged":
                    find(f"{account}/{name}: dev-access tag in non-dev account")
                continue
            expected_statements = expected_developer_trust(spec, account) if spec.mode == "extended" else [
                {"principals": [root], "narrowed": None}]
            if len(developer_statements) != len(expected_statements):
                find(f"{account}/{name}: expected {len(expected_statements)} developer statements, found {len(developer_statements)}")
            for statement, expected in zip(developer_statements, expected_statements):
                check_developer_statement(spec, statement, expected, f"{account}/{name}", find)
            if spec.mode == "tagged" and not (has_tag and role["tags"].get(spec.tag[0]) == spec.tag[1]):
                find(f"{account}/{name}: tagged mode but the role lacks {spec.tag[0]}={spec.tag[1]}")
        if spec.developers and not dev and view["policies"]:
            find(f"{account}: developer policy in a non-dev account")
        for policy_name, policy in view["policies"].items():
            for statement in statements(policy["doc"]):
                if statement.get("Effect") != "Allow":
                    continue
                for resource in as_list(statement.get("Resource")):
                    if not resource.startswith(f"arn:{spec.partition}:iam::{info['id']}:role/"):
                        find(f"{account}/{policy_name}: developer statement reaches beyond this account's roles: {resource}")
                if spec.require_mfa and statement.get("Condition", {}).get("Bool", {}).get("aws:MultiFactorAuthPresent") != "true":
                    find(f"{account}/{policy_name}: developer policy statement lacks MFA")
                if spec.mode == "tagged":
                    key = f"iam:ResourceTag/{spec.tag[0]}"
                    if statement.get("Condition", {}).get("StringEquals", {}).get(key) != spec.tag[1]:
                        find(f"{account}/{policy_name}: tagged-mode statement without {key} = {spec.tag[1]}")
        for task_name, task in spec.tasks.items():
            if task["account"] != account:
                continue
            family = task.get("family", f"{spec.project}-{task_name}")
            definition = view["task_definitions"].get(family)
            if definition is None:
                find(f"{account}: no task definition for family {family}")
            elif definition["task_role"] != spec.task_role_arn(task_name):
                find(f"{account}/{family}: task role {definition['task_role']} is not {spec.task_role_arn(task_name)}")

    check_simulator(spec, picture, find)
    check_pairs(spec, picture, roles_by_arn, task_roles, find)
    check_task_definitions(spec, picture, lambda message: findings.append(message), label)
    check_identity_center(spec, picture, find)
    evaluate_sessions(spec, picture, find)


def expected_developer_trust(spec, account):
    """Extended mode's task roles and the simulator: the principals exactly, the permission
    sets' sessions as the account root narrowed to their reserved roles, else the root."""
    expected = []
    if spec.principals:
        expected.append({"principals": spec.principals, "narrowed": None})
    if spec.permission_sets:
        expected.append({"principals": [spec.root(account)], "narrowed": spec.sso_patterns(account)})
    if not expected:
        expected.append({"principals": [spec.root(account)], "narrowed": None})
    return expected


def check_developer_statement(spec, statement, expected, where, find):
    principals = sorted(as_list(statement.get("Principal", {}).get("AWS")))
    if principals != sorted(expected["principals"]):
        find(f"{where}: developer principals {principals} != {expected['principals']}")
    condition = dict(statement.get("Condition", {}))
    narrowed = condition.pop("ArnLike", {}).get("aws:PrincipalArn")
    if expected["narrowed"] is not None and sorted(as_list(narrowed)) != sorted(expected["narrowed"]):
        find(f"{where}: permission set sessions narrowed to {narrowed}, expected exactly {expected['narrowed']}")
    if expected["narrowed"] is None and narrowed is not None:
        find(f"{where}: an aws:PrincipalArn narrowing the spec does not ask for: {narrowed}")
    mfa = condition.pop("Bool", {}).get("aws:MultiFactorAuthPresent")
    if spec.require_mfa and mfa != "true":
        find(f"{where}: developer trust lacks the MFA condition")
    if condition or (mfa is not None and not spec.require_mfa):
        find(f"{where}: unexpected developer trust conditions {statement.get('Condition')}")
    if sorted(as_list(statement.get("Action"))) != sorted(spec.developer_actions):
        find(f"{where}: developer trust allows {statement.get('Action')}, expected {spec.developer_actions}")


def grant(statement):
    """A statement without its Sid, for comparing grants."""
    return json.dumps({k: v for k, v in statement.items() if k != "Sid"}, sort_keys=True)


def check_simulator(spec, picture, find):
    for account, view in picture.items():
        simulator_name = f"{spec.project}-simulator"
        simulator = view["roles"].get(simulator_name)
        tasks = [t for t, task in spec.tasks.items() if task["account"] == account]
        wanted = spec.mode == "simulate" and spec.dev_access(account) and bool(tasks)
        if not wanted:
            if simulator is not None:
                find(f"{account}: a simulator role where the spec asks for none")
            continue
        if simulator is None:
            find(f"{account}: simulate mode, but no role {simulator_name}")
            continue
        trust = statements(simulator["trust"])
        expected = expected_developer_trust(spec, account)
        if len(trust) != len(expected):
            find(f"{account}: the simulator trusts {trust}, expected {expected}")
        for statement, wanted in zip(trust, expected):
            check_developer_statement(spec, statement, wanted, f"{account}: the simulator", find)
        union = set()
        denies = set()
        managed = set()
        boundaries = set()
        for task in tasks:
            role = view["roles"].get(spec.task_role_name(task), {"inline": {}, "managed": [], "boundary": None})
            for document in role["inline"].values():
                union |= {grant(s) for s in statements(document) if s.get("Effect") == "Allow"}
                denies |= {grant(s) for s in statements(document) if s.get("Effect") == "Deny"}
            managed |= set(role["managed"])
            boundaries.add(role.get("boundary"))
        for document in simulator["inline"].values():
            for statement in statements(document):
                if statement.get("Effect") == "Deny":
                    # A Deny narrows; it must still be one a task role has.
                    if grant(statement) not in denies:
                        find(f"{account}: the simulator carries a Deny no task role has: {statement}")
                elif grant(statement) not in union:
                    find(f"{account}: the simulator grants {statement}, which no task role has")
        if len(boundaries) != 1:
            find(f"{account}: simulate mode with differing task permissions boundaries {sorted(map(str, boundaries))}")
        elif simulator.get("boundary") != next(iter(boundaries)):
            find(f"{account}: the simulator's permissions boundary {simulator.get('boundary')} is not the tasks' {next(iter(boundaries))}")
        granted = {grant(s) for d in simulator["inline"].values() for s in statements(d)}
        if union - granted:
            find(f"{account}: the simulator lacks task grants {sorted(union - granted)}")
        if set(simulator["managed"]) != managed:
            find(f"{account}: simulator managed policies {simulator['managed']} != the tasks' {sorted(managed)}")
        for policy_name, policy in view["policies"].items():
            for statement in statements(policy["doc"]):
                if statement.get("Effect") == "Allow" and as_list(statement.get("Resource")) != [spec.simulator_arn(account)]:
                    find(f"{account}/{policy_name}: simulate-mode developer statement on {statement.get('Resource')}, expected only the simulator")


def check_session_policies(spec, picture, out, find):
    """Each session policy file equals its task role's statements, as deployed."""
    if spec.mode != "simulate":
        return
    for task_name, task in spec.tasks.items():
        account = task["account"]
        path = out / "session-policies" / account / f"{task_name}.json"
        if not spec.dev_access(account):
            if path.exists():
                find(f"{account}/{task_name}: a session policy outside a dev account")
            continue
        role = picture.get(account, {}).get("roles", {}).get(spec.task_role_name(task_name))
        if role is None:
            continue
        expected = [s for d in role["inline"].values() for s in statements(d)]
        if not path.exists():
            if expected or not role["managed"]:
                find(f"{account}/{task_name}: no session policy file {path}")
            continue
        text = path.read_text()
        if len(text.strip()) > 2048:
            find(f"{account}/{task_name}: session policy has {len(text.strip())} characters, over STS's 2,048")
        found = statements(json.loads(text))
        if expected and found != expected:
            find(f"{account}/{task_name}: session policy {found} != task role statements {expected}")
        if not expected and not role["managed"] and [s.get("Effect") for s in found] != ["Deny"]:
            find(f"{account}/{task_name}: a task without permissions must be simulated by denying everything")


def check_pairs(spec, picture, roles_by_arn, task_roles, find):
    for role_name, role_spec in spec.roles.items():
        arn = spec.trusted_role_arn(role_name)
        if arn not in roles_by_arn:
            find(f"[roles.{role_name}] was not created ({arn})")
            continue
        _, _, role = roles_by_arn[arn]
        trust = statements(role["trust"])
        sources = [spec.task_role_arn(t) for t in role_spec["trusted_tasks"]]
        if len(trust) != 1:
            find(f"{role_name}: expected one trust statement, found {len(trust)}")
            continue
        statement = trust[0]
        principals = sorted(as_list(statement.get("Principal", {}).get("AWS")))
        condition = dict(statement.get("Condition", {}))
        if role_spec.get("trust_principal", "role") == "role":
            if principals != sorted(sources):
                find(f"{role_name}: trusts {principals}, the spec says {sorted(sources)}")
        else:
            roots = sorted({spec.root(spec.tasks[t]["account"]) for t in role_spec["trusted_tasks"]})
            if principals != roots:
                find(f"{role_name}: trusts {principals}, expected the source roots {roots}")
            narrowed = sorted(as_list(condition.pop("ArnEquals", {}).get("aws:PrincipalArn")))
            if narrowed != sorted(sources):
                find(f"{role_name}: aws:PrincipalArn {narrowed} != {sorted(sources)}")
        external = condition.pop("StringEquals", {}).get("sts:ExternalId")
        if external != role_spec.get("external_id"):
            find(f"{role_name}: sts:ExternalId {external!r}, the spec says {role_spec.get('external_id')!r}")
        if condition:
            find(f"{role_name}: unexpected trust conditions {condition}")

    # Who can assume what: every (task role, role) pair the policies allow together.
    expected = set()
    for role_name, role_spec in spec.roles.items():
        for task in role_spec["trusted_tasks"]:
            expected.add((spec.task_role_arn(task), spec.trusted_role_arn(role_name)))
    found = set()
    for source_arn, task_name in task_roles.items():
        if source_arn not in roles_by_arn:
            continue
        source_account, _, source = roles_by_arn[source_arn]
        source_root = spec.root(source_account)
        for target_arn, (target_account, _, target) in roles_by_arn.items():
            if target_arn == source_arn:
                continue
            admitted, explicit = trust_admits(target, source_arn, source_root)
            if not admitted:
                continue
            if (explicit and target_account == source_account) or identity_allows(source, target_arn):
                found.add((source_arn, target_arn))
        outside = set(spec.tasks[task_name].get("assume_role_arns", []))
        allowed = set()
        for document in source["inline"].values():
            for statement in statements(document):
                if statement.get("Effect") == "Allow" and action_matches(statement, "sts:AssumeRole"):
                    allowed.update(as_list(statement.get("Resource")))
        declared = {t for s, t in expected if s == source_arn} | outside
        if allowed != declared:
            find(f"{task_name}: may sts:AssumeRole on {sorted(allowed)}, the spec declares {sorted(declared)}")
    for edge in sorted(found - expected):
        find(f"task role {edge[0]} can assume {edge[1]}, which the spec does not ask for")
    for edge in sorted(expected - found):
        find(f"task role {edge[0]} cannot assume {edge[1]}, which the spec asks for")


EXEC_ACTIONS = sorted([
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
])


def grants_of(statements_, service):
    """(sorted actions, sorted resources, condition) of each Allow naming the service."""
    found = []
    for statement in statements_:
        actions = as_list(statement.get("Action"))
        if statement.get("Effect") == "Allow" and any(a.lower().startswith(service + ":") for a in actions):
            found.append(json.dumps([sorted(actions), sorted(as_list(statement.get("Resource"))), statement.get("Condition", {})], sort_keys=True))
    return sorted(found)


def secret_resource(value_from):
    """The secret a container's valueFrom names, as IAM sees it (selectors dropped)."""
    parts = value_from.split(":")
    if len(parts) > 7 and parts[2] == "secretsmanager":
        return ":".join(parts[:7])
    return value_from


def check_task_definitions(spec, picture, find, label):
    """ECS Exec, EFS, read-only roots, volumes, execution role reads, retained logs."""
    for account, view in picture.items():
        info = spec.accounts[account]
        for group_name, group in view["log_groups"].items():
            if group.get("retained") is False:
                find(f"{label}: {account}: log group {group_name} is deleted with its stack")
        reads = {}
        for task_name, task in spec.tasks.items():
            if task["account"] != account:
                continue
            role = view["roles"].get(spec.task_role_name(task_name))
            family = task.get("family", f"{spec.project}-{task_name}")
            definition = view["task_definitions"].get(family)
            if role is None or definition is None:
                continue
            found = [s for d in role["inline"].values() for s in statements(d)]
            own = task.get("statements", [])
            own_statements = [{"Effect": s.get("effect", "Allow"), "Action": s["actions"], "Resource": s["resources"], **({"Condition": s["condition"]} if s.get("condition") else {})} for s in own]
            expected_exec = grants_of(own_statements, "ssmmessages")
            if task.get("enable_execute_command"):
                expected_exec = sorted(expected_exec + grants_of([{"Effect": "Allow", "Action": EXEC_ACTIONS, "Resource": "*"}], "ssmmessages"))
            if grants_of(found, "ssmmessages") != expected_exec:
                find(f"{label}: {account}/{task_name}: ssmmessages grants {grants_of(found, 'ssmmessages')}, expected {expected_exec}")
            windows = task.get("runtime_platform", {}).get("operating_system_family", "LINUX") != "LINUX"
            if task.get("enable_execute_command") and not windows:
                for container in definition["containers"]:
                    if container.get("linuxParameters", {}).get("initProcessEnabled") is not True:
                        find(f"{label}: {account}/{task_name}: ECS Exec, but container {container['name']} has no init process")
            expected_efs = grants_of(own_statements, "elasticfilesystem")
            mounts = [m for c in task.get("containers", []) for m in c.get("mount_points", [])]
            for volume in task.get("volumes", []):
                efs = volume.get("efs_volume_configuration")
                if not efs or efs.get("authorization_config", {}).get("iam") != "ENABLED":
                    continue
                actions = ["elasticfilesystem:ClientMount"]
                if any(m["source_volume"] == volume["name"] and not m.get("read_only") for m in mounts):
                    actions.append("elasticfilesystem:ClientWrite")
                if efs.get("client_root_access"):
                    actions.append("elasticfilesystem:ClientRootAccess")
                arn = f"arn:{spec.partition}:elasticfilesystem:{info['region']}:{info['id']}"
                statement = {"Effect": "Allow", "Action": actions, "Resource": f"{arn}:file-system/{efs['file_system_id']}"}
                point = efs.get("authorization_config", {}).get("access_point_id")
                if point:
                    statement["Condition"] = {"StringEquals": {"elasticfilesystem:AccessPointArn": f"{arn}:access-point/{point}"}}
                expected_efs = sorted(expected_efs + grants_of([statement], "elasticfilesystem"))
            if grants_of(found, "elasticfilesystem") != expected_efs:
                find(f"{label}: {account}/{task_name}: EFS grants {grants_of(found, 'elasticfilesystem')}, expected {expected_efs}")
            names = sorted(v["name"] for v in task.get("volumes", []))
            if sorted(v["name"] for v in definition["volumes"]) != names:
                find(f"{label}: {account}/{task_name}: volumes {[v['name'] for v in definition['volumes']]}, the spec says {names}")
            by_name = {c["name"]: c for c in definition["containers"]}
            for container in task.get("containers", []):
                registered = by_name.get(container["name"], {})
                if registered.get("readonlyRootFilesystem") != container.get("readonly_root_filesystem"):
                    find(f"{label}: {account}/{task_name}/{container['name']}: readonlyRootFilesystem {registered.get('readonlyRootFilesystem')}, the spec says {container.get('readonly_root_filesystem')}")
            wanted = reads.setdefault(definition["execution_role"], {})
            for container in task.get("containers", []):
                for value_from in container.get("secrets", {}).values():
                    resource = secret_resource(value_from)
                    action = "secretsmanager:GetSecretValue" if ":secretsmanager:" in resource else "ssm:GetParameters"
                    wanted.setdefault(action, set()).add(resource)
                credentials = container.get("repository_credentials", {}).get("credentials_parameter")
                if credentials:
                    wanted.setdefault("secretsmanager:GetSecretValue", set()).add(credentials)
                for file in container.get("environment_files", []):
                    file = file["value"] if isinstance(file, dict) else file
                    wanted.setdefault("s3:GetObject", set()).add(file)
                    wanted.setdefault("s3:GetBucketLocation", set()).add(file.split("/", 1)[0])
            for key in task.get("secrets_kms_keys", []):
                wanted.setdefault("kms:Decrypt", set()).add(key)
        for name, role in view["roles"].items():
            arn = spec.role_arn(account, role["path"], name)
            if arn not in reads:
                continue
            granted = {}
            for document in role["inline"].values():
                for statement in statements(document):
                    for action in as_list(statement.get("Action")):
                        granted.setdefault(action, set()).update(as_list(statement.get("Resource")))
            expected = {action: resources for action, resources in reads[arn].items() if resources}
            if granted != expected:
                find(f"{label}: {account}/{name}: the execution role reads {sorted((a, sorted(r)) for a, r in granted.items())}, the tasks need exactly {sorted((a, sorted(r)) for a, r in expected.items())}")


def check_identity_center(spec, picture, find):
    """The permission sets exactly as declared, referencing the developer policy where it
    exists, assigned only in dev-access accounts."""
    found = {(account, name): entry for account, view in picture.items() for name, entry in view.get("permission_sets", {}).items()}
    if not spec.identity_center:
        if found:
            find(f"permission sets the spec does not declare: {sorted(found)}")
        return
    center = spec.identity_center
    home = center["account"]
    declared = center.get("permission_sets", {})
    if sorted(found) != sorted((home, name) for name in declared):
        find(f"permission sets {sorted(found)}, the spec declares {sorted(declared)} in {home}")
    policy = ["/", spec.developer_policy_name()]
    by_id = {info["id"]: name for name, info in spec.accounts.items()}
    for name, declaration in declared.items():
        entry = found.get((home, name))
        if entry is None:
            continue
        if entry["instance_arn"] != center["instance_arn"]:
            find(f"permission set {name}: instance {entry['instance_arn']}, the spec says {center['instance_arn']}")
        if entry["session_duration"] != declaration.get("session_duration", "PT1H"):
            find(f"permission set {name}: session {entry['session_duration']}, the spec says {declaration.get('session_duration', 'PT1H')}")
        if entry["managed"] != sorted(declaration.get("managed_policies", [])):
            find(f"permission set {name}: managed policies {entry['managed']}, the spec says {declaration.get('managed_policies', [])}")
        if entry["references"] != [policy]:
            find(f"permission set {name}: references {entry['references']}, expected exactly the developer policy {policy}")
        if entry["assignments"] != spec.expected_assignments(name):
            find(f"permission set {name}: assignments {entry['assignments']}, expected {spec.expected_assignments(name)}")
        for account_id, _, _ in entry["assignments"]:
            account = by_id.get(account_id)
            if account is None or not spec.dev_access(account):
                find(f"permission set {name} is assigned in account {account_id} ({account}), which has no developer access")
                continue
            held = picture.get(account, {}).get("policies", {}).get(spec.developer_policy_name())
            if held is None or held["path"] != "/":
                find(f"permission set {name} is assigned in {account}, which lacks the developer policy it references")


def arn_like(pattern, text):
    """IAM's ArnLike: `*` any run, `?` one character, nothing else special."""
    return fnmatch.fnmatchcase(text, pattern.replace("[", "[[]"))


def request_holds(condition, context):
    """Every condition of a statement holds for a request context; an absent key fails."""
    for operator, keys in (condition or {}).items():
        for key, wanted in keys.items():
            actual = context.get(key.lower())
            if actual is None:
                return False
            wanted = [str(w) for w in as_list(wanted)]
            if operator in ("ArnLike", "ArnEquals", "StringLike"):
                ok = any(arn_like(w, actual) for w in wanted)
            elif operator == "StringEquals":
                ok = actual in wanted
            elif operator == "Bool":
                ok = any(w.lower() == actual.lower() for w in wanted)
            else:
                raise ValueError(f"the evaluation does not know operator {operator}")
            if not ok:
                return False
    return True


def session_may_assume(spec, principal_arn, principal_account, mfa, identity, target_arn, target):
    """sts:AssumeRole by a role session, as IAM decides it: the trust must allow the
    principal (named, or its account root, which then needs the caller's own policies to
    allow it too), and no Deny may match."""
    context = {"aws:principalarn": principal_arn, "aws:principalaccount": spec.accounts[principal_account]["id"]}
    if mfa is not None:
        context["aws:multifactorauthpresent"] = str(mfa).lower()
    root = spec.root(principal_account)
    trusted = named = False
    for statement in statements(target["trust"]):
        principals = as_list(statement.get("Principal", {}).get("AWS")) if isinstance(statement.get("Principal"), dict) else []
        if not action_matches(statement, "sts:AssumeRole") or not (principal_arn in principals or root in principals or "*" in principals):
            continue
        if not request_holds(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        trusted, named = True, named or principal_arn in principals
    if not trusted:
        return False
    same_account = target_arn.split(":")[4] == spec.accounts[principal_account]["id"]
    if same_account and named:
        return True
    tags = {f"iam:resourcetag/{k.lower()}": v for k, v in target.get("tags", {}).items()}
    allowed = False
    for document in identity:
        for statement in statements(document):
            if not (action_matches(statement, "sts:AssumeRole") and any(arn_like(r, target_arn) for r in as_list(statement.get("Resource")))):
                continue
            if not request_holds(statement.get("Condition"), {**context, **tags}):
                continue
            if statement.get("Effect") == "Deny":
                return False
            allowed = True
    return allowed


def evaluate_sessions(spec, picture, find):
    """Who can act as what, for IAM Identity Center sessions (see the module's docstring)."""
    if not spec.identity_center or not spec.permission_sets:
        return
    roles = {}
    for account, view in picture.items():
        for name, role in view["roles"].items():
            roles[spec.role_arn(account, role["path"], name)] = (account, role)
    simulator = spec.mode == "simulate"

    def developer_roles(account):
        if not spec.dev_access(account):
            return set()
        if simulator:
            return {spec.simulator_arn(account)} & set(roles)
        return {spec.task_role_arn(t) for t, task in spec.tasks.items() if task["account"] == account} & set(roles)

    everything = [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
    every_developer_role = set().union(*(developer_roles(a) for a in spec.accounts))
    for account in spec.accounts:
        view = picture.get(account, {})
        held = view.get("policies", {}).get(spec.developer_policy_name())
        identity = [held["doc"]] if held else []
        for name in spec.permission_sets:
            for regional in (False, True):
                arn = spec.session_arn(account, name, regional)
                for mfa in (True, False, None):
                    allowed = {target_arn for target_arn, (_, target) in roles.items()
                               if session_may_assume(spec, arn, account, mfa, identity, target_arn, target)}
                    expected = developer_roles(account) if (mfa is True or not spec.require_mfa) else set()
                    if allowed != expected:
                        find(f"a session {arn} (MFA {mfa}) can assume {sorted(allowed)}, expected {sorted(expected)}")
            others = [spec.session_arn(account, f"{name}_Admin", True), spec.session_arn(account, f"{name}x", False),
                      spec.session_arn(account, name[:-1], False), spec.session_arn(account, name, False, "0123456789abcdef0")]
            for other in others:
                holding = [] if spec.mode == "tagged" else everything
                for target_arn, (target_account, target) in roles.items():
                    if target_arn in every_developer_role or not spec.dev_access(target_account):
                        if session_may_assume(spec, other, account, True, holding, target_arn, target):
                            find(f"another permission set's session {other} can assume {target_arn}")
