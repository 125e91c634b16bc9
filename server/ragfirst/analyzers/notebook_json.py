"""Reading a Jupyter notebook's JSON: its cells, their source lines, their text outputs,
and where each of those sits in the .ipynb file.

Only the paths that matter (cell sources and text outputs) are walked value by value; every
other value (images, HTML, widget state) is skipped with the C JSON decoder in one call, so
a notebook that is mostly base64 costs little more than its code. Output data is never
decoded as code: only `text` streams and `text/plain` results are kept, as text, for RF404.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ragfirst.analyzers.errors import AnalysisError

MAX_OUTPUT_CHARS = 200_000
"""Text kept per output (a training log can be huge; keys sit near the top of printouts)."""

_decoder = json.JSONDecoder()
_ANY = -1  # a list index in a wanted path
_NEWLINE = re.compile(r"\r\n|\r|\n")

# The values whose positions are kept: v4 (`cells`) and v3 (`worksheets[].cells[]`, `input`).
_V4 = ("cells", _ANY)
_V3 = ("worksheets", _ANY, "cells", _ANY)
_WANTED: tuple[tuple[Any, ...], ...] = tuple(
    cell + tail
    for cell in (_V4, _V3)
    for tail in (
        ("source", _ANY),
        ("input", _ANY),
        # Printed output is decoded in one piece (a training log has thousands of lines):
        # where each of its lines is comes from Jupyter's layout, one list item per line.
        ("outputs", _ANY, "text"),
        ("outputs", _ANY, "data", "text/plain"),
        ("outputs", _ANY, "text/plain"),  # v3 keeps mime data on the output itself
    )
)
# Containers on these paths are walked value by value; anything else is decoded in one call.
_PREFIXES = frozenset(wanted[:n] for wanted in _WANTED for n in range(len(wanted)))
_SPACE = re.compile(r"[ \t\r\n]*")


@dataclass(slots=True)
class FilePos:
    """A place in the .ipynb text: 1-based line, 0-based column of the first character of
    a JSON string's content (just after its opening quote)."""

    line: int
    col: int


@dataclass(slots=True)
class CellText:
    """Lines of a cell's source (or of one output) and where each line starts in the file."""

    lines: list[str]
    places: list[FilePos]
    # Per line: how many of its characters lie in the JSON string it starts in (-1: all).
    # A line split over two list items continues elsewhere in the file.
    spans: list[int] = field(default_factory=list)


class PrintedOutput:
    """A cell's printed text (a stream or a `text/plain` result). Its lines are placed in
    the file only when asked: most outputs are never reported, and a long training log
    would cost more to place than the notebook's code costs to analyse."""

    __slots__ = ("_path", "_pos", "_value", "text")

    def __init__(self, pos: _Positions, path: tuple[Any, ...], value: str | list[str]) -> None:
        self._pos, self._path, self._value = pos, path, value
        self.text = (_joined(value) or "")[:MAX_OUTPUT_CHARS]

    def located(self) -> CellText:
        return _located(self._pos, self._path, self._value, MAX_OUTPUT_CHARS)


@dataclass(slots=True)
class NotebookCell:
    number: int  # 1-based among all cells, markdown included (as ruff and Jupyter count)
    kind: str  # code, markdown, raw, heading (v3)
    source: CellText
    outputs: list[PrintedOutput] = field(default_factory=list)


@dataclass(slots=True)
class Notebook:
    nbformat: int
    language: str  # the kernel's language ("python" when the notebook does not say)
    cells: list[NotebookCell]
    # Cells that could not be read, by number (1-based), with where they are in the file.
    problems: list[tuple[int, AnalysisError]] = field(default_factory=list)


