"""ragfirst vs semgrep on a real corpus of ML/LLM library code (issue 11).

    python bench/run_bench.py [--quick] [--json out.json] [--copies N] [--repeat N]

Builds bench/corpus/ (pinned wheels from PyPI, see requirements-corpus.txt, plus the
samples/ projects replicated), then times `ragfirst check` cold / parallel / warm,
semgrep with equivalent rules (bench/semgrep/training.yaml), and ragfirst at 1x, 2x and
4x the corpus. Prints one table and writes JSON. Rows the CLI cannot run yet (no
`--jobs`, no cache) are printed as "not available", never estimated.

Run it from the bench venv (bash bench/setup.sh; make bench does both). See README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import BENCH, REPO, Run, find_tool, fmt_table, machine_info, run_measured, tool_version
from issue26_goals import SAME_RULES_ROW, parse_floor, same_rules_flags
from issue26_goals import goals as issue26_goals
from link_share import goal as link_goal
from link_share import link_share
from prefilter_floor import verdict_share
from rss_goal import goal as rss_goal

CORPUS = BENCH / "corpus"
WHEELS = CORPUS / "wheels"
REQUIREMENTS = BENCH / "requirements-corpus.txt"
SEMGREP_RULES = BENCH / "semgrep" / "training.yaml"
SAMPLES = REPO / "samples"
TRAINING_RULES = ("RF101", "RF102", "RF103", "RF104", "RF105")
# --quick: every 4th .py file of every wheel (a proportional sample of the full corpus, so
# its mix of easy and hard files is the same), big enough that start-up does not dominate.
QUICK_STRIDE = 4
# A row that starts with a higher 1-minute load average than this ran next to other work.
BUSY_LOAD = 0.7
# The corpus sits in bench/corpus/, which this repository gitignores; ragfirst honours
# .gitignore, so the corpus says so explicitly (semgrep runs with --no-git-ignore).
CORPUS_CONFIG = "# written by bench/run_bench.py: lint the corpus although it is gitignored here\nrespect-gitignore = false\n"
TOUCH_MARK = "# ragfirst-bench: touched\n"
STAMP = ".bench-corpus.json"


# -- corpus ------------------------------------------------------------------------------


def use_corpus(name: str) -> None:
    """Take the wheels of requirements-corpus-<name>.txt, kept in corpus/<name>/ (a second
    corpus built the same way from other pinned packages)."""
    global CORPUS, WHEELS, REQUIREMENTS
    REQUIREMENTS = BENCH / f"requirements-corpus-{name}.txt"
    if not REQUIREMENTS.is_file():
        sys.exit(f"run_bench: no {REQUIREMENTS.relative_to(REPO)}")
    CORPUS = BENCH / "corpus" / name
    WHEELS = CORPUS / "wheels"


def pinned_requirements() -> list[str]:
    lines = []
    for raw in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            if "==" not in line:
                sys.exit(f"run_bench: {REQUIREMENTS.name}: {line!r} is not pinned with ==")
            lines.append(line)
    return lines


def _dist_key(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def download_wheels(log: Any) -> list[Path]:
    """`pip download --no-deps` every pinned wheel into bench/corpus/wheels (once)."""
    wanted = pinned_requirements()
    WHEELS.mkdir(parents=True, exist_ok=True)

    def present() -> dict[str, Path]:
        found = {}
        for wheel in WHEELS.glob("*.whl"):
            dist, version = wheel.name.split("-")[:2]
            found[f"{_dist_key(dist)}=={version}"] = wheel
        return found

    missing = [r for r in wanted if f"{_dist_key(r.split('==')[0])}=={r.split('==')[1]}" not in present()]
    if missing:
        log(f"downloading {len(missing)} pinned wheel(s) from PyPI: {' '.join(missing)}")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(WHEELS),
                *missing,
            ],
            check=True,
        )
    have = present()
    wheels = []
    for requirement in wanted:
        dist, version = requirement.split("==")
        key = f"{_dist_key(dist)}=={version}"
        if key not in have:
            sys.exit(f"run_bench: pip did not produce a wheel for {requirement}")
        wheels.append(have[key])
    return wheels


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _copy_sample(target: Path) -> None:
    """samples/ into `target`, each project's config told to lint despite the gitignore."""
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", ".ragfirst_cache"))
    for config in target.rglob("pyproject.toml"):
        text = config.read_text(encoding="utf-8")
        if "[tool.ragfirst]" in text and "respect-gitignore" not in text:
            text = text.replace("[tool.ragfirst]", "[tool.ragfirst]\nrespect-gitignore = false", 1)
            config.write_text(text, encoding="utf-8")
    for config in target.rglob("ragfirst.toml"):
        text = config.read_text(encoding="utf-8")
        if "respect-gitignore" not in text:
            config.write_text("respect-gitignore = false\n" + text, encoding="utf-8")


