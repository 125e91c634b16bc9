"""A pytest-lsp client session with a named editor's capabilities (issue 24).

Each editor-bug test runs with the capability sets of VS Code, Neovim 0.11 and Emacs 29
(Eglot), as pytest-lsp ships them: VS Code and Eglot watch files and get pushed
diagnostics; Neovim 0.11 pulls diagnostics, cannot watch files on Linux, and refreshes
inlay hints. The server runs with its working directory in the project, as an editor
starts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

PROFILES = {
    "vscode": "visual-studio-code@v1.65.2",
    "neovim": "neovim@v0.11.0",
    "emacs": "emacs@v29.1",
}


def capabilities(profile: str, refresh: bool = False) -> types.ClientCapabilities:
    caps = client_capabilities(PROFILES[profile])
    if refresh:  # a pull client that also takes workspace/diagnostic/refresh
        workspace = attrs.evolve(
            caps.workspace, diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        )
        caps = attrs.evolve(caps, workspace=workspace)
    return caps


def pulls(client: LanguageClient) -> bool:
    text = client.capabilities.text_document if client.capabilities else None
    return bool(text and text.diagnostic)


class Recorder:
    """Server-to-client requests the test client answers and remembers."""

    def __init__(self, client: LanguageClient) -> None:
        self.registrations: list[types.Registration] = []
        self.refreshes: list[str] = []
        self.show_document_answer: Any = "default"

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

        # pytest-lsp (and tests/conftest.py) answer the refreshes; count them.
        features = client.protocol.fm.features
        for method, name in (
            (types.WORKSPACE_DIAGNOSTIC_REFRESH, "diagnostic"),
            (types.WORKSPACE_INLAY_HINT_REFRESH, "inlayHint"),
        ):
            features[method] = self._counting(name, features.get(method))

    def _counting(self, name: str, previous: Any) -> Any:
        def refresh(*args: Any) -> None:
            self.refreshes.append(name)
            return previous(*args) if previous else None

        return refresh

    def watched_globs(self) -> list[str]:
        globs = []
        for registration in self.registrations:
            if registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES:
                options = registration.register_options
                watchers = options["watchers"] if isinstance(options, dict) else options.watchers
                for watcher in watchers:
                    pattern = watcher["globPattern"] if isinstance(watcher, dict) else watcher.glob_pattern
                    globs.append(str(pattern))
        return globs


@contextlib.asynccontextmanager
async def editor(
    root: Path,
    profile: str,
    options: dict[str, Any] | None = None,
    caps: types.ClientCapabilities | None = None,
) -> AsyncIterator[tuple[LanguageClient, Recorder]]:
    client = make_test_lsp_client()
    recorder = Recorder(client)
    await client.start_io(sys.executable, "-m", "ragfirst", "server", cwd=str(root))
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=caps or capabilities(profile),
                process_id=None,
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=options or {},
            )
        )
        yield client, recorder
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def changed_on_disk(
    client: LanguageClient, path: Path, change: types.FileChangeType = types.FileChangeType.Changed
) -> None:
    """Tell the server, as a watching client does, that a file changed, came or went."""
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=change)])
    )


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1, language: str = "python") -> str:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def save_doc(client: LanguageClient, uri: str) -> None:
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def close_doc(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


async def diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic] | None:
    """The document's current diagnostics, pulled or pushed as the client does it; None
    when a push client has had none yet."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)
    found = client.diagnostics.get(uri)
    return None if found is None else list(found)


async def wait_diagnostics(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[list[types.Diagnostic]], bool],
    timeout: float = 60.0,
) -> list[types.Diagnostic]:
    deadline = asyncio.get_running_loop().time() + timeout
    last: list[types.Diagnostic] | None = None
    while True:
        last = await diagnostics(client, uri)
        if last is not None and predicate(last):
            return last
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out; last diagnostics: {[(d.code, d.message) for d in last or []]}")
        await asyncio.sleep(0.05)


def codes(items: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in items)


async def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


async def inlay_labels(client: LanguageClient, uri: str) -> list[str]:
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=50, character=0)
            ),
        )
    )
    return [str(hint.label) for hint in hints or []]


async def hover_text(client: LanguageClient, uri: str, line: int, character: int) -> str | None:
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )
    return None if hover is None else hover.contents.value


async def server_stats(client: LanguageClient) -> dict[str, Any]:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.serverStats", arguments=[])
    )


async def settled_stats(client: LanguageClient, timeout: float = 120.0) -> dict[str, Any]:
    """The server's counters once it is quiet (`busy` false: indexing, waiting or running
    lints, relints and disk checks all done). Tests that count lints or links wait for
    this, not for a time: a loaded 2-core machine took longer than the seconds once slept.
    The generous timeout only bounds a hang; a quiet server answers at once."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        stats = await server_stats(client)
        if not stats["busy"]:
            return stats
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the server stayed busy")
        await asyncio.sleep(0.02)


def answer_refreshes(client: LanguageClient) -> None:
    """pytest-lsp's clients advertise inlay-hint refresh (Neovim's capabilities) but do not
    answer it; a real Neovim does, so the test client answers it too."""
    if types.WORKSPACE_INLAY_HINT_REFRESH not in client.protocol.fm.features:
        client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)(lambda params: None)
