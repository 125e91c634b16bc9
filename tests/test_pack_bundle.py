"""The built-in packs and tables shipped parsed (rules/pack_cache.py `BUNDLE_NAME`,
rules/pack_bundle.py): the shipped file is the one the YAML gives, a run builds the same
rules from it without parsing YAML, and a stale, broken or missing bundle is a miss."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import record_calls
from ragfirst.data import tables
from ragfirst.positioned_yaml import load_positioned
from ragfirst.resources import builtin_rules_dir
from ragfirst.rules import loader, pack_bundle, pack_cache
from ragfirst.rules.loader import builtin_pack_paths, load_ruleset, parse_pack
from ragfirst.rules.pack_cache import BUNDLE_NAME, PackCache


def _shape(ruleset) -> str:
    """The rules and facts as their repr says, object addresses aside."""
    return _addressless((ruleset.rules, ruleset.facts))


def _addressless(value: object) -> str:
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


@pytest.fixture
def parses(monkeypatch) -> list[tuple[object, ...]]:
    """The packs parsed from YAML, as (text,) (the per-process built-ins forgotten before and
    after)."""
    loader.load_builtin_pack.cache_clear()
    yield record_calls(monkeypatch, loader, "load_positioned")
    loader.load_builtin_pack.cache_clear()


def _with_bundle(monkeypatch, bundle: PackCache | None) -> None:
    monkeypatch.setattr(pack_cache, "bundled", lambda: bundle)
    loader.load_builtin_pack.cache_clear()


def test_the_shipped_bundle_is_the_one_the_yaml_gives():
    shipped = builtin_rules_dir() / BUNDLE_NAME
    assert shipped.is_file(), f"{shipped} is missing: run `make rules-bundle`"
    assert shipped.read_text(encoding="utf-8") == pack_bundle.bundle_text(), (
        f"{shipped} is out of date with the rule YAML: run `make rules-bundle`"
    )
    entries = json.loads(shipped.read_text(encoding="utf-8"))
    assert len(entries["packs"]) == len(builtin_pack_paths())
    assert len(entries["tables"]) == len(pack_bundle.table_paths())


def test_the_rules_come_from_the_bundle_and_are_the_yamls(monkeypatch, parses):
    bundled = load_ruleset()
    assert parses == []  # no built-in pack parsed
    _with_bundle(monkeypatch, None)
    from_yaml = load_ruleset()
    assert len(parses) == len(builtin_pack_paths())
    assert _shape(bundled) == _shape(from_yaml)
    assert [rule.line for rule in bundled.rules] == [rule.line for rule in from_yaml.rules]


@pytest.mark.parametrize("path", pack_bundle.table_paths(), ids=lambda path: path.name)
def test_each_table_comes_from_the_bundle_as_its_yaml_gives_it(monkeypatch, path):
    text = path.read_text(encoding="utf-8")
    parsed = load_positioned(text).data
    assert pack_cache.table_data(text) == parsed
    monkeypatch.setattr(tables, "load_positioned", pytest.fail)  # never parsed
    assert tables.load_table(path.name) == parsed


def test_an_edited_builtin_pack_is_parsed_from_its_yaml(parses):
    path = builtin_pack_paths()[0]
    text = path.read_text(encoding="utf-8")
    bundled = parse_pack(text, str(path), builtin=True)
    assert parses == []
    edited = text + "\n# edited after the bundle was written\n"
    assert _addressless(parse_pack(edited, str(path), builtin=True)) == _addressless(bundled)
    assert parses == [(edited,)]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff not json",
        b'{"format": 1, "version": "0.0.0-other", "packs": {}, "tables": {}}',
        b'{"format": 1, "version": "VERSION", "packs": {"KEY": [1, 2]}, "tables": []}',
        b"[" * 100_000,
    ],
    ids=["empty", "binary", "another-version", "wrong-shapes", "deeply-nested"],
)
def test_a_broken_bundle_is_a_miss_never_an_error(tmp_path, monkeypatch, parses, content):
    from ragfirst import __version__

    broken = tmp_path / BUNDLE_NAME
    broken.write_bytes(content.replace(b"VERSION", __version__.encode()))
    _with_bundle(monkeypatch, PackCache.in_file(broken))
    rules = load_ruleset()
    assert len(parses) == len(builtin_pack_paths())
    _with_bundle(monkeypatch, None)
    assert _shape(rules) == _shape(load_ruleset())


def test_bundled_data_that_does_not_build_the_rules_is_parsed_from_yaml(tmp_path, monkeypatch, parses):
    """Entries whose digests match but whose data is not the YAML's (a hand-edited file): a
    pack whose rules fail to build from it is parsed and built from its YAML instead."""
    entries = json.loads((builtin_rules_dir() / BUNDLE_NAME).read_text(encoding="utf-8"))
    for entry in entries["packs"].values():
        entry[0] = {"rules": [{"id": 7}]}  # not a rule
    tampered = tmp_path / BUNDLE_NAME
    tampered.write_text(json.dumps(entries), encoding="utf-8")
    _with_bundle(monkeypatch, PackCache.in_file(tampered))
    rules = load_ruleset()
    assert len(parses) == len(builtin_pack_paths())
    _with_bundle(monkeypatch, None)
    assert _shape(rules) == _shape(load_ruleset())


def test_check_fails_until_the_bundle_is_written_again(tmp_path, monkeypatch, capsys):
    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules)
    monkeypatch.setattr(pack_bundle, "builtin_rules_dir", lambda: rules)
    monkeypatch.setattr(loader, "builtin_rules_dir", lambda: rules)
    assert pack_bundle.main(["--check"]) == 0
    pack = rules / "packs" / "core.yaml"
    pack.write_text(pack.read_text(encoding="utf-8") + "\n# edited\n")
    assert pack_bundle.main(["--check"]) == 1
    assert "make rules-bundle" in capsys.readouterr().err
    assert pack_bundle.main([]) == 0
    assert pack_bundle.main(["--check"]) == 0
    assert (rules / BUNDLE_NAME).read_text(encoding="utf-8") != (builtin_rules_dir() / BUNDLE_NAME).read_text(
        encoding="utf-8"
    )


def test_a_missing_bundle_file_is_no_bundle(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_cache, "_bundle", [])
    monkeypatch.setattr("ragfirst.resources.builtin_rules_dir", lambda: tmp_path)
    assert pack_cache.bundled() is None


def test_a_crlf_checkout_writes_a_bundle_its_packs_are_found_in(tmp_path, monkeypatch, parses):
    """A pack is looked up by the text `load_pack` reads (its bytes decoded, `\\r\\n` kept):
    the bundle is written from the same text."""
    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules)
    for pack in (rules / "packs").glob("*.yaml"):
        pack.write_bytes(pack.read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.setattr(pack_bundle, "builtin_rules_dir", lambda: rules)
    monkeypatch.setattr(loader, "builtin_rules_dir", lambda: rules)
    assert pack_bundle.main([]) == 0
    _with_bundle(monkeypatch, PackCache.in_file(rules / BUNDLE_NAME))
    crlf = load_ruleset()
    assert parses == []  # every pack found in the bundle
    _with_bundle(monkeypatch, None)
    assert _shape(crlf) == _shape(load_ruleset())
