"""Files created on disk, for clients that cannot watch files (Neovim on Linux, Emacs in
batch mode): the modification time of every directory of a workspace folder is recorded
when the folder is indexed; a directory whose time changed is listed again, and the files
ragfirst reads that it did not know are new (issue 24, bug 2). A file deleted on disk is
found by its own stamp (indexing.py), a file created needs its directory's.

Cheap: one `stat` per directory on a check (the server checks at most once a second while
linting, and on every save); a directory is listed only when an entry was added, removed
or renamed in it. The walk follows discovery's rules (`exclude`, .gitignore, no directory
links), so `.venv/` or `node_modules/` are neither recorded nor listed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.lsp.uris import is_config_file

MAX_DIRECTORIES = 50_000  # a bound on the stamps kept (and on one check's `stat` calls)

Excluded = Callable[[Path, bool], bool]
"""(path, is a directory) -> discovery from the folder would skip it."""


def _mtime(directory: str) -> int | None:
    try:
        return os.stat(directory).st_mtime_ns
    except OSError:
        return None


def wanted(name: str) -> bool:
    """A file ragfirst reads (an analyzer's, or a config file)."""
    return language_of(name) is not None or is_config_file(name)


class DirectoryStamps:
    def __init__(self) -> None:
        self.stamps: dict[str, int] = {}  # directory -> st_mtime_ns when last listed

    def record_tree(
        self, top: Path, excluded: Excluded, new: Callable[[Path], bool] | None = None
    ) -> list[Path]:
        """Record `top` and the directories below it that discovery enters. `new`: a file
        not known yet; the files ragfirst reads for which it is True are returned (the
        first record, after discovery indexed the folder, asks for none)."""
        found: list[Path] = []
        stack = [os.fspath(top)]
        while stack and len(self.stamps) < MAX_DIRECTORIES:
            directory = stack.pop()
            stamp = _mtime(directory)
            if stamp is None:
                continue
            self.stamps[directory] = stamp
            files, subdirectories = self._list(directory, excluded, new)
            found.extend(files)
            stack.extend(subdirectories)
        return found

    def new_files(self, excluded: Excluded, new: Callable[[Path], bool]) -> list[Path]:
        """Files ragfirst reads that appeared since the last check (`new`: not known), in
        the recorded directories and in directories created below them."""
        found: list[Path] = []
        for directory, stamp in list(self.stamps.items()):
            now = _mtime(directory)
            if now == stamp:
                continue
            if now is None:  # removed: its files leave the index by their own stamps
                del self.stamps[directory]
                continue
            self.stamps[directory] = now
            files, subdirectories = self._list(directory, excluded, new)
            found.extend(files)
            for subdirectory in subdirectories:
                if subdirectory not in self.stamps:
                    found.extend(self.record_tree(Path(subdirectory), excluded, new))
        return found

    @staticmethod
    def _list(
        directory: str, excluded: Excluded, new: Callable[[Path], bool] | None
    ) -> tuple[list[Path], list[str]]:
        files: list[Path] = []
        subdirectories: list[str] = []
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            return files, subdirectories
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not excluded(Path(entry.path), True):
                        subdirectories.append(entry.path)
                elif new is not None and entry.is_file() and wanted(entry.name):
                    path = Path(entry.path)
                    if new(path) and not excluded(path, False):
                        files.append(path)
            except OSError:
                continue
        return files, subdirectories
