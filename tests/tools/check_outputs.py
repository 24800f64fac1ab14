#!/usr/bin/env python3
"""Independent check of one `trustgen gen` output tree against its spec.

Reads the CloudFormation templates (resolving intrinsics for each account) and the
Terraform plan (`terraform show -json`, planned against a local moto_server), reduces both
to the same normalised picture of who may assume what and with which permissions, and:

  1. asserts the two backends are identical (parity);
  2. asserts the security invariants straight from the spec, without trustgen's code:
     every ECS task-role trust carries the aws:SourceAccount / aws:SourceArn guard; no
     developer statement, dev-access tag or developer policy in a non-dev account; dev
     accounts trust exactly the principals the spec names.

Usage: check_outputs.py --spec SPEC --out OUT --plan PLAN_JSON
Exit 0 when everything holds, 1 with a readable list of findings otherwise.
"""
import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

from cfnlint.decode import decode_str


def snake(name):
    return re.sub(r"[^a-z0-9]", "_", name.lower())


class SpecView:
    def __init__(self, path):
        self.raw = tomllib.loads(Path(path).read_text())
        project = self.raw["project"]
        self.project = project["name"]
        self.partition = project.get("partition", "aws")
        self.accounts = {}
        for name, account in self.raw["accounts"].items():
            self.accounts[name] = {
                "id": account["id"],
                "env": account["env"],
                "region": account.get("region", project.get("region")),
            }
        dev = self.raw.get("dev_access", {})
        self.mode = dev.get("mode", "none")
        self.environments = dev.get("environments", ["dev"])
        tag = dev.get("tag", {"key": "env", "value": "dev"})
        self.tag = (tag["key"], tag["value"])
        self.principals = dev.get("principals", [])
        self.require_mfa = dev.get("require_mfa", False)
        self.developers = self.raw.get("developers")
        self.tasks = self.raw.get("tasks", {})

    def dev_access(self, account):
        env = self.accounts[account]["env"]
        return self.mode in ("tagged", "extended") and env in self.environments

    def role_arn(self, account, path, name):
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:role{path}{name}"

    def policy_arn(self, account, path, name):
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:policy{path}{name}"

    def task_role_name(self, task_name):
        return self.tasks[task_name].get("role_name", f"{self.project}-{task_name}")


def empty_account():
    return {"roles": {}, "policies": {}, "task_definitions": {}, "log_groups": {}}


# ---------------------------------------------------------------- CloudFormation


