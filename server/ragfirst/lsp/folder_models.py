"""One project model per workspace folder.

A multi-root workspace often has the same relative path in two folders (`main.py`,
`tune.py`, `src/__init__.py`). The model keys files by the path shown for them, relative to
their folder, so two folders in one model overwrote each other's files: a document could be
linted against the other folder's facts, and a disk file reported with the other's findings.
Each folder gets its own model; a file outside every folder goes in a model of its own (its
shown path is absolute, so unique).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ragfirst.engine.workspace import Workspace

ReadPath = Callable[[Path], "bytes | None"]
"""A file's current bytes (an open buffer's, else the disk's), or None."""


class FolderModels:
    def __init__(self, read: ReadPath) -> None:
        self._read = read
        self._models: dict[Path | None, Workspace] = {}

    def model_for(self, folder: Path | None) -> Workspace:
        """The model of a workspace folder (None: files outside every folder)."""
        model = self._models.get(folder)
        if model is None:

            def read(shown: str, folder: Path | None = folder) -> bytes | None:
                return self._read(folder / shown if folder is not None else Path(shown))

            model = self._models[folder] = Workspace(read)
        return model

    def all(self) -> list[Workspace]:
        return list(self._models.values())
