"""How the workspace knows a file: its project root and its path below that root.

`./a.py`, `a.py`, `/abs/a.py`, a path through a symlinked directory or with `..` all
name one file, so they give one key: one entry in the workspace, one analysis, one set of
findings. Keys do not depend on the working directory either, so the analysis cache and
the language server (which has none) agree with the CLI. Paths shown to a person (relative
to the working directory) are the reporters' business (reporters/paths.py).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ragfirst.engine.outbound import escape_surrogates
from ragfirst.real_paths import RealDirectories


@dataclass(frozen=True, slots=True, order=True)
class FileKey:
    root: str  # the project root's real path (absolute, POSIX); "" for an in-memory project
    id: str  # the file's path below the root (POSIX): what its analysis and findings carry

    @property
    def location(self) -> str:
        """The file's real path (absolute, POSIX); the id itself in memory."""
        if not self.root:
            return self.id
        return posixpath.normpath(posixpath.join(self.root, self.id))


def _posix(path: str) -> str:
    return path if os.sep == "/" else Path(path).as_posix()


class FileIds:
    """Keys for files on disk; directories' real paths are remembered (one `lstat` per new
    directory, not per path component of every file)."""

    def __init__(self, one_run: bool = False) -> None:
        """`one_run`: the owner lives for one run (one working directory, links unchanged):
        directories are also remembered by their spelling, relative ones included."""
        self._real = RealDirectories()
        self._spelled: dict[str, str] | None = {} if one_run else None

    def real_directory(self, directory: str | Path) -> str:
        """A directory's real path (absolute, POSIX)."""
        text = os.fspath(directory) or "."
        if self._spelled is None:
            return _posix(self._real(text))
        real = self._spelled.get(text)
        if real is None:
            real = self._spelled[text] = _posix(self._real(text))
        return real

    def location(self, path: str | Path, is_link: bool | None = None) -> str:
        """A file's real path (absolute, POSIX): its directory resolved plus its name, or
        the link resolved when it is one."""
        text = os.fspath(path)
        if is_link if is_link is not None else os.path.islink(text):
            return _posix(os.path.realpath(text))
        directory, name = os.path.split(text)
        return posixpath.join(self.real_directory(directory), _posix(name))

    def location_in(self, directory: str, name: str, is_link: bool) -> str:
        """`location` of the file `name` in `directory` (a walk's own split: no splitting
        and joining per file again)."""
        if is_link:
            return self.location(os.path.join(directory, name), True)
        real = self.real_directory(directory)
        return (real if real.endswith("/") else real + "/") + _posix(name)

    def key(self, path: str | Path, root: str, is_link: bool | None = None) -> FileKey:
        """The key of the file at `path` in the project whose real root is `root`."""
        return key_of(self.location(path, is_link), root)

    def clear(self) -> None:
        """Links may have changed (the language server, on a file-system event)."""
        self._real.clear()
        if self._spelled is not None:
            self._spelled.clear()


def key_of(location: str, root: str) -> FileKey:
    """The key of the file at real path `location` in the project at real path `root`."""
    prefix = root if root.endswith("/") else root + "/"
    # A file named outside its project root (a link out of it) still has one key.
    inside = location.startswith(prefix)
    relative = location[len(prefix) :] if inside else posixpath.relpath(location, root)
    return FileKey(root, escape_surrogates(relative))
