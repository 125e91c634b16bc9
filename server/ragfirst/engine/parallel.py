"""Analyze many files in a process pool; each worker builds its engine once.

Workers receive bytes, or the path to read them from, and return JSON-able analyses
(serialize.py): nothing but data crosses the process boundary. Project facts are merged by
the caller afterwards.
"""

from __future__ import annotations

import gc
import os
import pickle
import time
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, wait
from pathlib import Path
from typing import Any

from ragfirst.engine import progress
from ragfirst.engine.compact import compact, empty_analysis, is_empty
from ragfirst.engine.engine import Engine, FileAnalysis, read_file_bytes
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.rules.loader import load_ruleset

Item = tuple[str, bytes | str, int, frozenset[str]]  # id, bytes or path, size cap, own packages
"""(display path, content or the file's path to read it from, size cap). A run without a
cache lets the workers read, so the files are read in parallel and not sent through pipes."""
CHUNK = 48
COLLECT_EVERY = 200
EngineKey = tuple[tuple[str, ...], frozenset[str] | None]
"""A worker's engine: the extra rule packs and the `--select` narrowing (`Engine.only`). A
worker forked before the run built its engines (engine/early_workers.py) builds its own."""
_ENGINES: dict[EngineKey, Engine] = {}


def engine_key(extra_rules: tuple[Path, ...], engine: Engine | None) -> EngineKey:
    """What a worker builds its engine from: the extra packs and `engine`'s narrowing."""
    return (tuple(str(path) for path in extra_rules), engine.only if engine is not None else None)


