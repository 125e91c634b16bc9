"""A run's link starts before its analysis is done (issue 26).

A cold run analysed every file in two processes (the run's own and a pool worker, on a
2-core machine), then linked across modules in the run's process alone: the worker was
idle for the whole link (0.7 s of corpus b's 2 s, where the link proves that 6 diffusers
files reach no SDK value through 1,300 of diffusers' modules). Now the run's process
leaves its pool running (`analyze_files(early=True)`: parallel.PoolRun) and links at once:
each file's analysis is taken from the pool when the link first reads it, made here if its
chunk is not handed out yet, while the worker goes on with the next chunks; whatever the
link did not read is collected at the end (`EarlyLoad.finish`).

The link reads the same analyses in the same order as after a finished load (each file's
is a pure function of its bytes, rules and packages), so it finds the same: only when it
runs changes. The language server never loads this way (its link state is kept between
edits: incremental_link.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from ragfirst.engine.engine import FileAnalysis

if TYPE_CHECKING:
    from ragfirst.engine.file_ids import FileKey
    from ragfirst.engine.workspace import WorkspaceFile
    from ragfirst.engine.workspace_load import PendingAnalyses

PENDING = FileAnalysis("<pending>")
"""A workspace file's analysis while its load's pool has not given it yet."""


class EarlyLoad:
    """The workspace's files whose analyses a running load still owes."""

    def __init__(self, pending: PendingAnalyses, places: dict[FileKey, int]) -> None:
        self.pending = pending
        self.places = places  # file key -> its place in the load's plan

    def analysis(self, entry: WorkspaceFile) -> FileAnalysis:
        """The file's analysis alone, taken from the load the first time."""
        if entry.analysis is PENDING:
            entry.analysis = self.pending.analysis(self.places[entry.key])
        return entry.analysis

    def abandon(self) -> None:
        """The link failed or was interrupted: the pool stops (its chunks not begun are
        dropped) and no file gets the rest of the analyses."""
        self.pending.abandon()

    def finish(self, files: Mapping[FileKey, WorkspaceFile]) -> None:
        """The load done: every file has its analysis (and the cache its entries)."""
        self.pending.finish()
        for key, place in self.places.items():
            entry = files.get(key)
            if entry is not None and entry.analysis is PENDING:
                analysis = self.pending.planned[place].analysis
                assert analysis is not None
                entry.analysis = analysis


class LoadingAnalyses(Mapping[str, FileAnalysis]):
    """A project's files as analysed alone, by file id, in the project's order; each
    analysis read through `take` (from the running load, the first time)."""

    def __init__(
        self, members: dict[str, WorkspaceFile], take: Callable[[WorkspaceFile], FileAnalysis]
    ) -> None:
        self.members = members
        self.take = take

    def __getitem__(self, file_id: str) -> FileAnalysis:
        return self.take(self.members[file_id])

    def __contains__(self, file_id: object) -> bool:  # (without taking the analysis)
        return file_id in self.members

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)
