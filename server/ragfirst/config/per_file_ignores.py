"""`per-file-ignores`: rules switched off for some paths, as in ruff and ESLint overrides.

    [tool.ragfirst.per-file-ignores]
    "scripts/*" = ["RF106"]
    "notebooks/" = ["RF4"]

Patterns have the semantics of `exclude` (path_patterns.py: `.gitignore` rules, relative
to the config's directory); codes are rule ids or prefixes (`ALL`: every rule). The
findings are dropped, as if the rules were not selected for those files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.config.path_patterns import compile_patterns

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.model import Finding


def ignored_codes(relative: str, settings: Settings) -> tuple[str, ...]:
    """The codes switched off for this path (relative to the config's directory)."""
    codes: list[str] = []
    for pattern, pattern_codes in settings.per_file_ignores:
        if compile_patterns((pattern,)).matches(relative):
            codes.extend(pattern_codes)
    return tuple(codes)


def config_relative(path: str, base_dir: Path, root: Path | None) -> str | None:
    """`path` (as displayed, relative to `base_dir` or absolute) relative to the config's
    directory, `/`-separated; None when it lies outside it."""
    if root is None:
        return None
    absolute = os.path.normpath(os.path.join(base_dir, path))
    try:
        relative = os.path.relpath(absolute, os.path.normpath(os.path.abspath(root)))
    except ValueError:  # another drive (Windows)
        return None
    if relative == ".." or relative.startswith(".." + os.sep):
        return None
    return relative.replace(os.sep, "/")


def policy(findings: list[Finding], path: str, settings: Settings, base_dir: Path) -> list[Finding]:
    """The findings of one file that `per-file-ignores` leaves reported."""
    if not findings or not settings.per_file_ignores:
        return findings
    relative = config_relative(path, base_dir, settings.root)
    if relative is None:
        return findings
    codes = ignored_codes(relative, settings)
    if not codes:
        return findings
    return [f for f in findings if not any(f.rule_id.startswith(code) for code in codes)]
