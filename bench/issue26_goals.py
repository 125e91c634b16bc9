"""Issue 26's speed goals, measured by the bench on each corpus (cold, default jobs):

- ragfirst >= 5x faster than semgrep with the equivalent rules. Two readings, both shown:
  every ragfirst rule (the headline row) against semgrep's RF101-RF105 rules, and the same
  five rules on both sides (`--select RF101,...,RF105`), which is the like-for-like one;
- the analysis's CPU at most that of `ast.parse` of every `.py` file of the corpus: the
  whole cold `--jobs 1` run (reading, prefilter, parse, analysis, link, report) against
  reading and parsing every file in one process (`parse_floor`);
- a warm run that changes nothing at most 5% of the cold one.

The other issue-26 goals have their own modules (rss_goal.py, link_share.py) or scripts
(lsp_latency.py, ts_bench.py, scaling_project.py, prefilter_floor.py)."""

from __future__ import annotations

import ast
import time
import warnings
from pathlib import Path
from typing import Any

from analysis_split import python_files

SPEED_TARGET = 5.0
WARM_LIMIT = 0.05
SAME_RULES = ("RF101", "RF102", "RF103", "RF104", "RF105")  # bench/semgrep/training.yaml's
SAME_RULES_ROW = "ragfirst check, cold, semgrep's rules only (--select RF101-RF105)"


def same_rules_flags() -> list[str]:
    return ["--select", ",".join(SAME_RULES)]


def parse_floor(root: Path) -> dict[str, Any]:
    """CPU seconds to read and `ast.parse` every `.py` file under `root` (what any tool
    that parses each file pays at least), in this process, after one pass to warm the page
    cache. Files that do not parse are counted, not timed apart."""
    paths = [path for path, _ in python_files(root)]  # (read once: the page cache)

    def parse_all() -> int:
        failed = 0
        for path in paths:
            with open(path, "rb") as handle:
                data = handle.read()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # invalid escapes in old code
                    ast.parse(data)
            except (SyntaxError, ValueError):
                failed += 1
        return failed

    started = time.process_time()
    failed = parse_all()
    return {"files": len(paths), "cpu_s": round(time.process_time() - started, 3), "unparsable": failed}


def goals(results: dict[str, Any], rows: list[Any]) -> list[dict[str, Any]]:
    """The goal lines of issue 26 this module measures, from the bench's rows."""

    def row(prefix: str) -> Any:
        return next((r for r in rows if r.name.startswith(prefix) and r.available and r.wall_s), None)

    cold, semgrep = rows[0], row("semgrep scan")
    same = row(SAME_RULES_ROW)
    found = []
    for label, ours in (
        ("every rule against semgrep's RF101-RF105", cold),
        ("the same rules on both sides (RF101-RF105)", same),
    ):
        ratio = semgrep.wall_s / ours.wall_s if semgrep and ours and ours.wall_s else None
        found.append(
            {
                "goal": f"cold ragfirst >= {SPEED_TARGET:.0f}x faster than semgrep, {label}",
                "target": SPEED_TARGET,
                "measured": None if ratio is None else round(ratio, 2),
                "holds": None if ratio is None else ratio >= SPEED_TARGET,
            }
        )
    floor = results.get("parse_floor") or {}
    serial = row("ragfirst check, cold, --jobs 1")
    if floor.get("cpu_s") and serial is not None and serial.cpu_s:
        share = serial.cpu_s / floor["cpu_s"]
        found.append(
            {
                "goal": "cold --jobs 1 CPU (the whole run) <= ast.parse of every .py file",
                "target": 1.0,
                "measured": {
                    "ragfirst_cpu_s": round(serial.cpu_s, 2),
                    "parse_cpu_s": floor["cpu_s"],
                    "ratio": round(share, 2),
                },
                "holds": share <= 1.0,
            }
        )
    warm = row("ragfirst check, warm (nothing")
    share = warm.wall_s / cold.wall_s if warm and cold.wall_s else None
    found.append(
        {
            "goal": f"warm re-run (nothing changed) <= {WARM_LIMIT:.0%} of cold",
            "target": WARM_LIMIT,
            "measured": None if share is None else round(share, 3),
            "holds": None if share is None else share <= WARM_LIMIT,
        }
    )
    return found
