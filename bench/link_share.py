"""Issue 17's goal "the cross-module link adds at most 10% to a cold run": the link's share
of a cold `--jobs 1` run, read from `ragfirst check --timings` (engine/timings.py).

One process does all the work with `--jobs 1`, so the link's CPU time and the run's
total are measured by the same clock in the same process."""

from __future__ import annotations

import re
from typing import Any

LINK_PHASE = "link (cross-module)"
LIMIT = 0.10
_ROW = re.compile(r"^\s{2}(?P<name>\S.*?)\s+(?P<cpu>\d+\.\d+)\s+(?:\d+%\s+)?(?P<wall>\d+\.\d+)\s*$")
_COUNT = re.compile(r"^\s{2}(?P<name>\S.*?)\s+(?P<value>\d+)\s*$")


def parse_timings(stderr: str) -> dict[str, Any] | None:
    """The phases ({name: [cpu, wall]}) and counts of a `--timings` table, or None."""
    if "ragfirst timings" not in stderr:
        return None
    phases: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for line in stderr[stderr.index("ragfirst timings") :].splitlines()[1:]:
        row = _ROW.match(line)
        if row and row["name"] != "phase":
            phases[row["name"]] = [float(row["cpu"]), float(row["wall"])]
            continue
        count = _COUNT.match(line)
        if count:
            counts[count["name"]] = int(count["value"])
    return {"phases": phases, "counts": counts} if "total" in phases else None


def link_share(stderr: str) -> dict[str, Any] | None:
    """The link's CPU share of the run (and the table it came from), or None."""
    table = parse_timings(stderr)
    if table is None or LINK_PHASE not in table["phases"]:
        return None
    total = table["phases"]["total"][0]
    link = table["phases"][LINK_PHASE][0]
    return {
        "share": round(link / total, 3) if total else None,
        "link_cpu_s": link,
        "total_cpu_s": total,
        **table,
    }


def goal(share: dict[str, Any] | None) -> dict[str, Any]:
    measured = share["share"] if share else None
    return {
        "goal": f"cross-module link <= {LIMIT:.0%} of a cold run (--jobs 1, CPU)",
        "target": LIMIT,
        "measured": measured,
        "holds": None if measured is None else measured <= LIMIT,
    }
