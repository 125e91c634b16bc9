"""Lint a set of paths: discover, analyze each file, build the project index, finalize.

The CLI calls this; the language server uses the same Engine directly per document.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.analyzers.registry import language_of
from ragfirst.checks.base import ProjectContext
from ragfirst.clock import today
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.config.validation import validate_config
from ragfirst.data.data_files import FileState, recording_reads, shared_data_files
from ragfirst.engine import progress
from ragfirst.engine.cache import (
    AnalysisCache,
    StatSignature,
    content_key,
    rules_fingerprint,
    stat_signature,
)
from ragfirst.engine.discovery import FoundFile, discover_files
from ragfirst.engine.engine import Engine, FileAnalysis, default_context, read_file_bytes
from ragfirst.engine.outbound import escape_surrogates
from ragfirst.engine.parallel import (
    analyze_batch,
    analyze_parallel,
    cpu_count,
    unreadable,
)
from ragfirst.engine.project import ProjectIndex
from ragfirst.engine.project_roots import ProjectRoots
from ragfirst.engine.run_snapshot import FileEntry, RunSnapshot, inputs_digest
from ragfirst.engine.selection import narrowed_engine, selection_tag
from ragfirst.engine.skipped import SkipTally
from ragfirst.model import Finding
from ragfirst.real_paths import RealDirectories
from ragfirst.resources import package_data_dir
from ragfirst.rules.loader import load_ruleset

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Environment
    from ragfirst.engine.workspace import WorkspaceFile


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    files_parsed: int = 0
    settings: list[Settings] = field(default_factory=list)  # each distinct one the files used
    skipped: SkipTally = field(default_factory=SkipTally)  # generated, vendored, gitignored
    # Each project's index of facts, by project root (empty when the run snapshot answered:
    # `ragfirst report` lints without the cache to read them).
    projects: dict[Path, ProjectIndex] = field(default_factory=dict)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, POSIX separators either way."""
    cwd = os.getcwd()
    text = os.fspath(path)
    # A file that is not a link resolves to its resolved directory plus its name: one
    # lstat instead of resolving every component of every path.
    if os.path.islink(text):
        resolved = os.path.realpath(text)
    else:
        directory, name = os.path.split(text)
        resolved = os.path.join(_resolved(cwd, directory), name)
    base = _resolved(cwd, cwd)
    base = base if base.endswith(os.sep) else base + os.sep
    if resolved.startswith(base):
        return escape_surrogates(resolved[len(base) :].replace(os.sep, "/"))
    return escape_surrogates(path.as_posix())  # a non-UTF-8 name: printable, storable


_REAL_DIRECTORIES = RealDirectories()


@lru_cache(maxsize=4096)
def _display_prefix(cwd: str, directory: str) -> str | None:
    """What display_path puts before the name of a file (not a link) in `directory`: its
    resolved path relative to the working directory, with a trailing "/" ("" for the
    working directory itself); None when it is not below the working directory."""
    resolved = _resolved(cwd, directory) + os.sep
    base = _resolved(cwd, cwd)
    base = base if base.endswith(os.sep) else base + os.sep
    if not resolved.startswith(base):
        return None
    return resolved[len(base) :].replace(os.sep, "/")


def _display_found(cwd: str, found: FoundFile) -> str:
    """display_path for a discovered file, from its directory's cached prefix."""
    prefix = None if found.is_link else _display_prefix(cwd, found.directory)
    if prefix is None:
        return display_path(Path(found.path))
    return escape_surrogates(prefix + found.name)


@lru_cache(maxsize=4096)
def _resolved(cwd: str, directory: str) -> str:
    """`directory` (relative to `cwd`) with links resolved; cached per working directory."""
    return _REAL_DIRECTORIES(os.path.join(cwd, directory))


