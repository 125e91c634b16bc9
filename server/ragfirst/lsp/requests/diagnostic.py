"""textDocument/diagnostic (pull clients: Neovim 0.10+, VS Code).

The answer waits for the lint of the document's current version in the current project
state; a lint already running for it (didOpen's) is awaited, not repeated (issue 24, bug 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer

OPTIONS = types.DiagnosticOptions(
    identifier="ragfirst", inter_file_dependencies=True, workspace_diagnostics=False
)


async def pull_diagnostics(
    ls: RagfirstServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    uri = params.text_document.uri
    if ls.notebooks.owns(uri):  # a cell of a synced notebook
        return types.RelatedFullDocumentDiagnosticReport(items=await ls.notebooks.pull(ls, uri))
    state = await ls.scheduler.current(uri, fresh_project=True)
    if state is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    return types.RelatedFullDocumentDiagnosticReport(items=ls.scheduler.diagnostics(uri, state))
