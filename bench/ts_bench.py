"""Parse and analysis speed on 1,000 real TypeScript/JavaScript files (issue 10).

    python bench/ts_bench.py [--files 1000] [--json out.json]

The files are the sources of pinned npm packages (`npm pack`, the only network use: the
npm registry), unpacked under bench/corpus/ts/. Two numbers:

- analyzer: tree-sitter parse + the JS analyzer's walk (`analyze_js`) of every file, no
  prefilter, so every byte is parsed;
- engine: `Engine.analyze` as `ragfirst check` runs it (prefilter, matching, checks).

Declaration files (`.d.ts`) are left out: the analyzer skips them by design.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import BENCH, machine_info

from ragfirst.analyzers.js_analyzer import analyze_js
from ragfirst.engine.engine import Engine
from ragfirst.rules.loader import load_ruleset
from ragfirst.source import SourceText, decode_source

PACKAGES = [  # real SDK sources users' code calls into; versions pinned
    "openai@7.55.0",
    "@anthropic-ai/sdk@1.10.0",
    "ai@7.0.173",
    "@langchain/core@1.4.0",
    "langchain@1.5.14",
    "@pinecone-database/pinecone@9.0.0",
    "@qdrant/js-client-rest@1.19.0",
]
SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs")
CORPUS = BENCH / "corpus" / "ts"


def fetch(corpus: Path) -> None:
    """`npm pack` each package once and unpack its files (never run: no install scripts)."""
    tarballs = corpus / "tarballs"
    tarballs.mkdir(parents=True, exist_ok=True)
    for spec in PACKAGES:
        name = spec.rsplit("@", 1)[0].lstrip("@").replace("/", "-")
        target = corpus / "src" / name
        if target.exists():
            continue
        done = subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(tarballs)],
            capture_output=True,
            text=True,
            check=True,
        )
        tarball = tarballs / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            members = [
                m
                for m in archive.getmembers()
                if m.isfile()
                and m.name.endswith(SUFFIXES)
                and not m.name.endswith(".d.ts")
                and ".." not in m.name
            ]
            archive.extractall(target, members=members, filter="data")


def pick(corpus: Path, count: int) -> list[Path]:
    """TypeScript first (the sources), then JavaScript, in a stable order."""
    files = sorted(p for p in (corpus / "src").rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
    typescript = [p for p in files if p.suffix in (".ts", ".tsx", ".mts", ".cts")]
    javascript = [p for p in files if p not in set(typescript)]
    return (typescript + javascript)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    fetch(CORPUS)
    files = pick(CORPUS, args.files)
    contents = [(str(p.relative_to(CORPUS)), p.read_bytes()) for p in files]
    lines = sum(data.count(b"\n") + 1 for _, data in contents)
    typescript = sum(1 for p in files if p.suffix in (".ts", ".tsx", ".mts", ".cts"))

    started = time.perf_counter()
    for path, data in contents:
        analyze_js(SourceText(decode_source(data)), path)
    analyzer_s = time.perf_counter() - started

    engine = Engine(load_ruleset())
    started = time.perf_counter()
    parsed = sum(engine.analyze(path, data).parsed for path, data in contents)
    engine_s = time.perf_counter() - started

    result = {
        "machine": machine_info(),
        "files": len(files),
        "typescript_files": typescript,
        "lines": lines,
        "analyzer_s": round(analyzer_s, 2),
        "analyzer_files_per_s": round(len(files) / analyzer_s),
        "engine_s": round(engine_s, 2),
        "engine_files_parsed": parsed,
    }
    print(
        f"{len(files):,} files ({typescript:,} TypeScript, {lines:,} lines) from {len(PACKAGES)} npm packages: "
        f"parse + analysis {analyzer_s:.2f} s ({result['analyzer_files_per_s']:,} files/s); "
        f"engine (prefilter, matching) {engine_s:.2f} s, {parsed:,} files parsed"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
