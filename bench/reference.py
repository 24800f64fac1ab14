#!/usr/bin/env python3
"""Bare-Python reference for trustgen's speed ratio (bench/run.sh): the CloudFormation that
`trustgen gen` writes for a spec, built as plain dicts and written as JSON with
`json.dump(template, file, indent=2)`. Standard library only (Python >= 3.11: tomllib, json,
os, sys); no troposphere, no boto, nothing from PyPI.

    python3 bench/reference.py SPEC.toml OUTDIR

What it does, as trustgen does:
- reads the TOML spec (tomllib) and resolves the same defaults (role names, families, log
  group names, region, tags: project tags then the task's, then the dev-access tag);
- per account, builds the same stacks with the same resources, properties, logical ids and
  outputs, in the same order: `tasks` (per task: IAM task role with the ECS trust statement
  under the aws:SourceAccount / aws:SourceArn guard, the MFA-conditioned DeveloperAccess
  statement in dev-access accounts, the inline `task-permissions` policy with the spec's
  statements and the sts:AssumeRole statement for the roles it may assume, managed policy
  ARNs, tags; a log group; a task definition with its container definitions), with the
  account's execution role(s) and their `read-task-secrets` policy in the first stack,
  sharded under IAM's 10,240-character inline-policy limit by trustgen's size estimate;
  `trust` (the roles task roles assume, with their ExternalId); `developers` (the
  developer managed policy, dev-access accounts only); an exported output for every role,
  task definition and the developer policy;
- writes own-account ARNs (and the own account id) in policies, container definitions and
  managed-policy ARNs as Fn::Sub / Ref of the pseudo parameters, as trustgen does, and
  references to resources of the same stack as Fn::GetAtt / Ref;
- splits `tasks` and `trust` into more stacks the same greedy way (spec order, a new stack
  when the next item would pass CloudFormation's 500 resources or 200 outputs; the
  execution roles count against the first tasks stack), so it writes the same number of
  stacks, resources and outputs;
- writes one file per stack, OUTDIR/cloudformation/ACCOUNT/tasks.json, tasks-2.json, …,
  trust.json, developers.json (trustgen: the same paths with .yaml).

What it does not do, and trustgen does in the run it is compared with:
- no validation of the spec (trustgen checks every field, names, ARNs, IAM and ECS limits
  and reports located diagnostics before it writes anything); an unknown or wrong field
  here is ignored or raises a KeyError;
- no Terraform (trustgen `--format all` also writes terraform/*.tf), no trustgen.lock.json
  (sha256 of every file), no trust-graph.md;
- no comparison with what is on disk, no staging to temporaries, no fsync, no journal or
  atomic renames: it opens each file and writes it;
- writes JSON, not YAML, so no provenance comments in the files and no short-form
  intrinsics (!Sub, !Ref, !GetAtt are written as {"Fn::Sub": …} etc.);
- no halving of a stack whose template passes CloudFormation's 1 MB (trustgen halves such
  a chunk; it never happens for trustgen-synth specs, whose largest template is ~0.5 MB);
- only the dev-access modes `none` and `tagged`, no developer role (`create_role`) and the
  default `trust_principal = "role"`: it stops with an error on a spec that uses the
  others, rather than writing something else than trustgen would.
"""
import json
import os
import sys
import tomllib

MAX_RESOURCES = 500
MAX_OUTPUTS = 200
INLINE_POLICY_LIMIT = 10_240
# trustgen's upper bound of a secrets policy's fixed text; each distinct resource adds its
# length + 3 (quotes and comma).
SECRETS_POLICY_OVERHEAD = 320


def pascal(name):
    """`svc-00001` -> `Svc00001`: words of ASCII letters and digits, first letter upper."""
    out = []
    start = True
    for c in name:
        if not (c.isascii() and c.isalnum()):
            start = True
        elif start:
            out.append(c.upper())
            start = False
        else:
            out.append(c)
    return "".join(out)


def one_or_many(items):
    return items[0] if len(items) == 1 else list(items)