def _lexical_display_path(path: Path) -> str:
    """Like display_path, without following links (for a path that links out of the root)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(os.getcwd())).as_posix()
    except ValueError:
        return display_path(path)


class EngineCache:
    """One Engine per distinct set of extra rule packs (most projects: exactly one)."""

    def __init__(self) -> None:
        self._engines: dict[tuple[Path, ...], Engine] = {}
        # By value (equal settings, one entry) and narrowing.
        self._by_settings: dict[tuple[Settings, bool], Engine] = {}
        self.narrow = False  # engine/selection.py: engines for the enabled rules only
        self._narrowed: dict[tuple[int, frozenset[str]], Engine] = {}

    def for_settings(self, settings: Settings, validate: bool = True) -> Engine:
        """`validate`: check the config's rule ids and option values against the rules
        (the language server, keeping the last good settings while the config file is
        broken, asks without: the file on disk is not what those settings came from)."""
        known = self._by_settings.get((settings, self.narrow))
        if known is not None:
            return known
        key = settings.extra_rules
        if key not in self._engines:
            self._engines[key] = Engine(load_ruleset(key))
        engine = self._engines[key]
        if self.narrow:
            engine = narrowed_engine(engine, settings, self._narrowed)
        if not validate:
            return engine
        validate_config(settings, engine.ruleset)  # unknown ids, bad option values
        self._by_settings[(settings, self.narrow)] = engine
        return engine

    def selection_tag(self, settings: Settings) -> str:
        """What the cache keys of this cache's engines add for these settings."""
        return selection_tag(settings) if self.narrow else ""


PARALLEL_MIN_FILES = 200
"""Below this many files to analyse, a process pool costs more than it saves."""


@dataclass(slots=True)
class _Planned:
    path: str | Path  # as discovered (a str), or a Path reported by discovery
    scan_root: Path
    settings: Settings
    engine: Engine | None  # None until needed: a run answered by its snapshot loads no rules
    shown: str
    analysis: FileAnalysis | None = None
    project: Path | None = None  # the project root (project_roots.ProjectRoots)
    context_only: bool = False  # in the project but not asked for: facts, never findings


@dataclass(slots=True)
class _FileIds:
    """What the cache knows each planned file by (by index): its key context (rules tag and
    display path, until the bytes are hashed), its stat id and its stat signature."""

    keys: dict[int, str] = field(default_factory=dict)
    stat_ids: dict[int, str] = field(default_factory=dict)
    signatures: dict[int, StatSignature] = field(default_factory=dict)
    checked_ns: int = 0  # taken before any stat: see cache.RACY_SECONDS


def _file_ids(planned: list[_Planned], engines: EngineCache) -> _FileIds:
    ids = _FileIds(checked_ns=time.time_ns())
    cwd = os.getcwd() + os.sep
    tags: dict[tuple[tuple[Path, ...], str], str] = {}  # the rules each file is checked with
    for index, item in enumerate(planned):
        extra = item.settings.extra_rules
        selection = engines.selection_tag(item.settings)
        tag = tags.get((extra, selection))
        if tag is None:  # hashes every rule file: once per set of packs, not per file
            tag = tags[(extra, selection)] = rules_fingerprint(extra) + selection
        ids.keys[index] = f"{tag}\0{item.shown}"
        try:
            ids.signatures[index] = stat_signature(item.path)
        except OSError:
            continue  # reading it will fail too, and say why
        # Any spelling that names this file from this directory will do: it keys a cache.
        path = os.fspath(item.path)
        where = path if os.path.isabs(path) else cwd + path
        ids.stat_ids[index] = f"{ids.keys[index]}\0{item.settings.max_file_size}\0{escape_surrogates(where)}"
    return ids


