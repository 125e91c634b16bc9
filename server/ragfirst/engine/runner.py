"""`ragfirst check`'s run: plan the files named (each once, by its key), then drive the
workspace (engine/workspace.py), the project model the language server drives too: `load`
(cache, process pool), `relink`, `findings_for` each file asked for. On top of it, the
run snapshot (run_snapshot.py) answers an unchanged run without loading anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.clock import today
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.data.data_files import FileState
from ragfirst.engine import timings
from ragfirst.engine.cache import AnalysisCache
from ragfirst.engine.collector import collector_paused, keep_what_lives_on
from ragfirst.engine.discovery import FoundFile, discover_files
from ragfirst.engine.early_workers import EarlyWorkers, cache_knows, run_engine
from ragfirst.engine.engine import Engine, FileAnalysis, default_context
from ragfirst.engine.engines import EngineCache
from ragfirst.engine.file_ids import FileIds, FileKey, key_of
from ragfirst.engine.prefetch import Prefetch, start_prefetch
from ragfirst.engine.project import ProjectIndex
from ragfirst.engine.project_roots import ProjectRoots
from ragfirst.engine.run_finalize import Finalizing, RunPlaces, project_context
from ragfirst.engine.run_manifest import RunInputs
from ragfirst.engine.run_snapshot import FileEntry, RunSnapshot, inputs_digest
from ragfirst.engine.skipped import SkipTally
from ragfirst.engine.workspace_load import (
    PARALLEL_MIN_FILES,
    FileIdsForCache,
    PlannedFile,
    cache_ids,
    mark_packages,
)
from ragfirst.model import Finding
from ragfirst.reporters.paths import (
    display_path,
    lexical_display_path,
    shown_index,
)
from ragfirst.resources import package_data_dir

__all__ = [
    "PARALLEL_MIN_FILES",
    "EngineCache",
    "LintResult",
    "display_path",
    "lint_paths",
    "lint_sources",
    "project_context",
]


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    files_parsed: int = 0
    settings: list[Settings] = field(default_factory=list)  # each distinct one the files used
    skipped: SkipTally = field(default_factory=SkipTally)  # generated, vendored, gitignored
    # Each project's index of facts, by project root (empty when the run snapshot answered:
    # `ragfirst report` lints without the cache to read them).
    projects: dict[Path, ProjectIndex] = field(default_factory=dict)
    inputs: RunInputs | None = None  # what the run manifest stats (run_manifest.py); None: unknown

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]


@dataclass(slots=True)
class _Planned(PlannedFile):
    scan_root: Path = Path(".")
    home: Path = Path(".")  # the project root as named (the directory asked for, if none)
    marked: Path | None = None  # the root a config, manifest or VCS marks (project_roots.py)
    context_only: bool = False  # in the project but not asked for: facts, never findings
    shown: str = ""  # a display path already known (an unreadable directory), else ""


def lint_paths(
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings] = lambda s: s,
    engines: EngineCache | None = None,
    jobs: int | None = None,
    cache: AnalysisCache | None = None,
) -> LintResult:
    """Lint files and trees through the workspace (engine/workspace.py): plan the files,
    `load` them (cache, process pool), `relink`, then each asked-for file's findings.
    `jobs=None` picks: one process for small runs, all cores for large ones. `cache` skips
    re-analysing files whose bytes and rules did not change, and re-finalizing files none
    of whose inputs changed (run_snapshot)."""
    timings.mark("start (settings, rules)")
    keep_what_lives_on()  # the modules, rules and engines so far (engine/collector.py)
    engines = engines or EngineCache()
    adjust = _per_settings(adjust)
    result = LintResult()
    plan = _Plan(resolver, adjust)
    unreadable: list[_Planned] = []  # directories and .gitignore files: one RF000 each
    # Workers forked before the heap grows; with a cache, only if it does not know the files.
    cached = (lambda: cache_knows(cache, plan.planned, engines.selection_tag)) if cache is not None else None
    early = EarlyWorkers(jobs, cached, lambda: run_engine(engines, plan.planned))
    prefetch: Prefetch | None = None  # files sent to the early workers while planning
    for scan_root in paths:
        scan_dir = scan_root if scan_root.is_dir() else scan_root.parent

        def on_error(path: Path, message: str, scan_dir: Path = scan_dir) -> None:
            if any(item.path == path for item in unreadable):
                return  # a .gitignore above two scanned paths: reported once
            # The settings of the directory holding it (an unlistable one cannot be entered).
            settings = adjust(resolver.for_path(path.parent))
            marked = plan.roots.root_of(path.parent, settings.root)
            home = marked if marked is not None else scan_dir
            root = plan.ids.real_directory(home)
            key = plan.ids.key(path, root, is_link=False)  # a refused link is not followed
            item = _Planned(path, key, settings, engines.for_settings(settings), home=home, marked=marked)
            item.shown = lexical_display_path(path)
            item.analysis = FileAnalysis(key.id)
            item.engine.record_error(item.analysis, message, 1, 0)  # type: ignore[union-attr]
            unreadable.append(item)

        for found in discover_files(
            [scan_root],
            resolver.for_directory,
            lambda name: language_of(name) is not None,
            on_error,
            result.skipped,
        ):
            added = plan.add(found, scan_root, scan_dir)
            if early is not None:
                early.planned(len(plan.planned))
            if prefetch is not None:
                if added is not None:
                    prefetch.planned(added)
            elif cache is None and added is not None:
                prefetch = start_prefetch(engines, plan.planned)
    if prefetch is not None:
        prefetch.folder_done()
    planned = plan.planned
    result.settings = list({id(item.settings): item.settings for item in planned}.values())
    plan.add_project_context(paths)
    mark_packages(planned)  # (part of the cache keys)
    ids = cache_ids(planned, engines.selection_tag) if cache is not None else None  # type: ignore[arg-type]
    snapshot = (
        _Snapshotting(cache, ids, planned, paths)
        if cache is not None and ids is not None and not unreadable
        else None
    )
    if snapshot is not None and snapshot.answer(result):
        early.close()  # forked for a cache that did not know the files, then not needed
        return result
    from ragfirst.engine.workspace import Workspace  # a run its snapshot answers needs none

    workspace = Workspace(cache=cache, resolver=resolver, engines=engines)
    for item in planned:
        item.engine = workspace.engine_for(item.settings)  # by identity first (engines.py)
    # Per root (the last file's marked root, as before): a few `stat` calls per project, not per file.
    marked = {item.key.root: item.marked for item in planned}
    one_project = {root: ProjectRoots.is_one_project(where) for root, where in marked.items()}
    timings.mark("discover and plan")
    # The link starts while a pool still analyses (engine/early_link.py).
    workspace.load(planned, jobs, ids, one_project.__getitem__, prefetch=prefetch, early=True)  # type: ignore[arg-type]
    if early is not None:
        early.close()  # unclaimed: the analysis needed no pool
    overlapped = any(item.analysis is None for item in planned)
    if not overlapped:
        timings.mark("read and analyse")
    asked = [item for item in planned if not item.context_only]
    finalizing = Finalizing([*asked, *unreadable], result, snapshot, RunPlaces(workspace), workspace)
    with collector_paused():  # resumed with what the link built frozen, in a CLI process
        workspace.relink(linked=finalizing.linked)  # each project's findings once it is linked
        keep_what_lives_on()  # the workspace: analyses, links, indexes (engine/collector.py)
    timings.mark("read, analyse and link" if overlapped else "link (cross-module)")
    if timings.active():
        timings.count(
            "files parsed alone (or from the cache)",
            sum(bool(i.analysis and i.analysis.parsed) for i in planned),
        )
    for item in planned:
        item.analysis = workspace.files[item.key].analysis
        if not item.context_only:
            result.files_checked += 1
            result.files_parsed += item.analysis.parsed
    # One project per root: samples/a and samples/b with their own pyproject.toml are two
    # projects, and one's retrieval set-up must not appear in the other's messages.
    result.projects = {item.home: workspace.projects[item.key.root].index for item in planned}
    for item in unreadable:
        result.projects.setdefault(item.home, ProjectIndex())
    finalizing.finish()  # the files no project link finalized (unreadable ones), in order
    # The report reads the projects' facts: their places as shown, like the findings'.
    roots = {item.home: (item.key.root, not item.scan_root.is_absolute()) for item in [*planned, *unreadable]}
    result.projects = {
        home: shown_index(index, finalizing.places(home, *roots[home]))
        for home, index in result.projects.items()
    }
    result.findings.sort(key=Finding.sort_key)
    timings.mark("finalize")
    if snapshot is not None:
        snapshot.store(result)
    return result


class _Plan:
    """The files of a run, each once (by its key, whatever path named it), with their
    settings and project."""

    def __init__(self, resolver: ConfigResolver, adjust: Callable[[Settings], Settings]) -> None:
        self.resolver = resolver
        self.adjust = adjust
        self.roots = ProjectRoots()
        self.ids = FileIds(one_run=True)  # directories remembered by their spelling too
        self.planned: list[_Planned] = []
        self.seen: set[str] = set()  # real paths
        self._real_roots: dict[Path, str] = {}
        self._directories: dict[str, tuple[Settings, Path, Settings, Path | None, Path, str]] = {}

    def _key(self, found: FoundFile, root: str) -> tuple[FileKey, str]:
        """`FileIds.key` and the file's real path (`FileKey.location`)."""
        location = self.ids.location_in(found.directory, found.name, found.is_link)
        return key_of(location, root), location

    def add(
        self, found: FoundFile, scan_root: Path, scan_dir: Path, context_only: bool = False
    ) -> _Planned | None:
        # Every file of a directory shares its settings, project and real path: worked out
        # once per directory (7,900 files in 1,700 directories on the TypeScript corpus).
        known = self._directories.get(found.directory)
        if known is None or known[0] is not found.settings or known[1] != scan_dir:
            settings = self.adjust(found.settings)
            marked = self.roots.root_of(Path(found.directory), settings.root)
            # The project a file belongs to: its root, else (nothing marks one) the directory
            # that was asked for.
            home = marked if marked is not None else scan_dir
            root = self._real_roots.get(home)
            if root is None:
                root = self._real_roots[home] = self.ids.real_directory(home)
            known = (found.settings, scan_dir, settings, marked, home, root)
            self._directories[found.directory] = known
        settings, marked, home, root = known[2:]
        key, location = self._key(found, root)
        if location in self.seen:
            return None  # `a.py ./a.py`, or a link to a file already planned
        self.seen.add(location)
        item = _Planned(
            found.path,
            key,
            settings,
            None,
            scan_root=scan_root,
            home=home,
            marked=marked,
            context_only=context_only,
        )
        self.planned.append(item)
        return item

    def add_project_context(self, paths: list[Path]) -> None:
        """The other files of the projects of the files asked for, when a project reaches
        beyond the scanned directories (`check app/routes.py`): their facts and exports
        count exactly as in `check .`, so a file's findings do not depend on which paths
        were passed."""
        scanned = [os.path.abspath(path) for path in paths if path.is_dir()]
        outside: dict[Path, _Planned] = {}
        for item in self.planned:
            root = item.marked
            if root is None or root in outside:
                continue
            text = os.path.abspath(root)
            if not any(text == scan or text.startswith(scan.rstrip(os.sep) + os.sep) for scan in scanned):
                outside[root] = item
        for root, first in outside.items():
            for found in discover_files(
                [root], self.resolver.for_directory, lambda name: language_of(name) is not None
            ):
                settings = self.adjust(found.settings)
                if self.roots.root_of(Path(found.directory), settings.root) != root:
                    continue  # a project of its own below this one
                self.add(found, first.scan_root, first.home, context_only=True)


