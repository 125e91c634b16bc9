"""workspace/didChangeWatchedFiles and workspace/didChangeConfiguration."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.analyzers.registry import language_of
from ragfirst.lsp.uris import is_config_file, is_rule_pack, uri_to_path

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer


async def did_change_watched_files(ls: RagfirstServer, params: types.DidChangeWatchedFilesParams) -> None:
    config_changed = False
    facts_changed = False
    loop = asyncio.get_running_loop()
    for change in params.changes:
        path = uri_to_path(change.uri)
        if is_config_file(path) or is_rule_pack(change.uri):
            config_changed = True
        elif language_of(path) and change.uri not in ls.session.documents:
            deleted = change.type == types.FileChangeType.Deleted
            facts_changed |= await loop.run_in_executor(None, ls.indexer.reindex, change.uri, deleted)
    if config_changed:
        ls.reconfigure()
    if config_changed or facts_changed:
        await ls.scheduler.relint_open_documents()


async def did_change_configuration(ls: RagfirstServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict):
        section = settings.get("ragfirst", settings)
        if isinstance(section, dict):
            if "inlayHints" in section:
                ls.inlay_hints_enabled = bool(section["inlayHints"])
            if isinstance(section.get("severityOverrides"), dict):
                ls.session.set_severity_overrides(section["severityOverrides"])
    ls.reconfigure()
    await ls.scheduler.relint_open_documents()