def build_corpus(name: str, wheels: list[Path], copies: int, stride: int, log: Any) -> Path:
    """Unpack the wheels' .py files (every `stride`-th of each wheel) plus `copies` copies
    of samples/ into bench/corpus/<name>."""
    root = CORPUS / name
    selected = wheels
    recipe = {
        "wheels": [w.name for w in selected],
        "wheel_digests": [hashlib.sha256(w.read_bytes()).hexdigest() for w in selected],
        "stride": stride,
        "samples": _tree_digest(SAMPLES),
        "copies": copies,
        "config": CORPUS_CONFIG,
        "layout": 2,
    }
    stamp = root / STAMP
    if stamp.exists():
        try:
            if json.loads(stamp.read_text())["recipe"] == recipe:
                return root
        except (ValueError, KeyError):
            pass
    log(
        f"building corpus {root.relative_to(REPO)} ({len(selected)} wheels, 1 in {stride} files, samples x{copies})"
    )
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "ragfirst.toml").write_text(CORPUS_CONFIG, encoding="utf-8")
    for wheel in selected:
        dist, version = wheel.name.split("-")[:2]
        target = root / f"{dist}-{version}"
        with zipfile.ZipFile(wheel) as archive:
            members = [
                m
                for m in sorted(archive.namelist())
                if m.endswith(".py") and not m.startswith("/") and ".." not in m.split("/")
            ]
            for member in members[::stride]:
                path = target / member
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(member))
    for number in range(copies):
        _copy_sample(root / "samples-copies" / f"copy-{number:02d}")
    stamp.write_text(json.dumps({"recipe": recipe}, indent=2) + "\n")
    return root


def build_scaled(base: Path, factor: int, log: Any) -> Path:
    """`factor` copies of `base`; copies after the first get one extra comment line per
    .py file, so a content-hash cache cannot collapse them into one."""
    root = CORPUS / f"{base.name}-x{factor}"
    recipe = {"base": json.loads((base / STAMP).read_text())["recipe"], "factor": factor, "layout": 2}
    stamp = root / STAMP
    if stamp.exists():
        try:
            if json.loads(stamp.read_text())["recipe"] == recipe:
                return root
        except (ValueError, KeyError):
            pass
    log(f"building corpus {root.relative_to(REPO)} ({factor} x {base.name})")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "ragfirst.toml").write_text(CORPUS_CONFIG, encoding="utf-8")
    for number in range(factor):
        target = root / f"copy-{number}"
        shutil.copytree(base, target, ignore=shutil.ignore_patterns(STAMP, ".ragfirst_cache"))
        if number:
            for path in target.rglob("*.py"):
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n# ragfirst-bench copy {number}\n")
    stamp.write_text(json.dumps({"recipe": recipe}, indent=2) + "\n")
    return root


@dataclass
class CorpusStats:
    files: int
    lines: int
    bytes: int
    by_package: dict[str, tuple[int, int]] = field(default_factory=dict)


def corpus_stats(root: Path) -> CorpusStats:
    files = lines = size = 0
    by_package: dict[str, list[int]] = {}
    for path in root.rglob("*.py"):
        data = path.read_bytes()
        count = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        files += 1
        lines += count
        size += len(data)
        package = path.relative_to(root).parts[0]
        entry = by_package.setdefault(package, [0, 0])
        entry[0] += 1
        entry[1] += count
    return CorpusStats(files, lines, size, {k: (v[0], v[1]) for k, v in sorted(by_package.items())})


# -- ragfirst ------------------------------------------------------------------------------


@dataclass
class Capabilities:
    jobs: bool
    no_cache: bool
    cache_dir: bool
    help_text: str


