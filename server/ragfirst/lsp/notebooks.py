"""Notebooks in the language server: LSP notebook document sync, and .ipynb files opened
as plain JSON.

With notebook sync (VS Code's notebook editor) the client sends the notebook's cells as
separate text documents. They are put back together as the .ipynb the CLI would read, so
the engine sees exactly what `ragfirst check` sees; each finding then goes to its cell's
document, with the hover, the suppress/guide code actions and the inlay hints that any
document gets. A client without notebook sync that opens the .ipynb file as JSON gets the
same findings at their place in the JSON text, with the cell named in the message.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ragfirst.data.secrets import redact_text
from ragfirst.lsp.diagnostics import diagnostics_for
from ragfirst.lsp.session import DocumentState
from ragfirst.model import Finding
from ragfirst.reporters.positions import with_cell
from ragfirst.source import SourceText

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer

NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(
            notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")]
        )
    ],
    save=True,
)


def in_file_positions(findings: list[Finding]) -> list[Finding]:
    """A notebook linted as one JSON document: each finding at its place in the JSON
    text, the cell named in the message (`[cell 3:2:11]`), as the SARIF output does."""
    return [
        replace(f, span=f.cell.file_span, message=with_cell(f, f.message), cell=None) if f.cell else f
        for f in findings
    ]


@dataclass(slots=True)
class OpenNotebook:
    uri: str
    version: int | None = None
    cells: list[str] = field(default_factory=list)  # cell document URIs, in notebook order
    pending: asyncio.Task[None] | None = None
    lints_started: int = 0


class NotebookSync:
    """The open notebooks of one server, and the findings of each of their cells."""

    def __init__(self) -> None:
        self.notebooks: dict[str, OpenNotebook] = {}
        self.cell_states: dict[str, DocumentState] = {}  # cell URI -> what hovers read
        self.owner: dict[str, str] = {}  # cell URI -> notebook URI
        self.restoring: set[asyncio.Task[None]] = set()  # closed notebooks' disk versions

    def cell_state(self, uri: str) -> DocumentState | None:
        return self.cell_states.get(uri)

    def owns(self, uri: str) -> bool:
        return uri in self.owner

    # -- linting ----------------------------------------------------------------------

    def notebook_json(self, ls: RagfirstServer, uri: str) -> tuple[str, list[str]] | None:
        """The .ipynb text of an open notebook, and the URI of each cell in it, in order."""
        notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return None
        cells: list[dict[str, Any]] = []
        uris: list[str] = []
        for cell in notebook.cells:
            document = ls.workspace.get_text_document(cell.document)
            code = cell.kind == types.NotebookCellKind.Code
            source = document.source.splitlines(keepends=True)
            if code:
                cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "source": source})
            else:
                cells.append({"cell_type": "markdown", "metadata": {}, "source": source})
            uris.append(cell.document)
        text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
        return text, uris

    def lint(self, ls: RagfirstServer, uri: str) -> tuple[dict[str, list[Finding]], list[str]] | None:
        """Findings per cell URI (runs in a worker thread)."""
        built = self.notebook_json(ls, uri)
        if built is None:
            return None
        text, cells = built
        # The same steps as an open document's lint (lsp/linting.py), with the notebook's
        # cells as its bytes, through the session's project model.
        # (`uri`: when the notebook's imports or facts change the project, it is relinked
        # and the open documents lint again, as after an open document's lint.)
        data = text.encode("utf-8", errors="surrogatepass")
        if uri in ls.session.documents:  # also open as JSON text: that text is the model's
            findings = ls.session.findings_of_text(Path(_path_of(uri)), data)
        else:
            findings, _ = ls.session.analyze(Path(_path_of(uri)), data, uri)
        by_cell: dict[str, list[Finding]] = {cell: [] for cell in cells}
        for finding in findings:
            if finding.cell is not None and 0 < finding.cell.cell <= len(cells):
                by_cell[cells[finding.cell.cell - 1]].append(finding)
            elif cells:  # the notebook as a whole (cannot happen for a synced notebook)
                by_cell[cells[0]].append(finding)
        return by_cell, cells

    async def lint_and_publish(self, ls: RagfirstServer, uri: str) -> None:
        notebook = self.notebooks.get(uri)
        if notebook is None:
            return
        notebook.lints_started += 1
        ticket, version = notebook.lints_started, notebook.version
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, self.lint, ls, uri)
        except Exception as exc:  # a bug of ours: log it, keep serving
            message = redact_text(f"ragfirst: linting notebook {uri} failed: {type(exc).__name__}: {exc}")
            ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))
            return
        current = self.notebooks.get(uri)
        if result is None or current is not notebook or notebook.lints_started != ticket:
            return  # closed, or a newer lint started: its result is the one to show
        if notebook.version != version:
            return
        by_cell, cells = result
        ls.scheduler.after_lint(uri)  # its imports link it with the project's modules
        for gone in set(notebook.cells) - set(cells):
            self._forget_cell(ls, gone)
        notebook.cells = cells
        for cell_uri in cells:
            findings = by_cell.get(cell_uri, [])
            document = ls.workspace.get_text_document(cell_uri)
            lines = SourceText(document.source).lines
            state = self.cell_states.setdefault(cell_uri, DocumentState())
            state.findings, state.version, state.published_version = (
                findings,
                document.version,
                document.version,
            )
            self.owner[cell_uri] = uri
            if not ls.pull_diagnostics:
                ls.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(
                        uri=cell_uri,
                        version=document.version,
                        diagnostics=diagnostics_for(
                            cell_uri, findings, lines, ls.encoding(), document.version
                        ),
                    )
                )

    def schedule(self, ls: RagfirstServer, uri: str, version: int | None, delay: float) -> None:
        notebook = self.notebooks.setdefault(uri, OpenNotebook(uri))
        notebook.version = version
        if notebook.pending is not None and not notebook.pending.done():
            notebook.pending.cancel()

        async def run() -> None:
            if delay:
                await asyncio.sleep(delay)
            await self.lint_and_publish(ls, uri)

        notebook.pending = asyncio.ensure_future(run())

    async def pull(self, ls: RagfirstServer, cell_uri: str) -> list[types.Diagnostic]:
        """Pull diagnostics for one cell: lint its notebook, answer for the cell."""
        notebook_uri = self.owner.get(cell_uri)
        if notebook_uri is None:
            return []
        result = await asyncio.get_running_loop().run_in_executor(None, self.lint, ls, notebook_uri)
        if result is None or self.owner.get(cell_uri) != notebook_uri:
            return []  # (closed while it was linted: its cells' documents are gone)
        ls.scheduler.after_lint(notebook_uri)
        by_cell, _ = result
        document = ls.workspace.get_text_document(cell_uri)
        findings = by_cell.get(cell_uri, [])
        state = self.cell_states.setdefault(cell_uri, DocumentState())
        state.findings, state.version = findings, document.version
        return diagnostics_for(
            cell_uri, findings, SourceText(document.source).lines, ls.encoding(), document.version
        )

    def open(self, ls: RagfirstServer, params: types.DidOpenNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        cells = [cell.document for cell in params.notebook_document.cells]
        notebook = self.notebooks.setdefault(uri, OpenNotebook(uri))
        notebook.cells = cells
        for cell in cells:
            self.owner[cell] = uri
        self.schedule(ls, uri, params.notebook_document.version, 0)

    def change(self, ls: RagfirstServer, params: types.DidChangeNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        structure = params.change.cells.structure if params.change.cells else None
        for opened in (structure.did_open or []) if structure else []:
            self.owner[opened.uri] = uri
        self.schedule(ls, uri, params.notebook_document.version, ls.scheduler.fixed_debounce or 0.0)

    def save(self, ls: RagfirstServer, params: types.DidSaveNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        notebook = self.notebooks.get(uri)
        self.schedule(ls, uri, notebook.version if notebook else None, 0)

    def close(self, ls: RagfirstServer, params: types.DidCloseNotebookDocumentParams) -> None:
        notebook = self.notebooks.pop(params.notebook_document.uri, None)
        if notebook and notebook.pending:
            notebook.pending.cancel()
        cells = {cell.uri for cell in params.cell_text_documents} | set(notebook.cells if notebook else [])
        for cell in cells:
            self._forget_cell(ls, cell)
        # As for a closed document: the cells may not have been saved, so the disk's
        # version goes back into the project, and what used their facts lints again.
        task = asyncio.ensure_future(self._restore(ls, params.notebook_document.uri))
        self.restoring.add(task)  # (the server is busy until it is done)
        task.add_done_callback(self.restoring.discard)

    async def _restore(self, ls: RagfirstServer, uri: str) -> None:
        changed = await asyncio.get_running_loop().run_in_executor(None, ls.indexer.restore, uri)
        if changed:
            await ls.scheduler.relint_open_documents()

    def _forget_cell(self, ls: RagfirstServer, cell_uri: str) -> None:
        self.cell_states.pop(cell_uri, None)
        self.owner.pop(cell_uri, None)
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))


def _path_of(uri: str) -> str:
    from ragfirst.lsp.uris import uri_to_path

    return uri_to_path(uri)


def register(server: RagfirstServer) -> None:
    """The notebook handlers (pygls keeps the workspace's copy of the notebook itself)."""
    # pygls passes the server to a handler whose first parameter is named `ls`.

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(ls: RagfirstServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.notebooks.open(ls, params)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(ls: RagfirstServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.notebooks.change(ls, params)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save(ls: RagfirstServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.notebooks.save(ls, params)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(ls: RagfirstServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.notebooks.close(ls, params)
