"""Texts that stand in for files on disk during one lint: `check --fix-diff` re-lints its
fixed texts without writing them, so its preview runs the same rounds as `--fix` and shows
exactly what `--fix` would write (cli/fix_run.py).

Only `read_file_bytes` consults it, and only while `overlay(...)` is active; a run that
uses it must not use the analysis cache (its stat shortcuts would skip the read) or let
pool workers read the files (they do not share this process's memory).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_TEXTS: dict[str, bytes] = {}


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.abspath(os.fspath(path))


@contextmanager
def overlay(texts: dict[str, bytes]) -> Iterator[None]:
    """Read these bytes (by path) instead of the files while the block runs."""
    saved = dict(_TEXTS)
    _TEXTS.clear()
    _TEXTS.update({_key(path): data for path, data in texts.items()})
    try:
        yield
    finally:
        _TEXTS.clear()
        _TEXTS.update(saved)


def lookup(path: str | os.PathLike[str]) -> bytes | None:
    """The overlay's bytes for `path`, or None (read the file)."""
    return _TEXTS.get(_key(path)) if _TEXTS else None
