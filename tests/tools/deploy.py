"""Deploying an output tree into a local moto_server, as each account.

moto scopes credentials from sts:AssumeRole to the role's account, so assuming
`arn:<partition>:iam::<id>:role/trustgen-test` gives a session in account <id>.

IAM Identity Center (moto 5.2): moto implements the SSO admin API (permission sets, their
managed and customer managed policy attachments, account assignments) but neither
backend can deploy to it. Its CloudFormation has no AWS::SSO::* resources (a template
that reads their attributes is refused outright), and the AWS provider's
aws_ssoadmin_permission_set reads tags through ListTagsForResource, which moto lacks (the
provider retries it until it times out). So the Identity Center stack is not submitted
to moto's CloudFormation, and Terraform applies every resource but the aws_ssoadmin_*
ones; in their place the checker creates what each backend's files declare through
moto's SSO admin API, at the point of the deployment where the backend would: after the
stages before it (CloudFormation), after everything else (Terraform). It first requires
that every policy a permission set references exists in each account it is assigned in
(AWS fails the assignment otherwise; moto does not check). One more moto gap: it looks
AWS managed policies up at path / only, so one under a path (job-function/...) cannot be
attached to a permission set there; the checker requires it to exist in IAM instead and
reports it as attached.
"""
import contextlib
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import boto3

SESSION_ROLE = "trustgen-test"


# Generous, and retried: on a busy machine the emulator may take long to answer, and a
# test must not fail because the machine is slow (only because something is wrong).
RESET_TIMEOUT_SECONDS = 300
RESET_ATTEMPTS = 3


def reset(endpoint):
    for attempt in range(1, RESET_ATTEMPTS + 1):
        request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        try:
            urllib.request.urlopen(request, timeout=RESET_TIMEOUT_SECONDS).read()
            return
        except (TimeoutError, urllib.error.URLError) as error:
            if attempt == RESET_ATTEMPTS:
                raise RuntimeError(f"moto_server did not reset after {attempt} attempts: {error}") from error
            time.sleep(2 * attempt)


# One boto3 session for every client: each session loads the services' models again, which
# costs more CPU than the calls a check makes. Credentials are given per client.
BOTO = boto3.Session()


