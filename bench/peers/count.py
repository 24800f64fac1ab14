#!/usr/bin/env python3
"""Counts what a generator wrote under DIR (standard library only), so the peers' output
can be compared with trustgen's:

    python3 count.py DIR   ->   bytes template-bytes stacks resources outputs by-type

bytes: every file under DIR; template-bytes: the templates only. Templates: trustgen's *.yaml (resources counted as the
`Type: AWS::` lines at resource depth, outputs as `Export:` lines) and every *.json with
a top-level `Resources` (CDK's *.template.json, troposphere's templates; manifests and
trees are skipped). CDK's own AWS::CDK::Metadata resource, if present, is not counted.
"""
import collections
import json
import os
import re
import sys

root = sys.argv[1]
total_bytes = template_bytes = stacks = resources = outputs = 0
by_type = collections.Counter()
type_line = re.compile(r"^    Type: (AWS::\S+)$")
for dirpath, _, files in os.walk(root):
    for name in files:
        path = os.path.join(dirpath, name)
        total_bytes += os.path.getsize(path)
        if name.endswith(".yaml"):
            stacks += 1
            template_bytes += os.path.getsize(path)
            with open(path, encoding="utf-8") as f:
                for line in f:
                    m = type_line.match(line)
                    if m:
                        by_type[m.group(1)] += 1
                    elif line.strip() == "Export:":
                        outputs += 1
        elif name.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                template = json.load(f)
            if not isinstance(template, dict) or "Resources" not in template:
                continue
            stacks += 1
            template_bytes += os.path.getsize(path)
            for res in template["Resources"].values():
                if res["Type"] != "AWS::CDK::Metadata":
                    by_type[res["Type"]] += 1
            outputs += len(template.get("Outputs", {}))
resources = sum(by_type.values())
types = ",".join(f"{t.split('::', 1)[1]}={n}" for t, n in sorted(by_type.items()))
print(total_bytes, template_bytes, stacks, resources, outputs, types)
