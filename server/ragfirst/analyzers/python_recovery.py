"""Parsing a Python file, and analysing one with a syntax error except for the broken
statements.

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
import warnings

from ragfirst.analyzers.newer_fstrings import parse_newer_fstrings, parse_python_text
from ragfirst.analyzers.python_chunks import current_parser, top_level_chunks
from ragfirst.source import SourceText

# A file split into more pieces than this is parsed as a whole or not at all: the recovery
# is for a typo while editing, not for a file that is mostly broken.
MAX_PIECES = 20_000


PARSE_FILENAME = "<ragfirst: parsed text>"


def parse_python(source: SourceText, filename: str) -> ast.Module:
    """Parse or raise SyntaxError (with lineno/offset) for RF000. In the language server's
    edits, unchanged top-level statements are not parsed again (python_chunks)."""
    parser = current_parser()
    # Not the real file name: for some errors Python reads the named file again to turn
    # the error's byte offset into a column, and in an editor that file is the saved one,
    # not the buffer being parsed (a wrong column while typing).
    filename = PARSE_FILENAME
    # The user's invalid escapes (`"\d"`) are their compiler's business: Python 3.12+ would
    # print a SyntaxWarning to ragfirst's stderr for each.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        if parser is None:
            return parse_python_text(source.text, filename)
        try:
            return parser.parse(source.text, filename=filename)
        except SyntaxError as exc:  # valid 3.12 f-strings on an older Python (newer_fstrings.py)
            return parse_newer_fstrings(source.text, filename, exc)


def recover_module(text: str, filename: str = PARSE_FILENAME) -> ast.Module:
    """The statements of `text` that parse on their own (in order, with their real lines)."""
    body: list[ast.stmt] = []
    pieces = top_level_chunks(text)
    if len(pieces) > MAX_PIECES:
        return ast.Module(body=[], type_ignores=[])
    for start, piece in pieces:
        # Leading newlines give every node its line number in the whole file.
        numbered = "\n" * (start - 1) + piece
        try:
            body.extend(parse_python_text(numbered, filename).body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # the broken statement (or a split inside a string): left out
    return ast.Module(body=body, type_ignores=[])


def error_position(error: SyntaxError) -> tuple[int, int]:
    """(line, 0-based column) of a SyntaxError, as RF000 reports it."""
    return error.lineno or 1, max((error.offset or 1) - 1, 0)
