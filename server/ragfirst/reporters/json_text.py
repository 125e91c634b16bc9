"""`json.dumps(value, indent=2, ensure_ascii=False)`, the same bytes, faster.

With `indent`, the standard library encodes in pure Python, one generator per container
(~0.035 s for the 1 MB report of 1,300 findings, a tenth of a warm run after an edit).
Here a container is one `join` of its items, strings go through the same C escaper, and
numbers through the same `repr`. Anything else (a non-string key, a float that is not
finite, a type JSON does not know) is left to `json.dumps` for the whole value, so the
output, and any error, is always the standard library's.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # the C escaper `json.dumps` uses here
from typing import Any

_INDENT = "  "


class _Unplain(Exception):
    """A value only `json.dumps` encodes exactly as `json.dumps` does."""


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`."""
    try:
        return _encode(value, "\n")
    except (_Unplain, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)


def _scalar(value: Any) -> str:
    """A value that is no container, as `json.encoder` writes it (the order it tests types
    in: bool before int; subclasses of str, int and float too)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    raise _Unplain


# Exact types written without a call (the common case); others go through `_scalar`.
_PLAIN: dict[type, Any] = {
    str: encode_basestring,
    int: int.__repr__,
    type(None): lambda value: "null",
    bool: lambda value: "true" if value else "false",
}


def _encode(value: Any, newline: str) -> str:
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return plain(value)
    inner = newline + _INDENT
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            if type(key) is not str:
                raise _Unplain  # keys converted by json.dumps' own rules
            plain = _PLAIN.get(type(item))
            text = plain(item) if plain is not None else _encode(item, inner)
            items.append(encode_basestring(key) + ": " + text)
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join([_encode(item, inner) for item in value]) + newline + "]"
    return _scalar(value)
