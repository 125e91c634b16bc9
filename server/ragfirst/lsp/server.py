"""`ragfirst server`: diagnostics, hovers, code actions, inlay hints, commands.

A thin adapter: every finding comes from `Engine.analyze` + `Engine.finalize`, exactly as
in `ragfirst check`. Heavy work (parsing, indexing the workspace) runs in a thread pool so
hovers and code actions stay responsive; results for an outdated document version are
dropped, never published.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import re
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from ragfirst import __version__
from ragfirst.analyzers.python_chunks import ChunkedParser, reusing_unchanged_statements
from ragfirst.analyzers.registry import language_of
from ragfirst.checks.base import ProjectContext
from ragfirst.config.settings import CONFIG_FILES, ConfigError, ConfigResolver, Settings
from ragfirst.data.secrets import redact_text
from ragfirst.docs_gen import render_rule_page
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import Engine, FileAnalysis, read_file_bytes
from ragfirst.engine.project_roots import ProjectRoots
from ragfirst.engine.runner import EngineCache, project_context
from ragfirst.engine.workspace import Workspace
from ragfirst.fixes.suppression_edits import line_edit
from ragfirst.lsp.comment_positions import UNKNOWN, line_breaks
from ragfirst.lsp.convert import from_client_col, to_client_col, to_diagnostic, to_range
from ragfirst.lsp.edits import document_lines, file_suppression_edit
from ragfirst.lsp.fix_actions import fix_all_for, quick_fix_actions
from ragfirst.lsp.hover import hover_markdown
from ragfirst.lsp.notebooks import NOTEBOOK_SYNC, NotebookSync, in_file_positions
from ragfirst.lsp.notebooks import register as register_notebook_handlers
from ragfirst.lsp.protocol import FrameParser, FramingError, RagfirstProtocol, read_stdio
from ragfirst.lsp.report_command import register as register_report_command
from ragfirst.model import Finding
from ragfirst.rules.errors import RuleFileError
from ragfirst.source import SourceText

log = logging.getLogger("ragfirst.lsp")
FIX_ALL_KIND = "source.fixAll.ragfirst"
COMMANDS = ("ragfirst.explainRule", "ragfirst.lintWorkspace", "ragfirst.openGuide")


@dataclass(slots=True)
class DocumentState:
    version: int | None = None
    findings: list[Finding] = field(default_factory=list)
    analysis: FileAnalysis | None = None
    pending: asyncio.Task[None] | None = None
    published_version: int | None = None
    lints_started: int = 0  # a lint publishes only if no later lint of the document started


class RagfirstServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "ragfirst",
            __version__,
            notebook_document_sync=NOTEBOOK_SYNC,
            protocol_cls=RagfirstProtocol,
            max_workers=2,
        )
        self.engines = EngineCache()
        self.resolver = ConfigResolver()
        self.documents: dict[str, DocumentState] = {}
        self.disk: set[str] = set()  # uris of workspace files indexed from disk
        # The project model the CLI's runner also links with: analyses keyed by display
        # path, linked across modules, one index of facts per project root.
        self.roots = ProjectRoots()
        self.paths: dict[str, Path] = {}  # display path -> file
        self.model = Workspace(self.current_bytes)
        self._model_lock = threading.RLock()  # lints run in two worker threads
        self.last_good: dict[Path, Settings] = {}
        self.debounce = 0.15
        self.inlay_hints_enabled = True
        self.severity_overrides: dict[str, str] = {}
        self.pull_diagnostics = False
        self.config_errors: dict[str, list[types.Diagnostic]] = {}
        self.indexed = asyncio.Event()
        self.index_task: asyncio.Future[None] | None = None
        self.stats: dict[str, list[float]] = {"lint_ms": []}
        # Open documents' top-level statements, parsed: an edit re-parses the one it changed.
        self.statements = ChunkedParser()
        self._facts_changed_by: set[str] = set()  # documents whose lint changed project facts
        self._relint_task: asyncio.Task[None] | None = None
        self.notebooks = NotebookSync()  # notebook document sync (lsp/notebooks.py)

    # -- transport --------------------------------------------------------------------
    # pygls's own readers stop reading after one bad header and drop malformed requests
    # unanswered; ragfirst frames and validates messages itself (lsp/protocol.py).

    def on_stream_event(self, event: bytes | FramingError) -> None:
        protocol: RagfirstProtocol = self.protocol  # type: ignore[assignment]
        if isinstance(event, FramingError):
            protocol.handle_framing_error(event)
        else:
            protocol.handle_body(event)

    def start_io(self, stdin: Any = None, stdout: Any = None) -> int:  # type: ignore[override]
        """Serve LSP on stdio until `exit` or the end of stdin; returns the exit code."""
        from pygls.io_ import StdoutWriter

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            closed = loop.create_future()
            read_stdio(
                stdin or sys.stdin.buffer,
                loop,
                self.on_stream_event,
                lambda: closed.done() or closed.set_result(None),
            )
            await closed

        code = 0
        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except SystemExit as exc:  # the `exit` notification: 0 after shutdown, else 1
            code = exc.code if isinstance(exc.code, int) else 0
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()
        return code

    def start_tcp(self, host: str, port: int) -> None:
        """One client over TCP, with the same framing and validation as stdio."""
        self._stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            parser = FrameParser()
            while not parser.closed:
                chunk = await reader.read(64 * 1024)
                if not chunk:
                    break
                for event in parser.feed(chunk):
                    self.on_stream_event(event)
            self.shutdown()

        async def serve() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            asyncio.run(serve())

    # -- configuration ---------------------------------------------------------------

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def folders(self) -> list[Path]:
        roots = [Path(uri_to_path(f.uri)) for f in self.workspace.folders.values()]
        if not roots and self.workspace.root_path:
            roots = [Path(self.workspace.root_path)]
        return roots

    def folder_for(self, path: Path) -> Path | None:
        best = None
        for root in self.folders():
            try:
                path.relative_to(root)
            except ValueError:
                continue
            if best is None or len(str(root)) > len(str(best)):
                best = root
        return best

    def display_path(self, path: Path) -> str:
        """The same path text the CLI prints when run from the workspace folder."""
        folder = self.folder_for(path)
        if folder is not None:
            return path.relative_to(folder).as_posix()
        return path.as_posix()

    def settings_for(self, path: Path) -> Settings:
        """The file's settings; on a broken config, the last good one (and a message)."""
        directory = path.parent
        try:
            settings = self.resolver.for_path(path)
        except ConfigError as exc:
            self.report_config_error(exc.path, exc.line, exc.col, exc.message)
            return self.last_good.get(directory, Settings())
        settings = _apply_overrides(settings, self.severity_overrides)
        self.last_good[directory] = settings
        return settings

    def engine_for(self, settings: Settings) -> Engine:
        try:
            return self.engines.for_settings(settings)
        except RuleFileError as exc:
            self.report_config_error(exc.path, exc.line, exc.col, exc.message)
            return self.engines.for_settings(Settings())

    def report_config_error(self, path: str, line: int, col: int, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"ragfirst: {path}:{line}:{col}: {message} (keeping the last good configuration)",
            )
        )
        diagnostic = types.Diagnostic(
            range=types.Range(
                start=types.Position(line=max(line - 1, 0), character=max(col - 1, 0)),
                end=types.Position(line=max(line - 1, 0), character=max(col - 1, 0) + 1),
            ),
            message=message,
            severity=types.DiagnosticSeverity.Error,
            code="RF000",
            source="ragfirst",
        )
        uri = Path(path).resolve().as_uri()
        self.config_errors[uri] = [diagnostic]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic])
        )

    def clear_config_errors(self) -> None:
        for uri in list(self.config_errors):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.config_errors.clear()

    def context_for(self, settings: Settings, path: Path) -> ProjectContext:
        """The same project context the CLI builds when run from the workspace folder."""
        folder = self.folder_for(path) or path.parent
        return project_context(settings, folder, self.project_root(settings, path))

    def project_root(self, settings: Settings, path: Path) -> Path:
        """The file's project root, as the CLI finds it (project_roots.ProjectRoots); with
        nothing to mark one, the workspace folder (the CLI: the directory asked for)."""
        return self.roots.root_of(path.parent, settings.root) or self.folder_for(path) or path.parent

    def current_bytes(self, shown: str) -> bytes | None:
        """A file's bytes as the editor sees them: its open buffer, else the disk."""
        path = self.paths.get(shown)
        if path is None:
            return None
        uri = path.resolve().as_uri()
        if uri in self.documents:
            return self.workspace.get_text_document(uri).source.encode("utf-8", errors="surrogatepass")
        try:
            return read_file_bytes(path, self.settings_for(path).max_file_size)
        except OSError:
            return None

    def update_model(
        self, path: Path, data: bytes, settings: Settings, engine: Engine
    ) -> tuple[FileAnalysis, bool]:
        """Put a file's bytes in the project model; True when the project needs relinking."""
        shown = self.display_path(path)
        root = self.project_root(settings, path)
        real_root = Path(os.path.abspath(root)).as_posix()
        with self._model_lock:
            self.paths[shown] = path
            marked = self.roots.root_of(path.parent, settings.root)
            self.model.project(root, real_root, ProjectRoots.is_one_project(marked))
            location = Path(os.path.abspath(path)).as_posix()
            return self.model.update(shown, data, settings, engine, root, real_root, location)

    def relink(self) -> None:
        with self._model_lock:
            self.model.relink()

    # -- linting ----------------------------------------------------------------------

    def lint_text(self, uri: str, text: str) -> tuple[list[Finding], FileAnalysis | None, list[str]]:
        """Analyze and finalize one document (runs in a worker thread)."""
        path = Path(uri_to_path(uri))
        settings = self.settings_for(path)
        if len(text) > settings.max_file_size:
            # As in the CLI: a document over max-file-size is one RF000, and is neither
            # split into lines nor encoded whole (a 300 MB buffer peaked at 2.5 GB).
            text = text[: settings.max_file_size + 1]
        lines = document_lines(text)  # keeps the line ending for quick-fix edits
        if language_of(path.name) is None:
            return [], None, lines
        engine = self.engine_for(settings)
        shown = self.display_path(path)
        started = time.perf_counter()
        # A buffer with lone surrogates cannot be UTF-8: keep the bytes (surrogatepass), so
        # the engine reports the invalid text as RF000 instead of the request failing.
        data = text.encode("utf-8", errors="surrogatepass")
        # No collector pauses in the middle of an edit's analysis (the analyzers break their
        # own reference cycles); collections resume between edits.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            with reusing_unchanged_statements(self.statements):
                analysis, changed = self.update_model(path, data, settings, engine)
            if changed:
                self._facts_changed_by.add(uri)  # other documents' findings may depend on it
            with self._model_lock:
                project = self.model.index_for(shown)
            findings = engine.finalize(analysis, project, settings, self.context_for(settings, path))
        finally:
            if was_enabled:
                gc.enable()
        self.stats["lint_ms"].append((time.perf_counter() - started) * 1000)
        if analysis.notebook is not None:  # an .ipynb opened as JSON: positions in its text
            findings = in_file_positions(findings)
        return findings, analysis, lines

    def diagnostics_for(self, uri: str, findings: list[Finding], lines: list[str]) -> list[types.Diagnostic]:
        encoding = self.encoding()
        language = language_of(uri) or "python"
        result = []
        file_edits: dict[str, Any] = {}  # the file-level suppression depends on the rule only
        commentable = [f for f in findings if not f.suppressed and f.rule_id != "RF000"]
        breaks = line_breaks(lines, language) if commentable else UNKNOWN  # legal comment lines
        for finding in findings:
            if finding.suppressed:
                continue
            data: dict[str, Any] = {
                "rule": finding.rule_id,
                "guide": finding.guide_url,
                "fingerprint": finding.fingerprint,
            }
            if finding.rule_id != "RF000":
                if finding.rule_id not in file_edits:
                    file_edits[finding.rule_id] = file_suppression_edit(lines, finding.rule_id, language)
                for key, edit in (
                    (
                        "suppress_line",
                        line_edit(  # JSX-safe (issue 20: fixes/suppression_edits.py)
                            lines,
                            finding.span.start_line,
                            finding.rule_id,
                            language,
                            breaks,
                            uri_to_path(uri),
                        ),
                    ),
                    ("suppress_file", file_edits[finding.rule_id]),
                ):
                    if edit is not None:
                        data[key] = self.client_edit(edit, lines, encoding)
            inlay = finding.data.get("inlay")
            if inlay:
                data["inlay"] = inlay
            result.append(to_diagnostic(finding, lines, encoding, data))
        return result

    @staticmethod
    def client_edit(edit: dict[str, Any], lines: list[str], encoding: str) -> dict[str, Any]:
        line_text = lines[edit["line"]] if edit["line"] < len(lines) else ""
        start = to_client_col(line_text, edit["start"], encoding)
        end = to_client_col(line_text, edit["end"], encoding)
        return {
            "range": {
                "start": {"line": edit["line"], "character": start},
                "end": {"line": edit["line"], "character": end},
            },
            "newText": edit["text"],
        }

    async def lint_and_publish(self, uri: str, version: int | None) -> None:
        document = self.workspace.get_text_document(uri)
        text = document.source
        loop = asyncio.get_running_loop()
        started = self.documents.get(uri)
        ticket = 0
        if started is not None:
            started.lints_started += 1
            ticket = started.lints_started
        try:
            findings, analysis, lines = await loop.run_in_executor(None, self.lint_text, uri, text)
        except Exception as exc:  # a bug of ours: log it, keep serving
            log.error("linting %s failed: %s", uri, redact_text(f"{type(exc).__name__}: {exc}"))
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=redact_text(f"ragfirst: linting {uri} failed: {exc}"),
                )
            )
            return
        self.after_lint(uri)
        state = self.documents.get(uri)
        if state is None or state.version != version:
            return  # closed, or a newer version arrived while we worked: drop stale results
        if state is started and state.lints_started != ticket:
            # A later lint of this version started (the project index changed meanwhile,
            # e.g. indexing finished): its result is the one to show, whenever it ends.
            return
        state.findings = findings
        state.analysis = analysis
        state.published_version = version
        if not self.pull_diagnostics:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, version=version, diagnostics=self.diagnostics_for(uri, findings, lines)
                )
            )

    def after_lint(self, uri: str) -> None:
        """When a document's facts changed the project (it added a retrieval site, a reranker,
        an export), re-lint the open documents: their project-aware findings may change.
        Coalesced: one pending re-lint however many documents change at once."""
        if uri not in self._facts_changed_by:
            return
        self._facts_changed_by.discard(uri)
        if self._relint_task is not None and not self._relint_task.done():
            return

        async def relint() -> None:
            await asyncio.sleep(max(self.debounce, 0.05))
            await asyncio.get_running_loop().run_in_executor(None, self.relink)
            for other, state in list(self.documents.items()):
                self.schedule(other, state.version, 0)
            for notebook in list(self.notebooks.notebooks.values()):  # synced notebooks too
                self.notebooks.schedule(self, notebook.uri, notebook.version, 0)
            if self.pull_diagnostics and self._client_supports_refresh():
                self.workspace_diagnostic_refresh(None)

        self._relint_task = asyncio.ensure_future(relint())

    def schedule(self, uri: str, version: int | None, delay: float) -> None:
        state = self.documents.setdefault(uri, DocumentState())
        state.version = version
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()

        async def run() -> None:
            if delay:
                await asyncio.sleep(delay)
            await self.lint_and_publish(uri, version)

        state.pending = asyncio.ensure_future(run())

    async def relint_open_documents(self) -> None:
        for uri, state in list(self.documents.items()):
            await self.lint_and_publish(uri, state.version)
        for notebook in list(self.notebooks.notebooks.values()):  # synced notebooks too
            await self.notebooks.lint_and_publish(self, notebook.uri)
        if self.pull_diagnostics and self._client_supports_refresh():
            self.workspace_diagnostic_refresh(None)

    def _client_supports_refresh(self) -> bool:
        caps = self.client_capabilities.workspace
        return bool(caps and caps.diagnostics and caps.diagnostics.refresh_support)

    # -- workspace index --------------------------------------------------------------

    def index_workspace(self, report: Any = None) -> int:
        """Analyze every lintable file under the workspace folders (worker thread)."""
        files: list[Path] = []
        for folder in self.folders():
            files.extend(
                discover(
                    [folder],
                    lambda p: self.settings_for(p / "x"),
                    lambda n: language_of(n) is not None,
                    lambda p, message: log.warning("ragfirst: %s: %s", p, message),
                )
            )
        for count, path in enumerate(files, 1):
            uri = path.resolve().as_uri()
            if uri in self.documents:
                continue  # the editor's buffer is the truth for open documents
            settings = self.settings_for(path)
            engine = self.engine_for(settings)
            try:
                data = read_file_bytes(path, settings.max_file_size)  # no FIFO can block
            except OSError:
                continue
            self.update_model(path, data, settings, engine)
            self.disk.add(uri)
            if report is not None and (count % 25 == 0 or count == len(files)):
                report(count, len(files))
        self.relink()
        # The index lives as long as the server: moved out of the collector's generations,
        # later collections (during edits) no longer walk it. Reference counting still frees
        # an entry when it is replaced.
        gc.collect()
        gc.freeze()
        return len(files)

    async def index_with_progress(self) -> None:
        token = f"ragfirst-index-{time.monotonic_ns()}"
        progress = None
        caps = self.client_capabilities.window
        if caps and caps.work_done_progress:
            try:
                await self.work_done_progress.create_async(token)
                progress = self.work_done_progress
                progress.begin(token, types.WorkDoneProgressBegin(title="ragfirst: indexing", percentage=0))
            except Exception:  # the client refused: index without progress
                progress = None
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:
            if progress is not None:
                loop.call_soon_threadsafe(
                    progress.report,
                    token,
                    types.WorkDoneProgressReport(
                        message=f"{done}/{total} files", percentage=int(100 * done / total)
                    ),
                )

        try:
            total = await loop.run_in_executor(None, self.index_workspace, report)
        finally:
            if progress is not None:
                progress.end(token, types.WorkDoneProgressEnd(message="indexed"))
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=f"ragfirst: indexed {total} files")
        )
        self.indexed.set()
        await self.relint_open_documents()

    async def lint_workspace(self) -> int:
        """Publish diagnostics for every workspace file (push clients)."""
        await self.index_with_progress()
        count = 0
        for uri in sorted(self.disk):
            if uri in self.documents:
                continue
            path = Path(uri_to_path(uri))
            settings = self.settings_for(path)
            with self._model_lock:
                findings = self.model.findings_for(self.display_path(path), self.context_for(settings, path))
            try:
                data = read_file_bytes(path, settings.max_file_size)
                lines = document_lines(data.decode("utf-8", errors="replace"))
            except OSError:
                continue
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=self.diagnostics_for(uri, findings, lines)
                )
            )
            count += 1
        return count

    def reconfigure(self) -> None:
        self.resolver.invalidate()
        self.engines = EngineCache()
        self.clear_config_errors()


