"""The `[bootstrap]` StackSet, checked as AWS would run it: read from the files of each
backend, deployed into the emulator through the StackSet API (CloudFormation: the stack's
`AWS::CloudFormation::StackSet` replayed, since moto's CloudFormation ignores that type;
Terraform: `aws_cloudformation_stack_set` and `_instance` applied by the AWS provider),
then read back from every account that received it.

The emulated organisation: its management account (the StackSet's own account when it is
called as SELF, else one of no spec), the StackSet's account as a delegated administrator
(DELEGATED_ADMIN), and each targeted OU under the spec's id holding two accounts of no
spec (ids moto makes up: the accounts created tomorrow, which nobody named) plus every
account a target names in `accounts` or `exclude_accounts`, by its id. moto_server.py
says which gaps of moto's StackSets it fills for that; AutoDeployment (an account joining
an OU later) is not emulated, so the accounts exist before the instances are created.

What every receiving account must hold, from the spec alone: exactly the baseline (the
template body, resolved for that account), and the body names no account of the
organisation but the developer role's trusted ones: the same text in two accounts gives
each its own ARNs. Which accounts receive it: every account of the targeted OUs, but the
excluded ones, or only the listed ones; never an account the spec does not reach.
"""
import json
import re
from pathlib import Path

import cfn_yaml
import deploy
import readers

MANAGEMENT = "100000000099"  # the emulated management account, when it is none of the spec's
FRESH_PER_UNIT = 2
BASELINE_ROLE_SKIPPED = ("OrganizationAccountAccessRole",)


def _preferences(props, names):
    return {key: props[name] for key, name in names if props.get(name) not in (None, [], "")}


PREFERENCES = (("max_concurrent_count", "MaxConcurrentCount"), ("max_concurrent_percentage", "MaxConcurrentPercentage"),
               ("failure_tolerance_count", "FailureToleranceCount"), ("failure_tolerance_percentage", "FailureTolerancePercentage"),
               ("region_concurrency_type", "RegionConcurrencyType"), ("region_order", "RegionOrder"))


def from_templates(spec, out):
    """{name: view} of the StackSets the CloudFormation files declare, each with its
    account: what the stack's AWS::CloudFormation::StackSet says."""
    found = {}
    for account in spec.accounts:
        for path in sorted((out / "cloudformation" / account).glob("*.yaml")):
            if path.name == "bootstrap-template.yaml":
                continue
            template = cfn_yaml.load(path.read_text())
            for resource in template["Resources"].values():
                if resource["Type"] != "AWS::CloudFormation::StackSet":
                    continue
                props = resource["Properties"]
                auto = props.get("AutoDeployment", {})
                found[props["StackSetName"]] = {
                    "account": account,
                    "body": str(props["TemplateBody"]),
                    "permission_model": props["PermissionModel"],
                    "call_as": props.get("CallAs", "SELF"),
                    "capabilities": sorted(props.get("Capabilities", [])),
                    "auto_deployment": [auto.get("Enabled"), auto.get("RetainStacksOnAccountRemoval", False)],
                    "preferences": _preferences(props.get("OperationPreferences", {}), PREFERENCES),
                    "targets": sorted(
                        [sorted(group["DeploymentTargets"]["OrganizationalUnitIds"]),
                         group["DeploymentTargets"].get("AccountFilterType", "NONE"),
                         sorted(group["DeploymentTargets"].get("Accounts", [])),
                         sorted(group["Regions"])]
                        for group in props["StackInstancesGroup"]),
                }
    return found


