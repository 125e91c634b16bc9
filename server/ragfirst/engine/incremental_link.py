"""Relink a project after an edit without relinking all of it (issue 24, the server).

A full link (project_model.link_project) resolves every file's imports and re-analyses
each file whose imports bind something; on a project of 7,700 files that takes 300-700 ms,
and the language server relinked after every edit that changed what a module offers
importers (a constant's value). This module keeps what the last link computed and, for the
files changed since, links again only what those changes can reach:

- the changed files themselves (`Workspace.update` notes them: `touched`), and every file
  that read a summary from one of them, transitively (the importers, through re-exports
  and through modules whose own summary depends on an affected one): the *affected* set.
  Every other file keeps its final analysis, environment and summary; the last link's
  Python linker is kept and runs again for the affected files only, over its caches of
  the others, so an affected file reads exactly the summaries a full link gives it;
- JS/TS modules (js_link.py and the import edges) again only when a changed file is read
  by that part of the link (its cost is that of the project's scripts, not of all files);
- the project index is updated file by file (`ProjectIndex.set_file`) for the relinked
  files, instead of being rebuilt; files that came or went: link_membership.py.

Linking is driven both ways: summaries flow from a module to its importers, and an
importer's *demands* (it wants a module's constants, or one name of a skipped module) flow
to the module it imports. The affected set covers the first; the second is checked: when
an affected file now asks another file for something it did not ask before or no longer
asks (a new import, a file that starts reading constants) and that file's link depends on
who asks (`RecordingLinker.pure`), or the cached link of an unaffected file was written
(the caches note it: `_Journal`), the incremental result might differ from a full link's
and the project is linked fully instead. So does a changed set of SDK packages (the rules
changed) or an affected set above half the project. A full link's result is the
reference: tests/test_incremental_link.py compares the two after every edit of a
sequence. Only the server keeps link state (`Workspace.incremental`): the CLI links once.

The linker's caches are named in `_SEEDED`: a new per-file cache in PythonLinker must be
listed there (a test fails when PythonLinker gains an attribute).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ragfirst.analyzers.python_exports import Descriptor
from ragfirst.engine.engine import FileAnalysis
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.js_link import _is_script, importers_of
from ragfirst.engine.link_membership import membership_changed
from ragfirst.engine.link_parses import LinkAnalyses
from ragfirst.engine.project_model import components, script_links
from ragfirst.engine.python_link import (
    LinkResult,
    ModuleIndex,
    PythonLinker,
    Reanalyze,
    import_modules,
    submodule_spec,
)

if TYPE_CHECKING:
    from ragfirst.engine.workspace import ProjectState, Workspace, WorkspaceFile

_SEEDED = ("_final", "_summaries", "_read", "_forced", "_declined", "_reached")
"""PythonLinker's per-file caches, kept for the files an edit does not affect. Keys are
file ids, or (file id, constants) for `_summaries`."""

_SKIPPED_CACHES = ("_forced", "_declined")

LINKER_ATTRIBUTES = frozenset(
    {"analyses", "index", "reanalyze", "result", "texts", "_visiting", "_paths", "_sdk", *_SEEDED}
)
"""Every attribute of a PythonLinker this module knows (tests/test_incremental_link.py)."""

Demand = tuple[str, str, bool]  # (file, name, constants): what an import asks of a project file


class _Journal(dict):  # type: ignore[type-arg]
    """A linker cache that, while `written` is a set, notes the files whose entries change."""

    written: set[str] | None = None

    def _note(self, key: Any) -> None:
        if self.written is not None:
            self.written.add(key[0] if isinstance(key, tuple) else key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._note(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._note(key)
        super().__delitem__(key)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().setdefault(key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        self._note(key)
        return super().pop(key, *default)


class _JournalSet(set):  # type: ignore[type-arg]
    written: set[str] | None = None

    def add(self, item: Any) -> None:
        if self.written is not None and item not in self:
            self.written.add(item)
        super().add(item)

    def discard(self, item: Any) -> None:
        if self.written is not None and item in self:
            self.written.add(item)
        super().discard(item)


class RecordingLinker(PythonLinker):
    """A Python linker that records, per importing file, which files' summaries it read
    (`reads`: the reverse edges of the affected set) and what it asked for (`demands`),
    and whose caches can note what a later incremental link changes in them."""

    def __init__(
        self, analyses: Mapping[str, FileAnalysis], index: ModuleIndex, reanalyze: Reanalyze
    ) -> None:
        super().__init__(analyses, index, reanalyze)
        self.texts = None  # a clean closure is not noted as read: every import is asked
        for name in _SEEDED:
            cache = getattr(self, name)
            setattr(self, name, _JournalSet(cache) if isinstance(cache, set) else _Journal(cache))
        self.reads: dict[str, set[str]] = {}
        self.demands: dict[str, set[Demand]] = {}
        self.python_edges: list[tuple[str, str]] = []

    def link(self) -> LinkResult:
        result = super().link()
        self.python_edges = list(result.edges)  # link_project appends the JS/TS edges after
        return result

    def _imported(
        self, importer: str, module: str, name: str, depth: int, constants: bool
    ) -> Descriptor | None:
        descriptor = super()._imported(importer, module, name, depth, constants)
        # What it read, as the linker resolved it (these resolutions are cached): the module,
        # and the submodule `from package import name` falls back to when the package's
        # summary has no `name` (an import of no project file asks nothing of the project).
        reads = self.reads.setdefault(importer, set())
        demands = self.demands.setdefault(importer, set())
        target = self.index.resolve(importer, module)
        if target is not None:
            reads.add(target)
            demands.add((target, name, constants))
        if name and (target is None or self._summaries.get((target, constants), {}).get(name) is None):
            submodule = self.index.resolve(importer, submodule_spec(module, name))
            if submodule is not None:
                reads.add(submodule)
                demands.add((submodule, "", constants))
        return descriptor

    def forget(self, paths: set[str]) -> None:
        """Drop the caches' entries of these files (they are linked again)."""
        for name in _SEEDED:
            cache = getattr(self, name)
            for path in paths:
                if isinstance(cache, set):
                    cache.discard(path)
                elif name == "_summaries":
                    cache.pop((path, True), None)
                    cache.pop((path, False), None)
                else:
                    cache.pop(path, None)

    def journal(self, written: set[str] | None, skipped: set[str] | None = None) -> None:
        """Note the files whose cache entries change in `written`, and in `skipped` those
        whose parse as a prefilter-skipped module changes (None: stop noting)."""
        for name in _SEEDED:
            getattr(self, name).written = skipped if name in _SKIPPED_CACHES else written

    def pure(self, path: str) -> bool:
        """Is the module's link the same whoever asks it for what? Yes when the analysis
        the linker reads for it (as parsed for importers, if the prefilter skipped it) is
        parsed and none of its imports or re-exports names a project file: no environment,
        so its final analysis and its summary (with or without constants) are that
        analysis's (`from openai import OpenAI` binds nothing)."""
        if path in self._declined:
            return False
        analysis = self._alone(path)
        if analysis is None or not analysis.parsed:
            return False
        for module, name in (*analysis.used_imports, *analysis.reexports.values()):
            submodule = submodule_spec(module, name) if name else None
            for spec in (module, submodule):
                if spec is not None and self.index.resolve(path, spec) is not None:
                    return False
        return True


