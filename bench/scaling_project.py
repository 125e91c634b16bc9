"""Project-check scaling (issue 26): one project with 1x, 2x, 4x, 8x retrieval sites.

    python bench/scaling_project.py [--base N] [--factors 1,2,4,8] [--repeat R] [--json out.json]

Writes a synthetic project of `base * factor` RAG services into a temporary directory and
times `ragfirst check --no-cache --jobs 1` on it. Every service is one index (created with
a dimension), one ingest file that fills it and one search file that queries it, plus a
splitter and a retrieval site, so every RF301-RF304 resolution crosses files: the project
phase links each index with every other file of the project. All services import one
shared settings module, so the project is one component (no boundary splits it).

Linear project checks give a constant time per service across the factors; the earlier
per-site rescans of the project grew with the square of the sites. CPU time (user + system
of the process tree) is reported next to wall time because the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = 'EMBED_MODEL = "text-embedding-3-large"\nDIMENSION = 1536\n'

SETUP = '''"""Create index {n}."""
from pinecone import Pinecone, ServerlessSpec

from shared.settings import DIMENSION

pc = Pinecone()
pc.create_index(
    name="docs-{n}",
    dimension=1536,
    metric="cosine",
    spec=ServerlessSpec(cloud="aws", region="us-east-1"),
)
'''

INGEST = '''"""Fill index {n}."""
from langchain_text_splitters import RecursiveCharacterTextSplitter
from openai import OpenAI
from pinecone import Pinecone

from shared.settings import EMBED_MODEL

client = OpenAI()
index = Pinecone().Index("docs-{n}")
splitter = RecursiveCharacterTextSplitter(chunk_size=2000, chunk_overlap=200)


def ingest(texts: list[str]) -> None:
    for text in texts:
        chunks = splitter.split_text(text)
        response = client.embeddings.create(model="text-embedding-3-large", input=chunks)
        index.upsert(vectors=[(str(i), d.embedding, {{}}) for i, d in enumerate(response.data)])
'''

SEARCH = '''"""Query index {n}."""
from openai import OpenAI
from pinecone import Pinecone

client = OpenAI()
index = Pinecone().Index("docs-{n}")


def retrieve(question: str) -> list[str]:
    vector = client.embeddings.create(model="text-embedding-3-large", input=question).data[0].embedding
    return index.query(vector=vector, top_k=5, include_metadata=True).matches
'''


def build(root: Path, services: int) -> None:
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "__init__.py").write_text("")
    (root / "shared" / "settings.py").write_text(SETTINGS)
    (root / "ragfirst.toml").write_text("")
    for n in range(services):
        package = root / f"service_{n:04d}"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "setup_index.py").write_text(SETUP.format(n=n))
        (package / "ingest.py").write_text(INGEST.format(n=n))
        (package / "search.py").write_text(SEARCH.format(n=n))


def ragfirst_command() -> list[str]:
    here = Path(sys.executable).parent / "ragfirst"
    return [str(here) if here.exists() else "ragfirst"]


def timed(argv: list[str], cwd: Path) -> tuple[float, float, dict]:
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if done.returncode not in (0, 1):
        sys.exit(f"scaling_project: ragfirst failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, cpu, json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=40, help="services at 1x (default 40)")
    parser.add_argument("--factors", default="1,2,4,8")
    parser.add_argument("--repeat", type=int, default=3, help="runs per factor; the median is shown")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = []
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    print(
        "| factor | services | files | findings | wall s (median) | CPU s (median, spread) | CPU ms / service |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for factor in (int(f) for f in args.factors.split(",")):
        services = args.base * factor
        with tempfile.TemporaryDirectory(prefix="ragfirst-scaling-") as scratch:
            root = Path(scratch)
            build(root, services)
            argv_ = [*ragfirst_command(), "check", "--no-cache", "--jobs", "1", "--format", "json", "."]
            runs = [timed(argv_, root) for _ in range(args.repeat)]
        walls = sorted(r[0] for r in runs)
        cpus = sorted(r[1] for r in runs)
        findings = len(runs[0][2].get("findings", runs[0][2] if isinstance(runs[0][2], list) else []))
        row = {
            "factor": factor,
            "services": services,
            "files": services * 4 + 3,
            "findings": findings,
            "wall_s": walls[len(walls) // 2],
            "cpu_s": cpus[len(cpus) // 2],
            "cpu_spread": [cpus[0], cpus[-1]],
            "load": os.getloadavg()[0],
        }
        rows.append(row)
        print(
            f"| {factor}x | {services} | {row['files']} | {findings} | {row['wall_s']:.2f} |"
            f" {row['cpu_s']:.2f} ({cpus[0]:.2f}-{cpus[-1]:.2f}) | {1000 * row['cpu_s'] / services:.1f} |",
            flush=True,
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
