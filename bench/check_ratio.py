"""`make bench-check`: fail when ragfirst's lead over semgrep falls below 3x.

    python bench/check_ratio.py [--min-ratio 3.0] [--repeat 1] [--wait-idle SECONDS] [--json out.json]

Runs the --quick corpus (a subset of bench/corpus, ~1,000 files) with only the two rows
the ratio needs: cold `ragfirst check` and semgrep with the equivalent rules, in the same
run, on the same files. A regression check, not a timed unit test: it needs the bench
venv (bash bench/setup.sh) and takes about half a minute.

Exit status: 0 when semgrep_seconds / ragfirst_seconds >= --min-ratio, 1 when below,
2 when the two tools disagree on the RF101-RF105 findings (the ratio would compare
different work).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-ratio", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per tool; the median counts")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to SECONDS for the load average to drop before each run",
    )
    args = parser.parse_args(argv)
    results = run_bench.bench(
        quick=True,
        copies=20,
        repeat=args.repeat,
        with_scaling=False,
        only_ratio=True,
        wait_idle=args.wait_idle,
    )
    rows = {r["tool"]: r for r in results["rows"]}
    ragfirst, semgrep = rows["ragfirst"], rows["semgrep"]
    ratio = results["ratio_semgrep_over_ragfirst"]
    print(
        f"bench-check: {results['corpus']['files']:,} files, {results['corpus']['lines']:,} lines: "
        f"ragfirst {ragfirst['wall_s']:.2f} s, semgrep {semgrep['wall_s']:.2f} s, "
        f"semgrep/ragfirst = {ratio:.2f}x (minimum {args.min_ratio:.1f}x)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    disagree = {
        rule: c
        for rule, c in (results["findings_side_by_side"] or {}).items()
        if c["ragfirst_only_count"] or c["semgrep_only_count"]
    }
    if disagree:
        for rule, c in disagree.items():
            print(
                f"bench-check: {rule}: ragfirst {c['ragfirst']} vs semgrep {c['semgrep']} findings; "
                f"only ragfirst {c['ragfirst_only'][:3]}, only semgrep {c['semgrep_only'][:3]}"
            )
        print(
            "bench-check: FAIL: the semgrep rules no longer match what ragfirst matches "
            "(update bench/semgrep/generate_rules.py)"
        )
        return 2
    if ratio is None or ratio < args.min_ratio:
        print(f"bench-check: FAIL: semgrep/ragfirst {ratio}x is below {args.min_ratio:.1f}x")
        return 1
    print("bench-check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
