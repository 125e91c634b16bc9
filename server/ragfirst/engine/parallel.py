"""Analyze many files in a process pool; each worker builds its engine once.

Workers receive bytes and return JSON-able analyses (serialize.py): nothing but data
crosses the process boundary. Project facts are merged by the caller afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.rules.loader import load_ruleset

Item = tuple[str, bytes, int]  # display path, content, size cap
CHUNK = 48
_ENGINES: dict[tuple[str, ...], Engine] = {}


def _analyze_chunk(extra_rules: tuple[str, ...], items: list[Item]) -> list[dict[str, Any]]:
    engine = _ENGINES.get(extra_rules)
    if engine is None:
        engine = _ENGINES[extra_rules] = Engine(load_ruleset([Path(p) for p in extra_rules]))
    return [dump_analysis(engine.analyze(display, data, max_bytes=cap)) for display, data, cap in items]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def analyze_parallel(extra_rules: tuple[Path, ...], items: list[Item], jobs: int) -> list[FileAnalysis]:
    """Same results, same order as analysing `items` one by one."""
    key = tuple(str(p) for p in extra_rules)
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        results = pool.map(_analyze_chunk, [key] * len(chunks), chunks)
        return [load_analysis(data) for chunk in results for data in chunk]
