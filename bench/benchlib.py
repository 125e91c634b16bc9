"""Shared helpers for the bench scripts: finding tools, timing a subprocess with its peak
memory, and describing the machine. Standard library only (the scripts must run before
anything but the bench venv exists)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TIME_BIN = "/usr/bin/time"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def find_tool(name: str) -> str | None:
    """The running interpreter's venv first (run the bench with the venv you mean to
    measure), then bench/.venv, then PATH."""
    for candidate in (Path(sys.executable).parent / name, BENCH / ".venv" / "bin" / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def tool_version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[-1].strip() if text else "?"


# -- memory --------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """Resident set size of one process in KiB (VmRSS), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as handle:
                    kids.extend(int(x) for x in handle.read().split())
            except OSError:
                continue
    except OSError:
        pass
    return kids


def tree_rss_kb(pid: int) -> int:
    """Summed VmRSS of a process and all its descendants (worker pools count)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += rss_kb(current)
        stack.extend(_children(current))
    return total


class TreeSampler:
    """Samples the summed RSS of a process tree every `interval` seconds, in a thread."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- timing one command --------------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    wall_s: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_kb: int  # largest single process (getrusage / time -v), incl. children
    tree_peak_kb: int  # summed RSS of the whole process tree, sampled every 50 ms
    cpu_s: float | None = None  # user + system CPU of the process tree (from time -v / rusage)
    load_before: float | None = None  # 1-minute load average when the run started
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def peak_rss_mb(self) -> float:
        return max(self.max_rss_kb, self.tree_peak_kb) / 1024


_MAXRSS = re.compile(r"Maximum resident set size \(kbytes\):\s*(\d+)")


def run_measured(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None
) -> Run:
    """Run a command, timing its wall clock and measuring its peak memory.

    Memory: `/usr/bin/time -v` (its "Maximum resident set size" is the largest single
    process of the tree, from wait4) when installed, else the RUSAGE_CHILDREN maxrss
    delta; and, for tools that fork workers, the summed RSS of the tree sampled every
    50 ms. The table shows the larger of the two.
    """
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="ragfirst-bench-") as tmp:
        out_path, err_path, time_path = (Path(tmp) / n for n in ("out", "err", "time"))
        use_time = os.access(TIME_BIN, os.X_OK)
        command = [TIME_BIN, "-v", "-o", str(time_path), *argv] if use_time else list(argv)
        import resource

        usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        before = usage_before.ru_maxrss
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=out, stderr=err)
            with TreeSampler(process.pid) as sampler:
                try:
                    returncode = process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    raise
            wall = time.perf_counter() - started
        usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = usage_after.ru_maxrss
        cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
        max_rss = 0
        if use_time and time_path.exists():
            match = _MAXRSS.search(time_path.read_text(errors="replace"))
            max_rss = int(match.group(1)) if match else 0
        if not max_rss and after > before:
            max_rss = after  # ru_maxrss is a high-water mark: only a new high is this run's
        if use_time and time_path.exists():
            # /usr/bin/time reports a failed child as "Command exited with non-zero status N".
            status = re.search(r"Exit status:\s*(\d+)", time_path.read_text(errors="replace"))
            if status:
                returncode = int(status.group(1))
        return Run(
            argv=list(argv),
            wall_s=wall,
            returncode=returncode,
            stdout=out_path.read_text(encoding="utf-8", errors="replace"),
            stderr=err_path.read_text(encoding="utf-8", errors="replace"),
            max_rss_kb=max_rss,
            tree_peak_kb=sampler.peak_kb,
            cpu_s=cpu,
            load_before=load_before,
        )


# -- the machine ---------------------------------------------------------------------------


def machine_info() -> dict[str, object]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": nproc,
        "cpu_model": cpu,
        "memory_gib": mem_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def fmt_table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A GitHub-flavoured Markdown table (reads fine in a terminal too)."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        parts = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(parts) + " |"

    sep = (
        "|"
        + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])
