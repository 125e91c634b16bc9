"""The big fuzz run behind `make fuzz`: N cases per file kind through the engine, the CLI and
the language server, then one table of counts.

    python scripts/fuzz.py --cases 10000            # what `make fuzz` runs
    python scripts/fuzz.py --cases 200 --kinds python,json --seed 7

Per case (see tests/hardening/fuzzlib.py): a mutated real file (byte flips, truncation,
NULs, random unicode, invalid UTF-8, splices, tokens, line endings, deep nesting) or, for
Python, a grammar-valid program from hypothesmith (when installed). Checked: no exception
escapes Engine.analyze/finalize, no "internal error" RF000, at most one RF000, positions
inside the file, same input -> same findings. Every `--cli-batch` cases the batch is
written to a directory and `ragfirst check --format json` runs on it (exit 0/1/2); every
`--lsp-every` cases the input goes to a running `ragfirst server` (didChange, then a
pull-diagnostics and a hover request, both must be answered).

A case that runs longer than `--case-timeout` is a hang: it is saved and the run stops
(a regex stuck in C code cannot be interrupted). Failing inputs are saved under
`--save-dir`. Exit status: 0 when nothing but position problems was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.hardening import fuzzlib  # noqa: E402

SEVERE = (
    "crash",
    "internal-error",
    "nondeterministic",
    "rf000-count",
    "cli",
    "lsp",
    "hang",
    "cache-mismatch",
)


class Watchdog:
    """Ends the process if one case runs longer than `timeout` seconds."""

    def __init__(self, timeout: float, save_dir: Path) -> None:
        self.timeout = timeout
        self.save_dir = save_dir
        self.current: tuple[str, int, bytes] | None = None
        self.started = 0.0
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True).start()

    def begin(self, kind: str, index: int, data: bytes) -> None:
        with self._lock:
            self.current = (kind, index, data)
            self.started = time.monotonic()

    def end(self) -> None:
        with self._lock:
            self.current = None

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            with self._lock:
                current, started = self.current, self.started
            if current is not None and time.monotonic() - started > self.timeout:
                kind, index, data = current
                path = save_case(self.save_dir, kind, index, "hang", data)
                print(
                    f"\nHANG: {kind} case {index} ran over {self.timeout:.0f}s; input saved to {path}",
                    flush=True,
                )
                os._exit(3)


def save_case(save_dir: Path, kind: str, index: int, what: str, data: bytes) -> Path:
    save_dir.mkdir(parents=True, exist_ok=True)
    suffix = fuzzlib.KINDS[kind].filename if kind in fuzzlib.KINDS else "case.bin"
    path = save_dir / f"{kind}-{index:06d}-{what}-{suffix.lstrip('.')}"
    path.write_bytes(data)
    return path


def grammar_cases(count: int, seed: int) -> list[bytes]:
    """Grammar-valid Python from hypothesmith (empty when it is not installed)."""
    try:
        import hypothesmith
        from hypothesis import HealthCheck, given, settings
    except ImportError:
        return []
    out: list[bytes] = []
    prefix = "from openai import AzureOpenAI\nclient = AzureOpenAI()\n"

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(hypothesmith.from_grammar())
    def collect(code: str) -> None:
        out.append((prefix + code).encode("utf-8", errors="surrogatepass"))

    import random as _random

    state = _random.getstate()
    _random.seed(seed)
    try:
        collect()
    finally:
        _random.setstate(state)
    return out[:count]


def run_tree_cases(args, workdir, watchdog, counts, slowest, record) -> None:
    """Multi-file trees (mixed kinds, a local module, a .gitignore and a config, each maybe
    mutated) through the CLI three times: no cache, cold cache, warm cache; the three
    results must be identical."""
    import shutil

    count = args.trees if args.trees is not None else args.cases
    counter: collections.Counter[str] = collections.Counter()
    counts["tree"] = counter
    started = time.monotonic()
    for index in range(count):
        rng = fuzzlib.case_rng("tree", args.seed, index)
        root = workdir / "trees" / f"t{index:06d}"
        cache = workdir / "tree-caches" / f"t{index:06d}"
        root.mkdir(parents=True)
        applied = fuzzlib.make_tree(root, rng)
        watchdog.begin("tree", index, "\n".join(applied).encode())
        case_started = time.monotonic()
        problems = fuzzlib.check_tree(root, cache)
        seconds = time.monotonic() - case_started
        watchdog.end()
        counter["cases"] += 1
        for problem in problems:
            problem.data = "\n".join(applied).encode()
        record("tree", index, problems, counter)
        if seconds > slowest.get("tree", (-1.0, 0, []))[0]:
            slowest["tree"] = (seconds, index, applied[:3])
        if not problems:
            shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        if (index + 1) % 500 == 0:  # progress, so a run stopped early still has exact counts
            print(
                f"tree: {index + 1} cases, {time.monotonic() - started:.0f}s, crashes {counter['crash']},"
                f" internal-errors {counter['internal-error']}, cache-mismatches {counter['cache-mismatch']},"
                f" other {counter['cli']}",
                flush=True,
            )
    seconds, slow_index, _ = slowest.get("tree", (0.0, 0, []))
    print(
        f"{'tree':13} {counter['cases']:6} cases in {time.monotonic() - started:7.1f}s  crashes {counter['crash']}"
        f"  internal-errors {counter['internal-error']}  cache-mismatches {counter['cache-mismatch']}"
        f"  slowest {seconds * 1000:.1f} ms (case {slow_index})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    warnings.simplefilter("ignore", SyntaxWarning)  # ast.parse of generated code warns a lot
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1000, help="cases per file kind (make fuzz: 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: every registered kind)")
    parser.add_argument("--cli-batch", type=int, default=250, help="run the CLI on every N cases (0: never)")
    parser.add_argument(
        "--lsp-every", type=int, default=5, help="send every Nth case to the server (0: never)"
    )
    parser.add_argument(
        "--grammar-share", type=float, default=0.1, help="share of Python cases from hypothesmith"
    )
    parser.add_argument("--case-timeout", type=float, default=60.0, help="seconds before a case is a hang")
    parser.add_argument("--slow", type=float, default=5.0, help="seconds above which a case is reported slow")
    parser.add_argument(
        "--save-dir", type=Path, default=Path(tempfile.gettempdir()) / "ragfirst-fuzz-failures"
    )
    parser.add_argument(
        "--trees", type=int, default=None, help="multi-file tree cases (default: --cases; kind `tree`)"
    )
    args = parser.parse_args(argv)

    available = fuzzlib.available_kinds()
    wanted = [k for k in args.kinds.split(",") if k] or [*fuzzlib.KINDS, "tree"]
    run_trees = "tree" in wanted
    wanted = [k for k in wanted if k != "tree"]
    skipped = [k for k in wanted if k not in available]
    kinds = [k for k in wanted if k in available]
    for kind in skipped:
        print(f"skip {kind}: no analyzer registered for {fuzzlib.KINDS[kind].filename}")

    fuzzlib.default_engine()
    watchdog = Watchdog(args.case_timeout, args.save_dir)
    counts: dict[str, collections.Counter[str]] = {}
    slowest: dict[str, tuple[float, int, list[str]]] = {}
    examples: list[str] = []
    saved: set[tuple[str, str]] = set()
    total_started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="ragfirst-fuzz-"))
    lsp = fuzzlib.RawLsp(workdir) if args.lsp_every else None

    def record(
        kind: str, index: int, problems: list[fuzzlib.Problem], counter: collections.Counter[str]
    ) -> None:
        for problem in problems:
            counter[problem.what] += 1
            key = (kind, problem.what + problem.short()[:120])
            if key not in saved and len(saved) < 500:
                saved.add(key)
                path = save_case(args.save_dir, kind, index, problem.what, problem.data)
                if len(examples) < 40 or problem.what in SEVERE:
                    examples.append(f"{problem.short()[:300]}  [{path}]")

    try:
        for kind in kinds:
            spec = fuzzlib.KINDS[kind]
            counter: collections.Counter[str] = collections.Counter()
            counts[kind] = counter
            grammar: list[bytes] = []
            if kind == "python" and args.grammar_share > 0:
                grammar = grammar_cases(int(args.cases * args.grammar_share), args.seed)
            batch_dir = workdir / f"cli-{kind}"
            uri = (workdir / kind / spec.filename).as_uri()
            if lsp is not None:
                lsp.open(uri, "", version=1)
            started = time.monotonic()
            for index in range(args.cases):
                if index < len(grammar):
                    data, applied = grammar[index], ["hypothesmith"]
                else:
                    data, applied = fuzzlib.mutate(spec, fuzzlib.case_rng(kind, args.seed, index))
                watchdog.begin(kind, index, data)
                outcome = fuzzlib.check_case(kind, spec.filename, data, slow_seconds=args.slow)
                watchdog.end()
                counter["cases"] += 1
                record(kind, index, outcome.problems, counter)
                if outcome.seconds > slowest.get(kind, (-1.0, 0, []))[0]:
                    slowest[kind] = (outcome.seconds, index, applied)
                if args.cli_batch:
                    case_dir = batch_dir / f"c{index:06d}"
                    case_dir.mkdir(parents=True, exist_ok=True)
                    (case_dir / spec.filename).write_bytes(data)
                    if (index + 1) % args.cli_batch == 0 or index + 1 == args.cases:
                        watchdog.begin(kind, index, b"<cli batch>")
                        cli_problems = fuzzlib.check_cli_batch(batch_dir)
                        watchdog.end()
                        counter["cli-runs"] += 1
                        record(kind, index, cli_problems, counter)
                        for child in batch_dir.iterdir():
                            for file in child.iterdir():
                                file.unlink()
                            child.rmdir()
                if lsp is not None and index % args.lsp_every == 0:
                    text = data.decode("utf-8", errors="replace")
                    lsp_problems = fuzzlib.check_lsp_case(lsp, uri, text, index + 2, kind)
                    counter["lsp-inputs"] += 1
                    record(kind, index, lsp_problems, counter)
                    if any(p.what == "lsp" for p in lsp_problems) and lsp.process.poll() is not None:
                        print(f"the server died at {kind} case {index}; restarting it", flush=True)
                        lsp = fuzzlib.RawLsp(workdir)
                        lsp.open(uri, "", version=1)
            elapsed = time.monotonic() - started
            seconds, slow_index, slow_applied = slowest.get(kind, (0.0, 0, []))
            print(
                f"{kind:13} {counter['cases']:6} cases in {elapsed:7.1f}s  crashes {counter['crash']}"
                f"  internal-errors {counter['internal-error']}  other {sum(counter[w] for w in ('nondeterministic', 'rf000-count', 'cli', 'lsp', 'slow'))}"
                f"  bad-positions {counter['bad-position']}  slowest {seconds * 1000:.1f} ms (case {slow_index}: {'+'.join(slow_applied)})",
                flush=True,
            )
        if run_trees:
            run_tree_cases(args, workdir, watchdog, counts, slowest, record)
    finally:
        if lsp is not None:
            lsp.close()

    print()
    header = (
        "kind",
        "cases",
        "cli-runs",
        "lsp-inputs",
        "crash",
        "internal",
        "nondet",
        "rf000x2",
        "cli",
        "lsp",
        "slow",
        "bad-pos",
        "cache≠",
    )
    print("  ".join(f"{h:>10}" for h in header))
    totals: collections.Counter[str] = collections.Counter()
    for kind, counter in counts.items():
        totals.update(counter)
        row = [
            kind,
            counter["cases"],
            counter["cli-runs"],
            counter["lsp-inputs"],
            counter["crash"],
            counter["internal-error"],
            counter["nondeterministic"],
            counter["rf000-count"],
            counter["cli"],
            counter["lsp"],
            counter["slow"],
            counter["bad-position"],
            counter["cache-mismatch"],
        ]
        print("  ".join(f"{v!s:>10}" for v in row))
    slowest_overall = max(((s, k, i, a) for k, (s, i, a) in slowest.items()), default=None)
    print(
        f"\ntotal: {totals['cases']} cases in {time.monotonic() - total_started:.1f}s; "
        f"crashes {totals['crash']}, internal errors {totals['internal-error']}, hangs 0"
    )
    if slowest_overall:
        s, k, i, a = slowest_overall
        print(f"slowest case: {k} #{i} ({'+'.join(a)}) {s * 1000:.1f} ms")
    if examples:
        print(f"\nexamples (inputs saved under {args.save_dir}):")
        for line in examples[:60]:
            print("  " + line)
    severe = sum(totals[w] for w in SEVERE)
    return 1 if severe else 0


if __name__ == "__main__":
    raise SystemExit(main())
