"""A Python file with a syntax error is still analysed, except for the broken statements.

`ast` stops at the first error, so one unclosed bracket used to hide every finding of the
file. tree-sitter recovers for JavaScript; for Python the recovery is by top-level
statement: the text is split where `python_chunks` splits it (lines in column 0 that start a
new statement), each piece is parsed alone with its real line numbers, and the pieces that do
not parse are left out. The error reported is the one `ast.parse` of the whole text gives
(a real parser fails there, and only there), so RF000 lands on the error, never on 1:1 or
on a whole function.

Leaving a statement out can only lose facts (a client it built, a cap it set), never add
one: a finding in the rest of the file is one the file would have had once fixed.
"""

from __future__ import annotations

import ast

from ragfirst.analyzers.newer_fstrings import parse_newer_fstrings
from ragfirst.analyzers.python_chunks import top_level_chunks

# A file split into more pieces than this is parsed as a whole or not at all: the recovery
# is for a typo while editing, not for a file that is mostly broken.
MAX_PIECES = 20_000


def recover_module(text: str, filename: str) -> ast.Module:
    """The statements of `text` that parse on their own (in order, with their real lines)."""
    body: list[ast.stmt] = []
    pieces = top_level_chunks(text)
    if len(pieces) > MAX_PIECES:
        return ast.Module(body=[], type_ignores=[])
    for start, piece in pieces:
        # Leading newlines give every node its line number in the whole file.
        numbered = "\n" * (start - 1) + piece
        try:
            try:
                body.extend(ast.parse(numbered, filename=filename).body)
            except SyntaxError as exc:  # PEP 701 f-strings on Python < 3.12
                body.extend(parse_newer_fstrings(numbered, filename, exc).body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # the broken statement (or a split inside a string): left out
    return ast.Module(body=body, type_ignores=[])


def error_position(error: SyntaxError) -> tuple[int, int]:
    """(line, 0-based column) of a SyntaxError, as RF000 reports it."""
    return error.lineno or 1, max((error.offset or 1) - 1, 0)
