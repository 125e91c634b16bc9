"""Fork a large run's pool workers early, before the run's heap grows (issue 26's memory goal).

A forked worker's resident size counts every page it inherits. Forked when the analysis
starts, a worker inherited the run's discovery, plan, engines and first analyses (53 MB on
bench corpus a, against 31 MB before discovery) and kept them to the end of the analysis:
on a 2-core machine the tree's peak was that worker plus the run's own process. Forked
once discovery has found PARALLEL_MIN_FILES files (fewer never start a pool unless
`--jobs` says so), the worker starts small and the run's heap grows afterwards in the
run's process alone.

A worker forked this early inherits one engine, the one the run's process builds just
before the fork for the files found so far (`run_engine`); a chunk whose key (the extra
rule packs and the `--select` narrowing: engine/parallel.py) names another engine builds
its own in the worker. A run
with a cache forks early only when the cache does not know most of the files found so
far (`cache_knows`: an empty cache, another version's, another project's): a warm run
reads analyses back and seldom needs a pool (it forks one late when it does), while the
run that fills the cache analyses everything, as a run without one does (its late fork
made it the largest run: 158 MB on corpus a). The analysis claims the workers (`claim`)
and shuts them down when it is done; a run that did not need them shuts them down after
its analysis (`EarlyWorkers.close`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from ragfirst.engine.workspace_load import PARALLEL_MIN_FILES, PlannedFile, cache_ids, mark_packages

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.engine.cache import AnalysisCache
    from ragfirst.engine.engine import Engine
    from ragfirst.engine.engines import EngineCache
    from ragfirst.engine.parallel import EngineKey

_forked: tuple[Executor, int] | None = None  # the pool forked early and how many workers


class EarlyWorkers:
    """The workers of one run, forked when its discovery has found enough files."""

    def __init__(
        self,
        jobs: int | None,
        cached: Callable[[], bool] | None = None,
        engine: Callable[[], tuple[EngineKey, Engine] | None] | None = None,
    ) -> None:
        """`cached`: for a run with a cache, whether it knows the files found so far.
        `engine`: the engine the files found so far are analysed with, and its key."""
        self.jobs = jobs
        self.cached = cached
        self.engine = engine
        self.pending = jobs is None or jobs > 1

    def planned(self, files: int) -> None:
        """Discovery has found `files` files so far."""
        if self.pending and files >= PARALLEL_MIN_FILES:
            self.pending = False
            if self.cached is not None and self.cached():
                return  # a warm run: analyses read back, a pool forked late if needed
            import multiprocessing  # not for a small run

            from ragfirst.engine.parallel import cpu_count

            if "fork" in multiprocessing.get_all_start_methods():
                # The pool's size: `jobs` processes, the run's own among them (parallel.py).
                workers = (self.jobs if self.jobs is not None else cpu_count()) - 1
                if workers >= 1:
                    fork_now(workers, self.engine() if self.engine is not None else None)

    def close(self) -> None:
        """After the analysis: shut the workers down if it did not claim them."""
        self.pending = False
        pool = claim(None)
        if pool is not None:
            pool.shutdown(wait=True)


def cache_knows(
    cache: AnalysisCache, found: Sequence[PlannedFile], selection: Callable[[Settings], str] | None
) -> bool:
    """Whether `cache` knows at least half of the files `found` unchanged (their stat
    signatures as when it hashed them: the warm run's own test, engine/workspace_load.py).
    ~1 ms for PARALLEL_MIN_FILES files: a `stat` each, the rules' fingerprint, one query."""
    found = list(found)
    mark_packages(found)  # part of the keys (from the packages found so far: top-down)
    ids = cache_ids(found, selection)
    known = cache.keys_by_stat({ids.stat_ids[i]: ids.signatures[i] for i in ids.stat_ids})
    return 2 * len(known) >= len(found)


def run_engine(engines: EngineCache, found: Sequence[PlannedFile]) -> tuple[EngineKey, Engine] | None:
    """The engine of the last file found (that of every file, unless a config below the
    scanned folder adds a rule pack or selects rules) and its key; None for a broken config
    (the plan reports it)."""
    from ragfirst.engine.parallel import engine_key

    if not found:
        return None
    settings = found[-1].settings
    try:
        engine = engines.for_settings(settings)
    except Exception:  # (RuleFileError, ConfigError: the plan asks again and says why)
        return None
    return engine_key(settings.extra_rules, engine), engine


def fork_now(workers: int, engine: tuple[EngineKey, Engine] | None = None) -> None:
    """Fork `workers` pool processes now (each waits for its first chunk). `engine`: the
    run's engine and its key, built here first: the workers inherit it instead of each
    building the default one (and then, for `--select` or a rule pack, the run's: 0.1 s of
    a worker's time on bench corpus b, while the run's process built the same engine)."""
    global _forked
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ragfirst.engine.memory import release_freed_memory
    from ragfirst.engine.parallel import _exit_with_parent

    stale = claim(None)  # left by a run that raised before its analysis (tests, the server)
    if stale is not None:
        stale.shutdown(wait=False)
    release_freed_memory()  # the pages a worker inherits: not this process's freed ones
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    from ragfirst.engine.parallel import DEFAULT_KEY, register_engine, warm_up

    key = DEFAULT_KEY
    if engine is not None:
        key = engine[0]
        register_engine(*engine)  # before the fork: every worker has it
    for _ in range(workers):  # a fork pool starts its processes at the first submit, and
        pool.submit(warm_up, key)  # each readies its engine while discovery goes on
    _forked = (pool, workers)


def forked() -> tuple[Executor, int] | None:
    """The early pool and its size, still unclaimed (engine/prefetch.py sends it files)."""
    return _forked


def waiting() -> bool:
    """Are there workers forked early, not yet claimed (their fork already paid for)?"""
    return _forked is not None


def claim(workers: int | None) -> Executor | None:
    """The early pool, now the caller's to use and shut down, if it has `workers` workers
    (None: whatever its size); a pool of another size is shut down."""
    global _forked
    if _forked is None:
        return None
    pool, size = _forked
    _forked = None
    if workers is not None and size != workers:
        pool.shutdown(wait=True)
        return None
    return pool
