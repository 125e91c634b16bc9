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
