"""`ragfirst server`: diagnostics, hovers, code actions, inlay hints, commands.

A thin layer over the engine's project model, split as ruff's server is:

- `session.py`: open documents, settings, the project model (engine/workspace.py);
- `scheduler.py`: when a document is linted, what is published, refreshes;
- `indexing.py`: the workspace's files on disk, watched or checked by modification time;
- `requests/`: one module per request (hover, code actions, inlay hints, pulled
  diagnostics, commands); `notifications/`: document sync, watched files, configuration;
- `diagnostic_data.py`: the typed `Diagnostic.data` code actions are built from;
- `boot.py`: answers `initialize` before this module (pygls, lsprotocol) is imported.

Every finding comes from `Engine.analyze` + `Engine.finalize`, exactly as in
`ragfirst check`. Heavy work runs in a thread pool so requests stay responsive; results
for an outdated document version are dropped, never published.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ragfirst import __version__
from ragfirst.analyzers.python_chunks import ChunkedParser
from ragfirst.lsp.diagnostics import config_error_diagnostic
from ragfirst.lsp.indexing import Indexer
from ragfirst.lsp.linting import LintResult, lint_document
from ragfirst.lsp.notebooks import NOTEBOOK_SYNC, NotebookSync
from ragfirst.lsp.notebooks import register as register_notebook_handlers
from ragfirst.lsp.notifications import lifecycle, text_document, workspace
from ragfirst.lsp.protocol import FrameParser, FramingError, RagfirstProtocol, read_stdio
from ragfirst.lsp.report_command import register as register_report_command
from ragfirst.lsp.requests import code_action, commands, diagnostic, hover, inlay_hint
from ragfirst.lsp.scheduler import Scheduler
from ragfirst.lsp.session import DocumentState, Session
from ragfirst.lsp.uris import is_config_file, uri_to_path

log = logging.getLogger("ragfirst.lsp")
FIX_ALL_KIND = code_action.FIX_ALL_KIND
COMMANDS = tuple(commands.COMMANDS)

__all__ = [
    "COMMANDS",
    "DocumentState",
    "RagfirstServer",
    "create_server",
    "is_config_file",
    "run_server",
    "uri_to_path",
]


class RagfirstServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "ragfirst",
            __version__,
            notebook_document_sync=NOTEBOOK_SYNC,
            protocol_cls=RagfirstProtocol,
            max_workers=2,
        )
        self.session = Session(self.report_config_error)
        self.session.text_of = self.text_of
        self.scheduler = Scheduler(self)
        self.indexer = Indexer(self)
        self.inlay_hints_enabled = True
        self.pull_diagnostics = False
        self.config_errors: dict[str, list[types.Diagnostic]] = {}
        self.index_task: asyncio.Future[None] | None = None
        # Open documents' top-level statements, parsed: an edit re-parses the one it changed.
        self.statements = ChunkedParser()
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

    def start_io(  # type: ignore[override]
        self,
        stdin: Any = None,
        stdout: Any = None,
        parser: FrameParser | None = None,
        early: list[bytes | FramingError] | None = None,
    ) -> int:
        """Serve LSP on stdio until `exit` or the end of stdin; returns the exit code.
        `parser` and `early`: where lsp/boot.py stopped reading, and the message bodies it
        read (its `initialize`, answered already, first)."""
        from pygls.io_ import StdoutWriter

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            closed = loop.create_future()
            for body in early or []:
                self.on_stream_event(body)
            read_stdio(
                stdin or sys.stdin.buffer,
                loop,
                self.on_stream_event,
                lambda: closed.done() or closed.set_result(None),
                parser,
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

    # -- documents and settings ----------------------------------------------------------

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def text_of(self, uri: str) -> str | None:
        """An open document's text (None for a document not open); for a notebook open with
        notebook sync, the .ipynb its cells make (what the link reads when it analyses the
        notebook again with what its imports bind)."""
        if uri in self.session.documents:  # (an .ipynb also open as JSON text: that text)
            return self.workspace.get_text_document(uri).source
        if uri in self.notebooks.notebooks:
            built = self.notebooks.notebook_json(self, uri)
            return built[0] if built is not None else None
        return None

    def lint_text(self, uri: str, text: str) -> LintResult:
        """Analyze and finalize one document (runs in a worker thread)."""
        state = self.session.documents.get(uri)
        language_id = state.language_id if state else ""
        return lint_document(self.session, self.statements, uri, text, language_id)

    def reconfigure(self) -> None:
        self.session.reconfigure()
        self.clear_config_errors()

    def report_config_error(self, path: str, line: int, col: int, message: str) -> None:
        """Shown once per distinct error until the configuration is read again (every
        settings lookup meets the same broken file: lints, exclusion checks, hovers)."""
        uri = Path(path).resolve().as_uri()
        known = self.config_errors.get(uri)
        if known and (known[0].range.start.line, known[0].message) == (max(line - 1, 0), message):
            return
        self.config_errors[uri] = [config_error_diagnostic(line, col, message)]
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"ragfirst: {path}:{line}:{col}: {message} (keeping the last good configuration)",
            )
        )
        state = self.session.documents.get(uri)
        if state is not None and state.published_version is not None:
            if not self.pull_diagnostics:  # an open config file: its findings and the error
                self.scheduler.publish(uri, state.published_version, state)
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=self.config_errors[uri])
        )

    def clear_config_errors(self) -> None:
        for uri in list(self.config_errors):
            if uri not in self.session.documents:
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
                )
        self.config_errors.clear()


def create_server() -> RagfirstServer:
    """The server with every handler registered (pygls passes the server to a handler
    whose first parameter is named `ls`)."""
    server = RagfirstServer()
    server.feature(types.INITIALIZE)(lifecycle.initialize)
    server.feature(types.INITIALIZED)(lifecycle.initialized)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(text_document.did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(text_document.did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(text_document.did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(text_document.did_close)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(workspace.did_change_watched_files)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace.did_change_configuration)
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostic.OPTIONS)(diagnostic.pull_diagnostics)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover.hover)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, code_action.OPTIONS)(code_action.code_action)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))(
        inlay_hint.inlay_hint
    )
    for name, handler in commands.COMMANDS.items():
        server.command(name)(handler)
    register_notebook_handlers(server)
    register_report_command(server, lambda: server.session.folder_paths)  # issue 23
    # Fixes from the engine (issue 20): a quick fix per fix, and source.fixAll.ragfirst
    # (libcst and the fix modules load on the first code action, not at start-up).
    code_action.fix_providers[:] = [lambda uri, _data, diagnostic: _quick_fixes(server, uri, diagnostic)]
    code_action.fix_all_provider[:] = [lambda ls, uri, _version: _fix_all(ls, uri)]
    return server


def _quick_fixes(server: RagfirstServer, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    from ragfirst.lsp.fix_actions import quick_fix_actions

    return quick_fix_actions(server, uri, diagnostic)


def _fix_all(ls: Any, uri: str) -> types.CodeAction:
    from ragfirst.lsp.fix_actions import fix_all_for

    return fix_all_for(ls, uri)


def run_server(args: argparse.Namespace) -> int:
    from ragfirst.lsp.boot import run_server as boot

    return boot(args)


def serve(
    args: argparse.Namespace,
    parser: FrameParser | None = None,
    early: list[bytes | FramingError] | None = None,
    answered: Any = None,
) -> int:
    """`parser`, `early`, `answered`: what lsp/boot.py read, and the id of the `initialize`
    it answered (pygls still handles that message, but does not answer it again)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = create_server()
    if answered is not None:
        server.protocol.answered_early.add(answered)  # type: ignore[attr-defined]
    if getattr(args, "tcp", None):
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            sys.stderr.write("ragfirst: error: --tcp expects HOST:PORT\n")
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
        return 0
    return server.start_io(parser=parser, early=early)
