#!/usr/bin/env python3
"""Independent check of one `trustgen gen` output tree against its spec.

1. Static parity: the CloudFormation templates (intrinsics resolved per account) and the
   Terraform state after `terraform apply` encode the same roles, policies, attachments,
   tags and task definitions.
2. Deployment: every account's stacks are created in the manifest's stage order in a local
   moto_server, as that account; the Terraform root is applied to a fresh emulator; both
   are read back through the IAM, ECS and Logs APIs and must match each other and the files
   (container definitions included: every setting registered comes back).
3. The per-account layout (--per-account-out, the same spec generated with
   `[terraform] layout = "per-account"`): its roots are applied to a fresh emulator in the
   lock file's Terraform stages, each as its own account, with the order checked as IAM
   checks it (deploy.terraform_apply_stages); the union of their states and what the APIs
   return must equal the single root's and the templates' pictures: the same who-can-assume,
   nothing leaked, nothing missing. With an S3 backend, each root's state must sit at its
   own key of the bucket.
4. Invariants from the spec alone (see invariants.py) on every one of those pictures.

IAM Identity Center's resources cannot be deployed into moto by either backend; deploy.py
says why and how the checker creates them through moto's SSO admin API instead. A
`[bootstrap]` StackSet is deployed into an emulated organisation through the StackSet API
by each backend and read back from every account it reaches (stacksets.py).

Usage: check.py --spec SPEC --out OUT --terraform-dir DIR --moto URL
                [--per-account-out OUT2 [--per-account-only]] [--plugin-dir DIR]
Exits 0 when everything holds, 1 with the findings otherwise.
"""
import argparse
import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import deploy  # noqa: E402
import invariants  # noqa: E402
import readers  # noqa: E402
import stacksets  # noqa: E402
from specview import SpecView, snake  # noqa: E402


def diff(left, right, names, path=""):
    out = []
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            if key not in left:
                out.append(f"{path}/{key}: only in {names[1]}")
            elif key not in right:
                out.append(f"{path}/{key}: only in {names[0]}")
            else:
                out.extend(diff(left[key], right[key], names, f"{path}/{key}"))
    elif left != right:
        out.append(f"{path}: {names[0]} {json.dumps(left, sort_keys=True)} != {names[1]} {json.dumps(right, sort_keys=True)}")
    return out


# What a task definition says besides its containers, beyond IAM.
TASK_PLATFORM = ("runtime_platform", "ephemeral_storage", "pid_mode", "ipc_mode", "volumes")


def without_containers(picture):
    """A picture without the container definitions, which the API returns with defaults
    added (`cpu: 0`, `volumesFrom: []`): they are compared by `containers_kept` instead."""
    reduced = copy.deepcopy(picture)
    for view in reduced.values():
        for definition in view["task_definitions"].values():
            definition.pop("containers", None)
    return reduced


def fill_emulator_gaps(deployed, files):
    """moto's CloudFormation keeps a task definition's Family, ContainerDefinitions and
    volume names, and drops its other properties (roles, sizes, network mode, runtime
    platform, ephemeral storage, PID and IPC modes, EFS volume settings) and every role's
    ManagedPolicyArns; no API says what deleting a log group's stack does. Those come from
    the files, which the Terraform deployment checks against the API."""
    for account, view in deployed.items():
        expected = files.get(account, {})
        for name, role in view["roles"].items():
            role["managed"] = expected.get("roles", {}).get(name, {}).get("managed", role["managed"])
        for family, definition in view["task_definitions"].items():
            stated = expected.get("task_definitions", {}).get(family)
            if stated:
                if [v["name"] for v in definition["volumes"]] != [v["name"] for v in stated["volumes"]]:
                    continue  # the names moto keeps differ: left for the comparison to report
                for key in ("task_role", "execution_role", "cpu", "memory", "network_mode", "compatibilities", *TASK_PLATFORM):
                    definition[key] = stated[key]


def fill_retention_policies(deployed, files):
    """Whether a log group outlives its stack is the deployment tool's setting, not the
    API's: the files say it (and the invariants require it)."""
    for account, view in deployed.items():
        for name, group in view["log_groups"].items():
            stated = files.get(account, {}).get("log_groups", {}).get(name)
            if stated:
                group["retained"] = stated["retained"]


def normalise(picture):
    """One spelling of what means the same: empty lists a provider or API adds
    (`mountPoints: []`), an unset `configuredAtLaunch`, an EFS root directory of "/" (ECS
    reads it as no root directory); containers and volumes by name (Terraform's state keeps
    neither in the registered order: volumes are a set)."""
    def clean(value):
        if isinstance(value, dict):
            return {
                k: clean(v) for k, v in value.items()
                if v != [] and not (k == "configuredAtLaunch" and v is False) and not (k == "rootDirectory" and v == "/")
            }
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    for view in picture.values():
        for definition in view["task_definitions"].values():
            definition["containers"] = sorted(clean(definition["containers"]), key=lambda c: c["name"])
            definition["volumes"] = sorted(clean(definition["volumes"]), key=lambda v: v["name"])


