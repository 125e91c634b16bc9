"""Suppression comments are decisions: `# ragfirst: ignore[RF101] -- reason`.

Forms (the same after `#` in Python/YAML/TOML and `//` in JS/TS):
- `ragfirst: ignore[RF101,RF106] -- reason` at the end of the flagged line, or on its own
  line directly above the flagged line (for a multi-line call: above its first line);
- `ragfirst: ignore-file[RF102] -- reason` anywhere in the file: the whole file;
- without `[...]` the comment covers every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragfirst.analyzers.facts import CommentFact
from ragfirst.model import Span
from ragfirst.source import SourceText

_SUPPRESSION = re.compile(
    r"^ragfirst\s*:\s*(?P<kind>ignore-file|ignore)\b\s*(?:\[(?P<codes>[^\]]*)\])?\s*(?:--\s*(?P<reason>.*))?$",
    re.IGNORECASE,
)
_CODE = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")


@dataclass(slots=True)
class Suppression:
    span: Span  # the comment itself
    codes: tuple[str, ...] | None  # None: every rule
    reason: str | None
    file_level: bool
    target_line: int  # the line it silences (file-level: 0)
    bad_codes: tuple[str, ...] = ()
    used_codes: set[str] = field(default_factory=set)

    def covers(self, rule_id: str, line: int) -> bool:
        if self.codes is not None and rule_id not in self.codes:
            return False
        return self.file_level or line == self.target_line


PLACEHOLDER_REASON = "TODO: why this is deliberate"
"""The reason the suppression quick fix inserts, for the user to replace."""


def is_placeholder_reason(reason: str) -> bool:
    return reason.strip().rstrip(".").lower() == PLACEHOLDER_REASON.lower()


def parse_suppressions(comments: list[CommentFact], source: SourceText) -> list[Suppression]:
    found: list[Suppression] = []
    comment_lines = {c.line for c in comments if c.own_line}
    for comment in comments:
        match = _SUPPRESSION.match(comment.text.strip())
        if not match:
            continue
        codes: tuple[str, ...] | None = None
        bad: tuple[str, ...] = ()
        if match.group("codes") is not None:
            parts = [p.strip().upper() for p in match.group("codes").split(",") if p.strip()]
            codes = tuple(p for p in parts if _CODE.match(p))
            bad = tuple(p for p in parts if not _CODE.match(p))
        reason = (match.group("reason") or "").strip() or None
        if reason is not None and is_placeholder_reason(reason):
            reason = None  # the quick fix's placeholder is not a reason
        file_level = match.group("kind").lower() == "ignore-file"
        target = comment.line
        if comment.own_line and not file_level:
            # Skip further comment lines and blank lines to reach the code line below.
            target = comment.line + 1
            while target in comment_lines or (
                target <= len(source.lines) and not source.line(target).strip()
            ):
                target += 1
        end_col = len(source.line(comment.line))
        found.append(
            Suppression(
                span=Span(comment.line, comment.col, comment.line, end_col),
                codes=codes,
                reason=reason,
                file_level=file_level,
                target_line=0 if file_level else target,
                bad_codes=bad,
            )
        )
    return found