def ragfirst_capabilities(ragfirst: str) -> Capabilities:
    text = subprocess.run([ragfirst, "check", "--help"], capture_output=True, text=True, check=False).stdout
    return Capabilities("--jobs" in text, "--no-cache" in text, "--cache-dir" in text, text)


@dataclass
class Row:
    name: str
    tool: str
    corpus: str
    files: int
    lines: int
    available: bool = True
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    findings: int | None = None
    command: str = ""
    note: str = ""
    runs: list[float] = field(default_factory=list)
    cpu_runs: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)
    files_reported: int | None = None

    @property
    def files_per_s(self) -> float | None:
        return self.files / self.wall_s if self.wall_s else None

    def record(self, result: Run) -> None:
        self.runs.append(result.wall_s)
        if result.cpu_s is not None:
            self.cpu_runs.append(result.cpu_s)
        if result.load_before is not None:
            self.loads.append(result.load_before)
        self.peak_rss_mb = max(self.peak_rss_mb or 0, result.peak_rss_mb)
        self.wall_s = median(self.runs)

    @property
    def cpu_s(self) -> float | None:
        return median(self.cpu_runs) if self.cpu_runs else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tool": self.tool,
            "corpus": self.corpus,
            "available": self.available,
            "files": self.files,
            "lines": self.lines,
            "wall_s": _r(self.wall_s),
            "runs_s": [_r(x) for x in self.runs],
            "cpu_s": _r(self.cpu_s),
            "load_average_at_start": [round(x, 2) for x in self.loads],
            "files_per_s": _r(self.files_per_s, 1),
            "lines_per_s": _r(self.lines / self.wall_s if self.wall_s else None, 0),
            "peak_rss_mb": _r(self.peak_rss_mb, 1),
            "findings": self.findings,
            "findings_by_rule": self.by_rule,
            "files_reported_by_tool": self.files_reported,
            "command": self.command,
            "note": self.note,
        }


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


class RagfirstRunner:
    def __init__(self, ragfirst: str, caps: Capabilities, scratch: Path) -> None:
        self.ragfirst = ragfirst
        self.caps = caps
        self.cache_home = scratch / "xdg-cache"  # the user cache dir, isolated per bench run
        self.cache_dir = scratch / "ragfirst-cache"

    def env(self) -> dict[str, str]:
        return {"XDG_CACHE_HOME": str(self.cache_home), "RAGFIRST_CACHE_DIR": str(self.cache_dir)}

    def clear_cache(self, root: Path) -> None:
        for path in (
            self.cache_home,
            self.cache_dir,
            root / ".ragfirst_cache",
            Path.cwd() / ".ragfirst_cache",
        ):
            if path.exists() and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def argv(self, extra: list[str]) -> list[str]:
        argv = [self.ragfirst, "check", "--format", "json", "--exit-zero"]
        if self.caps.cache_dir:
            argv += ["--cache-dir", str(self.cache_dir)]
        return [*argv, *extra, "."]

    def run(self, root: Path, extra: list[str]) -> tuple[Run, dict[str, Any]]:
        result = run_measured(self.argv(extra), cwd=root, env=self.env())
        if result.returncode != 0:
            raise RuntimeError(f"ragfirst exited {result.returncode} in {root}:\n{result.stderr[-3000:]}")
        try:
            report = json.loads(result.stdout)
        except ValueError as exc:
            raise RuntimeError(
                f"ragfirst printed no JSON ({exc}):\n{result.stdout[:500]}\n{result.stderr[-2000:]}"
            ) from exc
        return result, report


def summarize_findings(report: dict[str, Any]) -> tuple[int, Counter[str], set[tuple[str, str, int]]]:
    """Active findings, per-rule counts (incl. suppressed), and RF101-105 sites."""
    findings = report.get("findings", [])
    active = sum(1 for f in findings if not f.get("suppressed"))
    by_rule: Counter[str] = Counter(f["rule"] for f in findings)
    sites = {
        (f["rule"], _norm(f["path"]), f["start"]["line"]) for f in findings if f["rule"] in TRAINING_RULES
    }
    return active, by_rule, sites


def _norm(path: str) -> str:
    return path[2:] if path.startswith("./") else path


# -- semgrep -------------------------------------------------------------------------------


