"""Rule packs parsed once and kept as plain JSON in the cache directory (rules/pack_cache.py):
a warm run builds its rules without parsing YAML, the rules are the ones the YAML gives,
and anything wrong with the cache file is a miss, never an error."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import pytest

from conftest import TEAM_PACK, record_calls
from ragfirst.cli.main import main
from ragfirst.positioned_yaml import load_positioned
from ragfirst.rules import loader, pack_cache
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.loader import load_ruleset, packs_cached_in
from ragfirst.rules.pack_cache import FILE_NAME, PackCache, watch


def _shape(ruleset) -> str:
    """The rules and facts as their repr says, object addresses aside."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr((ruleset.rules, ruleset.facts)))


@pytest.fixture(autouse=True)
def no_bundle(monkeypatch) -> None:
    """The cache directory alone: the shipped bundle has its own tests (test_pack_bundle.py)."""
    monkeypatch.setattr(pack_cache, "bundled", lambda: None)


@pytest.fixture
def parses(monkeypatch) -> list[tuple[object, ...]]:
    """The rule packs parsed from YAML (and forgets the per-process built-ins)."""
    loader.load_builtin_pack.cache_clear()
    yield record_calls(monkeypatch, loader, "load_positioned")
    loader.load_builtin_pack.cache_clear()


def _load(directory: Path, extra=()):
    loader.load_builtin_pack.cache_clear()
    with packs_cached_in(directory):
        return load_ruleset(extra)


@pytest.fixture
def team_pack(tmp_path) -> Path:
    pack = tmp_path / "team.yaml"
    pack.write_text(TEAM_PACK)
    return pack


def test_a_second_load_parses_no_yaml_and_builds_the_same_rules(tmp_path, parses, team_pack):
    loader.load_builtin_pack.cache_clear()
    fresh = load_ruleset([team_pack])  # no cache: as before
    packs = len(parses)
    assert packs >= 9
    first = _load(tmp_path / "cache", [team_pack])
    assert len(parses) == 2 * packs and (tmp_path / "cache" / FILE_NAME).is_file()
    second = _load(tmp_path / "cache", [team_pack])
    assert len(parses) == 2 * packs  # none parsed
    assert _shape(first) == _shape(second) == _shape(fresh)
    assert [rule.line for rule in second.rules] == [rule.line for rule in fresh.rules]


def test_an_edited_pack_is_parsed_again(tmp_path, parses, team_pack):
    _load(tmp_path / "cache", [team_pack])
    team_pack.write_text(TEAM_PACK.replace("The team wraps the client.", "Use our wrapper."))
    before = len(parses)
    rules = _load(tmp_path / "cache", [team_pack])
    assert len(parses) == before + 1  # only the team's pack
    assert rules.get("TEAM001").summary == "Use our wrapper."


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff garbage",
        b'{"format": 1, "version": "0.0.0-other", "packs": {}}',
        b'{"format": 1',  # a truncated write
        b"[" * 100_000 + b"]" * 100_000,  # nested past the recursion limit
        b'{"format": 1, "version": "VERSION", "packs": []}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{}, [], []]}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": 5}, [], []]}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a", 1.5], 1, 2]], []]}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a"], true, 2]], []]}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a"], 1]], []]}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": "__import__(\'os\')"}, "tables": {}}',
    ],
)
def test_a_damaged_or_hostile_cache_file_is_a_clean_miss(tmp_path, parses, team_pack, content):
    from ragfirst import __version__

    directory = tmp_path / "cache"
    directory.mkdir()
    key = pack_cache.text_key(team_pack.read_text())
    (directory / FILE_NAME).write_bytes(
        content.replace(b"VERSION", __version__.encode()).replace(b"KEY", key.encode())
    )
    loader.load_builtin_pack.cache_clear()
    expected = _shape(load_ruleset([team_pack]))
    assert _shape(_load(directory, [team_pack])) == expected
    json.loads((directory / FILE_NAME).read_text())  # written again, whole
    assert _shape(_load(directory, [team_pack])) == expected


