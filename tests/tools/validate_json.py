"""Validates a JSON document (standard input) against a JSON Schema (the first argument),
formats included, and prints every error with its path; exit 1 when there is any.

The remaining arguments name formats that must really be checked (the `uri` checks need
`jsonschema[format-nongpl]`): without their checkers the script refuses to run (exit 2)
rather than pass a document it could not judge.
"""

import json
import sys

import jsonschema


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as file:
        schema = json.load(file)
    instance = json.load(sys.stdin)
    checker = jsonschema.FormatChecker()
    missing = [name for name in sys.argv[2:] if name not in checker.checkers]
    if missing:
        print(f"cannot check formats {missing}: pip install 'jsonschema[format-nongpl]'")
        return 2
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=checker)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = "/".join(map(str, error.absolute_path)) or "(root)"
        print(f"{path}: {error.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
