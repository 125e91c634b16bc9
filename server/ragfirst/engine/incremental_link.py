"""Relink a project after an edit without relinking all of it (issue 24, the server).

A full link (project_model.link_project) resolves every file's imports and re-analyses
each file whose imports bind something; on a project of 7,700 files that takes 300-700 ms,
and the language server relinked after every edit that changed what a module offers
importers (a constant's value). This module keeps what the last link computed and, for the
files changed since, links again only what those changes can reach:

- the changed files themselves, and every file that read a summary from one of them,
  transitively (the importers, through re-exports and through modules whose own summary
  depends on an affected one): the *affected* set. Every other file keeps its final
  analysis, environment and summary, and the Python linker starts from its caches for
  them (`seed`), so an affected file reads exactly the summaries a full link gives it;
- JS/TS modules (js_link.py and the import edges) again only when a changed file is a
  JS/TS module (their cost is that of the project's scripts, not of all its files);
- the project index is updated file by file (`ProjectIndex.set_file`) for the files whose
  final analysis changed, instead of being rebuilt.

Linking is driven both ways: summaries flow from a module to its importers, and an
importer's *demands* (it wants a module's constants, or one name of a skipped module) flow
to the module it imports. The affected set covers the first; the second is checked: when
an affected file now asks another file for something it did not ask before (a new import,
a file that starts reading constants), or the seeded caches of an unaffected file had to
change, the incremental result might differ from a full link's and the caller links the
whole project instead. So does a file that came or went (import resolution changes), a
changed set of SDK packages (the rules changed), or an affected set above half the project.
A full link's result is the reference: tests/test_incremental_link.py compares the two
after every edit of a sequence.

The linker's caches are copied by name (`_SEEDED`): a new per-file cache in PythonLinker
must be listed there (a test fails when PythonLinker gains an attribute).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ragfirst.analyzers.python_exports import Descriptor
from ragfirst.engine.engine import FileAnalysis
from ragfirst.engine.js_link import _is_script, analyse_imported_modules
from ragfirst.engine.local_modules import ModuleSuffixes, resolve_module
from ragfirst.engine.project_model import components
from ragfirst.engine.python_link import LinkResult, ModuleIndex, PythonLinker, Reanalyze

if TYPE_CHECKING:
    from ragfirst.engine.workspace import ProjectState, WorkspaceFile

_SEEDED = ("_final", "_summaries", "_sdk_only", "_forced", "_declined")
"""PythonLinker's per-file caches, copied for the files an edit does not affect."""

LINKER_ATTRIBUTES = frozenset({"analyses", "index", "reanalyze", "result", "_visiting", *_SEEDED})
"""Every attribute of a PythonLinker this module knows (tests/test_incremental_link.py)."""

Demand = tuple[str, str, bool]  # (module as written, name, constants): what an import asks


class RecordingLinker(PythonLinker):
    """A Python linker that records, per importing file, which files' summaries it read
    (`reads`: the reverse edges of the affected set) and what it asked for (`demands`)."""

    def __init__(self, analyses: dict[str, FileAnalysis], index: ModuleIndex, reanalyze: Reanalyze) -> None:
        super().__init__(analyses, index, reanalyze)
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
        self.demands.setdefault(importer, set()).add((module, name, constants))
        reads = self.reads.setdefault(importer, set())
        for spec in (module, (f"{module}.{name}" if module.strip(".") else module + name) if name else None):
            target = self.index.resolve(importer, spec) if spec is not None else None
            if target is not None:
                reads.add(target)
        return super()._imported(importer, module, name, depth, constants)


class Recorder:
    """The linker factory a full link is given (`link_project(linker=...)`): it keeps the
    linker, whose caches the next incremental link starts from."""

    def __init__(self) -> None:
        self.linker: RecordingLinker | None = None

    def __call__(
        self, analyses: dict[str, FileAnalysis], index: ModuleIndex, reanalyze: Reanalyze
    ) -> PythonLinker:
        self.linker = RecordingLinker(analyses, index, reanalyze)
        return self.linker


