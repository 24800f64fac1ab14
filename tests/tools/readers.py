"""Reduce each form of the output to one picture, per account:

    {"roles": {name: {path, trust, inline, managed, boundary, tags, max_session}},
     "policies": {name: {path, doc, roles, groups, users}},
     "task_definitions": {family: {...}},
     "log_groups": {name: {retention, retained}},
     "permission_sets": {name: {instance_arn, description, session_duration, managed,
                                references: [[path, name]], assignments: [[id, type, principal]]}}}

from the CloudFormation templates (intrinsics resolved), from Terraform's state after an
apply, and from what an AWS API (moto here) returns after deployment. Task definitions are
in the ECS API's shape (camelCase), whatever the source spells: CloudFormation's
`EFSVolumeConfiguration` / `FilesystemId` / `IAM`, Terraform's nested blocks.
"""
import ast
import json
import re
from urllib.parse import unquote

import cfn_yaml

from specview import snake


def empty_account():
    return {"roles": {}, "policies": {}, "task_definitions": {}, "log_groups": {}, "permission_sets": {}}


def permission_set(instance_arn, description, session_duration):
    return {"instance_arn": instance_arn, "description": description, "session_duration": session_duration,
            "managed": [], "references": [], "assignments": []}


def camel(value):
    """CloudFormation container properties -> ECS API names (log options keep theirs)."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if isinstance(value, dict):
        return {k[0].lower() + k[1:]: (v if k == "Options" else camel(v)) for k, v in value.items()}
    return value


# CloudFormation's volume property names that are not the ECS API's with a capital letter.
CFN_VOLUME_KEYS = {"EFSVolumeConfiguration": "efsVolumeConfiguration", "FilesystemId": "fileSystemId", "IAM": "iam"}


def cfn_volumes(volumes):
    def convert(value):
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {CFN_VOLUME_KEYS.get(k, k[0].lower() + k[1:]): convert(v) for k, v in value.items()}
        return value
    return convert(volumes or [])


def tf_block(values, name):
    """A Terraform nested block as the state holds it (a list of at most one object)."""
    block = values.get(name) or []
    return block[0] if block else None


def tf_volumes(values):
    """`volume` blocks -> ECS API volumes; unset attributes ("" or 0 in state) dropped."""
    volumes = []
    for block in values.get("volume") or []:
        volume = {"name": block["name"]}
        if block.get("host_path"):
            volume["host"] = {"sourcePath": block["host_path"]}
        efs = (block.get("efs_volume_configuration") or [None])[0]
        if efs:
            config = {"fileSystemId": efs["file_system_id"]}
            for key, api in (("root_directory", "rootDirectory"), ("transit_encryption", "transitEncryption"), ("transit_encryption_port", "transitEncryptionPort")):
                if efs.get(key):
                    config[api] = efs[key]
            authorization = (efs.get("authorization_config") or [None])[0]
            if authorization:
                config["authorizationConfig"] = {api: authorization[key] for key, api in (("access_point_id", "accessPointId"), ("iam", "iam")) if authorization.get(key)}
            volume["efsVolumeConfiguration"] = config
        volumes.append(volume)
    return volumes


def task_platform(runtime_platform, ephemeral_storage, pid_mode, ipc_mode, volumes):
    """The task-level settings beside the containers, in one shape for every source."""
    return {
        "runtime_platform": runtime_platform or None,
        "ephemeral_storage": ephemeral_storage or None,
        "pid_mode": pid_mode or None,
        "ipc_mode": ipc_mode or None,
        "volumes": volumes or [],
    }


def cfn_resolve(value, ctx):
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "Ref":
                return ctx["pseudo"][inner] if inner in ctx["pseudo"] else ctx["refs"][inner]
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


def read_cloudformation(spec, out):
    picture = {}
    for account, info in spec.accounts.items():
        directory = out / "cloudformation" / account
        if not directory.is_dir():
            continue
        pseudo = {"AWS::AccountId": info["id"], "AWS::Region": info["region"], "AWS::Partition": spec.partition}
        view = picture.setdefault(account, empty_account())
        for template_path in sorted(directory.glob("*.yaml")):
            if template_path.name == "bootstrap-template.yaml":
                continue  # the StackSet's body, for other accounts: stacksets.py reads it
            template = cfn_yaml.load(template_path.read_text())
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
                elif resource["Type"] == "AWS::SSO::PermissionSet":
                    # Its ARN is AWS's to choose: the picture names a permission set by name.
                    getatt[(logical, "PermissionSetArn")] = f"permission-set:{props['Name']}"
            ctx = {"pseudo": {**pseudo, "AWS::StackName": template_path.stem}, "refs": refs, "getatt": getatt}
            for resource in resources.values():
                props = cfn_resolve(resource["Properties"], ctx)
                policies = (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
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
                        "compatibilities": sorted(props.get("RequiresCompatibilities") or []),
                        **task_platform(
                            camel(props.get("RuntimePlatform")),
                            (props.get("EphemeralStorage") or {}).get("SizeInGiB"),
                            props.get("PidMode"),
                            props.get("IpcMode"),
                            cfn_volumes(props.get("Volumes")),
                        ),
                        "containers": camel(props["ContainerDefinitions"]),
                    }
                elif kind == "AWS::Logs::LogGroup":
                    view["log_groups"][props["LogGroupName"]] = {
                        "retention": props.get("RetentionInDays"),
                        # Deleting the stack, or replacing the group, keeps the logs.
                        "retained": policies == ("Retain", "Retain"),
                    }
                elif kind == "AWS::SSO::PermissionSet":
                    entry = view["permission_sets"].setdefault(props["Name"], permission_set(None, None, None))
                    entry.update({
                        "instance_arn": props["InstanceArn"],
                        "description": props.get("Description"),
                        "session_duration": props.get("SessionDuration", "PT1H"),
                        "managed": sorted(props.get("ManagedPolicies", [])),
                        "references": sorted([r.get("Path", "/"), r["Name"]] for r in props.get("CustomerManagedPolicyReferences", [])),
                    })
                elif kind == "AWS::SSO::Assignment":
                    name = props["PermissionSetArn"].removeprefix("permission-set:")
                    entry = view["permission_sets"].setdefault(name, permission_set(None, None, None))
                    if props["InstanceArn"] != entry["instance_arn"] and entry["instance_arn"] is not None:
                        raise ValueError(f"{template_path}: an assignment of {name} in another instance")
                    entry["assignments"] = sorted(entry["assignments"] + [[props["TargetId"], props["PrincipalType"], props["PrincipalId"]]])
                    if props["TargetType"] != "AWS_ACCOUNT":
                        raise ValueError(f"{template_path}: an assignment to {props['TargetType']}")
                elif kind == "AWS::CloudFormation::StackSet":
                    pass  # deploys to other accounts: stacksets.py reads and checks it
                else:
                    raise ValueError(f"unexpected resource type {kind} in {template_path}")
    # An account whose only stack deploys elsewhere (a StackSet) holds nothing itself.
    return {account: view for account, view in picture.items() if any(view.values())}


def read_terraform(spec, state):
    """The single root's state after apply: each resource's account is its provider alias."""
    return read_terraform_states(spec, [(state, None)])


def read_terraform_states(spec, states):
    """Terraform states after apply, as one picture: `states` are (state, account), the
    account of a per-account root's one provider, or None for the single root, whose
    resources name their account's provider alias."""
    alias_to_account = {snake(name): name for name in spec.accounts}
    instances = []
    for state, account in states:
        for resource in state.get("resources", []):
            # A StackSet deploys to other accounts: stacksets.py reads and checks it.
            if resource.get("mode") != "managed" or resource["type"].startswith("aws_cloudformation_stack_set"):
                continue
            owner = account or alias_to_account[resource["provider"].rsplit(".", 1)[1]]
            for instance in resource["instances"]:
                instances.append((resource["type"], owner, instance["attributes"]))
    module_roles = {(account, values["name"]) for kind, account, values in instances if kind == "aws_iam_role"}
    module_policies = {values["arn"]: values["name"] for kind, _, values in instances if kind == "aws_iam_policy"}
    picture = {}
    for kind, account, values in instances:
        view = picture.setdefault(account, empty_account())
        if kind == "aws_iam_role":
            role = view["roles"].setdefault(values["name"], {"inline": {}, "managed": []})
            role.update({
                "path": values.get("path", "/"),
                "trust": json.loads(values["assume_role_policy"]),
                "boundary": values.get("permissions_boundary") or None,
                "tags": values.get("tags") or {},
                "max_session": values.get("max_session_duration", 3600),
            })
        elif kind == "aws_iam_role_policy":
            role = view["roles"].setdefault(values["role"], {"inline": {}, "managed": []})
            role["inline"][values["name"]] = json.loads(values["policy"])
        elif kind == "aws_iam_policy":
            policy = view["policies"].setdefault(values["name"], {"roles": [], "groups": [], "users": []})
            policy.update({"path": values.get("path", "/"), "doc": json.loads(values["policy"])})
        elif kind == "aws_iam_role_policy_attachment" and (account, values["role"]) in module_roles:
            role = view["roles"].setdefault(values["role"], {"inline": {}, "managed": []})
            role["managed"] = sorted(role["managed"] + [values["policy_arn"]])
        elif kind in ("aws_iam_role_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_user_policy_attachment"):
            target = {"aws_iam_role_policy_attachment": "role", "aws_iam_group_policy_attachment": "group", "aws_iam_user_policy_attachment": "user"}[kind]
            policy = view["policies"].setdefault(module_policies[values["policy_arn"]], {"roles": [], "groups": [], "users": []})
            policy[target + "s"] = sorted(policy[target + "s"] + [values[target]])
        elif kind == "aws_ecs_task_definition":
            view["task_definitions"][values["family"]] = {
                "task_role": values.get("task_role_arn") or None,
                "execution_role": values.get("execution_role_arn") or None,
                "cpu": values.get("cpu") or None,
                "memory": values.get("memory") or None,
                "network_mode": values.get("network_mode"),
                "compatibilities": sorted(values.get("requires_compatibilities") or []),
                **task_platform(
                    {api: block[key] for key, api in (("cpu_architecture", "cpuArchitecture"), ("operating_system_family", "operatingSystemFamily")) if block.get(key)}
                    if (block := tf_block(values, "runtime_platform")) else None,
                    (tf_block(values, "ephemeral_storage") or {}).get("size_in_gib"),
                    values.get("pid_mode"),
                    values.get("ipc_mode"),
                    tf_volumes(values),
                ),
                "containers": json.loads(values["container_definitions"]),
            }
        elif kind == "aws_cloudwatch_log_group":
            view["log_groups"][values["name"]] = {
                "retention": values.get("retention_in_days") or None,
                # `terraform destroy` forgets the group instead of deleting it.
                "retained": bool(values.get("skip_destroy")),
            }
        else:
            raise ValueError(f"unexpected resource type {kind}")
    return picture


