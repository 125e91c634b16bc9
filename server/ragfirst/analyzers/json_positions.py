"""A JSON parser that keeps the position of every key and value.

The standard library's parser keeps none, and diagnostics must land on the exact key.
Iterative depth is bounded (deeply nested input is an error, not a RecursionError), and
duplicate keys keep the last value, as `json.loads` does.
"""

from __future__ import annotations

import json
from typing import Any

from ragfirst.analyzers.errors import AnalysisError

MAX_DEPTH = 256
_WS = " \t\r\n"
_LITERALS = {"true": True, "false": False, "null": None}
_decoder = json.JSONDecoder()

Path = tuple[str | int, ...]


class PositionedJson:
    def __init__(self, text: str) -> None:
        self.text = text
        self.values: dict[Path, int] = {}  # path -> offset of the value
        self.keys: dict[Path, int] = {}  # path -> offset of the key
        self._line_starts = [0]
        for index, char in enumerate(text):
            # CRLF, lone CR and LF each end a line (as in SourceText).
            if char == "\n" or (char == "\r" and text[index + 1 : index + 2] != "\n"):
                self._line_starts.append(index + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line, 0-based code-point column."""
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if self._line_starts[mid] <= offset:
                low = mid
            else:
                high = mid - 1
        return low + 1, offset - self._line_starts[low]

    def error(self, message: str, offset: int) -> AnalysisError:
        line, col = self.line_col(min(offset, len(self.text)))
        return AnalysisError(f"invalid JSON: {message}", line, col)


def parse_json(text: str) -> tuple[Any, PositionedJson]:
    doc = PositionedJson(text)
    value, end = _value(doc, _skip(text, 0), (), 0)
    end = _skip(text, end)
    if end != len(text):
        raise doc.error("extra data after the document", end)
    return value, doc


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WS:
        index += 1
    return index


def _value(doc: PositionedJson, index: int, path: Path, depth: int) -> tuple[Any, int]:
    text = doc.text
    if depth > MAX_DEPTH:
        raise doc.error(f"nested deeper than {MAX_DEPTH} levels", index)
    if index >= len(text):
        raise doc.error("unexpected end of input", index)
    doc.values[path] = index
    char = text[index]
    if char == "{":
        result: dict[str, Any] = {}
        index = _skip(text, index + 1)
        if index < len(text) and text[index] == "}":
            return result, index + 1
        while True:
            if index >= len(text) or text[index] != '"':
                raise doc.error("expected a string key", index)
            key, after = _string(doc, index)
            doc.keys[(*path, key)] = index
            index = _skip(text, after)
            if index >= len(text) or text[index] != ":":
                raise doc.error("expected ':' after a key", index)
            value, index = _value(doc, _skip(text, index + 1), (*path, key), depth + 1)
            result[key] = value
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index = _skip(text, index + 1)
                continue
            if index < len(text) and text[index] == "}":
                return result, index + 1
            raise doc.error("expected ',' or '}'", index)
    if char == "[":
        items: list[Any] = []
        index = _skip(text, index + 1)
        if index < len(text) and text[index] == "]":
            return items, index + 1
        while True:
            value, index = _value(doc, index, (*path, len(items)), depth + 1)
            items.append(value)
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index = _skip(text, index + 1)
                continue
            if index < len(text) and text[index] == "]":
                return items, index + 1
            raise doc.error("expected ',' or ']'", index)
    if char == '"':
        return _string(doc, index)
    for word, literal in _LITERALS.items():
        if text.startswith(word, index):
            return literal, index + len(word)
    try:
        value, end = _decoder.raw_decode(text, index)
    except json.JSONDecodeError:
        raise doc.error("unexpected character", index) from None
    if not isinstance(value, (int, float)):
        raise doc.error("unexpected value", index)
    return value, end


def _string(doc: PositionedJson, index: int) -> tuple[str, int]:
    try:
        value, end = _decoder.raw_decode(doc.text, index)
    except json.JSONDecodeError as exc:
        raise doc.error(exc.msg.lower(), exc.pos) from None
    return value, end
