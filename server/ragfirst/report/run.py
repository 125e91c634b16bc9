"""Lint paths and build the report: the one entry point the CLI and the language server share."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import replace
from pathlib import Path

from ragfirst.clock import today as clock_today
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.report.budgets import budget_census
from ragfirst.report.build import ReportOptions, build_report
from ragfirst.report.git_blame import GitBlame
from ragfirst.report.model import ProjectReport


def report_for_paths(
    paths: list[Path],
    resolver: ConfigResolver | None = None,
    options: ReportOptions | None = None,
    blame: bool = True,
    today: dt.date | None = None,
    title: str | None = None,
) -> ProjectReport:
    """Lint `paths` (without the cache: the report needs the run's project facts, which a
    cached snapshot does not keep) and build the report."""
    resolver = resolver or ConfigResolver()
    options = options or ReportOptions()
    settings = resolver.for_path(paths[0])
    threshold = settings.option("RF402", "monthly-threshold", options.threshold)
    # A bad option is the config schema check's to report; the default stays.
    with contextlib.suppress(TypeError, ValueError):
        options = replace(options, threshold=float(threshold))
    result = lint_paths(paths, resolver)
    budgets = budget_census(paths, resolver)
    names = ", ".join(str(p) for p in paths)
    return build_report(
        result,
        title or f"ragfirst report: {names}",
        today or clock_today(),
        options,
        GitBlame() if blame else None,
        budgets,
    )


def render(report: ProjectReport, fmt: str) -> str:
    if fmt == "markdown":
        from ragfirst.report.markdown import render_markdown

        return render_markdown(report)
    from ragfirst.report.html import render_html

    return render_html(report)
