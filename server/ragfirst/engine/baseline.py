"""Baselines: adopt ragfirst on an existing codebase by recording today's findings.

`ragfirst check --write-baseline` writes every active finding to a JSON file;
`ragfirst check --baseline FILE` then reports only findings that file does not list.

A finding matches an entry on rule id, path and fingerprint. The fingerprint hashes
the rule, the path and the flagged line's stripped text, not its line number, so
edits that move code up or down, or change other lines, keep old findings matched,
while a new finding (new flagged code) is reported. Matching counts: two identical
findings in one file need two entries, so copying a flagged line is still reported.

Paths (and so fingerprints) are taken relative to the baseline file's directory, so
the same baseline works whatever directory `ragfirst check` runs from.

The file is JSON: `{"version": 1, "tool": "ragfirst", "entries": [...]}` with entries
sorted, one per finding, and no timestamps, so rewriting an unchanged baseline
changes nothing and a diff of it shows exactly the findings that came or went.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ragfirst.model import Finding
from ragfirst.safe_read import ReadRefused, read_capped

MAX_BASELINE_BYTES = 256 * 1024 * 1024

BASELINE_VERSION = 1
DEFAULT_BASELINE = Path(".ragfirst-baseline.json")


class BaselineError(Exception):
    """A baseline file that is missing or not one we can read; the message is one line."""


@dataclass(frozen=True, slots=True, order=True)
class BaselineEntry:
    rule: str
    path: str
    fingerprint: str


def _relative_path(finding_path: str, base_dir: Path) -> str:
    """`finding_path` (relative to the working directory, or absolute) relative to `base_dir`."""
    full = Path(finding_path) if Path(finding_path).is_absolute() else Path.cwd().resolve() / finding_path
    try:
        relative = os.path.relpath(full, base_dir)
    except ValueError:  # another drive on Windows
        return full.as_posix()
    return Path(relative).as_posix()


def entry_for(finding: Finding, base_dir: Path) -> BaselineEntry:
    path = _relative_path(finding.path, base_dir)
    # The fingerprint hashes the path too; take it with the baseline-relative path.
    fingerprint = (
        finding.fingerprint if path == finding.path else dataclasses.replace(finding, path=path).fingerprint
    )
    return BaselineEntry(finding.rule_id, path, fingerprint)


class Baseline:
    def __init__(self, entries: Iterable[BaselineEntry], base_dir: Path) -> None:
        self.entries: Counter[BaselineEntry] = Counter(entries)
        self.base_dir = base_dir

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], baseline_file: Path) -> Baseline:
        """The baseline of the active (not suppressed) findings, to be saved at `baseline_file`."""
        base_dir = baseline_file.absolute().parent.resolve()
        return cls((entry_for(f, base_dir) for f in findings if not f.suppressed), base_dir)

    @classmethod
    def load(cls, baseline_file: Path) -> Baseline:
        try:
            # The repository controls this file: capped, regular, no link out of its directory.
            text = read_capped(baseline_file, MAX_BASELINE_BYTES).decode("utf-8")
        except ReadRefused as exc:
            raise BaselineError(f"baseline file {baseline_file} {exc.reason}") from None
        except FileNotFoundError:
            raise BaselineError(
                f"baseline file {baseline_file} not found; create it with"
                f" `ragfirst check --write-baseline --baseline {baseline_file}`"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise BaselineError(f"cannot read baseline file {baseline_file}: {reason}") from None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(
                f"{baseline_file}:{exc.lineno}:{exc.colno}: invalid baseline JSON: {exc.msg}"
            ) from None
        entries = _parse(payload, baseline_file)
        return cls(entries, baseline_file.absolute().parent.resolve())

    def filter(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """Findings minus those the baseline lists (each entry absorbs one finding).

        Suppressed findings are kept as they are: the suppression already decides them.
        """
        remaining = Counter(self.entries)
        kept: list[Finding] = []
        matched = 0
        for finding in findings:
            if not finding.suppressed:
                entry = entry_for(finding, self.base_dir)
                if remaining[entry] > 0:
                    remaining[entry] -= 1
                    matched += 1
                    continue
            kept.append(finding)
        return kept, matched

    def __len__(self) -> int:
        return self.entries.total()

    def dumps(self) -> str:
        rows = [
            {"rule": entry.rule, "path": entry.path, "fingerprint": entry.fingerprint}
            for entry in sorted(self.entries.elements())
        ]
        payload = {"version": BASELINE_VERSION, "tool": "ragfirst", "entries": rows}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _parse(payload: object, baseline_file: Path) -> list[BaselineEntry]:
    def bad(detail: str) -> BaselineError:
        return BaselineError(f"{baseline_file}: not a ragfirst baseline: {detail}")

    if not isinstance(payload, dict):
        raise bad("expected a JSON object")
    version = payload.get("version")
    if version != BASELINE_VERSION:
        if isinstance(version, int) and not isinstance(version, bool):
            raise BaselineError(
                f"{baseline_file}: baseline version {version} is not supported"
                f" (this ragfirst reads version {BASELINE_VERSION})"
            )
        raise bad("no 'version' field")
    rows = payload.get("entries")
    if not isinstance(rows, list):
        raise bad("'entries' must be a list")
    entries = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise bad(f"entries[{index}] is not an object")
        values = []
        for key in ("rule", "path", "fingerprint"):
            value = row.get(key)
            if not isinstance(value, str) or not value:
                raise bad(f"entries[{index}] has no string '{key}'")
            values.append(value)
        entries.append(BaselineEntry(*values))
    return entries