def run_semgrep(semgrep: str, root: Path) -> tuple[Run, dict[str, Any]]:
    argv = [
        semgrep,
        "scan",
        "--config",
        str(SEMGREP_RULES),
        "--metrics=off",
        "--disable-version-check",
        "--no-git-ignore",
        "--json",
        "--quiet",
        ".",
    ]
    env = {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    result = run_measured(argv, cwd=root, env=env)
    try:
        report = json.loads(result.stdout)
    except ValueError as exc:
        raise RuntimeError(
            f"semgrep exited {result.returncode} without JSON ({exc}):\n{result.stderr[-3000:]}"
        ) from exc
    return result, report


def semgrep_sites(report: dict[str, Any]) -> tuple[Counter[str], set[tuple[str, str, int]]]:
    sites = set()
    for result in report.get("results", []):
        rule = (result.get("extra", {}).get("metadata") or {}).get("ragfirst-rule")
        if rule is None:
            rule = result["check_id"].rsplit(".", 1)[-1][:5]
        sites.add((rule, _norm(result["path"]), result["start"]["line"]))
    # Two semgrep rules (or two branches) on one call count once, as in ragfirst.
    return Counter(rule for rule, _, _ in sites), sites


# -- the bench -----------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def touch_files(root: Path, share: float) -> list[tuple[Path, bytes]]:
    """Change the content of `share` of the .py files (every Nth, deterministic)."""
    files = sorted(root.rglob("*.py"))
    count = max(1, math.ceil(len(files) * share))
    step = max(1, len(files) // count)
    chosen = files[::step][:count]
    saved = []
    for path in chosen:
        original = path.read_bytes()
        saved.append((path, original))
        path.write_bytes(original + b"\n" + TOUCH_MARK.encode())
    return saved


def restore_files(saved: list[tuple[Path, bytes]]) -> None:
    for path, original in saved:
        path.write_bytes(original)


def wait_for_idle(limit_s: float) -> None:
    """Wait (at most `limit_s`) until the 1-minute load average drops below BUSY_LOAD: on a
    shared machine, other people's test runs otherwise land in the measurement."""
    if limit_s <= 0 or not hasattr(os, "getloadavg"):
        return
    deadline = time.monotonic() + limit_s
    announced = False
    while os.getloadavg()[0] > BUSY_LOAD and time.monotonic() < deadline:
        if not announced:
            log(f"waiting for the machine to go idle (load {os.getloadavg()[0]:.2f} > {BUSY_LOAD})")
            announced = True
        time.sleep(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a subset corpus (~1,000 files)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--copies", type=int, default=20, help="copies of samples/ in the corpus (20)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per row; the median is shown (1)")
    parser.add_argument("--no-semgrep", action="store_true", help="skip semgrep")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 2x and 4x runs")
    parser.add_argument(
        "--corpus",
        default="",
        metavar="NAME",
        help="another corpus: the wheels of bench/requirements-corpus-NAME.txt (issue 26: b)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each timed run, wait up to SECONDS for the load average to drop (shared machines)",
    )
    args = parser.parse_args(argv)
    if args.corpus:
        use_corpus(args.corpus)
    results = bench(
        args.quick,
        args.copies,
        args.repeat,
        not args.no_semgrep,
        not args.no_scaling,
        wait_idle=args.wait_idle,
    )
    print(render(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


def bench(
    quick: bool,
    copies: int,
    repeat: int,
    with_semgrep: bool = True,
    with_scaling: bool = True,
    only_ratio: bool = False,
    wait_idle: float = 0,
) -> dict[str, Any]:
    ragfirst = find_tool("ragfirst")
    if ragfirst is None:
        sys.exit("run_bench: ragfirst not found; run bash bench/setup.sh")
    semgrep = find_tool("semgrep") if with_semgrep else None
    if with_semgrep and semgrep is None:
        sys.exit("run_bench: semgrep not found; run bash bench/setup.sh (or pass --no-semgrep)")
    caps = ragfirst_capabilities(ragfirst)
    wheels = download_wheels(log)
    if quick:
        base = build_corpus("quick", wheels, max(1, copies // 4), QUICK_STRIDE, log)
    else:
        base = build_corpus("base", wheels, copies, 1, log)
    stats = corpus_stats(base)
    log(f"corpus {base.relative_to(REPO)}: {stats.files} .py files, {stats.lines:,} lines")
    nproc = machine_info()["nproc"]
    rows: list[Row] = []
    scratch = Path(tempfile.mkdtemp(prefix="ragfirst-bench-"))
    runner = RagfirstRunner(ragfirst, caps, scratch)
    cold_flags = ["--no-cache"] if caps.no_cache else []
    sites: dict[str, set[tuple[str, str, int]]] = {}
    link: dict[str, Any] | None = None  # the link's share of a cold --jobs 1 run (link_share.py)

    def row(name: str, tool: str, corpus: Path, corpus_stats_: CorpusStats) -> Row:
        return Row(name, tool, corpus.relative_to(REPO).as_posix(), corpus_stats_.files, corpus_stats_.lines)

    def timed_ragfirst(r: Row, root: Path, flags: list[str], before_each: Any = None) -> dict[str, Any]:
        report: dict[str, Any] = {}
        for _ in range(repeat):
            if before_each:
                before_each()
            wait_for_idle(wait_idle)
            result, report = runner.run(root, flags)
            r.record(result)
        r.command = " ".join(["ragfirst", *runner.argv(flags)[1:]])
        active, by_rule, found = summarize_findings(report)
        r.findings, r.by_rule, r.files_reported = (
            active,
            dict(sorted(by_rule.items())),
            report.get("files_checked"),
        )
        sites.setdefault("ragfirst", found)
        return report

    try:
        # 1. cold, default options (the headline: what `ragfirst check` does on a fresh tree)
        cold = row(
            "ragfirst check, cold" + (" (--no-cache)" if caps.no_cache else ""), "ragfirst", base, stats
        )
        log(f"timing: {cold.name}")
        timed_ragfirst(cold, base, cold_flags, lambda: runner.clear_cache(base))
        rows.append(cold)
        # 1b. the same, with only the rules semgrep runs (the like-for-like ratio, issue 26)
        same = row(SAME_RULES_ROW, "ragfirst", base, stats)
        log(f"timing: {same.name}")
        for _ in range(repeat):
            runner.clear_cache(base)
            wait_for_idle(wait_idle)
            result, report = runner.run(base, [*cold_flags, *same_rules_flags()])
            same.record(result)
        same.command = " ".join(["ragfirst", *runner.argv([*cold_flags, *same_rules_flags()])[1:]])
        same.findings, same.by_rule, same.files_reported = (
            summarize_findings(report)[0],
            dict(sorted(summarize_findings(report)[1].items())),
            report.get("files_checked"),
        )
        rows.append(same)

        if not only_ratio:
            # 2-3. --jobs 1 and all cores, cold
            for jobs, label in ((1, "--jobs 1"), (nproc, f"--jobs {nproc} (all cores)")):
                r = row(f"ragfirst check, cold, {label}", "ragfirst", base, stats)
                if caps.jobs:
                    log(f"timing: {r.name}")
                    timed_ragfirst(
                        r, base, [*cold_flags, "--jobs", str(jobs)], lambda: runner.clear_cache(base)
                    )
                else:
                    r.available, r.note = False, "not available: `ragfirst check` has no --jobs option"
                rows.append(r)
            if caps.jobs and "--timings" in caps.help_text:  # issue 17: the link's share
                runner.clear_cache(base)
                link_run, _ = runner.run(base, [*cold_flags, "--jobs", "1", "--timings"])
                link = link_share(link_run.stderr)

            # 4-6. the cache: populate, warm, warm after touching 1% of the files
            populate = row("ragfirst check, empty cache (populates it)", "ragfirst", base, stats)
            warm = row("ragfirst check, warm (nothing changed)", "ragfirst", base, stats)
            touched = row("ragfirst check, warm, 1% of files changed", "ragfirst", base, stats)
            if caps.no_cache:
                log(f"timing: {populate.name}")
                timed_ragfirst(populate, base, [], lambda: runner.clear_cache(base))
                log(f"timing: {warm.name}")
                runner.run(base, [])  # make sure the cache is populated whatever repeat is
                timed_ragfirst(warm, base, [])
                log(f"timing: {touched.name}")
                saved: list[tuple[Path, bytes]] = []

                def touch() -> None:
                    restore_files(saved)
                    runner.run(base, [])  # back to a fully warm cache
                    saved[:] = touch_files(base, 0.01)

                try:
                    timed_ragfirst(touched, base, [], touch)
                    touched.note = f"{len(saved)} files changed (content, not just mtime)"
                finally:
                    restore_files(saved)
            else:
                for r in (populate, warm, touched):
                    r.available, r.note = (
                        False,
                        "not available: `ragfirst check` has no --no-cache option (no cache yet)",
                    )
            rows += [populate, warm, touched]

        # 7. semgrep, same corpus
        semgrep_row = row("semgrep scan, equivalent RF101-RF105 rules", "semgrep", base, stats)
        semgrep_report: dict[str, Any] = {}
        if semgrep:
            log(f"timing: {semgrep_row.name}")
            for _ in range(repeat):
                wait_for_idle(wait_idle)
                result, semgrep_report = run_semgrep(semgrep, base)
                semgrep_row.record(result)
            semgrep_row.command = "semgrep " + " ".join(result.argv[1:])
            counts, found = semgrep_sites(semgrep_report)
            semgrep_row.findings, semgrep_row.by_rule = sum(counts.values()), dict(sorted(counts.items()))
            scanned = semgrep_report.get("paths", {}).get("scanned", [])
            semgrep_row.files_reported = len(scanned)
            sites["semgrep"] = found
            errors = semgrep_report.get("errors", [])
            kinds = Counter(str(e.get("type", "?")) for e in errors)
            if errors:
                semgrep_row.note = "errors: " + ", ".join(f"{n} {k}" for k, n in kinds.items())
        else:
            semgrep_row.available, semgrep_row.note = False, "skipped (--no-semgrep)"
        rows.append(semgrep_row)

        # 8. scaling: cold at 1x (row 1), 2x, 4x
        scaling: list[Row] = []
        if with_scaling and not only_ratio:
            one = row("ragfirst check, cold, 1x corpus", "ragfirst", base, stats)
            one.wall_s, one.runs, one.peak_rss_mb = cold.wall_s, cold.runs, cold.peak_rss_mb
            one.cpu_runs, one.loads = cold.cpu_runs, cold.loads
            one.findings, one.by_rule, one.files_reported, one.command = (
                cold.findings,
                cold.by_rule,
                cold.files_reported,
                cold.command,
            )
            one.note = "same run as the cold row"
            scaling.append(one)
            for factor in (2, 4):
                scaled = build_scaled(base, factor, log)
                scaled_stats = corpus_stats(scaled)
                r = row(f"ragfirst check, cold, {factor}x corpus", "ragfirst", scaled, scaled_stats)
                log(f"timing: {r.name} ({scaled_stats.files} files)")
                timed_ragfirst(r, scaled, cold_flags, lambda root=scaled: runner.clear_cache(root))
                scaling.append(r)
            rows += scaling[1:]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    ratio = None
    if semgrep_row.wall_s and cold.wall_s:
        ratio = semgrep_row.wall_s / cold.wall_s
    same_ratio = semgrep_row.wall_s / same.wall_s if semgrep_row.wall_s and same.wall_s else None
    comparison = compare_sites(sites.get("ragfirst", set()), sites.get("semgrep", set())) if semgrep else None
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": {
            "ragfirst": tool_version([ragfirst, "--version"]),
            "semgrep": tool_version([semgrep, "--version", "--disable-version-check"]) if semgrep else None,
            "corpus": pinned_requirements(),
        },
        "quick": quick,
        "repeat": repeat,
        "ragfirst_capabilities": {"jobs": caps.jobs, "no_cache": caps.no_cache, "cache_dir": caps.cache_dir},
        "corpus": {
            "path": base.relative_to(REPO).as_posix(),
            "files": stats.files,
            "lines": stats.lines,
            "bytes": stats.bytes,
            "sample_copies": max(1, copies // 4) if quick else copies,
            "by_package": {k: {"files": f, "lines": n} for k, (f, n) in stats.by_package.items()},
        },
        "rows": [r.as_dict() for r in rows],
        "ratio_semgrep_over_ragfirst": _r(ratio, 2),
        "ratio_semgrep_over_ragfirst_same_rules": _r(same_ratio, 2),
        # CPU seconds (user + system, whole process tree): less sensitive to other load on
        # the machine than wall time, but blind to parallelism (wall time is the goal).
        "cpu_ratio_semgrep_over_ragfirst": _r(semgrep_row.cpu_s / cold.cpu_s, 2)
        if semgrep_row.cpu_s and cold.cpu_s
        else None,
        "findings_side_by_side": comparison,
        "scaling": [
            {
                "factor": f,
                "files": r.files,
                "lines": r.lines,
                "wall_s": _r(r.wall_s),
                "files_per_s": _r(r.files_per_s, 1),
            }
            for f, r in zip((1, 2, 4), scaling, strict=False)
        ]
        if with_scaling and not only_ratio
        else [],
    }
    if not only_ratio:
        results["prefilter"] = verdict_share(base)
        results["link_share"] = link
        results["parse_floor"] = parse_floor(base)
    results["goals"] = evaluate_goals(results, rows)
    return results


PYTHON_SUFFIXES = (".py", ".pyi")


def compare_sites(rf: set[tuple[str, str, int]], sg: set[tuple[str, str, int]]) -> dict[str, Any]:
    """Per rule: findings of each tool (file + line), how many agree, and examples of the rest.

    The semgrep rules are generated from the rules' `python:` matchers, so only Python files
    are compared; ragfirst's findings in the TypeScript sample copies are counted apart."""
    out: dict[str, Any] = {}
    for rule in TRAINING_RULES:
        a = {(p, ln) for r, p, ln in rf if r == rule and p.endswith(PYTHON_SUFFIXES)}
        b = {(p, ln) for r, p, ln in sg if r == rule and p.endswith(PYTHON_SUFFIXES)}
        other = sum(1 for r, p, _ in rf if r == rule and not p.endswith(PYTHON_SUFFIXES))
        out[rule] = {
            "ragfirst_other_languages": other,
            "ragfirst": len(a),
            "semgrep": len(b),
            "both": len(a & b),
            "ragfirst_only": [f"{p}:{ln}" for p, ln in sorted(a - b)][:10],
            "semgrep_only": [f"{p}:{ln}" for p, ln in sorted(b - a)][:10],
            "ragfirst_only_count": len(a - b),
            "semgrep_only_count": len(b - a),
        }
    return out


def evaluate_goals(results: dict[str, Any], rows: list[Row]) -> list[dict[str, Any]]:
    by_name = {r.name: r for r in rows}
    cold = rows[0]

    def find(prefix: str) -> Row | None:
        return next((r for r in rows if r.name.startswith(prefix) and r.available and r.wall_s), None)

    goals = issue26_goals(results, rows)  # >= 5x semgrep, CPU <= ast.parse, warm <= 5%
    touched = find("ragfirst check, warm, 1%")
    for label, r, limit in (("1% changed <= 15% of cold", touched, 0.15),):
        share = r.wall_s / cold.wall_s if r and cold.wall_s else None
        goals.append(
            {
                "goal": label,
                "target": limit,
                "measured": _r(share, 3),
                "holds": None if share is None else share <= limit,
            }
        )
    scaling = results.get("scaling") or []
    rates = [s["files_per_s"] for s in scaling if s.get("files_per_s")]
    spread = (max(rates) - min(rates)) / max(rates) if len(rates) == 3 else None
    goals.append(
        {
            "goal": "files/s within 20% across 1x, 2x, 4x",
            "target": 0.20,
            "measured": _r(spread, 3),
            "holds": None if spread is None else spread <= 0.20,
        }
    )
    if "link_share" in results:
        goals.append(link_goal(results["link_share"]))
    goals.append(rss_goal(rows))  # issue 26: memory of the process tree
    del by_name
    return goals


def render(results: dict[str, Any]) -> str:
    corpus = results["corpus"]
    machine = results["machine"]
    versions = results["versions"]
    out = [
        f"ragfirst bench, {results['date']}" + (" (--quick)" if results["quick"] else ""),
        f"machine: {machine['nproc']} cores ({machine['cpu_model']}), {machine['memory_gib']} GiB, Python {machine['python']}",
        f"versions: {versions['ragfirst']}, semgrep {versions['semgrep']}",
        f"corpus: {corpus['path']}: {corpus['files']:,} .py files, {corpus['lines']:,} lines "
        f"({len(corpus['by_package'])} top-level folders, samples x{corpus['sample_copies']})",
        "",
    ]
    headers = ["run", "files", "lines", "wall s", "CPU s", "files/s", "peak RSS MB", "findings", "note"]
    table = []
    for r in results["rows"]:
        if not r["available"]:
            table.append(
                [
                    r["name"],
                    f"{r['files']:,}",
                    f"{r['lines']:,}",
                    "n/a",
                    "n/a",
                    "n/a",
                    "n/a",
                    "n/a",
                    r["note"],
                ]
            )
            continue
        table.append(
            [
                r["name"],
                f"{r['files']:,}",
                f"{r['lines']:,}",
                f"{r['wall_s']:.2f}",
                "?" if r["cpu_s"] is None else f"{r['cpu_s']:.1f}",
                f"{r['files_per_s']:,.0f}",
                f"{r['peak_rss_mb']:.0f}",
                str(r["findings"]),
                r["note"],
            ]
        )
    out.append(fmt_table(headers, table, right={1, 2, 3, 4, 5, 6, 7}))
    busy = [
        f"{r['name']} (load {max(r['load_average_at_start']):.1f})"
        for r in results["rows"]
        if r["available"] and r.get("load_average_at_start") and max(r["load_average_at_start"]) > BUSY_LOAD
    ]
    if busy:
        out.append(
            f"WARNING: the machine was busy (1-minute load average above {BUSY_LOAD}) when these started, "
            "so their times are inflated: " + "; ".join(busy)
        )
    ratio = results.get("ratio_semgrep_over_ragfirst")
    if ratio is not None:
        out += [
            "",
            f"semgrep / ragfirst (cold, same run): {ratio:.2f}x wall"
            + ("" if ratio >= 1 else " (ragfirst is SLOWER)")
            + (
                f", {results['cpu_ratio_semgrep_over_ragfirst']:.2f}x CPU"
                if results.get("cpu_ratio_semgrep_over_ragfirst")
                else ""
            )
            + " (every ragfirst rule)",
        ]
    same_ratio = results.get("ratio_semgrep_over_ragfirst_same_rules")
    if same_ratio is not None:
        out.append(f"semgrep / ragfirst (cold, the same rules RF101-RF105): {same_ratio:.2f}x wall")
    floor = results.get("parse_floor")
    if floor and floor.get("cpu_s"):
        out.append(f"ast.parse of every .py file: {floor['files']:,} files, {floor['cpu_s']:.2f} CPU s")
    side = results.get("findings_side_by_side")
    if side:
        out += ["", "RF101-RF105 findings (file+line, suppressed included):"]
        rows = []
        for rule, c in side.items():
            rows.append(
                [
                    rule,
                    str(c["ragfirst"]),
                    str(c["semgrep"]),
                    str(c["both"]),
                    str(c["ragfirst_only_count"]),
                    str(c["semgrep_only_count"]),
                ]
            )
        out.append(fmt_table(["rule", "ragfirst", "semgrep", "both", "ragfirst only", "semgrep only"], rows))
        for rule, c in side.items():
            for who in ("ragfirst", "semgrep"):
                if c[f"{who}_only"]:
                    out.append(f"  {rule} only {who}: {', '.join(c[f'{who}_only'][:5])}")
    scaling = results.get("scaling")
    if scaling:
        out += [
            "",
            "scaling (cold): "
            + ", ".join(
                f"{s['factor']}x {s['files']:,} files {s['wall_s']:.1f} s = {s['files_per_s']:,.0f} files/s"
                for s in scaling
            ),
        ]
    prefilter = results.get("prefilter")
    if prefilter and "files" in prefilter:
        verdicts = prefilter["verdicts"]
        out += [
            "",
            f"prefilter: of {prefilter['files']:,} Python files, {verdicts.get('parse', 0):,} parsed, "
            f"{verdicts.get('defer', 0):,} left to the link, {verdicts.get('skip', 0):,} skipped "
            f"({prefilter['in_sdk_packages']:,} files in an SDK's own package)",
        ]
    elif prefilter:
        out += ["", f"prefilter: {prefilter.get('error')}"]
    out += ["", "goals (issues 11, 17, 26):"]
    for goal in results["goals"]:
        verdict = {True: "holds", False: "DOES NOT HOLD", None: "not measurable yet"}[goal["holds"]]
        measured = "n/a" if goal["measured"] is None else goal["measured"]
        out.append(f"  - {goal['goal']}: measured {measured} -> {verdict}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
