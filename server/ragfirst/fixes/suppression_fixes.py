"""RF001 (unused suppression) and RF002 (no reason) fixes: edits of the comment itself.

RF001's finding says in `data["remove"]` which codes nothing uses any more (None: the
whole comment matches nothing). The fix drops those codes from `ignore[...]`, or the whole
comment when none would be left: an own-line comment with its line, a trailing one with
the spaces before it. Only `#` and `//` comments are edited; a block comment (`/* */`,
JSX `{/* */}`) is left to the user.
"""

from __future__ import annotations

import re

from ragfirst.model import Finding, Fix, FixSafety, Span, TextEdit

REASON_PLACEHOLDER = "TODO: why this is deliberate"
_CODES = re.compile(r"\[(?P<codes>[^\]]*)\]")


def _comment(finding: Finding, text: str) -> tuple[list[str], str] | None:
    """The text's lines and the comment the finding points at, if it is a line comment."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    line = finding.span.start_line
    if not 1 <= line <= len(lines):
        return None
    comment = lines[line - 1][finding.span.start_col :]
    if not comment.startswith(("#", "//")) or "ragfirst" not in comment:
        return None
    return lines, comment


def unused_suppression_fix(finding: Finding, text: str) -> Fix | None:
    if "remove" not in finding.data:
        return None  # found by an older ragfirst (a cached run): which codes is not known
    found = _comment(finding, text)
    if found is None:
        return None
    lines, comment = found
    remove = finding.data["remove"]
    line = finding.span.start_line
    col = finding.span.start_col
    codes_match = _CODES.search(comment)
    if remove is not None and codes_match is not None:
        removing = {code.upper() for code in remove}
        codes = [c.strip() for c in codes_match.group("codes").split(",") if c.strip()]
        kept = [c for c in codes if c.upper() not in removing]
        if kept:
            span = Span(line, col + codes_match.start("codes"), line, col + codes_match.end("codes"))
            title = f"Remove {', '.join(c for c in codes if c.upper() in removing)} from the suppression"
            return Fix(title, (TextEdit(span, ", ".join(kept)),), FixSafety.SAFE)
    return Fix("Remove the unused suppression", (_remove_comment(lines, line, col, text),), FixSafety.SAFE)


def _remove_comment(lines: list[str], line: int, col: int, text: str) -> TextEdit:
    before = lines[line - 1][:col]
    if before.strip():  # a trailing comment: drop it and the spaces before it
        keep = len(before.rstrip())
        return TextEdit(Span(line, keep, line, len(lines[line - 1])), "")
    if line < len(lines):  # an own-line comment: drop the line with its line break
        return TextEdit(Span(line, 0, line + 1, 0), "")
    if line >= 2:  # the last line, with no break after it: drop the break before it
        return TextEdit(Span(line - 1, len(lines[line - 2]), line, len(lines[line - 1])), "")
    return TextEdit(Span(line, 0, line, len(lines[line - 1])), "")


def reason_fix(finding: Finding, text: str) -> Fix | None:
    """Display-only: where the reason goes. Only a person can say why."""
    found = _comment(finding, text)
    if found is None:
        return None
    _lines, comment = found
    line = finding.span.start_line
    end = finding.span.start_col + len(comment.rstrip())
    suffix = f" {REASON_PLACEHOLDER}" if comment.rstrip().endswith("--") else f" -- {REASON_PLACEHOLDER}"
    return Fix(
        "Add the reason after `--`", (TextEdit(Span(line, end, line, end), suffix),), FixSafety.DISPLAY_ONLY
    )