class _Positions:
    """Offsets of wanted strings, and offset -> (line, column) through a newline table."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets: dict[tuple[Any, ...], int] = {}
        self._crlf = "\r" in text  # then line ends need the full table
        self._starts: list[int] | None = None
        self._last = (0, 1, 0)  # (offset, its line, that line's start): places come in order

    def place(self, offset: int) -> FilePos:
        if self._crlf:
            if self._starts is None:
                self._starts = _line_starts(self.text)
            line = bisect.bisect_right(self._starts, offset)
            return FilePos(line, offset - self._starts[line - 1])
        last, line, start = self._last
        if offset < last:
            last, line, start = 0, 1, 0
        line += self.text.count("\n", last, offset)
        start = self.text.rfind("\n", start, offset) + 1 or start
        self._last = (offset, line, start)
        return FilePos(line, offset - start)

    def error(self, message: str, offset: int) -> AnalysisError:
        place = self.place(min(offset, len(self.text)))
        return AnalysisError(f"invalid notebook JSON: {message}", place.line, place.col)


def _line_starts(text: str) -> list[int]:
    """Offsets where lines start, for a file with CR line ends (rare); LF-only files are
    counted with `str.count` between the places asked for, which is far cheaper."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def _string_end(pos: _Positions, index: int) -> int:
    """The end of the JSON string at `index`, found without decoding it (a megabyte of
    base64 is skipped with a few `str.find` calls)."""
    text = pos.text
    end = index
    while True:
        end = text.find('"', end + 1)
        if end < 0:
            raise pos.error("unterminated string", index)
        backslashes = 0
        while text[end - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return end + 1


def _wanted(path: tuple[Any, ...]) -> bool:
    generic = tuple(_ANY if isinstance(part, int) else part for part in path)
    return generic in _PREFIXES


def _skip(text: str, index: int) -> int:
    return _SPACE.match(text, index).end()  # type: ignore[union-attr]


def _value(pos: _Positions, index: int, path: tuple[Any, ...], depth: int = 0) -> tuple[Any, int]:
    """Decode the value at `index`; descend only into containers on a wanted path."""
    text = pos.text
    if index >= len(text):
        raise pos.error("unexpected end of input", index)
    char = text[index]
    if depth > 12 or not _wanted(path) or char not in "[{":
        if char == '"':
            if len(path) >= 2 and path[-2] == "data" and path[-1] != "text/plain":  # an image, HTML
                return None, _string_end(pos, index)
            pos.offsets[path] = index + 1
        else:
            pos.offsets[path] = index
        try:
            return _decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise pos.error(exc.msg.lower(), exc.pos) from None
        except RecursionError:
            raise pos.error("nested too deeply", index) from None
    if char == "{":
        result: dict[str, Any] = {}
        index = _skip(text, index + 1)
        if index < len(text) and text[index] == "}":
            return result, index + 1
        while True:
            if index >= len(text) or text[index] != '"':
                raise pos.error("expected a string key", index)
            try:
                key, index = _decoder.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                raise pos.error(exc.msg.lower(), exc.pos) from None
            index = _skip(text, index)
            if index >= len(text) or text[index] != ":":
                raise pos.error("expected ':' after a key", index)
            result[key], index = _value(pos, _skip(text, index + 1), (*path, key), depth + 1)
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index = _skip(text, index + 1)
                continue
            if index < len(text) and text[index] == "}":
                return result, index + 1
            raise pos.error("expected ',' or '}'", index)
    items: list[Any] = []
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "]":
        return items, index + 1
    while True:
        item, index = _value(pos, index, (*path, len(items)), depth + 1)
        items.append(item)
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
            continue
        if index < len(text) and text[index] == "]":
            return items, index + 1
        raise pos.error("expected ',' or ']'", index)


def read_notebook(text: str) -> Notebook:
    """The notebook's cells; raises AnalysisError (with the file position) when the file is
    not a notebook at all. A cell that cannot be read is skipped and listed in `problems`."""
    pos = _Positions(text)
    start = _skip(text, 0)
    document, end = _value(pos, start, ())
    if _skip(text, end) != len(text):
        raise pos.error("extra data after the document", _skip(text, end))
    if not isinstance(document, dict):
        raise AnalysisError("not a Jupyter notebook: the top level is not a JSON object", 1, 0)
    nbformat = document.get("nbformat")
    if "cells" not in document and "worksheets" not in document:
        raise AnalysisError("not a Jupyter notebook: no `cells` list (nbformat 4)", 1, 0)
    if nbformat is not None and nbformat not in (3, 4):
        raise AnalysisError(f"nbformat {nbformat!r} is not supported (ragfirst reads versions 3 and 4)", 1, 0)
    notebook = Notebook(nbformat if isinstance(nbformat, int) else 4, _language(document), [])
    if "cells" in document:
        raw_cells = document["cells"]
        if not isinstance(raw_cells, list):
            raise AnalysisError("not a Jupyter notebook: `cells` is not a list", 1, 0)
        located = [(("cells", i), cell) for i, cell in enumerate(raw_cells)]
    else:
        located = []
        worksheets = document["worksheets"]
        for w, sheet in enumerate(worksheets if isinstance(worksheets, list) else []):
            cells = sheet.get("cells") if isinstance(sheet, dict) else None
            located.extend((("worksheets", w, "cells", i), c) for i, c in enumerate(cells or []))
    for number, (path, raw) in enumerate(located, 1):
        cell = _cell(pos, path, raw, number, notebook)
        if cell is not None:
            notebook.cells.append(cell)
    return notebook


def _language(document: dict[str, Any]) -> str:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field_name in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field_name), str):
            return section[field_name].lower()
    return "python"


