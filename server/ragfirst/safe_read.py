"""Read a small file that the scanned repository controls: config, .gitignore, baseline.

Every such read goes through `read_capped`, which refuses, with a one-line reason:
- a symlink whose real path leaves the directory tree the file was found in (a pull
  request cannot make ragfirst read, and echo, a file elsewhere on the machine);
- anything but a regular file (a FIFO would block, `/dev/zero` would never end);
- more than `limit` bytes (a 50 MB config costs one capped read, not 50 MB of memory).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class ReadRefused(Exception):
    """The file was not read; `reason` is one line, e.g. "links outside its directory"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _size_text(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    if limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"


def read_capped(path: Path, limit: int, inside: Path | None = None) -> bytes:
    """The bytes of `path` (at most `limit`), whose real path must lie under `inside`
    (default: the directory that holds `path`). Raises ReadRefused or OSError."""
    return within_cap(read_head(path, limit, inside), limit)


def within_cap(data: bytes, limit: int) -> bytes:
    """`data` from `read_head`, refused as `read_capped` refuses it when over `limit`."""
    if len(data) > limit:
        raise ReadRefused(f"too large (over {_size_text(limit)}); not read")
    return data


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_head(path: Path, limit: int, inside: Path | None = None) -> bytes:
    """Like `read_capped`, but a file over `limit` gives its first `limit + 1` bytes instead
    of an error (a caller that only needs to know whether a word is there)."""
    # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it does
    # not block, and fstat below refuses it.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if _NOFOLLOW and _plain_file_in(path, inside):
        # No link: it lies in its own directory, whatever that directory's path resolves to
        # (two `realpath` walks of every component spared: a config per project). Swapped
        # for a link since, the open refuses it.
        fd = os.open(path, flags | _NOFOLLOW)
    else:
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(inside if inside is not None else Path(os.path.abspath(path)).parent))
        if not real.is_relative_to(base):
            raise ReadRefused("links outside its directory; not read")
        if not stat.S_ISREG(os.stat(real).st_mode):
            raise ReadRefused("not a regular file; not read")
        fd = os.open(real, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused("not a regular file; not read")
        # Sized by the file, not the cap: `read(limit + 1)` allocates the whole cap first
        # (1 MiB per config file read). A file that grew since fstat is read on to the cap.
        data = handle.read(min(info.st_size, limit) + 1)
        if info.st_size < len(data) <= limit:
            data += handle.read(limit + 1 - len(data))
        return data


def _plain_file_in(path: Path, inside: Path | None) -> bool:
    """Is `path` a regular file, not a link, asked about within its own directory (named
    without `..`, which is not lexical after a link)?"""
    if ".." in Path(path).parts:
        return False
    if inside is not None and os.path.abspath(inside) != os.path.dirname(os.path.abspath(path)):
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False  # the usual way says why
