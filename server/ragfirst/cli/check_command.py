"""`ragfirst check`: lint paths and report.

Exit codes (docs/ci.md): 0 no finding at or above `--severity-threshold` (or
`--exit-zero`, or `--write-baseline`); 1 such findings remain; 2 usage, config,
rule-file, baseline, git or output-file error.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ragfirst import __version__
from ragfirst.analyzers.registry import language_of
from ragfirst.atomic_write import LinkRefused, make_parents, write_atomic
from ragfirst.cli.fix_run import (
    FixSummary,
    attach_for_display,
    needs_display_fixes,
    report_fixes,
    run_fixes,
    text_fix_marks,
    wants_fixes,
)
from ragfirst.cli.git_changes import GitError, changed_files
from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.baseline import DEFAULT_BASELINE, Baseline, BaselineError
from ragfirst.engine.cache import AnalysisCache, default_cache_dir
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import Engine
from ragfirst.engine.engines import EngineCache
from ragfirst.engine.runner import display_path, lint_paths
from ragfirst.model import Severity
from ragfirst.reporters.links import CI_FORMATS, keep_web_links
from ragfirst.reporters.report import Report, RuleInfo
from ragfirst.reporters.terminal_text import escape_controls


class _RecordingEngines(EngineCache):
    """An EngineCache that remembers which engines the run used, with the first settings."""

    def __init__(self) -> None:
        super().__init__()
        self.used: list[tuple[Engine, Settings]] = []

    def for_settings(self, settings: Settings, validate: bool = True) -> Engine:
        engine = super().for_settings(settings, validate)
        if all(seen is not engine for seen, _ in self.used):
            self.used.append((engine, settings))
        return engine


def _error(message: str) -> int:
    sys.stderr.write(f"ragfirst: error: {escape_controls(message)}\n")  # it may quote a file name
    return EXIT_ERROR


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


def _render(args: argparse.Namespace, report: Report, colour: bool) -> str:
    # Each reporter is imported when its format is asked for (XML alone costs a run 10 ms).
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


def _note_table_age() -> None:
    """One stderr line when the data tables are old (issue 21): never a finding or a failure."""
    from ragfirst.clock import today
    from ragfirst.data.table_age import staleness_notice

    notice = staleness_notice(today())
    if notice:
        sys.stderr.write(notice + "\n")


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


def run_check(args: argparse.Namespace) -> int:
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
        None if args.no_cache else AnalysisCache(args.cache_dir or default_cache_dir(), namespace=__version__)
    )
    fixes = None
    from ragfirst.cli.progress import progress_on_terminal

    try:
        with progress_on_terminal(enabled=not args.no_progress):  # stderr, a terminal, long runs
            result = lint_paths(
                files if files is not None else paths, resolver, adjust, engines, args.jobs, cache
            )
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
    finally:
        if cache is not None:
            cache.close()

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
    if needs_display_fixes(args):
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
    if args.fix_only or args.fix_diff:
        pass  # only the fixes are reported (ruff's --fix-only)
    elif args.output_file is not None:
        try:
            make_parents(args.output_file)
            write_atomic(args.output_file, _render(args, report, colour=False))
        except LinkRefused as exc:
            return _error(f"cannot write {exc}")
        except OSError as exc:
            return _error(f"cannot write {args.output_file}: {exc.strerror or exc}")
    else:
        from ragfirst.cli.color import use_colour

        sys.stdout.write(_render(args, report, colour=use_colour(args.color, sys.stdout)))
    if args.summary_file is not None:
        from ragfirst.reporters.markdown_summary import append_summary

        try:
            append_summary(str(args.summary_file), report)
        except OSError as exc:
            return _error(f"cannot write {args.summary_file}: {exc.strerror or exc}")
    _note_table_age()
    report_fixes(args, fixes or FixSummary(), findings)
    if fixes is not None and (args.fix_only or args.fix_diff):
        fixed = bool(fixes.applied)
        return EXIT_FINDINGS if fixed and (args.fix_diff or args.exit_non_zero_on_fix) else EXIT_CLEAN
    if fixes is not None and fixes.applied and args.exit_non_zero_on_fix:
        return EXIT_FINDINGS
    threshold = Severity.parse(args.severity_threshold)
    if not args.exit_zero and any(f.severity >= threshold for f in report.active):
        return EXIT_FINDINGS
    return EXIT_CLEAN