class Recorder:
    """The linker factory a full link is given (`link_project(linker=...)`): it keeps the
    linker, whose caches the next incremental link starts from."""

    def __init__(self, keep: bool = True, texts: bool = True) -> None:
        self.keep = keep  # False (the CLI's single link): a plain linker, nothing kept
        # ... which reads imported texts before it parses for them (text_closure.py; never
        # a kept linker: its importers would have to note every module of a closure read)
        self.texts = texts
        self.linker: RecordingLinker | None = None
        self.index: ModuleIndex | None = None  # the link's module index (the project's after)

    def __call__(
        self, analyses: Mapping[str, FileAnalysis], index: ModuleIndex, reanalyze: Reanalyze
    ) -> PythonLinker:
        self.index = index
        if not self.keep:
            linker = PythonLinker(analyses, index, reanalyze)
            if not self.texts:
                linker.texts = None
            return linker
        self.linker = RecordingLinker(analyses, index, reanalyze)
        return self.linker


@dataclass(slots=True)
class LinkState:
    """What the last link of a project computed, by file id. An incremental link updates it
    in place (a failed one leaves it half updated: the full link that follows replaces it)."""

    linker: RecordingLinker
    inputs: dict[str, FileAnalysis]  # what a full link would start from (the files alone)
    finals: dict[str, FileAnalysis]  # each file's analysis after the link (identity: unchanged)
    environments: dict[str, str]
    python_edges: dict[str, list[str]]
    js_edges: dict[str, list[str]]
    scripts: list[str]  # files the JS/TS part of the link reads
    libraries: frozenset[str]
    order: dict[str, int]  # the files' order in the project (a full link's order)
    importers: dict[str, set[str]] = field(default_factory=dict)  # reverse of linker.reads
    touched: set[str] = field(default_factory=set)  # files updated since (`touched`)
    came: set[str] = field(default_factory=set)  # files added since
    went: set[str] = field(default_factory=set)  # files removed since
    serial: int = 0  # the next added file's place in `order`
    js_dirty: bool = False  # a JS/TS module went: the JS/TS part is linked again
    # (serial, file count, import edges) the project's boundaries were last computed from
    components_key: tuple[int, int, frozenset[tuple[str, str]]] | None = None


