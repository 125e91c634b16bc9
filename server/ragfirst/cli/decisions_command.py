"""`ragfirst decisions`: every suppression and its reason, the project's record of why it trains."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.reporters.terminal_text import escape_controls


def run_decisions(args: argparse.Namespace) -> int:
    paths = args.paths or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.stderr.write(f"ragfirst: error: no such file or directory: {', '.join(missing)}\n")
        return EXIT_ERROR
    result = lint_paths(paths, ConfigResolver(explicit=args.config))
    decisions = [f for f in result.findings if f.suppressed]
    if args.format == "json":
        rows = [
            {
                "rule": f.rule_id,
                "path": f.path,
                "line": f.span.start_line,
                "cell": f.cell.cell if f.cell is not None else None,
                "reason": f.suppression_reason,
                "code": f.snippet,
            }
            for f in decisions
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_CLEAN
    if not decisions:
        sys.stdout.write("No recorded decisions (no suppressed findings).\n")
        return EXIT_CLEAN
    for f in decisions:
        reason = escape_controls(f.suppression_reason or "(no reason given)")
        cell = f"cell {f.cell.cell}:" if f.cell is not None else ""
        sys.stdout.write(
            f"{escape_controls(f.path)}:{cell}{f.span.start_line}: {f.rule_id} {f.rule_name}: {reason}\n"
        )
    missing = sum(1 for f in decisions if not f.suppression_reason)
    sys.stdout.write(f"{len(decisions)} decision(s); {missing} without a reason.\n")
    return EXIT_CLEAN