class _Snapshotting:
    """The run's snapshot (run_snapshot): answer from the last one, take unchanged files'
    findings from it, and store this run's."""

    def __init__(
        self, cache: AnalysisCache, ids: FileIdsForCache, planned: list[PlannedFile], paths: list[Path]
    ) -> None:
        self.cache = cache
        self.ids = ids
        self.eligible = len(ids.stat_ids) == len(planned)  # every file has a signature
        # The docs directory too: default guide links are file URIs into this install.
        where = "\0".join([os.getcwd(), str(package_data_dir("docs")), *(os.fspath(path) for path in paths)])
        self.scope = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()
        self.today = today().isoformat()
        fingerprints: dict[int, str] = {}
        self.settings: dict[int, str] = {}  # each file's settings fingerprint, by index
        files = []
        for index, item in enumerate(planned):
            fingerprint = fingerprints.get(id(item.settings))
            if fingerprint is None:
                fingerprint = fingerprints[id(item.settings)] = repr(item.settings)
            self.settings[index] = fingerprint
            if index in ids.stat_ids:
                files.append((ids.stat_ids[index], ids.signatures[index], fingerprint))
        self.digest = inputs_digest(files, self.today)
        signatures = ids.signatures.values()
        self.newest_ns = max((max(s[1], s[2]) for s in signatures), default=0)
        self.previous: RunSnapshot | None = None
        self.entries: dict[str, FileEntry] = {}
        self.paths = [os.fspath(item.path) for item in planned]

    def answer(self, result: LintResult) -> bool:
        if not self.eligible:
            return False
        stored = self.cache.get_run(self.scope)
        self.previous = RunSnapshot.loads(stored) if stored is not None else None
        if self.previous is None or not self.previous.current(self.digest):
            return False
        result.findings = self.previous.findings
        result.files_checked = self.previous.files_checked
        result.files_parsed = self.previous.files_parsed
        result.inputs = self._inputs(self.previous.files.values())
        return True

    def _inputs(self, entries: Iterable[FileEntry]) -> RunInputs:
        """For the run manifest: the files with their signatures as this run took them."""
        signatures = [self.ids.signatures[index] for index in range(len(self.paths))]
        return RunInputs.of(self.paths, entries, signatures, self.newest_ns)

    def reusable(self, index: int, project: str) -> list[Finding] | None:
        if self.previous is None or not self.eligible:
            return None
        file_id = self.ids.stat_ids[index]
        signature = self.ids.signatures[index]
        found = self.previous.reusable(file_id, signature, self.settings[index], project, self.today)
        if found is not None:
            self.entries[file_id] = self.previous.files[file_id]
        return found

    def remember(
        self, index: int, project: str, reads: dict[str, FileState], findings: list[Finding]
    ) -> None:
        if self.eligible:
            file_id = self.ids.stat_ids[index]
            signature = self.ids.signatures[index]
            self.entries[file_id] = FileEntry(signature, self.settings[index], project, dict(reads), findings)

    def store(self, result: LintResult) -> None:
        if not self.eligible:
            return
        result.inputs = self._inputs(self.entries.values())
        snapshot = RunSnapshot(
            self.digest,
            self.today,
            self.ids.checked_ns,
            self.newest_ns,
            self.entries,
            result.files_checked,
            result.files_parsed,
        )
        text = snapshot.dumps()
        if text is not None:
            self.cache.put_run(self.scope, text)


