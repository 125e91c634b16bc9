"""`ragfirst check` options for output and introspection (issue 22), kept apart from the
linting options in main.py: colour, progress, the CI job summary, `--show-settings`,
`--show-files`, and `--statistics` in JSON."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.cli.color import CHOICES

if TYPE_CHECKING:  # not imported by a warm run (cli/warm_check.py)
    from ragfirst.model import Finding

STATISTICS_FORMATS = ("text", "json")


def add_check_options(check: argparse.ArgumentParser) -> None:
    check.add_argument(
        "--color",
        choices=CHOICES,
        default="auto",
        help="colour the text report: auto (default; a terminal, unless NO_COLOR is set or FORCE_COLOR is), always, never",
    )
    check.add_argument(
        "--no-progress",
        action="store_true",
        help="never show progress (it is shown on stderr only when stderr is a terminal and the run is long)",
    )
    check.add_argument(
        "--summary-file",
        type=Path,
        metavar="PATH",
        help='also append a Markdown summary (counts per rule, findings table) to PATH, e.g. "$GITHUB_STEP_SUMMARY"',
    )
    check.add_argument(
        "--show-settings",
        type=Path,
        metavar="FILE",
        help="print the settings that apply to FILE and where each came from, then exit",
    )
    check.add_argument(
        "--timings",
        action="store_true",
        help="print where the run's time went to stderr: each phase's CPU and wall time (discover, analyse, link, finalize, report) and how many files were parsed and analysed again by the cross-module link",
    )
    check.add_argument(
        "--show-files",
        action="store_true",
        help="list the files that would be checked and what was skipped and why, then exit",
    )


def statistics_problem(args: argparse.Namespace) -> str | None:
    if args.statistics and args.format not in STATISTICS_FORMATS:
        return (
            f"--statistics prints counts as text or JSON; it cannot be combined with --format {args.format}"
        )
    return None


def render_statistics_json(findings: list[Finding]) -> str:
    """ruff's `--statistics --output-format json`: one object per rule, most frequent first."""
    counts = Counter((f.rule_id, f.rule_name, f.severity.label) for f in findings if not f.suppressed)
    rows = [
        {"code": rule_id, "name": name, "severity": severity, "count": count}
        for (rule_id, name, severity), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return json.dumps(rows, indent=2) + "\n"
