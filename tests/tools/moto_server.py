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
"""
import json
import os
import sys

os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

import moto.iam.models as iam_models  # noqa: E402
from moto.server import main  # noqa: E402


def keep_only(names):
    wanted = {name.rsplit("/", 1)[-1] for name in names if name}
    data = json.loads(iam_models.aws_managed_policies_data)
    missing = wanted - data.keys()
    if missing:
        sys.exit(f"moto knows no AWS managed policy named {', '.join(sorted(missing))}")
    # `IAMBackend._init_aws_policies` reads this module global for every new account.
    iam_models.aws_managed_policies_data = json.dumps({k: v for k, v in data.items() if k in wanted})


if __name__ == "__main__":
    keep_only(sys.argv[1].split(","))
    sys.exit(main(sys.argv[2:]))
