"""A whole run's findings, reused when none of its inputs changed.

A warm run whose files are all unchanged would load every cached analysis, rebuild the
project index and finalize every file again, only to print what the last run printed.
Instead the cache keeps the last run's findings for the same working directory and scan
paths, with a digest of everything they were computed from:

- ragfirst's version and every rule pack and data table (the cache namespace and the
  rules tag of each file's key);
- every file checked: its display path, its stat signature (trusted only if the file had
  settled RACY_SECONDS before the snapshot was taken, as for the per-file cache) and the
  settings it was checked with (its config, wherever that lives, and the CLI's
  select/ignore);
- today's date (lifecycle findings count days);
- every path the data-file lookups looked at while finalizing, found or not, with its
  state (a training file that grows, or appears, changes a finding).

Anything else a finding depends on is in one of those files. A run with a discovery
error (an unlistable directory, an unreadable .gitignore) is never snapshotted.

When some files changed, the snapshot still answers for each other file whose own inputs
(its signature, settings and data-file reads) and whose project's facts and exports are
as they were: only the changed files, and the files of a project whose facts changed,
are finalized again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ragfirst.data.data_files import FileState, file_state
from ragfirst.engine.cache import RACY_SECONDS, StatSignature
from ragfirst.engine.finding_codec import dump_finding, load_finding
from ragfirst.model import Finding

SNAPSHOT_VERSION = "2"  # 2: findings in finding_codec's lists (with their fixes)


def inputs_digest(files: list[tuple[str, StatSignature, str]], today: str) -> str:
    """Over (file id, stat signature, settings fingerprint) of every file, in order."""
    digest = hashlib.sha256(f"{SNAPSHOT_VERSION}\0{today}".encode())
    for file_id, signature, settings in files:
        digest.update(f"\0{file_id}\0{signature}\0{settings}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(slots=True)
class FileEntry:
    """One file's part of a snapshot: what its findings were computed from, and them."""

    signature: StatSignature
    settings: str  # the settings fingerprint
    project: str  # the fingerprint of its project's facts and exports
    reads: dict[str, FileState]
    findings: list[Finding]


@dataclass(slots=True)
class RunSnapshot:
    digest: str
    today: str
    taken_ns: int  # when the files were stat'ed
    newest_ns: int  # the latest mtime/ctime among them
    files: dict[str, FileEntry]  # by stat id; only files with something to finalize
    files_checked: int = 0
    files_parsed: int = 0

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for entry in self.files.values() for f in entry.findings), key=Finding.sort_key)

    def current(self, digest: str) -> bool:
        """Same inputs, settled when taken, and every path read still in the same state."""
        if digest != self.digest or self.newest_ns >= self.taken_ns - RACY_SECONDS * 1_000_000_000:
            return False
        return all(_unchanged(entry.reads) for entry in self.files.values())

    def reusable(
        self, file_id: str, signature: StatSignature, settings: str, project: str, today: str
    ) -> list[Finding] | None:
        """One file's findings, when the file, its settings, its project's facts, the day and
        what its lookups read are all as they were (a run where other files changed)."""
        entry = self.files.get(file_id)
        if entry is None or today != self.today:
            return None
        if (entry.signature, entry.settings, entry.project) != (signature, settings, project):
            return None
        if max(signature[1], signature[2]) >= self.taken_ns - RACY_SECONDS * 1_000_000_000:
            return None  # it may have changed again within the same timestamp
        return entry.findings if _unchanged(entry.reads) else None

    def dumps(self) -> str | None:
        """JSON, or None when a finding carries something JSON cannot (then no snapshot)."""
        if any(f.fix is not None for entry in self.files.values() for f in entry.findings):
            return None
        try:
            return json.dumps(
                {
                    "digest": self.digest,
                    "today": self.today,
                    "taken_ns": self.taken_ns,
                    "newest_ns": self.newest_ns,
                    "files": [
                        [
                            file_id,
                            list(entry.signature),
                            entry.settings,
                            entry.project,
                            [[path, _state(state)] for path, state in entry.reads.items()],
                            [dump_finding(f) for f in entry.findings],
                        ]
                        for file_id, entry in self.files.items()
                    ],
                    "files_checked": self.files_checked,
                    "files_parsed": self.files_parsed,
                },
                separators=(",", ":"),
            )
        except (TypeError, ValueError):
            return None

    @classmethod
    def loads(cls, text: str) -> RunSnapshot | None:
        """None for anything damaged: a damaged snapshot is a miss."""
        try:
            data = json.loads(text)
            files = {
                str(file_id): FileEntry(
                    tuple(int(x) for x in signature),  # type: ignore[arg-type]
                    str(settings),
                    str(project),
                    {str(path): _load_state(state) for path, state in reads},
                    [load_finding(item) for item in findings],
                )
                for file_id, signature, settings, project, reads, findings in data["files"]
            }
            return cls(
                digest=str(data["digest"]),
                today=str(data["today"]),
                taken_ns=int(data["taken_ns"]),
                newest_ns=int(data["newest_ns"]),
                files=files,
                files_checked=int(data["files_checked"]),
                files_parsed=int(data["files_parsed"]),
            )
        except (ValueError, KeyError, TypeError, IndexError):
            return None


def _unchanged(reads: dict[str, FileState]) -> bool:
    return all(file_state(path) == state for path, state in reads.items())


def _state(state: FileState) -> list[list[int] | None]:
    return [list(part) if part is not None else None for part in state]


def _load_state(state: list[Any]) -> FileState:
    stat, lstat = state
    return (
        tuple(int(x) for x in stat) if stat is not None else None,  # type: ignore[return-value]
        tuple(int(x) for x in lstat) if lstat is not None else None,
    )
