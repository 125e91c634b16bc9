"""Suppression comments as edits that keep the file valid: the engine owns them, so the
language server (its "suppress" code actions) and the CLI (`--add-suppressions`) share
one placement rule.

The server computes them when diagnostics are published and carries them in
`Diagnostic.data` (as ruff does), so a code action never re-lints. Nothing here imports
tree-sitter at module level: the language server imports this at start-up.
"""

from __future__ import annotations

import re

from ragfirst.engine.suppressions import PLACEHOLDER_REASON
from ragfirst.fixes.comment_positions import UNKNOWN, Breaks
from ragfirst.source import SourceText

COMMENT_PREFIX = {
    "python": "#",
    "yaml": "#",
    "toml": "#",
    "requirements": "#",
    "dotenv": "#",
    "javascript": "//",
}
REASON_PLACEHOLDER = PLACEHOLDER_REASON  # not a reason until replaced (engine/suppressions.py)
_EXISTING = re.compile(
    r"^(?P<indent>\s*)(?P<prefix>#|//)\s*ragfirst:\s*ignore\[(?P<codes>[^\]]*)\](?P<rest>.*)$"
)


class DocumentLines(list[str]):
    """A document's lines (no terminators) and the line ending it uses, so an inserted
    line keeps a CRLF file CRLF."""

    newline: str = "\n"


def document_lines(text: str) -> DocumentLines:
    lines = DocumentLines(SourceText(text).lines)
    first = re.search(r"\r\n|\r|\n", text)
    lines.newline = first.group() if first else "\n"
    return lines


def _newline(lines: list[str]) -> str:
    return getattr(lines, "newline", "\n")


def line_suppression_edit(
    lines: list[str], line: int, rule_id: str, language: str, breaks: Breaks = UNKNOWN
) -> dict | None:
    r"""Insert (or extend) an own-line `ragfirst: ignore[...]` comment above 1-based `line`.

    Where a line inserted above would fall inside a string, a template literal, a block
    scalar or after a `\` continuation (`breaks`), the comment trails the line instead;
    where that is not legal either, None: the file-level suppression is what is offered."""
    prefix = COMMENT_PREFIX.get(language)
    if prefix is None:
        return None
    target = lines[line - 1] if 0 < line <= len(lines) else ""
    above = lines[line - 2] if line >= 2 else None
    if not breaks.before(line - 1):
        if breaks.trailing(line - 1) and prefix not in target and "ragfirst:" not in target:
            text = f"  {prefix} ragfirst: ignore[{rule_id}] -- {REASON_PLACEHOLDER}"
            return {"line": line - 1, "start": len(target), "end": len(target), "text": text}
        return None
    if above is not None:
        existing = _EXISTING.match(above)
        if existing and existing.group("prefix") == prefix:
            codes = [c.strip() for c in existing.group("codes").split(",") if c.strip()]
            if rule_id in codes:
                return None
            new_line = (
                f"{existing.group('indent')}{prefix} ragfirst: ignore[{', '.join([*codes, rule_id])}]"
                f"{existing.group('rest')}"
            )
            return {"line": line - 2, "start": 0, "end": len(above), "text": new_line}
    indent = target[: len(target) - len(target.lstrip())].lstrip("\ufeff")
    text = f"{indent}{prefix} ragfirst: ignore[{rule_id}] -- {REASON_PLACEHOLDER}{_newline(lines)}"
    start = 1 if line == 1 and target.startswith("\ufeff") else 0  # after a byte-order mark
    return {"line": line - 1, "start": start, "end": start, "text": text}


def file_suppression_edit(lines: list[str], rule_id: str, language: str) -> dict | None:
    """A file-level suppression at the top (after a shebang or encoding line); in a Vue or
    Svelte component, at the top of its first `<script>` block, where `//` is a comment."""
    prefix = COMMENT_PREFIX.get(language)
    if prefix is None:
        return None
    text = f"{prefix} ragfirst: ignore-file[{rule_id}] -- {REASON_PLACEHOLDER}{_newline(lines)}"
    if language == "javascript":
        in_script = _script_block_edit(lines, text)
        if in_script is not None:
            return in_script
    insert_at = 0
    while (
        insert_at < len(lines)
        and insert_at < 2
        and (
            lines[insert_at].lstrip("\ufeff").startswith("#!")
            or re.match(r"^\ufeff?#.*coding[:=]", lines[insert_at])
        )
    ):
        insert_at += 1
    # A byte-order mark stays the first character of the file: insert after it.
    start = 1 if insert_at == 0 and lines and lines[0].startswith("\ufeff") else 0
    return {"line": insert_at, "start": start, "end": start, "text": text}


def _script_block_edit(lines: list[str], text: str) -> dict | None:
    """Insert `text` as the first line of the first `<script>` block of a component.

    The language server knows a document by its language (`javascript` covers .vue and
    .svelte too), so a component is told apart by its shape: its first line of content is
    a tag (`<template>`, `<script setup>`, `<!-- ... -->`), which no JS/TS module starts with.
    """
    first = next((line for line in lines if line.strip()), "")
    if not first.lstrip().startswith("<"):
        return None
    from ragfirst.analyzers.js_analyzer import script_blocks  # tree-sitter: only for components

    data = "\n".join(lines).encode("utf-8")
    blocks = script_blocks(data)
    if not blocks:
        return None
    start = blocks[0][0]  # the first byte after the opening tag's `>`
    line = data.count(b"\n", 0, start)
    line_start = data.rfind(b"\n", 0, start) + 1
    col = len(data[line_start:start].decode("utf-8", errors="replace"))
    rest = lines[line][col:] if line < len(lines) else ""
    if not rest.strip() and line + 1 < len(lines):
        below = lines[line + 1]
        indent = below[: len(below) - len(below.lstrip())] if below.strip() else ""
        return {"line": line + 1, "start": 0, "end": 0, "text": indent + text}
    # `<script>code...` or `<script></script>` on one line: the comment gets its own line.
    return {"line": line, "start": col, "end": col, "text": _newline(lines) + text}
