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


class EngineCache:
    """One Engine per distinct set of extra rule packs (most projects: exactly one)."""

    def __init__(self) -> None:
        self._engines: dict[tuple[Path, ...], Engine] = {}
        # By value (equal settings, one entry) and narrowing.
        self._by_settings: dict[tuple[Settings, bool], Engine] = {}
        self.narrow = False  # engine/selection.py: engines for the enabled rules only
        self._narrowed: dict[tuple[int, frozenset[str]], Engine] = {}

    def for_settings(self, settings: Settings, validate: bool = True) -> Engine:
        """`validate`: check the config's rule ids and option values against the rules
        (the language server, keeping the last good settings while the config file is
        broken, asks without: the file on disk is not what those settings came from)."""
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
        self._narrowed.clear()

    def entries(self) -> int:
        """Engines kept by settings value (the server's stats: it must not grow per lint)."""
        return len(self._by_settings)
