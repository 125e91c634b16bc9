"""The `check` flags that apply fixes (docs/fixes.md), kept apart from main.py's parser."""

from __future__ import annotations

import argparse


def add_fix_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply unsafe fixes with --fix (and count them as fixable)",
    )
    check.add_argument(
        "--fix-only",
        action="store_true",
        help="apply fixes and report only what was fixed; leftover findings do not fail the run",
    )
    check.add_argument(
        "--fix-diff",
        action="store_true",
        help="print the fixes as a unified diff without writing (exit 1 if there is one)",
    )
    check.add_argument("--show-fixes", action="store_true", help="list each fixed finding by file and rule")
    check.add_argument(
        "--add-suppressions",
        metavar="REASON",
        help="add a `ragfirst: ignore[...] -- REASON` comment for every active finding",
    )
