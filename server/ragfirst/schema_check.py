"""A quick yes/no JSON Schema check for the small schemas ragfirst validates at run time.

Importing `jsonschema` costs about 60 ms (it pulls in urllib, http and email), more than a
warm run spends on everything else but discovery. Valid input (the usual case) is
recognised here without it; anything this module does not say yes to (invalid input, or
a keyword or value it does not decide) goes to `jsonschema` for the real verdict and its
message. Within what it decides, its verdict is exact (so `oneOf` can count): a case it
cannot decide exactly (1.0 as an integer, non-string keys) is "not sure", never "no".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or _undecided(isinstance(v, float)),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_KNOWN = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "items",
    "pattern",
    "enum",
    "const",
    "minimum",
    "minItems",
    "minLength",
    "anyOf",
    "oneOf",
}


class _Unknown(Exception):
    """The schema uses something this module does not check: ask jsonschema."""


def conforms(instance: Any, schema: dict[str, Any] | bool) -> bool:
    """True only if `instance` is valid against `schema`; False means "not sure"."""
    try:
        return _valid(instance, schema)
    except _Unknown:
        return False


def _valid(value: Any, schema: dict[str, Any] | bool) -> bool:
    if schema is True:
        return True
    if schema is False or not isinstance(schema, dict):
        return False
    if not _KNOWN.issuperset(schema):
        raise _Unknown
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k not in _TYPES for k in kinds):
            raise _Unknown
        if not any(_TYPES[k](value) for k in kinds):
            return False
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        return False
    if "const" in schema and not _same(value, schema["const"]):
        return False
    if "anyOf" in schema and not any(_valid(value, option) for option in schema["anyOf"]):
        return False
    if "oneOf" in schema and sum(_valid(value, option) for option in schema["oneOf"]) != 1:
        return False
    if isinstance(value, str) and "pattern" in schema and not _regex(schema["pattern"]).search(value):
        return False
    if _TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        return False
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        return False
    if isinstance(value, list) and len(value) < schema.get("minItems", 0):
        return False
    if isinstance(value, list) and "items" in schema:
        return all(_valid(item, schema["items"]) for item in value)
    if isinstance(value, dict):
        return _valid_object(value, schema)
    return True


def _valid_object(value: dict[Any, Any], schema: dict[str, Any]) -> bool:
    if any(key not in value for key in schema.get("required", ())):
        return False
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    names = schema.get("propertyNames", True)
    for key, item in value.items():
        _undecided(not isinstance(key, str))
        if not _valid(key, names):
            return False
        if not _valid(item, properties.get(key, extra)):
            return False
    return True


def _same(value: Any, expected: Any) -> bool:
    """JSON equality: 1 is not True, and types must agree."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    _undecided(
        isinstance(value, int | float)
        and isinstance(expected, int | float)
        and type(value) is not type(expected)
    )
    return type(value) is type(expected) and value == expected


def _undecided(condition: bool) -> bool:
    """Give up (ask jsonschema) when `condition` holds; else False."""
    if condition:
        raise _Unknown
    return False


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
