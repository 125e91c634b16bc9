"""What a reporter is given: the findings of one run and what it knows about the rules.

Reporters never lint; the `check` command builds a `Report` and hands it to one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ragfirst.model import Finding, Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as the run saw it: its texts, its guide link and its configured severity."""

    id: str
    name: str
    summary: str
    why: str
    fix: str
    guide_url: str
    severity: Severity
    enabled: bool = True
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class Report:
    findings: list[Finding]
    files_checked: int
    # Display paths of every file checked, when the command knows them (JUnit needs them).
    checked_files: list[str] | None = None
    rules: list[RuleInfo] = field(default_factory=list)
    # Findings left out because the baseline already lists them.
    baselined: int = 0
    # What discovery left out and why (generated, vendored, gitignored): one line, or "".
    skipped: str = ""
    # The directory that relative `Finding.path` values are relative to.
    root: Path = field(default_factory=Path.cwd)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]
