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
