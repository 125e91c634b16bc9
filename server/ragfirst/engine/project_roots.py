"""Where a project starts (see project_model.py): its ragfirst config's directory, else the
nearest manifest or VCS root. Kept apart, without imports, so that planning a run that its
snapshot answers loads nothing more."""

from __future__ import annotations

import os
from pathlib import Path

MANIFESTS = ("ragfirst.toml", "pyproject.toml", "setup.py", "setup.cfg", "package.json", "requirements.txt")
VCS_MARKERS = (".git", ".hg", ".svn")


class ProjectRoots:
    """Finds (and remembers, per directory) the root of the project a directory is in."""

    def __init__(self) -> None:
        self._known: dict[str, Path | None] = {}

    def root_of(self, directory: Path, config_root: Path | None) -> Path | None:
        """The config root when there is one, else the nearest manifest or VCS root; None
        when nothing above marks a project."""
        if config_root is not None:
            return config_root
        return self._marked(os.path.abspath(directory))

    @staticmethod
    def is_one_project(root: Path | None) -> bool:
        """Do all files under `root` share facts (a config or manifest marks it, or nothing
        does and the directory asked for is the project), or only files that reach each
        other (a bare VCS root)?"""
        return root is None or any((root / name).exists() for name in MANIFESTS)

    def _marked(self, directory: str) -> Path | None:
        if directory in self._known:
            return self._known[directory]
        found: Path | None = None
        if any(os.path.exists(os.path.join(directory, name)) for name in (*MANIFESTS, *VCS_MARKERS)):
            found = Path(directory)
        else:
            parent = os.path.dirname(directory)
            found = self._marked(parent) if parent != directory else None
        self._known[directory] = found
        return found
