"""Find the files to lint: recursive, `.gitignore`-aware, excludes, never following links out.

Only regular files are returned: FIFOs, sockets and devices are never opened, and
directory symlinks are not followed (no loops, no escapes from the scanned root).
Directories that cannot be listed and .gitignore files that cannot be read (or that link
out of their directory, or are over 1 MiB) are reported through `on_error`, not skipped
silently.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import pathspec

from ragfirst.config.settings import Settings
from ragfirst.safe_read import ReadRefused, read_capped


def _excluded(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    """Does an `exclude` pattern match the name, or the path relative to the config root
    (a pattern with `/` also excludes everything below the directory it names)?"""
    if not patterns:
        return False
    names, relatives = _exclude_regexes(patterns)
    return names.match(name) is not None or relatives.match(relative) is not None


@lru_cache(maxsize=64)
def _exclude_regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One regex for names and one for relative paths: fnmatch's own translation, joined."""
    names = [fnmatch.translate(pattern) for pattern in patterns]
    relatives = names + [fnmatch.translate(p.rstrip("/") + "/*") for p in patterns if "/" in p]
    return re.compile("|".join(names)), re.compile("|".join(relatives))


MAX_GITIGNORE_BYTES = 1024 * 1024
OnError = Callable[[Path, str], None]


class _GitIgnores:
    """The .gitignore files from the scan root down, each applying below its directory."""

    def __init__(self, on_error: OnError | None = None) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._on_error = on_error

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            ignore_file = directory / ".gitignore"
            try:
                if ignore_file.is_file():
                    # Capped, a regular file, and a link only if it stays in its directory.
                    data = read_capped(ignore_file, MAX_GITIGNORE_BYTES)
                    lines = data.decode("utf-8", errors="replace").splitlines()
                    spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except ReadRefused as exc:
                self._report(ignore_file, f".gitignore {exc.reason}")
            except OSError as exc:
                self._report(ignore_file, f"cannot read .gitignore: {exc.strerror or exc}")
            except ValueError as exc:  # pathspec: a pattern it cannot compile
                self._report(ignore_file, f".gitignore not used: {exc}")
            self._specs[directory] = spec
        return self._specs[directory]

    def _report(self, path: Path, message: str) -> None:
        if self._on_error is not None:
            self._on_error(path, message)

    def ignored(self, path: Path, is_dir: bool, chain: list[Path]) -> bool:
        for directory in chain:
            spec = self._spec(directory)
            if spec is None:
                continue
            relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False


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
    seen: set[Path] = set()
    gitignores = _GitIgnores(on_error)

    def unlistable(exc: OSError) -> None:
        if on_error is not None and exc.filename is not None:
            on_error(Path(os.fsdecode(exc.filename)), f"cannot list directory: {exc.strerror or exc}")

    for root in paths:
        if root.is_file() or (root.exists() and not root.is_dir()):
            if root.is_file() and is_lintable(root.as_posix()) and root not in seen:
                seen.add(root)
                yield root
            continue
        root_real = root.resolve()
        top = _repository_top(_absolute(root))
        for directory, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=False):
            current = Path(directory)
            settings = settings_for(current)
            chain = _ignore_chain(top, _absolute(current))
            base = settings.root or root
            below = _relative(current, base)  # the directory's path relative to the root
            prefix = "" if below in (".", "") else below + "/"
            keep = []
            for name in sorted(dirnames):
                full = current / name
                if _excluded(name, prefix + name, settings.exclude):
                    continue
                if settings.respect_gitignore and gitignores.ignored(_absolute(full), True, chain):
                    continue
                keep.append(name)
            dirnames[:] = keep
            posix_directory = current.as_posix()
            for name in sorted(filenames):
                if not is_lintable(f"{posix_directory}/{name}"):
                    continue
                if _excluded(name, prefix + name, settings.exclude):
                    continue
                full = current / name
                try:
                    info = os.lstat(full)
                except OSError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    try:
                        target = full.resolve(strict=True)
                    except (OSError, RuntimeError):
                        continue  # dangling or looping link
                    if not _is_under(target, root_real) or not target.is_file():
                        continue
                elif not stat.S_ISREG(info.st_mode):
                    continue  # FIFOs, sockets, devices: never opened
                if settings.respect_gitignore and gitignores.ignored(_absolute(full), False, chain):
                    continue
                if full not in seen:
                    seen.add(full)
                    yield full


def _repository_top(root: Path) -> Path:
    """Where .gitignore files start to apply: the git work tree's top, else the scan root."""
    for candidate in (root, *root.parents):
        if (candidate / ".git").exists():
            return candidate
    return root


def _ignore_chain(top: Path, directory: Path) -> list[Path]:
    """Directories from `top` down to `directory`, each of which may hold a .gitignore."""
    if not _is_under(directory, top):
        return [directory]
    chain = [directory, *(p for p in directory.parents if _is_under(p, top))]
    return list(reversed(chain))


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _absolute(path: Path) -> Path:
    """Lexical absolute path: never follows links, so a link loop cannot raise here."""
    return Path(os.path.abspath(path))


def _relative(path: Path, base: Path) -> str:
    try:
        return _absolute(path).relative_to(_absolute(base)).as_posix()
    except ValueError:
        return path.as_posix()