class _Members:
    """A project's files in the workspace, by file id (without a pass over all files)."""

    def __init__(self, files: dict[FileKey, WorkspaceFile], root: str) -> None:
        self.files = files
        self.root = root

    def __getitem__(self, file_id: str) -> WorkspaceFile:
        return self.files[FileKey(self.root, file_id)]


@dataclass(slots=True)
class Counters:
    """How often projects were linked fully and incrementally (tests and the bench)."""

    full: int = 0
    incremental: int = 0
    affected: int = 0  # files linked again by incremental links, in total


COUNTERS = Counters()


def remember(
    state: ProjectState,
    members: dict[str, WorkspaceFile],
    alone: Mapping[str, FileAnalysis],
    result: LinkResult,
    recorder: Recorder,
    libraries: frozenset[str],
) -> None:
    """Keep a full link's state on the project (after `Workspace._relink` stored it)."""
    COUNTERS.full += 1
    linker = recorder.linker
    if linker is None:
        state.link = None
        return
    finals = {file_id: entry.analysis for file_id, entry in members.items()}
    environments = {file_id: entry.environment for file_id, entry in members.items()}
    python_edges: dict[str, list[str]] = {}
    for importer, target in linker.python_edges:
        python_edges.setdefault(importer, []).append(target)
    js_edges: dict[str, list[str]] = {}
    for importer, target in result.edges[len(linker.python_edges) :]:
        js_edges.setdefault(importer, []).append(target)
    inputs = {file_id: alone[file_id] if environments[file_id] else finals[file_id] for file_id in members}
    scripts = [file_id for file_id, analysis in inputs.items() if _reads_scripts(file_id, analysis)]
    order = {file_id: number for number, file_id in enumerate(members)}
    link = LinkState(linker, inputs, finals, environments, python_edges, js_edges, scripts, libraries, order)
    for importer, targets in linker.reads.items():
        for target in targets:
            link.importers.setdefault(target, set()).add(importer)
    link.serial = len(order)
    state.link = link


def touched(state: ProjectState, file_id: str, membership: str = "") -> None:
    """A file of the project changed (`Workspace.update`), or came (`membership` "add")
    or went ("remove"): link_membership.py decides at the next link whether that can be
    linked incrementally (no import resolves differently) or needs a full link."""
    link: LinkState | None = state.link
    if link is None:
        return
    if membership == "remove":
        link.touched.discard(file_id)  # an edit before it went: nothing of it to relink
        if file_id in link.came:
            state.link = None  # came and went between two links: a full link
        elif file_id in link.finals:
            link.went.add(file_id)
    elif membership == "add" and file_id not in link.finals:
        if file_id in link.went:
            state.link = None  # went and came back (last in the project's order): a full link
        else:
            link.came.add(file_id)
    else:
        link.touched.add(file_id)


