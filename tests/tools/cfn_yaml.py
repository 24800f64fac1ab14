"""CloudFormation YAML read as data: PyYAML's safe loader, with the short-form intrinsics
(`!Ref`, `!Sub`, `!GetAtt` ...) read as their long forms and a duplicate key refused, as
CloudFormation refuses it. cfn-lint's decoder reads the same, but importing cfn-lint costs
about three CPU-seconds in every checker run; cfn-lint itself still lints every template
(external::cloudformation_passes_cfn_lint_without_errors_or_warnings)."""
import yaml


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = _mapping(loader, node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_multi_constructor("!", _intrinsic)


def load(text):
    """The template as dicts, lists and scalars; yaml.YAMLError when it is not one."""
    return yaml.load(text, Loader=_Loader)


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def main(paths):
    """Reads each template with this loader and with cfn-lint's decoder (whose node types
    are str and dict subclasses): any difference is printed, exit 1."""
    from cfnlint.decode import decode_str

    differing = []
    for path in paths:
        text = open(path, encoding="utf-8").read()
        theirs, problems = decode_str(text)
        if problems or _plain(theirs) != _plain(load(text)):
            differing.append(f"{path}: read differently from cfn-lint's decoder {problems or ''}")
    print("\n".join(differing))
    return 1 if differing else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
