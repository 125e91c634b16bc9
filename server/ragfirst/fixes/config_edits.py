"""Edits of values in YAML and JSON config files, located by their parsers' positions
(PyYAML's node marks, json_positions.py), never by searching the text.

A config finding points at a key (`dimension:` in a store section, `api_key:`); the edit
replaces that key's scalar value and nothing else, so comments, quoting elsewhere, key
order and indentation stay as written. apply.py parses the fixed file again before it is
written (a config is never left unparsable).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ragfirst.fixes.text_edits import span_of
from ragfirst.model import TextEdit

YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml(path: str) -> bool:
    return path.lower().endswith(YAML_SUFFIXES)


def is_json(path: str) -> bool:
    return path.lower().endswith(".json")


@dataclass(frozen=True, slots=True)
class ConfigValue:
    """A scalar value in the text: its string offsets, its value, and how it is written."""

    start: int
    end: int
    value: Any
    quoted: str  # the quote character of a quoted YAML scalar, '"' for JSON strings, "" plain


def value_on_line(text: str, path: str, line: int, key: str | None = None) -> list[ConfigValue]:
    """The scalar values of the mapping entries whose key starts on 1-based `line` (and is
    named `key`, when given)."""
    if is_yaml(path):
        return _yaml_values(text, line, key)
    if is_json(path):
        return _json_values(text, line, key)
    return []


def _yaml_values(text: str, line: int, key: str | None) -> list[ConfigValue]:
    import yaml

    try:  # the pure-Python loader: its marks count characters of this text
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return []
    found: list[ConfigValue] = []
    stack = [d for d in documents if d is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                if (
                    isinstance(name, yaml.ScalarNode)
                    and name.start_mark.line == line - 1
                    and (key is None or name.value == key)
                    and isinstance(value, yaml.ScalarNode)
                ):
                    style = value.style if value.style in ("'", '"') else ""
                    if value.style in ("|", ">"):
                        continue  # a block scalar: not a one-token value
                    found.append(
                        ConfigValue(value.start_mark.index, value.end_mark.index, _scalar(value), style)
                    )
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return found


def _scalar(node: Any) -> Any:
    import yaml

    try:
        return yaml.SafeLoader("").construct_object(node) if node.style is None else node.value
    except yaml.YAMLError:
        return node.value


def _json_values(text: str, line: int, key: str | None) -> list[ConfigValue]:
    from ragfirst.analyzers.errors import AnalysisError
    from ragfirst.analyzers.json_positions import parse_json

    try:
        _document, positions = parse_json(text)
    except (AnalysisError, RecursionError, ValueError):
        return []
    decoder = json.JSONDecoder()
    found = []
    for path, offset in positions.keys.items():
        if positions.line_col(offset)[0] != line or (key is not None and path[-1] != key):
            continue
        start = positions.values.get(path)
        if start is None or text[start] in "[{":
            continue
        value, end = decoder.raw_decode(text, start)
        found.append(ConfigValue(start, end, value, '"' if text[start] == '"' else ""))
    return found


def replace(text: str, value: ConfigValue, new_text: str) -> TextEdit:
    return TextEdit(span_of(text, value.start, value.end), new_text)


def yaml_string(value: str, like: ConfigValue) -> str:
    """`value` as a YAML scalar in the quoting of the one it replaces."""
    if like.quoted == "'":
        return "'" + value.replace("'", "''") + "'"
    if like.quoted == '"':
        return json.dumps(value)
    return value