def clients_as(endpoint, partition, account_id, region, services, session_name="trustgen-test"):
    """Clients of `services` acting in `account_id`: moto scopes the credentials of an
    assumed role to the role's account."""
    sts = BOTO.client("sts", endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test")
    credentials = sts.assume_role(
        RoleArn=f"arn:{partition}:iam::{account_id}:role/{SESSION_ROLE}", RoleSessionName=session_name
    )["Credentials"]
    return {
        service: BOTO.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        for service in services
    }


def session_for(endpoint, spec, account):
    info = spec.accounts[account]
    return clients_as(endpoint, spec.partition, info["id"], info["region"], ("iam", "cloudformation", "ecs", "logs", "s3"))


# CloudFormation takes at most 51,200 bytes inline; a bigger template must come from S3.
TEMPLATE_BODY_LIMIT = 51_200


def sso_admin(endpoint, spec):
    """An SSO admin client as Identity Center's account, in its region; None without one."""
    if not spec.identity_center:
        return None
    info = spec.accounts[spec.identity_center["account"]]
    return clients_as(endpoint, spec.partition, info["id"], spec.identity_region(), ("sso-admin",))["sso-admin"]


def replay_identity_center(spec, sessions, sso, permission_sets, when):
    """Creates `permission_sets` (a picture's) through the SSO admin API. Returns the
    problems seen and, per permission set, the managed policies moto could not attach."""
    problems, skipped = [], {}
    by_id = {info["id"]: name for name, info in spec.accounts.items()}
    for name, entry in permission_sets.items():
        for account_id, _, _ in entry["assignments"]:
            account = by_id.get(account_id)
            if account is None:
                problems.append(f"{when}: {name} is assigned in account {account_id}, which the spec does not have")
                continue
            for path, policy in entry["references"]:
                arn = f"arn:{spec.partition}:iam::{account_id}:policy{path}{policy}"
                try:
                    sessions[account]["iam"].get_policy(PolicyArn=arn)
                except sessions[account]["iam"].exceptions.NoSuchEntityException:
                    problems.append(f"{when}: permission set {name} is assigned in {account} and references {arn}, which does not exist there yet")
        created = sso.create_permission_set(
            Name=name, InstanceArn=entry["instance_arn"], Description=entry["description"] or "",
            SessionDuration=entry["session_duration"],
        )["PermissionSet"]["PermissionSetArn"]
        identity = sessions[spec.identity_center["account"]]["iam"]
        for arn in entry["managed"]:
            try:
                identity.get_policy(PolicyArn=arn)
            except identity.exceptions.NoSuchEntityException:
                problems.append(f"{when}: permission set {name} attaches {arn}, which is no AWS managed policy")
                continue
            try:
                sso.attach_managed_policy_to_permission_set(InstanceArn=entry["instance_arn"], PermissionSetArn=created, ManagedPolicyArn=arn)
            except sso.exceptions.ResourceNotFoundException:
                if arn.split(":policy", 1)[1].count("/") < 2:
                    raise
                skipped.setdefault(name, []).append(arn)  # moto's gap: paths other than /
        for path, policy in entry["references"]:
            sso.attach_customer_managed_policy_reference_to_permission_set(
                InstanceArn=entry["instance_arn"], PermissionSetArn=created,
                CustomerManagedPolicyReference={"Name": policy, "Path": path},
            )
        for account_id, principal_type, principal_id in entry["assignments"]:
            sso.create_account_assignment(
                InstanceArn=entry["instance_arn"], PermissionSetArn=created, TargetType="AWS_ACCOUNT",
                TargetId=account_id, PrincipalType=principal_type, PrincipalId=principal_id,
            )
    return problems, skipped


def create_existing_principals(spec, sessions):
    """The developer roles, groups and users a spec attaches its policy to exist already."""
    created = {}
    for account, session in sessions.items():
        existing = spec.existing_principals(account)
        iam = session["iam"]
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": spec.root(account)}, "Action": "sts:AssumeRole"}]})
        for name in existing["roles"]:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        for name in existing["groups"]:
            iam.create_group(GroupName=name)
        for name in existing["users"]:
            iam.create_user(UserName=name)
        created[account] = existing
    return created


def deploy_cloudformation(spec, out, sessions, sso=None, picture=None, stack_sets=None):
    """Creates every stack in the manifest's stage order; returns the problems seen and the
    managed policies moto could not attach to permission sets. The Identity Center stack
    is replayed through the SSO admin API from `picture` (the templates read); a stack
    holding a StackSet through `stack_sets(stage, stack)` (stacksets.py: moto's
    CloudFormation ignores the AWS::CloudFormation::StackSet type)."""
    problems, skipped = [], {}
    manifest = json.loads((out / "trustgen.lock.json").read_text())
    for stage in manifest["stages"]:
        for stack in stage["stacks"]:
            client = sessions[stack["account"]]["cloudformation"]
            body = (out / stack["template"]).read_text()
            if "AWS::SSO::" in body:
                if stack["region"] != spec.identity_region() or stack["account"] != spec.identity_center["account"]:
                    problems.append(f"stage {stage['stage']} {stack['template']}: deploys to {stack['account']} {stack['region']}, not Identity Center's account and region")
                found, skipped = replay_identity_center(
                    spec, sessions, sso, picture[stack["account"]]["permission_sets"], f"stage {stage['stage']} {stack['template']}")
                problems += found
                continue
            if "AWS::CloudFormation::StackSet" in body:
                problems += stack_sets(stage, stack)
                continue
            if spec.partition != "aws":
                # moto resolves ${AWS::Partition} to "aws" in every region (an emulator gap);
                # CloudFormation itself gives the region's partition, as written here.
                body = body.replace("${AWS::Partition}", spec.partition)
            source = {"TemplateBody": body}
            if len(body.encode()) > TEMPLATE_BODY_LIMIT:
                source = {"TemplateURL": upload_template(sessions[stack["account"]]["s3"], stack, body)}
            try:
                client.create_stack(
                    StackName=stack["stack_name"],
                    Capabilities=["CAPABILITY_NAMED_IAM"],
                    **source,
                )
            except client.exceptions.ClientError as error:
                # moto fails some creations at once (a name that exists): AWS would fail the stack.
                problems.append(f"stage {stage['stage']} {stack['template']}: CREATE_FAILED: {error}")
                continue
            status = wait_for_stack(client, stack["stack_name"])
            if status != "CREATE_COMPLETE":
                events = client.describe_stack_events(StackName=stack["stack_name"])["StackEvents"]
                reasons = "; ".join(e.get("ResourceStatusReason", "") for e in events if e.get("ResourceStatusReason"))
                problems.append(f"stage {stage['stage']} {stack['template']}: {status}: {reasons}")
    return problems, skipped


def upload_template(s3, stack, body):
    """Puts a template into a bucket of the stack's account, as a real deployment must."""
    bucket = f"trustgen-templates-{stack['account_id']}"
    try:
        if stack["region"] == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": stack["region"]})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_object(Bucket=bucket, Key=stack["template"], Body=body.encode())
    # The form CloudFormation documents; moto resolves it against its own S3.
    return f"https://{bucket}.s3.amazonaws.com/{stack['template']}"


def wait_for_stack(client, name):
    deadline = time.time() + 600
    while time.time() < deadline:
        status = client.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if not status.endswith("IN_PROGRESS"):
            return status
        time.sleep(0.2)
    return "TIMEOUT"


# The AWS provider spends about half its CPU in Go's garbage collector; collecting only
# near a memory ceiling halves what each terraform run costs the tests (same behaviour).
TERRAFORM_ENV = {
    "TF_IN_AUTOMATION": "1",
    "CHECKPOINT_DISABLE": "1",
    "TF_CLI_CONFIG_FILE": "/dev/null",
    "GOGC": "off",
    "GOMEMLIMIT": "512MiB",
}


def emulator_environment(endpoint):
    """Every AWS service the provider calls, pointed at the emulator through the AWS SDK's
    AWS_ENDPOINT_URL: one variable covers every service, so no call can leave for AWS. Not
    the provider's `endpoints` block: validating that block (hundreds of attributes)
    costs the provider about 1.5 CPU-seconds per provider configuration, in every plan and
    every apply, which was most of what deploying the examples cost the tests."""
    return {"AWS_ENDPOINT_URL": endpoint} if endpoint else {}


def terraform(directory, *args, env=None):
    result = subprocess.run(
        ["terraform", *args, "-no-color"],
        cwd=directory, capture_output=True, text=True, env={**os.environ, **TERRAFORM_ENV, **(env or {})},
    )
    if result.returncode != 0:
        # The error first, and only the end of the plan: CI keeps a bounded log, and a
        # long plan once pushed the error itself out of it.
        tail = "\n".join(result.stdout.splitlines()[-40:])
        raise RuntimeError(f"terraform {args[0]} failed in {directory}:\n{result.stderr}\n[last lines of its output]\n{tail}")
    return result.stdout


def backend_environment(endpoint):
    """How a root's S3 backend reaches the emulator with nothing added to its configuration,
    so that `terraform init` runs as the README's apply loop types it: no -backend-config
    but the root's own s3.tfbackend (partial = true). A -backend-config file is merged into
    the backend block and hides mistakes in it (an `assume_role` block where Terraform
    wants an attribute passed that way, and failed a plain init). Credentials and endpoints
    come from the AWS SDK's environment variables. The S3 backend addresses buckets by
    virtual host and reads no environment variable for path style, so S3's endpoint is a
    `localhost` name and HTTP_PROXY sends its requests, bucket in the Host header, to the
    emulator; Go never proxies a loopback address, so the other endpoints are reached
    directly."""
    port = urllib.parse.urlsplit(endpoint).port
    return {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_ENDPOINT_URL_S3": f"http://localhost:{port}",
        "AWS_ENDPOINT_URL_STS": endpoint,
        "AWS_ENDPOINT_URL_IAM": endpoint,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "HTTP_PROXY": endpoint,
        "http_proxy": endpoint,
        "NO_PROXY": "",
        "no_proxy": "",
    }


def create_backend(spec, endpoint):
    """The state bucket (and lock table) an S3 backend names, in the account of its role."""
    backend = spec.backend()
    if not backend or backend.get("type") != "s3":
        return None
    role = backend.get("role_arn")
    account = role.split(":")[4] if role else "123456789012"
    clients = clients_as(endpoint, spec.partition, account, backend["region"], ("s3", "dynamodb"), "trustgen-state")
    s3 = clients["s3"]
    if backend["region"] == "us-east-1":
        s3.create_bucket(Bucket=backend["bucket"])
    else:
        s3.create_bucket(Bucket=backend["bucket"], CreateBucketConfiguration={"LocationConstraint": backend["region"]})
    if backend.get("dynamodb_table"):
        clients["dynamodb"].create_table(
            TableName=backend["dynamodb_table"],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return s3


def declares_identity_center(directory):
    return any("\nresource \"aws_ssoadmin_" in path.read_text() for path in Path(directory).glob("*.tf"))


@contextlib.contextmanager
def shared_provider(plugin_dir, endpoint):
    """One AWS provider process for a series of one-provider roots, attached to by every
    terraform run through TF_REATTACH_PROVIDERS (Terraform's provider debugging protocol):
    the provider then starts once, instead of three or four times per root, which is most
    of what applying a small root costs. Each root still configures it with its own
    provider block (region, allowed_account_ids, assume_role), so nothing it checks
    changes. Never for a root with aliased providers, which would share one configuration.
    Yields the environment to run terraform with; stops the provider (by its PID) after."""
    binary = next(Path(plugin_dir).glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*"))
    # AWS_CA_BUNDLE: the provider in debug mode refuses to add a CA bundle to its HTTP
    # client; the emulator is plain HTTP.
    env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
    env.update({"GOGC": TERRAFORM_ENV["GOGC"], "GOMEMLIMIT": TERRAFORM_ENV["GOMEMLIMIT"]})
    # A reattached provider makes its calls with its own environment, not terraform's.
    env.update(emulator_environment(endpoint))
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen([str(binary), "-debug"], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.time() + 300
            reattach = None
            while reattach is None:
                log.seek(0)
                found = re.search(r"TF_REATTACH_PROVIDERS='(.*)'", log.read())
                if found:
                    reattach = found.group(1)
                elif process.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the AWS provider did not start in debug mode:\n{log.read()}")
                else:
                    time.sleep(0.1)
            yield {"TF_REATTACH_PROVIDERS": reattach}
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def terraform_apply(directory, endpoint=None, plugin_dir=None, backend_config=None, env=None):
    """Applies one root; returns its state (format 4), which records each resource's
    provider (so, in the single root, its account) next to its attributes, and, for a root
    declaring IAM Identity Center's resources, the plan (`terraform show -json`; else {}).
    The aws_ssoadmin_* resources are planned, not applied (see the module's docstring). A
    root with a backend is initialised against the emulator first and its state pulled
    from there."""
    directory = Path(directory)
    remote = (directory / "backend.tf").exists()
    env = {**emulator_environment(endpoint), **(env or {})}
    if remote:
        env = {**env, **backend_environment(endpoint)}
        args = ["init", "-input=false", f"-plugin-dir={plugin_dir}"]
        if backend_config:
            args.append(f"-backend-config={backend_config}")
        terraform(directory, *args, env=env)
    plan, targets = {}, []
    if declares_identity_center(directory):
        terraform(directory, "plan", "-input=false", "-out=trustgen.tfplan", env=env)
        plan = json.loads(terraform(directory, "show", "-json", "trustgen.tfplan", env=env))
        changes = plan.get("resource_changes", [])
        targets = [f"-target={address}" for address in sorted({
            change["address"].split("[")[0] for change in changes if not change["type"].startswith("aws_ssoadmin_")
        })]
        if not targets:
            # Nothing but Identity Center's resources (its per-account root): nothing to apply.
            return {"resources": []}, plan
    # One request at a time: moto_server's backends are not safe under concurrent writes
    # from several accounts' providers (a CI run once saw CreateRole fail with
    # EntityAlreadyExists for two accounts' same-named roles). Same resources, same checks.
    terraform(directory, "apply", "-auto-approve", "-input=false", "-parallelism=1", *targets, env=env)
    if remote:
        return json.loads(terraform(directory, "state", "pull", env=env)), plan
    return json.loads((directory / "terraform.tfstate").read_text()), plan


def existing_arns(sessions):
    """Every role and customer managed policy ARN in the emulator, lowercased (IAM compares
    role names ignoring case)."""
    arns = set()
    for session in sessions.values():
        iam = session["iam"]
        for page in iam.get_paginator("list_roles").paginate():
            arns.update(role["Arn"].lower() for role in page["Roles"])
        for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
            arns.update(policy["Arn"].lower() for policy in page["Policies"])
    return arns


def created_arns(state):
    return {
        instance["attributes"]["arn"].lower()
        for resource in state.get("resources", [])
        if resource["type"] in ("aws_iam_role", "aws_iam_policy")
        for instance in resource["instances"]
    }


def named_arns(state):
    """(resource, ARN) for every role a trust policy names and every policy an attachment
    names: what IAM requires to exist when the resource is created."""
    named = []
    for resource in state.get("resources", []):
        for instance in resource["instances"]:
            values = instance["attributes"]
            address = f"{resource['type']}.{resource['name']}"
            if resource["type"] == "aws_iam_role":
                for statement in as_list(json.loads(values["assume_role_policy"]).get("Statement")):
                    principal = statement.get("Principal")
                    if isinstance(principal, dict):
                        named += [(address, arn) for arn in as_list(principal.get("AWS")) if ":role/" in arn]
            elif resource["type"] == "aws_iam_role_policy_attachment" and ":iam::aws:" not in values["policy_arn"]:
                named.append((address, values["policy_arn"]))
    return named


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


ONE_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


def terraform_apply_stages(spec, out, sessions, endpoint, plugin_dir, identity_center):
    """Applies every per-account root in the lock file's stages, and checks the order the
    way IAM would: a role or policy a root's trust policies or attachments name must exist
    before the root's stage began, or be created by the root itself (which Terraform
    orders). Also that each root deploys with its one unaliased provider into its own
    account. IAM Identity Center's root is planned, and `identity_center(plan, before)`
    replays it at its stage (moto cannot host its resources through the provider).
    Returns ([(root entry, state, plan)], problems)."""
    manifest = json.loads((Path(out) / "trustgen.lock.json").read_text())
    applied, problems = [], []
    with shared_provider(plugin_dir, endpoint) as env:
        for stage in manifest.get("terraform_stages", []):
            apply_stage(stage, out, sessions, endpoint, plugin_dir, identity_center, env, applied, problems)
    return applied, problems


def apply_stage(stage, out, sessions, endpoint, plugin_dir, identity_center, env, applied, problems):
    """Applies one stage's roots, checking each against what existed before the stage."""
    before = existing_arns(sessions)
    for root in stage["roots"]:
        where = f"stage {stage['stage']} {root['root']}"
        try:
            state, plan = terraform_apply(Path(out) / root["root"], endpoint, plugin_dir, root.get("backend_config"), env)
        except RuntimeError as error:
            problems.append(f"{where}: {error}")
            continue
        own = created_arns(state)
        for address, arn in named_arns(state):
            if arn.lower() not in before and arn.lower() not in own:
                problems.append(f"{where}: {address} names {arn}, which no earlier stage created (IAM refuses it)")
        for resource in state.get("resources", []):
            if resource["provider"] != ONE_PROVIDER:
                problems.append(f"{where}: {resource['type']}.{resource['name']} uses {resource['provider']}, not the root's one provider")
        configured = sorted(plan.get("configuration", {}).get("provider_config", {"aws": {}}))
        if configured != ["aws"]:
            problems.append(f"{where}: providers {configured}, not one without alias")
        for arn in own:
            if arn.split(":")[4] != root["account_id"]:
                problems.append(f"{where}: created {arn} outside account {root['account_id']}")
        if plan:
            problems += [f"{where}: {p}" for p in identity_center(plan, before)]
        applied.append((root, state, plan))
