"""May an import's value hold a needle? Asked of the modules it can be computed from, by
their text, before the link parses one for its constants (engine/text_needles.py says why).

An import's value with constants is computed from its module and, through their imports,
from other project modules: the value can hold the needle only if one module of that
import closure may spell it. Each module is probed once per needle (`Engine.analyze`
with `text_force`: its project imports and the text test, nothing parsed but for the few
that may spell it), and a closure found clean is remembered whole: every module in it
has a clean closure too. Imports resolve as the link resolves them (`targets`); one that
names no project file adds nothing, as it gives the link nothing.

A walk is bounded (`CLOSURE_BUDGET` modules not known clean): a value computed from a
large part of a library is asked as before, by parsing its module for its constants. One
such closure on bench corpus b (diffusers: 1,087 modules) cost as much to read as the 23
parses it spared, and a warm run after an edit paid 0.15 s to read the texts' probes back
from the cache where it read 23 analyses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ragfirst.engine.engine import FileAnalysis

TEXT_FORCE = "text"  # `Engine.analyze(force="text:<needle>")`: the probe, nothing parsed
CLOSURE_BUDGET = 256  # modules a walk reads (or finds read) before it answers "maybe"


def text_force(needle: str) -> str:
    return f"{TEXT_FORCE}:{needle}"


Probe = Callable[[str, None, str], "FileAnalysis | None"]  # the linker's `reanalyze`
Targets = Callable[[str, str], list[str]]  # (importer, "module:name") -> project files


class TextClosures:
    """Import closures that cannot hold a needle, found by probing modules' texts."""

    def __init__(self, probe: Probe, targets: Targets) -> None:
        self._probe = probe
        self._targets = targets
        # needle -> module -> the project files it imports (None: it may spell the needle)
        self._probed: dict[str, dict[str, list[str] | None]] = {}
        self._clean: dict[str, set[str]] = {}  # needle -> modules whose closure cannot hold it
        # needle -> modules whose closure may hold it, or is too large to tell
        self._held: dict[str, set[str]] = {}

    def may_hold(self, starts: list[str], needle: str) -> bool:
        """May a value computed from these modules (and what they import) hold `needle`?"""
        clean = self._clean.setdefault(needle, set())
        held = self._held.setdefault(needle, set())
        if not held.isdisjoint(starts):
            return True
        queue = [start for start in starts if start not in clean]
        reached_from: dict[str, str | None] = dict.fromkeys(queue)
        while queue:
            if len(reached_from) > CLOSURE_BUDGET:
                held.update(starts)  # too large a closure to tell
                return True
            path = queue.pop()
            targets = self._imports(path, needle)
            if targets is None or not held.isdisjoint(targets):
                # it may spell it (or could not be read), or it imports one that may (or
                # whose closure is too large): so may every module on the way to it
                while path is not None:
                    held.add(path)
                    path = reached_from[path]
                return True
            for target in targets:
                if target not in reached_from and target not in clean:
                    reached_from[target] = path
                    queue.append(target)
        clean.update(reached_from)
        return False

    def _imports(self, path: str, needle: str) -> list[str] | None:
        """The project files the module imports; None if it may spell the needle."""
        probed = self._probed.setdefault(needle, {})
        if path in probed:
            return probed[path]
        probe = self._probe(path, None, text_force(needle))
        found = None
        if probe is not None and probe.deferred_imports is not None and not probe.spells_needle:
            found = [target for spec in probe.deferred_imports for target in self._targets(path, spec)]
        probed[path] = found
        return found
