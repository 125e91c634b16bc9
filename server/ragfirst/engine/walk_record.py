"""What a run's discovery looked at, for the run manifest (engine/run_manifest.py).

A warm run answered from the manifest does not walk the tree again: it stats what the
last walk saw. So the walk notes, while a recording is on, every directory it listed (a
file added, removed or renamed there changes the directory's mtime) and every file it
judged by its content and left out (a minified bundle that stops being minified must be
checked). One recording at a time: the CLI's run, in its main thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class WalkRecord:
    listed: list[str] = field(default_factory=list)  # directories, as walked
    probed: list[str] = field(default_factory=list)  # files skipped for what they contain


_current: WalkRecord | None = None


def listed(directory: str) -> None:
    if _current is not None:
        _current.listed.append(directory)


def probed(path: str) -> None:
    if _current is not None:
        _current.probed.append(path)


@contextmanager
def recording() -> Iterator[WalkRecord]:
    global _current
    previous, _current = _current, WalkRecord()
    try:
        yield _current
    finally:
        _current = previous
