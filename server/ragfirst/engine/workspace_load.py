"""The workspace's batch load: analyse many files at once, from the on-disk cache when
their bytes and rules did not change, else in one process or a pool (parallel.py).

The CLI's run and the language server's first index both load through here
(`Workspace.load`); a single edited file goes through `Workspace.update`.
"""

from __future__ import annotations

import os
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.config.settings import Settings
from ragfirst.engine import progress, timings
from ragfirst.engine.cache import (
    RACY_SECONDS,
    AnalysisCache,
    StatSignature,
    content_key,
    rules_fingerprint,
    stat_signature,
)
from ragfirst.engine.compact import empty_analysis
from ragfirst.engine.engine import Engine, FileAnalysis, read_file_bytes
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.library_code import package_directories, top_packages
from ragfirst.engine.outbound import escape_surrogates
from ragfirst.engine.parallel import (
    Item,
    PoolRun,
    analyze_batch,
    analyze_parallel,
    cpu_count,
    reap_exited_workers,
    start_pool,
    unreadable,
)

if TYPE_CHECKING:
    from ragfirst.engine.prefetch import Prefetch

PARALLEL_MIN_FILES = 200
"""Below this many files to analyse, a process pool costs more than it saves."""


@dataclass(slots=True)
class PlannedFile:
    path: str | Path  # where to read it, as discovered
    key: FileKey
    settings: Settings
    engine: Engine | None  # None until needed: a run answered by its snapshot loads no rules
    analysis: FileAnalysis | None = None
    # The top-level Python packages that hold it (library_code.py): those named like an SDK
    # make it that SDK's own code. Part of its cache key (`mark_packages` sets it).
    packages: frozenset[str] = frozenset()


@dataclass(slots=True)
class FileIdsForCache:
    """What the cache knows each planned file by (by index): its key context (rules tag and
    file id, until the bytes are hashed), its stat id and its stat signature."""

    keys: dict[int, str] = field(default_factory=dict)
    stat_ids: dict[int, str] = field(default_factory=dict)
    signatures: dict[int, StatSignature] = field(default_factory=dict)
    checked_ns: int = 0  # taken before any stat: see cache.RACY_SECONDS


def mark_packages(planned: list[PlannedFile]) -> None:
    """Each planned file's top-level packages, from the `__init__.py` files planned in its
    project (as the link's module index finds them)."""
    by_root: dict[str, list[str]] = {}
    for item in planned:
        by_root.setdefault(item.key.root, []).append(item.key.id)
    packages = {root: package_directories(ids) for root, ids in by_root.items()}
    known: dict[tuple[str, str], frozenset[str]] = {}  # (root, directory): files share them
    for item in planned:
        place = (item.key.root, posixpath.dirname(item.key.id))
        found = known.get(place)
        if found is None:
            directories = packages[item.key.root]
            found = known[place] = top_packages(place[1], directories) if directories else frozenset()
        item.packages = found


def work_item(item: PlannedFile, content: bytes | str, own: frozenset[str]) -> Item:
    """What a pool's worker (or this process) analyses of a planned file: its id, its bytes
    or its path, its size cap, the SDK packages whose own code it is."""
    return (item.key.id, content, item.settings.max_file_size, own)


def packages_tag(packages: frozenset[str]) -> str:
    """What a file's top-level packages add to its cache key ("" for none)."""
    return "\0packages:" + ",".join(sorted(packages)) if packages else ""


def cache_ids(
    planned: list[PlannedFile], selection: Callable[[Settings], str] | None = None
) -> FileIdsForCache:
    """`selection`: what a narrowed run's keys add (`--select`, engine/selection.py)."""
    ids = FileIdsForCache(checked_ns=time.time_ns())
    cwd = os.getcwd() + os.sep
    tags: dict[tuple[tuple[Path, ...], str], str] = {}  # the rules each file is checked with
    for index, item in enumerate(planned):
        extra = item.settings.extra_rules
        narrowed = selection(item.settings) if selection is not None else ""
        tag = tags.get((extra, narrowed))
        if tag is None:  # hashes every rule file: once per set of packs, not per file
            tag = tags[(extra, narrowed)] = rules_fingerprint(extra) + narrowed
        # The id, not a path relative to the working directory: the analysis carries it,
        # and the same project checked from anywhere shares its cache entries.
        ids.keys[index] = f"{tag}\0{item.key.id}{packages_tag(item.packages)}"
        try:
            ids.signatures[index] = stat_signature(item.path)
        except OSError:
            continue  # reading it will fail too, and say why
        # Any spelling that names this file from this directory will do: it keys a cache.
        path = os.fspath(item.path)
        where = path if os.path.isabs(path) else cwd + path
        ids.stat_ids[index] = f"{ids.keys[index]}\0{item.settings.max_file_size}\0{escape_surrogates(where)}"
    return ids