def cfn_resolve(value, ctx):
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "Ref":
                if inner in ctx["pseudo"]:
                    return ctx["pseudo"][inner]
                return ctx["refs"][inner]
            if key == "Fn::Sub":
                text = str(inner)
                for name, replacement in ctx["pseudo"].items():
                    text = text.replace("${" + name + "}", replacement)
                if re.search(r"\$\{(?!!)", text):
                    raise ValueError(f"unresolved Fn::Sub variable in {inner!r}")
                return text.replace("${!", "${")
            if key == "Fn::GetAtt":
                logical, attribute = inner
                return ctx["getatt"][(logical, attribute)]
        return {str(k): cfn_resolve(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [cfn_resolve(v, ctx) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def camel(value):
    """CloudFormation container properties -> ECS API names (log options keep theirs)."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if isinstance(value, dict):
        return {k[0].lower() + k[1:]: (v if k == "Options" else camel(v)) for k, v in value.items()}
    return value


def read_cloudformation(spec, out):
    picture = {}
    for account, info in spec.accounts.items():
        directory = out / "cloudformation" / account
        if not directory.is_dir():
            continue
        pseudo = {"AWS::AccountId": info["id"], "AWS::Region": info["region"], "AWS::Partition": spec.partition}
        view = picture.setdefault(account, empty_account())
        for template_path in sorted(directory.glob("*.yaml")):
            template, matches = decode_str(template_path.read_text())
            if matches:
                raise ValueError(f"{template_path}: cannot parse: {matches}")
            resources = template["Resources"]
            refs, getatt = {}, {}
            for logical, resource in resources.items():
                props = resource["Properties"]
                if resource["Type"] == "AWS::IAM::Role":
                    refs[logical] = props["RoleName"]
                    getatt[(logical, "Arn")] = spec.role_arn(account, props.get("Path", "/"), props["RoleName"])
                elif resource["Type"] == "AWS::IAM::ManagedPolicy":
                    refs[logical] = spec.policy_arn(account, props.get("Path", "/"), props["ManagedPolicyName"])
                elif resource["Type"] == "AWS::ECS::TaskDefinition":
                    refs[logical] = f"taskdefinition/{props['Family']}"
                elif resource["Type"] == "AWS::Logs::LogGroup":
                    refs[logical] = props["LogGroupName"]
            ctx = {"pseudo": {**pseudo, "AWS::StackName": template_path.stem}, "refs": refs, "getatt": getatt}
            for logical, resource in resources.items():
                props = cfn_resolve(resource["Properties"], ctx)
                kind = resource["Type"]
                if kind == "AWS::IAM::Role":
                    view["roles"][props["RoleName"]] = {
                        "path": props.get("Path", "/"),
                        "trust": props["AssumeRolePolicyDocument"],
                        "inline": {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies", [])},
                        "managed": sorted(props.get("ManagedPolicyArns", [])),
                        "boundary": props.get("PermissionsBoundary"),
                        "tags": {t["Key"]: t["Value"] for t in props.get("Tags", [])},
                        "max_session": props.get("MaxSessionDuration", 3600),
                    }
                elif kind == "AWS::IAM::ManagedPolicy":
                    view["policies"][props["ManagedPolicyName"]] = {
                        "path": props.get("Path", "/"),
                        "doc": props["PolicyDocument"],
                        "roles": sorted(props.get("Roles", [])),
                        "groups": sorted(props.get("Groups", [])),
                        "users": sorted(props.get("Users", [])),
                    }
                elif kind == "AWS::ECS::TaskDefinition":
                    view["task_definitions"][props["Family"]] = {
                        "task_role": props.get("TaskRoleArn"),
                        "execution_role": props.get("ExecutionRoleArn"),
                        "cpu": props.get("Cpu"),
                        "memory": props.get("Memory"),
                        "network_mode": props.get("NetworkMode"),
                        "compatibilities": props.get("RequiresCompatibilities"),
                        "containers": camel(props["ContainerDefinitions"]),
                    }
                elif kind == "AWS::Logs::LogGroup":
                    view["log_groups"][props["LogGroupName"]] = props.get("RetentionInDays")
                else:
                    raise ValueError(f"unexpected resource type {kind} in {template_path}")
    return picture


# ---------------------------------------------------------------- Terraform


def read_terraform(spec, plan):
    alias_to_account = {snake(name): name for name in spec.accounts}
    config = {r["address"]: r for r in plan["configuration"]["root_module"].get("resources", [])}
    planned = plan["planned_values"]["root_module"].get("resources", [])
    by_address = {}
    for resource in planned:
        by_address.setdefault(f"{resource['type']}.{resource['name']}", []).append(resource)

    def account_of(address):
        key = config[address]["provider_config_key"]
        return alias_to_account[key.split(".", 1)[1]]

    def referenced(address, attribute, kind):
        refs = config[address]["expressions"].get(attribute, {}).get("references", [])
        for ref in refs:
            parts = ref.split(".")
            if parts[0] == kind and len(parts) >= 2:
                return f"{parts[0]}.{parts[1]}"
        return None

    def role_name(address):
        return by_address[address][0]["values"]["name"]

    def role_arn(address):
        values = by_address[address][0]["values"]
        return spec.role_arn(account_of(address), values.get("path", "/"), values["name"])

    picture = {}
    for resource in planned:
        address = f"{resource['type']}.{resource['name']}"
        account = account_of(address)
        view = picture.setdefault(account, empty_account())
        values = resource["values"]
        kind = resource["type"]
        if kind == "aws_iam_role":
            role = view["roles"].setdefault(values["name"], {"inline": {}, "managed": []})
            role.update({
                "path": values.get("path", "/"),
                "trust": json.loads(values["assume_role_policy"]),
                "boundary": values.get("permissions_boundary"),
                "tags": values.get("tags") or {},
                "max_session": values.get("max_session_duration", 3600),
            })
        elif kind == "aws_iam_role_policy":
            name = role_name(referenced(address, "role", "aws_iam_role"))
            role = view["roles"].setdefault(name, {"inline": {}, "managed": []})
            role["inline"][values["name"]] = json.loads(values["policy"])
        elif kind == "aws_iam_policy":
            policy = view["policies"].setdefault(values["name"], {"roles": [], "groups": [], "users": []})
            policy.update({"path": values.get("path", "/"), "doc": json.loads(values["policy"])})
        elif kind in ("aws_iam_role_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_user_policy_attachment"):
            target = {"aws_iam_role_policy_attachment": "role", "aws_iam_group_policy_attachment": "group", "aws_iam_user_policy_attachment": "user"}[kind]
            role_ref = referenced(address, target, "aws_iam_role")
            if role_ref:
                name = role_name(role_ref)
                role = view["roles"].setdefault(name, {"inline": {}, "managed": []})
                role["managed"] = sorted(role["managed"] + [resource["index"]])
            else:
                policy_ref = referenced(address, "policy_arn", "aws_iam_policy")
                policy_name = by_address[policy_ref][0]["values"]["name"]
                policy = view["policies"].setdefault(policy_name, {"roles": [], "groups": [], "users": []})
                policy[target + "s"] = sorted(policy[target + "s"] + [resource["index"]])
        elif kind == "aws_ecs_task_definition":
            view["task_definitions"][values["family"]] = {
                "task_role": role_arn(referenced(address, "task_role_arn", "aws_iam_role")),
                "execution_role": role_arn(referenced(address, "execution_role_arn", "aws_iam_role")),
                "cpu": values.get("cpu"),
                "memory": values.get("memory"),
                "network_mode": values.get("network_mode"),
                "compatibilities": sorted(values.get("requires_compatibilities") or []),
                "containers": json.loads(values["container_definitions"]),
            }
        elif kind == "aws_cloudwatch_log_group":
            retention = values.get("retention_in_days")
            view["log_groups"][values["name"]] = retention if retention else None
        else:
            raise ValueError(f"unexpected resource type {kind}")
    for account in picture.values():
        for role in account["roles"].values():
            role.setdefault("managed", [])
            role["managed"] = sorted(role["managed"])
    return picture


def normalise_containers(containers):
    """Terraform's provider drops nothing we set; compare with CloudFormation key by key."""
    return json.loads(json.dumps(containers, sort_keys=True))


# ---------------------------------------------------------------- invariants


def statements(document):
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_invariants(spec, picture, findings):
    execution_roles = set()
    task_roles = set()
    for account, view in picture.items():
        for definition in view["task_definitions"].values():
            execution_roles.add(definition["execution_role"])
            task_roles.add(definition["task_role"])
    for account, view in picture.items():
        info = spec.accounts[account]
        dev = spec.dev_access(account)
        root = f"arn:{spec.partition}:iam::{info['id']}:root"
        for name, role in view["roles"].items():
            arn = spec.role_arn(account, role["path"], name)
            is_task_role = arn in task_roles
            for statement in statements(role["trust"]):
                principal = statement.get("Principal", {})
                if "ecs-tasks.amazonaws.com" in as_list(principal.get("Service")) and is_task_role:
                    condition = statement.get("Condition", {})
                    if condition.get("StringEquals", {}).get("aws:SourceAccount") != info["id"]:
                        findings.append(f"{account}/{name}: ecs-tasks trust without aws:SourceAccount = {info['id']}")
                    expected = f"arn:{spec.partition}:ecs:{info['region']}:{info['id']}:*"
                    if condition.get("ArnLike", {}).get("aws:SourceArn") != expected:
                        findings.append(f"{account}/{name}: ecs-tasks trust without aws:SourceArn {expected}")
                if statement.get("Effect") == "Allow" and "*" in as_list(principal.get("AWS")) + as_list(principal):
                    findings.append(f"{account}/{name}: trusts Principal *")
            developer_statements = [s for s in statements(role["trust"]) if s.get("Sid") == "DeveloperAccess" or (is_task_role and "AWS" in s.get("Principal", {}))]
            tagged = role["tags"].get(spec.tag[0]) == spec.tag[1] and spec.mode == "tagged"
            if is_task_role and not dev:
                if developer_statements:
                    findings.append(f"{account}/{name}: developer trust in non-dev account (env {info['env']})")
                if role["tags"].get(spec.tag[0], "").lower() == spec.tag[1].lower() and spec.mode == "tagged":
                    findings.append(f"{account}/{name}: dev-access tag in non-dev account")
                if len(statements(role["trust"])) != 1:
                    findings.append(f"{account}/{name}: task role in non-dev account trusts more than ECS")
            if is_task_role and dev:
                if len(developer_statements) != 1:
                    findings.append(f"{account}/{name}: expected exactly one developer statement, found {len(developer_statements)}")
                else:
                    expected = spec.principals if (spec.mode == "extended" and spec.principals) else [root]
                    if sorted(as_list(developer_statements[0]["Principal"].get("AWS"))) != sorted(expected):
                        findings.append(f"{account}/{name}: developer principals {developer_statements[0]['Principal']} != {expected}")
                    mfa = developer_statements[0].get("Condition", {}).get("Bool", {}).get("aws:MultiFactorAuthPresent")
                    if spec.require_mfa and mfa != "true":
                        findings.append(f"{account}/{name}: developer trust lacks the MFA condition")
                if spec.mode == "tagged" and not tagged:
                    findings.append(f"{account}/{name}: tagged mode but role lacks {spec.tag[0]}={spec.tag[1]}")
                if spec.mode == "extended" and spec.tag[0] in role["tags"] and role["tags"][spec.tag[0]] == spec.tag[1] and spec.tag[0] not in spec.raw["project"].get("tags", {}):
                    findings.append(f"{account}/{name}: extended mode should not add the dev tag")
        if spec.developers and not dev and view["policies"]:
            findings.append(f"{account}: developer policy in non-dev account")
        for policy_name, policy in view["policies"].items():
            for statement in statements(policy["doc"]):
                if statement.get("Effect") != "Allow":
                    continue
                for resource in as_list(statement.get("Resource")):
                    if f":iam::{info['id']}:role/" not in resource:
                        findings.append(f"{account}/{policy_name}: developer statement reaches beyond this account's roles: {resource}")
                if spec.require_mfa and statement.get("Condition", {}).get("Bool", {}).get("aws:MultiFactorAuthPresent") != "true":
                    findings.append(f"{account}/{policy_name}: developer policy statement lacks MFA")
                if spec.mode == "tagged":
                    key = f"iam:ResourceTag/{spec.tag[0]}"
                    if statement.get("Condition", {}).get("StringEquals", {}).get(key) != spec.tag[1]:
                        findings.append(f"{account}/{policy_name}: tagged-mode statement without {key} = {spec.tag[1]}")
        # Task definitions point at the roles the spec names.
        for task_name, task in spec.tasks.items():
            if task["account"] != account:
                continue
            family = task.get("family", f"{spec.project}-{task_name}")
            definition = view["task_definitions"].get(family)
            role_name = spec.task_role_name(task_name)
            if definition is None:
                findings.append(f"{account}: no task definition for family {family}")
            elif definition["task_role"] != spec.role_arn(account, task.get("path", "/"), role_name):
                findings.append(f"{account}/{family}: task role {definition['task_role']} is not {role_name}")


def diff(left, right, path=""):
    out = []
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            if key not in left:
                out.append(f"{path}/{key}: only in Terraform")
            elif key not in right:
                out.append(f"{path}/{key}: only in CloudFormation")
            else:
                out.extend(diff(left[key], right[key], f"{path}/{key}"))
    elif left != right:
        out.append(f"{path}: CloudFormation {json.dumps(left, sort_keys=True)} != Terraform {json.dumps(right, sort_keys=True)}")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--plan", required=True)
    args = parser.parse_args()
    spec = SpecView(args.spec)
    cloudformation = read_cloudformation(spec, Path(args.out))
    terraform = read_terraform(spec, json.loads(Path(args.plan).read_text()))
    for picture in (cloudformation, terraform):
        for view in picture.values():
            for definition in view["task_definitions"].values():
                definition["compatibilities"] = sorted(definition["compatibilities"] or [])
                definition["containers"] = normalise_containers(definition["containers"])
    findings = [f"parity: {line}" for line in diff(cloudformation, terraform)]
    check_invariants(spec, cloudformation, findings)
    check_invariants(spec, terraform, findings)
    roles = sum(len(v["roles"]) for v in cloudformation.values())
    if findings:
        print("\n".join(findings))
        return 1
    print(f"ok: {roles} roles, {sum(len(v['policies']) for v in cloudformation.values())} developer policies, "
          f"{sum(len(v['task_definitions']) for v in cloudformation.values())} task definitions identical in both backends; invariants hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
