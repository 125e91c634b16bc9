"""Settings are hashed by value and the editor's severity overrides are applied by the
resolver (issue 24, bug 13): the per-settings engine cache cannot grow with lints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.runner import EngineCache


def test_equal_settings_hash_equal_and_different_ones_differ():
    plain = Settings()
    strict = replace(plain, severity={"RF101": "error"}, options={"RF303": {"overlap": [1, 2]}})
    again = replace(plain, severity=dict(strict.severity), options={"RF303": {"overlap": [1, 2]}})
    assert strict is not again and strict == again and hash(strict) == hash(again)
    assert hash(plain) == hash(Settings())
    assert strict != plain and hash(strict) != hash(plain)  # a look-alike that must differ
    assert replace(strict, options={"RF303": {"overlap": [2, 1]}}) != strict


def test_engine_cache_keeps_one_entry_for_equal_settings_objects():
    cache = EngineCache()
    engines = set()
    for _ in range(50):  # new, equal override objects each time, as an editor may send
        settings = replace(Settings(), severity=dict([("RF101", "error"), ("RF4", "warning")]))
        engines.add(id(cache.for_settings(settings)))
    assert len(cache._by_settings) == 1 and len(engines) == 1
    cache.for_settings(replace(Settings(), severity={"RF101": "info"}))  # a different value
    assert len(cache._by_settings) == 2


def test_resolver_applies_overrides_once_per_config_read(tmp_path: Path):
    (tmp_path / "ragfirst.toml").write_text('severity = { RF102 = "info" }\n', encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    resolver = ConfigResolver()
    resolver.set_severity_overrides({"rf101": "error"})
    first = resolver.for_path(tmp_path / "a.py")
    assert first.severity == {"RF102": "info", "RF101": "error"}
    assert resolver.for_path(tmp_path / "pkg" / "b.py") is first  # the same object
    resolver.set_severity_overrides(dict({"rf101": "error"}))  # equal, a new dict: no re-read
    assert resolver.for_path(tmp_path / "a.py") is first
    resolver.set_severity_overrides({"RF101": "warning"})
    assert resolver.for_path(tmp_path / "a.py").severity["RF101"] == "warning"
    resolver.set_severity_overrides({})
    assert resolver.for_path(tmp_path / "a.py").severity == {"RF102": "info"}
    # no config file above: the default settings get the overrides too
    bare = tmp_path.parent / f"{tmp_path.name}-bare"
    bare.mkdir()
    resolver.set_severity_overrides({"RF101": "error"})
    assert resolver.for_path(bare / "c.py").severity == {"RF101": "error"}
    assert ConfigResolver().for_path(bare / "c.py").severity == {}
