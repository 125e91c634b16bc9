"""The paths a person reads: a file relative to the working directory when it is below it
(POSIX separators), else as it was named on the command line.

The engine and the workspace know files by project-relative ids (engine/file_ids.py); a
run's findings are given these display paths here, once, before any reporter, the
baseline or `--diff` sees them.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ragfirst.engine.outbound import escape_surrogates
from ragfirst.engine.project import FactSite, ProjectIndex
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


class Places:
    """A project's files as a person reads them: each file's id (relative to the project
    root, as findings carry it) and the path shown for it (relative to the working
    directory, else the project root as the command line named it, joined with the id:
    relative to the working directory when the paths given were relative)."""

    def __init__(self, root: str, home: Path | str, ids: Iterable[str], relative: bool = False) -> None:
        cwd = os.getcwd()
        base = _resolved(cwd, cwd).replace(os.sep, "/").rstrip("/") + "/"
        prefix = root.rstrip("/") + "/"
        self.root = root
        # Nothing to rewrite when the run is at the project root (the usual case).
        self.same = prefix == base
        self._ids = set(ids)
        self._below = prefix[len(base) :] if prefix.startswith(base) else None
        named = os.path.relpath(home, cwd) if relative else os.fspath(home)
        self._home = Path(named).as_posix().rstrip("/") + "/"

    def shown(self, file_id: str) -> str:
        if self._below is not None:
            return posixpath.normpath(self._below + file_id)
        return escape_surrogates(posixpath.normpath(self._home + file_id))

    def rewrite(self, text: str, own: str) -> str:
        """`text` with each place of the project in it (`id:line`, or the finding's own
        file `own` when nested) written as shown."""
        if self.same or not text:
            return text
        if ("/" not in own or own not in text) and (":" not in text or not _LINE.search(text)):
            return text  # neither the file's own nested path nor an `id:line` in it (most texts)

        def place(match: re.Match[str]) -> str:
            token = match.group(1)
            core = token.rstrip(".")
            # A bare name is a place only when it is the file's own nested path: messages
            # also name files by their base name (`requirements.txt adds peft`).
            if (core == own and "/" in own) or (match.group(2) and core in self._ids):
                return self.shown(core) + token[len(core) :] + (match.group(2) or "")
            return match.group()

        return _PLACE.sub(place, text)


# A run of path characters (a file's id), and the `:line` after it, if any.
_PLACE = re.compile(r"([\w.@~+/-]+)(:\d+)?")
_LINE = re.compile(r":\d")  # what any `:line` starts with


def present(findings: list[Finding], shown: str, places: Places | None = None) -> list[Finding]:
    """One file's findings (carrying its project-relative id) with its display path; the
    places of the project their messages, fix titles and data name (`app/ingest.py:14`)
    written as shown too, as a person reading them from the working directory needs."""
    presented = []
    for finding in findings:
        own = finding.path
        if own == shown and (places is None or places.same):
            presented.append(finding)
            continue
        changes: dict[str, Any] = {"path": shown}
        if places is not None and not places.same:
            changes["message"] = places.rewrite(finding.message, own)
            changes["data"] = _rewrite_value(finding.data, places, own)
            if finding.fix is not None:
                changes["fix"] = dataclasses.replace(
                    finding.fix, title=places.rewrite(finding.fix.title, own)
                )
        presented.append(dataclasses.replace(finding, **changes))
    return presented


def shown_index(index: ProjectIndex, places: Places) -> ProjectIndex:
    """A project's index of facts with its sites' paths as shown (the decision report
    lists them beside findings); the index itself when they are the same."""
    if places.same:
        return index
    shown = ProjectIndex()
    by_file: dict[str, list[FactSite]] = {}
    for kind in index.kinds():
        for site in index.sites(kind):
            by_file.setdefault(site.path, []).append(dataclasses.replace(site, path=places.shown(site.path)))
    for file_id, sites in by_file.items():
        shown.set_file(places.shown(file_id), sites)
    return shown


def _rewrite_value(value: Any, places: Places, own: str) -> Any:
    if isinstance(value, str):
        return places.rewrite(value, own)
    if isinstance(value, dict):
        return {key: _rewrite_value(item, places, own) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite_value(item, places, own) for item in value]
    return value


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
