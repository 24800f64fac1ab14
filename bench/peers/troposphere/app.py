#!/usr/bin/env python3
"""Peer benchmark for trustgen: the resources trustgen's CloudFormation output holds for a
trustgen spec (converted to JSON by bench/peers/spec2json.py), written with troposphere
the way a troposphere user would write them, one template file per stack.

    python app.py SPEC.json OUTDIR [--yaml]

Per account, as trustgen does: a `developers` stack (dev-access accounts: the developer
managed policy), `tasks` stacks (execution role(s), then per task: task role, log group,
Fargate task definition; outputs for every role and task definition) and `trust` stacks
(roles that task roles assume). Stacks are split where trustgen splits them (500
resources / 200 outputs), execution roles are sharded under IAM's 10,240-character
inline-policy limit like trustgen's. Templates are written with Template.to_json()
(troposphere's native output), or with --yaml Template.to_yaml() (through cfn-flip, as
trustgen writes YAML; slower).
"""
import json
import os
import re
import sys

from troposphere import Export, GetAtt, Output, Ref, Sub, Tags, Template
from troposphere import ecs, iam, logs

MAX_RESOURCES = 500
MAX_OUTPUTS = 200
INLINE_POLICY_CHARS = 10240


def pascal(s):
    return "".join(w[0].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", s) if w)


def pack(items):
    """Splits (item, resources, outputs) into stacks under CloudFormation's limits, in order."""
    chunks, cur = [], None
    for item, res, out in items:
        if cur is None or cur[1] + res > MAX_RESOURCES or cur[2] + out > MAX_OUTPUTS:
            cur = [[], 0, 0]
            chunks.append(cur)
        cur[0].append(item)
        cur[1] += res
        cur[2] += out
    return [c[0] for c in chunks]


def statement(s):
    st = {"Effect": s.get("effect", "Allow"), "Action": s["actions"], "Resource": s["resources"]}
    if "sid" in s:
        st = {"Sid": s["sid"], **st}
    if "condition" in s:
        st["Condition"] = s["condition"]
    return st


def main():
    args = sys.argv[1:]
    yaml = "--yaml" in args
    args = [a for a in args if a != "--yaml"]
    if len(args) != 2:
        print("usage: python app.py SPEC.json OUTDIR [--yaml]", file=sys.stderr)
        sys.exit(2)
    spec_path, outdir = args
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

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
    developers = spec.get("developers", {})
    exec_name = spec.get("execution_role", {}).get("name", f"{project}-ecs-execution")
    accounts = spec["accounts"]
    tasks = list(spec.get("tasks", {}).items())
    roles = list(spec.get("roles", {}).items())

    def is_dev(account):
        return dev_mode != "none" and account["env"] in dev_envs

    def role_name_of(name, t):
        return t.get("role_name", f"{project}-{name}")

    def task_role_arn(name):
        t = spec["tasks"][name]
        acct = accounts[t["account"]]["id"]
        return f"arn:{partition}:iam::{acct}:role{t.get('path', '/')}{role_name_of(name, t)}"

    assumes = {}
    for rname, r in roles:
        arn = f"arn:{partition}:iam::{accounts[r['account']]['id']}:role{r.get('path', '/')}{rname}"
        for t in r["trusted_tasks"]:
            assumes.setdefault(t, []).append(arn)

    def write(account_name, stack_name, template):
        d = os.path.join(outdir, account_name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{stack_name}.{'yaml' if yaml else 'json'}"), "w", encoding="utf-8") as f:
            f.write(template.to_yaml() if yaml else template.to_json())

    def new_template(kind, account_name, account):
        t = Template()
        t.set_version("2010-09-09")
        t.set_description(f"{kind} of project {project} in account {account_name} ({account['env']})")
        return t

    def output(t, logical, value, description):
        t.add_output(Output(logical, Description=description, Value=value,
                            Export=Export(Sub(f"${{AWS::StackName}}-{logical}"))))

    def suffix(i):
        return "" if i == 0 else f"-{i + 1}"

    for account_name, account in accounts.items():
        region = account.get("region", proj.get("region"))
        account_tasks = [(n, t) for n, t in tasks if t["account"] == account_name]
        account_roles = [(n, r) for n, r in roles if r["account"] == account_name]

        # Stage 1: developer access (dev accounts only).
        if is_dev(account) and dev_mode == "tagged":
            t = new_template("developers", account_name, account)
            role_arns = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*")
            allow = {"Sid": "AssumeTaggedTaskRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                     "Resource": role_arns,
                     "Condition": {"StringEquals": {f"iam:ResourceTag/{dev_tag['key']}": dev_tag["value"]},
                                   **(mfa or {})}}
            deny = {"Sid": "DenyDevAccessTagging", "Effect": "Deny",
                    "Action": ["iam:CreateRole", "iam:TagRole", "iam:UntagRole"], "Resource": role_arns,
                    "Condition": {"ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": [dev_tag["key"]]}}}
            policy = t.add_resource(iam.ManagedPolicy(
                "DeveloperPolicy",
                ManagedPolicyName=developers.get("policy_name", "developer-assume-task-roles"),
                Path="/",
                Description="Lets developers assume this account's ECS task roles",
                PolicyDocument={"Version": "2012-10-17", "Statement": [allow, deny]},
                Roles=developers.get("attach_to_roles", []),
            ))
            output(t, "DeveloperPolicyArn", Ref(policy), "ARN of the developer policy")
            write(account_name, "developers", t)

        # Stage 2: execution role(s), then per task: task role, log group, task definition.
        if account_tasks:
            shards, cur = [], None
            for name, task in account_tasks:
                arns = [a for c in task.get("containers", []) for a in c.get("secrets", {}).values()]
                doc = {"Version": "2012-10-17", "Statement": [{"Sid": "ReadSsmParameters", "Effect": "Allow",
                                                                "Action": "ssm:GetParameters",
                                                                "Resource": (cur["arns"] if cur else []) + arns}]}
                if cur is None or len(json.dumps(doc, separators=(",", ":"))) > INLINE_POLICY_CHARS:
                    cur = {"arns": [], "tasks": []}
                    shards.append(cur)
                cur["arns"].extend(arns)
                cur["tasks"].append(name)
            shard_of = {}
            for i, s in enumerate(shards):
                s["name"] = exec_name if i == 0 else f"{exec_name}-{i + 1}"
                s["id"] = "ExecutionRole" if i == 0 else f"ExecutionRole{i + 1}"
                for n in s["tasks"]:
                    shard_of[n] = s

            items = [(("exec", s), 1, 1) for s in shards] + [(("task", nt), 3, 2) for nt in account_tasks]
            for i, chunk in enumerate(pack(items)):
                t = new_template("tasks", account_name, account)
                here = set()
                for kind, item in chunk:
                    if kind == "exec":
                        ssm_arns = [a for a in item["arns"] if a.split(":")[2] == "ssm"]
                        sm_arns = [a for a in item["arns"] if a.split(":")[2] == "secretsmanager"]
                        statements = []
                        if ssm_arns:
                            statements.append({"Sid": "ReadSsmParameters", "Effect": "Allow",
                                               "Action": "ssm:GetParameters", "Resource": ssm_arns})
                        if sm_arns:
                            statements.append({"Sid": "ReadSecrets", "Effect": "Allow",
                                               "Action": "secretsmanager:GetSecretValue", "Resource": sm_arns})
                        t.add_resource(iam.Role(
                            item["id"],
                            RoleName=item["name"],
                            Path="/",
                            Description="ECS task execution role: pulls images, writes logs, reads the tasks' secrets",
                            MaxSessionDuration=3600,
                            AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [
                                {"Sid": "EcsTasks", "Effect": "Allow",
                                 "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                            ManagedPolicyArns=[f"arn:{partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
                            Policies=[iam.Policy(PolicyName="read-task-secrets",
                                                 PolicyDocument={"Version": "2012-10-17", "Statement": statements})]
                            if statements else [],
                            Tags=Tags(project_tags),
                        ))
                        here.add(item["name"])
                        output(t, f"{item['id']}Arn", GetAtt(item["id"], "Arn"), f"ARN of role {item['name']}")
                        continue

                    name, task = item
                    lid = pascal(name)
                    role_name = role_name_of(name, task)
                    family = task.get("family", f"{project}-{name}")

                    trust = [{"Sid": "EcsTasks", "Effect": "Allow",
                              "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
                              "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")},
                                            "ArnLike": {"aws:SourceArn": Sub(
                                                "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")}}}]
                    tags = {**project_tags, **task.get("tags", {})}
                    if is_dev(account):
                        dev_stmt = {"Sid": "DeveloperAccess", "Effect": "Allow",
                                    "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                                    "Action": "sts:AssumeRole"}
                        if mfa:
                            dev_stmt["Condition"] = mfa
                        trust.append(dev_stmt)
                        if dev_mode == "tagged":
                            tags[dev_tag["key"]] = dev_tag["value"]
                    statements = [statement(s) for s in task.get("statements", [])]
                    targets = assumes.get(name, []) + task.get("assume_role_arns", [])
                    if targets:
                        statements.append({"Sid": "AssumeRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Resource": targets[0] if len(targets) == 1 else targets})
                    role_props = dict(
                        RoleName=role_name,
                        Path=task.get("path", "/"),
                        Description=f"ECS task role of {name}",
                        MaxSessionDuration=session,
                        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": trust},
                        Policies=[iam.Policy(PolicyName="task-permissions",
                                             PolicyDocument={"Version": "2012-10-17", "Statement": statements})],
                        Tags=Tags(tags),
                    )
                    if task.get("managed_policies"):
                        role_props["ManagedPolicyArns"] = task["managed_policies"]
                    if task.get("permissions_boundary"):
                        role_props["PermissionsBoundary"] = task["permissions_boundary"]
                    t.add_resource(iam.Role(f"{lid}TaskRole", **role_props))

                    log_group = f"/ecs/{family}"
                    lg_props = {"LogGroupName": log_group}
                    if retention:
                        lg_props["RetentionInDays"] = retention
                    t.add_resource(logs.LogGroup(f"{lid}LogGroup", **lg_props))

                    shard = shard_of[name]
                    exec_arn = (GetAtt(shard["id"], "Arn") if shard["name"] in here
                                else Sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{shard['name']}"))
                    containers = []
                    for c in task.get("containers", []):
                        props = dict(Name=c["name"], Image=c["image"], Essential=c.get("essential", True))
                        for key, prop in (("cpu", "Cpu"), ("memory", "Memory"), ("command", "Command")):
                            if key in c:
                                props[prop] = c[key]
                        if c.get("port_mappings"):
                            props["PortMappings"] = [ecs.PortMapping(ContainerPort=p, Protocol="tcp")
                                                     for p in c["port_mappings"]]
                        if c.get("environment"):
                            props["Environment"] = [ecs.Environment(Name=k, Value=v)
                                                    for k, v in c["environment"].items()]
                        if c.get("secrets"):
                            props["Secrets"] = [ecs.Secret(Name=k, ValueFrom=v) for k, v in c["secrets"].items()]
                        if c.get("logs", True):
                            props["LogConfiguration"] = ecs.LogConfiguration(
                                LogDriver="awslogs",
                                Options={"awslogs-group": log_group, "awslogs-region": region,
                                         "awslogs-stream-prefix": "ecs"})
                        containers.append(ecs.ContainerDefinition(**props))
                    t.add_resource(ecs.TaskDefinition(
                        f"{lid}TaskDefinition",
                        Family=family,
                        TaskRoleArn=GetAtt(f"{lid}TaskRole", "Arn"),
                        ExecutionRoleArn=exec_arn,
                        NetworkMode="awsvpc",
                        RequiresCompatibilities=[task.get("compatibility", "FARGATE")],
                        Cpu=str(task["cpu"]),
                        Memory=str(task["memory"]),
                        ContainerDefinitions=containers,
                    ))
                    output(t, f"{lid}TaskRoleArn", GetAtt(f"{lid}TaskRole", "Arn"), f"ARN of role {role_name}")
                    output(t, f"{lid}TaskDefinitionArn", Ref(f"{lid}TaskDefinition"),
                           f"ARN of task definition {family}")
                write(account_name, f"tasks{suffix(i)}", t)

        # Stage 3: roles that task roles (of any account) assume, with an ExternalId.
        if account_roles:
            for i, chunk in enumerate(pack([((n, r), 1, 1) for n, r in account_roles])):
                t = new_template("trust", account_name, account)
                for name, r in chunk:
                    lid = pascal(name)
                    principals = [task_role_arn(tn) for tn in r["trusted_tasks"]]
                    trust = {"Sid": "TrustedTasks", "Effect": "Allow",
                             "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                             "Action": "sts:AssumeRole"}
                    if r.get("external_id"):
                        trust["Condition"] = {"StringEquals": {"sts:ExternalId": r["external_id"]}}
                    props = dict(
                        RoleName=name,
                        Path=r.get("path", "/"),
                        Description=f"Assumed by the ECS task roles of {', '.join(r['trusted_tasks'])}",
                        MaxSessionDuration=r.get("max_session_duration", 3600),
                        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [trust]},
                        Tags=Tags({**project_tags, **r.get("tags", {})}),
                    )
                    if r.get("statements"):
                        props["Policies"] = [iam.Policy(PolicyName="permissions", PolicyDocument={
                            "Version": "2012-10-17", "Statement": [statement(s) for s in r["statements"]]})]
                    if r.get("managed_policies"):
                        props["ManagedPolicyArns"] = r["managed_policies"]
                    t.add_resource(iam.Role(f"{lid}Role", **props))
                    output(t, f"{lid}RoleArn", GetAtt(f"{lid}Role", "Arn"), f"ARN of role {name}")
                write(account_name, f"trust{suffix(i)}", t)


if __name__ == "__main__":
    main()