def _apply_overrides(settings: Settings, overrides: dict[str, str]) -> Settings:
    if not overrides:
        return settings
    from dataclasses import replace

    severity = {**settings.severity, **{k.upper(): v for k, v in overrides.items() if isinstance(v, str)}}
    return replace(settings, severity=severity)


def uri_to_path(uri: str) -> str:
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return uri
    return urllib.parse.unquote(parsed.path)


def is_config_file(path: str) -> bool:
    return Path(path).name in CONFIG_FILES


def create_server() -> RagfirstServer:
    server = RagfirstServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: RagfirstServer, params: types.InitializeParams) -> None:
        options = params.initialization_options or {}
        if isinstance(options, dict):
            ls.inlay_hints_enabled = bool(options.get("inlayHints", True))
            overrides = options.get("severityOverrides") or {}
            ls.severity_overrides = dict(overrides) if isinstance(overrides, dict) else {}
            if isinstance(options.get("debounceMs"), (int, float)):
                ls.debounce = max(float(options["debounceMs"]), 0.0) / 1000
        caps = params.capabilities.text_document
        ls.pull_diagnostics = bool(caps and caps.diagnostic)
        if params.process_id:
            _watch_parent(params.process_id)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: RagfirstServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        if caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
            watchers = [
                types.FileSystemWatcher(glob_pattern=pattern)
                for pattern in (
                    "**/pyproject.toml",
                    "**/ragfirst.toml",
                    "**/.ragfirst.toml",
                    "**/*.yaml",
                    "**/*.yml",
                    "**/*.py",
                )
            ]
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="ragfirst-watch",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                    watchers=watchers
                                ),
                            )
                        ]
                    )
                )
            except Exception as exc:  # a client that advertises but refuses: config edits need a save
                ls.window_log_message(
                    types.LogMessageParams(
                        type=types.MessageType.Warning, message=f"ragfirst: no file watching: {exc}"
                    )
                )
        ls.index_task = asyncio.ensure_future(ls.index_with_progress())  # keep a reference

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: RagfirstServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, params.text_document.version, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: RagfirstServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, params.text_document.version, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: RagfirstServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if is_config_file(uri_to_path(uri)) or _is_rule_pack(uri):
            ls.reconfigure()
            await ls.relint_open_documents()
            return
        state = ls.documents.get(uri)
        ls.schedule(uri, state.version if state else None, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: RagfirstServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.documents.pop(uri, None)
        if state and state.pending:
            state.pending.cancel()
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched(ls: RagfirstServer, params: types.DidChangeWatchedFilesParams) -> None:
        config_changed = False
        facts_changed = False
        for change in params.changes:
            path = uri_to_path(change.uri)
            if is_config_file(path) or _is_rule_pack(change.uri):
                config_changed = True
            elif language_of(path) and change.uri not in ls.documents:
                facts_changed |= await asyncio.get_running_loop().run_in_executor(
                    None, _reindex_disk_file, ls, change.uri, change.type
                )
        if config_changed:
            ls.reconfigure()
        if config_changed or facts_changed:
            await ls.relint_open_documents()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: RagfirstServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict):
            section = settings.get("ragfirst", settings)
            if isinstance(section, dict):
                if "inlayHints" in section:
                    ls.inlay_hints_enabled = bool(section["inlayHints"])
                if isinstance(section.get("severityOverrides"), dict):
                    ls.severity_overrides = dict(section["severityOverrides"])
        ls.reconfigure()
        await ls.relint_open_documents()

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="ragfirst", inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    async def pull_diagnostics(ls: RagfirstServer, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        if ls.notebooks.owns(uri):  # a cell of a synced notebook
            return types.RelatedFullDocumentDiagnosticReport(items=await ls.notebooks.pull(ls, uri))
        state = ls.documents.setdefault(uri, DocumentState())
        document = ls.workspace.get_text_document(uri)
        state.version = document.version
        loop = asyncio.get_running_loop()
        findings, analysis, lines = await loop.run_in_executor(None, ls.lint_text, uri, document.source)
        ls.after_lint(uri)
        state.findings, state.analysis, state.published_version = findings, analysis, document.version
        return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_for(uri, findings, lines))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: RagfirstServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        state = ls.documents.get(uri) or ls.notebooks.cell_state(uri)
        if state is None or not state.findings:
            return None
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = SourceText(document.source).lines
        line_number = params.position.line + 1
        line_text = lines[params.position.line] if params.position.line < len(lines) else ""
        col = from_client_col(line_text, params.position.character, ls.encoding())
        here = [
            finding
            for finding in state.findings
            if not finding.suppressed
            and (finding.span.start_line, finding.span.start_col)
            <= (line_number, col)
            <= (finding.span.end_line, finding.span.end_col)
        ]
        if not here:
            return None
        ruleset = ls.engine_for(ls.settings_for(Path(uri_to_path(params.text_document.uri)))).ruleset
        # Lead with the most serious finding; the others at this spot (and their estimates) follow.
        here.sort(key=lambda f: (-f.severity, f.rule_id))
        rules = [(ruleset.get(f.rule_id), f) for f in here]
        value = hover_markdown([(rule, finding) for rule, finding in rules if rule is not None])
        if not value:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
            range=to_range(here[0].span, lines, ls.encoding()),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(ls: RagfirstServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        version = document.version
        actions: list[types.CodeAction] = []
        only = params.context.only or []
        if only and all(not str(kind).startswith("quickfix") for kind in only):
            if any(str(kind).startswith("source.fixAll") for kind in only):
                return [fix_all_for(ls, uri)]
            return []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != "ragfirst" or not isinstance(diagnostic.data, dict):
                continue
            actions.extend(quick_fix_actions(ls, uri, diagnostic))  # issue 20: lsp/fix_actions.py
            data = diagnostic.data
            rule_id = str(diagnostic.code)
            if data.get("guide"):
                actions.append(
                    types.CodeAction(
                        title=f"Open guide for {rule_id}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        command=types.Command(
                            title=f"Open guide for {rule_id}",
                            command="ragfirst.openGuide",
                            arguments=[data["guide"]],
                        ),
                    )
                )
            for key, title in (
                ("suppress_line", f"Suppress {rule_id} on this line (with reason)"),
                ("suppress_file", f"Suppress {rule_id} in this file"),
            ):
                edit = data.get(key)
                if not edit:
                    continue
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_workspace_edit(uri, version, [edit]),
                    )
                )
        return actions

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls: RagfirstServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        if not ls.inlay_hints_enabled:
            return []
        uri = params.text_document.uri
        state = ls.documents.get(uri) or ls.notebooks.cell_state(uri)
        if state is None:
            return []
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = SourceText(document.source).lines
        # One hint per line: labels of several findings on a call are merged, and a label
        # that another one already contains ("13 examples") is dropped.
        by_line: dict[int, list[Finding]] = {}
        for finding in state.findings:
            if finding.data.get("inlay") and not finding.suppressed:
                by_line.setdefault(finding.span.end_line, []).append(finding)
        hints = []
        for line, findings in sorted(by_line.items()):
            if not params.range.start.line <= line - 1 <= params.range.end.line:
                continue
            labels: list[str] = []
            for label in sorted((f.data["inlay"] for f in findings), key=len, reverse=True):
                if not any(label in kept for kept in labels):
                    labels.append(label)
            text = lines[line - 1] if line - 1 < len(lines) else ""
            hints.append(
                types.InlayHint(
                    position=types.Position(
                        line=line - 1, character=to_client_col(text, len(text), ls.encoding())
                    ),
                    label=" " + " · ".join(labels),
                    kind=types.InlayHintKind.Type,
                    padding_left=True,
                    tooltip="\n".join(f.message for f in findings),
                )
            )
        return hints

    @server.command("ragfirst.explainRule")
    def explain_rule(ls: RagfirstServer, *arguments: Any) -> str:
        rule_id = _rule_argument(list(arguments))
        rule = ls.engine_for(Settings()).ruleset.get(rule_id.upper()) if rule_id else None
        if rule is None:  # an InvalidParams answer: no traceback, the argument not echoed
            shown = rule_id if rule_id and re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,15}", rule_id) else "given"
            raise JsonRpcInvalidParams(f"unknown rule {shown} (expected a rule id such as RF101)")
        return render_rule_page(rule)

    @server.command("ragfirst.lintWorkspace")
    async def lint_workspace(ls: RagfirstServer, *arguments: Any) -> dict[str, int]:
        return {"files": await ls.lint_workspace()}

    @server.command("ragfirst.openGuide")
    async def open_guide(ls: RagfirstServer, *arguments: Any) -> dict[str, bool]:
        url = str(arguments[0]) if arguments else ""
        if not url:
            raise ValueError("ragfirst.openGuide needs a URL")
        result = await ls.window_show_document_async(types.ShowDocumentParams(uri=url, external=True))
        return {"success": bool(result and result.success)}

    register_notebook_handlers(server)
    register_report_command(server, server.folders)
    return server