def terraform_identity_center(spec, plan, picture):
    """The aws_ssoadmin_* resources of Terraform's plan (moto cannot host them through the
    provider, see deploy.py), into the picture of Identity Center's account. Attachments
    and assignments find their permission set by the reference in their configuration."""
    configuration = {r["address"]: r for r in plan.get("configuration", {}).get("root_module", {}).get("resources", [])}

    def permission_set_of(address):
        references = configuration[address]["expressions"]["permission_set_arn"]["references"]
        return next(r.rsplit(".", 1)[0] for r in references if r.startswith("aws_ssoadmin_permission_set.") and r.count(".") == 2)

    resources = plan.get("planned_values", {}).get("root_module", {}).get("resources", [])
    sets = {r["address"]: r["values"] for r in resources if r["type"] == "aws_ssoadmin_permission_set"}
    if not sets:
        return
    view = picture.setdefault(spec.identity_center["account"], empty_account())
    names = {}
    for address, values in sets.items():
        names[address] = values["name"]
        view["permission_sets"][values["name"]] = permission_set(
            values["instance_arn"], values.get("description"), values.get("session_duration") or "PT1H")
    for resource in resources:
        kind, values = resource["type"], resource["values"]
        if kind == "aws_ssoadmin_permission_set" or not kind.startswith("aws_ssoadmin_"):
            continue
        entry = view["permission_sets"][names[permission_set_of(resource["address"].split("[")[0])]]
        if kind == "aws_ssoadmin_managed_policy_attachment":
            entry["managed"] = sorted(entry["managed"] + [values["managed_policy_arn"]])
        elif kind == "aws_ssoadmin_customer_managed_policy_attachment":
            for reference in values["customer_managed_policy_reference"]:
                entry["references"] = sorted(entry["references"] + [[reference.get("path") or "/", reference["name"]]])
        elif kind == "aws_ssoadmin_account_assignment":
            if values["target_type"] != "AWS_ACCOUNT":
                raise ValueError(f"{resource['address']}: an assignment to {values['target_type']}")
            entry["assignments"] = sorted(entry["assignments"] + [[values["target_id"], values["principal_type"], values["principal_id"]]])
        else:
            raise ValueError(f"unexpected resource type {kind}")


