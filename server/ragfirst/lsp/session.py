"""The server's session: open documents, settings, and the project model (as ruff's
`Session` holds documents, settings and the index).

The server is a thin layer over `engine.workspace.Workspace`, the project model the CLI's
runner drives too (one model for every workspace folder): files are keyed by their project root and project-relative id
(engine/file_ids.py), whatever path the editor names them by. Lints run in two worker threads; every use of the model goes through
the methods here, which hold the model's lock (nothing outside this module touches it).
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ragfirst.checks.base import ProjectContext
from ragfirst.config.settings import ConfigError, Settings
from ragfirst.engine import incremental_link
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.file_ids import FileIds, FileKey
from ragfirst.engine.project_roots import ProjectRoots
from ragfirst.engine.runner import project_context
from ragfirst.engine.workspace import Workspace
from ragfirst.engine.workspace_load import PlannedFile
from ragfirst.lsp.relink_effects import seen_by
from ragfirst.model import Finding
from ragfirst.rules.errors import RuleFileError

ConfigErrorHandler = Callable[[str, int, int, str], None]


@dataclass(slots=True)
class DocumentState:
    """One open document: its version, and what its last lint found."""

    version: int | None = None
    language_id: str = ""
    language: str | None = None  # the analyzer's language of its last lint
    findings: list[Finding] = field(default_factory=list)
    analysis: FileAnalysis | None = None
    lines: list[str] = field(default_factory=list)
    pending: asyncio.Task[None] | None = None
    published_version: int | None = None
    generation: int = -1  # the project generation its findings were computed in
    lints_started: int = 0  # a lint publishes only if no later lint of the document started
    good_findings: list[Finding] = field(default_factory=list)  # the last lint without RF000
    good_lines: list[str] = field(default_factory=list)
    lint_ms: float = 0.0  # how long its last lint took (the adaptive debounce reads it)
    last_edit: float = 0.0  # time.monotonic() of its last didChange


class Session:
    """Documents, settings and the project model of one server."""

    def __init__(self, on_config_error: ConfigErrorHandler) -> None:
        self.documents: dict[str, DocumentState] = {}
        self.disk: dict[str, tuple[int, int]] = {}  # uri of a file indexed from disk -> (mtime, size)
        self.roots = ProjectRoots()
        self.ids = FileIds()
        self.keys: dict[str, FileKey] = {}  # a file's absolute path -> its key
        # The project model, with the settings resolver and the engines (as the CLI's).
        self.model = Workspace(self.current_bytes)
        self.model.incremental = True  # an edit relinks what it reaches (incremental_link.py)
        self._lock = threading.RLock()  # lints run in two worker threads
        self.last_good: dict[Path, Settings] = {}
        self.folder_paths: list[Path] = []
        self.generation = 0  # bumped whenever project facts or settings change
        self.facts_changed_by: set[str] = set()  # documents whose lint changed project facts
        self.lints: dict[str, int] = {}  # lints per document (serverStats; a pull lints once)
        self.lint_ms: list[float] = []
        self.text_of: Callable[[str], str | None] = lambda uri: None  # an open buffer's text
        self._on_config_error = on_config_error

    @property
    def paths(self) -> dict[FileKey, Path]:
        """Where each file of the model is (the workspace's map)."""
        return self.model.paths

    def open(self, uri: str, language_id: str) -> DocumentState:
        state = self.documents.setdefault(uri, DocumentState())
        state.language_id = language_id
        return state

    # -- folders and paths ------------------------------------------------------------------

    def folder_for(self, path: Path) -> Path | None:
        best = None
        for root in self.folder_paths:
            try:
                path.relative_to(root)
            except ValueError:
                continue
            if best is None or len(str(root)) > len(str(best)):
                best = root
        return best

    def key_for(self, path: Path, settings: Settings) -> FileKey:
        """The file's key in the project model: its project root's real path and its path
        below it, as the CLI keys it."""
        key = self.ids.key(path, self.ids.real_directory(self.project_root(settings, path)))
        self.keys[os.path.abspath(path)] = key
        return key

    # -- settings -----------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        """The file's settings; on a broken config, the last good one (and a message)."""
        directory = path.parent
        try:
            settings = self.model.settings_for(path)
        except ConfigError as exc:
            self._on_config_error(exc.path, exc.line, exc.col, exc.message)
            return self.last_good.get(directory, Settings())
        self.last_good[directory] = settings
        return settings

    def set_severity_overrides(self, overrides: dict[str, Any]) -> None:
        """The editor's severity overrides: the resolver applies them (once per config read)."""
        self.model.resolver.set_severity_overrides(overrides)

    def engine_for(self, settings: Settings) -> Engine:
        try:
            return self.model.engine_for(settings)
        except RuleFileError as exc:
            self._on_config_error(exc.path, exc.line, exc.col, exc.message)
            return self.model.engine_for(Settings())
        except ConfigError as exc:  # the config's rule ids or option values (config/validation.py)
            self._on_config_error(exc.path, exc.line, exc.col, exc.message)
            return self.model.engine_for(settings, validate=False)

    def engine_cache_entries(self) -> int:
        return self.model.engines.entries()

    def reconfigure(self) -> None:
        """Config files changed: read them again, build engines again."""
        self.model.reconfigure()
        self.generation += 1

    def context_for(self, settings: Settings, path: Path) -> ProjectContext:
        """The same project context the CLI builds (finding paths are relative to the
        project root)."""
        key = self.key_for(path, settings)
        return project_context(settings, Path(key.root), self.project_root(settings, path))

    def project_root(self, settings: Settings, path: Path) -> Path:
        """The file's project root, as the CLI finds it (project_roots.ProjectRoots); with
        nothing to mark one, the workspace folder (the CLI: the directory asked for)."""
        return self.roots.root_of(path.parent, settings.root) or self.folder_for(path) or path.parent

    # -- the project model ----------------------------------------------------------------------

    def current_bytes(self, key: FileKey) -> bytes | None:
        """A file's bytes as the editor sees them: its open buffer, else the disk."""
        path = self.paths.get(key)
        if path is None:
            return None
        # The editor's URI names the file as it was opened (a symlinked folder: not its
        # real path); a buffer missed here is read from disk, and its own lint, which has
        # the buffer, then differs from every relink: the two relinted each other forever.
        absolute = path.absolute()
        for uri in dict.fromkeys((absolute.as_uri(), path.resolve().as_uri())):
            text = self.text_of(uri)
            if text is not None:
                return text.encode("utf-8", errors="surrogatepass")
        return self.model.read_disk(key)

    def update_model(
        self, path: Path, data: bytes, settings: Settings, engine: Engine
    ) -> tuple[FileAnalysis, bool]:
        """Put a file's bytes in the project model; True when the project needs relinking."""
        key = self.key_for(path, settings)
        with self._lock:
            self.paths[key] = path
            one_project = ProjectRoots.is_one_project(self.roots.root_of(path.parent, settings.root))
            analysis, changed = self.model.update(key, data, settings, engine, one_project)
        if changed:
            self.generation += 1
        return analysis, changed

    def remove(self, path: Path) -> bool:
        """Take a file out of the project model; True when it was there."""
        key = self.keys.pop(os.path.abspath(path), None)
        if key is None:  # named another way than when it came in (a link, a watcher's path)
            key = self.key_for(path, self.settings_for(path))
            self.keys.pop(os.path.abspath(path), None)
        with self._lock:
            removed = self.model.remove(key)
        if removed:
            self.generation += 1
        return removed

    def relink(self) -> None:
        """Link every project again."""
        with self._lock:
            self.model.relink()

    def relink_for(self, path: Path) -> bool:
        """Relink `path`'s project (incrementally: what its edit reaches,
        engine/incremental_link.py); True when what `path` sees changed (the facts of other
        files, what its imports bind: relink_effects.py), so it must lint again."""
        key = self.key_for(path, self.settings_for(path))
        with self._lock:
            before = seen_by(self.model.index_for(key), key.id)
            self.model.relink(key.root)
            return seen_by(self.model.index_for(key), key.id) != before

    def findings_of_text(self, path: Path, data: bytes) -> list[Finding]:
        """The findings `data` would give as the file's bytes, analysed as a lint would but
        left out of the project model: the other documents keep seeing the user's text."""
        settings = self.settings_for(path)
        engine = self.engine_for(settings)
        key = self.key_for(path, settings)
        with self._lock:
            environment, project = self.model.linked_view(key)
            own = self.model.packages_of(key) & engine.sdk_roots()
        analysis = engine.analyze(
            key.id, data, max_bytes=settings.max_file_size, environment=environment or None, own_packages=own
        )
        return engine.finalize(analysis, project, settings, self.context_for(settings, path))

    def findings_of_disk_file(self, path: Path, settings: Settings) -> list[Finding]:
        with self._lock:
            return self.model.findings_for(self.key_for(path, settings), self.context_for(settings, path))

    def load(self, files: list[Path]) -> list[Path]:
        """Analyse files from disk into the project model at once, as the CLI's run loads
        them (Workspace.load's batch, in this process), then link it: the first index, and
        `lintWorkspace`. Open documents are left alone (their buffer is the truth). Returns
        the files loaded."""
        planned: list[PlannedFile] = []
        one_project: dict[str, bool] = {}
        for path in files:
            settings = self.settings_for(path)
            key = self.key_for(path, settings)
            planned.append(PlannedFile(path, key, settings, self.engine_for(settings)))
            marked = self.roots.root_of(path.parent, settings.root)
            one_project[key.root] = ProjectRoots.is_one_project(marked)

        def closed(item: PlannedFile) -> bool:  # a document opened meanwhile: its buffer wins
            return Path(item.path).resolve().as_uri() not in self.documents

        added = self.model.load(planned, 1, None, one_project.__getitem__, self._lock, closed)
        with self._lock:
            self.model.relink()
        self.generation += 1
        return [Path(item.path) for item in added]

    def analyze(self, path: Path, data: bytes, uri: str | None = None) -> tuple[list[Finding], FileAnalysis]:
        """Analyze and finalize one file's bytes exactly as `ragfirst check` does, in the
        project model (runs in a worker thread). `uri`: an open document, whose facts, when
        they change the project, make the other open documents lint again."""
        settings = self.settings_for(path)
        engine = self.engine_for(settings)
        started = time.perf_counter()
        # No collector pauses in the middle of an edit's analysis (the analyzers break their
        # own reference cycles); collections resume between edits.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            analysis, changed = self.update_model(path, data, settings, engine)
            if changed and uri is not None:
                self.facts_changed_by.add(uri)
            # Outside the lock: the other lint thread goes on (the entry and its project's
            # index are read once, at the start).
            findings = self.model.findings_for(self.key_for(path, settings), self.context_for(settings, path))
        finally:
            if was_enabled:
                gc.enable()
        elapsed = (time.perf_counter() - started) * 1000
        self.lint_ms.append(elapsed)
        del self.lint_ms[:-1000]
        if uri is not None:
            self.lints[uri] = self.lints.get(uri, 0) + 1
        return findings, analysis

    def stats(self) -> dict[str, Any]:
        return {
            "lints": dict(self.lints),
            "lint_ms": list(self.lint_ms),
            "engine_cache_entries": self.engine_cache_entries(),
            "indexed_files": len(self.disk),
            "generation": self.generation,
            "links": {  # projects linked fully / incrementally (engine/incremental_link.py)
                "full": incremental_link.COUNTERS.full,
                "incremental": incremental_link.COUNTERS.incremental,
                "relinked_files": incremental_link.COUNTERS.affected,
            },
        }
