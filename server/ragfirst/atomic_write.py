"""Write a file so that readers see either the old content or the new, never half of it.

The new content goes to a temporary file in the same directory (so `os.replace` is a
rename on one file system), is flushed and fsynced, gets the permissions of the file
it replaces (or the umask default for a new file), and then replaces it. If anything
fails on the way, the temporary file is removed and the original is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> None:
    """Replace `path` with `data` atomically; a symlink's target is replaced, not the link."""
    target = Path(os.path.realpath(path))
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # 0o666 through the umask: a new file gets the same mode `open(path, "w")` would give it.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
