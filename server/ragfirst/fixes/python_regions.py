"""Python statements as regions, with `ast` only (no libcst): a fix is computed on the
statement that holds its finding, parsed alone (python_edits.py), so what it edits depends
on that statement's text and where it stands, which a fix cache can key without importing
libcst (fix_cache.py; libcst costs a run ~0.14 s to import).
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ragfirst.analyzers.newer_fstrings import parse_python_text


@dataclass(frozen=True, slots=True)
class Region:
    """One statement's lines, dedented, parsed in place of the whole file: libcst takes
    seconds on a 1,500-line module and milliseconds on one statement. Positions map back
    line by line; a line break an edit inserts gets the statement's indentation back."""

    first_line: int  # the file line of the region's line 1
    removed: tuple[int, ...]  # characters taken from the start of each region line
    indent: str

    def to_file(self, line: int, col: int) -> tuple[int, int]:
        return self.first_line + line - 1, col + self.removed[line - 1]

    def from_file(self, line: int, col: int) -> tuple[int, int] | None:
        index = line - self.first_line
        if not 0 <= index < len(self.removed) or col < self.removed[index]:
            return None
        return index + 1, col - self.removed[index]


@lru_cache(maxsize=2)
def ast_of(text: str) -> ast.Module | None:
    """One `ast` parse per text, for all of its findings' fixes (as the analyzer parses it:
    PEP 701 f-strings on Python 3.11 too)."""
    try:
        return parse_python_text(text, "<fix>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@lru_cache(maxsize=2)
def _statements(text: str) -> tuple[tuple[int, int, int, bool], ...]:
    """Every statement as (line, end line, column byte offset, compound), by first line."""
    tree = ast_of(text)
    if tree is None:
        return ()
    found = [
        (node.lineno, node.end_lineno or node.lineno, node.col_offset, _compound(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt)
    ]
    return tuple(sorted(found))


def _compound(node: ast.stmt) -> bool:
    return any(isinstance(getattr(node, f, None), list) for f in ("body", "orelse", "handlers"))


def statement_region(text: str, line: int, end_line: int) -> tuple[str, Region] | None:
    """The innermost simple statement holding lines `line`..`end_line`, as dedented text."""
    statements = _statements(text)
    index = bisect_right(statements, (line, 1 << 30, 1 << 30, True))
    best = None
    while index > 0:  # walking back by first line, the first that contains is the innermost
        index -= 1
        first, last, col, compound = statements[index]
        if first <= line and end_line <= last:
            best = (first, last, col, compound)
            break
    if best is None or best[3]:
        return None  # none, or a compound statement: parse the whole file
    first_line, last_line, col_offset, _ = best
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[first_line - 1]
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    if len(first.encode("utf-8")[:col_offset].decode("utf-8", errors="replace")) != len(indent):
        return None  # `if x: call()` or `a; call()`: not a line of its own
    removed = []
    body = []
    for number in range(first_line, last_line + 1):
        current = lines[number - 1]
        take = min(len(indent), len(current) - len(current.lstrip(" \t")))
        removed.append(take)
        body.append(current[take:])
    return "\n".join(body) + "\n", Region(first_line, tuple(removed), indent)
