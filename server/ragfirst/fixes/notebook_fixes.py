"""Fixes in Jupyter notebooks: the rule's own fix, computed on the cell's source, written
back into the cell's `source` inside the .ipynb JSON.

A finding in a notebook is placed in its cell (`Finding.cell`, 1-based among all cells,
and a span inside the cell). The cell's text is fixed like a Python file: IPython lines
(`!pip install`, `%time`) are first rewritten in place into Python of the same length
(ipython_syntax.py), and an edit that would touch such a line is refused. The new cell
text goes back as the same JSON shape (a string, or Jupyter's list of lines) in the
file's own style: every unchanged line keeps its JSON text byte for byte, a new line is
written with the file's indentation, and the edit covers only what changed, so two fixes
on two lines of one cell do not overlap. The result must still be a notebook whose fixed
cell parses (apply.py re-parses the whole file).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ragfirst.data.secrets import redact_text
from ragfirst.fixes.text_edits import EditError, apply_edits, span_of
from ragfirst.model import Finding, Fix, TextEdit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@lru_cache(maxsize=2)
def _document(text: str) -> tuple[Any, Any] | None:
    """The notebook as values, with the offset of every value (json_positions.py)."""
    from ragfirst.analyzers.errors import AnalysisError
    from ragfirst.analyzers.json_positions import parse_json

    try:
        return parse_json(text)
    except (AnalysisError, RecursionError, ValueError):
        return None


def _cell_source(text: str, number: int) -> tuple[tuple[Any, ...], Any] | None:
    """The JSON path and value of code cell `number`'s source (nbformat 4 only)."""
    parsed = _document(text)
    if parsed is None:
        return None
    document, _positions = parsed
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list) or not 1 <= number <= len(cells):
        return None
    cell = cells[number - 1]
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    source = cell.get("source")
    if isinstance(source, str) or (isinstance(source, list) and all(isinstance(p, str) for p in source)):
        return ("cells", number - 1, "source"), source
    return None


def notebook_fix(finding: Finding, text: str, fixer: Callable[[Finding, str], Fix | None]) -> Fix | None:
    """`fixer`'s fix of a finding in a notebook cell, as an edit of the .ipynb text."""
    place = finding.cell
    if place is None or place.output:
        return None  # a key in printed output: the output has to be cleared, not edited
    found = _cell_source(text, place.cell)
    if found is None:
        return None
    path, source = found
    cell_text = source if isinstance(source, str) else "".join(source)
    lines = cell_text.splitlines()
    line = finding.span.start_line
    if not 1 <= line <= len(lines) or (
        finding.snippet and redact_text(lines[line - 1].strip()) != finding.snippet
    ):
        return None  # the cell changed since the analysis
    from ragfirst.analyzers.ipython_syntax import rewrite_cell

    rewritten = rewrite_cell(lines)
    if not rewritten.is_python:
        return None
    python = _with_breaks(cell_text, rewritten.lines)
    fix = fixer(replace(finding, path=f"{finding.path}.py", cell=None), python)
    if fix is None or not fix.edits:
        return fix  # none, or display-only: nothing to place
    changed = {n for n, (a, b) in enumerate(zip(lines, rewritten.lines, strict=True), 1) if a != b}
    if any(n in changed for edit in fix.edits for n in range(edit.span.start_line, edit.span.end_line + 1)):
        return None  # it would edit an IPython line
    try:
        fixed = apply_edits(cell_text, fix.edits)
        fixed_python = apply_edits(python, fix.edits)
    except EditError:
        return None
    from ragfirst.fixes.python_edits import python_parses

    if not python_parses(fixed_python):
        return None
    edit = _source_edit(text, path, source, fixed)
    return None if edit is None else replace(fix, edits=(edit,))


def _with_breaks(original: str, lines: list[str]) -> str:
    """`lines` (rewritten) joined with the original text's own line breaks."""
    breaks = [m.group()[len(m.group().rstrip("\r\n")) :] for m in _LINE.finditer(original)]
    return "".join(line + (breaks[i] if i < len(breaks) else "") for i, line in enumerate(lines))


def _source_edit(text: str, path: tuple[Any, ...], old: str | list[str], new_text: str) -> TextEdit | None:
    """The smallest edit of the file's text that makes the cell's source `new_text`."""
    _document_value, positions = _document(text)  # type: ignore[misc]
    start = positions.values.get(path)
    if start is None:
        return None
    try:
        _value, end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None
    old_json = text[start:end]
    ascii_only = not any(ord(ch) > 127 for ch in old_json)
    if isinstance(old, str):
        new_json = json.dumps(new_text, ensure_ascii=ascii_only)
    else:
        new_json = _source_list(text, positions, path, old, new_text, ascii_only)
        if new_json is None:
            return None
    prefix = 0
    limit = min(len(old_json), len(new_json))
    while prefix < limit and old_json[prefix] == new_json[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old_json[-1 - suffix] == new_json[-1 - suffix]:
        suffix += 1
    return TextEdit(span_of(text, start + prefix, end - suffix), new_json[prefix : len(new_json) - suffix])


def _source_list(
    text: str, positions: Any, path: tuple[Any, ...], old: list[str], new_text: str, ascii_only: bool
) -> str | None:
    """Jupyter's list of lines for `new_text`, each unchanged item in its own JSON text."""
    new = _LINE.findall(new_text)
    tokens = []
    for index in range(len(old)):
        begin = positions.values.get((*path, index))
        if begin is None:
            return None
        _value, finish = json.JSONDecoder().raw_decode(text, begin)
        tokens.append(text[begin:finish])
    start = positions.values[path]
    if old:
        first = positions.values[(*path, 0)]
        opening = text[start + 1 : first]  # `[` to the first item: the line break and indent
        _value, last_end = json.JSONDecoder().raw_decode(text, positions.values[(*path, len(old) - 1)])
        _value, end = json.JSONDecoder().raw_decode(text, start)
        closing = text[last_end : end - 1]
        separator = "," + opening if opening.strip() == "" else ", "
    else:
        opening, closing, separator = "", "", ", "
    items: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items.extend(tokens[i1:i2])
        else:
            items.extend(json.dumps(line, ensure_ascii=ascii_only) for line in new[j1:j2])
    if not old and items:
        return "[" + ", ".join(items) + "]"
    return "[" + opening + separator.join(items) + closing + "]"


def notebook_parses(text: str) -> bool:
    """Is the fixed text still a notebook? (The fixed cell was checked as Python.)"""
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return isinstance(document, dict) and ("cells" in document or "worksheets" in document)
