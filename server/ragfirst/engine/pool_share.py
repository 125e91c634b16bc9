"""The chunks of a pool run, handed out in order to whichever process is free.

The run's own process analyses chunks beside its workers (engine/parallel.py). It takes
the next chunk when it has finished one; a worker is given the next chunk as soon as one
of its own is done, from the future's callback (in the pool's thread), so a worker never
waits for the run's process to finish a long chunk. A chunk's cost varies a hundredfold
(a chunk of files the prefilter skips against one with a 5,000-line module): handed out
only between the run's own chunks, a worker could wait for a long one here."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

AHEAD = 2
"""Chunks each worker holds: the one it is on and the next (already sent to it)."""


class Handout:
    def __init__(self, pool: Executor, chunks: int, submit: Callable[[Executor, int], Future[Any]]) -> None:
        self.pool = pool
        self.chunks = chunks
        self.submit = submit  # sends chunk `index` to the pool
        self.lock = threading.Lock()
        self.next = 0
        self.handed: dict[int, Future[Any]] = {}  # by chunk index
        self.collected: set[int] = set()
        self.mine = 0  # chunks the run's own process took
        self.claimed: set[int] = set()  # taken out of order by the run's own process (`claim`)

    def take(self, here: bool = False) -> int | None:
        """The next chunk's index, or None when every chunk has been handed out; `here`:
        for the run's own process."""
        with self.lock:
            while self.next in self.claimed:
                self.next += 1
            if self.next >= self.chunks:
                return None
            self.next += 1
            self.mine += here
            return self.next - 1

    def claim(self, index: int) -> bool:
        """Take chunk `index` for the run's own process, out of order (the link needs one
        of its files now: engine/early_link.py); False when it was handed out already."""
        with self.lock:
            if index < self.next or index in self.claimed:
                return False
            self.claimed.add(index)
            self.mine += 1
            return True

    def worker_future(self, index: int) -> Future[Any] | None:
        """The future of chunk `index` if a worker has it (None: the run's own process took
        it, or it is being handed out in the pool's thread)."""
        with self.lock:
            return self.handed.get(index)

    def start(self, workers: int) -> None:
        for _ in range(workers * AHEAD):
            self.hand()

    def hand(self, _done: object = None) -> None:
        """Give a worker the next chunk (also the callback of each chunk a worker finishes)."""
        index = self.take()
        if index is None:
            return
        try:
            future = self.submit(self.pool, index)
        except Exception as exc:  # a broken or closed pool: the chunk's result says why
            future = Future()
            future.set_exception(exc)
            with self.lock:
                self.handed[index] = future
            return  # (no more for this pool: a done future's callback would run at once,
            # each handing the next chunk to it, one frame deeper per chunk)
        with self.lock:
            self.handed[index] = future
        future.add_done_callback(self.hand)

    def all_collected(self) -> bool:
        """Is every chunk taken (here or by a worker) and every worker's chunk collected?"""
        with self.lock:
            return len(self.handed) + self.mine == self.chunks and len(self.collected) == len(self.handed)

    def finished(self, final: bool = False) -> list[tuple[int, Future[Any]]]:
        """The workers' chunks done and not yet collected, each once; `final`: wait until
        there is one, or return [] when every chunk is done and collected."""
        while True:
            with self.lock:
                waiting = {i: f for i, f in self.handed.items() if i not in self.collected}
                complete = len(self.handed) + self.mine == self.chunks
            done = [(i, f) for i, f in sorted(waiting.items()) if f.done()]
            if done or not final:
                self.collected.update(i for i, _ in done)
                return done
            if waiting:
                wait(list(waiting.values()), return_when=FIRST_COMPLETED)
            elif complete:
                return []
            else:
                time.sleep(0.001)  # a chunk is being handed out in the pool's thread
