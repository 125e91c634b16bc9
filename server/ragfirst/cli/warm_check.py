"""`ragfirst check` answered from its run manifest (engine/run_manifest.py): when no
input of the last identical run changed, print its report after a stat per input,
without importing the engine, the analyzers, the settings resolver or the fixers.

Runs that do more than report (fixes, baselines written, suppressions added, `--diff`)
and formats that need the rules or the file list (SARIF, JUnit) always take the full
run (cli/check_command.py), which records the manifest the next run reads.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst import __version__
from ragfirst.cli.check_render import (
    findings_exit,
    needs_display_fixes,
    note_table_age,
    render,
    report_colour,
    report_options,
    wants_fixes,
    write_report,
    write_summary,
)
from ragfirst.engine.run_manifest import ManifestAnswer, RunManifest, manifest_scope

if TYPE_CHECKING:
    from ragfirst.reporters.report import Report

ENV_GUIDE_URL = "RAGFIRST_GUIDE_URL"  # reporters/links.py's (a test keeps them equal)


def manifest_for(args: argparse.Namespace) -> RunManifest | None:
    """The manifest this invocation would read and write, or None when it takes none."""
    started_ns = time.time_ns()  # before anything is read: see cache.RACY_SECONDS
    if (
        args.no_cache
        or args.format in ("sarif", "junit")
        or args.diff
        or wants_fixes(args)
        or getattr(args, "timings", False)  # phases to time: the full path
    ):
        return None
    if args.write_baseline or args.add_suppressions is not None or args.show_fixes:
        return None
    if args.show_settings is not None or args.show_files:
        return None
    from ragfirst.clock import today
    from ragfirst.engine.cache import AnalysisCache, default_cache_dir
    from ragfirst.resources import package_data_dir

    paths = [os.fspath(path) for path in args.paths or [Path(".")]]
    options = [
        str(args.config) if args.config is not None else None,
        args.select,
        args.ignore,
        args.extend_select,
        os.environ.get(ENV_GUIDE_URL, ""),
        needs_display_fixes(args),  # the stored findings carry their fixes, or do not
    ]
    # The docs directory too: default guide links are file URIs into this install.
    docs = str(package_data_dir("docs"))
    scope = manifest_scope(os.getcwd(), docs, paths, options, today().isoformat())
    cache = AnalysisCache(args.cache_dir or default_cache_dir(), namespace=__version__)
    return RunManifest(cache, scope, started_ns)


def answer_warm(args: argparse.Namespace, manifest: RunManifest) -> int | None:
    """The run's exit code when its manifest answered, else None (run the check).

    The report such a run printed is kept with the manifest (one per manifest, with the
    options that shaped it: check_render.report_options); the next identical run prints it
    as it is, without decoding the findings or rendering them again (a third of a warm
    run of 1,300 findings). Only for the formats a terminal or a tool reads (`KEPT_FORMATS`:
    not the CI logs' formats, whose lines a CI runner acts on), and not with a baseline or a
    summary file (files it would read)."""
    from ragfirst.cli.check_options import statistics_problem

    if statistics_problem(args) or any(not path.exists() for path in args.paths):
        return None  # the full run says what is wrong
    answer = manifest.lookup()
    if answer is None:
        return None
    colour = report_colour(args)
    keeps = args.format in KEPT_FORMATS and args.baseline is None and args.summary_file is None
    options = report_options(args, colour) if keeps else None
    memo = manifest.report_memo(answer, options) if options is not None else None
    if memo is not None and not as_rendered(memo[0], args.format, colour):
        memo = None  # holds what no reporter writes (a hand-edited or planted cache): render
    if memo is not None:
        text, exit_code = memo
        failed = write_report(args, text)
    else:
        report = _report(args, answer)
        if report is None:
            return None
        text = render(args, report, colour)
        exit_code = findings_exit(args, report)
        failed = write_report(args, text)
        if failed is None:
            failed = write_summary(args, report)
        if failed is None and options is not None and as_rendered(text, args.format, colour):
            manifest.keep_report(answer, options, text, exit_code)
    if failed is not None:
        return failed
    note_table_age(answer.notice or "")
    sys.stdout.flush()
    return exit_code


KEPT_FORMATS = ("text", "json")  # a GitHub or GitLab report is rendered every run

# What these reporters never write raw: C0 controls but tab and newline (JSON escapes
# them, the text reporter escapes them: reporters/terminal_text.py), DEL outside JSON, ESC
# other than the text reporter's own colours, and in text, C1 controls and bidirectional
# overrides. A report that holds one is neither printed from nor kept.
_NEVER_RAW = re.compile("[\x00-\x08\x0b-\x1a\x1c-\x1f]|\x1b(?!\\[(?:0|1|31|33|36|90)m)")
_NEVER_RAW_TEXT = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def as_rendered(text: str, report_format: str, colour: bool) -> bool:
    """Could a reporter have written `text` (a kept report is printed as it is)?"""
    if _NEVER_RAW.search(text) is not None:
        return False
    if "\x1b" in text and not colour:
        return False
    return report_format == "json" or _NEVER_RAW_TEXT.search(text) is None


def _report(args: argparse.Namespace, answer: ManifestAnswer) -> Report | None:
    """The report of the stored findings (None: the full run must answer: a damaged entry,
    a baseline it cannot read)."""
    from ragfirst.reporters.links import CI_FORMATS
    from ragfirst.reporters.report import Report

    try:
        findings, baselined = answer.findings, 0
    except (ValueError, KeyError, TypeError, IndexError, RecursionError, OverflowError):
        return None  # a damaged manifest is a miss
    if args.baseline is not None:
        from ragfirst.engine.baseline import Baseline, BaselineError

        try:
            findings, baselined = Baseline.load(args.baseline).filter(findings)
        except BaselineError:
            return None  # the full run reports it
    report = Report(
        findings=findings, files_checked=answer.files_checked, baselined=baselined, skipped=answer.skipped
    )
    if args.format in CI_FORMATS:
        from ragfirst.reporters.links import keep_web_links

        keep_web_links(report)
    return report