def read_identity_center(spec, sso, picture, instance_arn, skipped):
    """What moto's SSO admin API holds for the instance, into the picture of Identity
    Center's account. `skipped`: managed policies moto could not attach (see deploy.py)."""
    if sso is None:
        return
    view = picture.setdefault(spec.identity_center["account"], empty_account())
    for arn in sso.list_permission_sets(InstanceArn=instance_arn)["PermissionSets"]:
        described = sso.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["PermissionSet"]
        entry = permission_set(instance_arn, described.get("Description"), described.get("SessionDuration"))
        attached = sso.list_managed_policies_in_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["AttachedManagedPolicies"]
        entry["managed"] = sorted([p["Arn"] for p in attached] + skipped.get(described["Name"], []))
        references = sso.list_customer_managed_policy_references_in_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)
        entry["references"] = sorted([r.get("Path", "/"), r["Name"]] for r in references["CustomerManagedPolicyReferences"])
        for info in spec.accounts.values():
            for assignment in sso.list_account_assignments(InstanceArn=instance_arn, AccountId=info["id"], PermissionSetArn=arn)["AccountAssignments"]:
                entry["assignments"].append([assignment["AccountId"], assignment["PrincipalType"], assignment["PrincipalId"]])
        entry["assignments"].sort()
        view["permission_sets"][described["Name"]] = entry


