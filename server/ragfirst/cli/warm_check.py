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
import sys
import time
from pathlib import Path

from ragfirst import __version__
from ragfirst.cli.check_render import emit, findings_exit, needs_display_fixes, note_table_age, wants_fixes
from ragfirst.engine.run_manifest import RunManifest, manifest_scope

ENV_GUIDE_URL = "RAGFIRST_GUIDE_URL"  # reporters/links.py's (a test keeps them equal)


def manifest_for(args: argparse.Namespace) -> RunManifest | None:
    """The manifest this invocation would read and write, or None when it takes none."""
    started_ns = time.time_ns()  # before anything is read: see cache.RACY_SECONDS
    if args.no_cache or args.format in ("sarif", "junit") or args.diff or wants_fixes(args):
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
    """The run's exit code when its manifest answered, else None (run the check)."""
    from ragfirst.cli.check_options import statistics_problem

    if statistics_problem(args) or any(not path.exists() for path in args.paths):
        return None  # the full run says what is wrong
    answer = manifest.lookup()
    if answer is None:
        return None
    from ragfirst.reporters.links import CI_FORMATS
    from ragfirst.reporters.report import Report

    findings, baselined = answer.findings, 0
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
    failed = emit(args, report)
    if failed is not None:
        return failed
    note_table_age(answer.notice or "")
    sys.stdout.flush()
    return findings_exit(args, report)
