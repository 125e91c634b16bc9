"""`ragfirst check`'s report: render it in the asked format and write it where asked.

Shared by the full run (check_command.py) and the warm run its manifest answers
(warm_check.py): both print exactly the same report from the same findings. Each
reporter is imported when its format is asked for (XML alone costs a run 10 ms).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ragfirst.reporters.terminal_text import escape_controls

if TYPE_CHECKING:  # a warm run printing its report memo imports neither (cli/warm_check.py)
    from ragfirst.reporters.report import Report


def error(message: str) -> int:
    sys.stderr.write(f"ragfirst: error: {escape_controls(message)}\n")  # it may quote a file name
    return EXIT_ERROR


def needs_display_fixes(args: argparse.Namespace) -> bool:
    """Fixes are computed for the report only where they are shown: the text output's
    `[*]` marks and fixable line, JSON, SARIF, and the counts of `--show-fixes` and
    fixing runs (not for `--statistics` or the CI formats)."""
    if args.format == "text":
        return not args.statistics or bool(args.show_fixes) or wants_fixes(args)
    return args.format in ("json", "sarif") or bool(args.show_fixes) or wants_fixes(args)


def wants_fixes(args: argparse.Namespace) -> bool:
    return bool(args.fix or args.fix_only or args.fix_diff)


def text_fix_marks(args: argparse.Namespace) -> dict[str, object]:
    """The text reporter's fix arguments: what `--fix` applies in this run, and whether it
    ran (then only the fixes `--unsafe-fixes` would add are counted)."""
    if not needs_display_fixes(args):
        return {}
    return {"fix_level": "unsafe" if args.unsafe_fixes else "safe", "fixing": bool(args.fix or args.fix_only)}


def render(args: argparse.Namespace, report: Report, colour: bool) -> str:
    if args.format == "json" and args.statistics:
        from ragfirst.cli.check_options import render_statistics_json

        return render_statistics_json(report.findings)
    if args.format == "json":
        from ragfirst.reporters.json_report import render_json

        return render_json(report.findings, report.files_checked)
    if args.format == "sarif":
        from ragfirst.reporters.sarif import render_sarif

        return render_sarif(report)
    if args.format == "github":
        from ragfirst.reporters.github import render_github

        return render_github(report)
    if args.format == "junit":
        from ragfirst.reporters.junit import render_junit

        return render_junit(report)
    if args.format == "gitlab":
        from ragfirst.reporters.gitlab import render_gitlab

        return render_gitlab(report)
    from ragfirst.reporters.text import write_statistics, write_text

    out = io.StringIO()
    if args.statistics:
        write_statistics(report.findings, out)
    else:
        write_text(
            report.findings,
            out,
            report.files_checked,
            colour=colour,
            quiet=args.quiet,
            show_suppressed=args.show_suppressed,
            baselined=report.baselined,
            skipped=report.skipped,
            **text_fix_marks(args),  # `[*]` and the fixable line (issue 20)
        )
    return out.getvalue()


def report_colour(args: argparse.Namespace) -> bool:
    """Whether the text report is coloured: never in `--output-file`."""
    if args.output_file is not None:
        return False
    from ragfirst.cli.color import use_colour

    return use_colour(args.color, sys.stdout)


def report_options(args: argparse.Namespace, colour: bool) -> str:
    """Everything besides the findings that `render` and `findings_exit` read: two runs
    answered by the same manifest with equal options print the same report and exit alike
    (the warm run's report memo, cli/warm_check.py). Keep it in step with both."""
    return repr(
        (
            args.format,
            bool(args.statistics),
            colour,
            bool(args.quiet),
            bool(args.show_suppressed),
            needs_display_fixes(args),
            text_fix_marks(args),
            args.severity_threshold,
            bool(args.exit_zero),
        )
    )


def write_report(args: argparse.Namespace, text: str) -> int | None:
    """Write a rendered report to stdout or `--output-file`; an exit code when it cannot be."""
    return write_output(args.output_file, text)


def write_output(path: Path | None, text: str) -> int | None:
    """Write `text` to stdout (`path` None) or atomically to `path`, its folders made; an
    exit code when it cannot be written (`check`'s report, `report`'s page)."""
    if path is None:
        sys.stdout.write(text)
        return None
    from ragfirst.atomic_write import LinkRefused, make_parents, write_atomic

    try:
        make_parents(path)
        write_atomic(path, text)
    except LinkRefused as exc:
        return error(f"cannot write {exc}")
    except OSError as exc:
        return error(f"cannot write {path}: {exc.strerror or exc}")
    return None


def emit(args: argparse.Namespace, report: Report) -> int | None:
    """Write the report to stdout or `--output-file`, and the `--summary-file`; an exit
    code when one cannot be written."""
    if not (args.fix_only or args.fix_diff):  # else only the fixes are reported (ruff's --fix-only)
        failed = write_report(args, render(args, report, colour=report_colour(args)))
        if failed is not None:
            return failed
    return write_summary(args, report)


def write_summary(args: argparse.Namespace, report: Report) -> int | None:
    """Append the `--summary-file` (GitHub's job summary), if asked for."""
    if args.summary_file is not None:
        from ragfirst.reporters.markdown_summary import append_summary

        try:
            append_summary(str(args.summary_file), report)
        except OSError as exc:
            return error(f"cannot write {args.summary_file}: {exc.strerror or exc}")
    return None


def table_age_notice() -> str | None:
    from ragfirst.clock import today
    from ragfirst.data.table_age import staleness_notice

    return staleness_notice(today())


def note_table_age(notice: str | None = None) -> None:
    """One stderr line when the data tables are old (issue 21): never a finding or a failure.
    `notice`: the line as a run manifest recorded it (else worked out from the tables)."""
    notice = notice if notice is not None else table_age_notice()
    if notice:
        sys.stderr.write(notice + "\n")


def findings_exit(args: argparse.Namespace, report: Report) -> int:
    """1 when a finding at or above `--severity-threshold` remains (unless --exit-zero)."""
    from ragfirst.model import Severity

    threshold = Severity.parse(args.severity_threshold)
    if not args.exit_zero and any(f.severity >= threshold for f in report.active):
        return EXIT_FINDINGS
    return EXIT_CLEAN
