"""The run manifest: a `ragfirst check` that changes nothing costs about a stat per file.

The run snapshot (run_snapshot.py) reuses the last run's findings when no input changed,
but to learn that, a run still walks the tree, resolves every directory's settings, hashes
the rule packs and imports the engine: most of a warm run. The manifest records, for one
invocation (its `scope`: working directory, paths, the options that change findings,
today's date, ragfirst's version and install), what that run depended on, with each
path's `stat` signature (size, mtime, ctime, inode, device):

- every file checked (the files of the projects reached too);
- every directory the walk listed: a file added, removed or renamed there changes its
  mtime, so a new file, a deleted one or a new config is seen without walking again;
- the config files, project markers and .gitignore files in those directories (content
  changes do not touch a directory's mtime), and in every directory above the paths, up
  to the file system's root, whether present or absent (settings and project roots are
  looked up there); `.git` by presence only;
- files the walk left out for their content (minified bundles);
- the rule packs: the built-in ones (a development install edits them in place) and
  every pack a config names;
- the data files the findings read (as the snapshot records them);
- and the findings themselves, with the fixes the report shows.

A later run with the same scope stats those paths; if every signature is the one
recorded, it prints the stored findings without importing the engine. Any difference,
a missing or damaged manifest, or a manifest whose inputs had changed within RACY_SECONDS
of when the run began (a write within the file system's timestamp granularity could hide
behind an unchanged mtime, as git's index knows), is a miss: the run goes the long way and
records a new manifest.

Recording costs little after a run that had to go the long way (issue 26, a run after a
few files changed): the files' signatures are the ones the run took before reading them
(RunInputs.signatures), the probed names of a listed directory are the ones its listing
held (walk_record.py), and when a file the run checked had changed within RACY_SECONDS
of its start nothing is stat'ed at all: such a manifest could never answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ragfirst import __version__
from ragfirst.engine.cache import RACY_SECONDS, AnalysisCache, signature_of
from ragfirst.engine.walk_record import PROBED_NAMES, WalkRecord

if TYPE_CHECKING:  # findings are decoded only when a report is rendered from them
    from ragfirst.model import Finding

_REPORT = ":report"  # the runs table's row of a scope's report memo (`keep_report`)
MANIFEST_VERSION = "3"  # 2: inode and device folded as the cache folds them; 3: findings apart
PRESENCE_ONLY = (
    ".git",
    ".hg",
    ".svn",
)  # VCS roots (project_roots.VCS_MARKERS); .git: where .gitignore files start

Signature = list[int]  # [size, mtime_ns, ctime_ns, inode, device]
State = tuple[tuple[int, ...] | None, tuple[int, ...] | None]  # data_files.FileState


class _Entry(Protocol):
    reads: dict[str, State]


class RunInputs:
    """What a run's findings were computed from, besides its walk (walk_record.py): the
    files it planned and the data files its findings read. Set by the runner only when the
    run snapshot covered every file (no discovery error, every file stat'ed).

    `signatures`: each file's stat signature as the run took it before reading anything
    (the analysis cache's, engine/cache.py `stat_signature`), in the order of `files`; the
    manifest records those rather than stat-ing every file again, and a file that changed
    while the run read it then differs from its record (a miss, as it should be). Empty:
    stat them at store time. `newest_ns`: their latest mtime or ctime.

    Plain classes here and in ManifestAnswer, not dataclasses: a warm run imports this
    module, and `dataclasses` (with `inspect`) costs it ~6 ms, a twelfth of its time."""

    __slots__ = ("files", "newest_ns", "reads", "signatures")

    def __init__(
        self,
        files: list[str],
        reads: dict[str, State] | None = None,
        signatures: list[tuple[int, ...]] | None = None,
        newest_ns: int = 0,
    ) -> None:
        self.files = files
        self.reads = reads if reads is not None else {}
        self.signatures = signatures if signatures is not None else []
        self.newest_ns = newest_ns

    @classmethod
    def of(
        cls,
        files: list[str],
        entries: Iterable[_Entry],
        signatures: list[tuple[int, ...]] | None = None,
        newest_ns: int = 0,
    ) -> RunInputs:
        reads: dict[str, State] = {}
        for entry in entries:
            reads.update(entry.reads)
        return cls(files, reads, signatures or [], newest_ns)


class ManifestAnswer:
    """What a manifest that answered holds: the findings (as stored: decoded when asked),
    the counts and notes the report shows, and when the manifest was recorded (a report
    memo is of that manifest only)."""

    __slots__ = ("files_checked", "files_parsed", "findings_json", "notice", "skipped", "taken")

    def __init__(
        self,
        findings_json: str,
        files_checked: int,
        files_parsed: int,
        skipped: str,
        notice: str | None,
        taken: int,
    ) -> None:
        self.findings_json = findings_json
        self.files_checked = files_checked
        self.files_parsed = files_parsed
        self.skipped = skipped  # SkipTally.summary()
        self.notice = notice  # the data tables' age note (it depends on the tables and the day)
        self.taken = taken

    @property
    def findings(self) -> list[Finding]:
        """The stored findings (a damaged entry raises ValueError, KeyError or TypeError)."""
        from ragfirst.engine.finding_codec import load_finding

        return [load_finding(item) for item in json.loads(self.findings_json)]


def _signature(
    path: str, stat: Callable[[str], os.stat_result] = os.stat, fold: bool = True
) -> Signature | None:
    """The file's size and times, inode and device (`stat=os.lstat`: of a link itself).
    Folded like the analysis cache's signatures, which the manifest records for the files
    checked (RunInputs.signatures); `fold=False`: as data_files.file_state records them."""
    try:
        info = stat(path)
    except (OSError, ValueError):
        return None
    if fold:
        return list(signature_of(info))
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def manifest_scope(
    cwd: str,
    docs: str,
    paths: list[str],
    options: list[Any],
    today: str,
) -> str:
    """What a manifest is for: the same answer needs the same all of these (and the same
    Python: two environments may share one source checkout, and parsers differ)."""
    text = json.dumps([MANIFEST_VERSION, __version__, sys.version, cwd, docs, paths, options, today])
    return "manifest:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class RunManifest:
    """One invocation's manifest in the analysis cache (its `runs` table)."""

    def __init__(self, cache: AnalysisCache, scope: str, started_ns: int) -> None:
        self.cache = cache
        self.scope = scope
        self.started_ns = started_ns  # before anything was read: see RACY_SECONDS

    def lookup(self) -> ManifestAnswer | None:
        stored = self.cache.get_run(self.scope)
        if stored is None:
            return None
        # The inputs, a line, then the findings: a manifest that does not answer (a file
        # changed) decodes no finding (half of a large manifest's JSON).
        inputs, newline, stored_findings = stored.partition("\n")
        if not newline:
            return None
        try:
            data = json.loads(inputs)
            if data["version"] != MANIFEST_VERSION:
                return None
            if data["newest"] >= data["taken"] - RACY_SECONDS * 1_000_000_000:
                return None  # changed just before it was taken: maybe again since
            for path, signature in data["stats"]:
                if _signature(path) != signature:
                    return None
            for path, present in data["present"]:
                if os.path.lexists(path) != present:
                    return None
            for path, stat, lstat in data["reads"]:
                if _signature(path, fold=False) != stat or _signature(path, os.lstat, False) != lstat:
                    return None
            return ManifestAnswer(
                stored_findings,
                int(data["files_checked"]),
                int(data["files_parsed"]),
                str(data["skipped"]),
                data["notice"] if data["notice"] is None else str(data["notice"]),
                int(data["taken"]),
            )
        except (ValueError, KeyError, TypeError, IndexError, RecursionError, OverflowError):
            return None  # a damaged manifest is a miss

    def report_memo(self, answer: ManifestAnswer, options: str) -> tuple[str, int] | None:
        """The report, and the exit code, a run answered by this manifest printed with these
        report options (check_render.report_options), if it is the last one kept."""
        stored = self.cache.get_run(self.scope + _REPORT)
        if stored is None:
            return None
        header, newline, text = stored.partition("\n")
        try:
            data = json.loads(header)
            if data["taken"] != answer.taken or data["options"] != options or not newline:
                return None
            if data["exit"] not in (0, 1) or type(data["exit"]) is not int:
                return None  # what `findings_exit` returns
            return text, data["exit"]
        except (ValueError, KeyError, TypeError, RecursionError):
            return None

    def keep_report(self, answer: ManifestAnswer, options: str, text: str, exit_code: int) -> None:
        """Keep the report a run answered by this manifest printed (one per manifest: the
        last options asked for), so that the next identical run prints it as it is."""
        header = json.dumps({"taken": answer.taken, "options": options, "exit": exit_code})
        self.cache.put_run(self.scope + _REPORT, header + "\n" + text)

    def store(
        self,
        inputs: RunInputs,
        walk: WalkRecord,
        paths: list[str],
        extra: list[str],
        findings: list[Finding],
        files_checked: int,
        files_parsed: int,
        skipped: str,
        notice: str | None,
    ) -> bool:
        """Record this run (`extra`: other files it depends on: an explicit config, rule
        packs). False when it cannot answer a later run: an input changed too recently, or
        a finding carries what JSON cannot."""
        if inputs.newest_ns >= self.started_ns - RACY_SECONDS * 1_000_000_000:
            return False  # a file changed just before the run: the check below would say so
        stats: dict[str, Signature | None] = {}
        present: dict[str, bool] = {}
        if len(inputs.signatures) == len(inputs.files):  # as the run stat'ed them
            stats.update(zip(inputs.files, map(list, inputs.signatures), strict=True))
        for path in [*inputs.files, *walk.listed, *walk.probed]:
            if path not in stats:
                stats[path] = _signature(path)
            if stats[path] is None:
                return False  # gone during the run: what it was read as is unknown
        for directory, names in walk.present.items():  # as its listing held them
            for name in names:
                probe = os.path.join(directory, name)
                if probe not in stats:
                    stats[probe] = _signature(probe)
        for directory in _above(paths):
            for name in PROBED_NAMES:
                stats.setdefault(os.path.join(directory, name), _signature(os.path.join(directory, name)))
            for name in PRESENCE_ONLY:
                present[os.path.join(directory, name)] = os.path.lexists(os.path.join(directory, name))
        for path in [*extra, *_rule_files(extra)]:
            stats[path] = _signature(path)
        reads = [[path, _list(stat), _list(lstat)] for path, (stat, lstat) in inputs.reads.items()]
        times = [max(s[1], s[2]) for s in stats.values() if s is not None]
        times += [max(s[1], s[2]) for _, stat, _ in reads if stat is not None for s in [stat]]
        newest = max(times, default=0)
        if newest >= self.started_ns - RACY_SECONDS * 1_000_000_000:
            return False
        try:
            text = json.dumps(
                {
                    "version": MANIFEST_VERSION,
                    "taken": self.started_ns,
                    "newest": newest,
                    "stats": list(stats.items()),
                    "present": list(present.items()),
                    "reads": reads,
                    "files_checked": files_checked,
                    "files_parsed": files_parsed,
                    "skipped": skipped,
                    "notice": notice,
                },
                separators=(",", ":"),
            )
            # One line each (JSON without indent writes no line break).
            from ragfirst.engine.finding_codec import dump_finding

            text += "\n" + json.dumps([dump_finding(f) for f in findings], separators=(",", ":"))
        except (TypeError, ValueError):
            return False
        self.cache.put_run(self.scope, text)
        return True


def _above(paths: list[str]) -> list[str]:
    """Every directory from each path's own (or its parent, for a file) up to the root,
    as named and as resolved: settings and project roots are looked up along both."""
    found: dict[str, None] = {}
    for path in paths:
        start = os.path.abspath(path)
        for first in (start, os.path.realpath(start)):
            directory = first if os.path.isdir(first) else os.path.dirname(first)
            while True:
                found.setdefault(directory)
                parent = os.path.dirname(directory)
                if parent == directory:
                    break
                directory = parent
    return list(found)


def _rule_files(extra: list[str]) -> list[str]:
    """The built-in rule packs and tables, and the *.yaml files of a pack directory."""
    from ragfirst.resources import builtin_rules_dir

    builtin = builtin_rules_dir()
    files = [str(builtin), *(str(p) for p in sorted(builtin.rglob("*")))]
    for path in extra:
        if os.path.isdir(path):
            files.extend(str(p) for p in sorted(Path(path).glob("*.y*ml")))
    return files


def _list(signature: tuple[int, ...] | None) -> Signature | None:
    return list(signature) if signature is not None else None
