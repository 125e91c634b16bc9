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
def _document(text: str) -> tuple[Any, dict[tuple[Any, ...], int]] | None:
    """The notebook as values, and where each cell-source string starts (just after its
    quote). The notebook reader's own walk (notebook_json.py) is used: it decodes outputs
    and images in one C call each, where a walk of every value costs seconds."""
    from ragfirst.analyzers import notebook_json
    from ragfirst.analyzers.errors import AnalysisError

    pos = notebook_json._Positions(text)
    try:
        document, _end = notebook_json._value(pos, notebook_json._skip(text, 0), ())
    except (AnalysisError, RecursionError, ValueError):
        return None
    return document, pos.offsets


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
    _document_value, offsets = _document(text)  # type: ignore[misc]
    tokens = _tokens(text, offsets, path, old)
    if tokens is None:
        return None
    start, end, items = tokens
    old_json = text[start:end]
    ascii_only = not any(ord(ch) > 127 for ch in old_json)
    if isinstance(old, str):
        new_json = json.dumps(new_text, ensure_ascii=ascii_only)
    else:
        new_json = _source_list(text[start:end], items, old, new_text, ascii_only)
    prefix = 0
    limit = min(len(old_json), len(new_json))
    while prefix < limit and old_json[prefix] == new_json[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old_json[-1 - suffix] == new_json[-1 - suffix]:
        suffix += 1
    return TextEdit(span_of(text, start + prefix, end - suffix), new_json[prefix : len(new_json) - suffix])


def _tokens(
    text: str, offsets: dict[tuple[Any, ...], int], path: tuple[Any, ...], old: str | list[str]
) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Where the source value is in the text ([start, end)) and, for a list, where each of
    its items is (relative to start)."""
    decoder = json.JSONDecoder()
    if isinstance(old, str):
        begin = offsets.get(path)
        if begin is None:
            return None
        _value, finish = decoder.raw_decode(text, begin - 1)
        return begin - 1, finish, []
    if not old:
        return None  # an empty cell has no finding to fix
    items = []
    for index in range(len(old)):
        begin = offsets.get((*path, index))
        if begin is None:
            return None
        _value, finish = decoder.raw_decode(text, begin - 1)
        items.append((begin - 1, finish))
    start = items[0][0] - 1
    while start >= 0 and text[start] in " \t\r\n":
        start -= 1
    end = items[-1][1]
    while end < len(text) and text[end] in " \t\r\n":
        end += 1
    if start < 0 or text[start] != "[" or end >= len(text) or text[end] != "]":
        return None
    return start, end + 1, [(b - start, f - start) for b, f in items]


def _source_list(
    old_json: str, items: list[tuple[int, int]], old: list[str], new_text: str, ascii_only: bool
) -> str:
    """Jupyter's list of lines for `new_text`, each unchanged item in its own JSON text,
    the items laid out as the old list lays them out."""
    new = _LINE.findall(new_text)
    tokens = [old_json[b:f] for b, f in items]
    opening = old_json[1 : items[0][0]]  # `[` to the first item: a line break and indent
    closing = old_json[items[-1][1] : -1]
    separator = "," + opening if len(items) < 2 else old_json[items[0][1] : items[1][0]]
    result: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(tokens[i1:i2])
        else:
            result.extend(json.dumps(line, ensure_ascii=ascii_only) for line in new[j1:j2])
    return "[" + opening + separator.join(result) + closing + "]"


def notebook_parses(text: str) -> bool:
    """Is the fixed text still a notebook? (The fixed cell was checked as Python.)"""
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return isinstance(document, dict) and ("cells" in document or "worksheets" in document)


def notebook_suppressions(
    text: str, findings: list[Finding], reason: str
) -> tuple[list[TextEdit], int, list[str]]:
    """`--add-suppressions` in a notebook: each flagged code cell gets its comments as a
    Python file would, written back into the cell's source. (edits of the .ipynb text,
    comments added, `cell N:line: RULES` of the lines that could take none)."""
    from ragfirst.fixes.suppression_edits import add_suppressions

    by_cell: dict[int, list[Finding]] = {}
    refused: list[str] = []
    for finding in findings:
        if finding.cell is None or finding.cell.output:
            if finding.cell is not None:
                refused.append(f"cell {finding.cell.cell}: {finding.rule_id} (in printed output)")
            continue
        by_cell.setdefault(finding.cell.cell, []).append(finding)
    edits: list[TextEdit] = []
    added = 0
    for number, found in sorted(by_cell.items()):
        located = _cell_source(text, number)
        if located is None:
            refused.extend(f"cell {number}:{f.span.start_line}: {f.rule_id} (not a code cell)" for f in found)
            continue
        path, source = located
        cell_text = source if isinstance(source, str) else "".join(source)
        plain = [replace(f, cell=None) for f in found]
        outcome = add_suppressions(cell_text, "cell.py", "python", plain, reason)
        refused.extend(
            f"cell {number}:{line}: {codes} (no comment is legal on this line)"
            for line, codes in outcome.refused
        )
        if not outcome.edits:
            continue
        try:
            fixed = apply_edits(cell_text, outcome.edits)
        except EditError:
            continue
        edit = _source_edit(text, path, source, fixed)
        if edit is not None:
            edits.append(edit)
            added += outcome.added
    return edits, added, refused
