"""Find the files to lint: recursive, `.gitignore`-aware, excludes, never following links out.

Only regular files are returned: FIFOs, sockets and devices are never opened, and
directory symlinks are not followed (no loops, no escapes from the scanned root).
Directories that cannot be listed and .gitignore files that cannot be read (or that link
out of their directory, or are over 1 MiB) are reported through `on_error`, not skipped
silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from ragfirst.config.path_patterns import compile_patterns
from ragfirst.config.settings import Settings
from ragfirst.engine import walk_record
from ragfirst.engine.gitignore_verdict import verdict
from ragfirst.engine.skipped import SkipTally, looks_minified
from ragfirst.safe_read import ReadRefused, read_capped

MAX_GITIGNORE_BYTES = 1024 * 1024
OnError = Callable[[Path, str], None]


class _GitIgnores:
    """The .gitignore files from the scan root down, each applying below its directory."""

    def __init__(self, on_error: OnError | None = None) -> None:
        self._specs: dict[str, Any] = {}
        self._on_error = on_error

    def spec(self, directory: str) -> Any:
        """The compiled .gitignore of `directory` (an absolute path), read once; pathspec is
        imported for the first .gitignore found."""
        if directory not in self._specs:
            spec = None
            ignore_file = Path(directory, ".gitignore")
            try:
                if ignore_file.is_file():
                    # Capped, a regular file, and a link only if it stays in its directory.
                    data = read_capped(ignore_file, MAX_GITIGNORE_BYTES)
                    lines = data.decode("utf-8", errors="replace").splitlines()
                    import pathspec

                    spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except ReadRefused as exc:
                self._report(ignore_file, f".gitignore {exc.reason}")
            except OSError as exc:
                self._report(ignore_file, f"cannot read .gitignore: {exc.strerror or exc}")
            except (ValueError, re.error) as exc:  # pathspec: a pattern it cannot compile
                self._report(ignore_file, f".gitignore not used: {str(exc)[:200]}")
            except Exception as exc:  # its regex backend refusing a pattern (RE2: too big)
                self._report(ignore_file, f".gitignore not used: {type(exc).__name__}: {str(exc)[:200]}")
            self._specs[directory] = spec
        return self._specs[directory]

    def none_listed(self, directory: str) -> None:
        """`directory`'s listing holds no `.gitignore`: no spec there, without asking the disk."""
        self._specs.setdefault(directory, None)

    def _report(self, path: Path, message: str) -> None:
        if self._on_error is not None:
            self._on_error(path, message)


_Chain = tuple[tuple[int, Any], ...]
"""The .gitignore specs that apply in a directory: (length of the prefix to cut, spec)."""


class _DirectoryIgnores:
    """The .gitignore specs that apply in one directory, read on the first question (a
    directory with nothing to check never reads them, nor reports them unreadable)."""

    def __init__(self, chain_dirs: tuple[str, ...], gitignores: _GitIgnores, enabled: bool) -> None:
        self._dirs = chain_dirs
        self._gitignores = gitignores
        self._chain: _Chain | None = None if enabled else ()

    def ignored(self, absolute: str, is_dir: bool) -> bool:
        if self._chain is None:
            specs = ((len(_with_sep(d)), self._gitignores.spec(d)) for d in self._dirs)
            self._chain = tuple((cut, spec) for cut, spec in specs if spec is not None)
        return bool(self._chain) and _ignored(absolute, is_dir, self._chain)


def _ignored(absolute: str, is_dir: bool, chain: _Chain) -> bool:
    """Git's rule: the deepest .gitignore with a pattern that matches decides, by its last
    matching pattern, so `!keep.py` in `sub/.gitignore` re-includes what `*.py` in the
    .gitignore above ignores (and `keep.py` there ignores what `!keep.py` above keeps).
    `chain` runs from the top directory down."""
    for cut, spec in reversed(chain):
        relative = absolute[cut:]
        if os.sep != "/":
            relative = relative.replace(os.sep, "/")
        # the last pattern that matches: True (ignored), False (re-included), None (none)
        decided = verdict(spec, relative, is_dir)
        if decided is not None:
            return decided
    return False


