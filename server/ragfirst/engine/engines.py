"""The engines of a workspace: one `Engine` per distinct set of extra rule packs (most
projects: exactly one), and per selection when the run narrows to the enabled rules. Owned
by the workspace (engine/workspace.py), which the CLI and the language server share."""

from __future__ import annotations

from pathlib import Path

from ragfirst.config.settings import Settings
from ragfirst.config.validation import validate_config
from ragfirst.engine.engine import Engine
from ragfirst.engine.selection import narrowed_engine, selection_tag
from ragfirst.rules.loader import load_ruleset

_MAX_BY_OBJECT = 4096


class EngineCache:
    """One Engine per distinct set of extra rule packs (most projects: exactly one)."""

    def __init__(self) -> None:
        self._engines: dict[tuple[Path, ...], Engine] = {}
        # By value (equal settings, one entry) and narrowing.
        self._by_settings: dict[tuple[Settings, bool], Engine] = {}
        self.narrow = False  # engine/selection.py: engines for the enabled rules only
        self._narrowed: dict[tuple[int, frozenset[str]], Engine] = {}
        # By identity first: a run asks once per file with its directory's settings object,
        # and a lookup by value hashes and compares every field (8,800 files, 241 configs).
        # The settings are kept, so an id is never reused while its entry lives.
        self._by_object: dict[tuple[int, bool], tuple[Settings, Engine]] = {}

    def for_settings(self, settings: Settings, validate: bool = True) -> Engine:
        """`validate`: check the config's rule ids and option values against the rules
        (the language server, keeping the last good settings while the config file is
        broken, asks without: the file on disk is not what those settings came from)."""
        if validate:
            seen = self._by_object.get((id(settings), self.narrow))
            if seen is not None and seen[0] is settings:
                return seen[1]
        engine = self._by_value(settings, validate)
        if validate:
            if len(self._by_object) >= _MAX_BY_OBJECT:  # a long-lived server re-reads configs
                self._by_object.clear()
            self._by_object[(id(settings), self.narrow)] = (settings, engine)
        return engine

    def _by_value(self, settings: Settings, validate: bool) -> Engine:
        """The engine for settings equal to these (built, and the config validated, once)."""
        known = self._by_settings.get((settings, self.narrow))
        if known is not None:
            return known
        key = settings.extra_rules
        if key not in self._engines:
            self._engines[key] = Engine(load_ruleset(key))
        engine = self._engines[key]
        if self.narrow:
            engine = narrowed_engine(engine, settings, self._narrowed)
        if not validate:
            return engine
        validate_config(settings, engine.ruleset)  # unknown ids, bad option values
        self._by_settings[(settings, self.narrow)] = engine
        return engine

    def selection_tag(self, settings: Settings) -> str:
        """What the cache keys of this cache's engines add for these settings."""
        return selection_tag(settings) if self.narrow else ""

    def clear(self) -> None:
        """Config or rule files changed: build engines again (the narrowing stays)."""
        self._engines.clear()
        self._by_settings.clear()
        self._by_object.clear()
        self._narrowed.clear()

    def entries(self) -> int:
        """Engines kept by settings value (the server's stats: it must not grow per lint)."""
        return len(self._by_settings)