def test_cached_data_that_builds_other_rules_than_it_did_is_parsed_again(tmp_path, parses, team_pack):
    """Cached data that fails to compile, or asks for a position the entry does not
    hold, gives way to the YAML (and is dropped)."""
    directory = tmp_path / "cache"
    expected = _shape(_load(directory, [team_pack]))
    path = directory / FILE_NAME
    key = pack_cache.text_key(team_pack.read_text())
    for damage in (
        lambda entry: entry[0]["rules"][0].pop("id"),  # KeyError while compiling
        lambda entry: entry[0]["rules"].append(dict(entry[0]["rules"][0], id="TEAM002")),  # unasked position
        lambda entry: entry[1].clear(),  # no positions at all
    ):
        stored = json.loads(path.read_text())
        damage(stored["packs"][key])
        path.write_text(json.dumps(stored))
        before = len(parses)
        assert _shape(_load(directory, [team_pack])) == expected
        assert len(parses) == before + 1  # the team's pack, from its YAML
        assert key in json.loads(path.read_text())["packs"]  # and kept again, right


def test_a_broken_team_pack_is_reported_as_without_cache_and_not_kept(tmp_path, parses):
    pack = tmp_path / "team.yaml"
    pack.write_text(TEAM_PACK.replace("severity: warning", "severity: loud"))
    loader.load_builtin_pack.cache_clear()
    with pytest.raises(RuleFileError) as plain:
        load_ruleset([pack])
    for _ in range(2):
        with pytest.raises(RuleFileError) as cached:
            _load(tmp_path / "cache", [pack])
        assert str(cached.value) == str(plain.value)
    key = pack_cache.text_key(pack.read_text())
    stored = tmp_path / "cache" / FILE_NAME
    assert not stored.exists() or key not in json.loads(stored.read_text())["packs"]


def test_yaml_json_cannot_hold_is_simply_not_kept(tmp_path):
    """Dates and integer keys would come back from JSON as other values."""
    cache = PackCache(tmp_path)
    for text in ("when: 2024-01-02\n", "1: one\n"):
        doc = watch(load_positioned(text))
        assert (isinstance(doc.data, dict) and not all(type(k) is str for k in doc.data)) or any(
            isinstance(v, datetime.date) for v in doc.data.values()
        )
        doc.position(())
        cache.put(text, doc)
        assert cache.get(text) is None
    cache.save()
    assert not (tmp_path / FILE_NAME).exists()


def test_a_check_run_keeps_the_packs_and_no_cache_writes_none(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    loader.load_builtin_pack.cache_clear()
    assert main(["check", "--no-cache", "--format", "json", "--exit-zero", "."]) == 0
    assert not list(tmp_path.rglob(FILE_NAME))
    loader.load_builtin_pack.cache_clear()
    assert main(["check", "--cache-dir", str(tmp_path / "c"), "--format", "json", "--exit-zero", "."]) == 0
    assert (tmp_path / "c" / FILE_NAME).is_file()
    assert oct(os.stat(tmp_path / "c").st_mode & 0o777) == "0o700"
    capsys.readouterr()


TABLES = [
    "pricing.yaml",
    "lifecycle.yaml",
    "retiring-models.yaml",
    "embedding-models.yaml",
    "output-caps.yaml",
]


def _types(value):
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value).__name__


@pytest.fixture
def table_parses(monkeypatch) -> list[int]:
    from ragfirst.data import tables

    calls: list[int] = []
    real = tables.load_positioned

    def counting(text):
        calls.append(1)
        return real(text)

    monkeypatch.setattr(tables, "load_positioned", counting)
    return calls


def test_data_tables_come_back_equal_dates_included_without_yaml(tmp_path, table_parses):
    from ragfirst.data.tables import load_table

    fresh = {name: load_table(name) for name in TABLES}
    assert _dates(fresh)  # YAML dates among them
    with pack_cache.cached_in(tmp_path):
        kept = {name: load_table(name) for name in TABLES}
    before = len(table_parses)
    with pack_cache.cached_in(tmp_path):
        cached = {name: load_table(name) for name in TABLES}
    assert len(table_parses) == before  # none parsed
    assert cached == kept == fresh and _types(cached) == _types(fresh)