class FoundFile(NamedTuple):
    """A file discovery yields, with what it learnt on the way (so callers need no more
    `stat` calls or path parsing): the directory's settings and whether it is a link."""

    path: str  # as walked: the scan root joined with the names below it
    directory: str
    name: str
    is_link: bool
    settings: Settings


def discover(
    paths: list[Path],
    settings_for: Callable[[Path], Settings],
    is_lintable: Callable[[str], bool],
    on_error: OnError | None = None,
) -> Iterator[Path]:
    """Yield lintable files under `paths`; explicitly named files are always yielded.

    A directory that cannot be listed, or a .gitignore that cannot be read (or is refused:
    a link out of its directory, too large), is passed to `on_error(path, message)` and
    skipped; discovery goes on."""
    for found in discover_files(paths, settings_for, is_lintable, on_error):
        yield Path(found.path)


def discover_files(
    paths: list[Path],
    settings_for: Callable[[Path], Settings],
    is_lintable: Callable[[str], bool],
    on_error: OnError | None = None,
    skipped: SkipTally | None = None,
) -> Iterator[FoundFile]:
    """`discover`, yielding FoundFile records; what is left out is counted in `skipped`.
    `settings_for` is only ever given a
    directory (for a named file, its parent). Directories are walked with `os.scandir` on
    plain strings: the entry types come with the listing, so a regular file costs no
    `stat` call."""
    seen: set[str] = set()
    gitignores = _GitIgnores(on_error)
    for root in paths:
        if root.is_file() or (root.exists() and not root.is_dir()):
            if root.is_file() and is_lintable(root.as_posix()) and os.path.normpath(root) not in seen:
                seen.add(os.path.normpath(root))
                directory, name = os.path.split(str(root))
                yield FoundFile(str(root), directory, name, root.is_symlink(), settings_for(root.parent))
            continue
        yield from _walk(root, settings_for, is_lintable, gitignores, seen, on_error, skipped)


