"""Analysis that starts while the run is still planning (issue 26): the early workers' first
chunks.

A run without a cache forks its pool workers once discovery has found PARALLEL_MIN_FILES
files (engine/early_workers.py). They then waited for the plan to be complete (the rest of
discovery, each folder's settings and project, the packages, the engines: 0.3-0.4 s on the
bench corpora) while the run's process did it alone. Here, the files of each folder
discovery has left are handed to them meanwhile, a chunk at a time and at most AHEAD chunks
per worker in flight, so that the run's own process still finds work when the analysis
starts (engine/pool_share.py hands out the rest).

A file's analysis needs two things the plan settles later: its top-level packages (the
`__init__.py` of its folder and of those above, all found before its folder is left:
discovery lists a folder before the ones below it) and its engine (by its settings). Both
are taken as they are then, and `analysis` compares them with the final plan: a file whose
plan moved (a project's context adding an `__init__.py` above it) is analysed again, so the
result is always the plan's.
"""

from __future__ import annotations

import os
import posixpath
import threading
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING

from ragfirst.engine.library_code import INIT_FILES, top_packages
from ragfirst.engine.parallel import CHUNK, EngineKey, Item, _analyze_chunk, _decode, engine_key
from ragfirst.engine.pool_share import AHEAD
from ragfirst.engine.workspace_load import work_item

if TYPE_CHECKING:
    from ragfirst.engine.engine import Engine, FileAnalysis
    from ragfirst.engine.engines import EngineCache
    from ragfirst.engine.workspace_load import PlannedFile

Sent = tuple["Future[bytes]", int, EngineKey, frozenset[str]]
"""(the chunk's future, the file's place in it, the engine key, its SDK packages)."""


class Prefetch:
    """The files of the folders discovery has left, sent to the early workers."""

    def __init__(self, engines: EngineCache, pool: Executor, workers: int) -> None:
        self.engines = engines
        self.pool = pool
        self.limit = AHEAD * workers  # chunks in flight
        # Reentrant: a chunk already done when its callback is added calls `_send` at once.
        self._lock = threading.RLock()
        self._folder: tuple[str, str] | None = None  # (project root, folder) being listed
        self._listed: list[PlannedFile] = []
        self._packages: dict[str, set[str]] = {}  # project root -> folders with an __init__
        self._ready: dict[EngineKey, list[tuple[PlannedFile, Item]]] = {}
        self._in_flight = 0
        self._stopped = False
        self._sent: dict[int, Sent] = {}  # by id() of the planned file (the plan holds it)
        self._decoded: dict[int, list[FileAnalysis]] = {}  # by id() of the future

    # -- while the run plans ---------------------------------------------------------------

    def planned(self, item: PlannedFile) -> None:
        """A file the plan took (in discovery's order)."""
        folder = (item.key.root, posixpath.dirname(item.key.id))
        if folder != self._folder:
            self.folder_done()
            self._folder = folder
        self._listed.append(item)
        if posixpath.basename(item.key.id) in INIT_FILES:
            self._packages.setdefault(folder[0], set()).add(folder[1])

    def folder_done(self) -> None:
        """The folder being listed is complete: its files can go."""
        listed, self._listed = self._listed, []
        if not listed or self._folder is None:
            self._send()
            return
        root, folder = self._folder  # (every file listed since the folder changed is in it)
        packages = self._packages.get(root)
        above = top_packages(folder, packages) if packages else frozenset()
        for item in listed:
            try:
                engine = self.engines.for_settings(item.settings)  # (the plan asks it again)
            except Exception:  # a bad config: the plan reports it; the file is not sent
                continue
            own = above & engine.sdk_roots() if above else above
            entry = work_item(item, os.fspath(item.path), own)
            key = engine_key(item.settings.extra_rules, engine)
            with self._lock:
                self._ready.setdefault(key, []).append((item, entry))
        self._send()

    def _send(self, _done: object = None) -> None:
        """Send full chunks while fewer than `limit` are in flight (also each chunk's
        callback, in the pool's thread)."""
        with self._lock:
            if _done is not None:
                self._in_flight -= 1
            while not self._stopped and self._in_flight < self.limit:
                key = next((k for k, files in self._ready.items() if len(files) >= CHUNK), None)
                if key is None:
                    return
                chunk, self._ready[key] = self._ready[key][:CHUNK], self._ready[key][CHUNK:]
                try:
                    future = self.pool.submit(_analyze_chunk, key, [entry for _, entry in chunk])
                except Exception:  # a broken or closed pool: the files go the usual way
                    self._stopped = True
                    return
                self._in_flight += 1
                for place, (item, entry) in enumerate(chunk):
                    self._sent[id(item)] = (future, place, key, entry[3])
                future.add_done_callback(self._send)

    # -- when the analysis starts ----------------------------------------------------------

    def stop(self) -> None:
        """No more chunks: the files not sent are analysed the usual way."""
        with self._lock:
            self._stopped = True

    def taken(self, item: PlannedFile, engine: Engine, own: frozenset[str]) -> bool:
        """Was `item` sent, with the engine and packages its plan now gives it?"""
        sent = self._sent.get(id(item))
        return (
            sent is not None and sent[2] == engine_key(item.settings.extra_rules, engine) and sent[3] == own
        )

    def release(self) -> None:
        """The analyses are the plan's now: keep nothing of them here."""
        with self._lock:
            self._sent.clear()
            self._decoded.clear()
            self._ready.clear()

    def analysis(self, item: PlannedFile) -> FileAnalysis | None:
        """The analysis a worker made of a file `taken` says was sent (waits for its chunk);
        None when the worker failed (the caller analyses it here)."""
        future, place, _, _ = self._sent[id(item)]
        decoded = self._decoded.get(id(future))
        if decoded is None:
            try:
                decoded = self._decoded[id(future)] = _decode(future.result())
            except Exception:
                return None
        return decoded[place]


def start_prefetch(engines: EngineCache, planned: list[PlannedFile]) -> Prefetch | None:
    """A Prefetch for the early workers once they are forked (None before), given the
    files planned so far."""
    from ragfirst.engine.early_workers import forked

    early = forked()
    if early is None:
        return None
    prefetch = Prefetch(engines, *early)
    for item in planned:
        prefetch.planned(item)
    return prefetch
