"""The workspace: the project model every front end shares (the language server, the CLI's
runner, in-memory linting of rule examples and tests).

It holds each file's analysis (keyed by its display path), links each project's files
across modules (project_model.py) and keeps one index of facts per project. The language
server asks it to `update` a file's bytes, `remove` a file, `relink` a project and give
`findings_for` a file; the CLI's runner analyses its batch itself (cache, process pool),
hands the analyses over with `add` and links through `relink`.

A document being edited is analysed once per edit: with the environment its imports had at
the last link (the summaries of the modules it imports do not change while it is typed),
again only when its own imports changed. When its summary (what other modules import from
it) changes, `update` says so and the front end relinks the project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.project import ProjectIndex
from ragfirst.engine.project_model import build_index, link_project
from ragfirst.engine.python_link import ModuleIndex, PythonLinker, environment_digest
from ragfirst.model import Finding

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Environment
    from ragfirst.checks.base import ProjectContext

ReadBytes = Callable[[str], "bytes | None"]
"""display path -> the file's current bytes (an open buffer's, else the disk's), or None."""
Analyse = Callable[["WorkspaceFile", "Environment | None", "bool | str"], "FileAnalysis | None"]
"""How a front end analyses a file again with an environment (`Engine.analyze`'s `force`):
the CLI goes through its on-disk cache; by default the bytes from `read`, remembered."""


@dataclass(slots=True)
class WorkspaceFile:
    shown: str
    project: Path
    settings: Settings
    engine: Engine
    analysis: FileAnalysis  # linked: with the environment its imports bind, if any
    environment: str = ""  # digest of that environment ("" for none)


@dataclass(slots=True)
class ProjectState:
    root: str  # the project root's real path (absolute, POSIX; "" for an in-memory project)
    one_project: bool = True  # every file shares facts (else: files that reach each other)
    index: ProjectIndex = field(default_factory=ProjectIndex)
    modules: ModuleIndex | None = None
    summaries: dict[str, dict] = field(default_factory=dict)  # the last link's, by module


