"""Validates JSON documents against JSON Schemas, formats included, for the whole test
binary from one process (importing jsonschema costs about a CPU-second; the tests validate
some twenty documents).

Protocol: one request per line on standard input, {"schema": PATH, "document": TEXT,
"formats": [NAME...]}; one answer per line on standard output, {"status": S, "lines":
[...]}: status 0 valid, 1 invalid (each error with its path), 2 not judged (a listed
format has no checker here: the `uri` checks need `jsonschema[format-nongpl]`; the script
refuses rather than pass a document it could not judge). End of input ends the process.
"""

import json
import sys

import jsonschema


def judge(request, validators):
    formats = tuple(request["formats"])
    key = (request["schema"], formats)
    if key not in validators:
        with open(request["schema"], encoding="utf-8") as file:
            schema = json.load(file)
        checker = jsonschema.FormatChecker()
        missing = [name for name in formats if name not in checker.checkers]
        if missing:
            return 2, [f"cannot check formats {missing}: pip install 'jsonschema[format-nongpl]'"]
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validators[key] = validator_class(schema, format_checker=checker)
    instance = json.loads(request["document"])
    errors = sorted(validators[key].iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    lines = [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors]
    return (1 if errors else 0), lines


def main() -> int:
    validators = {}
    for line in sys.stdin:
        try:
            status, lines = judge(json.loads(line), validators)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails
            status, lines = 2, [f"{type(error).__name__}: {error}"]
        print(json.dumps({"status": status, "lines": lines}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
