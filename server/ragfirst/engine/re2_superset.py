"""An RE2 pattern that matches wherever a Python regex matches (and maybe elsewhere).

The prefilter confirms a key prefix or a model id with the checks' own Python regexes
(`SubstringTriggers.confirm`: the union of the key formats, the retiring model ids). They
start with `\\b` or a lookbehind, so Python's `re` tries them at every position of a file:
on the bench corpus the key formats alone cost more than all the rest of the prefilter.
RE2 runs a translation of them in one linear pass; only a text it matches is searched with
the Python regex, so the answer is the Python regex's own.

The translation must never miss a match of the original, so everything it cannot say
exactly it says more loosely: assertions (`\\b`, `^`, `$`, lookarounds) are dropped, and
Python's Unicode `\\w`, `\\d`, `\\s` become RE2's ASCII classes plus every non-ASCII
character. What cannot be loosened that way (back-references, case folding, a negated
class holding `\\w`, repeat counts RE2 refuses) gives no translation: the caller then uses
the Python regex alone.
"""

from __future__ import annotations

import re
import re._constants as C
import re._parser as sre_parse
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 64 << 20
_NON_ASCII = r"\x{80}-\x{10FFFF}"
# Python's str classes, loosened: ASCII (and Python's extra spaces) plus all non-ASCII.
_POSITIVE = {
    C.CATEGORY_DIGIT: "0-9" + _NON_ASCII,
    C.CATEGORY_WORD: "0-9A-Za-z_" + _NON_ASCII,
    C.CATEGORY_SPACE: r"\t\n\x0b\f\r\x1c-\x1f " + _NON_ASCII,
}
# Their complements hold no ASCII character that Python's hold (RE2's are wider).
_NEGATIVE = {C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_NOT_WORD: r"\W", C.CATEGORY_NOT_SPACE: r"\S"}
_ASSERTIONS = {C.AT, C.ASSERT, C.ASSERT_NOT}
_MAX_REPEAT = 1000  # RE2's limit


class _Untranslatable(Exception):
    pass


def superset_gate(pattern: re.Pattern[str] | None) -> Any:
    """The compiled RE2 translation of `pattern` (search it on the text or its UTF-8
    bytes), or None when there is none."""
    if pattern is None or pattern.flags & (re.IGNORECASE | re.ASCII | re.LOCALE):
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        text = _emit(parsed, bool(pattern.flags & re.DOTALL))
        return re2.compile(text, _OPTIONS)
    except (_Untranslatable, re.error, re2.error, RecursionError):
        return None
    except Exception:  # RE2 refusing a pattern (too large): no gate, never an error
        return None


def _emit(items: Any, dotall: bool) -> str:
    return "".join(_item(op, value, dotall) for op, value in items)


def _item(op: Any, value: Any, dotall: bool) -> str:
    if op is C.LITERAL:
        return _char(value)
    if op is C.NOT_LITERAL:
        return "[^" + _char(value) + "]"
    if op is C.ANY:
        return r"(?s:.)" if dotall else r"[^\n]"
    if op is C.IN:
        return _class(value)
    if op in _ASSERTIONS:
        return ""  # a match without the assertion is a superset
    if op is C.BRANCH:
        return "(?:" + "|".join(_emit(branch, dotall) for branch in value[1]) + ")"
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, body = value
        if add_flags & (re.IGNORECASE | re.ASCII | re.LOCALE) or del_flags:
            raise _Untranslatable
        return "(?:" + _emit(body, dotall or bool(add_flags & re.DOTALL)) + ")"
    if op is C.ATOMIC_GROUP:
        return "(?:" + _emit(value, dotall) + ")"  # without atomicity: more matches
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, body = value
        if low > _MAX_REPEAT:
            raise _Untranslatable
        upper = "" if high > _MAX_REPEAT else str(high)
        return "(?:" + _emit(body, dotall) + "){" + f"{low},{upper}" + "}"
    raise _Untranslatable  # back-references, conditionals


def _class(items: Any) -> str:
    negated = bool(items) and items[0][0] is C.NEGATE
    parts = []
    for op, value in items[1:] if negated else items:
        if op is C.LITERAL:
            parts.append(_char(value))
        elif op is C.RANGE:
            parts.append(_char(value[0]) + "-" + _char(value[1]))
        elif op is C.CATEGORY and not negated and value in _POSITIVE:
            parts.append(_POSITIVE[value])
        elif op is C.CATEGORY and not negated and value in _NEGATIVE:
            parts.append(_NEGATIVE[value])
        else:  # `[^\w]` and the like: the complement of a wider class is narrower
            raise _Untranslatable
    if not parts:
        raise _Untranslatable
    return ("[^" if negated else "[") + "".join(parts) + "]"


def _char(code: int) -> str:
    return rf"\x{{{code:x}}}"
