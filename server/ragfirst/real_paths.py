"""Link-resolved paths of directories, memoised through their parents.

`os.path.realpath` checks every component of every path it is given: for the thousands of
directories of a large tree that is one `lstat` per component per directory. Resolving a
directory through its already-resolved parent costs one `lstat`.
"""

from __future__ import annotations

import os


class RealDirectories:
    """`os.path.realpath` for directories, remembering each directory it has resolved.

    A long-lived owner (the language server) calls `clear` when links may have changed."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, directory: str) -> str:
        if ".." in directory.split(os.sep):
            return os.path.realpath(directory)  # ".." after a link is not lexical
        absolute = os.path.normpath(os.path.join(os.getcwd(), directory))
        pending: list[str] = []  # unresolved directories, innermost first
        current = absolute
        while current not in self._known:
            parent = os.path.dirname(current)
            if parent == current:  # the file system root
                self._known[current] = current
                break
            pending.append(current)
            current = parent
        for path in reversed(pending):
            candidate = os.path.join(self._known[os.path.dirname(path)], os.path.basename(path))
            self._known[path] = os.path.realpath(candidate) if os.path.islink(candidate) else candidate
        return self._known[absolute]

    def clear(self) -> None:
        self._known.clear()
