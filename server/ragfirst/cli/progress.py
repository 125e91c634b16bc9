"""Progress of a long run on stderr, only on a terminal: `1234/4000 files analysed, 310/s`.

Nothing is printed when stderr is not a TTY (pipes, editors), under CI=true, nor for a run that
ends within DELAY seconds (most runs: the cache answers). The line is redrawn at most
every INTERVAL seconds and erased when the run ends, so the report starts clean.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from ragfirst.engine import progress

DELAY = 1.0
INTERVAL = 0.1


class ProgressLine:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        elapsed = now - self._started
        if elapsed < DELAY or (now - self._last < INTERVAL and done < total):
            return
        self._last = now
        rate = done / elapsed if elapsed > 0 else 0.0
        self._stream.write(f"\r\x1b[Kragfirst: {done}/{total} files analysed, {rate:.0f}/s")
        self._stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _in_ci() -> bool:
    """CI=true (GitHub, GitLab, act, ...): a log, even when a runner gives the step a
    pseudo-terminal (act does), where redrawn lines are only noise."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


@contextmanager
def progress_on_terminal(stream: TextIO | None = None, enabled: bool = True) -> Iterator[None]:
    """Show progress on `stream` (default stderr) for the duration, if it is a terminal."""
    stream = stream or sys.stderr
    if not enabled or _in_ci() or not _is_terminal(stream):
        yield
        return
    line = ProgressLine(stream)
    try:
        with progress.watching(line):
            yield
    finally:
        line.close()
