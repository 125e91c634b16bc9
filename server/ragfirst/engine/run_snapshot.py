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
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ragfirst.data.data_files import FileState, file_state
from ragfirst.engine.cache import RACY_SECONDS, StatSignature
from ragfirst.model import Finding, Severity, Span

SNAPSHOT_VERSION = "1"


def inputs_digest(files: list[tuple[str, StatSignature, str]], today: str) -> str:
    """Over (file id, stat signature, settings fingerprint) of every file, in order."""
    digest = hashlib.sha256(f"{SNAPSHOT_VERSION}\0{today}".encode())
    for file_id, signature, settings in files:
        digest.update(f"\0{file_id}\0{signature}\0{settings}".encode())
    return digest.hexdigest()


@dataclass(slots=True)
class RunSnapshot:
    digest: str
    taken_ns: int  # when the files were stat'ed
    newest_ns: int  # the latest mtime/ctime among them
    reads: dict[str, FileState]
    findings: list[Finding]
    files_checked: int
    files_parsed: int

    def current(self, digest: str) -> bool:
        """Same inputs, settled when taken, and every path read still in the same state."""
        if digest != self.digest or self.newest_ns >= self.taken_ns - RACY_SECONDS * 1_000_000_000:
            return False
        return all(file_state(path) == state for path, state in self.reads.items())

    def dumps(self) -> str | None:
        """JSON, or None when a finding carries something JSON cannot (then no snapshot)."""
        if any(finding.fix is not None for finding in self.findings):
            return None
        try:
            return json.dumps(
                {
                    "digest": self.digest,
                    "taken_ns": self.taken_ns,
                    "newest_ns": self.newest_ns,
                    "reads": [[path, _state(state)] for path, state in self.reads.items()],
                    "findings": [_dump_finding(f) for f in self.findings],
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
            return cls(
                digest=str(data["digest"]),
                taken_ns=int(data["taken_ns"]),
                newest_ns=int(data["newest_ns"]),
                reads={str(path): _load_state(state) for path, state in data["reads"]},
                findings=[_load_finding(item) for item in data["findings"]],
                files_checked=int(data["files_checked"]),
                files_parsed=int(data["files_parsed"]),
            )
        except (ValueError, KeyError, TypeError, IndexError):
            return None


def _state(state: FileState) -> list[list[int] | None]:
    return [list(part) if part is not None else None for part in state]


def _load_state(state: list[Any]) -> FileState:
    stat, lstat = state
    return (
        tuple(int(x) for x in stat) if stat is not None else None,  # type: ignore[return-value]
        tuple(int(x) for x in lstat) if lstat is not None else None,
    )


def _dump_finding(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.name,
        "message": finding.message,
        "path": finding.path,
        "span": [span.start_line, span.start_col, span.end_line, span.end_col],
        "guide_url": finding.guide_url,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        "data": finding.data,
        "snippet": finding.snippet,
    }


def _load_finding(item: dict[str, Any]) -> Finding:
    return Finding(
        rule_id=str(item["rule_id"]),
        rule_name=str(item["rule_name"]),
        severity=Severity[item["severity"]],
        message=str(item["message"]),
        path=str(item["path"]),
        span=Span(*(int(x) for x in item["span"])),
        guide_url=str(item["guide_url"]),
        suppressed=bool(item["suppressed"]),
        suppression_reason=item["suppression_reason"],
        data=dict(item["data"]),
        snippet=str(item["snippet"]),
    )
