#!/usr/bin/env python3
"""Converts a trustgen TOML spec to JSON (standard library only, Python >= 3.11), so the
peer programs (cdk/app.js, troposphere/app.py) read the same spec as trustgen does.

    python3 spec2json.py SPEC.toml > SPEC.json
"""
import json
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    spec = tomllib.load(f)
json.dump(spec, sys.stdout, separators=(",", ":"))
