"""`lint_paths`' last step: each asked-for file's findings, with their display paths.

A project's findings depend on its own link and index only, so each project is finalized
as soon as its link is done (`Finalizing.linked`, called by `Workspace.relink`), not after
every project's: in a run whose link goes on while its pool still analyses, most of the
work is then done while the worker analyses the last chunks. On bench corpus b it was
finalize's 50-60 ms after the pool had finished, the run's process alone (220 small
projects in `samples-copies`, linked last). The findings keep the files' order, whichever
project was linked first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.checks.base import ProjectContext
from ragfirst.clock import today
from ragfirst.data.data_files import recording_reads, shared_data_files
from ragfirst.engine import timings
from ragfirst.engine.finalize_memo import FinalizeMemo
from ragfirst.reporters.paths import Places, display_found, present

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.engine.project import ProjectIndex
    from ragfirst.engine.runner import LintResult, _Planned, _Snapshotting
    from ragfirst.engine.workspace import Workspace
    from ragfirst.model import Finding


def project_context(
    settings: Settings, base_dir: Path, root: Path, memo: FinalizeMemo | None = None
) -> ProjectContext:
    """`memo`: the one of the run, shared by its contexts (engine/finalize_memo.py); a
    context of its own otherwise (the language server: one per request)."""
    memo = memo if memo is not None else FinalizeMemo()
    return ProjectContext(
        base_dir=memo.resolve(base_dir),
        root=memo.resolve(root),
        today=today(),
        settings=settings,
        data_files=shared_data_files(),
        memo=memo,
    )


class RunPlaces:
    """Each project's `Places` (reporters/paths.py), made when a finding needs one."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._by_home: dict[Path, Places] = {}
        self._ids: dict[str, list[str]] | None = None

    def __call__(self, home: Path, root: str, relative: bool = False) -> Places:
        found = self._by_home.get(home)
        if found is None:
            if self._ids is None:
                self._ids = {}
                for key in self.workspace.files:
                    self._ids.setdefault(key.root, []).append(key.id)
            found = self._by_home[home] = Places(root, home, self._ids.get(root, []), relative)
        return found


class Finalizing:
    """The findings of `items` (in their order), project by project as each is linked."""

    def __init__(
        self,
        items: list[_Planned],
        result: LintResult,
        snapshot: _Snapshotting | None,
        places: RunPlaces,
        workspace: Workspace,
    ) -> None:
        self.items = items
        self.result = result
        self.snapshot = snapshot
        self.places = places
        self.workspace = workspace
        self._waiting: dict[str, list[int]] = {}  # project root -> its items not finalized yet
        for index, item in enumerate(items):
            self._waiting.setdefault(item.key.root, []).append(index)
        self._found: dict[int, list[Finding]] = {}
        self._contexts: dict[tuple[int, Path], ProjectContext] = {}
        self._memo = FinalizeMemo()  # real paths and manifests, for the run (finalize_memo.py)
        self._fingerprints: dict[Path, str] = {}

    def linked(self, root: str) -> None:
        """The project at `root` is linked: its files' findings now (an unreadable
        directory's one RF000 waits for `finish`: its project is the result's)."""
        files = self.workspace.files
        later = []
        with timings.within("finalize"):  # (not the link's time: `--timings`, the bench)
            for index in self._waiting.pop(root, ()):
                item = self.items[index]
                entry = files.get(item.key)
                if entry is None:
                    later.append(index)
                    continue
                item.analysis = entry.analysis
                self._finalize(index, self.workspace.projects[root].index)
        if later:
            self._waiting[root] = later

    def finish(self) -> None:
        """Every item no project link finalized, then all findings into the result."""
        for indexes in self._waiting.values():
            for index in indexes:
                self._finalize(index, self.result.projects[self.items[index].home])
        self._waiting.clear()
        for index in sorted(self._found):
            self.result.findings.extend(self._found[index])

    def _finalize(self, index: int, project: ProjectIndex) -> None:
        """One file's findings, or the snapshot's when nothing they depend on changed;
        then their display paths (reporters/paths.py), the only place a path relative to
        the working directory is made."""
        item = self.items[index]
        analysis = item.analysis
        assert analysis is not None
        if not analysis.matches and not analysis.local_calls and not analysis.suppressions:
            return  # nothing to finalize (most files of a large tree)
        snapshot = self.snapshot
        project_fingerprint = ""
        findings: list[Finding] | None = None
        if snapshot is not None:
            project_fingerprint = self._fingerprints.get(item.home) or self._fingerprints.setdefault(
                item.home, project.fingerprint()
            )
            findings = snapshot.reusable(index, project_fingerprint)
        if findings is None:
            # Data files a training call names are read only inside the project: its root,
            # else the directory that was asked for. Finding paths are relative to the root.
            context_key = (id(item.settings), item.home)  # one context per settings and root
            context = self._contexts.get(context_key)
            if context is None:
                context = self._contexts[context_key] = project_context(
                    item.settings, Path(item.key.root), item.home, self._memo
                )
            assert item.engine is not None
            with recording_reads() as reads:  # the data files its findings come from
                if item.key in self.workspace.files:
                    findings = self.workspace.findings_for(item.key, context)
                else:  # an unreadable directory or .gitignore: its one RF000
                    findings = item.engine.finalize(analysis, project, item.settings, context)
            shown = item.shown or display_found(item.path, *_where(item))
            findings = present(
                findings, shown, self.places(item.home, item.key.root, not item.scan_root.is_absolute())
            )
            if snapshot is not None:  # stored as shown: a snapshot's scope is its directory
                snapshot.remember(index, project_fingerprint, reads, findings)
        self._found[index] = findings


def _where(item: _Planned) -> tuple[str, str, bool]:
    path = os.fspath(item.path)
    directory, name = os.path.split(path)
    return directory, name, os.path.islink(path)
