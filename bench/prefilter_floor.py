"""The prefilter against its floor (issue 26): CPU seconds over every file of one language.

    python bench/prefilter_floor.py TREE [--language python|javascript] [--select RF101 ...]

- read: read and decode every file;
- floor: read, decode, and one compiled regex (Python `re`) of every trigger word of the
  language, `search` (the least any prefilter that looks at the words must do);
- prefilter: read, decode, and `Engine.prefilter_verdict`, in a fresh engine (a run pays
  for building its scans once, so that is counted).

The ratio is prefilter / floor; the goal is 2x at most. Standard library and ragfirst only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path

from ragfirst.analyzers.registry import language_spec
from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine
from ragfirst.engine.selection import enabled_rules
from ragfirst.rules.loader import load_ruleset
from ragfirst.rules.patterns import MARKS


def files_of(tree: Path, language: str) -> list[str]:
    found = []
    for directory, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in ("node_modules", ".git")]
        for name in names:
            path = os.path.join(directory, name)
            spec = language_spec(path)
            if spec is not None and spec.prefilter and spec.facts_language == language:
                found.append(path)
    return sorted(found)


def verdict_share(root: Path) -> dict:
    """What the prefilter did with each `.py` file under `root` in a run (the bench's
    diagnostic): parsed, left to the link (it can reach an SDK only through the project's
    modules), or skipped; an SDK's own package's files (engine/library_code.py) as a run
    sees them. Through `Engine.analyze`, so the counts are a run's."""
    try:
        from ragfirst.engine.library_code import package_directories, top_packages
    except ImportError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    engine = Engine(load_ruleset())
    paths = files_of(root, "python")
    packages = package_directories(paths)
    roots = engine.sdk_roots()
    verdicts = {"parse": 0, "defer": 0, "skip": 0}
    in_sdk = 0
    for path in paths:
        own = frozenset(top_packages(os.path.dirname(path), packages, str(root))) & roots
        in_sdk += bool(own)
        with open(path, "rb") as handle:
            analysis = engine.analyze(path, handle.read(), own_packages=own)
        kind = "parse" if analysis.parsed else "defer" if analysis.via_project else "skip"
        verdicts[kind] += 1
    return {"files": len(paths), "verdicts": verdicts, "in_sdk_packages": in_sdk}


def cpu(step) -> float:
    start = time.process_time()
    step()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--language", default="javascript", choices=["python", "javascript"])
    parser.add_argument("--select", nargs="*", default=None)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    ruleset = load_ruleset()
    only = enabled_rules(ruleset, Settings(select=tuple(args.select))) if args.select else None
    engine = Engine(ruleset, only=only)
    paths = files_of(args.tree, args.language)
    words = {
        word.lstrip(MARKS) for trigger in engine.requirements(args.language) for g in trigger for word in g
    }
    floor_pattern = re.compile(
        r"\b(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b"
    )

    def read() -> list[str]:
        texts = []
        for path in paths:
            with open(path, "rb") as handle:
                texts.append(handle.read().decode("utf-8", errors="replace"))
        return texts

    read()  # the page cache, for every row alike
    rows = {
        "read": cpu(read),
        "floor": cpu(lambda: [floor_pattern.search(text) for text in read()]),
        "prefilter": cpu(lambda: [engine.prefilter_verdict(t, language=args.language) for t in read()]),
    }
    verdicts: dict[str, int] = {}
    for text in read():
        verdict = engine.prefilter_verdict(text, language=args.language)
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    result = {
        "tree": str(args.tree),
        "language": args.language,
        "select": args.select,
        "files": len(paths),
        "words": len(words),
        "cpu_s": {k: round(v, 3) for k, v in rows.items()},
        "ratio": round(rows["prefilter"] / rows["floor"], 2),
        "verdicts": verdicts,
        "load": os.getloadavg()[0],
    }
    print(json.dumps(result, indent=2))
    verdict = "holds" if result["ratio"] <= 2 else "NOT met"
    print(f"goal: prefilter within 2x of the floor ({args.language}): {result['ratio']}x: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
