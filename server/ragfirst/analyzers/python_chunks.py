"""Parse a Python module as its top-level statements, re-using the trees of unchanged ones.

The language server analyses a document again on every edit, and `ast.parse` of a 2,000-
line file is about half of that analysis (15-20 ms). An edit almost always changes one
top-level statement (a function, a class, an assignment): the others parse to the same
trees as last time.

Splitting is done on the text, at lines that start in column 0 and cannot continue the
statement before them (not a comment, a decorated `def`, `else:` and the like). A split in
the wrong place (inside a triple-quoted string or brackets, after a backslash) leaves a
piece that does not parse; then the whole text is parsed as usual, so the result (or the
syntax error reported) is always what `ast.parse` of the whole text gives.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

# A column-0 line starting with one of these continues the statement above it.
_CONTINUATIONS = ("else", "elif", "except", "finally")
# Closing brackets too: `]` in column 0 ends a bracketed expression, not a statement.
_NOT_A_START = ("", " ", "\t", "\n", "\r", "\f", "#", ")", "]", "}")
# Lines as Python's tokenizer ends them (str.splitlines also splits at \f, \v, \x1c-\x1e,
# \x85, \u2028 and \u2029, which Python source treats as ordinary characters).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
MAX_CHUNKS = 20_000


_TRIPLE = re.compile("\"\"\"|'''")


def triple_quotes(text: str) -> Iterator[tuple[int, str]]:
    """(offset, delimiter) of each triple quote, as `_TRIPLE.finditer` finds them (leftmost,
    not overlapping), by `str.find`: several times faster on a long file."""
    double, single = text.find('"""'), text.find("'''")
    while double >= 0 or single >= 0:
        if single < 0 or 0 <= double < single:
            at, quote = double, '"""'
        else:
            at, quote = single, "'''"
        yield at, quote
        after = at + 3
        if 0 <= double < after:
            double = text.find('"""', after)
        if 0 <= single < after:
            single = text.find("'''", after)


def _triple_quoted(text: str) -> list[tuple[int, int]]:
    """Offsets (start, end) of triple-quoted strings, found by pairing delimiters: a
    delimiter inside a comment or another string can pair them wrongly, which only costs
    a split that does not parse (and so a whole-text parse)."""
    spans = []
    opened: tuple[int, str] | None = None
    for at, quote in triple_quotes(text):
        if opened is None:
            opened = (at, quote)
        elif quote == opened[1]:
            spans.append((opened[0], at + 3))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


# A line that may start a statement, or be a decorator: its first character is none of
# _NOT_A_START (in a text without "\r", where every line ends at "\n").
_CANDIDATE = re.compile(r"^[^ \t\n\f#)\]}]", re.MULTILINE)