def from_states(spec, states, directories):
    """The same view from Terraform states: `states` are (state, account or None);
    `directories` the roots' (moto's DescribeStackSet omits AutoDeployment, so the
    provider's state loses it: it is read from the roots' configuration instead)."""
    alias_to_account = {readers.snake(name): name for name in spec.accounts}
    sets, instances = {}, []
    for state, account in states:
        for resource in state.get("resources", []):
            owner = account or alias_to_account.get(resource["provider"].rsplit(".", 1)[-1])
            for instance in resource["instances"]:
                values = instance["attributes"]
                if resource["type"] == "aws_cloudformation_stack_set":
                    auto = (values.get("auto_deployment") or [{}])[0]
                    sets[values["name"]] = {
                        "account": owner,
                        "body": values["template_body"],
                        "permission_model": values["permission_model"],
                        "call_as": values.get("call_as") or "SELF",
                        "capabilities": sorted(values.get("capabilities") or []),
                        "auto_deployment": [auto.get("enabled"), bool(auto.get("retain_stacks_on_account_removal"))],
                        "preferences": {k: v for k, v in ((values.get("operation_preferences") or [{}])[0]).items() if v not in (None, [], "", 0)},
                        "targets": [],
                    }
                elif resource["type"] == "aws_cloudformation_stack_set_instance":
                    instances.append(values)
    for values in instances:
        targets = (values.get("deployment_targets") or [{}])[0]
        entry = sets.get(values["stack_set_name"])
        if entry is not None:
            entry["targets"].append([sorted(targets.get("organizational_unit_ids") or []),
                                     targets.get("account_filter_type") or "NONE",
                                     sorted(targets.get("accounts") or []), [values["region"]]])
    configured = auto_deployment_configured(directories)
    for entry in sets.values():
        if entry["auto_deployment"][0] is None and configured is not None:
            entry["auto_deployment"] = configured
        entry["targets"].sort()
        # CloudFormation's zero counts are "unset": the template writes none of them.
        entry["preferences"] = {k: v for k, v in entry["preferences"].items() if v != 0}
    return sets


def auto_deployment_configured(directories):
    """[enabled, retain] as the roots' `auto_deployment` block writes them, or None."""
    for directory in directories:
        for path in sorted(Path(directory).glob("*.tf")):
            block = re.search(r"auto_deployment \{([^}]*)\}", path.read_text())
            if block:
                values = dict(re.findall(r"(\w+)\s*=\s*(true|false)", block.group(1)))
                return [values.get("enabled") == "true", values.get("retain_stacks_on_account_removal") == "true"]
    return None


def normalised(views):
    """Preferences as one spelling: CloudFormation's names, numbers as numbers."""
    out = {}
    for name, view in views.items():
        view = json.loads(json.dumps(view))
        view["preferences"] = {k: v for k, v in view["preferences"].items() if v not in (None, [], "", 0)}
        out[name] = view
    return out


