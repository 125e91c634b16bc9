"""Where a suppression comment may go in a Python document, re-using the work of the
statements an edit did not touch.

Every published diagnostic carries its ready-made suppression edit (`DiagnosticData`), and
placing it needs the document's real line breaks (fixes/comment_positions.py: Python's
tokenizer over the whole text). For a 2,000-line file that tokenizing took longer than the
analysis itself, on every edit. The tokenizer's state is empty at the start of a top-level
statement, so the breaks of a document are those of its top-level statements
(analyzers/python_chunks.py), each tokenized once and remembered by its text. A piece that
does not tokenize alone (a split inside brackets, a string or after a backslash) makes the
whole text be tokenized as before, so the result is always what `line_breaks` gives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ragfirst.analyzers.python_chunks import top_level_chunks
from ragfirst.fixes.comment_positions import Breaks, line_breaks

MAX_PIECES = 20_000


class PythonBreaks:
    """`line_breaks(lines, "python")` with a bounded cache of top-level statements."""

    def __init__(self, max_pieces: int = MAX_PIECES) -> None:
        self._inside: OrderedDict[str, frozenset[int] | None] = OrderedDict()
        self._max = max_pieces
        self._lock = threading.Lock()
        self.tokenized = 0  # pieces tokenized (not found in the cache), for tests

    def breaks(self, lines: list[str]) -> Breaks:
        text = "\n".join(lines)
        chunks = top_level_chunks(text)
        if len(chunks) < 2:
            return line_breaks(lines, "python")
        inside: set[int] = set()
        for start, chunk in chunks:
            relative = self._piece(chunk)
            if relative is None:  # does not tokenize alone: the whole text decides
                return line_breaks(lines, "python")
            inside.update(start - 1 + index for index in relative)
        return Breaks(frozenset(inside))

    def _piece(self, chunk: str) -> frozenset[int] | None:
        with self._lock:
            if chunk in self._inside:
                self._inside.move_to_end(chunk)
                return self._inside[chunk]
        piece_lines = chunk.split("\n")
        if piece_lines[-1] == "":
            piece_lines.pop()  # the piece's own final line break is the next statement's start
        found = line_breaks(piece_lines, "python").inside
        self.tokenized += 1
        with self._lock:
            self._inside[chunk] = found
            while len(self._inside) > self._max:
                self._inside.popitem(last=False)
        return found


_shared = PythonBreaks()


def python_breaks(lines: list[str]) -> Breaks:
    return _shared.breaks(lines)
