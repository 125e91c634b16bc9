"""Issue 26's memory goal: "peak RSS (including workers) <= 150 MB at 1x and growing
sub-linearly", read from the bench's rows (the summed RSS of the process tree, sampled
every 50 ms by benchlib.TreeSampler, or the largest process when that is larger).

1x is the cold default-jobs row (the headline run); the growth is the 4x corpus's peak
over it (sub-linear: under 4), when the scaling rows ran."""

from __future__ import annotations

from typing import Any

LIMIT_MB = 150.0


def goal(rows: list[Any]) -> dict[str, Any]:
    """`rows`: the bench's Row objects, the cold default-jobs run first."""
    cold = rows[0] if rows else None
    one = cold.peak_rss_mb if cold is not None and cold.available else None
    four = next((r.peak_rss_mb for r in rows if r.name.startswith("ragfirst check, cold, 4x")), None)
    growth = round(four / one, 2) if one and four else None
    measured: dict[str, Any] | None = None
    if one is not None:
        measured = {"1x_mb": round(one, 1), "4x_mb": round(four, 1) if four else None, "4x_over_1x": growth}
    holds = None if one is None else one <= LIMIT_MB and (growth is None or growth < 4)
    return {
        "goal": f"peak RSS of the process tree <= {LIMIT_MB:.0f} MB at 1x (cold, default jobs), sub-linear to 4x",
        "target": LIMIT_MB,
        "measured": measured,
        "holds": holds,
    }
