"""textDocument/didOpen, didChange, didSave, didClose."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.lsp.uris import is_config_file, is_rule_pack, uri_to_path

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer


async def did_open(ls: RagfirstServer, params: types.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    ls.session.open(document.uri, document.language_id)
    ls.scheduler.schedule(document.uri, document.version, 0)


async def did_change(ls: RagfirstServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.scheduler.edited(params.text_document.uri, params.text_document.version)


async def did_save(ls: RagfirstServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if is_config_file(uri_to_path(uri)) or is_rule_pack(uri):
        ls.reconfigure()
        await ls.scheduler.relint_open_documents()
        return
    await ls.indexer.poll_now()  # a client without file watching: what else changed on disk
    state = ls.session.documents.get(uri)
    ls.scheduler.schedule(uri, state.version if state else None, 0)


async def did_close(ls: RagfirstServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    state = ls.session.documents.pop(uri, None)
    if state and state.pending:
        state.pending.cancel()
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    # The buffer may not have been saved: the disk's version goes back into the project
    # (issue 24, bug 3); other documents that used the buffer's facts lint again.
    changed = await asyncio.get_running_loop().run_in_executor(None, ls.indexer.restore, uri)
    if changed:
        await ls.scheduler.relint_open_documents()