def relink(workspace: Workspace, state: ProjectState) -> bool:
    """Link again what changed since the project's last link; False when a full link is
    needed instead (nothing was changed then, but the link state may be spent)."""
    link: LinkState | None = state.link
    if link is None:
        return False
    finals = link.finals
    members = _Members(workspace.files, state.root)
    membership = bool(link.came or link.went)
    if membership and not membership_changed(state, link, members):
        state.link = None
        return False
    dirty = sorted(
        (file_id for file_id in link.touched if members[file_id].analysis is not finals[file_id]),
        key=link.order.__getitem__,
    )
    link.touched.clear()
    if not dirty and not membership:
        return True
    if not link.order:
        return False  # no file left
    engine = members[next(iter(link.order))].engine  # the engine a full link takes
    if engine.sdk_roots() != link.libraries:
        return False
    affected = importers_of(dirty, link.importers)  # and the files that read their summaries
    if len(affected) > max(64, len(finals) // 2):
        return False  # most of the project: a full link costs the same

    reanalyze = LinkAnalyses(workspace.reanalyze, members.__getitem__)  # (a reached file: one parse)
    state.link = None  # spent until the commit below (a failed link leaves it half updated)
    try:
        relinked = _relink_files(state, link, members, dirty, affected, reanalyze)
    finally:
        reanalyze.done()  # its kept trees dropped, whatever happened
    if relinked is None:
        return False
    new_finals, environments, old_reads = relinked
    _commit(state, members, link, new_finals, environments, affected, old_reads)
    if not state.one_project:
        # The boundaries move only when an import edge or a file did: most edits change
        # neither, and recomputing them walks every file (56 ms on 8,815 files).
        edges = frozenset(
            (a, b)
            for table in (link.python_edges, link.js_edges)
            for a, targets in table.items()
            for b in targets
        )
        key = (link.serial, len(link.order), edges)
        if key != link.components_key:
            link.components_key = key
            state.index.set_components(components(link.order, edges))
    state.link = link
    COUNTERS.incremental += 1
    COUNTERS.affected += len(affected)
    return True


def _relink_files(
    state: ProjectState,
    link: LinkState,
    members: _Members,
    dirty: list[str],
    affected: set[str],
    reanalyze: LinkAnalyses,
) -> tuple[dict[str, FileAnalysis], dict[str, str], dict[str, set[str]]] | None:
    """`relink`'s work on the changed files and their importers: their new final analyses,
    environments and the reads they replace; None when a full link is needed."""
    finals = link.finals
    scripts_changed = link.js_dirty or any(_reads_scripts(file_id, link.inputs[file_id]) for file_id in dirty)
    link.js_dirty = False
    for file_id in dirty:
        entry = members[file_id]
        found = reanalyze(file_id, None, False) if entry.environment else None
        link.inputs[file_id] = found if found is not None else entry.analysis
    inputs = link.inputs
    scripts_changed = scripts_changed or any(_reads_scripts(file_id, inputs[file_id]) for file_id in dirty)
    old_reads = _python_relink(link, dirty, affected, reanalyze)
    if old_reads is None:
        return None
    linker = link.linker
    new_finals: dict[str, FileAnalysis] = {}
    environments: dict[str, str] = {}
    for file_id in affected:
        new_finals[file_id] = linker.result.analyses.get(file_id, inputs[file_id])
        environments[file_id] = linker.result.environments.get(file_id, "")
    for file_id in dirty:
        targets = [linker.index.resolve(file_id, module) for module in import_modules(inputs[file_id])]
        link.python_edges[file_id] = [target for target in targets if target is not None]
        if not link.python_edges[file_id]:
            del link.python_edges[file_id]
    if scripts_changed:
        gone = {file_id for file_id in dirty if not _reads_scripts(file_id, inputs[file_id])}
        known = set(link.scripts)
        link.scripts = [file_id for file_id in link.scripts if file_id not in gone]
        link.scripts += [file_id for file_id in dirty if file_id not in gone and file_id not in known]
        js_finals, link.js_edges = _link_scripts(
            {file_id: inputs[file_id] for file_id in link.scripts}, reanalyze, not state.one_project
        )
        for file_id in link.scripts:
            found = js_finals.get(file_id, inputs[file_id])
            if found is not finals[file_id] or file_id in new_finals:
                new_finals[file_id] = found
                environments.setdefault(file_id, "")
    return new_finals, environments, old_reads


def _reads_scripts(file_id: str, analysis: FileAnalysis) -> bool:
    """Does the JS/TS part of the link read this file? (A JS/TS module, or a file with
    calls through the project's modules or exports: the rest add nothing to it.)"""
    if analysis.local_calls or analysis.exports is not None:
        return True
    return not file_id.endswith(".py") and _is_script(file_id)  # most files: no registry lookup


def _python_relink(
    link: LinkState, dirty: list[str], affected: set[str], reanalyze: Reanalyze
) -> dict[str, set[str]] | None:
    """Link the affected files again in the last link's linker, over its caches of the
    other files; returns what the affected files read before (None when the result could
    differ from a full link's: see the module docstring)."""
    linker = link.linker
    asked: set[str] = set()

    def recorded(path: str, environment: Any, force: bool | str) -> FileAnalysis | None:
        asked.add(path)
        return reanalyze(path, environment, force)

    for file_id in dirty:
        linker.analyses[file_id] = link.inputs[file_id]  # type: ignore[index]  # (a kept linker's: a dict)
    linker.forget(affected)
    old_demands = {path: linker.demands.pop(path, set()) for path in affected}
    old_reads = {path: linker.reads.pop(path, set()) for path in affected}
    linker.reanalyze, linker.result, linker._visiting = recorded, LinkResult(), set()
    written: set[str] = set()
    skipped: set[str] = set()
    linker.journal(written, skipped)
    try:
        for path in sorted(affected, key=link.order.__getitem__):
            linker.link_own(path, linker.analyses[path])
    finally:
        linker.journal(None)
        linker.reanalyze = reanalyze
    if not asked <= affected or not skipped <= affected:
        return None  # another file was analysed again, or parsed for its summary
    # Files outside the affected set whose link may differ from a full link's: those whose
    # cached link changed, and those asked for something new or no longer asked (which
    # other importers, earlier or later in a full link's order, may change). Neither
    # matters for a module whose link is the same whoever asks (`pure`): a route typing
    # `from app.settings import CHAT_MODEL` links incrementally.
    changed = set(written)
    for path in affected:
        old, new = old_demands[path], linker.demands.get(path, set())
        if old != new:
            changed.update(target for target, _, _ in old ^ new)
    if not all(linker.pure(path) for path in changed - affected):
        return None
    return old_reads


def _link_scripts(
    analyses: dict[str, FileAnalysis], reanalyze: Reanalyze, boundaries: bool
) -> tuple[dict[str, FileAnalysis], dict[str, list[str]]]:
    """The JS/TS part of link_project (project_model.script_links) over the files it
    reads: the skipped modules parsed for importers, and the import edges by importer."""
    changed: dict[str, FileAnalysis] = {}
    edges: dict[str, list[str]] = {}
    for path, target in script_links(analyses, reanalyze, changed, boundaries):
        edges.setdefault(path, []).append(target)
    return changed, edges


def _commit(
    state: ProjectState,
    members: _Members,
    link: LinkState,
    finals: dict[str, FileAnalysis],
    environments: dict[str, str],
    affected: set[str],
    old_reads: dict[str, set[str]],
) -> None:
    """Put the relinked files' analyses in the workspace, the index and the link state."""
    for file_id, final in finals.items():
        entry = members[file_id]
        entry.analysis = final
        entry.environment = environments[file_id]
        state.index.set_file(file_id, final.fact_sites, final.exports)  # `update` put the edit's there
        if environments[file_id]:
            state.index.environments[file_id] = environments[file_id]
        else:
            state.index.environments.pop(file_id, None)
        link.finals[file_id] = final
        link.environments[file_id] = environments[file_id]
        if not environments[file_id]:
            link.inputs[file_id] = final
    linker = link.linker
    for path, targets in old_reads.items():
        for target in targets:
            link.importers.get(target, set()).discard(path)
        for target in linker.reads.get(path, ()):
            link.importers.setdefault(target, set()).add(path)
    for path in affected:
        state.summaries.pop(path, None)
    for targets in old_reads.values():  # a module no file reads any more: no summary
        for target in targets:
            if target not in affected and not link.importers.get(target):
                state.summaries.pop(target, None)
    state.summaries.update(linker.result.summaries)
    for path in affected:  # a module read again whose summary the linker had kept (a
        # star import or a whole-module import of it, new since no file read it): as a
        # full link, which computes it, has it
        for target in linker.reads.get(path, ()):
            if target not in state.summaries:
                kept = linker._summaries.get((target, True)) or linker._summaries.get((target, False))
                if kept:
                    state.summaries[target] = kept
