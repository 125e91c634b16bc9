"""Applying `TextEdit`s to a decoded text: positions are 1-based lines and code-point
columns (as in every Finding), and the text keeps whatever line endings it has.

An edit set whose edits overlap is refused here; the fix loop (apply.py) then applies one
fix, re-analyses, and offers the other again against the new text, as ruff does.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from ragfirst.model import Fix, Span, TextEdit

_BREAK = re.compile(r"\r\n|\r|\n")


class EditError(ValueError):
    """An edit that does not fit the text (past its end, or overlapping another)."""


@lru_cache(maxsize=4)
def line_starts(text: str) -> tuple[int, ...]:
    """Offset of each line's first character; lines end at `\\r\\n`, `\\r` or `\\n`
    (as SourceText counts them). Kept for the last few texts: every finding of a file
    asks for them."""
    return (0, *(m.end() for m in _BREAK.finditer(text)))


def offset(text: str, starts: tuple[int, ...], line: int, col: int) -> int:
    """The string offset of (1-based line, code-point column); the column may not pass the
    line's end."""
    if not 1 <= line <= len(starts):
        raise EditError(f"line {line} is past the end of the text ({len(starts)} lines)")
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    body = text[start:end].rstrip("\r\n")
    if col > len(body) or col < 0:
        raise EditError(f"column {col} is past the end of line {line}")
    return start + col


def newline_of(text: str) -> str:
    first = _BREAK.search(text)
    return first.group() if first else "\n"


def apply_edits(text: str, edits: tuple[TextEdit, ...] | list[TextEdit]) -> str:
    """`text` with every edit applied; `\\n` in a new text becomes the file's own line
    ending, so a CRLF file stays CRLF. Overlapping edits raise EditError."""
    starts = line_starts(text)
    newline = newline_of(text)
    ranges = []
    for edit in edits:
        span = edit.span
        begin = offset(text, starts, span.start_line, span.start_col)
        end = offset(text, starts, span.end_line, span.end_col)
        if end < begin:
            raise EditError(f"edit ends before it starts ({span})")
        new_text = edit.new_text.replace("\r\n", "\n")
        new_text = new_text if newline == "\n" else new_text.replace("\n", newline)
        ranges.append((begin, end, new_text))
    ranges.sort(key=lambda r: (r[0], r[1]))
    for (b1, e1, _), (b2, _e2, _) in itertools.pairwise(ranges):
        if b2 < e1 or (b2 == e1 == b1):
            raise EditError("edits overlap")
    out = []
    cursor = 0
    for begin, end, new_text in ranges:
        out.append(text[cursor:begin])
        out.append(new_text)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def fix_range(fix: Fix) -> tuple[int, int, int, int]:
    """The smallest span covering every edit of a fix: what overlap checks compare."""
    first = min(e.span for e in fix.edits)
    last = max(fix.edits, key=lambda e: (e.span.end_line, e.span.end_col)).span
    return (first.start_line, first.start_col, last.end_line, last.end_col)


def overlaps(a: Fix, b: Fix) -> bool:
    """Do two fixes touch the same text? Two insertions at one point overlap too (their
    order would be a guess)."""
    a1, a2 = fix_range(a)[:2], fix_range(a)[2:]
    b1, b2 = fix_range(b)[:2], fix_range(b)[2:]
    if a1 == b1 or a2 == b2:
        return True
    return a1 < b2 and b1 < a2


def span_of(text: str, begin: int, end: int) -> Span:
    """The Span of string offsets [begin, end) in `text`."""
    starts = line_starts(text)
    return Span(*_position(text, starts, begin), *_position(text, starts, end))


def _position(text: str, starts: tuple[int, ...], at: int) -> tuple[int, int]:
    from bisect import bisect_right

    index = bisect_right(starts, at) - 1
    return index + 1, at - starts[index]


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """Edits turning `old` into `new`, one per changed run of lines (what a front end
    sends when several rounds of fixes, each on the previous one's text, become one
    change of the original text)."""
    import difflib

    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(span_of(old, offsets[i1], offsets[i2]), "".join(new_lines[j1:j2])))
    return edits
