"""When documents are linted, and what is published (as ruff's `schedule` module).

- Each edit schedules one lint of the document's newest version after an adaptive
  debounce: none when the document's last lint was quick or edits come slower than it,
  the lint's own duration (up to `MAX_DEBOUNCE`) while typing outpaces a slow analysis;
  a newer edit cancels a waiting lint.
- Results for an outdated version, or of a lint overtaken by a later one, are dropped.
- Requests that need findings (hover, inlay hints, pulled diagnostics) wait for the lint
  of the current version instead of answering from nothing; a pulled document is linted
  once per version, not once for didOpen and again for the pull.
- When a document's facts change the project, the other open documents lint again; pull
  clients are asked to pull again (`workspace/diagnostic/refresh`) and inlay hints to
  refresh (`workspace/inlayHint/refresh`) where the client supports it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.data.secrets import redact_text
from ragfirst.engine.collector import collector_paused
from ragfirst.lsp.diagnostics import diagnostics_for
from ragfirst.lsp.linting import LintResult, keep_unaffected, syntax_error_line
from ragfirst.lsp.session import DocumentState
from ragfirst.lsp.uris import uri_to_path

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer

log = logging.getLogger("ragfirst.lsp")

MAX_DEBOUNCE = 0.15  # seconds: the longest wait after an edit, for slow analyses only
QUICK_LINT_MS = 25.0  # a document whose lint takes less is linted at once after each edit


class Scheduler:
    def __init__(self, ls: RagfirstServer) -> None:
        self.ls = ls
        self.fixed_debounce: float | None = None  # initializationOptions.debounceMs
        self._relint_task: asyncio.Task[None] | None = None
        self._relint_causes: set[str] = set()  # documents whose facts changed the project

    # -- debounce ---------------------------------------------------------------------------

    def debounce_for(self, state: DocumentState, since_last_edit: float) -> float:
        """No wait when the document lints quickly, or when edits come slower than its
        lints (each edit's result would be shown anyway); otherwise (typing faster than a
        slow analysis) wait for as long as the last lint took, at most MAX_DEBOUNCE."""
        if self.fixed_debounce is not None:
            return self.fixed_debounce
        if state.lint_ms < QUICK_LINT_MS or since_last_edit * 1000 > state.lint_ms:
            return 0.0
        return min(MAX_DEBOUNCE, state.lint_ms / 1000)

    def edited(self, uri: str, version: int | None) -> None:
        state = self.ls.session.documents.get(uri)
        now = time.monotonic()
        delay = 0.0
        if state is not None:
            delay = self.debounce_for(state, now - state.last_edit)
            state.last_edit = now
        self.schedule(uri, version, delay)

    # -- linting ------------------------------------------------------------------------------

    def schedule(self, uri: str, version: int | None, delay: float) -> None:
        state = self.ls.session.documents.setdefault(uri, DocumentState())
        state.version = version
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()

        async def run() -> None:
            if delay:
                await asyncio.sleep(delay)
            await self.lint_and_publish(uri, version)

        state.pending = asyncio.ensure_future(run())

    async def lint_and_publish(self, uri: str, version: int | None) -> None:
        ls = self.ls
        await ls.indexer.wait_for_folder(uri)  # its own folder's index, complete
        state = ls.session.documents.get(uri)
        text = ls.text_of(uri)
        if state is None or text is None or state.version != version:
            return
        state.lints_started += 1
        ticket = state.lints_started
        try:
            with collector_paused():  # collections wait until the diagnostics are out
                await self._lint_and_publish(uri, version, text, state, ticket)
        finally:
            # Clients that cannot watch files: changed files on disk, checked once this
            # edit's diagnostics are out (not beside its lint, which it slowed).
            ls.indexer.poll_disk_soon()

    async def _lint_and_publish(
        self, uri: str, version: int | None, text: str, state: DocumentState, ticket: int
    ) -> None:
        ls = self.ls
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            result: LintResult = await loop.run_in_executor(None, ls.lint_text, uri, text)
        except Exception as exc:  # a bug of ours: log it, keep serving
            log.error("linting %s failed: %s", uri, redact_text(f"{type(exc).__name__}: {exc}"))
            ls.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=redact_text(f"ragfirst: linting {uri} failed: {exc}"),
                )
            )
            return
        self.after_lint(uri)
        if ls.session.documents.get(uri) is not state or state.version != version:
            return  # closed, or a newer version arrived while we worked: drop stale results
        if state.lints_started != ticket:
            # A later lint of this version started (the project index changed meanwhile,
            # e.g. indexing finished): its result is the one to show, whenever it ends.
            return
        state.lint_ms = (time.perf_counter() - started) * 1000
        findings = keep_unaffected(result.findings, result.lines, state.good_findings, state.good_lines)
        if syntax_error_line(result.findings) is None:
            state.good_findings, state.good_lines = result.findings, result.lines
        state.findings, state.analysis, state.lines = findings, result.analysis, result.lines
        state.published_version = version
        state.generation = ls.session.generation
        state.language = result.language
        if not ls.pull_diagnostics:
            self.publish(uri, version, state)

    def publish(self, uri: str, version: int | None, state: DocumentState) -> None:
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=self.diagnostics(uri, state))
        )

    def diagnostics(self, uri: str, state: DocumentState) -> list[types.Diagnostic]:
        found = diagnostics_for(
            uri, state.findings, state.lines, self.ls.encoding(), state.published_version, state.language
        )
        # An open config file with an error: the config error is shown with the file's own
        # findings (it would otherwise replace them, or be replaced, on each publish).
        seen = {(d.range.start.line, d.message) for d in found}
        extra = [d for d in self.ls.config_errors.get(uri, []) if (d.range.start.line, d.message) not in seen]
        return found + extra

    async def current(self, uri: str, fresh_project: bool = False) -> DocumentState | None:
        """The document's state once its current version is linted (`fresh_project`: and
        linted since the project last changed); None for a document not open."""
        documents = self.ls.session.documents
        state = documents.get(uri)
        for _ in range(4):
            if state is None or documents.get(uri) is not state:
                return None
            if state.published_version == state.version and (
                not fresh_project or state.generation == self.ls.session.generation
            ):
                return state
            if state.pending is None or state.pending.done():
                self.schedule(uri, state.version, 0)
            pending = state.pending
            try:
                await asyncio.shield(pending)  # type: ignore[arg-type]
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the request itself was cancelled
        return state if state is not None and state.published_version is not None else None

    # -- project-wide changes ---------------------------------------------------------------

    def after_lint(self, uri: str) -> None:
        """When a document's facts changed the project (it added a retrieval site, a reranker,
        an export), re-lint the open documents: their project-aware findings may change.
        Coalesced: one pending re-lint however many documents change at once; a change
        that comes while it runs gets a pass of its own after it."""
        session = self.ls.session
        if uri not in session.facts_changed_by:
            return
        session.facts_changed_by.discard(uri)
        self._relint_causes.add(uri)
        if self._relint_task is not None and not self._relint_task.done():
            return
        self._relint_task = asyncio.ensure_future(self._relint())

    async def _relint(self) -> None:
        ls = self.ls
        session = ls.session
        loop = asyncio.get_running_loop()
        while self._relint_causes:
            await asyncio.sleep(max(self.fixed_debounce or 0.0, 0.05))
            causes = set(self._relint_causes)
            self._relint_causes.clear()
            cause = next(iter(causes)) if len(causes) == 1 else ""
            if cause.startswith("file:"):
                affected = await loop.run_in_executor(None, session.relink_for, Path(uri_to_path(cause)))
            else:
                affected = True
                await loop.run_in_executor(None, session.relink)
            for other, state in list(session.documents.items()):
                if other == cause and not affected and state.published_version == state.version:
                    continue  # linted against this index already (relink_effects.py)
                self.schedule(other, state.version, 0)
            for notebook in list(ls.notebooks.notebooks.values()):  # synced notebooks too
                ls.notebooks.schedule(ls, notebook.uri, notebook.version, 0)
            self.refresh()

    async def relint_open_documents(self, only_stale: bool = False) -> None:
        """Lint every open document again (`only_stale`: those not yet linted in the
        project's current state: after indexing, a document linted once its folder was
        indexed is not linted twice)."""
        ls = self.ls
        generation = ls.session.generation
        for uri, state in list(ls.session.documents.items()):
            if only_stale and (
                (state.published_version == state.version and state.generation == generation)
                or (state.pending is not None and not state.pending.done())  # it is on its way
            ):
                continue
            await self.lint_and_publish(uri, state.version)
        for notebook in list(ls.notebooks.notebooks.values()):  # synced notebooks too
            await ls.notebooks.lint_and_publish(ls, notebook.uri)
        self.refresh()

    def busy(self) -> bool:
        """Is work still under way that may lint a document (indexing, a disk check, a
        waiting or running lint, a project relint)? `ragfirst.serverStats` reports it, so
        tests and the latency bench wait for the server to be quiet, not for a time."""
        ls = self.ls
        tasks = [ls.index_task, ls.indexer.poll_task, self._relint_task]
        tasks.extend(state.pending for state in ls.session.documents.values())
        tasks.extend(notebook.pending for notebook in ls.notebooks.notebooks.values())
        tasks.extend(ls.notebooks.restoring)
        return bool(self._relint_causes) or any(task is not None and not task.done() for task in tasks)

    def refresh(self) -> None:
        """Ask the client to pull diagnostics and inlay hints again, where it can."""
        workspace = self.ls.client_capabilities.workspace
        if workspace is None:
            return
        if self.ls.pull_diagnostics and workspace.diagnostics and workspace.diagnostics.refresh_support:
            self.ls.workspace_diagnostic_refresh(None)
        if workspace.inlay_hint and workspace.inlay_hint.refresh_support:
            self.ls.workspace_inlay_hint_refresh(None)
