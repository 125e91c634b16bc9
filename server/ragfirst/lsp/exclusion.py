"""Is an opened file one `ragfirst check .` would skip? (`exclude`/`extend-exclude`, and
.gitignore'd paths such as `.venv/`), as ruff's server skips excluded files.

The same rules as discovery's walk (engine/discovery.py), asked for one path: each
directory from the workspace folder down to the file is checked against the excludes of
its parent's settings and the .gitignore files that apply there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ragfirst.config.path_patterns import compile_patterns
from ragfirst.config.settings import Settings
from ragfirst.engine.discovery import (
    _GitIgnores,
    _ignored,
    _relative_prefix,
    _repository_top,
    _with_sep,
)


def is_excluded(
    path: Path,
    folder: Path,
    settings_for: Callable[[Path], Settings],
    is_directory: bool = False,
    gitignores: _GitIgnores | None = None,
) -> bool:
    """True when discovery from `folder` would not yield `path` (a file below it), or
    would not enter it (`is_directory`). `gitignores`: the .gitignore files read by an
    earlier call, for many paths asked at once."""
    try:
        parts = Path(os.path.abspath(path)).relative_to(os.path.abspath(folder)).parts
    except ValueError:
        return False  # outside the workspace: named explicitly, as `ragfirst check FILE`
    root_absolute = os.path.abspath(folder)
    root_real = os.path.realpath(folder)
    top = _repository_top(root_absolute)
    chain = [top]
    if root_absolute != top:
        for part in root_absolute[len(_with_sep(top)) :].split(os.sep):
            chain.append(os.path.join(chain[-1], part))
    gitignores = gitignores or _GitIgnores()
    directory = root_absolute
    for index, name in enumerate(parts):
        is_dir = index < len(parts) - 1 or is_directory
        settings = settings_for(Path(directory))
        base = root_real if settings.root is None else os.path.realpath(settings.root)
        prefix = _relative_prefix(os.path.realpath(directory), base, directory)
        # `exclude` has .gitignore semantics, relative to the config root (path_patterns.py).
        if settings.exclude and compile_patterns(settings.exclude).matches_entry(prefix, name, is_dir):
            return True
        child = os.path.join(directory, name)
        if settings.respect_gitignore:
            specs = ((len(_with_sep(d)), gitignores.spec(d)) for d in chain)
            applying = tuple((cut, spec) for cut, spec in specs if spec is not None)
            if applying and _ignored(child, is_dir, applying):
                return True
        chain.append(child)
        directory = child
    return False


def excluded_in_folders(
    folder_for: Callable[[Path], Path | None], settings_for: Callable[[Path], Settings]
) -> Callable[[Path, bool], bool]:
    """`is_excluded` for many paths of the workspace's folders at once (the .gitignore
    files read once): (path, is a directory) -> skipped by discovery from its folder."""
    gitignores = _GitIgnores()

    def excluded(path: Path, is_directory: bool) -> bool:
        folder = folder_for(path)
        return folder is not None and is_excluded(path, folder, settings_for, is_directory, gitignores)

    return excluded
