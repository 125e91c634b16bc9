"""`ragfirst check`: lint paths and report.

Exit codes (docs/ci.md): 0 no finding at or above `--severity-threshold` (or
`--exit-zero`, or `--write-baseline`); 1 such findings remain; 2 usage, config,
rule-file, baseline, git or output-file error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ragfirst import __version__
from ragfirst.analyzers.registry import language_of
from ragfirst.atomic_write import LinkRefused, write_atomic
from ragfirst.cli.check_render import (
    emit,
    findings_exit,
    needs_display_fixes,
    note_table_age,
    table_age_notice,
    wants_fixes,
)
from ragfirst.cli.check_render import error as _error
from ragfirst.cli.fix_run import FixSummary, attach_for_display, report_fixes, run_fixes
from ragfirst.cli.git_changes import GitError, changed_files
from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ragfirst.cli.process_end import ends_process, keep_until_exit
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.baseline import DEFAULT_BASELINE, Baseline, BaselineError
from ragfirst.engine.cache import AnalysisCache, default_cache_dir
from ragfirst.engine.collector import run_ending_process
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import Engine
from ragfirst.engine.engines import EngineCache
from ragfirst.engine.run_manifest import RunManifest
from ragfirst.engine.runner import LintResult, display_path, lint_paths
from ragfirst.engine.walk_record import WalkRecord, recording
from ragfirst.reporters.links import CI_FORMATS, keep_web_links
from ragfirst.reporters.report import Report, RuleInfo
from ragfirst.reporters.terminal_text import escape_controls
from ragfirst.rules.loader import packs_cached_in


class _RecordingEngines(EngineCache):
    """An EngineCache that remembers which engines the run used, with the first settings."""

    def __init__(self) -> None:
        super().__init__()
        self.used: list[tuple[Engine, Settings]] = []

    def _by_value(self, settings: Settings, validate: bool) -> Engine:
        # Every settings value passes here once (engines.py answers repeats by identity).
        engine = super()._by_value(settings, validate)
        if all(seen is not engine for seen, _ in self.used):
            self.used.append((engine, settings))
        return engine


def _rule_infos(engines: _RecordingEngines, project_settings: Settings) -> list[RuleInfo]:
    """Every rule of the run: the project's engine first, then any other pack's extra rules."""
    pairs = [(engines.for_settings(project_settings), project_settings), *engines.used]
    infos: dict[str, RuleInfo] = {}
    for engine, settings in pairs:
        for rule in sorted(engine.ruleset.rules, key=lambda r: r.id):
            if rule.id in infos:
                continue
            infos[rule.id] = RuleInfo(
                id=rule.id,
                name=rule.name,
                summary=rule.summary,
                why=rule.why,
                fix=rule.fix,
                guide_url=engine.guide_url(rule, settings),
                severity=settings.severity_for(rule.id, rule.severity),
                enabled=settings.is_enabled(rule.id),
                tags=rule.tags,
            )
    return list(infos.values())


def _discover(paths: list[Path], resolver: ConfigResolver) -> list[Path]:
    """The files `lint_paths` lints for `paths`: each scan root discovered on its own."""
    files: dict[Path, None] = {}
    for root in paths:
        for path in discover([root], resolver.for_path, lambda name: language_of(name) is not None):
            files.setdefault(path)
    return list(files)


def _changed_files(
    args: argparse.Namespace, paths: list[Path], resolver: ConfigResolver
) -> list[Path] | None:
    """With --diff, the files under `paths` that changed since the ref (else None: lint `paths`).

    Only these files are reported, as when pre-commit passes the staged files; their
    projects' other files still give their facts (runner: project context), so the
    findings are those `check .` reports on them.
    """
    if not args.diff:
        return None
    changed = changed_files(args.diff)
    return [path for path in _discover(paths, resolver) if path.resolve() in changed]


def _checked_files(
    args: argparse.Namespace, files: list[Path] | None, paths: list[Path], resolver: ConfigResolver
) -> list[str] | None:
    """Display paths of every file checked, for formats that list clean files too (JUnit)."""
    if args.format != "junit":
        return None
    return sorted({display_path(p) for p in (files if files is not None else _discover(paths, resolver))})


def _add_suppressions(reason: str, findings: list) -> int:
    """`--add-suppressions REASON` (issue 20): write the comments, say how many; exit 0."""
    from ragfirst.cli.fix_run import run_add_suppressions

    if not reason.strip() or "\n" in reason or "*/" in reason:
        return _error("--add-suppressions needs a one-line REASON (it is written into each comment)")
    run = run_add_suppressions(reason.strip(), findings)
    for problem in run.problems + run.refused:  # one line each, `path:line: ...`
        sys.stderr.write(f"ragfirst: not suppressed: {escape_controls(problem)}\n")
    sys.stderr.write(f"ragfirst: added {run.added} suppression comment(s) in {run.files} file(s)\n")
    return EXIT_ERROR if run.problems else EXIT_FINDINGS if run.refused else EXIT_CLEAN


def _introspect(
    args: argparse.Namespace,
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings],
) -> int:
    """`--show-settings FILE` / `--show-files`: print, lint nothing (cli/introspection.py)."""
    from ragfirst.cli.introspection import settings_report, write_files, write_settings

    if args.show_settings is not None:
        if not args.show_settings.exists():
            return _error(f"no such file or directory: {args.show_settings}")
        write_settings(
            settings_report(args.show_settings, resolver, adjust), sys.stdout, args.format == "json"
        )
    if args.show_files:
        write_files(paths, resolver, sys.stdout, args.format == "json")
    return EXIT_CLEAN


def run_check(args: argparse.Namespace, manifest: RunManifest | None = None) -> int:
    """`manifest`: the one warm_check.py looked up and missed; this run records it."""
    if not getattr(args, "timings", False):
        return _run_check(args, manifest)
    from ragfirst.engine import timings  # --timings: the run's phases on stderr

    with timings.recording() as recorded:
        try:
            return _run_check(args, manifest)
        finally:
            sys.stderr.write(recorded.render())


def _run_check(args: argparse.Namespace, manifest: RunManifest | None = None) -> int:
    paths: list[Path] = args.paths or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _error(f"no such file or directory: {', '.join(missing)}")
    if args.write_baseline and args.diff:
        return _error("--write-baseline records every finding; it cannot be combined with --diff")
    from ragfirst.cli.check_options import statistics_problem

    if problem := statistics_problem(args):
        return _error(problem)
    resolver = ConfigResolver(explicit=args.config)
    from ragfirst.config.validation import check_cli_codes

    flags = {"--select": args.select, "--extend-select": args.extend_select, "--ignore": args.ignore}
    if problem := check_cli_codes(flags, [resolver.for_path(p) for p in [Path.cwd(), *paths]]):
        return _error(problem)  # a typo selects nothing: never "All checks passed"

    from ragfirst.reporters.links import guide_url_from_env

    try:
        env_guide_url = guide_url_from_env()  # the GitHub Action's docs at its ref
    except ValueError as exc:
        return _error(str(exc))

    def adjust(settings: Settings) -> Settings:
        settings = settings.with_overrides(args.select, args.ignore, args.extend_select)
        if env_guide_url and not settings.guide_url:
            settings = replace(settings, guide_url=env_guide_url)
        return settings

    baseline_file: Path | None = args.baseline or (DEFAULT_BASELINE if args.write_baseline else None)
    baseline = None
    try:
        if baseline_file is not None and not args.write_baseline:
            baseline = Baseline.load(baseline_file)
        files = _changed_files(args, paths, resolver)
    except (BaselineError, GitError) as exc:
        return _error(str(exc))

    if args.show_settings is not None or args.show_files:
        return _introspect(args, paths, resolver, adjust)

    engines = _RecordingEngines()
    engines.narrow = True  # analyse for the enabled rules only (engine/selection.py)
    cache = (
        None
        if args.no_cache
        else manifest.cache
        if manifest is not None
        else AnalysisCache(args.cache_dir or default_cache_dir(), namespace=__version__)
    )
    fixes = None
    attached = False  # the findings' fixes, attached while the cache is open
    from ragfirst.cli.progress import progress_on_terminal

    try:
        # Rule packs and data tables parsed once, kept in the cache directory (the table-age
        # note reads the tables too).
        with packs_cached_in(cache.path.parent if cache is not None else None):
            with (
                progress_on_terminal(enabled=not args.no_progress),
                recording() as walk,
                run_ending_process(ends_process(args)),  # engine/collector.py
            ):
                result = lint_paths(
                    files if files is not None else paths, resolver, adjust, engines, args.jobs, cache
                )
            notice = _record_manifest(args, manifest, result, walk, paths) if manifest is not None else None
            if wants_fixes(args) and not args.write_baseline:
                # A preview re-lints texts it did not write: no cache, no pool (read_overlay.py).
                preview = bool(args.fix_diff)
                result, fixes = run_fixes(
                    args,
                    result,
                    lambda: lint_paths(
                        files if files is not None else paths,
                        resolver,
                        adjust,
                        engines,
                        1 if preview else args.jobs,
                        None if preview else cache,
                    ),
                )
            # With a cache and no manifest (`--timings`, SARIF, `--show-fixes`, `--diff`, a
            # fixing run): the fixes from the fix cache while it is open, as a manifest run
            # takes them (fixes/fix_cache.py), not from libcst for every file again.
            attached = cache is not None and manifest is None and _shows_every_finding(args)
            if attached:
                attach_for_display(result.findings, fixes, cache=cache)
    finally:
        if cache is not None:
            cache.close()
    keep_until_exit(args)  # cli/process_end.py: no collection walks the run's objects again

    if args.write_baseline:
        assert baseline_file is not None
        written = Baseline.from_findings(result.findings, baseline_file)
        try:
            write_atomic(baseline_file, written.dumps())
        except LinkRefused as exc:
            return _error(f"cannot write baseline file {exc}")
        except OSError as exc:
            return _error(f"cannot write baseline file {baseline_file}: {exc.strerror or exc}")
        sys.stderr.write(f"ragfirst: wrote {len(written)} finding(s) to baseline {baseline_file}\n")
        return EXIT_CLEAN

    findings, baselined = baseline.filter(result.findings) if baseline is not None else (result.findings, 0)
    if args.add_suppressions is not None:
        return _add_suppressions(args.add_suppressions, findings)
    if needs_display_fixes(args) and manifest is None and not attached:  # else attached above
        attach_for_display(findings, fixes)
    report = Report(
        findings=findings,
        files_checked=result.files_checked,
        checked_files=_checked_files(args, files, paths, resolver),
        baselined=baselined,
        skipped=result.skipped.summary(),
    )
    if args.format == "sarif":
        for settings in result.settings:  # a run answered by its snapshot loaded no rules
            engines.for_settings(settings)
        report.rules = _rule_infos(engines, adjust(resolver.for_path(Path.cwd())))
    if args.format in CI_FORMATS:
        keep_web_links(report)  # no file:// link into the runner's site-packages leaves it
    failed = emit(args, report)
    if failed is not None:
        return failed
    note_table_age(notice)  # as the manifest recorded it, if it did: worked out once
    report_fixes(args, fixes or FixSummary(), findings)
    if fixes is not None and (args.fix_only or args.fix_diff):
        fixed = bool(fixes.applied)
        return EXIT_FINDINGS if fixed and (args.fix_diff or args.exit_non_zero_on_fix) else EXIT_CLEAN
    if fixes is not None and fixes.applied and args.exit_non_zero_on_fix:
        return EXIT_FINDINGS
    return findings_exit(args, report)


def _shows_every_finding(args: argparse.Namespace) -> bool:
    """The report shows the run's findings with their fixes, none filtered out by a
    baseline nor taken by a baseline written or suppressions added."""
    return (
        needs_display_fixes(args)
        and args.baseline is None
        and not args.write_baseline
        and args.add_suppressions is None
    )


def _record_manifest(
    args: argparse.Namespace, manifest: RunManifest, result: LintResult, walk: WalkRecord, paths: list[Path]
) -> str | None:
    """Attach the fixes the report shows to every finding, then record the run's manifest
    (engine/run_manifest.py), which answers the next identical run while nothing changed.
    Returns the table-age notice it recorded ("" for none; None: it recorded nothing)."""
    if needs_display_fixes(args):
        attach_for_display(result.findings, cache=manifest.cache)
    if result.inputs is None:
        return None  # a discovery error, or a file without a stat signature: no snapshot either
    notice = table_age_notice()
    extra = [str(args.config)] if args.config is not None else []
    extra += sorted({str(path) for settings in result.settings for path in settings.extra_rules})
    manifest.store(
        result.inputs,
        walk,
        [str(path) for path in paths],
        extra,
        result.findings,
        result.files_checked,
        result.files_parsed,
        result.skipped.summary(),
        notice,
    )
    return notice or ""