def lint_paths(
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings] = lambda s: s,
    engines: EngineCache | None = None,
    jobs: int | None = None,
    cache: AnalysisCache | None = None,
) -> LintResult:
    """Lint files and trees. `jobs=None` picks: one process for small runs, all cores for
    large ones. `cache` skips re-analysing files whose bytes and rules did not change, and
    re-finalizing files none of whose inputs changed (run_snapshot)."""
    engines = engines or EngineCache()
    adjust = _per_settings(adjust)
    result = LintResult()
    roots = ProjectRoots()
    planned: list[_Planned] = []
    unreadable: list[_Planned] = []  # directories and .gitignore files: one RF000 each
    for scan_root in paths:

        def on_error(path: Path, message: str, scan_root: Path = scan_root) -> None:
            if any(item.path == path for item in unreadable):
                return  # a .gitignore above two scanned paths: reported once
            # The settings of the directory holding it (an unlistable one cannot be entered).
            settings = adjust(resolver.for_path(path.parent))
            shown = _lexical_display_path(path)  # a refused link is named, not followed
            item = _Planned(path, scan_root, settings, engines.for_settings(settings), shown)
            item.analysis = FileAnalysis(item.shown)
            item.engine.record_error(item.analysis, message, 1, 0)
            unreadable.append(item)

        cwd = os.getcwd()
        for found in discover_files(
            [scan_root],
            resolver.for_directory,
            lambda name: language_of(name) is not None,
            on_error,
            result.skipped,
        ):
            settings = adjust(found.settings)
            item = _Planned(found.path, scan_root, settings, None, _display_found(cwd, found))
            item.project = roots.root_of(Path(found.directory), settings.root)
            planned.append(item)
    result.settings = list({id(item.settings): item.settings for item in planned}.values())
    planned.extend(_project_context(planned, paths, resolver, adjust, roots))
    ids = _file_ids(planned, engines) if cache is not None else None
    snapshot = (
        _Snapshotting(cache, ids, planned, paths)
        if cache is not None and ids is not None and not unreadable
        else None
    )
    if snapshot is not None and snapshot.answer(result):
        return result
    for item in planned:
        item.engine = engines.for_settings(item.settings)
    _analyze_all(planned, jobs, cache, ids)
    scan_dirs = {root: root if root.is_dir() else root.parent for root in paths}
    # One project per root: samples/a and samples/b with their own pyproject.toml are two
    # projects, and one's retrieval set-up must not appear in the other's messages.
    members: dict[Path, list[int]] = {}
    for index, item in enumerate(planned):
        members.setdefault(_project_key(item, scan_dirs), []).append(index)
    projects = result.projects = _link(planned, members, cache, ids)
    for item in planned:
        if not item.context_only:
            result.files_checked += 1
            result.files_parsed += item.analysis.parsed  # type: ignore[union-attr]
    for item in unreadable:
        item.project = roots.root_of(Path(item.path).parent, item.settings.root)
        projects.setdefault(_project_key(item, scan_dirs), ProjectIndex())
    asked = [item for item in planned if not item.context_only]
    _finalize_all([*asked, *unreadable], projects, scan_dirs, result, snapshot)
    result.findings.sort(key=Finding.sort_key)
    if snapshot is not None:
        snapshot.store(result)
    return result


def _project_key(item: _Planned, scan_dirs: dict[Path, Path]) -> Path:
    """The project a file belongs to: its root, else (nothing marks one) the directory
    that was asked for."""
    return item.project if item.project is not None else scan_dirs[item.scan_root]


def _project_context(
    planned: list[_Planned],
    paths: list[Path],
    resolver: ConfigResolver,
    adjust: Callable[[Settings], Settings],
    roots: ProjectRoots,
) -> list[_Planned]:
    """The other files of the projects of the files asked for, when a project reaches beyond
    the scanned directories (`check app/routes.py`): their facts and exports count exactly
    as in `check .`, so a file's findings do not depend on which paths were passed."""
    scanned = [os.path.abspath(path) for path in paths if path.is_dir()]
    seen = {os.path.abspath(item.path) for item in planned}
    outside: dict[Path, Path] = {}
    for item in planned:
        root = item.project
        if root is None or root in outside:
            continue
        text = os.path.abspath(root)
        if not any(text == scan or text.startswith(scan.rstrip(os.sep) + os.sep) for scan in scanned):
            outside[root] = item.scan_root
    extra: list[_Planned] = []
    cwd = os.getcwd()
    for root, scan_root in outside.items():
        for found in discover_files(
            [root], resolver.for_directory, lambda name: language_of(name) is not None
        ):
            if os.path.abspath(found.path) in seen:
                continue
            seen.add(os.path.abspath(found.path))
            settings = adjust(found.settings)
            item = _Planned(
                found.path, scan_root, settings, None, _display_found(cwd, found), context_only=True
            )
            item.project = roots.root_of(Path(found.directory), settings.root)
            if item.project == root:
                extra.append(item)
    return extra


