"""The workspace's files on disk in the project model: the first index, files that change
on disk (reported by the client's file watcher, or, for clients that cannot watch files,
found by their modification times, and new files by their directories': disk_scan.py),
and a closed buffer going back to its disk version."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ragfirst.analyzers.registry import language_of
from ragfirst.engine import progress
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import read_file_bytes
from ragfirst.fixes.suppression_comments import document_lines
from ragfirst.lsp.diagnostics import diagnostics_for
from ragfirst.lsp.disk_scan import DirectoryStamps
from ragfirst.lsp.exclusion import excluded_in_folders
from ragfirst.lsp.uris import is_config_file, is_rule_pack, uri_to_path

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer

log = logging.getLogger("ragfirst.lsp")

POLL_INTERVAL = 1.0  # seconds between two modification-time checks of the indexed files


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Indexer:
    def __init__(self, ls: RagfirstServer) -> None:
        self.ls = ls
        self.indexed = asyncio.Event()
        # Set when a workspace folder's files are indexed and linked: a document waits for
        # its own folder's (never lints against a half-built or another folder's index).
        self.folder_indexed: dict[Path, asyncio.Event] = {}
        self.client_watches = False  # set at `initialized`: the client reports file changes
        self._last_poll = 0.0
        # clients that cannot watch files: directories' modification times (new files)
        self.directories = DirectoryStamps()
        self._poll_task: asyncio.Future[None] | None = None
        self._poll_again = False  # a save asked for a check while one was running

    # -- one file ---------------------------------------------------------------------------

    def reindex(self, uri: str, deleted: bool = False) -> bool:
        """Re-read a file into the project model (worker thread); True when the project
        changed. A file that is gone, or reported deleted, leaves the model."""
        session = self.ls.session
        path = Path(uri_to_path(uri))
        if deleted or not path.is_file():
            session.disk.pop(uri, None)
            removed = session.remove(path)
            if removed:
                session.relink()
            return removed
        settings = session.settings_for(path)
        engine = session.engine_for(settings)
        stamp = _stamp(path)
        try:
            data = read_file_bytes(path, settings.max_file_size)  # capped; no FIFO can block
        except OSError:
            return False
        if stamp is not None:
            session.disk[uri] = stamp
        _, changed = session.update_model(path, data, settings, engine)
        if changed:
            session.relink()
        return changed

    def restore(self, uri: str) -> bool:
        """A document closed without saving: the disk's version goes back into the model
        (or the file leaves it, when it only existed in the editor)."""
        path = Path(uri_to_path(uri))
        if not uri.startswith("file:") or language_of(path.name) is None:
            return False
        return self.reindex(uri)

    # -- files changed on disk ----------------------------------------------------------------

    def changed_on_disk(self) -> list[str]:
        """Indexed files whose modification time or size changed, or that are gone (not the
        open ones: their buffer is the truth)."""
        session = self.ls.session
        changed = []
        for uri, stamp in list(session.disk.items()):
            if uri in session.documents:
                continue
            if _stamp(Path(uri_to_path(uri))) != stamp:
                changed.append(uri)
        return changed

    def poll_disk(self) -> tuple[bool, bool]:
        """Re-read the indexed files that changed on disk (worker thread); (project facts
        changed, a config file or rule pack changed). A config is not re-read here: the
        server reads its configuration again (`reconfigure`) on the event loop."""
        facts = configs = False
        for uri in self.changed_on_disk():
            if is_config_file(uri_to_path(uri)) or is_rule_pack(uri):
                configs = True
                stamp = _stamp(Path(uri_to_path(uri)))
                if stamp is not None:
                    self.ls.session.disk[uri] = stamp
                continue
            facts |= self.reindex(uri)
        for path in self.created_on_disk():
            uri = path.resolve().as_uri()
            if is_config_file(path.name):  # a new config: read again on the event loop
                configs = True
                stamp = _stamp(path)
                if stamp is not None:
                    self.ls.session.disk[uri] = stamp
                continue
            facts |= self.reindex(uri)
        return facts, configs

    def created_on_disk(self) -> list[Path]:
        """Files ragfirst reads that were created in the workspace folders since the last
        check, neither indexed nor open (disk_scan.py; clients that cannot watch files)."""
        session = self.ls.session
        if not self.directories.stamps:
            return []

        def new(path: Path) -> bool:
            uri = path.resolve().as_uri()
            return uri not in session.disk and uri not in session.documents

        return self.directories.new_files(excluded_in_folders(session.folder_for, session.settings_for), new)

    def poll_disk_soon(self, force: bool = False) -> None:
        """For a client that cannot watch files: at most once a second, check the indexed
        files and the directories (new files); when one changed, the open documents lint again. On each save (`force`)
        for every client: a watcher can miss events (a network file system, an editor
        run in batch), and one `stat` per indexed file is cheap."""
        if (self.client_watches and not force) or not self.indexed.is_set():
            return
        now = time.monotonic()
        if not force and now - self._last_poll < POLL_INTERVAL:
            return
        if self._poll_task is not None and not self._poll_task.done():
            # A check is under way, but it may have read the disk before this save's
            # change: a forced check runs once more after it (a save must see the disk
            # as it is when saved).
            self._poll_again |= force
            return
        self._last_poll = now

        async def poll() -> None:
            while True:
                self._poll_again = False
                facts, configs = await asyncio.get_running_loop().run_in_executor(None, self.poll_disk)
                if configs:
                    self.ls.reconfigure()
                if facts or configs:
                    await self.ls.scheduler.relint_open_documents()
                if not self._poll_again:
                    return
                self._last_poll = time.monotonic()

        self._poll_task = asyncio.ensure_future(poll())

    @property
    def poll_task(self) -> asyncio.Future[None] | None:
        """The disk check under way, if any (Scheduler.busy)."""
        return self._poll_task

    async def poll_now(self) -> None:
        self.poll_disk_soon(force=True)
        if self._poll_task is not None:
            await self._poll_task

    # -- the whole workspace -------------------------------------------------------------------

    def index_workspace(self, report: Any = None, folder_done: Any = None) -> int:
        """Analyze every lintable file under the workspace folders (worker thread), one
        folder after the other; `folder_done(folder)` once a folder is indexed and linked."""
        session = self.ls.session
        by_folder: list[tuple[Path, list[Path]]] = []
        for folder in session.folder_paths:
            found = discover(
                [folder],
                lambda p: session.settings_for(p / "x"),
                lambda n: language_of(n) is not None,
                lambda p, message: log.warning("ragfirst: %s: %s", p, message),
            )
            # a nested workspace folder's files are its own (session.folder_for); open
            # documents are left alone (their buffer is the truth)
            mine = [path for path in found if session.folder_for(path) == folder]
            by_folder.append(
                (folder, [path for path in mine if path.resolve().as_uri() not in session.documents])
            )
        total = sum(len(files) for _, files in by_folder)
        offset = 0
        for folder, files in by_folder:
            stamps = {path: _stamp(path) for path in files}  # before reading: a later change shows

            def reported(done: int, _of: int, offset: int = offset) -> None:
                count = offset + done
                if report is not None and total and (count % 25 == 0 or count == total):
                    report(count, total)

            # One batch load per folder, as the CLI's run loads files (Workspace.load); it
            # links the model, so the folder's documents can lint once it is done.
            with progress.watching(reported):
                loaded = session.load(files)
            offset += len(files)
            for path in loaded:
                stamp = stamps.get(path)
                if stamp is not None:
                    session.disk[path.resolve().as_uri()] = stamp
            if folder_done is not None:
                folder_done(folder)
            if not self.client_watches:  # new files are found by their directories' times
                self.directories.record_tree(
                    folder, excluded_in_folders(session.folder_for, session.settings_for)
                )
        # The index lives as long as the server: moved out of the collector's generations,
        # later collections (during edits) no longer walk it. Reference counting still frees
        # an entry when it is replaced.
        gc.collect()
        gc.freeze()
        return total

    def expect_folders(self) -> None:
        """At `initialize`: documents opened from now on wait for their folder's index
        (indexing starts at `initialized`, which the client sends before any document)."""
        for folder in self.ls.session.folder_paths:
            self.folder_indexed.setdefault(folder, asyncio.Event())

    async def wait_for_folder(self, uri: str) -> None:
        """Until the document's workspace folder is indexed (if its indexing has begun):
        findings computed before would miss the folder's cross-file facts."""
        session = self.ls.session
        if uri.startswith("file:"):
            folder = session.folder_for(Path(uri_to_path(uri)))
        else:  # an untitled buffer is analysed in the first folder (uris.document_path)
            folder = session.folder_paths[0] if session.folder_paths else None
        event = self.folder_indexed.get(folder) if folder is not None else None
        if event is not None and not event.is_set():
            await event.wait()

    async def index_with_progress(self) -> None:
        ls = self.ls
        token = f"ragfirst-index-{time.monotonic_ns()}"
        progress = None
        caps = ls.client_capabilities.window
        if caps and caps.work_done_progress:
            try:
                await ls.work_done_progress.create_async(token)
                progress = ls.work_done_progress
                progress.begin(token, types.WorkDoneProgressBegin(title="ragfirst: indexing", percentage=0))
            except Exception:  # the client refused: index without progress
                progress = None
        loop = asyncio.get_running_loop()
        self.expect_folders()

        def folder_done(folder: Path) -> None:
            loop.call_soon_threadsafe(self.folder_indexed[folder].set)

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
            total = await loop.run_in_executor(None, self.index_workspace, report, folder_done)
        finally:
            if progress is not None:
                progress.end(token, types.WorkDoneProgressEnd(message="indexed"))
            for event in self.folder_indexed.values():  # also when indexing failed
                event.set()
        ls.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=f"ragfirst: indexed {total} files")
        )
        self.indexed.set()
        await ls.scheduler.relint_open_documents(only_stale=True)

    async def lint_workspace(self) -> int:
        """Publish diagnostics for every workspace file (push clients)."""
        ls = self.ls
        session = ls.session
        await self.index_with_progress()
        count = 0
        for uri in sorted(session.disk):
            if uri in session.documents:
                continue
            path = Path(uri_to_path(uri))
            settings = session.settings_for(path)
            findings = session.findings_of_disk_file(path, settings)
            try:
                data = read_file_bytes(path, settings.max_file_size)
                lines = document_lines(data.decode("utf-8", errors="replace"))
            except OSError:
                continue
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics_for(uri, findings, lines, ls.encoding(), None)
                )
            )
            count += 1
        return count
