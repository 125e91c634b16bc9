"""The workspace: the one project model every front end drives (the CLI's runner, the
language server, in-memory linting of rule examples and tests).

Files are known by a `FileKey` (file_ids.py): the project root's real path and the file's
path below it, whatever path named the file. The workspace keeps each file's analysis,
links each project's files across modules (project_model.py) and keeps one index of facts
per project. Its operations:

- `load`: analyse many files at once (the CLI's batch and the server's first index:
  through the on-disk cache and a process pool, workspace_load.py) and add them;
- `update`: a file's new bytes (an edit, a save, a file changed on disk);
- `remove`: a file deleted or closed without a disk copy;
- `relink`: link a project after files came, went or changed what they offer importers;
- `findings_for`: a file's findings, finalized with its project's index.

It owns what those operations need: the settings resolver (each file's settings, the
editor's severity overrides applied inside it), the engines (one per set of rule packs,
engines.py), where each file is (`paths`, for reading it again from disk) and the on-disk
analysis cache. `reconfigure` drops settings and engines when config or rule files change.

Findings carry the file's id; paths relative to the working directory are made only by
the reporters (reporters/paths.py).

A document being edited is analysed once per edit: with the environment its imports had at
the last link (the summaries of the modules it imports do not change while it is typed),
again only when its own imports changed. When its summary (what other modules import from
it) changes, `update` says so and the front end relinks the project.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine import incremental_link, timings
from ragfirst.engine.cache import AnalysisCache, content_key, rules_fingerprint
from ragfirst.engine.collector import collector_paused
from ragfirst.engine.early_link import PENDING, EarlyLoad, LoadingAnalyses
from ragfirst.engine.engine import Engine, FileAnalysis, read_file_bytes
from ragfirst.engine.engines import EngineCache
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.library_code import INIT_FILES, top_packages
from ragfirst.engine.link_gate import PROJECT_FORCE
from ragfirst.engine.link_parses import LinkAnalyses
from ragfirst.engine.path_map import PathMap
from ragfirst.engine.project import ProjectIndex
from ragfirst.engine.project_model import build_index, link_project, refresh_application_components
from ragfirst.engine.python_link import ModuleIndex, PythonLinker, environment_digest
from ragfirst.engine.text_closure import TEXT_FORCE
from ragfirst.engine.workspace_load import (
    FileIdsForCache,
    PlannedFile,
    analyze_files,
    packages_tag,
)
from ragfirst.model import Finding

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Environment
    from ragfirst.checks.base import ProjectContext
    from ragfirst.engine.prefetch import Prefetch

ReadBytes = Callable[[FileKey], "bytes | None"]
"""A file's current bytes (an open buffer's, else the disk's), or None when it is gone."""


@dataclass(slots=True)
class WorkspaceFile:
    key: FileKey
    settings: Settings
    engine: Engine
    analysis: FileAnalysis  # linked: with the environment its imports bind, if any
    environment: str = ""  # digest of that environment ("" for none)
    packages: frozenset[str] = frozenset()  # the top-level packages holding it (library_code.py)
    content: str = ""  # digest of the bytes `update` analysed ("" when loaded in a batch)


@dataclass(slots=True)
class ProjectState:
    root: str  # the project root's real path (absolute, POSIX; "" for an in-memory project)
    one_project: bool = True  # every file but notebooks shares facts (else: files that reach each other)
    index: ProjectIndex = field(default_factory=ProjectIndex)
    modules: ModuleIndex | None = None
    summaries: dict[str, dict] = field(default_factory=dict)  # the last link's, by file id
    link: Any = None  # the last link's state, for the next incremental one (incremental_link.py)