def _link(
    planned: list[_Planned],
    members: dict[Path, list[int]],
    cache: AnalysisCache | None,
    ids: _FileIds | None,
) -> dict[Path, ProjectIndex]:
    """Link each project's analyses through the workspace (engine/workspace.py, the same
    project model the language server keeps) and give each project its index of facts.
    Files are analysed again with an environment through the on-disk cache."""
    from ragfirst.engine.workspace import Workspace  # a run its snapshot answers needs none

    by_shown = {item.shown: index for index, item in enumerate(planned)}

    def analyse(
        entry: WorkspaceFile, environment: Environment | None, force: bool | str
    ) -> FileAnalysis | None:
        index = by_shown[entry.shown]
        item = planned[index]
        cap = item.settings.max_file_size
        try:
            data = read_file_bytes(item.path, cap)
        except OSError:
            return None
        key = None
        if cache is not None and ids is not None:
            from ragfirst.engine.python_link import environment_digest

            tag = f"force:{force}" if force else environment_digest(environment or {})
            key = content_key(data, f"{ids.keys[index]}\0link:{tag}", cap)
            hit = cache.get_many([key]).get(key)
            if hit is not None:
                return hit
        analysis = entry.engine.analyze(
            entry.shown, data, max_bytes=cap, environment=environment, force=force
        )
        if key is not None and cache is not None:
            cache.put_many([(key, analysis)])
        return analysis

    workspace = Workspace(lambda shown: None, analyse)
    for key, indexes in members.items():
        one_project = ProjectRoots.is_one_project(planned[indexes[0]].project)
        for index in indexes:
            item = planned[index]
            assert item.analysis is not None and item.engine is not None
            workspace.add(
                item.shown,
                item.analysis,
                item.settings,
                item.engine,
                key,
                _posix_abspath(key),
                _posix_abspath(item.path),
                one_project,
            )
    workspace.relink()
    for item in planned:
        item.analysis = workspace.files[item.shown].analysis
    return {key: state.index for key, state in workspace.projects.items()}


def _posix_abspath(path: str | Path) -> str:
    absolute = os.path.abspath(path)  # normalized: on POSIX already what as_posix() gives
    return absolute if os.sep == "/" else Path(absolute).as_posix()


def _finalize_all(
    items: list[_Planned],
    projects: dict[Path, ProjectIndex],
    scan_dirs: dict[Path, Path],
    result: LintResult,
    snapshot: _Snapshotting | None,
) -> None:
    """Finalize every file with something to finalize, or take its findings from the
    snapshot when nothing they depend on changed."""
    base_dir = Path.cwd()
    contexts: dict[tuple[int, Path], ProjectContext] = {}
    fingerprints: dict[Path, str] = {}
    for index, item in enumerate(items):
        analysis = item.analysis
        assert analysis is not None
        if not analysis.matches and not analysis.local_calls and not analysis.suppressions:
            continue  # nothing to finalize (most files of a large tree)
        key = _project_key(item, scan_dirs)
        project = projects[key]
        project_fingerprint = ""
        if snapshot is not None:
            project_fingerprint = fingerprints.get(key) or fingerprints.setdefault(key, project.fingerprint())
            reused = snapshot.reusable(index, project_fingerprint)
            if reused is not None:
                result.findings.extend(reused)
                continue
        # Data files a training call names are read only inside the project: its root, else
        # the directory that was asked for.
        root = key
        context_key = (id(item.settings), root)  # one context per settings and root
        context = contexts.get(context_key)
        if context is None:
            context = contexts[context_key] = project_context(item.settings, base_dir, root)
        assert item.engine is not None
        with recording_reads() as reads:  # the data files its findings come from
            findings = item.engine.finalize(analysis, project, item.settings, context)
        result.findings.extend(findings)
        if snapshot is not None:
            snapshot.remember(index, project_fingerprint, reads, findings)


