"""The link's analyses of one project's files, parsing a file it reaches once.

A file the prefilter left to the link (it names a project module's client, no SDK) is
parsed once an SDK value reaches it (`PROJECT_FORCE`), for what it offers and reads, and
then analysed with what its imports bind: the second analysis runs on the first one's
syntax tree (python_chunks.RecentTexts). Used by a full link (workspace.py) and by an
incremental one (incremental_link.py); not where a parser is in use already (the
language server's edited document has its ChunkedParser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ragfirst.analyzers.python_chunks import RecentTexts, current_parser, reusing_unchanged_statements
from ragfirst.engine import timings
from ragfirst.engine.link_gate import PROJECT_FORCE

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Environment
    from ragfirst.engine.engine import FileAnalysis
    from ragfirst.engine.workspace import WorkspaceFile

REUSED = "link: analysed on a tree parsed before (not parsed again)"
"""The `--timings` count of the analyses `LinkAnalyses` saved a parse."""


class LinkAnalyses:
    """The link's `reanalyze(file_id, environment, force)` for one link of a project.

    `analyse` analyses a workspace entry (Workspace.reanalyze); `entry_of` finds the entry
    of a file id (the caller's members: None, or KeyError, for one it does not hold). The
    linker may keep this object: `done` lets the trees go after each link."""

    def __init__(
        self,
        analyse: Callable[[WorkspaceFile, Environment | None, bool | str], FileAnalysis | None],
        entry_of: Callable[[str], WorkspaceFile | None],
    ) -> None:
        self._analyse = analyse
        self._entry_of = entry_of
        self._trees = RecentTexts() if current_parser() is None else None

    def __call__(
        self, file_id: str, environment: Environment | None, force: bool | str
    ) -> FileAnalysis | None:
        entry = self._entry_of(file_id)
        if entry is None:
            return None
        trees = self._trees
        if trees is None:
            return self._analyse(entry, environment, force)
        trees.keeping = force == PROJECT_FORCE  # (a module parsed for its summary: rarely again)
        with reusing_unchanged_statements(trees):
            return self._analyse(entry, environment, force)

    def done(self) -> None:
        """The link is over: its saved parses counted for `--timings`, its trees dropped."""
        trees = self._trees
        if trees is not None:
            if trees.reused:
                timings.count(REUSED, trees.reused)
            trees.clear()
