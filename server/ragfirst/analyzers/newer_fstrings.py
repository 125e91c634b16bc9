"""Python 3.12 f-strings (PEP 701) read on Python 3.11.

Since 3.12 an f-string may reuse its own quote inside a replacement field:
`f"{row["question"]}"`. That is valid Python, so it must not be RF000 when ragfirst runs
on 3.11. Such inner strings are given the other quote (same length, same value: every
position stays) and the file is parsed again; a file that is wrong for 3.12 too keeps
its error.

3.12 also allows backslashes in a replacement field (`f"{'\\n'.join(lines)}"`). On 3.11 each
escape in a string inside a field becomes `__` (same length): the string's value is only
approximated, which no rule reads, and every position stays.
"""

from __future__ import annotations

import ast
import sys

_PREFIX = frozenset("rRbBuUfF")
_OTHER = {'"': "'", "'": '"'}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = list(text)
        self.changed = False

    def code(self, index: int) -> None:
        """Top-level code: find each string literal and scan it."""
        text, length = self.text, len(self.text)
        while index < length:
            char = text[index]
            if char == "#":
                end = text.find("\n", index)
                index = length if end < 0 else end
            elif char in "'\"":
                index = self.string(index, None)
            else:
                index += 1

    def _prefix(self, index: int) -> str:
        start = index
        while start > 0 and text_at(self.text, start - 1) in _PREFIX and index - start < 2:
            start -= 1
        if start > 0 and (self.text[start - 1].isalnum() or self.text[start - 1] == "_"):
            return ""
        return self.text[start:index].lower()

    def string(self, index: int, enclosing: str | None, in_field: bool = False) -> int:
        """A literal starting at its quote; returns the index after it. `enclosing` is the
        quote of the single-quoted f-string whose replacement field holds it; `in_field`:
        it is inside a replacement field (no backslash allowed there before 3.12)."""
        text = self.text
        prefix = self._prefix(index)
        quote = text[index]
        triple = text.startswith(quote * 3, index)
        delimiter = quote * 3 if triple else quote
        body = index + len(delimiter)
        escaped = False
        if "f" in prefix:
            # An f-string inside a field (`{'\n'.join(f'Q: {q}\nA: {a}' ...)}`): the escapes
            # of its literal parts are blanked too (3.11 allows none anywhere in a field).
            end, escaped = self.fstring_body(body, delimiter, "r" in prefix, blank=in_field)
        else:
            end = _plain_end(text, body, delimiter, "r" in prefix)
        if in_field and "r" not in prefix and "f" not in prefix:
            escaped = self._blank_escapes(body, end - len(delimiter))
        if enclosing == quote and not triple and end <= len(text):
            inner = text[body : end - 1]
            other = _OTHER[quote]
            if other not in inner and ("\\" not in inner or escaped):
                self.out[index] = other
                self.out[end - 1] = other
                self.changed = True
        return end

    def _blank_escapes(self, start: int, end: int) -> bool:
        index, found = start, False
        while index < end - 1:
            if self.text[index] == "\\":
                found = self._blank_escape(index) or found
                index += 2
            else:
                index += 1
        return found

    def _blank_escape(self, index: int) -> bool:
        """`\\x` at `index` becomes `__` (same length); a backslash before a line break is
        kept (blanking the break would move every line after it)."""
        if self.text[index + 1 : index + 2] in ("\n", "\r", ""):
            return False
        self.out[index] = self.out[index + 1] = "_"
        self.changed = True
        return True

    def fstring_body(self, index: int, delimiter: str, raw: bool, blank: bool = False) -> tuple[int, bool]:
        """The index after the f-string's closing quote, and whether escapes of its literal
        parts were blanked (`blank`: it stands in a replacement field)."""
        text, length = self.text, len(self.text)
        single = delimiter if len(delimiter) == 1 else None
        blanked = False
        while index < length:
            if text.startswith(delimiter, index):
                return index + len(delimiter), blanked
            char = text[index]
            if char == "\\" and not raw:
                if blank:
                    blanked = self._blank_escape(index) or blanked
                index += 2
            elif char == "{":
                if text.startswith("{{", index):
                    index += 2
                else:
                    index = self.field(index + 1, single)
            elif char == "\n" and single:
                return index, blanked  # unterminated: let the parser say so
            else:
                index += 1
        return length, blanked

    def field(self, index: int, enclosing: str | None) -> int:
        """A replacement field after its `{`; returns the index after its `}`."""
        text, length = self.text, len(self.text)
        depth = 0
        while index < length:
            char = text[index]
            if char in "'\"":
                index = self.string(index, enclosing, in_field=True)
                continue
            if char in "([{":
                depth += 1
            elif char in ")]":
                depth -= 1
            elif char == "}":
                if depth == 0:
                    return index + 1
                depth -= 1
            elif char == ":" and depth == 0 and not text.startswith(":=", index):
                return self.format_spec(index + 1, enclosing)
            elif char == "#":
                end = text.find("\n", index)
                index = length if end < 0 else end
                continue
            index += 1
        return length

    def format_spec(self, index: int, enclosing: str | None) -> int:
        text, length = self.text, len(self.text)
        while index < length:
            char = text[index]
            if char == "{":
                index = self.field(index + 1, enclosing)
            elif char == "}":
                return index + 1
            else:
                index += 1
        return length


def text_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _plain_end(text: str, index: int, delimiter: str, raw: bool) -> int:
    length = len(text)
    while index < length:
        if text.startswith(delimiter, index):
            return index + len(delimiter)
        char = text[index]
        if char == "\\":
            index += 2  # even in a raw string, `\"` does not end it
        elif char == "\n" and len(delimiter) == 1:
            return index
        else:
            index += 1
    return length


def with_older_quotes(text: str) -> str | None:
    """The text with PEP 701 same-quote strings in f-strings re-quoted, or None if none."""
    scanner = _Scanner(text)
    scanner.code(0)
    return "".join(scanner.out) if scanner.changed else None


def parse_newer_fstrings(text: str, filename: str, error: SyntaxError) -> ast.Module:
    """After `error`: on Python < 3.12, parse again with PEP 701 f-strings re-quoted;
    re-raise `error` when that is not the problem (or does not help)."""
    if sys.version_info >= (3, 12) or "f-string" not in (error.msg or ""):
        raise error
    rewritten = with_older_quotes(text)
    if rewritten is None:
        raise error
    try:
        return ast.parse(rewritten, filename=filename)
    except SyntaxError:
        raise error from None


def parse_python_text(text: str, filename: str) -> ast.Module:
    """`ast.parse`, accepting PEP 701 f-strings on Python < 3.12 too (the one way every
    caller parses Python text: files, recovered statements, notebook cells)."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as exc:
        return parse_newer_fstrings(text, filename, exc)
