"""What discovery left out and why: generated, vendored, minified and gitignored files.

Build output (`.next/`, `dist/`, `out/`), dependencies (`node_modules/`, `.yarn/`) and
bundles (`*.min.js`, `*.bundle.js`, files of very long lines) are not the team's code:
one 1.37 MB minified chunk took 47 s and produced findings nobody can act on. They are
skipped by default and counted, so the summary can say what was left out and how to
include it (`exclude`, `skip-minified = false`, `respect-gitignore = false`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ragfirst.config.path_patterns import compile_patterns

MINIFIED_SUFFIXES = (".js", ".mjs", ".cjs")
PROBE_BYTES = 16 * 1024
LONG_LINE = 1000
"""A JS file whose first 16 KiB are mostly lines longer than this is minified or bundled
(hand-written code keeps lines short; a long data line among short ones does not count)."""

NOT_REPORTED = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
)
"""Excluded but never worth a line in the summary (nobody expects them checked)."""


def looks_minified(path: str) -> bool:
    """Minified or bundled JavaScript, judged from the file's first 16 KiB."""
    if not path.lower().endswith(MINIFIED_SUFFIXES):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(PROBE_BYTES)
    except OSError:
        return False  # the analysis will say why it cannot be read
    return is_minified_text(head)


def is_minified_text(head: bytes) -> bool:
    if len(head) < LONG_LINE:
        return False
    in_long_lines = sum(len(line) for line in head.split(b"\n") if len(line) > LONG_LINE)
    return in_long_lines * 2 >= len(head)


@dataclass(slots=True)
class SkipTally:
    """Counts of skipped paths by reason (`excluded: node_modules`, `gitignored`, `minified`)."""

    counts: Counter[str] = field(default_factory=Counter)

    def excluded(
        self, name: str, relative: str, patterns: tuple[str, ...], is_dir: bool = False, path: str = ""
    ) -> None:
        if name in NOT_REPORTED:
            return
        pattern = compile_patterns(patterns).deciding(relative, is_dir) or "exclude"
        self.add(f"excluded ({pattern})", path + ("/" if is_dir and path else ""))

    def add(self, reason: str, path: str = "") -> None:
        """One more path left out for `reason` (`path` as walked: for `--show-files`)."""
        self.counts[reason] += 1

    def summary(self) -> str:
        """One line for the text report, or "" when nothing was skipped."""
        if not self.counts:
            return ""
        total = sum(self.counts.values())
        parts = ", ".join(f"{count} {reason}" for reason, count in sorted(self.counts.items()))
        noun = "path" if total == 1 else "paths"
        return (
            f"Skipped {total} {noun} not written by hand or not tracked: {parts}. Include them with "
            "`exclude` (replaces the defaults), `skip-minified = false` or `respect-gitignore = false`,"
            " or name a file on the command line."
        )