def containers_kept(files, deployed, names):
    """Every container setting of the files, as the API returns it: the API may add its
    defaults (`cpu: 0`, `volumesFrom: []`), never drop or change what was registered."""
    out = []

    def walk(expected, found, path):
        if isinstance(expected, dict) and isinstance(found, dict):
            for key, value in expected.items():
                if key not in found:
                    out.append(f"{path}/{key}: in {names[0]}, not {names[1]}")
                else:
                    walk(value, found[key], f"{path}/{key}")
        elif isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
            for index, (a, b) in enumerate(zip(expected, found)):
                walk(a, b, f"{path}[{index}]")
        elif expected != found:
            out.append(f"{path}: {names[0]} {json.dumps(expected, sort_keys=True)} != {names[1]} {json.dumps(found, sort_keys=True)}")

    for account, view in files.items():
        for family, definition in view["task_definitions"].items():
            found = deployed.get(account, {}).get("task_definitions", {}).get(family)
            if found is None:
                continue  # reported by the comparison of the task definitions themselves
            by_name = {c["name"]: c for c in found["containers"]}
            for container in definition["containers"]:
                path = f"/{account}/task_definitions/{family}/containers/{container['name']}"
                if container["name"] not in by_name:
                    out.append(f"{path}: in {names[0]}, not {names[1]}")
                else:
                    walk(container, by_name[container["name"]], path)
    return out


def terraform_order(spec, plan, picture):
    """Terraform gets its order from references: each permission set's customer managed
    policy attachment must depend on the policy it references in every account it is
    assigned in (AWS refuses the assignment until that policy exists)."""
    problems = []
    if not spec.identity_center:
        return problems
    resources = plan.get("configuration", {}).get("root_module", {}).get("resources", [])
    alias_of = {info["id"]: snake(name) for name, info in spec.accounts.items()}
    policies = {}
    for resource in resources:
        if resource["type"] == "aws_iam_policy":
            expressions = resource["expressions"]
            key = (resource["provider_config_key"].rsplit(".", 1)[-1],
                   expressions.get("path", {}).get("constant_value", "/"), expressions["name"].get("constant_value"))
            policies[key] = resource["address"]
    attachments = [r for r in resources if r["type"] == "aws_ssoadmin_customer_managed_policy_attachment"]
    for name, entry in picture.get(spec.identity_center["account"], {}).get("permission_sets", {}).items():
        for account_id in sorted({a[0] for a in entry["assignments"]}):
            for path, policy in entry["references"]:
                needed = policies.get((alias_of.get(account_id), path, policy))
                waits = any(needed and needed in r.get("depends_on", []) for r in attachments)
                if not waits:
                    problems.append(f"terraform order: permission set {name} references {path}{policy} in account {account_id} without depending on the resource that creates it ({needed})")
    problems += identity_center_provider(spec, plan, "aws.identity-center")
    return problems


def identity_center_provider(spec, plan, key):
    """The provider `key` of a plan's configuration must be Identity Center's: its region,
    pinned to its account."""
    problems = []
    provider = plan.get("configuration", {}).get("provider_config", {}).get(key, {})
    expressions = provider.get("expressions", {})
    if expressions.get("region", {}).get("constant_value") != spec.identity_region():
        problems.append(f"terraform: the identity-center provider's region is not {spec.identity_region()}")
    allowed = expressions.get("allowed_account_ids", {}).get("constant_value")
    if allowed != [spec.accounts[spec.identity_center["account"]]["id"]]:
        problems.append(f"terraform: the identity-center provider is not pinned to Identity Center's account ({allowed})")
    return problems


def state_keys(spec, s3):
    """The state objects in the backend's bucket (lock files aside)."""
    backend = spec.backend()
    listed = s3.list_objects_v2(Bucket=backend["bucket"]).get("Contents", [])
    return sorted(o["Key"] for o in listed if o["Key"].endswith(".tfstate"))