def analyze_batch(engine: Engine, items: list[Item]) -> list[FileAnalysis]:
    """Analyse `items` in order with the cyclic garbage collector paused.

    Parsing allocates millions of short-lived objects, and the collector's passes over them
    cost 15-20% of a cold run while finding almost nothing: the analyzers break their own
    reference cycles, so memory is freed by reference counting. A young-generation pass
    every COLLECT_EVERY files still collects any cycle that is left."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        analyses = []
        for count, (display, data, cap, own) in enumerate(items, 1):
            if isinstance(data, str):
                try:
                    data = read_file_bytes(data, cap)
                except OSError as exc:
                    analyses.append(unreadable(engine, display, exc))
                    continue
            analyses.append(compact(engine.analyze(display, data, max_bytes=cap, own_packages=own)))
            progress.advance()  # a no-op unless a front end shows progress (and in workers)
            if count % COLLECT_EVERY == 0:
                gc.collect(0)
        return analyses
    finally:
        if was_enabled:
            gc.enable()


def unreadable(engine: Engine, display: str, exc: OSError) -> FileAnalysis:
    """The analysis of a file that could not be read: one RF000 saying why."""
    analysis = FileAnalysis(display)
    engine.record_error(analysis, f"cannot read file: {exc.strerror or exc}", 1, 0)
    return compact(analysis)


def _analyze_chunk(key: EngineKey, items: list[Item]) -> bytes:
    """A worker's analyses of one chunk, pickled here: the run's process keeps them as
    these bytes (a fifth of their objects' size) until the pool is done (`_decode`)."""
    engine = _engine(key)
    analyses = pickle.dumps([_sent(a) for a in analyze_batch(engine, items)], pickle.HIGHEST_PROTOCOL)
    from ragfirst.engine.memory import release_freed_memory

    release_freed_memory()
    return analyses


WARM_SOURCE = b"from openai import OpenAI\n\nOpenAI().chat.completions.create(model='m', messages=[])\n"


DEFAULT_KEY: EngineKey = ((), None)
"""The engine of a run without rule packs or `--select`."""


def register_engine(key: EngineKey, engine: Engine) -> None:
    """`engine` for chunks with `key`, in this process and in workers forked from now on."""
    _ENGINES[key] = engine


def warm_up(key: EngineKey = DEFAULT_KEY) -> None:
    """In a worker forked during discovery: ready the engine of `key` (inherited from the
    run's process when it built it before the fork, engine/early_workers.py) and analyse a
    few lines with it, so the first chunk finds the rules loaded and the analyzers imported
    (0.25 s of the worker's first chunk on the bench corpus, while the run's process
    analysed alone). A chunk with another key builds its own engine, as before."""
    _engine(key).analyze("warm_up.py", WARM_SOURCE)


def _engine(key: EngineKey) -> Engine:
    """The engine chunks with `key` are analysed with (built once per process)."""
    engine = _ENGINES.get(key)
    if engine is None:
        extra_rules, only = key
        engine = _ENGINES[key] = Engine(load_ruleset([Path(p) for p in extra_rules]), only=only)
    return engine


def _sent(analysis: FileAnalysis) -> tuple[str, bool] | dict[str, Any]:
    """An analysis as a worker sends it: (path, parsed) for one with nothing else in it
    (most files: the prefilter skipped them), else its dump. A dump of 20 empty fields
    cost the worker its building and pickling and the run's process its loading: ~0.1 CPU
    s of the run's process on bench corpus b, 5,200 of whose 6,200 files are empty."""
    if is_empty(analysis):
        return analysis.path, analysis.parsed
    return dump_analysis(analysis)


def _decode(chunk: list[FileAnalysis] | bytes | None) -> list[FileAnalysis]:
    """A chunk's analyses: this process's own, or a worker's bytes (from our own child
    process, never from a file: pickle is safe here) decoded."""
    if isinstance(chunk, bytes):
        return [
            empty_analysis(*data) if isinstance(data, tuple) else compact(load_analysis(data))
            for data in pickle.loads(chunk)
        ]
    return chunk or []


PARENT_POLL_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """In each worker: exit once the run that started it is gone. A SIGTERM (or SIGKILL)
    to `ragfirst check -j N` ends the parent without a shutdown of the pool, and the
    workers would otherwise wait on their queue forever."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="ragfirst-parent-watch", daemon=True).start()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


POOL_WORTH_CPU_S = 1.5
"""The least work (CPU seconds, estimated) a pool must take over to be started: starting
two workers costs ~0.5 s of CPU (forks, each worker's copy-on-write pages and warm-up, the
results sent back), about the wall time it would save on 1.5 s of work."""
_cpu = time.process_time  # the clock the pace is judged by (a test's own, in tests)


def analyze_parallel(
    extra_rules: tuple[Path, ...],
    items: list[Item],
    jobs: int,
    engine: Engine | None = None,
    adaptive: bool = False,
) -> list[FileAnalysis]:
    """Same results, same order as analysing `items` one by one. With `fork`, the workers
    inherit `engine` (the caller's, already built) instead of loading the rules again.

    `adaptive` (no `--jobs` given): analyse here, a chunk at a time, while the work left
    looks smaller than POOL_WORTH_CPU_S at the pace so far; start the pool for the rest
    once it looks larger. A run whose prefilter skips nearly every file (`--select RF101`
    on a TypeScript monorepo: 7,900 files, ~0.6 s of reading and scanning) then pays for
    no pool; a run that parses much starts it after its first chunks. The chunks judged
    here are spread over the whole run (`sampling_order`): the plan's order puts a tree's
    folders one after another, and the second bench corpus's first 2,900 files (an SDK's
    own package, nearly all skipped) made one run in three never start the pool. Workers
    forked during discovery (engine/early_workers.py) are used at once: their fork and
    their engine were paid for while discovery went on, and judging the pace kept them
    idle for the first 0.17 s of the bench corpus's analysis."""
    from ragfirst.engine.early_workers import waiting

    if not adaptive or engine is None or waiting():
        return _pool(extra_rules, items, jobs, engine)
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    order = sampling_order(len(chunks))
    done: dict[int, list[FileAnalysis]] = {}
    start = _cpu()
    analysed = 0
    for index in order:
        done[index] = analyze_batch(engine, chunks[index])
        analysed += len(chunks[index])
        spent = _cpu() - start
        # The pace is judged once a tenth of that is spent: the first files pay for
        # warm-up, and a few parsed files among thousands skipped make a chunk slow.
        sampled = spent > POOL_WORTH_CPU_S / 10
        if sampled and spent / analysed * (len(items) - analysed) > POOL_WORTH_CPU_S:
            break
    rest = [index for index in range(len(chunks)) if index not in done]
    if rest:
        pooled = iter(_pool(extra_rules, [item for index in rest for item in chunks[index]], jobs, engine))
        for index in rest:
            done[index] = [next(pooled) for _ in chunks[index]]
    return [analysis for index in range(len(chunks)) for analysis in done[index]]


def start_pool(
    extra_rules: tuple[Path, ...], items: list[Item], jobs: int, engine: Engine, adaptive: bool
) -> PoolRun | None:
    """The pool's run `analyze_parallel` would make, started and left running for its
    analyses to be asked for one by one (engine/early_link.py); None when that run would
    not go straight to a pool this process works in too (`analyze_parallel` then)."""
    import multiprocessing

    from ragfirst.engine.early_workers import waiting

    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods() or (adaptive and not waiting()):
        return None
    return PoolRun(extra_rules, items, jobs, engine)


def sampling_order(count: int, spread: int = 8) -> list[int]:
    """0..count-1, `spread` evenly spaced chunks first, then those after each of them in
    turn: any prefix of the order samples the whole run (64 chunks: 0, 8, ..., 56, 1, 9,
    ..., 57, 2, ...)."""
    stride = max(1, -(-count // spread))
    return [index for offset in range(stride) for index in range(offset, count, stride)]


def _pool(
    extra_rules: tuple[Path, ...], items: list[Item], jobs: int, engine: Engine | None
) -> list[FileAnalysis]:
    """`jobs` processes analyse: the run's own and `jobs - 1` forked workers (all `jobs`
    forked when there is no engine here to use). The run's process was idle while its
    workers worked, and each worker's resident size counts the pages it inherits at fork
    (~55 MB on the bench corpus: interpreter, modules, rules, the run's plan): one worker
    fewer is the largest cut in the memory of the process tree. The chunks this process
    analyses are neither pickled nor sent back; engine/pool_share.py hands out the chunks.
    A run without a cache forked its workers during discovery (engine/early_workers.py):
    they inherit ~32 MB instead, and are claimed here."""
    import multiprocessing  # only for a run large enough to need a pool

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    here = engine if method == "fork" else None  # a spawned worker builds its own engine
    if here is not None and jobs - 1 < 1:
        return analyze_batch(here, items)
    return PoolRun(extra_rules, items, jobs, here).finish()


class PoolRun:
    """A pool's run (`_pool`) whose analyses can be asked for one by one while it goes on
    (`analysis`: the link of a run starts before the analysis is done, engine/early_link.py)
    and are all returned, in order, by `finish`."""

    def __init__(
        self, extra_rules: tuple[Path, ...], items: list[Item], jobs: int, here: Engine | None
    ) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from ragfirst.engine.early_workers import claim
        from ragfirst.engine.memory import release_freed_memory
        from ragfirst.engine.pool_share import Handout

        key = engine_key(extra_rules, here)
        self.here = here
        self.chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        workers = jobs - 1 if here is not None else jobs
        early = claim(workers) if here is not None else None  # forked during discovery
        if here is not None:
            register_engine(key, here)  # for workers forked from now on
            if early is None:
                release_freed_memory()  # what a worker inherits: not this process's freed pages
        # A worker's chunk stays bytes until it is asked for or the pool is done: decoded
        # while the worker runs, the run's process held its share of the analyses as
        # objects (and their allocator's fragments) at the tree's peak, the end of the
        # analysis.
        self.done: list[list[FileAnalysis] | bytes | None] = [None] * len(self.chunks)
        self.pool = early or ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        chunks = self.chunks
        self.handout = Handout(
            self.pool, len(chunks), lambda pool, i: pool.submit(_analyze_chunk, key, chunks[i])
        )
        self.handout.start(workers)
        self.released = False  # the workers told to exit (nothing left for them)
        # What `analysis` spent besides handing back a result (`--timings`: the link's
        # share of its phase, workspace_load.PendingAnalyses): analysing chunks here, and
        # waiting for a worker's.
        self.analysing_here = 0.0
        self.waiting = 0.0

    def analysis(self, index: int) -> FileAnalysis:
        """The analysis of item `index`: made here if its chunk is not handed out yet,
        else its worker's (other chunks are analysed here while it works on it)."""
        chunk = index // CHUNK
        while self.done[chunk] is None:
            started = time.perf_counter()
            if self.here is not None and self.handout.claim(chunk):
                self._analyse_here(chunk)
                self.analysing_here += time.perf_counter() - started
                break
            future = self.handout.worker_future(chunk)
            if future is None:  # being handed out in the pool's thread
                time.sleep(0.0005)
                self.waiting += time.perf_counter() - started
            elif not future.done():
                other = self.handout.take(here=True) if self.here is not None else None
                if other is not None:
                    self._analyse_here(other)
                    self.analysing_here += time.perf_counter() - started
                else:
                    wait([future], return_when=FIRST_COMPLETED)
                    self.waiting += time.perf_counter() - started
            self._collect(False)
        found = self.done[chunk]
        if isinstance(found, bytes):
            found = self.done[chunk] = _decode(found)
        if not self.released and self.handout.all_collected():
            # Nothing left for the workers while the link goes on: they exit now, and their
            # memory is no part of the process tree's peak (the end of the link).
            self.released = True
            self.pool.shutdown(wait=False)
        return found[index % CHUNK]  # type: ignore[index]

    def finish(self) -> list[FileAnalysis]:
        """Every analysis, in the items' order (the chunks left analysed here and by the
        workers, as a pool's run does)."""
        with self.pool:
            while True:
                index = self.handout.take(here=True) if self.here is not None else None
                if index is not None:
                    self._analyse_here(index)
                final = index is None
                if not self._collect(final) and final:
                    break
        return [analysis for chunk in self.done for analysis in _decode(chunk)]

    def close(self) -> None:
        """Stop without the analyses left: the chunks not begun are dropped."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _analyse_here(self, index: int) -> None:
        from ragfirst.engine.memory import release_freed_memory

        self.done[index] = analyze_batch(self.here, self.chunks[index])  # type: ignore[arg-type]
        release_freed_memory()  # as a worker does after each chunk (engine/memory.py)

    def _collect(self, final: bool) -> bool:
        """The workers' chunks done since (`final`: wait for one); False when none. A chunk
        whose worker died (killed for its memory, a crash in a C extension: the pool is
        broken) is analysed here, and so is every chunk after it: the run is slower, not
        wrong."""
        finished = self.handout.finished(final)
        for chunk, future in finished:
            try:
                self.done[chunk] = future.result()
            except BrokenExecutor:
                if self.here is None:
                    raise
                self.done[chunk] = analyze_batch(self.here, self.chunks[chunk])
                continue  # (analyze_batch counted its files)
            progress.advance(len(self.chunks[chunk]))
        return bool(finished)


def reap_exited_workers(timeout: float = 1.0) -> None:
    """`--timings` only: wait (briefly) for the pool's released workers to exit. `os.times`
    counts a child's CPU once the child is waited for, and the executor's own thread reaps
    them whenever it next runs (in the run's finalize, as often as not)."""
    import multiprocessing

    deadline = time.perf_counter() + timeout
    while multiprocessing.active_children() and time.perf_counter() < deadline:
        time.sleep(0.001)