def _rule_argument(arguments: list[Any]) -> str | None:
    if not arguments:
        return None
    first = arguments[0]
    if isinstance(first, dict):
        value = first.get("rule")
        return str(value) if value else None
    return str(first)


def _workspace_edit(uri: str, version: int | None, edits: list[dict[str, Any]]) -> types.WorkspaceEdit:
    text_edits = [
        types.TextEdit(
            range=types.Range(
                start=types.Position(**edit["range"]["start"]), end=types.Position(**edit["range"]["end"])
            ),
            new_text=edit["newText"],
        )
        for edit in edits
    ]
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits,
            )
        ]
    )


def _is_rule_pack(uri: str) -> bool:
    path = uri_to_path(uri)
    return path.endswith((".yaml", ".yml")) and "rules" in Path(path).parts


def _reindex_disk_file(ls: RagfirstServer, uri: str, change_type: types.FileChangeType) -> bool:
    """Re-read a changed file into the project model; True when the project changed."""
    path = Path(uri_to_path(uri))
    settings = ls.settings_for(path)
    if change_type == types.FileChangeType.Deleted or not path.is_file():
        ls.disk.discard(uri)
        with ls._model_lock:
            removed = ls.model.remove(ls.display_path(path))
        if removed:
            ls.relink()
        return removed
    engine = ls.engine_for(settings)
    try:
        data = read_file_bytes(path, settings.max_file_size)  # capped; no FIFO can block
    except OSError:
        return False
    ls.disk.add(uri)
    _, changed = ls.update_model(path, data, settings, engine)
    if changed:
        ls.relink()
    return changed


def _watch_parent(pid: int) -> None:
    """Exit when the editor that started us is gone (no orphaned servers)."""

    def watch() -> None:
        while True:
            time.sleep(2)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="ragfirst-parent-watch", daemon=True).start()


def run_server(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            sys.stderr.write("ragfirst: error: --tcp expects HOST:PORT\n")
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
        return 0
    return server.start_io()