def top_level_chunks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each run of lines from one top-level statement to the next.

    Only the lines that can start a statement or carry a decorator decide anything; they
    are found by one regex pass instead of a loop over every line (the server splits the
    document on every edit). A text with "\r" line breaks takes the line-by-line way."""
    if "\r" in text:
        return _chunks_by_line(text)
    chunks: list[tuple[int, str]] = []
    start, start_at = 1, 0
    number, counted_to = 1, 0  # the line number at offset `counted_to`
    decorated = False
    strings = _triple_quoted(text)
    next_string = 0
    for found in _CANDIDATE.finditer(text):
        at = found.start()
        while next_string < len(strings) and strings[next_string][1] <= at:
            next_string += 1
        if next_string < len(strings) and strings[next_string][0] < at:
            continue  # inside a triple-quoted string: neither a start nor a decorator
        first = text[at]
        starts = not decorated
        if starts and text.startswith(_CONTINUATIONS, at):
            end = text.find("\n", at)
            word = text[at : end if end >= 0 else len(text)].split(None, 1)[0].rstrip(":")
            starts = word not in _CONTINUATIONS
        decorated = first == "@"
        if starts and at > 0:
            number += text.count("\n", counted_to, at)
            counted_to = at
            chunks.append((start, text[start_at:at]))
            start, start_at = number, at
    if text:
        chunks.append((start, text[start_at:]))
    return chunks


def _chunks_by_line(text: str) -> list[tuple[int, str]]:
    """top_level_chunks, one line at a time (any line breaks)."""
    chunks: list[tuple[int, str]] = []
    start = 1
    current: list[str] = []
    decorated = False  # the chunk so far ends in decorator lines: the def/class belongs to it
    strings = _triple_quoted(text)
    next_string = 0
    offset = 0
    for number, line in enumerate(_LINES.findall(text), 1):
        at = offset
        offset += len(line)
        while next_string < len(strings) and strings[next_string][1] <= at:
            next_string += 1
        inside = next_string < len(strings) and strings[next_string][0] < at
        first = line[:1]
        starts = first not in _NOT_A_START and not decorated and not inside
        if starts and line.startswith(_CONTINUATIONS):
            word = line.split(None, 1)[0].rstrip(":")
            starts = word not in _CONTINUATIONS
        if starts and current:
            chunks.append((start, "".join(current)))
            start, current = number, []
        current.append(line)
        if inside:
            continue
        if first == "@":
            decorated = True
        elif first not in _NOT_A_START:
            decorated = False
    if current:
        chunks.append((start, "".join(current)))
    return chunks


class ChunkedParser:
    """`ast.parse` with a bounded cache of top-level statements (shared by threads)."""

    def __init__(self, max_chunks: int = MAX_CHUNKS) -> None:
        self._trees: OrderedDict[tuple[int, str], list[ast.stmt]] = OrderedDict()
        self._max = max_chunks
        self._lock = threading.Lock()
        self.parsed = 0  # chunks parsed (not found in the cache), for tests and stats

    shares_trees = True  # a statement's tree serves the next versions of the document

    def parse(self, text: str, filename: str = "<unknown>") -> ast.Module:
        chunks = top_level_chunks(text)
        if len(chunks) < 2:
            return ast.parse(text, filename=filename)
        body: list[ast.stmt] = []
        for start, chunk in chunks:
            key = (start, chunk)
            with self._lock:
                trees = self._trees.get(key)
                if trees is not None:
                    self._trees.move_to_end(key)
            if trees is None:
                try:
                    # Leading newlines give every node its line number in the whole file.
                    trees = ast.parse("\n" * (start - 1) + chunk, filename=filename).body
                except (SyntaxError, ValueError):
                    return ast.parse(text, filename=filename)  # the real error, or a bad split
                self.parsed += 1
                with self._lock:
                    self._trees[key] = trees
                    while len(self._trees) > self._max:
                        self._trees.popitem(last=False)
            body.extend(trees)
        return ast.Module(body=body, type_ignores=[])


class RecentTexts:
    """`ast.parse` that hands back the tree of a text parsed moments ago (the link analyses
    a file alone, then again with what its imports bind: one parse). Only the trees parsed
    while `keeping` is set are kept (those the caller expects to be asked for again),
    bounded by the characters of their texts (a tree takes ~35 bytes per character), most
    recent first; a text larger than a tenth of the bound (25,600 characters by default)
    is never kept. The analyzer adds to a tree only what its text decides (a node's span),
    as the server's statements shared between edits require. One thread uses an instance
    (engine/link_parses.py makes one per link)."""

    def __init__(self, max_chars: int = 256_000) -> None:
        self._trees: OrderedDict[str, ast.Module] = OrderedDict()
        self._max = max_chars
        self._chars = 0
        self.keeping = True
        self.reused = 0  # parses answered with a kept tree, for --timings and tests
        self._shared = False

    @property
    def shares_trees(self) -> bool:
        """Does the tree `parse` gave last serve more than one analysis (a kept one, or one
        handed back)? The analyzer then keeps its nodes' spans on its nodes."""
        return self._shared

    def parse(self, text: str, filename: str = "<unknown>") -> ast.Module:
        tree = self._trees.get(text)
        self._shared = tree is not None or self.keeping
        if tree is not None:
            self._trees.move_to_end(text)
            self.reused += 1
            return tree
        tree = ast.parse(text, filename=filename)
        if self.keeping and len(text) * 10 <= self._max:
            self._trees[text] = tree
            self._chars += len(text)
            while self._chars > self._max:
                dropped, _ = self._trees.popitem(last=False)
                self._chars -= len(dropped)
        return tree

    def clear(self) -> None:
        self._trees.clear()
        self._chars = 0
        self.reused = 0


Parser = ChunkedParser | RecentTexts

_LOCAL = threading.local()


@contextmanager
def reusing_unchanged_statements(parser: Parser) -> Iterator[None]:
    """Within this block (in this thread), Python files are parsed through `parser`."""
    previous = getattr(_LOCAL, "parser", None)
    _LOCAL.parser = parser
    try:
        yield
    finally:
        _LOCAL.parser = previous


def current_parser() -> Parser | None:
    return getattr(_LOCAL, "parser", None)