def expected_keys(spec, roots):
    prefix = spec.backend()["key_prefix"]
    return sorted(f"{prefix}/{Path(root).name}.tfstate" for root in roots)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--terraform-dir", required=True)
    parser.add_argument("--moto", required=True)
    parser.add_argument("--per-account-out")
    parser.add_argument("--per-account-only", action="store_true")
    parser.add_argument("--plugin-dir", default="/opt/tf-plugins")
    args = parser.parse_args()
    spec = SpecView(args.spec)
    out = Path(args.out)
    findings = []
    pictures = []

    static_cfn = readers.read_cloudformation(spec, out)
    pictures.append(("templates", static_cfn))

    instance = (spec.identity_center or {}).get("instance_arn")
    stack_set_views = stacksets.from_templates(spec, out)
    reached = []
    deployed_tf = None
    if not args.per_account_only:
        deploy.reset(args.moto)
        sessions = {account: deploy.session_for(args.moto, spec, account) for account in spec.accounts}
        sso = deploy.sso_admin(args.moto, spec)
        existing = deploy.create_existing_principals(spec, sessions)
        expected = stacksets.organisation(args.moto, spec)

        def stack_sets(stage, stack):
            views = {n: v for n, v in stack_set_views.items() if v["account"] == stack["account"]}
            return stacksets.replay(args.moto, spec, views, f"stage {stage['stage']} {stack['template']}")

        problems, skipped = deploy.deploy_cloudformation(spec, out, sessions, sso, static_cfn, stack_sets)
        findings += [f"cloudformation deploy: {p}" for p in problems]
        found, counts = stacksets.check(args.moto, spec, stack_set_views, expected, "CloudFormation", diff)
        findings += found
        reached += counts
        deployed_cfn = readers.read_deployed(spec, sessions, existing)
        readers.read_identity_center(spec, sso, deployed_cfn, instance, skipped)

        deploy.reset(args.moto)
        sessions = {account: deploy.session_for(args.moto, spec, account) for account in spec.accounts}
        sso = deploy.sso_admin(args.moto, spec)
        existing = deploy.create_existing_principals(spec, sessions)
        s3 = deploy.create_backend(spec, args.moto)
        expected = stacksets.organisation(args.moto, spec)
        # A partial backend's settings: its s3.tfbackend, as the README's apply loop passes it.
        partial = "s3.tfbackend" if (Path(args.terraform_dir) / "s3.tfbackend").exists() else None
        state, plan = deploy.terraform_apply(args.terraform_dir, args.moto, args.plugin_dir, partial)
        views = stacksets.from_states(spec, [(state, None)], [args.terraform_dir])
        findings += [f"parity (StackSets): {line}" for line in diff(stacksets.normalised(stack_set_views), stacksets.normalised(views), ("CloudFormation", "Terraform"))]
        found, counts = stacksets.check(args.moto, spec, views, expected, "Terraform", diff)
        findings += found
        reached += counts
        static_tf = readers.read_terraform(spec, state)
        readers.terraform_identity_center(spec, plan, static_tf)
        findings += terraform_order(spec, plan, static_tf)
        skipped = {}
        if spec.identity_center:
            ic_view = static_tf.get(spec.identity_center["account"], {})
            problems, skipped = deploy.replay_identity_center(spec, sessions, sso, ic_view.get("permission_sets", {}), "terraform (after every other resource)")
            findings += [f"terraform deploy: {p}" for p in problems]
        deployed_tf = readers.read_deployed(spec, sessions, existing)
        readers.read_identity_center(spec, sso, deployed_tf, instance, skipped)
        if s3 and state_keys(spec, s3) != expected_keys(spec, ["terraform"]):
            findings.append(f"single root state keys: {state_keys(spec, s3)}")

        for picture in (static_cfn, static_tf, deployed_cfn, deployed_tf):
            normalise(picture)
        findings += [f"parity (files): {line}" for line in diff(static_cfn, static_tf, ("CloudFormation", "Terraform"))]
        fill_retention_policies(deployed_tf, static_tf)
        findings += [f"deployed Terraform vs files: {line}" for line in diff(without_containers(static_tf), without_containers(deployed_tf), ("files", "deployed"))]
        findings += [f"deployed Terraform vs files: {line}" for line in containers_kept(static_tf, deployed_tf, ("files", "deployed"))]
        # moto's CloudFormation drops a few properties it does not model (emulator gaps, not
        # ours; see fill_emulator_gaps). Those are taken from the templates, which the
        # Terraform deployment above checks against the API; everything moto keeps is compared.
        fill_emulator_gaps(deployed_cfn, static_cfn)
        fill_retention_policies(deployed_cfn, static_cfn)
        deployed_cfn_view = without_containers(deployed_cfn)
        findings += [f"deployed CloudFormation vs files: {line}" for line in diff(without_containers(static_cfn), deployed_cfn_view, ("files", "deployed"))]
        findings += [f"deployed CloudFormation vs files: {line}" for line in containers_kept(static_cfn, deployed_cfn, ("files", "deployed"))]
        findings += [f"deployed CloudFormation vs deployed Terraform: {line}" for line in diff(deployed_cfn_view, without_containers(deployed_tf), ("CloudFormation", "Terraform"))]
        pictures += [("terraform state", static_tf), ("deployed (CloudFormation)", deployed_cfn), ("deployed (Terraform)", deployed_tf)]
    else:
        normalise(static_cfn)

    roots = 0
    if args.per_account_out:
        per_account = Path(args.per_account_out)
        deploy.reset(args.moto)
        sessions = {account: deploy.session_for(args.moto, spec, account) for account in spec.accounts}
        sso = deploy.sso_admin(args.moto, spec)
        existing = deploy.create_existing_principals(spec, sessions)
        s3 = deploy.create_backend(spec, args.moto)
        expected = stacksets.organisation(args.moto, spec)
        static_ic, skipped = {}, {}

        def identity_center(plan, before):
            """Identity Center's root at its stage: what it declares, replayed through the
            SSO admin API once every policy it references exists (before the stage)."""
            nonlocal skipped
            readers.terraform_identity_center(spec, plan, static_ic)
            problems = identity_center_provider(spec, plan, "aws")
            sets = static_ic.get(spec.identity_center["account"], {}).get("permission_sets", {})
            for name, entry in sets.items():
                for account_id in sorted({a[0] for a in entry["assignments"]}):
                    for path, policy in entry["references"]:
                        arn = f"arn:{spec.partition}:iam::{account_id}:policy{path}{policy}"
                        if arn.lower() not in before:
                            problems.append(f"permission set {name} references {arn}, which no earlier stage created")
            replayed, skipped = deploy.replay_identity_center(spec, sessions, sso, sets, "its stage")
            return problems + replayed

        applied, problems = deploy.terraform_apply_stages(spec, per_account, sessions, args.moto, args.plugin_dir, identity_center)
        findings += [f"per-account apply: {p}" for p in problems]
        roots = len(applied)
        views = stacksets.from_states(spec, [(state, root["account"]) for root, state, _ in applied], [per_account / root["root"] for root, _, _ in applied])
        findings += [f"parity (StackSets, per-account): {line}" for line in diff(stacksets.normalised(stack_set_views), stacksets.normalised(views), ("CloudFormation", "per-account Terraform"))]
        found, counts = stacksets.check(args.moto, spec, views, expected, "per-account Terraform", diff)
        findings += found
        reached += counts
        static_pa = readers.read_terraform_states(spec, [(state, root["account"]) for root, state, _ in applied])
        for account, view in static_ic.items():
            static_pa.setdefault(account, readers.empty_account())["permission_sets"] = view["permission_sets"]
        deployed_pa = readers.read_deployed(spec, sessions, existing)
        readers.read_identity_center(spec, sso, deployed_pa, instance, skipped)
        root_dirs = [root["root"] for root, _, _ in applied]
        if s3 and state_keys(spec, s3) != expected_keys(spec, [r for r in root_dirs if not r.endswith("-identity-center")]):
            findings.append(f"per-account state keys: {state_keys(spec, s3)}, expected one per applied root: {expected_keys(spec, root_dirs)}")
        for picture in (static_pa, deployed_pa):
            normalise(picture)
        findings += [f"parity (files, per-account): {line}" for line in diff(static_cfn, static_pa, ("CloudFormation", "per-account Terraform"))]
        fill_retention_policies(deployed_pa, static_pa)
        findings += [f"deployed per-account vs files: {line}" for line in diff(without_containers(static_pa), without_containers(deployed_pa), ("files", "deployed"))]
        findings += [f"deployed per-account vs files: {line}" for line in containers_kept(static_pa, deployed_pa, ("files", "deployed"))]
        if deployed_tf is not None:
            findings += [f"deployed single root vs per-account: {line}" for line in diff(without_containers(deployed_tf), without_containers(deployed_pa), ("single root", "per-account"))]
        pictures += [("per-account state", static_pa), ("deployed (per-account)", deployed_pa)]

    for label, picture in pictures:
        invariants.check(spec, picture, findings, label)
        invariants.check_session_policies(spec, picture, out, lambda message, label=label: findings.append(f"{label}: {message}"))

    if findings:
        print("\n".join(findings))
        return 1
    manifest = json.loads((out / "trustgen.lock.json").read_text())
    stacks = sum(len(s["stacks"]) for s in manifest["stages"])
    stages = len(json.loads((Path(args.per_account_out) / "trustgen.lock.json").read_text()).get("terraform_stages", [])) if args.per_account_out else 0
    print(f"ok: {stacks} stacks, the Terraform root and {roots} per-account roots in {stages} stages deployed; "
          f"{sum(len(v['roles']) for v in static_cfn.values())} roles, "
          f"{sum(len(v['policies']) for v in static_cfn.values())} developer policies, "
          f"{sum(len(v['task_definitions']) for v in static_cfn.values())} task definitions, "
          f"{sum(len(v['permission_sets']) for v in static_cfn.values())} permission sets identical in files and deployment; invariants hold"
          + (f"; StackSets: the same template body in {', '.join(map(str, reached))} accounts per deployment" if reached else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