class _Snapshotting:
    """The run's snapshot (run_snapshot): answer from the last one, take unchanged files'
    findings from it, and store this run's."""

    def __init__(
        self, cache: AnalysisCache, ids: _FileIds, planned: list[_Planned], paths: list[Path]
    ) -> None:
        self.cache = cache
        self.ids = ids
        self.eligible = len(ids.stat_ids) == len(planned)  # every file has a signature
        # The docs directory too: default guide links are file URIs into this install.
        where = "\0".join([os.getcwd(), str(package_data_dir("docs")), *(os.fspath(path) for path in paths)])
        self.scope = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()
        self.today = today().isoformat()
        fingerprints: dict[int, str] = {}
        self.settings: dict[int, str] = {}  # each file's settings fingerprint, by index
        files = []
        for index, item in enumerate(planned):
            fingerprint = fingerprints.get(id(item.settings))
            if fingerprint is None:
                fingerprint = fingerprints[id(item.settings)] = repr(item.settings)
            self.settings[index] = fingerprint
            if index in ids.stat_ids:
                files.append((ids.stat_ids[index], ids.signatures[index], fingerprint))
        self.digest = inputs_digest(files, self.today)
        signatures = ids.signatures.values()
        self.newest_ns = max((max(s[1], s[2]) for s in signatures), default=0)
        self.previous: RunSnapshot | None = None
        self.entries: dict[str, FileEntry] = {}

    def answer(self, result: LintResult) -> bool:
        if not self.eligible:
            return False
        stored = self.cache.get_run(self.scope)
        self.previous = RunSnapshot.loads(stored) if stored is not None else None
        if self.previous is None or not self.previous.current(self.digest):
            return False
        result.findings = self.previous.findings
        result.files_checked = self.previous.files_checked
        result.files_parsed = self.previous.files_parsed
        return True

    def reusable(self, index: int, project: str) -> list[Finding] | None:
        if self.previous is None or not self.eligible:
            return None
        file_id = self.ids.stat_ids[index]
        signature = self.ids.signatures[index]
        found = self.previous.reusable(file_id, signature, self.settings[index], project, self.today)
        if found is not None:
            self.entries[file_id] = self.previous.files[file_id]
        return found

    def remember(
        self, index: int, project: str, reads: dict[str, FileState], findings: list[Finding]
    ) -> None:
        if self.eligible:
            file_id = self.ids.stat_ids[index]
            signature = self.ids.signatures[index]
            self.entries[file_id] = FileEntry(signature, self.settings[index], project, dict(reads), findings)

    def store(self, result: LintResult) -> None:
        if not self.eligible:
            return
        snapshot = RunSnapshot(
            self.digest,
            self.today,
            self.ids.checked_ns,
            self.newest_ns,
            self.entries,
            result.files_checked,
            result.files_parsed,
        )
        text = snapshot.dumps()
        if text is not None:
            self.cache.put_run(self.scope, text)


def _per_settings(adjust: Callable[[Settings], Settings]) -> Callable[[Settings], Settings]:
    """`adjust` once per settings object: every file of a directory shares one result (and
    so one engine lookup and one project context)."""
    done: dict[int, tuple[Settings, Settings]] = {}

    def adjusted(settings: Settings) -> Settings:
        known = done.get(id(settings))
        if known is None:
            known = done[id(settings)] = (settings, adjust(settings))
        return known[1]

    return adjusted