def _dates(value) -> list:
    if isinstance(value, dict):
        return [d for item in value.values() for d in _dates(item)]
    if isinstance(value, list):
        return [d for item in value for d in _dates(item)]
    return [value] if isinstance(value, datetime.date) else []


def test_a_table_json_cannot_give_back_is_not_kept(tmp_path):
    cache = PackCache(tmp_path)
    tagged = {"when": {"\0date": "2024-01-02"}}  # would come back as a date
    cache.keep_table("a", tagged)
    cache.keep_table("b", {1: "integer key"})
    cache.keep_table("c", {"at": datetime.datetime(2024, 1, 2, 3, 4), "on": datetime.date(2024, 1, 2)})
    assert cache.table("a") is None and cache.table("b") is None
    assert cache.table("c") == {"at": datetime.datetime(2024, 1, 2, 3, 4), "on": datetime.date(2024, 1, 2)}


def test_a_hostile_table_entry_is_a_miss(tmp_path, table_parses):
    """An entry that decodes to data the table's schema refuses is parsed from YAML."""
    from ragfirst import __version__
    from ragfirst.data.tables import load_table
    from ragfirst.resources import builtin_rules_dir

    key = pack_cache.text_key((builtin_rules_dir() / "lifecycle.yaml").read_text(encoding="utf-8"))
    for stored in ('{"entries": 5}', "[", '"text"', '{"\\u0000date": "not a date"}'):
        (tmp_path / FILE_NAME).write_text(
            json.dumps({"format": 1, "version": __version__, "packs": {}, "tables": {key: stored}})
        )
        before = len(table_parses)
        with pack_cache.cached_in(tmp_path):
            assert load_table("lifecycle.yaml") == load_table("lifecycle.yaml", None)
        assert len(table_parses) > before


def test_the_table_age_note_is_the_same_from_the_cache(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2031-01-01")
    notes = []
    for index in range(3):
        (tmp_path / "a.py").write_text(f"from openai import OpenAI\n\nclient = OpenAI()\n# {index}\n")
        assert (
            main(["check", "--cache-dir", str(tmp_path / "c"), "--format", "json", "--exit-zero", "."]) == 0
        )
        notes.append([line for line in capsys.readouterr().err.splitlines() if "data tables" in line])
    assert notes[0] and notes[0] == notes[1] == notes[2]
    assert json.loads((tmp_path / "c" / FILE_NAME).read_text())["tables"]


def test_the_cache_file_is_private_and_never_written_through_a_link(tmp_path, team_pack):
    import stat as stat_module

    directory = tmp_path / "cache"
    _load(directory, [team_pack])
    path = directory / FILE_NAME
    assert stat_module.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)  # a wider file of ours is tightened when written again
    team_pack.write_text(TEAM_PACK.replace("wraps", "wraps up"))
    _load(directory, [team_pack])
    assert stat_module.S_IMODE(path.stat().st_mode) == 0o600
    path.unlink()
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    path.symlink_to(outside)  # planted: the rules still load, nothing is written there
    team_pack.write_text(TEAM_PACK)
    assert _shape(_load(directory, [team_pack]))
    assert outside.read_text() == "{}" and path.is_symlink()


def test_a_cache_folder_inside_the_project_is_not_linted(tmp_path, monkeypatch, capsys):
    """The pack cache is JSON; named `.json`, a run whose cache folder is inside the
    project linted it on every run after the first (236 KB parsed, one file more checked)."""
    import json

    from ragfirst.cli.main import main

    (tmp_path / "app.py").write_text("VALUE = 1\n")
    monkeypatch.chdir(tmp_path)
    counts = []
    for _ in range(2):
        main(["check", "--format", "json", "--exit-zero", "--cache-dir", str(tmp_path / "cache"), "."])
        counts.append(json.loads(capsys.readouterr().out)["files_checked"])
    assert counts == [1, 1]
