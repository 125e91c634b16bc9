"""Find and read the data file a training call uses, confined to the project root.

A path is only read when its real location (symlinks resolved) is a regular file inside
the root; `..` and links out of the root are refused and reported, never followed.
Reads stream with a byte cap, and summaries are cached by path, size and mtime.
"""

from __future__ import annotations

import os
import posixpath
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragfirst.data.training_data import DataSummary, summarize_lines

if TYPE_CHECKING:
    from ragfirst.engine.finalize_memo import FinalizeMemo

DEFAULT_MAX_DATA_BYTES = 64 * 1024 * 1024
FILE_MARKER = "@file"  # the analyzer's stand-in for `__file__`


def join_path(*parts: str) -> str:
    """Join path literals as the code would at runtime (`Path("data") / "x"`, `path.join`):
    a later absolute part restarts the path; leading `./` is dropped."""
    joined = ""
    for part in parts:
        while part.startswith("./"):
            part = part[2:]
        joined = part if part.startswith("/") or not joined else joined.rstrip("/") + "/" + part
    return joined


class OutsideRoot(Exception):
    """The path leads out of the project root; it was not read."""


@dataclass(frozen=True, slots=True)
class ResolvedData:
    path: Path
    shown: str  # relative to the project root, for messages


def candidate_paths(reference: str, source_file: Path, root: Path) -> list[Path]:
    """Where a path literal in code may point: relative to the code file, then the root."""
    if reference.startswith(FILE_MARKER):
        return [Path(posixpath.normpath(str(source_file) + reference[len(FILE_MARKER) :]))]
    path = Path(reference)
    if path.is_absolute():
        return [path]
    return [source_file.parent / path, root / path]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


FileState = tuple[tuple[int, int, int, int, int] | None, tuple[int, int, int, int, int] | None]
"""(stat, lstat) signatures of a path: (size, mtime, ctime, inode, device), None if absent."""

_RECORDING = threading.local()


def file_state(path: str) -> FileState:
    def signature(function: Any) -> tuple[int, int, int, int, int] | None:
        try:
            info = function(path)
        except (OSError, ValueError):
            return None
        return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)

    return signature(os.stat), signature(os.lstat)


@contextmanager
def recording_reads() -> Iterator[dict[str, FileState]]:
    """Within the block (in this thread), every path a data-file lookup looks at, found or
    not, is recorded with its state: a result computed from them is current while those
    states are (run_snapshot)."""
    previous = getattr(_RECORDING, "paths", None)
    paths: dict[str, FileState] = {}
    _RECORDING.paths = paths
    try:
        yield paths
    finally:
        _RECORDING.paths = previous


def _record(path: Path | str) -> None:
    paths = getattr(_RECORDING, "paths", None)
    if paths is not None:
        text = os.fspath(path)
        if text not in paths:
            paths[text] = file_state(text)


class DataFiles:
    def __init__(self, max_bytes: int = DEFAULT_MAX_DATA_BYTES) -> None:
        self.max_bytes = max_bytes
        self._cache: dict[tuple[str, int, int, int | None], DataSummary] = {}
        self._lock = threading.Lock()

    def resolve(
        self, reference: str, source_file: Path, root: Path, memo: FinalizeMemo | None = None
    ) -> ResolvedData | None:
        """The existing file `reference` names, or None; raises OutsideRoot for escapes.
        `memo`: the run's real paths (engine/finalize_memo.py), else resolved here."""
        real_root = memo.resolve(root) if memo is not None else root.resolve()
        escaped = False
        for candidate in candidate_paths(reference, source_file, real_root):
            lexical = Path(os.path.normpath(candidate))
            _record(lexical)
            if not _inside(lexical, real_root):
                escaped = True
                continue
            try:
                real = memo.resolve_strict(lexical) if memo is not None else lexical.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not _inside(real, real_root):
                escaped = True  # a symlink out of the root
                continue
            try:
                if not stat.S_ISREG(os.stat(real).st_mode):
                    continue
            except OSError:
                continue
            return ResolvedData(real, real.relative_to(real_root).as_posix())
        if escaped:
            raise OutsideRoot(reference)
        return None

    def summary(self, data: ResolvedData, max_example_tokens: int | None = None) -> DataSummary | None:
        _record(data.path)
        try:
            info = os.stat(data.path)
        except OSError:
            return None
        key = (str(data.path), info.st_size, info.st_mtime_ns, max_example_tokens)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        try:
            summary = summarize_lines(
                self._lines(data.path),
                max_example_tokens=max_example_tokens,
                lower_bound=info.st_size > self.max_bytes,
            )
        except OSError:
            return None
        with self._lock:
            self._cache[key] = summary
        return summary

    def _lines(self, path: Path) -> Iterator[bytes]:
        """Lines of at most the first `max_bytes` bytes; a cut-off last line is dropped."""
        remaining = self.max_bytes
        with path.open("rb") as handle:
            while remaining > 0:
                # readline(n) bounds memory even for a gigabyte-long single line.
                line = handle.readline(remaining + 1)
                if not line or len(line) > remaining:
                    return
                remaining -= len(line)
                yield line


_SHARED: DataFiles | None = None


def shared_data_files() -> DataFiles:
    global _SHARED
    if _SHARED is None:
        _SHARED = DataFiles()
    return _SHARED
