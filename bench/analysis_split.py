"""Where `Engine.analyze` spends CPU on the Python files that pass the prefilter (issue 26,
item 2: "analyzer walk <= 1.5x `ast.parse` of the same files").

    python bench/analysis_split.py TREE [TREE ...] [--rounds 3] [--json OUT]

Each tree's `.py` files are read once; those the prefilter lets through (an analysis that
parsed) are analysed again `--rounds` times in one process, and the fastest round is kept.
Within it, the clock of each part is read around the function that does it:

- parse: `parse_python` (`ast.parse`, the source's own grammar fallbacks);
- walk: `PythonAnalyzer.analyze` (the analyzer's interpretation of the tree, the module
  summary and the names the link needs);
- matching: `Engine._match` (every rule's call matchers and checks, and fact sites);
- prefilter: the verdict that let the file through (it runs for every file in a run);
- other: the rest of `Engine.analyze` (decoding, freeing each tree, suppressions, copying
  facts into the analysis).

Standard library and ragfirst only; nothing is written unless `--json` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ragfirst.analyzers import python_analyzer
from ragfirst.engine import engine as engine_module
from ragfirst.engine import engine_prefilter
from ragfirst.engine.engine import Engine
from ragfirst.engine.library_code import package_directories, top_packages
from ragfirst.rules.loader import load_ruleset

PARTS = ("parse", "walk", "matching", "prefilter")


def python_files(tree: Path) -> list[tuple[str, bytes]]:
    found = []
    for directory, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in ("node_modules", ".git"))
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, "rb") as handle:
                    found.append((path, handle.read()))
    return found


class Clocks:
    """CPU seconds per part, read around the functions named in the module docstring."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(PARTS, 0.0)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, part: str) -> None:
        original = getattr(owner, name)
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - start

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def reset(self) -> None:
        for part in PARTS:
            self.spent[part] = 0.0

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


def own_packages(tree: Path, paths: list[str], roots: frozenset[str]) -> dict[str, frozenset[str]]:
    """Each file's SDK packages whose own code it is, as a run plans them (library_code.py):
    the tree is one project (its ragfirst.toml)."""
    ids = {path: Path(os.path.relpath(path, tree)).as_posix() for path in paths}
    packages = package_directories(ids.values())
    return {path: top_packages(posixpath.dirname(ids[path]), packages) & roots for path in paths}


def measure(tree: Path, rounds: int) -> dict[str, Any]:
    engine = Engine(load_ruleset([]))
    files = python_files(tree)
    own = own_packages(tree, [path for path, _ in files], engine.sdk_roots())
    passing = [
        (path, data) for path, data in files if engine.analyze(path, data, own_packages=own[path]).parsed
    ]
    clocks = Clocks()
    clocks.wrap(python_analyzer, "parse_python", "parse")
    clocks.wrap(python_analyzer.PythonAnalyzer, "analyze", "walk")
    clocks.wrap(engine_module.Engine, "_match", "matching")
    clocks.wrap(engine_prefilter.EnginePrefilter, "_verdict", "prefilter")
    best: dict[str, float] | None = None
    try:
        for _ in range(rounds):
            clocks.reset()
            start = time.process_time()
            for path, data in passing:
                engine.analyze(path, data, own_packages=own[path])
            row = {"total": time.process_time() - start, **clocks.spent}
            if best is None or row["total"] < best["total"]:
                best = row
    finally:
        clocks.restore()
    assert best is not None
    parse = best["parse"] or 1e-9
    best["other"] = best["total"] - sum(best[part] for part in PARTS)
    return {
        "tree": str(tree),
        "files": len(files),
        "analysed": len(passing),
        "cpu_s": {key: round(value, 3) for key, value in best.items()},
        "walk_per_parse": round(best["walk"] / parse, 2),
        "walk_and_matching_per_parse": round((best["walk"] + best["matching"]) / parse, 2),
        "all_but_parse_per_parse": round((best["total"] - best["parse"]) / parse, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = [measure(tree, max(1, args.rounds)) for tree in args.trees]
    for result in results:
        cpu = result["cpu_s"]
        print(
            f"{result['tree']}: {result['analysed']:,} of {result['files']:,} files analysed; CPU s: "
            + ", ".join(
                f"{key} {cpu[key]:.2f}" for key in ("parse", "walk", "matching", "prefilter", "other")
            )
        )
        print(
            f"  walk / parse {result['walk_per_parse']:.2f}x (goal <= 1.5x); walk + matching / parse "
            f"{result['walk_and_matching_per_parse']:.2f}x; everything but the parse / parse "
            f"{result['all_but_parse_per_parse']:.2f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
