"""What a run's discovery looked at, for the run manifest (engine/run_manifest.py).

A warm run answered from the manifest does not walk the tree again: it stats what the
last walk saw. So the walk notes, while a recording is on, every directory it listed (a
file added, removed or renamed there changes the directory's mtime) with the config
files, project markers and .gitignore its listing holds (the manifest stats those rather
than asking the disk for 8 names in every directory), and every file it judged by its
content and left out (a minified bundle that stops being minified must be checked). One
recording at a time: the CLI's run, in its main thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

PROBED_NAMES = (
    "ragfirst.toml",
    ".ragfirst.toml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "package.json",
    "requirements.txt",
    ".gitignore",
)
"""Files whose presence or content in a directory changes a run: config/settings.py's
CONFIG_FILES, engine/project_roots.py's MANIFESTS and .gitignore (a test keeps them in
step; importing those modules would cost the warm run what it saves)."""
_PROBED = frozenset(PROBED_NAMES)


class WalkRecord:
    """What a run's walk saw (a plain class: a warm run imports this module, and not
    `dataclasses`)."""

    __slots__ = ("listed", "present", "probed")

    def __init__(
        self,
        listed: list[str] | None = None,
        probed: list[str] | None = None,
        present: dict[str, list[str]] | None = None,
    ) -> None:
        self.listed = listed if listed is not None else []  # directories, as walked
        self.probed = probed if probed is not None else []  # files skipped for what they contain
        # The PROBED_NAMES each listed directory's listing held (directories holding none: absent).
        self.present = present if present is not None else {}


_current: WalkRecord | None = None


def listed(directory: str, names: Iterable[str] = ()) -> None:
    """`names`: the entries of its listing (the names of PROBED_NAMES among them are kept)."""
    if _current is not None:
        _current.listed.append(directory)
        found = [name for name in names if name in _PROBED]
        if found:
            _current.present[directory] = found


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
