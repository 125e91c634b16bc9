"""The garbage collector paused while ragfirst allocates what lives on.

- The editor: from an edit's lint to its published diagnostics. A lint allocates tens of
  thousands of objects that live on (the document's analysis, its findings). With the
  collector on, the first allocations after the analysis paid for a young-generation
  collection over all of them (2-14 ms, measured in bench/lsp_latency.py runs) before
  the diagnostics went out. Paused, the same collections run right after the
  publication, when the server waits for the next keystroke.
- The link (`Workspace.relink`): it parses modules and builds analyses and summaries
  that live on; the collector's passes over them found nothing (the analyzers break their
  own cycles, as in the pool's batches: engine/parallel.py) and cost ~15% of the link
  (corpus b, `--jobs 1`: 0.91-1.05 CPU s with it, 0.76-0.81 without, alternated runs).

The amount collected is the same. Nested and concurrent pauses share one (a count).

A `ragfirst check` process that exits after its run (`run_ending_process`) also freezes
(`gc.freeze`) what it has built at two points, `keep_what_lives_on`: the loaded modules,
rules and engines when the run starts, and everything when the link is done. All of it
lives until the process exits, and the collector walked it again for nothing: a full
collection during the plan (15 ms on bench corpus b), and after the link's pause a young
collection over every object the link built (19 ms) and the next generation's (12 ms),
both in the run's serial end while its workers had exited.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_held = 0
_resume = False  # the collector was on when the first pause began


@contextmanager
def collector_paused() -> Iterator[None]:
    global _held, _resume
    with _lock:
        if _held == 0:
            _resume = gc.isenabled()
            gc.disable()
        _held += 1
    try:
        yield
    finally:
        with _lock:
            _held -= 1
            if _held == 0 and _resume:
                gc.enable()


_process_ends = False


@contextmanager
def run_ending_process(ends: bool) -> Iterator[None]:
    """While a run goes on whose process exits after it (`ends`: the CLI's own command
    line), `keep_what_lives_on` freezes; before and after it, nothing changes."""
    global _process_ends
    previous = _process_ends
    _process_ends = ends
    try:
        yield
    finally:
        _process_ends = previous


def keep_what_lives_on() -> None:
    """In a process that exits after its run: no collection walks the objects so far again
    (garbage among them is kept until the exit). Elsewhere (tests, the language server,
    any caller running many checks in one process) nothing changes."""
    if _process_ends:
        gc.freeze()