def _analyze_all(
    planned: list[_Planned], jobs: int | None, cache: AnalysisCache | None, ids: _FileIds | None
) -> None:
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
                planned[index].analysis = FileAnalysis(planned[index].shown, parsed=bool(empty))
        _take_hits(planned, cache, fetch)
    todo = [index for index, item in enumerate(planned) if item.analysis is None]
    # Without a cache nothing needs the bytes before analysis: a pool's workers read them.
    contents: dict[int, bytes | str] = {}
    read_in_workers = cache is None and _workers(jobs, len(todo)) > 1
    for index in todo:
        item = planned[index]
        if read_in_workers:
            contents[index] = os.fspath(item.path)
            continue
        try:
            contents[index] = read_file_bytes(item.path, item.settings.max_file_size)
        except OSError as exc:
            assert item.engine is not None
            item.analysis = unreadable(item.engine, item.shown, exc)
    if cache is not None:
        for index, data in contents.items():
            assert isinstance(data, bytes)
            keys[index] = content_key(data, keys[index], planned[index].settings.max_file_size)
        _take_hits(planned, cache, {index: keys[index] for index in contents})
    pending = [index for index in contents if planned[index].analysis is None]
    progress.start(len(pending))  # engine/progress.py: shown by the CLI on a terminal
    workers = _workers(jobs, len(pending))
    groups: dict[tuple[tuple[Path, ...], int], list[int]] = {}
    for index in pending:  # one group per engine (a narrowed one per selection)
        groups.setdefault((planned[index].settings.extra_rules, id(planned[index].engine)), []).append(index)
    for (extra_rules, _), indexes in groups.items():
        items = [(planned[i].shown, contents[i], planned[i].settings.max_file_size) for i in indexes]
        if workers > 1 and len(items) > 1:
            analyses = analyze_parallel(extra_rules, items, workers, planned[indexes[0]].engine)
        else:
            engine = planned[indexes[0]].engine
            analyses = analyze_batch(engine, items)
        for index, analysis in zip(indexes, analyses, strict=True):
            planned[index].analysis = analysis
    if cache is not None:
        cache.put_many([(keys[index], planned[index].analysis) for index in pending if index in keys])  # type: ignore[misc]
        cache.record_stats(
            [
                (stat_ids[i], signatures[i], checked_ns, keys[i], _empty_mark(planned[i].analysis))
                for i in contents
                if i in stat_ids
            ]
        )


def _workers(jobs: int | None, files: int) -> int:
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


def _take_hits(planned: list[_Planned], cache: AnalysisCache, keys: dict[int, str]) -> None:
    """Give each planned file whose key the cache holds its cached analysis."""
    hits = cache.get_many(list(keys.values()))
    for index, key in keys.items():
        if key in hits:
            planned[index].analysis = hits[key]


def project_context(settings: Settings, base_dir: Path, root: Path) -> ProjectContext:
    return ProjectContext(
        base_dir=base_dir.resolve(),
        root=root.resolve(),
        today=today(),
        settings=settings,
        data_files=shared_data_files(),
    )


def lint_sources(
    files: dict[str, str | bytes], settings: Settings | None = None, engine: Engine | None = None
) -> list[Finding]:
    """Lint in-memory files as one project (tests, rule examples, editor buffers), through
    the same workspace and link step as the language server."""
    from ragfirst.engine.workspace import Workspace

    settings = settings or Settings()
    engine = engine or EngineCache().for_settings(settings)
    contents = {
        path: content.encode("utf-8") if isinstance(content, str) else content
        for path, content in files.items()
    }
    workspace = Workspace(contents.get)
    root = Path(".")
    for path, data in contents.items():
        workspace.update(path, data, settings, engine, root, "")
    workspace.relink()
    context = default_context(settings)
    findings: list[Finding] = []
    for path in contents:
        findings.extend(workspace.findings_for(path, context))
    return sorted(findings, key=Finding.sort_key)
