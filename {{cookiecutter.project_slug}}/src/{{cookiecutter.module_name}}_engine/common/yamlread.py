"""Read the YAML files a person writes (lab.yaml, data/manifest.yaml) strictly and explain problems plainly.

A key written twice in one mapping is refused (plain YAML keeps the last silently), and a syntax
error names its line and column, so every file speaks the same way.
"""

from __future__ import annotations

import yaml

from .errors import LabError


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping holding the same key twice."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: let the standard constructor explain it
            continue
        if first is not None:
            raise _DuplicateKey(key, first, key_node.start_mark.line + 1)
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping_plain(node, deep=deep)


class _DuplicateKey(Exception):
    def __init__(self, key, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


_UniqueKeyLoader.construct_mapping_plain = yaml.SafeLoader.construct_mapping
_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, name: str):
    """The data in `text` (the contents of file `name`), or LabError naming the line, column or repeated key."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as dup:
        raise LabError(
            f"{name}: key '{dup.key}' is written twice (lines {dup.first} and {dup.second}); "
            "keep one of them, since only the last would count"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise LabError(f"{name} is not valid YAML{where} ({problem}); fix the indentation or quoting there") from None


def parse_mapping(text: str, name: str, what: str = "fields (key: value)") -> dict:
    """Like parse_yaml, but the file must hold a mapping; an empty file is named as empty."""
    raw = parse_yaml(text, name)
    if raw is None:
        raise LabError(f"{name} is empty; it must hold {what} — restore it from the template or version control")
    if not isinstance(raw, dict):
        kind = {list: "a list", str: "a single text", int: "a number", float: "a number", bool: "true/false"}
        raise LabError(f"{name} must hold {what}, but it holds {kind.get(type(raw), 'a single value')}")
    return raw
