"""A settings value as something hashable: `Settings` carries dicts (severities, options)
and is hashed by value, so equal settings read twice share one engine (issue 24, bug 13)."""

from __future__ import annotations

from typing import Any


def frozen(value: Any) -> Any:
    """`value` with every dict, list and set turned into a tuple (dicts sorted by key):
    equal values give equal results, and the result can be hashed."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((repr(k), frozen(v)) for k, v in value.items()), key=lambda kv: kv[0])))
    if isinstance(value, (list, tuple)):
        if all(type(item) is str for item in value):  # excludes, test paths: as they are
            return value if type(value) is tuple else tuple(value)
        return tuple(frozen(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(frozen(item)) for item in value)))
    return value