@dataclass(slots=True)
class LinkState:
    """What the last link of a project computed, by file id."""

    linker: RecordingLinker
    inputs: dict[str, FileAnalysis]  # what a full link would start from (the files alone)
    finals: dict[str, FileAnalysis]  # each file's analysis after the link (identity: unchanged)
    environments: dict[str, str]
    python_edges: dict[str, list[str]]
    js_edges: dict[str, list[str]]
    scripts: list[str]  # files the JS/TS part of the link reads, in the project's order
    libraries: frozenset[str]
    stats: dict[str, int] = field(default_factory=dict)


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
    alone: dict[str, FileAnalysis],
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
    state.link = LinkState(linker, inputs, finals, environments, python_edges, js_edges, scripts, libraries)


def relink(state: ProjectState, members: dict[str, WorkspaceFile], reanalyze: Reanalyze) -> bool:
    """Link again what changed since the project's last link; False when a full link is
    needed instead (nothing was changed then)."""
    link: LinkState | None = state.link
    if link is None or members.keys() != link.finals.keys():
        return False
    dirty = [file_id for file_id, entry in members.items() if entry.analysis is not link.finals[file_id]]
    if not dirty:
        return True
    engine = next(iter(members.values())).engine
    if engine.sdk_roots() != link.libraries:
        return False
    inputs = dict(link.inputs)
    for file_id in dirty:
        entry = members[file_id]
        found = reanalyze(file_id, None, False) if entry.environment else None
        inputs[file_id] = found if found is not None else entry.analysis
    affected = _importers_of(dirty, link.linker.reads)
    if len(affected) > max(64, len(members) // 2):
        return False  # most of the project: a full link costs the same
    linker = _python_relink(link.linker, inputs, affected, reanalyze)
    if linker is None:
        return False
    index = link.linker.index
    scripts_changed = any(_reads_scripts(file_id, inputs[file_id]) for file_id in dirty) or any(
        _reads_scripts(file_id, link.inputs[file_id]) for file_id in dirty
    )
    finals: dict[str, FileAnalysis] = {}
    environments: dict[str, str] = {}
    for file_id in affected | set(dirty):
        finals[file_id] = linker.result.analyses.get(file_id, inputs[file_id])
        environments[file_id] = linker.result.environments.get(file_id, "")
    python_edges = dict(link.python_edges)
    for file_id in dirty:
        targets = [index.resolve(file_id, module) for module, _ in inputs[file_id].project_imports]
        python_edges[file_id] = [target for target in targets if target is not None]
        if not python_edges[file_id]:
            del python_edges[file_id]
    js_edges, scripts = link.js_edges, link.scripts
    if scripts_changed:
        gone = {file_id for file_id in dirty if not _reads_scripts(file_id, inputs[file_id])}
        scripts = [file_id for file_id in scripts if file_id not in gone]
        known = set(link.scripts)
        scripts += [file_id for file_id in dirty if file_id not in gone and file_id not in known]
        boundaries = not state.one_project
        js_finals, js_edges = _link_scripts({s: inputs[s] for s in scripts}, reanalyze, boundaries)
        for file_id in scripts:
            found = js_finals.get(file_id, inputs[file_id])
            if found is not link.finals[file_id] or file_id in finals:
                finals[file_id] = found
                environments.setdefault(file_id, "")
    _commit(state, members, link, linker, inputs, finals, environments, affected)
    link.python_edges, link.js_edges, link.scripts = python_edges, js_edges, scripts
    if not state.one_project:
        edges = [
            (a, b) for table in (python_edges, js_edges) for a, targets in table.items() for b in targets
        ]
        state.index.set_components(components(members, edges))
    COUNTERS.incremental += 1
    COUNTERS.affected += len(affected)
    return True


def _reads_scripts(file_id: str, analysis: FileAnalysis) -> bool:
    """Does the JS/TS part of the link read this file? (A JS/TS module, or a file with
    calls through the project's modules or exports: the rest add nothing to it.)"""
    return bool(analysis.local_calls) or analysis.exports is not None or _is_script(file_id)


def _importers_of(changed: list[str], reads: dict[str, set[str]]) -> set[str]:
    """The changed files and every file that read one's summary, transitively."""
    importers: dict[str, list[str]] = {}
    for importer, targets in reads.items():
        for target in targets:
            importers.setdefault(target, []).append(importer)
    affected = set(changed)
    stack = list(changed)
    while stack:
        for importer in importers.get(stack.pop(), ()):
            if importer not in affected:
                affected.add(importer)
                stack.append(importer)
    return affected


def _python_relink(
    previous: RecordingLinker, inputs: dict[str, FileAnalysis], affected: set[str], reanalyze: Reanalyze
) -> RecordingLinker | None:
    """Link the affected files again over the previous link's caches of the others; None
    when that cannot give a full link's result (see the module docstring)."""
    asked: set[str] = set()

    def recorded(path: str, environment: Any, force: bool | str) -> FileAnalysis | None:
        asked.add(path)
        return reanalyze(path, environment, force)

    linker = RecordingLinker(dict(inputs), previous.index, recorded)
    kept = {name: _without(getattr(previous, name), affected) for name in _SEEDED}
    for name, value in kept.items():
        setattr(linker, name, copy.copy(value) if name != "_declined" else _copy_declined(value))
    linker.reads = {path: targets for path, targets in previous.reads.items() if path not in affected}
    linker.demands = {path: asked_for for path, asked_for in previous.demands.items() if path not in affected}
    for path, analysis in inputs.items():
        if path in affected and analysis.used_imports:
            linker.final(path, 0)
    if not asked <= affected:
        return None  # an unaffected file was analysed again: its state changed
    for name in _SEEDED:
        if not _same(name, kept[name], _without(getattr(linker, name), affected)):
            return None
    for path in affected:
        if previous.demands.get(path, set()) != linker.demands.get(path, set()):
            return None  # it asks another file for something new (or no longer asks)
    return linker


def _without(cache: Any, affected: set[str]) -> Any:
    """A linker cache without the affected files' entries."""
    if isinstance(cache, set):
        return {path for path in cache if path not in affected}
    return {
        key: value
        for key, value in cache.items()
        if (key[0] if isinstance(key, tuple) else key) not in affected
    }


def _copy_declined(
    declined: dict[str, tuple[set[str], FileAnalysis]],
) -> dict[str, tuple[set[str], FileAnalysis]]:
    return {path: (set(names), analysis) for path, (names, analysis) in declined.items()}


def _same(name: str, before: Any, after: Any) -> bool:
    if isinstance(before, set):
        return bool(before == after)
    if before.keys() != after.keys():
        return False
    if name == "_declined":
        return all(before[k][0] == after[k][0] and before[k][1] is after[k][1] for k in before)
    return all(before[k] is after[k] for k in before)


def _link_scripts(
    analyses: dict[str, FileAnalysis], reanalyze: Reanalyze, boundaries: bool
) -> tuple[dict[str, FileAnalysis], dict[str, list[str]]]:
    """The JS/TS part of link_project over the files it reads: the skipped modules parsed
    for importers, and the import edges."""
    changed: dict[str, FileAnalysis] = {}
    analyses = dict(analyses)
    analyse_imported_modules(analyses, reanalyze, changed, boundaries)
    modules = {path: a.exports for path, a in analyses.items() if a.exports is not None}
    suffixes = ModuleSuffixes(modules)
    edges: dict[str, list[str]] = {}
    for path, analysis in analyses.items():
        specs = {local.module for local in analysis.local_calls}
        if analysis.exports is not None:
            specs.update(analysis.exports.imports)
        for spec in specs:
            target = resolve_module(path, spec, modules, suffixes)
            if target is not None:
                edges.setdefault(path, []).append(target)
    return changed, edges


def _commit(
    state: ProjectState,
    members: dict[str, WorkspaceFile],
    link: LinkState,
    linker: RecordingLinker,
    inputs: dict[str, FileAnalysis],
    finals: dict[str, FileAnalysis],
    environments: dict[str, str],
    affected: set[str],
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
        link.inputs[file_id] = inputs[file_id] if environments[file_id] else final
    summaries = {path: summary for path, summary in state.summaries.items() if path not in affected}
    summaries.update(linker.result.summaries)
    state.summaries = summaries
    link.linker = linker