def analyze_files(
    planned: list[PlannedFile],
    jobs: int | None,
    cache: AnalysisCache | None,
    ids: FileIdsForCache | None,
    prefetch: Prefetch | None = None,
    early: bool = False,
) -> PendingAnalyses | None:
    """Give every planned file its analysis (alone: the link step comes after).
    `prefetch`: the files sent to the workers while the run planned (engine/prefetch.py).
    `early`: a pool's run may be left running, its files' analyses made when asked for
    (the link starts meanwhile: engine/early_link.py); then returned, else None."""
    taken = _prefetched(planned, prefetch) if prefetch is not None else set()
    if cache is not None and ids is None:
        ids = cache_ids(planned)
    keys: dict[int, str] = {}  # content keys of the files the cache is asked about
    if cache is not None and ids is not None:
        keys, stat_ids, signatures, checked_ns = dict(ids.keys), ids.stat_ids, ids.signatures, ids.checked_ns
        # Unchanged files (same stat signature as when hashed): neither read nor hashed.
        known = cache.keys_by_stat({stat_ids[i]: signatures[i] for i in stat_ids})
        fetch: dict[int, str] = {}
        for index, file_id in stat_ids.items():
            if file_id not in known:
                continue
            key, empty = known[file_id]
            if empty is None:
                fetch[index] = key
            else:  # nothing in it but whether it parsed: no need to fetch it
                planned[index].analysis = empty_analysis(planned[index].key.id, bool(empty))
        _take_hits(planned, cache, fetch)
    todo = [index for index, item in enumerate(planned) if item.analysis is None and index not in taken]
    # Without a cache nothing needs the bytes before analysis: each file is read where it is
    # analysed (a pool's worker, or this process one file at a time: `--jobs 1` held every
    # file's bytes at once, 93 MB on the bench corpus, and kept the heap they had grown).
    contents: dict[int, bytes | str] = {}
    read_in_workers = cache is None
    reread = _Rereads(ids) if cache is not None else None
    for index in todo:
        item = planned[index]
        if read_in_workers:
            contents[index] = os.fspath(item.path)
            continue
        try:
            data = read_file_bytes(item.path, item.settings.max_file_size)
        except OSError as exc:
            assert item.engine is not None
            item.analysis = unreadable(item.engine, item.key.id, exc)
            continue
        if reread is not None:
            keys[index] = content_key(data, keys[index], item.settings.max_file_size)
            contents[index] = reread.path_or_bytes(index, item.path, data)
        else:
            contents[index] = data
    if cache is not None:
        _take_hits(planned, cache, {index: keys[index] for index in contents})
    pending = [index for index in contents if planned[index].analysis is None]
    progress.start(len(pending))  # engine/progress.py: shown by the CLI on a terminal
    workers = workers_for(jobs, len(pending))
    groups: dict[tuple[tuple[Path, ...], int], list[int]] = {}
    for index in pending:  # one group per engine (a narrowed one per selection)
        groups.setdefault((planned[index].settings.extra_rules, id(planned[index].engine)), []).append(index)

    def finish() -> None:
        for index in taken:  # (no cache: nothing below reads them)
            if planned[index].analysis is None:
                _take_prefetched(planned[index], prefetch)
        if prefetch is not None:
            prefetch.release()
        if cache is not None:
            assert reread is not None
            changed = reread.changed(planned)  # read again to be analysed, and not the same file
            cache.put_many(
                [(keys[i], planned[i].analysis) for i in pending if i in keys and i not in changed]  # type: ignore[misc]
            )
            cache.record_stats(
                [
                    (stat_ids[i], signatures[i], checked_ns, keys[i], _empty_mark(planned[i].analysis))
                    for i in contents
                    if i in stat_ids and i not in changed
                ]
            )

    overlapped = early and len(groups) == 1 and workers > 1  # the link may start meanwhile
    for (extra_rules, _), indexes in groups.items():
        engine = planned[indexes[0]].engine
        assert engine is not None
        roots = engine.sdk_roots()
        if overlapped:
            indexes = in_link_order(planned, indexes)
        items = [work_item(planned[i], contents[i], planned[i].packages & roots) for i in indexes]
        if workers > 1 and len(items) > 1:  # no --jobs: a pool only for work worth one
            run = start_pool(extra_rules, items, workers, engine, jobs is None) if overlapped else None
            if run is not None:
                return PendingAnalyses(planned, indexes, run, taken, prefetch, finish)
            analyses = analyze_parallel(extra_rules, items, workers, engine, adaptive=jobs is None)
        else:
            analyses = analyze_batch(engine, items)
        for index, analysis in zip(indexes, analyses, strict=True):
            planned[index].analysis = analysis
    finish()
    return None


def in_link_order(planned: list[PlannedFile], indexes: list[int]) -> list[int]:
    """`indexes` grouped by project, in the order the link takes the projects (that of
    their first file in the plan: the workspace's own order) and then the plan's. The link
    of a run asks the pool for each file as it goes (engine/early_link.py); in the plan's
    order a project the plan meets again after another one (corpus b: the wheels' sources,
    the samples' projects, then more wheels) had its last chunks analysed by the run's own
    process, out of order, while the workers analysed chunks the link wanted later."""
    rank: dict[str, int] = {}
    for item in planned:
        rank.setdefault(item.key.root, len(rank))
    return sorted(indexes, key=lambda index: rank[planned[index].key.root])


