"""Lint a set of paths: discover, analyze each file, build the project index, finalize.

The CLI calls this; the language server uses the same Engine directly per document.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.checks.base import ProjectContext
from ragfirst.clock import today
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.data.data_files import shared_data_files
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.project import ProjectIndex
from ragfirst.model import Finding
from ragfirst.rules.loader import load_ruleset


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    files_parsed: int = 0
    engines: dict[tuple[Path, ...], Engine] = field(default_factory=dict)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, POSIX separators either way."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class EngineCache:
    """One Engine per distinct set of extra rule packs (most projects: exactly one)."""

    def __init__(self) -> None:
        self._engines: dict[tuple[Path, ...], Engine] = {}

    def for_settings(self, settings: Settings) -> Engine:
        key = settings.extra_rules
        if key not in self._engines:
            self._engines[key] = Engine(load_ruleset(key))
        return self._engines[key]


def lint_paths(
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings] = lambda s: s,
    engines: EngineCache | None = None,
) -> LintResult:
    engines = engines or EngineCache()
    result = LintResult()
    # One project per config root: samples/a and samples/b with their own pyproject.toml
    # are two projects, and one's retrieval set-up must not appear in the other's messages.
    projects: dict[Path | None, ProjectIndex] = {}
    analyses: list[tuple[FileAnalysis, Settings, Engine, ProjectIndex, Path]] = []
    files = (
        (path, scan_root)
        for scan_root in paths
        for path in discover([scan_root], resolver.for_path, lambda name: language_of(name) is not None)
    )
    for path, scan_root in files:
        settings = adjust(resolver.for_path(path))
        project = projects.setdefault(settings.root, ProjectIndex())
        engine = engines.for_settings(settings)
        shown = display_path(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(settings.max_file_size + 1)
        except OSError as exc:
            analysis = FileAnalysis(shown)
            engine.record_error(analysis, f"cannot read file: {exc.strerror or exc}", 1, 0)
        else:
            analysis = engine.analyze(shown, data, max_bytes=settings.max_file_size)
        result.files_checked += 1
        result.files_parsed += analysis.parsed
        project.set_file(shown, analysis.fact_sites)
        analyses.append((analysis, settings, engine, project, scan_root))
    base_dir = Path.cwd()
    for analysis, settings, engine, project, scan_root in analyses:
        # Data files a training call names are read only inside the project: the config
        # root, else the directory that was asked for.
        root = settings.root or (scan_root if scan_root.is_dir() else scan_root.parent)
        context = project_context(settings, base_dir, root)
        result.findings.extend(engine.finalize(analysis, project, settings, context))
    result.findings.sort(key=Finding.sort_key)
    return result


def project_context(settings: Settings, base_dir: Path, root: Path) -> ProjectContext:
    return ProjectContext(
        base_dir=base_dir.resolve(),
        root=root.resolve(),
        today=today(),
        settings=settings,
        data_files=shared_data_files(),
    )


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def lint_sources(
    files: dict[str, str | bytes], settings: Settings | None = None, engine: Engine | None = None
) -> list[Finding]:
    """Lint in-memory files as one project (tests, rule examples, editor buffers)."""
    settings = settings or Settings()
    engine = engine or EngineCache().for_settings(settings)
    project = ProjectIndex()
    analyses = []
    for path, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        analysis = engine.analyze(path, data, max_bytes=settings.max_file_size)
        project.set_file(path, analysis.fact_sites)
        analyses.append(analysis)
    findings: list[Finding] = []
    for analysis in analyses:
        findings.extend(engine.finalize(analysis, project, settings))
    return sorted(findings, key=Finding.sort_key)