class Workspace:
    def __init__(self, read: ReadBytes, analyse: Analyse | None = None) -> None:
        self.read = read
        self.analyse = analyse
        self.files: dict[str, WorkspaceFile] = {}
        self.locations: dict[str, str] = {}  # display path -> real path (absolute, POSIX)
        self.projects: dict[Path, ProjectState] = {}
        self._analyses: dict[tuple[str, str, str], FileAnalysis] = {}  # (path, bytes digest, env)

    # -- files ---------------------------------------------------------------------------

    def project(self, key: Path, root: str, one_project: bool = True) -> ProjectState:
        state = self.projects.get(key)
        if state is None:
            state = self.projects[key] = ProjectState(root, one_project)
        return state

    def update(
        self,
        shown: str,
        data: bytes,
        settings: Settings,
        engine: Engine,
        project: Path,
        root: str,
        location: str | None = None,
    ) -> tuple[FileAnalysis, bool]:
        """Analyse a file's new bytes and put its facts in the project index. Returns the
        analysis and whether the project needs relinking (the file is new, or its imports,
        what it offers importers or its facts changed)."""
        state = self.project(project, root)
        self.locations[shown] = location or shown
        previous = self.files.get(shown)
        imports = previous.analysis.used_imports if previous is not None else []
        environment = self._environment(state, shown, imports)
        analysis = self._analyse(engine, settings, shown, data, environment)
        if analysis.used_imports != imports:  # an import was added, removed or first read
            changed = self._environment(state, shown, analysis.used_imports)
            if changed != environment:
                environment = changed
                analysis = self._analyse(engine, settings, shown, data, environment)
        digest = environment_digest(environment) if environment else ""
        self.files[shown] = WorkspaceFile(shown, project, settings, engine, analysis, digest)
        facts_changed = state.index.set_file(shown, analysis.fact_sites, analysis.exports)
        relink = (
            previous is None
            or previous.project != project
            or previous.analysis.project_imports != analysis.project_imports
            or previous.analysis.used_imports != analysis.used_imports
            or previous.analysis.summary != analysis.summary
        )
        return analysis, relink or facts_changed

    def add(
        self,
        shown: str,
        analysis: FileAnalysis,
        settings: Settings,
        engine: Engine,
        project: Path,
        root: str,
        location: str | None = None,
        one_project: bool = True,
    ) -> None:
        """Put a file analysed by the front end itself (the CLI's batch, from its cache or its
        process pool) in the workspace; `relink` links it."""
        self.project(project, root, one_project)
        self.locations[shown] = location or shown
        self.files[shown] = WorkspaceFile(shown, project, settings, engine, analysis)

    def remove(self, shown: str) -> bool:
        entry = self.files.pop(shown, None)
        self.locations.pop(shown, None)
        if entry is None:
            return False
        state = self.projects.get(entry.project)
        if state is not None:
            state.index.remove_file(shown)
        return True

    @staticmethod
    def _analyse(
        engine: Engine, settings: Settings, shown: str, data: bytes, environment: Environment
    ) -> FileAnalysis:
        return engine.analyze(shown, data, max_bytes=settings.max_file_size, environment=environment or None)

    # -- linking -------------------------------------------------------------------------

    def relink(self, project: Path | None = None) -> None:
        """Link a project's files (every project when None) and rebuild its index."""
        by_project: dict[Path, dict[str, WorkspaceFile]] = {}
        for shown, entry in self.files.items():  # one pass, however many projects
            if project is None or entry.project == project:
                by_project.setdefault(entry.project, {})[shown] = entry
        for key, state in self.projects.items():
            if project is None or key == project:
                self._relink(state, by_project.get(key, {}))

    def _relink(self, state: ProjectState, members: dict[str, WorkspaceFile]) -> None:

        def reanalyze(shown: str, environment: Environment | None, force: bool | str) -> FileAnalysis | None:
            entry = members.get(shown)
            if entry is None:
                return None
            if self.analyse is not None:
                return self.analyse(entry, environment, force)
            data = self.read(shown)
            return self._remembered(entry, data, environment, force) if data is not None else None

        # The link's inputs are the files as analysed alone (a file analysed with a now
        # stale environment is analysed again without one).
        alone: dict[str, FileAnalysis] = {}
        for shown, entry in members.items():
            if not entry.environment:
                alone[shown] = entry.analysis
                continue
            found = reanalyze(shown, None, False)
            alone[shown] = found if found is not None else entry.analysis
        locations = {shown: self.locations.get(shown, shown) for shown in members}
        engine = next(iter(members.values())).engine if members else None
        libraries = engine.sdk_roots() if engine is not None else frozenset()
        result = link_project(alone, state.root, reanalyze, locations, libraries, not state.one_project)
        for shown, entry in members.items():
            entry.analysis = result.analyses.get(shown, alone[shown])
            entry.environment = result.environments.get(shown, "")
        state.modules = ModuleIndex(alone, state.root, locations, libraries)
        state.summaries = result.summaries
        state.index = build_index(
            {shown: entry.analysis for shown, entry in members.items()}, result.edges, state.one_project
        )
        state.index.environments = dict(result.environments)

    def _remembered(
        self, entry: WorkspaceFile, data: bytes, environment: Environment | None, force: bool | str
    ) -> FileAnalysis:
        """An analysis with an environment, remembered by content and environment."""
        tag = f"force:{force}" if force else environment_digest(environment or {})
        key = (entry.shown, hashlib.sha256(data).hexdigest(), tag)
        found = self._analyses.get(key)
        if found is None:
            found = entry.engine.analyze(
                entry.shown, data, entry.settings.max_file_size, environment=environment, force=force
            )
            if len(self._analyses) > 4096:  # a bound: an editing session makes many versions
                self._analyses.clear()
            self._analyses[key] = found
        return found

    def _environment(self, state: ProjectState, shown: str, imports: list[tuple[str, str]]) -> Environment:
        """What `shown`'s imports bind, from the summaries of the last link."""
        if not imports or state.modules is None:
            return {}
        summaries = dict(state.summaries)
        summaries.pop(shown, None)  # its own summary is being edited
        return PythonLinker.over_summaries(summaries, state.modules).environment(shown, imports)

    # -- findings ------------------------------------------------------------------------

    def index_for(self, shown: str) -> ProjectIndex:
        entry = self.files.get(shown)
        if entry is None:
            return ProjectIndex()
        return self.projects[entry.project].index

    def findings_for(self, shown: str, context: ProjectContext) -> list[Finding]:
        entry = self.files.get(shown)
        if entry is None:
            return []
        return entry.engine.finalize(entry.analysis, self.index_for(shown), entry.settings, context)