class PendingAnalyses:
    """A load whose pool is still running (`analyze_files(early=True)`): a file's analysis is
    made, or waited for, when first asked (`analysis`); `finish` gives every file its own
    and does what the load does after its pool (the prefetched files, the cache)."""

    def __init__(
        self,
        planned: list[PlannedFile],
        pooled: list[int],
        run: PoolRun,
        prefetched: set[int],
        prefetch: Prefetch | None,
        finish: Callable[[], None],
    ) -> None:
        self.planned = planned
        self.pooled = pooled
        self.places = {index: place for place, index in enumerate(pooled)}
        self.run = run
        self.prefetched = prefetched
        self.prefetch = prefetch
        self._finish = finish

    def analysis(self, index: int) -> FileAnalysis:
        """Planned file `index`'s analysis (the same object `finish` gives it)."""
        item = self.planned[index]
        if item.analysis is None:
            place = self.places.get(index)
            if place is not None:
                item.analysis = self.run.analysis(place)
            elif index in self.prefetched:
                _take_prefetched(item, self.prefetch)
        assert item.analysis is not None
        return item.analysis

    def abandon(self) -> None:
        """The link failed: the pool stops; nothing is cached (no file is analysed whole)."""
        self.run.close()
        if self.prefetch is not None:
            self.prefetch.release()

    def finish(self) -> None:
        """The pool's run done: every file its analysis, then the load's own end."""
        # `--timings`: the link's share of the phase it shares with the pool's analysis
        run = self.run
        timings.count(
            "read, analyse and link: ms the link's process analysed chunks", round(1000 * run.analysing_here)
        )
        timings.count(
            "read, analyse and link: ms the link's process waited for a worker", round(1000 * run.waiting)
        )
        for index, analysis in zip(self.pooled, run.finish(), strict=True):
            if self.planned[index].analysis is None:
                self.planned[index].analysis = analysis
        if timings.active():  # the workers' CPU counted in this phase, which used it
            reap_exited_workers()
        self._finish()


class _Rereads:
    """Files hashed for the cache are not kept in memory until analysed (filling an empty
    cache held every file's bytes at once): a settled file (its stat signature older than
    RACY_SECONDS) is read again where it is analysed, and its analysis is cached only if its
    signature is still the one taken before the first read. Other files keep their bytes."""

    def __init__(self, ids: FileIdsForCache | None) -> None:
        self.signatures = ids.signatures if ids is not None else {}
        self.settled_ns = ids.checked_ns - RACY_SECONDS * 1_000_000_000 if ids is not None else 0
        self.paths: dict[int, str | Path] = {}

    def path_or_bytes(self, index: int, path: str | Path, data: bytes) -> bytes | str:
        signature = self.signatures.get(index)
        if signature is None or max(signature[1], signature[2]) >= self.settled_ns:
            return data
        self.paths[index] = path
        return os.fspath(path)

    def changed(self, planned: list[PlannedFile]) -> set[int]:
        changed = set()
        for index, path in self.paths.items():
            try:
                same = stat_signature(path) == self.signatures[index]
            except OSError:
                same = False
            if not same or planned[index].analysis is None:
                changed.add(index)
        return changed


def _prefetched(planned: list[PlannedFile], prefetch: Prefetch) -> set[int]:
    """The files a worker took while the run planned, with the engine and packages the
    plan gives them now (others are analysed again: engine/prefetch.py)."""
    prefetch.stop()
    taken = set()
    for index, item in enumerate(planned):
        engine = item.engine
        own = item.packages & engine.sdk_roots() if engine is not None else frozenset()
        if item.analysis is None and engine is not None and prefetch.taken(item, engine, own):
            taken.add(index)
    return taken


def _take_prefetched(item: PlannedFile, prefetch: Prefetch | None) -> None:
    assert prefetch is not None and item.engine is not None
    found = prefetch.analysis(item)
    if found is None:  # the worker failed: analysed here
        own = item.packages & item.engine.sdk_roots()
        found = analyze_batch(item.engine, [work_item(item, os.fspath(item.path), own)])[0]
    item.analysis = found


def workers_for(jobs: int | None, files: int) -> int:
    """`--jobs`, else all cores for a large run and one process for a small one."""
    if jobs is not None:
        return jobs
    return cpu_count() if files >= PARALLEL_MIN_FILES else 1


def _empty_mark(analysis: FileAnalysis | None) -> int | None:
    """1 or 0 (parsed or not) for an analysis with nothing in it, else None."""
    if analysis is None or analysis.matches or analysis.fact_sites or analysis.suppressions:
        return None
    if analysis.local_calls or analysis.exports is not None:
        return None
    if analysis.summary or analysis.project_imports or analysis.reexports:
        return None
    if analysis.deferred_imports is not None:  # a deferred JS/TS file: the link decides
        return None
    return int(analysis.parsed)


def _take_hits(planned: list[PlannedFile], cache: AnalysisCache, keys: dict[int, str]) -> None:
    """Give each planned file whose key the cache holds its cached analysis."""
    hits = cache.get_many(list(keys.values()))
    for index, key in keys.items():
        if key in hits:
            planned[index].analysis = hits[key]
