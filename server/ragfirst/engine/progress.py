"""How far the analysis of a run has got, for a front end that shows it (cli/progress.py).

The engine reports "N more files analysed" here and never prints: a front end installs a
sink with `watching`. Worker processes inherit the sink when forked; only the process
that installed it reports, so a pool's children stay silent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Sink = Callable[[int, int], None]
"""Called with (files done so far, files to analyse in all)."""

_sink: Sink | None = None
_owner = 0
_done = 0
_total = 0


@contextmanager
def watching(sink: Sink) -> Iterator[None]:
    global _sink, _owner, _done, _total
    _sink, _owner, _done, _total = sink, os.getpid(), 0, 0
    try:
        yield
    finally:
        _sink = None


def start(total: int) -> None:
    """The run will analyse `total` more files (cache misses)."""
    global _total
    if _sink is not None and os.getpid() == _owner:
        _total += total
        _sink(_done, _total)


def advance(count: int = 1) -> None:
    global _done
    if _sink is not None and os.getpid() == _owner:
        _done += count
        _sink(_done, _total)
