"""`ragfirst` command line: check, rule, rules, decisions, guide, report, server.

Exit codes: 0 clean, 1 findings, 2 usage, config or rule-file error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from ragfirst import __version__
from ragfirst.cli.fix_arguments import add_fix_arguments

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ragfirst: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


_CODE = re.compile(r"[A-Z][A-Z0-9]*")


def _codes(text: str) -> list[str]:
    """Comma-separated rule ids or prefixes; anything else is a usage error (exit 2), not a
    selection that silently matches nothing (`--select 'RF1;x'`)."""
    codes = [part.strip().upper() for part in text.split(",") if part.strip()]
    for code in codes:
        if not _CODE.fullmatch(code):
            raise argparse.ArgumentTypeError(f"not a rule id or prefix: {code!r} (e.g. RF1, RF101, ALL)")
    return ["" if code == "ALL" else code for code in codes]  # ALL: the empty prefix, every rule


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ragfirst", description="Retrieval before training: a linter for LLM codebases.")
    parser.add_argument("--version", action="version", version=f"ragfirst {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = commands.add_parser("check", help="lint files and directories")
    check.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    check.add_argument("--select", type=_codes, help="rule ids or prefixes to enable (replaces config)")
    check.add_argument("--extend-select", type=_codes, help="rule ids or prefixes to enable in addition")
    check.add_argument("--ignore", type=_codes, help="rule ids or prefixes to disable")
    check.add_argument(
        "--format",
        choices=["text", "json", "sarif", "github", "junit", "gitlab"],
        default="text",
        help="output format (default: text; see docs/output-formats.md)",
    )
    check.add_argument(
        "--output-file",
        type=Path,
        metavar="PATH",
        help="write the report to PATH (atomically) instead of stdout",
    )
    check.add_argument("--config", type=Path, help="use this config file instead of discovering one")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--severity-threshold",
        choices=["hint", "info", "warning", "error"],
        default="hint",
        help="exit 1 only for findings at or above this severity (default: hint, i.e. any finding)",
    )
    check.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="with --fix: exit 1 if a fix was applied, even when no finding remains",
    )
    add_fix_arguments(check)
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this baseline file (e.g. .ragfirst-baseline.json)",
    )
    check.add_argument(
        "--write-baseline",
        action="store_true",
        help="record the current findings in the --baseline file (default .ragfirst-baseline.json); exit 0",
    )
    check.add_argument(
        "--diff",
        metavar="REF",
        help="check only files changed since git REF (plus untracked files), within PATHS",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        help="processes that analyse: this one and N-1 workers (default: all cores for large trees, one for small runs)",
    )
    check.add_argument("--no-cache", action="store_true", help="analyse every file again, ignoring the cache")
    check.add_argument(
        "--cache-dir", type=Path, help="where to keep the analysis cache (default: the user cache directory)"
    )
    check.add_argument("--statistics", action="store_true", help="print counts per rule")
    check.add_argument("--quiet", "-q", action="store_true", help="findings only, no summary")
    check.add_argument("--show-suppressed", action="store_true", help="also print suppressed findings")
    from ragfirst.cli.check_options import add_check_options

    add_check_options(check)  # colour, progress, job summary, --show-settings, --show-files

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("rule_id")
    rules = commands.add_parser("rules", help="list all rules")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    rules.add_argument("--config", type=Path)
    rules.add_argument(
        "--data", action="store_true", help="list the data tables under rules/ with their newest as_of date"
    )

    guide = commands.add_parser("guide", help="print a page of the guide (no topic: list them)")
    guide.add_argument("topic", nargs="?", help="a page name, e.g. rag-first or when-to-fine-tune")

    decisions = commands.add_parser("decisions", help="list every suppression and its reason")
    decisions.add_argument("paths", nargs="*", type=Path)
    decisions.add_argument("--format", choices=["text", "json"], default="text")
    decisions.add_argument("--config", type=Path)

    from ragfirst.cli.report_command import add_report_parser

    add_report_parser(commands)
    test_rules = commands.add_parser(
        "test-rules", help="run the examples of rule packs (built-in or your own)"
    )
    test_rules.add_argument("paths", nargs="+", type=Path, help="rule pack files or folders of packs")

    server = commands.add_parser("server", help="run the language server (stdio by default)")
    server.add_argument("--stdio", action="store_true", help="speak LSP on stdin/stdout (default)")
    server.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "check":
            # A run whose inputs are as the last identical run left them is answered from
            # its manifest, without importing the engine (cli/warm_check.py).
            from ragfirst.cli.warm_check import answer_warm, manifest_for

            manifest = manifest_for(args)
            if manifest is not None and (code := answer_warm(args, manifest)) is not None:
                manifest.cache.close()
                return code
            from ragfirst.cli.check_command import run_check

            if argv is None:  # this process's own command line: it exits after the run
                from ragfirst.cli.process_end import mark_own_process

                mark_own_process(args)
            return run_check(args, manifest)
        if args.command in ("rule", "rules"):
            from ragfirst.cli.rules_command import run_rule, run_rules

            return run_rule(args) if args.command == "rule" else run_rules(args)
        if args.command == "guide":
            from ragfirst.cli.rules_command import run_guide

            return run_guide(args)
        if args.command == "decisions":
            from ragfirst.cli.decisions_command import run_decisions

            return run_decisions(args)
        if args.command == "report":
            from ragfirst.cli.report_command import run_report

            return run_report(args)
        if args.command == "test-rules":
            from ragfirst.cli.test_rules_command import run_test_rules

            return run_test_rules(args)
        if args.command == "server":
            from ragfirst.lsp.boot import run_server

            return run_server(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:
        # Imported here: a warm check answered from its manifest never needs them.
        from ragfirst.config.settings import ConfigError
        from ragfirst.rules.errors import RuleFileError

        if isinstance(exc, (ConfigError, RuleFileError)):
            from ragfirst.reporters.terminal_text import escape_controls

            sys.stderr.write(f"ragfirst: error: {escape_controls(str(exc))}\n")
            return EXIT_ERROR
        return _internal_error(exc)  # a bug of ours: exit 2 (never 1, which CI reads as "findings")
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def _internal_error(exc: Exception) -> int:
    """One redacted line saying it is ragfirst's bug; the traceback with RAGFIRST_DEBUG=1."""
    from ragfirst.engine.outbound import clean_text
    from ragfirst.reporters.terminal_text import escape_controls

    if os.environ.get("RAGFIRST_DEBUG") == "1":
        sys.stderr.write(escape_controls(clean_text(traceback.format_exc()), keep_newlines=True))
    detail = escape_controls(clean_text(f"{type(exc).__name__}: {exc}"))
    sys.stderr.write(
        f"ragfirst: internal error: {detail} (a ragfirst bug, not a finding; please report it;"
        " RAGFIRST_DEBUG=1 shows the traceback)\n"
    )
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
