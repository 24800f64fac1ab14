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
import json
import os
import subprocess
import time
import urllib.error
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


def session_for(endpoint, spec, account):
    info = spec.accounts[account]
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=info["region"], aws_access_key_id="test", aws_secret_access_key="test")
    credentials = sts.assume_role(
        RoleArn=f"arn:{spec.partition}:iam::{info['id']}:role/{SESSION_ROLE}", RoleSessionName="trustgen-test"
    )["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=info["region"],
    )
    return {service: session.client(service, endpoint_url=endpoint) for service in ("iam", "cloudformation", "ecs", "logs", "s3")}


# CloudFormation takes at most 51,200 bytes inline; a bigger template must come from S3.
TEMPLATE_BODY_LIMIT = 51_200


def sso_admin(endpoint, spec):
    """An SSO admin client as Identity Center's account, in its region; None without one."""
    if not spec.identity_center:
        return None
    info = spec.accounts[spec.identity_center["account"]]
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=spec.identity_region(), aws_access_key_id="test", aws_secret_access_key="test")
    credentials = sts.assume_role(
        RoleArn=f"arn:{spec.partition}:iam::{info['id']}:role/{SESSION_ROLE}", RoleSessionName="trustgen-test"
    )["Credentials"]
    return boto3.client(
        "sso-admin", endpoint_url=endpoint, region_name=spec.identity_region(),
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


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


def deploy_cloudformation(spec, out, sessions, sso=None, picture=None):
    """Creates every stack in the manifest's stage order; returns the problems seen and the
    managed policies moto could not attach to permission sets. The Identity Center stack
    is replayed through the SSO admin API from `picture` (the templates read)."""
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
            if spec.partition != "aws":
                # moto resolves ${AWS::Partition} to "aws" in every region (an emulator gap);
                # CloudFormation itself gives the region's partition, as written here.
                body = body.replace("${AWS::Partition}", spec.partition)
            source = {"TemplateBody": body}
            if len(body.encode()) > TEMPLATE_BODY_LIMIT:
                source = {"TemplateURL": upload_template(sessions[stack["account"]]["s3"], stack, body)}
            client.create_stack(
                StackName=stack["stack_name"],
                Capabilities=["CAPABILITY_NAMED_IAM"],
                **source,
            )
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


def terraform(directory, *args):
    result = subprocess.run(
        ["terraform", *args], cwd=directory, capture_output=True, text=True,
        env={**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": "/dev/null"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"terraform {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def terraform_apply(directory):
    """Plans and applies the root module; returns Terraform's state file (format 4), which
    records each resource's provider (so its account) next to its attributes, and the plan
    (`terraform show -json`). The aws_ssoadmin_* resources are planned, not applied (see
    the module's docstring)."""
    terraform(directory, "plan", "-input=false", "-no-color", "-out=trustgen.tfplan")
    plan = json.loads(terraform(directory, "show", "-json", "trustgen.tfplan"))
    addresses = sorted({
        change["address"].split("[")[0] for change in plan.get("resource_changes", [])
        if not change["type"].startswith("aws_ssoadmin_")
    })
    targets = []
    if any(change["type"].startswith("aws_ssoadmin_") for change in plan.get("resource_changes", [])):
        targets = [f"-target={address}" for address in addresses]
    # One request at a time: moto_server's backends are not safe under concurrent writes
    # from several accounts' providers (a CI run once saw CreateRole fail with
    # EntityAlreadyExists for two accounts' same-named roles). Same resources, same checks.
    terraform(directory, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1", *targets)
    return json.loads((Path(directory) / "terraform.tfstate").read_text()), plan