def statement(sid, effect, actions, resources=(), principal=None, condition=None):
    """An IAM statement in trustgen's key order; single values bare, as trustgen writes them."""
    s = {}
    if sid is not None:
        s["Sid"] = sid
    s["Effect"] = effect
    if principal is not None:
        s["Principal"] = principal
    s["Action"] = one_or_many(actions)
    if resources:
        s["Resource"] = one_or_many(resources)
    if condition:
        s["Condition"] = condition
    return s


def user_statement(s):
    return statement(s.get("sid"), s.get("effect", "Allow"), s["actions"], s["resources"],
                     condition=s.get("condition"))


def document(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def get_att(logical_id):
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def output(logical_id, description, value):
    return logical_id, {
        "Description": description,
        "Value": value,
        "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-" + logical_id}},
    }


def secret_resource(value_from):
    """The resource IAM sees for a secret: Secrets Manager's json-key/version suffix dropped."""
    parts = value_from.split(":")
    if len(parts) > 7 and parts[2] == "secretsmanager":
        return ":".join(parts[:7])
    return value_from


def pack(costs, first_resources=0, first_outputs=0):
    """Indices of items (resources, outputs) per stack, greedily in order, as trustgen splits."""
    chunks, current = [], []
    resources, outputs = first_resources, first_outputs
    for index, (res, out) in enumerate(costs):
        if current and (resources + res > MAX_RESOURCES or outputs + out > MAX_OUTPUTS):
            chunks.append(current)
            current, resources, outputs = [], 0, 0
        current.append(index)
        resources += res
        outputs += out
    chunks.append(current)
    return chunks


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python3 bench/reference.py SPEC.toml OUTDIR")
    spec_path, outdir = sys.argv[1:]
    with open(spec_path, "rb") as f:
        spec = tomllib.load(f)

    proj = spec["project"]
    project = proj["name"]
    partition = proj.get("partition", "aws")
    project_tags = proj.get("tags", {})
    retention = proj.get("log_retention_days")
    dev = spec.get("dev_access", {})
    dev_mode = dev.get("mode", "none")
    dev_envs = dev.get("environments", ["dev"])
    dev_tag = dev.get("tag", {"key": "env", "value": "dev"})
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}} if dev.get("require_mfa") else None
    session = dev.get("max_session_duration", 3600)
    developers = spec.get("developers")
    exec_settings = spec.get("execution_role", {})
    exec_base = exec_settings.get("name", f"{project}-ecs-execution")
    exec_guard = exec_settings.get("source_guard", False)
    accounts = spec["accounts"]
    tasks = spec.get("tasks", {})
    roles = spec.get("roles", {})

    if dev_mode not in ("none", "tagged"):
        sys.exit(f"reference.py: dev_access mode {dev_mode!r} is not covered (only none, tagged)")
    if developers and developers.get("create_role"):
        sys.exit("reference.py: developers.create_role is not covered")
    if any(r.get("trust_principal", "role") != "role" for r in roles.values()):
        sys.exit("reference.py: trust_principal other than \"role\" is not covered")

    def role_name(name, task):
        return task.get("role_name", f"{project}-{name}")

    def task_role_arn(name):
        task = tasks[name]
        account_id = accounts[task["account"]]["id"]
        return f"arn:{partition}:iam::{account_id}:role{task.get('path', '/')}{role_name(name, task)}"

    # Task name -> ARNs of the spec's roles that trust it, in spec order.
    assumable = {}
    for name, r in roles.items():
        arn = f"arn:{partition}:iam::{accounts[r['account']]['id']}:role{r.get('path', '/')}{name}"
        for task_name in r.get("trusted_tasks", []):
            arns = assumable.setdefault(task_name, [])
            if arn not in arns:
                arns.append(arn)

    def write(account_name, stack, template):
        directory = os.path.join(outdir, "cloudformation", account_name)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, stack + ".json"), "w", encoding="utf-8") as f:
            json.dump(template, f, indent=2)

    def stack_name(stem, index):
        return stem if index == 0 else f"{stem}-{index + 1}"

    for account_name, account in accounts.items():
        account_id = account["id"]
        env = account["env"]
        region = account.get("region", proj.get("region", ""))
        is_dev = dev_mode != "none" and env in dev_envs

        def sub(text):
            """An own-account ARN or id as a pseudo-parameter intrinsic, else the text."""
            if text == account_id:
                return {"Ref": "AWS::AccountId"}
            if not text.startswith("arn:"):
                return text
            parts = text.split(":", 5)
            if (len(parts) < 6 or not parts[2] or not parts[5]
                    or parts[1] != partition or parts[4] != account_id):
                return text
            esc = [p.replace("${", "${!") for p in parts]
            arn_region = "${AWS::Region}" if parts[3] == region else esc[3]
            return {"Fn::Sub": f"arn:${{AWS::Partition}}:{esc[2]}:{arn_region}:${{AWS::AccountId}}:{esc[5]}"}

        def pseudo(value):
            """Every string of a policy document or container definitions through sub()."""
            if isinstance(value, str):
                return sub(value)
            if isinstance(value, list):
                return [pseudo(v) for v in value]
            if isinstance(value, dict):
                return {k: pseudo(v) for k, v in value.items()}
            return value

        def role(logical_id, name, path, description, max_session, trust, policy_name=None,
                 statements=(), managed=(), boundary=None, tags=None):
            props = {
                "RoleName": name,
                "Path": path,
                "Description": description,
                "MaxSessionDuration": max_session,
                "AssumeRolePolicyDocument": pseudo(document(trust)),
            }
            if statements:
                props["Policies"] = [{"PolicyName": policy_name,
                                      "PolicyDocument": pseudo(document(statements))}]
            if managed:
                props["ManagedPolicyArns"] = [sub(arn) for arn in managed]
            if boundary:
                props["PermissionsBoundary"] = sub(boundary)
            if tags:
                props["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            return logical_id, {"Type": "AWS::IAM::Role", "Properties": props}

        def template(description, resources, outputs):
            return {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Description": description,
                "Resources": dict(resources),
                "Outputs": dict(outputs),
            }

        ecs_trust = {"Sid": "EcsTasks", "Effect": "Allow",
                     "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                     "Action": "sts:AssumeRole"}
        guarded_ecs_trust = {**ecs_trust, "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:ecs:{region}:{account_id}:*"}}}
        developer_trust = statement("DeveloperAccess", "Allow", ["sts:AssumeRole"],
                                    principal={"AWS": f"arn:{partition}:iam::{account_id}:root"},
                                    condition=mfa)

        # tasks: execution role(s), then per task a task role, log group and task definition.
        account_tasks = [(n, t) for n, t in tasks.items() if t["account"] == account_name]
        if account_tasks:
            # Execution-role shards: a new one when the secrets policy would pass IAM's limit.
            shards, shard_of = [], {}
            current, seen, size = [], set(), SECRETS_POLICY_OVERHEAD
            for name, task in account_tasks:
                own = dict.fromkeys([secret_resource(v) for c in task.get("containers", [])
                                     for v in c.get("secrets", {}).values()]
                                    + task.get("secrets_kms_keys", []))
                added = sum(len(r) + 3 for r in own if r not in seen)
                if current and size + added > INLINE_POLICY_LIMIT:
                    shards.append(current)
                    current, seen, size = [], set(), SECRETS_POLICY_OVERHEAD
                size += sum(len(r) + 3 for r in own if r not in seen)
                seen.update(own)
                current.append(task)
                shard_of[name] = len(shards)
            shards.append(current)

            exec_roles, exec_outputs, exec_names = [], [], []
            for index, shard in enumerate(shards):
                name = exec_base if index == 0 else f"{exec_base}-{index + 1}"
                logical_id = "ExecutionRole" if index == 0 else f"ExecutionRole{index + 1}"
                parameters, secrets, keys = {}, {}, {}
                for task in shard:
                    for c in task.get("containers", []):
                        for value_from in c.get("secrets", {}).values():
                            resource = secret_resource(value_from)
                            if resource.split(":")[2:3] == ["secretsmanager"]:
                                secrets[resource] = None
                            else:
                                parameters[resource] = None
                    keys.update(dict.fromkeys(task.get("secrets_kms_keys", [])))
                statements = []
                if parameters:
                    statements.append(statement("ReadSsmParameters", "Allow", ["ssm:GetParameters"], list(parameters)))
                if secrets:
                    statements.append(statement("ReadSecrets", "Allow", ["secretsmanager:GetSecretValue"], list(secrets)))
                if keys:
                    statements.append(statement("DecryptSecrets", "Allow", ["kms:Decrypt"], list(keys)))
                exec_roles.append(role(
                    logical_id, name, "/",
                    "ECS task execution role: pulls images, writes logs, reads the tasks' secrets (generated by trustgen)",
                    3600, [guarded_ecs_trust if exec_guard else ecs_trust], "read-task-secrets", statements,
                    [f"arn:{partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
                    tags=project_tags))
                exec_outputs.append(output(f"{logical_id}Arn", f"ARN of role {name}", get_att(logical_id)))
                exec_names.append((logical_id, f"arn:{partition}:iam::{account_id}:role/{name}"))

            costs = []
            for _, task in account_tasks:
                logs = any(c.get("logs", True) for c in task.get("containers", []))
                costs.append((2 + logs, 2))
            for index, chunk in enumerate(pack(costs, len(shards), len(shards))):
                first = index == 0
                task_roles, log_groups, definitions = [], [], []
                role_outputs, definition_outputs = [], []
                for i in chunk:
                    name, task = account_tasks[i]
                    stem = pascal(name)
                    rname = role_name(name, task)
                    family = task.get("family", f"{project}-{name}")
                    log_group = f"/ecs/{family}"

                    trust = [guarded_ecs_trust]
                    tags = {**project_tags, **task.get("tags", {})}
                    if is_dev:
                        trust.append(developer_trust)
                        tags[dev_tag["key"]] = dev_tag["value"]
                    statements = [user_statement(s) for s in task.get("statements", [])]
                    targets = list(dict.fromkeys(assumable.get(name, []) + task.get("assume_role_arns", [])))
                    if targets:
                        statements.append(statement("AssumeRoles", "Allow", ["sts:AssumeRole"], targets))
                    task_roles.append(role(
                        f"{stem}TaskRole", rname, task.get("path", "/"),
                        f"ECS task role of {name} (generated by trustgen)", session, trust,
                        "task-permissions", statements, task.get("managed_policies", []),
                        task.get("permissions_boundary"), tags))
                    role_outputs.append(output(f"{stem}TaskRoleArn", f"ARN of role {rname}",
                                               get_att(f"{stem}TaskRole")))

                    containers = []
                    for c in task.get("containers", []):
                        d = {"Name": c["name"], "Image": c["image"], "Essential": c.get("essential", True)}
                        if "cpu" in c:
                            d["Cpu"] = c["cpu"]
                        if "memory" in c:
                            d["Memory"] = c["memory"]
                        if c.get("command"):
                            d["Command"] = c["command"]
                        if c.get("port_mappings"):
                            d["PortMappings"] = [{"ContainerPort": p, "Protocol": "tcp"} for p in c["port_mappings"]]
                        if c.get("environment"):
                            d["Environment"] = [{"Name": k, "Value": v} for k, v in c["environment"].items()]
                        if c.get("secrets"):
                            d["Secrets"] = [{"Name": k, "ValueFrom": v} for k, v in c["secrets"].items()]
                        if c.get("logs", True):
                            d["LogConfiguration"] = {"LogDriver": "awslogs", "Options": {
                                "awslogs-group": log_group, "awslogs-region": region,
                                "awslogs-stream-prefix": "ecs"}}
                        containers.append(d)
                    if costs[i][0] == 3:
                        group = {"LogGroupName": log_group}
                        if retention:
                            group["RetentionInDays"] = retention
                        log_groups.append((f"{stem}LogGroup", {"Type": "AWS::Logs::LogGroup", "Properties": group}))

                    exec_id, exec_arn = exec_names[shard_of[name]]
                    props = {
                        "Family": family,
                        "TaskRoleArn": get_att(f"{stem}TaskRole"),
                        # The execution roles are in the first stack; later stacks name them by ARN.
                        "ExecutionRoleArn": get_att(exec_id) if first else sub(exec_arn),
                        "NetworkMode": "awsvpc",
                        "RequiresCompatibilities": [task.get("compatibility", "FARGATE")],
                    }
                    if "cpu" in task:
                        props["Cpu"] = str(task["cpu"])
                    if "memory" in task:
                        props["Memory"] = str(task["memory"])
                    props["ContainerDefinitions"] = pseudo(containers)
                    definitions.append((f"{stem}TaskDefinition", {"Type": "AWS::ECS::TaskDefinition", "Properties": props}))
                    definition_outputs.append(output(f"{stem}TaskDefinitionArn", f"ARN of task definition {family}",
                                                     {"Ref": f"{stem}TaskDefinition"}))
                resources = task_roles + (exec_roles if first else []) + log_groups + definitions
                outputs = role_outputs + (exec_outputs if first else []) + definition_outputs
                write(account_name, stack_name("tasks", index), template(
                    f"trustgen: ECS task roles, execution role and task definitions of project {project} in account {account_name} ({env})",
                    resources, outputs))

        # trust: roles that task roles (of any account) assume.
        account_roles = [(n, r) for n, r in roles.items() if r["account"] == account_name]
        if account_roles:
            for index, chunk in enumerate(pack([(1, 1)] * len(account_roles))):
                resources, outputs = [], []
                for i in chunk:
                    name, r = account_roles[i]
                    logical_id = pascal(name)
                    if not logical_id.endswith("Role"):
                        logical_id += "Role"
                    trusted = r.get("trusted_tasks", [])
                    condition = {"StringEquals": {"sts:ExternalId": r["external_id"]}} if r.get("external_id") else None
                    trust = statement("TrustedTasks", "Allow", ["sts:AssumeRole"],
                                      principal={"AWS": one_or_many([task_role_arn(t) for t in trusted])},
                                      condition=condition)
                    resources.append(role(
                        logical_id, name, r.get("path", "/"),
                        f"Assumed by the ECS task roles of {', '.join(trusted)} (generated by trustgen)",
                        r.get("max_session_duration", 3600), [trust], "permissions",
                        [user_statement(s) for s in r.get("statements", [])],
                        r.get("managed_policies", []), r.get("permissions_boundary"),
                        {**project_tags, **r.get("tags", {})}))
                    outputs.append(output(f"{logical_id}Arn", f"ARN of role {name}", get_att(logical_id)))
                write(account_name, stack_name("trust", index), template(
                    f"trustgen: roles that ECS task roles assume (cross-account trust pairs) of project {project} in account {account_name} ({env})",
                    resources, outputs))

        # developers: the developer managed policy (tagged dev access).
        if is_dev and developers is not None:
            policy_name = developers.get("policy_name", "developer-assume-task-roles")
            own_roles = f"arn:{partition}:iam::{account_id}:role/*"
            assume_condition = {"StringEquals": {f"iam:ResourceTag/{dev_tag['key']}": dev_tag["value"]}}
            if mfa:
                assume_condition.update(mfa)
            policy = {
                "ManagedPolicyName": policy_name,
                "Path": "/",
                "Description": "Lets developers assume this account's ECS task roles (generated by trustgen)",
                "PolicyDocument": pseudo(document([
                    statement("AssumeTaggedTaskRoles", "Allow", ["sts:AssumeRole"], [own_roles],
                              condition=assume_condition),
                    statement("DenyDevAccessTagging", "Deny", ["iam:CreateRole", "iam:TagRole", "iam:UntagRole"],
                              [own_roles], condition={"ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": [dev_tag["key"]]}}),
                ])),
            }
            for key, prop in (("attach_to_roles", "Roles"), ("attach_to_groups", "Groups"), ("attach_to_users", "Users")):
                if developers.get(key):
                    policy[prop] = developers[key]
            write(account_name, "developers", template(
                f"trustgen: developer access to the ECS task roles of project {project} (account-independent: deployable to every dev account)",
                [("DeveloperPolicy", {"Type": "AWS::IAM::ManagedPolicy", "Properties": policy})],
                [output("DeveloperPolicyArn", f"ARN of managed policy {policy_name}", {"Ref": "DeveloperPolicy"})]))


if __name__ == "__main__":
    main()
