"""Helm charts and Jinja-templated YAML: not YAML until rendered.

`{{ .Values.x }}`, `{%- if ... %}` and `{# ... #}` are template syntax; a file full of them
may be no valid YAML at all, and that is no error of the user's. What can be read is read:
template tags become spaces or same-length placeholders (positions stay) and the result is
parsed; if it still is not YAML, the file is skipped without an RF000.
"""

from __future__ import annotations

import re

_MARKERS = ("{{", "{%", "{#")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def is_templated(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def _blank(text: str) -> str:
    return "".join(char if char in "\r\n" else " " for char in text)


def detemplate(text: str) -> str:
    """Statements and comments blanked; an expression becomes `_` of its length (a plain
    scalar where a value was); a line holding only tags becomes empty. Same length."""
    lines = text.split("\n")
    out = []
    for line in lines:
        rest = _TAG.sub("", line)
        if rest.strip() == "" and _TAG.search(line):
            out.append(_blank(line))
        else:
            out.append(line)
    joined = "\n".join(out)

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        if tag.startswith("{{") and "\n" not in tag:
            return "_" * len(tag)
        return _blank(tag)

    return _TAG.sub(replace, joined)