def _walk(
    root: Path,
    settings_for: Callable[[Path], Settings],
    is_lintable: Callable[[str], bool],
    gitignores: _GitIgnores,
    seen: set[str],
    on_error: OnError | None,
    skipped: SkipTally | None = None,
) -> Iterator[FoundFile]:
    """Depth first, files of a directory before its subdirectories, names sorted (the order
    `os.walk` gives); directory links are never entered. An explicit stack, so a deep tree
    cannot exhaust the recursion limit."""
    settings_at = _settings_at(settings_for)
    root_real = os.path.realpath(root)
    root_absolute = os.path.abspath(root)
    top = _repository_top(root_absolute)
    # The directories from the repository top down to the root, then one more per level.
    above = [top]
    if root_absolute != top:
        below_top = root_absolute[len(_with_sep(top)) :]
        for part in below_top.split(os.sep):
            above.append(os.path.join(above[-1], part))
    # (the path as walked, its lexical absolute path, its real path, its .gitignore chain):
    # directory links are not entered, so a child's real path is its parent's plus its name.
    stack: list[tuple[str, str, str, tuple[str, ...]]] = [
        (os.fspath(root), root_absolute, root_real, tuple(above))
    ]
    bases: dict[Path, str] = {}
    listed_real: dict[str, str] = {}  # the real path of each directory listed, by its absolute one
    # Names below the root are plain, so a file's normal path is the root's plus the rest.
    cut = len(_with_sep(os.fspath(root)))
    normal_root = os.path.normpath(root)
    lead = "" if normal_root == "." else _with_sep(normal_root)
    while stack:
        directory, absolute, real, chain_dirs = stack.pop()
        listed_real[absolute] = listed_real[real] = real  # (a real path resolves to itself)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=_NAME)
        except OSError as exc:
            if on_error is not None:
                name = os.fsdecode(exc.filename) if exc.filename is not None else directory
                on_error(Path(name), f"cannot list directory: {exc.strerror or exc}")
            continue
        names = [entry.name for entry in entries]
        walk_record.listed(directory, names)  # for the run manifest (engine/run_manifest.py)
        if ".gitignore" not in names:
            gitignores.none_listed(absolute)  # one `stat` fewer per directory
        settings = settings_at(directory, real, names)
        # The .gitignore files that apply here are read when something here needs them.
        ignores = _DirectoryIgnores(chain_dirs, gitignores, settings.respect_gitignore)

        # The config root as a real path (an explicit --config names it as typed).
        if settings.root is None:
            base = root_real
        else:
            base = bases.get(settings.root) or bases.setdefault(
                settings.root, _real_root(settings.root, listed_real)
            )
        prefix = _relative_prefix(real, base, directory)
        # `exclude` has .gitignore semantics, relative to the config root (path_patterns.py).
        excluded = compile_patterns(settings.exclude) if settings.exclude else None
        # Joined by hand (os.path.join costs more than the rest of a file's checks).
        walked, absolute_dir, real_dir = _with_sep(directory), _with_sep(absolute), _with_sep(real)
        subdirectories: list[tuple[str, str, str, tuple[str, ...]]] = []
        for entry in entries:
            name = entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if excluded is not None and excluded.matches_entry(prefix, name, is_dir):
                if skipped is not None and (is_dir or is_lintable(name)):
                    skipped.excluded(name, prefix + name, settings.exclude, is_dir, walked + name)
                continue
            if is_dir:
                child = absolute_dir + name
                if ignores.ignored(child, True):
                    if skipped is not None:
                        skipped.add("gitignored", walked + name + "/")
                    continue
                subdirectories.append((walked + name, child, real_dir + name, (*chain_dirs, child)))
                continue
            full = walked + name
            if not is_lintable(full if os.sep == "/" else full.replace(os.sep, "/")):
                continue
            if is_link:
                # A link is followed only to a regular file inside the scanned root.
                try:
                    target = os.path.realpath(full, strict=True)
                except (OSError, RuntimeError):
                    continue  # dangling or looping link
                if not _is_under(target, root_real) or not os.path.isfile(target):
                    continue
            else:
                try:
                    if not entry.is_file(follow_symlinks=False):
                        continue  # FIFOs, sockets, devices: never opened
                except OSError:
                    continue
            if ignores.ignored(absolute_dir + name, False):
                if skipped is not None:
                    skipped.add("gitignored", full)
                continue
            if settings.skip_minified and looks_minified(full):
                walk_record.probed(full)
                if skipped is not None:
                    skipped.add("minified", full)
                continue
            if (normal := lead + full[cut:]) not in seen:  # `./a.py` and `a.py` are one file
                seen.add(normal)
                yield FoundFile(full, directory, name, is_link, settings)
        stack.extend(reversed(subdirectories))


_NAME = attrgetter("name")


def _real_root(root: Path, listed_real: dict[str, str]) -> str:
    """A config root's real path: the walk's own for a directory it listed (most configs),
    else `realpath`'s (a config above the scanned folder)."""
    return listed_real.get(os.path.abspath(root)) or os.path.realpath(root)


def _settings_at(settings_for: Callable[[Path], Settings]) -> Callable[[str, str, Collection[str]], Settings]:
    """(directory as walked, its real path, its listing) -> its settings. A resolver's
    `for_directory` is asked through its `for_walked`: the walk knows the real path (no
    realpath per directory) and which config names the directory holds (no probe for
    the others)."""
    walked = getattr(getattr(settings_for, "__self__", None), "for_walked", None)
    if walked is not None and getattr(settings_for, "__name__", "") == "for_directory":
        return walked  # type: ignore[no-any-return]
    return lambda directory, real, names: settings_for(Path(directory))


def _with_sep(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _repository_top(root: str) -> str:
    """Where .gitignore files start to apply: the git work tree's top, else the scan root."""
    candidate = root
    while True:
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return root
        candidate = parent


def _is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(_with_sep(root))


def _relative_prefix(real: str, base: str, walked: str) -> str:
    """The directory relative to the config root `base` (both real paths) as a POSIX prefix
    for `exclude` patterns: "" for the root itself, "a/b/" below it; outside it, the path
    as walked."""
    if real == base:
        return ""
    relative = real[len(_with_sep(base)) :] if real.startswith(_with_sep(base)) else walked
    relative = relative.replace(os.sep, "/")
    return "" if relative in (".", "") else relative + "/"
