#!/usr/bin/env python3
"""moto_server, holding only the AWS managed policies the test specs attach.

With MOTO_IAM_LOAD_MANAGED_POLICIES=true moto creates all ~1,300 AWS managed policies in
every account's IAM on first use and again after every reset: about 1.3 s of CPU per
account and 4 s per reset, more than deploying a small spec costs. The tests attach a
handful (the ECS task execution policy and those the specs name), so this loads those and
nothing else; everything else is moto_server as is.

    moto_server.py POLICY[,POLICY...] [moto_server arguments]

POLICY is an AWS managed policy's name (`AmazonECSTaskExecutionRolePolicy`, also given
with its path). Attaching one that is not listed fails with NoSuchEntity, loudly.

It also answers a retried SDK call as it answered the first attempt (see
`AnswerRetriesOnce`), and deploys service-managed StackSets as AWS documents it where moto
5.2 does not (see `stack_sets_as_aws`).
"""
import collections
import json
import os
import re
import sys
import threading

os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

import moto.iam.models as iam_models  # noqa: E402
import moto.server as moto_server  # noqa: E402


def keep_only(names):
    wanted = {name.rsplit("/", 1)[-1] for name in names if name}
    data = json.loads(iam_models.aws_managed_policies_data)
    missing = wanted - data.keys()
    if missing:
        sys.exit(f"moto knows no AWS managed policy named {', '.join(sorted(missing))}")
    # `IAMBackend._init_aws_policies` reads this module global for every new account.
    iam_models.aws_managed_policies_data = json.dumps({k: v for k, v in data.items() if k in wanted})


class AnswerRetriesOnce:
    """WSGI middleware: a retried attempt of an SDK call that the emulator already carried
    out gets the first attempt's answer instead of being carried out again.

    Under load the emulator's development HTTP server sometimes carries out a call whose
    answer the client never reads (a full test run here saw the AWS provider retry one of
    its ~1,300 calls, whose first attempt the emulator had logged as answered). The SDK
    then retries the call, and a retried CreateRole fails with EntityAlreadyExists for the
    role its own first attempt created: CI failed so, for the network, not for the output.
    The SDKs mark the attempts of one call with one `amz-sdk-invocation-id` (a fresh UUID
    per call) and `amz-sdk-request: attempt=N`, so only a true retry is answered from
    memory: two calls creating the same thing still fail as AWS fails them. Only successes
    are kept: reads (GET, HEAD) are safe to repeat, and an error (a throttle, a server
    error) asks for the retry to be carried out."""

    KEPT = 4096

    def __init__(self, app):
        self.app = app
        self.answers = collections.OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.app(environ, start_response)
        attempt = re.match(r"attempt=(\d+)", environ.get("HTTP_AMZ_SDK_REQUEST", ""))
        if attempt and int(attempt.group(1)) > 1:
            with self.lock:
                answer = self.answers.get(invocation)
            if answer is not None:
                status, headers, body = answer
                print(f"moto_server.py: answered retried call {invocation} as its first attempt", file=sys.stderr)
                start_response(status, headers)
                return [body]
        answered = {}

        def remember(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, remember)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if not answered.get("status", "500").startswith("2"):
            return [body]
        with self.lock:
            self.answers[invocation] = (answered["status"], answered["headers"], body)
            while len(self.answers) > self.KEPT:
                self.answers.popitem(last=False)
        return [body]


def stack_sets_as_aws():
    """Three gaps of moto 5.2 in service-managed StackSets, filled so that the checker can
    deploy a StackSet as the spec names it and see which accounts AWS would give it:

    - moto makes up every organisational unit's and account's id. An OU created with a name
      that is an OU id (`ou-…`), or an account created with a name that is an account id
      (12 digits), gets that id here, so the emulated organisation has the spec's OUs and
      can hold the spec's accounts (the test creates only such names on purpose);
    - moto resolves a StackSet's OU targets in the calling account's own Organizations
      data, so a delegated administrator (CallAs=DELEGATED_ADMIN, which moto ignores) sees
      no OU at all: here a member account resolves them in its organisation's, as AWS does;
    - moto ignores DeploymentTargets' AccountFilterType and Accounts: here INTERSECTION
      keeps only the listed accounts of the OUs and DIFFERENCE drops them, as AWS does.

    What an instance deploys (moto's CloudFormation running the template in the account)
    is moto's own. AutoDeployment (accounts joining an OU later) is not emulated at all."""
    import moto.cloudformation.models as cloudformation
    import moto.organizations.models as organizations

    unit_init = organizations.FakeOrganizationalUnit.__init__

    def named_unit(self, organization, **kwargs):
        unit_init(self, organization, **kwargs)
        if re.fullmatch(r"ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}", kwargs.get("Name") or ""):
            self.id = kwargs["Name"]

    account_init = organizations.FakeAccount.__init__

    def named_account(self, organization, **kwargs):
        account_init(self, organization, **kwargs)
        if re.fullmatch(r"[0-9]{12}", kwargs.get("AccountName") or ""):
            self.id = kwargs["AccountName"]

    organizations.FakeOrganizationalUnit.__init__ = named_unit
    organizations.FakeAccount.__init__ = named_account

    def organisation_of_caller(self):
        backends = organizations.organizations_backends
        account, partition = backends.master_accounts.get(self.account_id, (self.account_id, self.partition))
        return backends[account][partition]

    cloudformation.StackInstances.org_backend = property(organisation_of_caller)
    create_instances = cloudformation.StackInstances.create_instances

    def filtered(self, accounts, regions, parameters, deployment_targets, permission_model):
        kind = deployment_targets.get("AccountFilterType", "NONE")
        if permission_model != "SERVICE_MANAGED" or kind not in ("INTERSECTION", "DIFFERENCE"):
            return create_instances(self, accounts, regions, parameters, deployment_targets, permission_model)
        organisation = self.org_backend
        units = set(deployment_targets.get("OrganizationalUnitIds", []))
        units |= {unit.id for unit in organisation.ou if unit.parent_id in units}
        listed = set(deployment_targets.get("Accounts", []))
        chosen = [a.id for a in organisation.accounts if a.parent_id in units and (a.id in listed) == (kind == "INTERSECTION")]
        return create_instances(self, chosen, regions, parameters, {}, permission_model)

    cloudformation.StackInstances.create_instances = filtered


def answering_retries_once(run_simple):
    """moto_server's `run_simple`, serving its application behind AnswerRetriesOnce."""
    return lambda host, port, app, **options: run_simple(host, port, AnswerRetriesOnce(app), **options)


if __name__ == "__main__":
    keep_only(sys.argv[1].split(","))
    stack_sets_as_aws()
    if not callable(getattr(moto_server, "run_simple", None)):
        sys.exit("moto.server serves without run_simple: AnswerRetriesOnce needs another hook")
    moto_server.run_simple = answering_retries_once(moto_server.run_simple)
    sys.exit(moto_server.main(sys.argv[2:]))
