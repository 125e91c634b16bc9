"""Lint a set of paths: discover, analyze each file, build the project index, finalize.

The CLI calls this; the language server uses the same Engine directly per document.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.checks.base import ProjectContext
from ragfirst.clock import today
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.data.data_files import shared_data_files
from ragfirst.engine.cache import AnalysisCache, content_key, rules_fingerprint
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.parallel import analyze_batch, analyze_parallel, cpu_count
from ragfirst.engine.project import ProjectIndex
from ragfirst.model import Finding
from ragfirst.rules.loader import load_ruleset


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    files_parsed: int = 0

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, POSIX separators either way."""
    cwd = os.getcwd()
    # A file that is not a link resolves to its resolved directory plus its name: one
    # lstat instead of resolving every component of every path.
    resolved = path.resolve() if path.is_symlink() else _resolved(cwd, str(path.parent)) / path.name
    try:
        return resolved.relative_to(_resolved(cwd, cwd)).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=4096)
def _resolved(cwd: str, directory: str) -> Path:
    """`directory` (relative to `cwd`) with links resolved; cached per working directory."""
    return Path(cwd, directory).resolve()


def _lexical_display_path(path: Path) -> str:
    """Like display_path, without following links (for a path that links out of the root)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(os.getcwd())).as_posix()
    except ValueError:
        return display_path(path)


class EngineCache:
    """One Engine per distinct set of extra rule packs (most projects: exactly one)."""

    def __init__(self) -> None:
        self._engines: dict[tuple[Path, ...], Engine] = {}

    def for_settings(self, settings: Settings) -> Engine:
        key = settings.extra_rules
        if key not in self._engines:
            self._engines[key] = Engine(load_ruleset(key))
        return self._engines[key]


PARALLEL_MIN_FILES = 200
"""Below this many files to analyse, a process pool costs more than it saves."""


@dataclass(slots=True)
class _Planned:
    path: Path
    scan_root: Path
    settings: Settings
    engine: Engine
    shown: str
    analysis: FileAnalysis | None = None


def lint_paths(
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings] = lambda s: s,
    engines: EngineCache | None = None,
    jobs: int | None = None,
    cache: AnalysisCache | None = None,
) -> LintResult:
    """Lint files and trees. `jobs=None` picks: one process for small runs, all cores for
    large ones. `cache` skips re-analysing files whose bytes and rules did not change."""
    engines = engines or EngineCache()
    result = LintResult()
    planned: list[_Planned] = []
    unreadable: list[_Planned] = []  # directories and .gitignore files: one RF000 each
    for scan_root in paths:

        def on_error(path: Path, message: str, scan_root: Path = scan_root) -> None:
            if any(item.path == path for item in unreadable):
                return  # a .gitignore above two scanned paths: reported once
            # The settings of the directory holding it (an unlistable one cannot be entered).
            settings = adjust(resolver.for_path(path.parent))
            shown = _lexical_display_path(path)  # a refused link is named, not followed
            item = _Planned(path, scan_root, settings, engines.for_settings(settings), shown)
            item.analysis = FileAnalysis(item.shown)
            item.engine.record_error(item.analysis, message, 1, 0)
            unreadable.append(item)

        planned.extend(
            _plan(path, scan_root, resolver, adjust, engines)
            for path in discover(
                [scan_root], resolver.for_path, lambda name: language_of(name) is not None, on_error
            )
        )
    _analyze_all(planned, jobs, cache)
    # One project per config root: samples/a and samples/b with their own pyproject.toml
    # are two projects, and one's retrieval set-up must not appear in the other's messages.
    projects: dict[Path | None, ProjectIndex] = {}
    for item in planned:
        assert item.analysis is not None
        result.files_checked += 1
        result.files_parsed += item.analysis.parsed
        projects.setdefault(item.settings.root, ProjectIndex()).set_file(
            item.shown, item.analysis.fact_sites, item.analysis.exports
        )
    base_dir = Path.cwd()
    contexts: dict[tuple[int, Path], ProjectContext] = {}
    for item in unreadable:
        projects.setdefault(item.settings.root, ProjectIndex())
    for item in [*planned, *unreadable]:
        assert item.analysis is not None
        # Data files a training call names are read only inside the project: the config
        # root, else the directory that was asked for.
        scan_root = item.scan_root
        root = item.settings.root or (scan_root if scan_root.is_dir() else scan_root.parent)
        context_key = (id(item.settings), root)  # one context per settings and root
        context = contexts.get(context_key)
        if context is None:
            context = contexts[context_key] = project_context(item.settings, base_dir, root)
        project = projects[item.settings.root]
        result.findings.extend(item.engine.finalize(item.analysis, project, item.settings, context))
    result.findings.sort(key=Finding.sort_key)
    return result


def _plan(
    path: Path,
    scan_root: Path,
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings],
    engines: EngineCache,
) -> _Planned:
    settings = adjust(resolver.for_path(path))
    return _Planned(path, scan_root, settings, engines.for_settings(settings), display_path(path))


def _analyze_all(planned: list[_Planned], jobs: int | None, cache: AnalysisCache | None) -> None:
    contents: dict[int, bytes] = {}
    for index, item in enumerate(planned):
        try:
            with item.path.open("rb") as handle:
                contents[index] = handle.read(item.settings.max_file_size + 1)
        except OSError as exc:
            item.analysis = FileAnalysis(item.shown)
            item.engine.record_error(item.analysis, f"cannot read file: {exc.strerror or exc}", 1, 0)
    keys: dict[int, str] = {}
    if cache is not None:
        tags: dict[tuple[Path, ...], str] = {}  # the rules each file is checked with
        for index, data in contents.items():
            item = planned[index]
            extra = item.settings.extra_rules
            tag = tags.get(extra)
            if tag is None:  # hashes every rule file: once per set of packs, not per file
                tag = tags[extra] = rules_fingerprint(extra)
            keys[index] = content_key(data, f"{tag}\0{item.shown}", item.settings.max_file_size)
        hits = cache.get_many(list(keys.values()))
        for index, key in keys.items():
            if key in hits:
                planned[index].analysis = hits[key]
    pending = [index for index in contents if planned[index].analysis is None]
    workers = jobs if jobs is not None else (cpu_count() if len(pending) >= PARALLEL_MIN_FILES else 1)
    groups: dict[tuple[Path, ...], list[int]] = {}
    for index in pending:
        groups.setdefault(planned[index].settings.extra_rules, []).append(index)
    for extra_rules, indexes in groups.items():
        items = [(planned[i].shown, contents[i], planned[i].settings.max_file_size) for i in indexes]
        if workers > 1 and len(items) > 1:
            analyses = analyze_parallel(extra_rules, items, workers, planned[indexes[0]].engine)
        else:
            engine = planned[indexes[0]].engine
            analyses = analyze_batch(engine, items)
        for index, analysis in zip(indexes, analyses, strict=True):
            planned[index].analysis = analysis
    if cache is not None:
        cache.put_many([(keys[index], planned[index].analysis) for index in pending if index in keys])  # type: ignore[misc]


def project_context(settings: Settings, base_dir: Path, root: Path) -> ProjectContext:
    return ProjectContext(
        base_dir=base_dir.resolve(),
        root=root.resolve(),
        today=today(),
        settings=settings,
        data_files=shared_data_files(),
    )


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
        project.set_file(path, analysis.fact_sites, analysis.exports)
        analyses.append(analysis)
    findings: list[Finding] = []
    for analysis in analyses:
        findings.extend(engine.finalize(analysis, project, settings))
    return sorted(findings, key=Finding.sort_key)
