"""`ragfirst check --timings`: where a run's time goes, printed to stderr (like semgrep's
`--time`).

The run marks the end of each phase (`mark`): the time since the previous mark is that
phase's. CPU time is this process's plus that of the worker processes it has waited for
(`os.times`), so a parallel run's analysis is counted where it happened. Counters say how
much work each phase did (files parsed, analysed again by the link). Nothing is recorded
unless a front end started a recording: the marks cost one global lookup otherwise.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass(slots=True)
class Recording:
    started_cpu: float = field(default_factory=_cpu)
    started_wall: float = field(default_factory=time.perf_counter)
    phases: dict[str, list[float]] = field(default_factory=dict)  # name -> [cpu, wall]
    counts: dict[str, int] = field(default_factory=dict)
    _last: tuple[float, float] = (0.0, 0.0)
    # Work done inside the current phase for a later one (`within`): [cpu, wall] lent so
    # far, and by the phase it is counted in once that phase is marked.
    _lent: list[float] = field(default_factory=lambda: [0.0, 0.0])
    _owed: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._last = (self.started_cpu, self.started_wall)

    def mark(self, phase: str) -> None:
        cpu, wall = _cpu(), time.perf_counter()
        spent = self.phases.setdefault(phase, [0.0, 0.0])
        owed = self._owed.pop(phase, (0.0, 0.0))
        spent[0] += cpu - self._last[0] - self._lent[0] + owed[0]
        spent[1] += wall - self._last[1] - self._lent[1] + owed[1]
        self._lent = [0.0, 0.0]
        self._last = (cpu, wall)

    def lend(self, phase: str, cpu: float, wall: float) -> None:
        """`cpu` and `wall` seconds of the current phase belong to `phase` (marked later)."""
        self._lent[0] += cpu
        self._lent[1] += wall
        owed = self._owed.setdefault(phase, [0.0, 0.0])
        owed[0] += cpu
        owed[1] += wall

    def count(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def render(self) -> str:
        """The table printed on stderr: each phase's CPU and wall time and share of the run."""
        self.mark("report and exit")
        total_cpu = sum(cpu for cpu, _ in self.phases.values()) or 1e-9
        total_wall = sum(wall for _, wall in self.phases.values()) or 1e-9
        lines = ["ragfirst timings (CPU: this process and its workers)", ""]
        lines.append(f"  {'phase':<28} {'CPU s':>8} {'share':>6} {'wall s':>8}")
        for phase, (cpu, wall) in self.phases.items():
            lines.append(f"  {phase:<28} {cpu:>8.2f} {cpu / total_cpu:>6.0%} {wall:>8.2f}")
        lines.append(f"  {'total':<28} {total_cpu:>8.2f} {'':>6} {total_wall:>8.2f}")
        if self.counts:
            lines.append("")
            lines.extend(f"  {name:<64} {value:>8}" for name, value in self.counts.items())
        return "\n".join(lines) + "\n"


_current: Recording | None = None


@contextmanager
def recording() -> Iterator[Recording]:
    """Record the marks and counts of the run inside the block."""
    global _current
    previous, _current = _current, Recording()
    try:
        yield _current
    finally:
        _current = previous


def active() -> bool:
    return _current is not None


def mark(phase: str) -> None:
    """The phase that ends now (see the module docstring)."""
    if _current is not None:
        _current.mark(phase)


@contextmanager
def within(phase: str) -> Iterator[None]:
    """The block's time counted in `phase` (marked later), not in the phase it runs in: a
    project's findings made while the link goes on are finalize's (engine/run_finalize.py)."""
    recording = _current
    if recording is None:
        yield
        return
    cpu, wall = _cpu(), time.perf_counter()
    try:
        yield
    finally:
        recording.lend(phase, _cpu() - cpu, time.perf_counter() - wall)


def count(name: str, amount: int = 1) -> None:
    if _current is not None:
        _current.count(name, amount)