def read_deployed(spec, sessions, existing):
    """What the IAM, ECS and Logs APIs return, per account, ignoring the principals that
    existed before deployment (`existing[account]`)."""
    picture = {}
    for account, session in sessions.items():
        iam, ecs, logs = session["iam"], session["ecs"], session["logs"]
        view = empty_account()
        pre = existing.get(account, {"roles": [], "groups": [], "users": []})
        module_roles = set()
        for role in paginate(iam, "list_roles", "Roles"):
            name = role["RoleName"]
            if name in pre["roles"] or name.startswith("trustgen-test"):
                continue
            module_roles.add(name)
            full = iam.get_role(RoleName=name)["Role"]
            view["roles"][name] = {
                "path": full.get("Path", "/"),
                "trust": as_document(full["AssumeRolePolicyDocument"]),
                "inline": {p: as_document(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]) for p in iam.list_role_policies(RoleName=name)["PolicyNames"]},
                "managed": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
                "boundary": full.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
                "tags": {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]},
                "max_session": full.get("MaxSessionDuration", 3600),
            }
        for policy in paginate(iam, "list_policies", "Policies", Scope="Local"):
            document = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
            document = as_document(document)
            entities = iam.list_entities_for_policy(PolicyArn=policy["Arn"])
            view["policies"][policy["PolicyName"]] = {
                "path": policy.get("Path", "/"),
                "doc": document,
                "roles": sorted(r["RoleName"] for r in entities["PolicyRoles"] if r["RoleName"] not in module_roles),
                "groups": sorted(g["GroupName"] for g in entities["PolicyGroups"]),
                "users": sorted(u["UserName"] for u in entities["PolicyUsers"]),
            }
        for arn in ecs.list_task_definitions()["taskDefinitionArns"]:
            definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
            view["task_definitions"][definition["family"]] = {
                "task_role": definition.get("taskRoleArn"),
                "execution_role": definition.get("executionRoleArn"),
                "cpu": definition.get("cpu"),
                "memory": definition.get("memory"),
                "network_mode": definition.get("networkMode"),
                "compatibilities": sorted(definition.get("requiresCompatibilities") or []),
                **task_platform(
                    definition.get("runtimePlatform"),
                    (definition.get("ephemeralStorage") or {}).get("sizeInGiB"),
                    definition.get("pidMode"),
                    definition.get("ipcMode"),
                    definition.get("volumes"),
                ),
                "containers": definition["containerDefinitions"],
            }
        for group in logs.describe_log_groups()["logGroups"]:
            # What happens on deletion is the deployment tool's: the API cannot say.
            view["log_groups"][group["logGroupName"]] = {"retention": group.get("retentionInDays"), "retained": None}
        if any(view.values()):
            picture[account] = view
    return picture


def as_document(document):
    """Policy documents come back as objects from AWS, sometimes as (encoded) JSON text."""
    if isinstance(document, str):
        text = document if document.lstrip().startswith("{") else unquote(document)
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            # moto stores inline policies created through CloudFormation as Python repr.
            return ast.literal_eval(text)
    return document


def paginate(client, operation, key, **kwargs):
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page[key]