class Workspace:
    """`read` gives a file's bytes when it must be analysed again (with what its imports
    bind): by default the disk's, at the path `paths` holds (the server reads its open
    buffers first); `cache` (the CLI's) keeps those analyses across runs; `resolver` and
    `engines` give each file its settings and engine (the front end's, or new ones)."""

    # Keep each link's state and relink only what an edit reaches (incremental_link.py):
    # the language server's model; a CLI run links once and keeps nothing.
    incremental = False
    # A full link reads imported texts before it parses for them (text_closure.py); the
    # findings are the same either way, not always the environments (tests compare a
    # server's incremental link with a full one read this way: False).
    text_closures = True

    def __init__(
        self,
        read: ReadBytes | None = None,
        cache: AnalysisCache | None = None,
        resolver: ConfigResolver | None = None,
        engines: EngineCache | None = None,
    ) -> None:
        self.read = read if read is not None else self.read_disk
        self.cache = cache
        self.resolver = resolver if resolver is not None else ConfigResolver()
        self.engines = engines if engines is not None else EngineCache()
        self.paths: PathMap[FileKey] = PathMap()  # where each file is (as the front end named it)
        self.files: dict[FileKey, WorkspaceFile] = {}
        self.projects: dict[str, ProjectState] = {}
        self._analyses: dict[tuple[FileKey, str, str], FileAnalysis] = {}  # (key, bytes, env)
        self._rules_tags: dict[tuple, str] = {}
        # Per project root, its Python packages (directories with an `__init__.py`): which
        # SDK's own code a file is (library_code.py). Roots whose packages changed since the
        # last link: their files' analyses may have to follow (`_follow_packages`).
        self._package_dirs: dict[str, set[str]] = {}
        self._packages_moved: set[str] = set()
        self._early: EarlyLoad | None = None  # a load still running while the run links

    # -- settings and engines --------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        """The settings of a file (raises ConfigError for a broken config)."""
        return self.resolver.for_path(path)

    def engine_for(self, settings: Settings, validate: bool = True) -> Engine:
        """The engine for these settings (raises RuleFileError/ConfigError; `validate`:
        engines.py)."""
        return self.engines.for_settings(settings, validate)

    def reconfigure(self) -> None:
        """Config or rule files changed: settings are read and engines built again."""
        self.resolver.invalidate()
        self.engines.clear()

    def read_disk(self, key: FileKey) -> bytes | None:
        """A file's bytes on disk (None when it is gone or unreadable), capped by its
        settings' file size limit."""
        path = self.paths.get(key)
        entry = self.files.get(key)
        if path is None:
            return None
        limit = entry.settings.max_file_size if entry is not None else Settings().max_file_size
        try:
            return read_file_bytes(path, limit)
        except OSError:
            return None

    # -- files ---------------------------------------------------------------------------

    def project(self, root: str, one_project: bool = True) -> ProjectState:
        state = self.projects.get(root)
        if state is None:
            state = self.projects[root] = ProjectState(root, one_project)
        return state

    def load(
        self,
        planned: list[PlannedFile],
        jobs: int | None = 1,
        ids: FileIdsForCache | None = None,
        one_project: Callable[[str], bool] = lambda root: True,
        lock: AbstractContextManager[object] | None = None,
        keep: Callable[[PlannedFile], bool] = lambda item: True,
        prefetch: Prefetch | None = None,
        early: bool = False,
    ) -> list[PlannedFile]:
        """Analyse files alone (from the cache when unchanged, in a process pool when many)
        and add those `keep` accepts (the server: not a document opened meanwhile); `relink`
        links them. The analysis runs outside `lock` (the server's lints go on), the adding
        inside. Returns the files added. `early` (a CLI run): a pool may still be running
        when this returns; `relink` then links while it does (engine/early_link.py)."""
        with lock if lock is not None else nullcontext():
            # Packages as the whole workspace makes them (a load of a few new files too):
            # the run's cache keys took them from its plan, which is the whole workspace.
            for item in planned:
                if item.key not in self.files:
                    self._note_file(item.key, present=True)
            for item in planned:
                item.packages = self.packages_of(item.key)
        # (prefetch: engine/prefetch.py)
        pending = analyze_files(planned, jobs, self.cache, ids, prefetch, early=early)
        added = []
        with lock if lock is not None else nullcontext():
            for item in planned:
                if not keep(item):
                    continue
                assert item.engine is not None and (item.analysis is not None or pending is not None)
                self.paths[item.key] = item.path  # a Path when asked for (path_map.py)
                self.add(
                    item.key,
                    item.analysis if item.analysis is not None else PENDING,
                    item.settings,
                    item.engine,
                    one_project(item.key.root),
                    item.packages,
                )
                added.append(item)
        if pending is not None:
            places = {item.key: index for index, item in enumerate(planned) if item.analysis is None}
            self._early = EarlyLoad(pending, places)
        return added

    def update(
        self,
        key: FileKey,
        data: bytes,
        settings: Settings | None = None,
        engine: Engine | None = None,
        one_project: bool = True,
    ) -> tuple[FileAnalysis, bool]:
        """Analyse a file's new bytes and put its facts in the project index. Returns the
        analysis and whether the project needs relinking (the file is new, or its imports,
        what it offers importers or its facts changed). Without `settings`/`engine`, the
        workspace's resolver and engines give them (by where the file is)."""
        if settings is None:
            settings = self.settings_for(self.paths.get(key) or Path(key.location))
        if engine is None:
            engine = self.engine_for(settings)
        state = self.project(key.root, one_project)
        previous = self.files.get(key)
        if previous is None:
            self._note_file(key, present=True)
        packages = self.packages_of(key)
        own = packages & engine.sdk_roots()
        imports = previous.analysis.used_imports if previous is not None else []
        # A file the last link kept as analysed alone (nothing it reads constants of binds
        # anything, no client reaches it) is analysed alone, as the link would; if the
        # edit makes it read other constants, `_reads_changed` has the project relinked.
        alone = previous is not None and not previous.environment
        environment = {} if alone else self._environment(state, key.id, imports)
        analysis = self._analyse(engine, settings, key, data, environment, own)
        if analysis.used_imports != imports:  # an import was added, removed or first read
            changed = self._environment(state, key.id, analysis.used_imports)
            if changed != environment:
                environment = changed
                analysis = self._analyse(engine, settings, key, data, environment, own)
        digest = environment_digest(environment) if environment else ""
        content = hashlib.sha256(data).hexdigest()
        self.files[key] = WorkspaceFile(key, settings, engine, analysis, digest, packages, content)
        incremental_link.touched(state, key.id, "add" if previous is None else "")
        facts_changed = state.index.set_file(key.id, analysis.fact_sites, analysis.exports)
        relink = (
            previous is None
            or previous.analysis.project_imports != analysis.project_imports
            or previous.analysis.used_imports != analysis.used_imports
            or previous.analysis.deferred_imports != analysis.deferred_imports
            or previous.analysis.summary != analysis.summary
            or _reads_changed(previous.analysis, analysis)
            # (its bytes changed: two such modules open, each one's unchanged lint relinked
            # and relinted the other forever)
            or (
                not analysis.parsed
                and _read_by_importers(state, key.id)
                and (previous is None or previous.content != content)
            )
        )
        return analysis, relink or facts_changed

    def add(
        self,
        key: FileKey,
        analysis: FileAnalysis,
        settings: Settings,
        engine: Engine,
        one_project: bool = True,
        packages: frozenset[str] = frozenset(),
    ) -> None:
        """Put a file analysed alone (by `load`, or a front end) in the workspace; `relink`
        links it. `packages`: the top-level packages it was analysed as part of."""
        state = self.project(key.root, one_project)
        if key not in self.files:
            self._note_file(key, present=True)
        self.files[key] = WorkspaceFile(key, settings, engine, analysis, packages=packages)
        incremental_link.touched(state, key.id, "add")

    def remove(self, key: FileKey) -> bool:
        self.paths.pop(key, None)
        entry = self.files.pop(key, None)
        if entry is None:
            return False
        self._note_file(key, present=False)
        state = self.projects.get(key.root)
        if state is not None:
            state.index.remove_file(key.id)
            incremental_link.touched(state, key.id, "remove")
        return True

    @staticmethod
    def _analyse(
        engine: Engine,
        settings: Settings,
        key: FileKey,
        data: bytes,
        environment: Environment,
        own: frozenset[str] = frozenset(),
    ) -> FileAnalysis:
        return engine.analyze(
            key.id, data, max_bytes=settings.max_file_size, environment=environment or None, own_packages=own
        )

    # -- packages (which SDK's own code a file is: library_code.py) ------------------------

    def _note_file(self, key: FileKey, present: bool) -> None:
        """A file came or went: an `__init__.py` makes or unmakes a package."""
        if posixpath.basename(key.id) not in INIT_FILES:
            return
        directories = self._package_dirs.setdefault(key.root, set())
        directory = posixpath.dirname(key.id)
        if present and directory not in directories:
            directories.add(directory)
            self._packages_moved.add(key.root)
        elif not present and directory in directories and not self._other_init(key):
            directories.discard(directory)
            self._packages_moved.add(key.root)

    def _other_init(self, key: FileKey) -> bool:
        """Is the package's other `__init__` file (`.py` beside `.pyi`) still there?"""
        stem = key.id[: -len(".py")] if key.id.endswith(".py") else key.id[: -len(".pyi")]
        other = stem + (".pyi" if key.id.endswith(".py") else ".py")
        return FileKey(key.root, other) in self.files

    def packages_of(self, key: FileKey) -> frozenset[str]:
        """The top-level packages that hold the file, as the workspace's files make them."""
        directories = self._package_dirs.get(key.root)
        return top_packages(posixpath.dirname(key.id), directories) if directories else frozenset()

    def _follow_packages(self, roots: set[str]) -> None:
        """Packages of these projects came or went (an `__init__.py`): a file whose top-level
        packages changed is analysed again (it may have become, or stopped being, an SDK's
        own code). After a load, the files were analysed with these packages: none is."""
        known: dict[tuple[str, str], frozenset[str]] = {}  # (root, directory) -> packages
        for key, entry in list(self.files.items()):
            if key.root not in roots:
                continue
            place = (key.root, posixpath.dirname(key.id))
            packages = known.get(place)
            if packages is None:
                packages = known[place] = self.packages_of(key)
            state = self.projects.get(key.root)
            if packages == entry.packages or state is None:
                continue
            data = self.read(key)
            if data is not None:
                self.update(key, data, entry.settings, entry.engine, state.one_project)

    # -- linking -------------------------------------------------------------------------

    def relink(self, root: str | None = None, linked: Callable[[str], None] | None = None) -> None:
        """Link a project's files (every project when None) and rebuild its index. A project
        linked before, whose files only changed since, links again only what the changes
        reach (incremental_link.py). `linked(root)`: after each project's full link (its
        files' findings can then be made: engine/run_finalize.py)."""
        try:
            self._relink_projects(root, linked)
        except BaseException:
            if self._early is not None:  # (an interrupted run does not wait for its pool)
                self._early, early = None, self._early
                early.abandon()
            raise
        if self._early is not None:  # the load that ran while linking: done now
            self._early, early = None, self._early
            early.finish(self.files)

    def _relink_projects(self, root: str | None, linked: Callable[[str], None] | None = None) -> None:
        with collector_paused():  # what the link builds lives on (engine/collector.py)
            moved = {name for name in self._packages_moved if root is None or name == root}
            if moved:
                self._packages_moved -= moved
                self._follow_packages(moved)
            pending = [
                name
                for name, state in self.projects.items()
                if (root is None or name == root) and not self._relinked(state)
            ]
            if not pending:
                return
            by_project: dict[str, dict[str, WorkspaceFile]] = {name: {} for name in pending}
            for key, entry in self.files.items():  # one pass, however many projects
                if key.root in by_project:
                    by_project[key.root][key.id] = entry
            for name in pending:
                self._relink(self.projects[name], by_project[name])
                if linked is not None:
                    linked(name)

    def _relinked(self, state: ProjectState) -> bool:
        """Link `state` incrementally (False: a full link is needed); one application's
        notebooks may have moved their boundary (project_model.application_components)."""
        if not incremental_link.relink(self, state):
            return False
        if state.one_project and state.link is not None:
            link = state.link
            refresh_application_components(state.index, link.order, link.python_edges, link.serial)
        return True

    def _relink(self, state: ProjectState, members: dict[str, WorkspaceFile]) -> None:
        reanalyze = LinkAnalyses(self.reanalyze, members.get)  # (a reached file: one parse)

        # The link's inputs are the files as analysed alone (a file analysed with a now
        # stale environment is analysed again without one); from the running load, each
        # when the link first reads it (engine/early_link.py: no file has an environment).
        alone: Mapping[str, FileAnalysis]
        if self._early is not None:
            alone = LoadingAnalyses(members, self._early.analysis)
        else:
            analysed: dict[str, FileAnalysis] = {}
            for file_id, entry in members.items():
                found = reanalyze(file_id, None, False) if entry.environment else None
                analysed[file_id] = found if found is not None else entry.analysis
            alone = analysed
        locations = (
            {file_id: entry.key.location for file_id, entry in members.items()} if state.root else None
        )
        engine = next(iter(members.values())).engine if members else None
        libraries = engine.sdk_roots() if engine is not None else frozenset()
        recorder = incremental_link.Recorder(self.incremental, self.text_closures)
        try:
            result = link_project(
                alone, state.root, reanalyze, locations, libraries, not state.one_project, recorder
            )
        finally:
            reanalyze.done()  # its kept trees dropped, whatever happened (as incremental_link's)
        for file_id, entry in members.items():
            entry.analysis = result.analyses.get(file_id, alone[file_id])
            entry.environment = result.environments.get(file_id, "")
        # the link's own index: the same files, locations and libraries (and its resolutions)
        state.modules = (
            recorder.index
            if recorder.index is not None
            else ModuleIndex(alone, state.root, locations, libraries)
        )
        state.summaries = result.summaries
        state.index = build_index(
            {file_id: entry.analysis for file_id, entry in members.items()}, result.edges, state.one_project
        )
        state.index.environments = dict(result.environments)
        incremental_link.remember(state, members, alone, result, recorder, libraries)

    def reanalyze(
        self, entry: WorkspaceFile, environment: Environment | None, force: bool | str
    ) -> FileAnalysis | None:
        """The file's current bytes analysed with `environment` (None: it cannot be read)."""
        data = self.read(entry.key)
        return self._remembered(entry, data, environment, force) if data is not None else None

    def _remembered(
        self, entry: WorkspaceFile, data: bytes, environment: Environment | None, force: bool | str
    ) -> FileAnalysis:
        """An analysis with an environment, remembered by content and environment (and kept
        in the on-disk cache, when there is one)."""
        tag = environment_digest(environment) if environment else ""
        if force:  # a summary parse (with the environment of a skipped module's link, if any)
            tag = f"force:{force}" + (f":{tag}" if tag else "")
        own = entry.packages & entry.engine.sdk_roots()
        tag += packages_tag(entry.packages)
        key = (entry.key, hashlib.sha256(data).hexdigest(), tag)
        found = self._analyses.get(key)
        probe = isinstance(force, str) and force.startswith(TEXT_FORCE)  # never parsed
        if environment:
            kind = "analysed again with its imports"
        elif force == PROJECT_FORCE:
            kind = "parsed, an SDK value reaching it through the project's modules"
        elif probe:
            kind = "read for a text its importers' values may hold"
        else:
            kind = "parsed for a summary (prefilter-skipped)"
        if found is not None:
            timings.count(f"link: {kind}, remembered")
            return found
        cap = entry.settings.max_file_size
        stored = None
        if self.cache is not None:
            stored = content_key(data, f"{self._rules_tag(entry.settings)}\0{entry.key.id}\0link:{tag}", cap)
            found = self.cache.get_many([stored]).get(stored)
        if found is None:
            found = entry.engine.analyze(
                entry.key.id, data, cap, environment=environment, force=force, own_packages=own
            )
            timings.count(f"link: {kind}" + ("" if found.parsed or probe else ", declined"))
            if self.cache is not None and stored is not None:  # the next run reads it
                self.cache.put_many([(stored, found)])
        else:
            timings.count(f"link: {kind}, from the cache")
        if len(self._analyses) > 4096:  # a bound: an editing session makes many versions
            self._analyses.clear()
        self._analyses[key] = found
        return found

    def _rules_tag(self, settings: Settings) -> str:
        tag = self._rules_tags.get(settings.extra_rules)
        if tag is None:  # hashes every rule file: once per set of packs
            tag = self._rules_tags[settings.extra_rules] = rules_fingerprint(settings.extra_rules)
        return tag

    def _environment(self, state: ProjectState, file_id: str, imports: list[tuple[str, str]]) -> Environment:
        """What the file's imports bind, from the summaries of the last link."""
        if not imports or state.modules is None:
            return {}
        summaries = dict(state.summaries)
        summaries.pop(file_id, None)  # its own summary is being edited
        return PythonLinker.over_summaries(summaries, state.modules).environment(file_id, imports)

    # -- findings ------------------------------------------------------------------------

    def linked_view(self, key: FileKey) -> tuple[Environment, ProjectIndex]:
        """What a new text of the file would be linked with, without putting it in the
        model (a fix round's text in the editor): the environment its imports bound at
        the last link, and its project's index."""
        entry = self.files.get(key)
        state = self.projects.get(key.root) if entry is not None else None
        imports = entry.analysis.used_imports if entry is not None else []
        environment = self._environment(state, key.id, imports) if state is not None else {}
        return environment, self.index_for(key)

    def index_for(self, key: FileKey) -> ProjectIndex:
        state = self.projects.get(key.root) if key in self.files else None
        return state.index if state is not None else ProjectIndex()

    def findings_for(self, key: FileKey, context: ProjectContext) -> list[Finding]:
        """The file's findings; their paths are its id (relative to `context.base_dir`, the
        project root)."""
        entry = self.files.get(key)
        state = self.projects.get(key.root)
        if entry is None or state is None:
            return []
        return entry.engine.finalize(entry.analysis, state.index, entry.settings, context)


def _read_by_importers(state: ProjectState, file_id: str) -> bool:
    """Did the last link read this module for its importers? A module the prefilter skips
    (or leaves to the link) has its summary computed by the link, not by its analysis: an
    edit of it may change what it offers (`client = None` becoming `OpenAI()`) while its
    analysis stays empty."""
    link = state.link
    return link is not None and bool(link.importers.get(file_id))


def _reads_changed(before: FileAnalysis, after: FileAnalysis) -> bool:
    """Does the file now ask its imports for other constants (python_link.py)?"""
    return (
        before.constant_imports != after.constant_imports
        or before.text_imports != after.text_imports
        or before.client_imports != after.client_imports
        or before.name_imports != after.name_imports
    )
