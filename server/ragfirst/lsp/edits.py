"""The edits behind code actions: suppression comments that keep the file valid.

They are computed when diagnostics are published and travel in `Diagnostic.data`
(as ruff does), so a code action never re-lints.
"""

from __future__ import annotations

import re

COMMENT_PREFIX = {
    "python": "#",
    "yaml": "#",
    "toml": "#",
    "requirements": "#",
    "dotenv": "#",
    "javascript": "//",
}
REASON_PLACEHOLDER = "TODO: why this is deliberate"
_EXISTING = re.compile(
    r"^(?P<indent>\s*)(?P<prefix>#|//)\s*ragfirst:\s*ignore\[(?P<codes>[^\]]*)\](?P<rest>.*)$"
)


def line_suppression_edit(lines: list[str], line: int, rule_id: str, language: str) -> dict | None:
    """Insert (or extend) an own-line `ragfirst: ignore[...]` comment above 1-based `line`."""
    prefix = COMMENT_PREFIX.get(language)
    if prefix is None:
        return None
    target = lines[line - 1] if 0 < line <= len(lines) else ""
    above = lines[line - 2] if line >= 2 else None
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
    indent = target[: len(target) - len(target.lstrip())]
    text = f"{indent}{prefix} ragfirst: ignore[{rule_id}] -- {REASON_PLACEHOLDER}\n"
    return {"line": line - 1, "start": 0, "end": 0, "text": text}


def file_suppression_edit(lines: list[str], rule_id: str, language: str) -> dict | None:
    """A file-level suppression at the top (after a shebang or encoding line)."""
    prefix = COMMENT_PREFIX.get(language)
    if prefix is None:
        return None
    insert_at = 0
    while (
        insert_at < len(lines)
        and insert_at < 2
        and (lines[insert_at].startswith("#!") or re.match(r"^#.*coding[:=]", lines[insert_at]))
    ):
        insert_at += 1
    text = f"{prefix} ragfirst: ignore-file[{rule_id}] -- {REASON_PLACEHOLDER}\n"
    return {"line": insert_at, "start": 0, "end": 0, "text": text}
