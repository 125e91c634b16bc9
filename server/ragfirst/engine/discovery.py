"""Find the files to lint: recursive, `.gitignore`-aware, excludes, never following links out.

Only regular files are returned: FIFOs, sockets and devices are never opened, and
directory symlinks are not followed (no loops, no escapes from the scanned root).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pathspec

from ragfirst.config.settings import Settings


def _excluded(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
        if "/" in pattern and fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*"):
            return True
    return False


class _GitIgnores:
    """The .gitignore files from the scan root down, each applying below its directory."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            ignore_file = directory / ".gitignore"
            try:
                if ignore_file.is_file():
                    lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except OSError:
                spec = None
            self._specs[directory] = spec
        return self._specs[directory]

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
) -> Iterator[Path]:
    """Yield lintable files under `paths`; explicitly named files are always yielded."""
    seen: set[Path] = set()
    gitignores = _GitIgnores()
    for root in paths:
        if root.is_file() or (root.exists() and not root.is_dir()):
            if root.is_file() and is_lintable(root.as_posix()) and root not in seen:
                seen.add(root)
                yield root
            continue
        root_real = root.resolve()
        top = _repository_top(_absolute(root))
        for directory, dirnames, filenames in os.walk(root, followlinks=False):
            current = Path(directory)
            settings = settings_for(current)
            chain = _ignore_chain(top, _absolute(current))
            base = settings.root or root
            keep = []
            for name in sorted(dirnames):
                full = current / name
                if _excluded(name, _relative(full, base), settings.exclude):
                    continue
                if settings.respect_gitignore and gitignores.ignored(_absolute(full), True, chain):
                    continue
                keep.append(name)
            dirnames[:] = keep
            for name in sorted(filenames):
                if not is_lintable((current / name).as_posix()):
                    continue
                full = current / name
                if _excluded(name, _relative(full, base), settings.exclude):
                    continue
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
