"""Run ragfirst on the real-code corpus of docs/accuracy.md and print the numbers.

    .venv/bin/python scripts/accuracy_run.py [CORPUS_DIR] [--out DIR]

For each repository (a folder of CORPUS_DIR, built by build_accuracy_corpus.sh) it runs
`ragfirst check --format json --no-cache --exit-zero` from inside the repository (as a
user would), then times the per-file analysis of every checked file on its own. Writes
DIR/<name>.json (the findings) and DIR/summary.json; prints findings per rule and per
repository, every RF000 and the ten slowest files.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.discovery import discover_files
from ragfirst.engine.engine import read_file_bytes
from ragfirst.engine.runner import EngineCache


def run_check(repo: Path, out: Path) -> list[dict]:
    ragfirst = Path(sys.executable).with_name("ragfirst")
    started = time.perf_counter()
    completed = subprocess.run(
        [str(ragfirst), "check", "--format", "json", "--no-cache", "--exit-zero", "."],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        print(f"{repo.name}: exit {completed.returncode}: {completed.stderr.strip()[:300]}")
        return []
    report = json.loads(completed.stdout)
    findings = report["findings"]
    (out / f"{repo.name}.json").write_text(json.dumps(report, indent=1))
    print(f"{repo.name}: {len(findings)} findings in {elapsed:.1f} s")
    return findings


def time_files(repo: Path) -> list[tuple[float, str]]:
    """Each checked file analysed on its own, as the engine does it (one process; CPU
    seconds)."""
    resolver = ConfigResolver()
    engines = EngineCache()
    timings = []
    for found in discover_files([repo], resolver.for_directory, lambda name: language_of(name) is not None):
        engine = engines.for_settings(found.settings)
        try:
            data = read_file_bytes(found.path, found.settings.max_file_size)
        except OSError:
            continue
        relative = str(Path(found.path).relative_to(repo))
        # CPU time of this process: on a shared machine wall time measures the neighbours.
        started = time.process_time()
        engine.analyze(relative, data, found.settings.max_file_size)
        timings.append((time.process_time() - started, f"{repo.name}/{relative}"))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default="/tmp/corpus", type=Path)
    parser.add_argument("--out", default="/tmp/corpus-results", type=Path)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    per_rule: Counter[str] = Counter()
    per_repo: dict[str, dict[str, int]] = {}
    timings: list[tuple[float, str]] = []
    errors = []
    for repo in sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(".")):
        findings = [f for f in run_check(repo, args.out) if not f.get("suppressed")]
        counts = Counter(f["rule"] for f in findings)
        per_repo[repo.name] = dict(sorted(counts.items()))
        per_rule.update(counts)
        errors += [
            f"{repo.name}/{f['path']}:{f['start']['line']}:{f['start']['column']}: {f['message']}"
            for f in findings
            if f["rule"] == "RF000"
        ]
        if not args.no_timing:
            timings += time_files(repo)
    print("\nfindings per rule:")
    for rule, count in sorted(per_rule.items()):
        print(f"  {rule}: {count}")
    print(f"\nRF000 ({len(errors)}):")
    for line in errors:
        print("  " + line)
    slowest = sorted(timings, reverse=True)[:10]
    if slowest:
        print(f"\nslowest ten of {len(timings)} files (CPU seconds):")
        for seconds, path in slowest:
            print(f"  {seconds:.3f} s  {path}")
    summary = {
        "per_rule": dict(sorted(per_rule.items())),
        "per_repo": per_repo,
        "rf000": errors,
        "slowest": slowest,
        "files_timed": len(timings),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
