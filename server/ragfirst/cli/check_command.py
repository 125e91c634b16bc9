"""`ragfirst check`: lint paths and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.runner import lint_paths
from ragfirst.reporters.json_report import render_json
from ragfirst.reporters.text import write_statistics, write_text


def run_check(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.stderr.write(f"ragfirst: error: no such file or directory: {', '.join(missing)}\n")
        return EXIT_ERROR
    resolver = ConfigResolver(explicit=args.config)

    def adjust(settings: Settings) -> Settings:
        return settings.with_overrides(args.select, args.ignore, args.extend_select)

    result = lint_paths(paths, resolver, adjust)
    out = sys.stdout
    if args.format == "json":
        out.write(render_json(result.findings, result.files_checked))
    else:
        if args.statistics:
            write_statistics(result.findings, out)
        else:
            write_text(
                result.findings,
                out,
                result.files_checked,
                colour=out.isatty(),
                quiet=args.quiet,
                show_suppressed=args.show_suppressed,
            )
    if result.active and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
