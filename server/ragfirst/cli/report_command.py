"""`ragfirst report`: the decision report as one HTML page or as Markdown.

Exit codes: 0 the report was written (findings do not fail it: `check` is the gate),
2 usage, config, rule-file or output-file error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR
from ragfirst.reporters.terminal_text import escape_controls


def add_report_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser("report", help="write the decision report (HTML or Markdown)")
    report.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    report.add_argument("-o", "--output", type=Path, metavar="PATH", help="write to PATH (default: stdout)")
    report.add_argument(
        "--format",
        choices=["html", "markdown"],
        default="html",
        help="html: one self-contained page; markdown: for a PR comment or $GITHUB_STEP_SUMMARY",
    )
    report.add_argument("--config", type=Path, help="use this config file instead of discovering one")
    report.add_argument("--no-blame", action="store_true", help="do not ask git who recorded each decision")
    report.add_argument(
        "--monthly-spend",
        type=_money,
        metavar="USD",
        help="today's API spend per month (default: the project's budgets)",
    )
    report.add_argument(
        "--implementation-cost",
        type=_money,
        default=50_000.0,
        metavar="USD",
        help="training's all-in cost (default 50000)",
    )
    report.add_argument(
        "--tuned-share",
        type=_share,
        default=0.40,
        metavar="FRACTION",
        help="a tuned model's cost as a share of today's spend (default 0.40)",
    )
    report.add_argument(
        "--running-share",
        type=_share,
        default=0.10,
        metavar="FRACTION",
        help="re-training and evaluation per month, as a share of today's spend (default 0.10)",
    )


def _money(text: str) -> float:
    try:
        value = float(text.replace(",", "").lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount in USD, got {text!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a finite amount of at least 0")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.4, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _error(message: str) -> int:
    sys.stderr.write(f"ragfirst: error: {escape_controls(message)}\n")
    return EXIT_ERROR


def run_report(args: argparse.Namespace) -> int:
    from ragfirst.report.build import ReportOptions
    from ragfirst.report.run import render, report_for_paths

    paths: list[Path] = args.paths or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _error(f"no such file or directory: {', '.join(missing)}")
    options = ReportOptions(
        monthly_spend=args.monthly_spend,
        implementation_cost=args.implementation_cost,
        tuned_share=args.tuned_share,
        running_share=args.running_share,
    )
    from ragfirst.config.settings import ConfigResolver  # not for the parser `check` builds too

    report = report_for_paths(paths, ConfigResolver(explicit=args.config), options, blame=not args.no_blame)
    output = render(report, args.format)
    from ragfirst.cli.check_render import write_output

    failed = write_output(args.output, output)
    if failed is not None:
        return failed
    if args.output is not None:
        sys.stderr.write(f"ragfirst: wrote the report to {escape_controls(str(args.output))}\n")
    return EXIT_CLEAN
