"""Deploying an output tree into a local moto_server, as each account.

moto scopes credentials from sts:AssumeRole to the role's account, so assuming
`arn:<partition>:iam::<id>:role/trustgen-test` gives a session in account <id>.
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


def deploy_cloudformation(spec, out, sessions):
    """Creates every stack in the manifest's stage order; returns the problems seen."""
    problems = []
    manifest = json.loads((out / "trustgen.lock.json").read_text())
    for stage in manifest["stages"]:
        for stack in stage["stacks"]:
            client = sessions[stack["account"]]["cloudformation"]
            body = (out / stack["template"]).read_text()
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
    return problems


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


def terraform_apply(directory):
    """Applies the root module; returns Terraform's state file (format 4), which records
    each resource's provider (so its account) next to its attributes."""
    # One request at a time: moto_server's backends are not safe under concurrent writes
    # from several accounts' providers (a CI run once saw CreateRole fail with
    # EntityAlreadyExists for two accounts' same-named roles). Same resources, same checks.
    result = subprocess.run(
        ["terraform", "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1"],
        cwd=directory, capture_output=True, text=True,
        env={**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": "/dev/null"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"terraform apply failed:\n{result.stdout}\n{result.stderr}")
    return json.loads((Path(directory) / "terraform.tfstate").read_text())
