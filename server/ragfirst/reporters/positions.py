"""Column conversion for formats that count in UTF-16 code units (SARIF's default).

Findings carry 0-based columns in code points; a character outside the Basic
Multilingual Plane (an emoji, say) is one code point but two UTF-16 units. The
reporter reads each reported file once to convert, with the engine's own line table.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ragfirst.model import Finding, Span
from ragfirst.source import SourceText, utf16_col


def file_span(finding: Finding) -> Span:
    """Where the finding is in the file's own lines: for a notebook, in its JSON text
    (what a viewer of the .ipynb file shows), else the finding's span."""
    return finding.cell.file_span if finding.cell is not None else finding.span


def cell_label(finding: Finding) -> str:
    """`cell 3:2:5` (ruff's notebook position) for a notebook finding, else ""."""
    if finding.cell is None:
        return ""
    return f"cell {finding.cell.cell}:{finding.span.start_line}:{finding.span.start_col + 1}"


def with_cell(finding: Finding, message: str) -> str:
    """The message, with the cell position for viewers that can only show file lines."""
    label = cell_label(finding)
    return f"{message} [{label}]" if label else message


def utf16_offset(line_text: str, code_points: int) -> int:
    """The UTF-16 column of code-point column `code_points`; past the line end stays past it."""
    code_points = max(code_points, 0)
    extra = max(code_points - len(line_text), 0)
    return utf16_col(line_text, code_points) + extra


class SourceLines:
    """Reads each reported file once, on demand, to convert its columns."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._files: dict[str, SourceText | None] = {}

    def line(self, path: str, number: int) -> str | None:
        """Line `number` (1-based) of `path`, or None when the file cannot be read."""
        if path not in self._files:
            self._files[path] = self._read(path)
        source = self._files[path]
        if source is None or not 1 <= number <= len(source.lines):
            return None
        return source.lines[number - 1]

    def _read(self, path: str) -> SourceText | None:
        full = Path(path)
        if not full.is_absolute():
            full = self._root / full
        try:
            data = full.read_bytes()
        except OSError:
            return None
        if b"\0" in data[:8192]:
            return None
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        return SourceText(data.decode("utf-8", errors="replace"))

    def utf16_column(self, path: str, line: int, col: int) -> int:
        """0-based code-point column -> 0-based UTF-16 column (unchanged if unreadable)."""
        text = self.line(path, line)
        return col if text is None else utf16_offset(text, col)