def organisation(endpoint, spec):
    """Creates the emulated organisation the spec's `[bootstrap]` targets, and says, from
    the spec alone, which of its accounts the StackSet must reach and which it must not:
    {StackSet name: (receive, others)}."""
    bootstrap = spec.raw.get("bootstrap")
    if not bootstrap:
        return {}
    holder = spec.accounts[bootstrap["account"]]
    self_managed = bootstrap.get("call_as", "SELF") == "SELF"
    management = holder["id"] if self_managed else MANAGEMENT
    org = deploy.clients_as(endpoint, spec.partition, management, holder["region"], ("organizations",), "trustgen-org")["organizations"]
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    known = {a["Id"] for a in org.list_accounts()["Accounts"]}

    def account(account_id=None, parent=root):
        label = account_id or f"fresh-{len(known)}"
        created = org.create_account(Email=f"{label}@example.com", AccountName=label)["CreateAccountStatus"]["AccountId"]
        known.add(created)
        if parent != root:
            org.move_account(AccountId=created, SourceParentId=root, DestinationParentId=parent)
        return created

    if not self_managed:
        account(holder["id"])
        try:
            org.register_delegated_administrator(AccountId=holder["id"], ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
        except org.exceptions.InvalidInputException:
            pass  # moto 5.2 knows no delegated administrator for StackSets (a gap); membership is what it resolves by
    receive, others = set(), set()
    for target in bootstrap.get("targets", []):
        listed, excluded = target.get("accounts", []), target.get("exclude_accounts", [])
        for unit in target["organizational_units"]:
            created = org.create_organizational_unit(ParentId=root, Name=unit)["OrganizationalUnit"]["Id"]
            fresh = [account(parent=created) for _ in range(FRESH_PER_UNIT)]
            named = [account(i, created) for i in listed + excluded if i not in known]
            members = fresh + named
            chosen = [a for a in members if (a in listed if listed else a not in excluded)]
            receive |= set(chosen)
            others |= set(members) - set(chosen)
    name = bootstrap.get("stack_set_name", f"{spec.project}-dev-baseline")
    return {name: (receive, others)}


def replay(endpoint, spec, views, when):
    """Creates each StackSet as its stack would: through the API, as its account."""
    problems = []
    for name, view in views.items():
        holder = spec.accounts[view["account"]]
        cloudformation = deploy.clients_as(endpoint, spec.partition, holder["id"], holder["region"], ("cloudformation",))["cloudformation"]
        cloudformation.create_stack_set(
            StackSetName=name, TemplateBody=view["body"], PermissionModel=view["permission_model"],
            CallAs=view["call_as"], Capabilities=view["capabilities"],
            AutoDeployment={"Enabled": view["auto_deployment"][0], "RetainStacksOnAccountRemoval": view["auto_deployment"][1]},
        )
        for units, kind, listed, regions in view["targets"]:
            targets = {"OrganizationalUnitIds": units}
            if kind != "NONE":
                targets.update({"AccountFilterType": kind, "Accounts": listed})
            cloudformation.create_stack_instances(StackSetName=name, DeploymentTargets=targets, Regions=regions, CallAs=view["call_as"])
    return [f"{when}: {p}" for p in problems]


def baseline_view(spec, body, account_id, region):
    """The roles and policies the template body creates in `account_id`."""
    template = cfn_yaml.load(body)
    pseudo = {"AWS::AccountId": account_id, "AWS::Region": region, "AWS::Partition": spec.partition}
    refs, getatt = {}, {}
    for logical, resource in template["Resources"].items():
        props = resource["Properties"]
        if resource["Type"] == "AWS::IAM::Role":
            refs[logical] = props["RoleName"]
            getatt[(logical, "Arn")] = f"arn:{spec.partition}:iam::{account_id}:role{props.get('Path', '/')}{props['RoleName']}"
        elif resource["Type"] == "AWS::IAM::ManagedPolicy":
            refs[logical] = f"arn:{spec.partition}:iam::{account_id}:policy{props.get('Path', '/')}{props['ManagedPolicyName']}"
        else:
            raise ValueError(f"the StackSet's template body holds a {resource['Type']}: the baseline is IAM only")
    context = {"pseudo": pseudo, "refs": refs, "getatt": getatt}
    view = {"roles": {}, "policies": {}}
    for resource in template["Resources"].values():
        props = readers.cfn_resolve(resource["Properties"], context)
        if resource["Type"] == "AWS::IAM::Role":
            view["roles"][props["RoleName"]] = {
                "path": props.get("Path", "/"), "trust": props["AssumeRolePolicyDocument"],
                "managed": sorted(props.get("ManagedPolicyArns", [])),
                "tags": {t["Key"]: t["Value"] for t in props.get("Tags", [])},
                "max_session": props.get("MaxSessionDuration", 3600),
            }
        else:
            view["policies"][props["ManagedPolicyName"]] = {
                "path": props.get("Path", "/"), "doc": props["PolicyDocument"],
                "roles": sorted(props.get("Roles", [])), "groups": sorted(props.get("Groups", [])),
                "users": sorted(props.get("Users", [])),
            }
    return view


def deployed_view(iam, baseline):
    """What IAM holds of the baseline's kinds in one account (the organisation's own access
    role aside)."""
    view = {"roles": {}, "policies": {}}
    for role in readers.paginate(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        if name in BASELINE_ROLE_SKIPPED or name.startswith("trustgen-test"):
            continue
        full = iam.get_role(RoleName=name)["Role"]
        view["roles"][name] = {
            "path": full.get("Path", "/"), "trust": readers.as_document(full["AssumeRolePolicyDocument"]),
            "managed": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
            "tags": {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]},
            "max_session": full.get("MaxSessionDuration", 3600),
        }
    for policy in readers.paginate(iam, "list_policies", "Policies", Scope="Local"):
        document = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
        entities = iam.list_entities_for_policy(PolicyArn=policy["Arn"])
        view["policies"][policy["PolicyName"]] = {
            "path": policy.get("Path", "/"), "doc": readers.as_document(document),
            "roles": sorted(r["RoleName"] for r in entities["PolicyRoles"] if r["RoleName"] not in view["roles"]),
            "groups": sorted(g["GroupName"] for g in entities["PolicyGroups"]),
            "users": sorted(u["UserName"] for u in entities["PolicyUsers"]),
        }
    return view


def check(endpoint, spec, views, expected, label, diff):
    """Every StackSet deployed: its instances are exactly in the accounts it reaches, each
    of which holds exactly the baseline resolved for it; the body holds no account of the
    organisation but the trusted ones; and the baseline keeps the spec's promises."""
    findings, counts = [], []
    for name, view in views.items():
        holder = spec.accounts[view["account"]]
        if name not in expected:
            findings.append(f"{label}: StackSet {name} is none the spec declares")
            continue
        receive, others = expected[name]
        cloudformation = deploy.clients_as(endpoint, spec.partition, holder["id"], holder["region"], ("cloudformation",))["cloudformation"]
        instances = cloudformation.list_stack_instances(StackSetName=name, CallAs=view["call_as"])["Summaries"]
        deployed_to = {i["Account"] for i in instances}
        if deployed_to != receive:
            findings.append(f"{label}: StackSet {name} has instances in {sorted(deployed_to)}, expected exactly {sorted(receive)} (not {sorted(others)})")
        described = cloudformation.describe_stack_set(StackSetName=name, CallAs=view["call_as"])["StackSet"]
        if described.get("TemplateBody") != view["body"] or described.get("PermissionModel") != "SERVICE_MANAGED":
            findings.append(f"{label}: StackSet {name} as deployed is not the files' (template body or permission model)")
        trusted = {spec.accounts[a]["id"] for a in (spec.developers or {}).get("trusted_accounts", [])}
        for other in sorted({*spec_ids(spec), *receive, *others} - trusted):
            if other in view["body"]:
                findings.append(f"{label}: StackSet {name}'s template body names account {other}: it must be account-agnostic")
        for account_id in sorted(receive):
            iam = deploy.clients_as(endpoint, spec.partition, account_id, holder["region"], ("iam",))["iam"]
            want = baseline_view(spec, view["body"], account_id, holder["region"])
            got = deployed_view(iam, want)
            # moto's CloudFormation ignores a role's ManagedPolicyArns (the gap check.py's
            # fill_emulator_gaps names): taken from the body, which `promises` checks.
            for role, entry in got["roles"].items():
                if role in want["roles"] and not entry["managed"]:
                    entry["managed"] = want["roles"][role]["managed"]
            findings += [f"{label}: StackSet {name} in account {account_id}: {line}" for line in diff(want, got, ("body", "deployed"))]
            findings += [f"{label}: StackSet {name} in account {account_id}: {p}" for p in promises(spec, got, account_id)]
        if len(receive) < 2:
            findings.append(f"{label}: StackSet {name} reached {len(receive)} account(s): the same body must be proven in two or more")
        counts.append(len(receive))
    return findings, counts


def spec_ids(spec):
    return {info["id"] for info in spec.accounts.values()}


def promises(spec, view, account_id):
    """The baseline from the spec alone: the developer role trusts exactly the trusted
    accounts' roots (with MFA where asked), the developer policy in tagged mode assumes
    only this account's tagged roles and denies tagging them, in simulate mode only this
    account's simulator."""
    problems = []
    developers = spec.developers or {}
    partition = spec.partition
    if developers.get("create_role"):
        role = view["roles"].get(developers.get("role_name", "developer"))
        if role is None:
            problems.append("no developer role")
        else:
            roots = sorted(f"arn:{partition}:iam::{spec.accounts[a]['id']}:root" for a in developers.get("trusted_accounts", []))
            for statement in readers_statements(role["trust"]):
                principals = sorted(as_list(statement.get("Principal", {}).get("AWS")))
                if principals != roots:
                    problems.append(f"developer role trusts {principals}, the spec says {roots}")
                if spec.require_mfa and statement.get("Condition", {}).get("Bool", {}).get("aws:MultiFactorAuthPresent") != "true":
                    problems.append("developer role trust lacks MFA")
    policy = view["policies"].get(spec.developer_policy_name())
    if policy is not None:
        for statement in readers_statements(policy["doc"]):
            resources = as_list(statement.get("Resource"))
            own = f"arn:{partition}:iam::{account_id}:role/"
            if any(not r.startswith(own) for r in resources):
                problems.append(f"developer policy statement {statement.get('Sid')} reaches {resources}, outside account {account_id}")
            if spec.mode == "tagged" and statement.get("Effect") == "Allow":
                key, value = spec.tag
                if statement.get("Condition", {}).get("StringEquals", {}).get(f"iam:ResourceTag/{key}") != value:
                    problems.append("developer policy assumes roles without the dev-access tag condition")
            if spec.mode == "simulate" and statement.get("Effect") == "Allow" and resources != [f"{own}{spec.project}-simulator"]:
                problems.append(f"developer policy allows {resources}, not only this account's simulator")
    return problems


def readers_statements(document):
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
