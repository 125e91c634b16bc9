"""initialize and initialized: options, capabilities, file watchers, the first index."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.lsp.uris import uri_to_path
from ragfirst.lsp.watchers import file_globs

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer


def initialize(ls: RagfirstServer, params: types.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict):
        ls.inlay_hints_enabled = bool(options.get("inlayHints", True))
        overrides = options.get("severityOverrides") or {}
        ls.session.set_severity_overrides(overrides if isinstance(overrides, dict) else {})
        debounce = options.get("debounceMs")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool):
            ls.scheduler.fixed_debounce = max(float(debounce), 0.0) / 1000
    caps = params.capabilities.text_document
    ls.pull_diagnostics = bool(caps and caps.diagnostic)
    folders = [Path(uri_to_path(f.uri)) for f in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [Path(uri_to_path(params.root_uri))]
    elif not folders and params.root_path:
        folders = [Path(params.root_path)]
    ls.session.folder_paths = folders
    ls.indexer.expect_folders()
    if params.process_id:
        watch_parent(params.process_id)


async def initialized(ls: RagfirstServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities.workspace
    if caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in file_globs()]
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
            ls.indexer.client_watches = True
        except Exception as exc:  # a client that advertises but refuses: modification times
            ls.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Warning, message=f"ragfirst: no file watching: {exc}"
                )
            )
    ls.index_task = asyncio.ensure_future(ls.indexer.index_with_progress())  # keep a reference


def watch_parent(pid: int) -> None:
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
