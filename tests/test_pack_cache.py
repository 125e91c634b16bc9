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

from conftest import TEAM_PACK
from ragfirst.cli.main import main
from ragfirst.positioned_yaml import load_positioned
from ragfirst.rules import loader, pack_cache
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.loader import load_ruleset, packs_cached_in
from ragfirst.rules.pack_cache import FILE_NAME, PackCache, watch


def _shape(ruleset) -> str:
    """The rules and facts as their repr says, object addresses aside."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr((ruleset.rules, ruleset.facts)))


@pytest.fixture
def parses(monkeypatch) -> list[int]:
    """Counts the rule packs parsed from YAML (and forgets the per-process built-ins)."""
    calls: list[int] = []
    real = loader.load_positioned

    def counting(text):
        calls.append(1)
        return real(text)

    monkeypatch.setattr(loader, "load_positioned", counting)
    loader.load_builtin_pack.cache_clear()
    yield calls
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
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{}, [], []]}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": 5}, [], []]}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a", 1.5], 1, 2]], []]}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a"], true, 2]], []]}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [{"rules": []}, [[["a"], 1]], []]}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": "__import__(\'os\')"}}',
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
