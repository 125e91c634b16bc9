"""bench/analysis_split.py times parts of `Engine.analyze` by wrapping the functions that
do them: when one is renamed or stops being called, the bench must fail here, not print
zeros (issue 26, item 2)."""

from __future__ import annotations

import sys
from pathlib import Path

from ragfirst.analyzers import python_analyzer
from ragfirst.engine.engine import Engine

REPO = Path(__file__).resolve().parents[1]


def test_every_part_is_timed_and_the_functions_are_restored():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from analysis_split import PARTS, measure
    finally:
        sys.path.remove(str(REPO / "bench"))
    before = (python_analyzer.parse_python, python_analyzer.PythonAnalyzer.analyze, Engine._match)
    result = measure(REPO / "samples", rounds=1)
    assert result["analysed"] > 10 and result["files"] >= result["analysed"]
    cpu = result["cpu_s"]
    assert all(cpu[part] > 0 for part in PARTS), cpu
    assert cpu["total"] >= sum(cpu[part] for part in PARTS) - 0.01
    assert result["walk_per_parse"] > 0
    after = (python_analyzer.parse_python, python_analyzer.PythonAnalyzer.analyze, Engine._match)
    assert after == before