def _per_settings(adjust: Callable[[Settings], Settings]) -> Callable[[Settings], Settings]:
    """`adjust` once per settings object: every file of a directory shares one result (and
    so one engine lookup and one project context)."""
    done: dict[int, tuple[Settings, Settings]] = {}

    def adjusted(settings: Settings) -> Settings:
        known = done.get(id(settings))
        if known is None:
            known = done[id(settings)] = (settings, adjust(settings))
        return known[1]

    return adjusted


def lint_sources(
    files: dict[str, str | bytes], settings: Settings | None = None, engine: Engine | None = None
) -> list[Finding]:
    """Lint in-memory files as one project (tests, rule examples, editor buffers), through
    the same workspace and link step as the language server. Each file's key is its name."""
    from ragfirst.engine.workspace import Workspace

    settings = settings or Settings()
    contents = {
        FileKey("", path): content.encode("utf-8") if isinstance(content, str) else content
        for path, content in files.items()
    }
    workspace = Workspace(contents.get)
    engine = engine or workspace.engine_for(settings)
    for key, data in contents.items():
        workspace.update(key, data, settings, engine)
    workspace.relink()
    context = default_context(settings)
    findings: list[Finding] = []
    for key in contents:
        findings.extend(workspace.findings_for(key, context))
    return sorted(findings, key=Finding.sort_key)
