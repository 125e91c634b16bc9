"""Check that bench/semgrep/training.yaml matches what ragfirst's RF101-RF105 match.

Runs both tools on every `examples:` snippet of rules/packs/training.yaml (the rules'
own fire/pass cases) and on samples/, and prints, for each file, the rules each tool
reports. Exit 1 when they disagree anywhere.

    bench/.venv/bin/python bench/semgrep/check_equivalence.py [--verbose]

A few differences are expected and listed in bench/README.md ("Equivalence"); they are
printed but do not fail the check when named in KNOWN below.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"
RULES = ("RF101", "RF102", "RF103", "RF104", "RF105")

# (relative file, rule, which tool alone reports it): accepted differences, with why.
KNOWN: dict[tuple[str, str, str], str] = {}


def tool(name: str) -> str:
    for candidate in (Path(sys.executable).parent / name, BENCH / ".venv" / "bin" / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"check_equivalence: {name} not found (run bash bench/setup.sh)")
    return found


def write_examples(root: Path) -> list[Path]:
    pack = yaml.safe_load((REPO / "rules" / "packs" / "training.yaml").read_text(encoding="utf-8"))
    written = []
    for entry in pack["rules"]:
        if entry["id"] not in RULES:
            continue
        for kind in ("fire", "pass"):
            for number, example in enumerate(entry.get("examples", {}).get(kind, []), 1):
                folder = root / "examples" / f"{entry['id']}-{kind}-{number}"
                folder.mkdir(parents=True)
                files = example.get("files") or {example.get("path", "example.py"): example["code"]}
                for name, code in files.items():
                    target = folder / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(code, encoding="utf-8")
                    written.append(target)
    shutil.copytree(REPO / "samples", root / "samples")
    return written


def ragfirst_hits(root: Path) -> dict[str, set[tuple[str, int]]]:
    out = subprocess.run(
        [tool("ragfirst"), "check", "--format", "json", "--exit-zero", "--select", ",".join(RULES), "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hits: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for finding in json.loads(out)["findings"]:
        if finding["rule"] in RULES:
            hits[finding["path"]].add((finding["rule"], finding["start"]["line"]))
    return hits


def semgrep_hits(root: Path) -> dict[str, set[tuple[str, int]]]:
    out = subprocess.run(
        [
            tool("semgrep"),
            "scan",
            "--metrics=off",
            "--disable-version-check",
            "--no-git-ignore",
            "--config",
            str(BENCH / "semgrep" / "training.yaml"),
            "--json",
            "--quiet",
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(out.stdout)
    for error in report.get("errors", []):
        print(f"semgrep error: {error.get('message', error)}", file=sys.stderr)
    hits: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for result in report["results"]:
        rule = (
            result["extra"].get("metadata", {}).get("ragfirst-rule")
            or result["check_id"].rsplit(".", 1)[-1][:5]
        )
        hits[result["path"]].add((rule, result["start"]["line"]))
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description="semgrep vs ragfirst on the RF101-RF105 examples")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ragfirst-equiv-") as tmp:
        root = Path(tmp)
        write_examples(root)
        rf, sg = ragfirst_hits(root), semgrep_hits(root)
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
        failures = 0
        for name in files:
            a, b = rf.get(name, set()), sg.get(name, set())
            only_rf = {(r, ln) for r, ln in a if (r, ln) not in b}
            only_sg = {(r, ln) for r, ln in b if (r, ln) not in a}
            unexplained = [
                (r, ln, who)
                for who, hits in (("ragfirst", only_rf), ("semgrep", only_sg))
                for r, ln in hits
                if (name, r, who) not in KNOWN
            ]
            failures += bool(unexplained)
            if unexplained or args.verbose:
                status = "DIFF" if unexplained else "ok  "
                print(f"{status} {name}: ragfirst {sorted(a)} semgrep {sorted(b)}")
            for r, ln, who in sorted(unexplained):
                print(f"       only {who}: {r} line {ln}")
        print(f"equivalence: {len(files) - failures}/{len(files)} files agree")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
