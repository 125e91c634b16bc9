"""The types that cross module boundaries: severities, spans, findings and fixes.

Every front end (CLI reporters, the language server) consumes these and nothing else,
so the same file always yields the same findings wherever it is linted.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that `>=` means "at least as serious"."""

    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


SEVERITY_NAMES = ("error", "warning", "info", "hint")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range in a file: 1-based lines, 0-based columns counted in code points."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int = 0) -> Span:
        return cls(line, col, line, col)


@dataclass(frozen=True, slots=True)
class CellPlace:
    """Where a finding sits in a notebook: `Finding.span` is then inside cell `cell` (1-based
    among all cells, as ruff counts), and `file_span` is the same text in the .ipynb's JSON,
    for viewers that only show file lines (SARIF, GitHub, GitLab, JUnit)."""

    cell: int
    file_span: Span
    output: bool = False  # found in the cell's printed output, not its code


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace `span` with `new_text`; an insertion has an empty span."""

    span: Span
    new_text: str


class FixSafety(enum.Enum):
    """One value carried everywhere, as in ruff: only safe fixes are applied by fix-all."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    safety: FixSafety = FixSafety.UNSAFE


@dataclass(slots=True)
class Finding:
    """One diagnostic. `path` is the path as given to the engine (POSIX separators)."""

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    path: str
    span: Span
    guide_url: str = ""
    fix: Fix | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    # Facts a front end may show without re-linting (inlay hints, code-action data).
    data: dict[str, Any] = field(default_factory=dict)
    # The source text of the flagged line, stripped; feeds the line-independent fingerprint.
    snippet: str = ""
    cell: CellPlace | None = None  # set for notebooks: `span` is then cell-relative

    @property
    def fingerprint(self) -> str:
        """Stable across unrelated edits that move lines: rule, file and flagged code only."""
        digest = hashlib.sha256(f"{self.rule_id}\0{self.path}\0{self.snippet}".encode())
        return digest.hexdigest()[:20]

    def sort_key(self) -> tuple[str, int, int, int, str]:
        cell = self.cell.cell if self.cell is not None else 0
        return (self.path, cell, self.span.start_line, self.span.start_col, self.rule_id)
