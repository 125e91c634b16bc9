"""Write a file so that readers see either the old content or the new, never half of it.

The new content goes to a temporary file in the same directory (so `os.replace` is a
rename on one file system), is flushed and fsynced, gets the permissions of the file
it replaces (or the umask default for a new file), and then replaces it. If anything
fails on the way, the temporary file is removed and the original is left untouched.

The paths written are often inside the repository being scanned (`--output-file
ragfirst.sarif`, `.ragfirst-baseline.json`), which is untrusted: a planted symlink there
must not redirect the write outside. So a path whose last component is a symlink, or
that walks through a symlinked folder below the working directory, is refused
(`LinkRefused`, one line); nothing is followed, nothing is created on the way.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class LinkRefused(OSError):
    """An output path that is, or goes through, a symbolic link."""


def _checked_components(path: Path) -> list[Path]:
    """The components of `path` that must not be links: every one below the working
    directory (the repository), and always the last one. Folders above the working
    directory (`/tmp` on macOS, a linked home) belong to the machine, not the repository."""
    absolute = Path(os.path.abspath(path))
    cwd = Path(os.getcwd())
    chain = [absolute, *absolute.parents]
    below = [p for p in chain if p != cwd and cwd in p.parents]
    return below if absolute in below else [absolute]


def refuse_links(path: str | os.PathLike[str]) -> None:
    """Raise LinkRefused if writing `path` would follow a symlink (see the module doc)."""
    for component in _checked_components(Path(path)):
        if os.path.islink(component):
            raise LinkRefused(
                f"{os.fspath(path)}: {os.fspath(component)} is a symbolic link; "
                "ragfirst does not write through links (remove it or choose another path)"
            )


def make_parents(path: str | os.PathLike[str]) -> None:
    """Create the missing folders of `path`, refusing any link on the way first."""
    refuse_links(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)


def write_atomic(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> None:
    """Replace `path` with `data` atomically; a path that is or goes through a symlink is
    refused with LinkRefused (see the module doc), never followed."""
    refuse_links(path)
    target = Path(os.path.abspath(path))
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    temp = target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp"
    # 0o666 through the umask: a new file gets the same mode `open(path, "w")` would give it.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if existing is not None:
            os.chmod(temp, existing.st_mode & 0o7777)
            if hasattr(os, "chown") and (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only root may give a file to someone else
                    os.chown(temp, existing.st_uid, existing.st_gid)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