def _cell(
    pos: _Positions, path: tuple[Any, ...], raw: Any, number: int, notebook: Notebook
) -> NotebookCell | None:
    if not isinstance(raw, dict):
        place = pos.place(pos.offsets.get(path, 0))
        message = f"cell {number} is not a JSON object; skipped"
        notebook.problems.append((number, AnalysisError(message, place.line, place.col)))
        return None
    kind = raw.get("cell_type")
    key = "source" if "source" in raw or "input" not in raw else "input"
    source = raw.get(key, "")
    text = _joined(source)
    if text is None or not isinstance(kind, str):
        offset = pos.offsets.get((*path, key)) or pos.offsets.get((*path, key, 0)) or 0
        place = pos.place(offset)
        problem = (
            "has no `cell_type`"
            if not isinstance(kind, str)
            else f"`{key}` is neither a string nor a list of strings"
        )
        notebook.problems.append(
            (number, AnalysisError(f"cell {number} {problem}; skipped", place.line, place.col))
        )
        return None
    cell = NotebookCell(number, kind, _located(pos, (*path, key), source))
    if kind == "code":
        outputs = raw.get("outputs")
        for k, output in enumerate(outputs if isinstance(outputs, list) else []):
            if not isinstance(output, dict):
                continue
            for tail, value in (
                (("text",), output.get("text")),
                (
                    ("data", "text/plain"),
                    (output.get("data") or {}).get("text/plain")
                    if isinstance(output.get("data"), dict)
                    else None,
                ),
                (("text/plain",), output.get("text/plain")),
            ):
                if _joined(value) is not None and value:
                    cell.outputs.append(PrintedOutput(pos, (*path, "outputs", k, *tail), value))
    return cell


def _joined(source: Any) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    return None


def _located(
    pos: _Positions, path: tuple[Any, ...], value: str | list[str], cap: int | None = None
) -> CellText:
    """Split into lines (CRLF, CR and LF end a line, as in SourceText) and place each line at
    the JSON string it starts in (a line split over two list items starts in the first)."""
    parts = [value] if isinstance(value, str) else value
    lines: list[str] = []
    places: list[FilePos] = []
    spans: list[int] = []
    pending = ""
    pending_place: FilePos | None = None
    pending_span = -1  # characters of the pending line in the part it started in
    used = 0
    for place, part in zip(_part_places(pos, path, value), parts, strict=True):
        if cap is not None and used > cap:
            break
        used += len(part)
        pieces = _NEWLINE.split(part)
        consumed = 0  # characters of `part` before this piece
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if pending_place is None and (piece or not last):
                # A line starts here (not the empty rest after "\n"); inside one JSON string
                # the earlier lines are escaped onto the same file line.
                shift = len(json.dumps(part[:consumed], ensure_ascii=False)) - 2 if consumed else 0
                pending_place = FilePos(place.line, place.col + shift)
            consumed += len(piece) + (2 if part.startswith("\r\n", consumed + len(piece)) else 1)
            pending += piece
            if last and pending_place is not None and pending_span < 0:
                pending_span = len(pending)  # the line goes on in the next list item
            if not last:  # a line ended inside this part
                lines.append(pending)
                places.append(pending_place or place)
                spans.append(pending_span if pending_span < len(pending) else -1)
                pending, pending_place, pending_span = "", None, -1
    if pending or not lines:
        lines.append(pending)
        places.append(pending_place or FilePos(1, 0))
        spans.append(pending_span if 0 <= pending_span < len(pending) else -1)
    return CellText(lines, places, spans)


def _part_places(pos: _Positions, path: tuple[Any, ...], value: str | list[str]) -> Iterator[FilePos]:
    """Where each string of a source or output starts in the file (lazily, in order)."""
    if isinstance(value, str):
        offset = pos.offsets.get(path)
        yield pos.place(offset) if offset is not None else FilePos(1, 0)
        return
    if not value or (*path, 0) in pos.offsets:  # a list walked item by item (cell source)
        for index in range(len(value)):
            offset = pos.offsets.get((*path, index))
            yield pos.place(offset) if offset is not None else FilePos(1, 0)
        return
    # A list decoded in one piece (printed output), laid out as Jupyter writes it: one item
    # per line, each indented like the first; a compact list keeps all on the first's line.
    start = pos.offsets.get(path)
    if start is None:
        yield from (FilePos(1, 0) for _ in value)
        return
    first = pos.text.find('"', start) + 1
    place = pos.place(first)
    one_per_line = len(value) > 1 and "\n" in pos.text[start:first]
    for index in range(len(value)):
        yield FilePos(place.line + index, place.col) if one_per_line else place
