"""The paths a person reads: a file relative to the working directory when it is below it
(POSIX separators), else as it was named on the command line.

The engine and the workspace know files by project-relative ids (engine/file_ids.py); a
run's findings are given these display paths here, once, before any reporter, the
baseline or `--diff` sees them.
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from pathlib import Path

from ragfirst.engine.outbound import escape_surrogates
from ragfirst.model import Finding
from ragfirst.real_paths import RealDirectories

_REAL_DIRECTORIES = RealDirectories()


def display_path(path: Path | str) -> str:
    """Relative to the working directory when below it, POSIX separators either way."""
    cwd = os.getcwd()
    text = os.fspath(path)
    # A file that is not a link resolves to its resolved directory plus its name: one
    # lstat instead of resolving every component of every path.
    if os.path.islink(text):
        resolved = os.path.realpath(text)
    else:
        directory, name = os.path.split(text)
        resolved = os.path.join(_resolved(cwd, directory), name)
    base = _resolved(cwd, cwd)
    base = base if base.endswith(os.sep) else base + os.sep
    if resolved.startswith(base):
        return escape_surrogates(resolved[len(base) :].replace(os.sep, "/"))
    return escape_surrogates(Path(text).as_posix())  # a non-UTF-8 name: printable, storable


def display_found(path: str, directory: str, name: str, is_link: bool) -> str:
    """display_path for a file discovery found, from its directory's cached prefix."""
    cwd = os.getcwd()
    prefix = None if is_link else _display_prefix(cwd, directory)
    if prefix is None:
        return display_path(path)
    return escape_surrogates(prefix + name)


def lexical_display_path(path: Path | str) -> str:
    """Like display_path, without following links (for a path that links out of the root)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(os.getcwd())).as_posix()
    except ValueError:
        return display_path(path)


def present(findings: list[Finding], shown: str) -> list[Finding]:
    """One file's findings (carrying its project-relative id) with its display path. The
    id stays in `data["file_id"]`: places named in a finding's data (`where`: another
    site's `path:line`) are ids, and a fix compares them with its own file's."""
    return [
        f if f.path == shown else dataclasses.replace(f, path=shown, data={**f.data, FILE_ID: f.path})
        for f in findings
    ]


FILE_ID = "file_id"


def file_id(finding: Finding) -> str:
    """The finding's file as the workspace knows it (its id), whether shown or not."""
    return str(finding.data.get(FILE_ID, finding.path))


@lru_cache(maxsize=4096)
def _display_prefix(cwd: str, directory: str) -> str | None:
    """What display_path puts before the name of a file (not a link) in `directory`: its
    resolved path relative to the working directory, with a trailing "/" ("" for the
    working directory itself); None when it is not below the working directory."""
    resolved = _resolved(cwd, directory) + os.sep
    base = _resolved(cwd, cwd)
    base = base if base.endswith(os.sep) else base + os.sep
    if not resolved.startswith(base):
        return None
    return resolved[len(base) :].replace(os.sep, "/")


@lru_cache(maxsize=4096)
def _resolved(cwd: str, directory: str) -> str:
    """`directory` (relative to `cwd`) with links resolved; cached per working directory."""
    return _REAL_DIRECTORIES(os.path.join(cwd, directory))
