"""Deploys a split account (tasks.yaml, tasks-2.yaml, …) into moto_server in the manifest's
stage order, templates over 51,200 bytes through S3 as CloudFormation requires, and checks
that every role and task definition of the spec exists afterwards, each task definition
naming roles that exist (the execution role lives in the first stack only).

Usage: deploy_split.py --spec SPEC --out OUT --moto ENDPOINT
"""
import argparse
import json
import sys
from pathlib import Path

import deploy
from specview import SpecView


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--moto", required=True)
    args = parser.parse_args()
    spec = SpecView(args.spec)
    out = Path(args.out)
    deploy.reset(args.moto)
    sessions = {account: deploy.session_for(args.moto, spec, account) for account in spec.accounts}
    deploy.create_existing_principals(spec, sessions)
    problems, _ = deploy.deploy_cloudformation(spec, out, sessions)
    manifest = json.loads((out / "trustgen.lock.json").read_text())
    stacks = [s for stage in manifest["stages"] for s in stage["stacks"]]
    for account in spec.accounts:
        iam = sessions[account]["iam"]
        ecs = sessions[account]["ecs"]
        roles = {}
        for page in iam.get_paginator("list_roles").paginate():
            roles.update({r["Arn"]: r for r in page["Roles"]})
        tasks = [t for t, task in spec.tasks.items() if task["account"] == account]
        for task in tasks:
            if spec.task_role_arn(task) not in roles:
                problems.append(f"{account}: task role of {task} missing")
        families = set()
        for page in ecs.get_paginator("list_task_definitions").paginate():
            for arn in page["taskDefinitionArns"]:
                definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
                families.add(definition["family"])
                for key in ("taskRoleArn", "executionRoleArn"):
                    if definition.get(key) and definition[key] not in roles:
                        problems.append(f"{account}/{definition['family']}: {key} {definition[key]} does not exist")
        expected = {spec.tasks[t].get("family", f"{spec.project}-{t}") for t in tasks}
        if families != expected:
            problems.append(f"{account}: task definitions {len(families)}, expected {len(expected)}")
    if problems:
        print("\n".join(problems[:50]))
        return 1
    print(f"ok: {len(stacks)} stacks deployed in stage order; "
          f"{len(spec.tasks)} task roles and task definitions exist, every reference resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
