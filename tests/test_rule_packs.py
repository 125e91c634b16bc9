"""The rule packs shipped with ragfirst pass the rule-file schema.

ragfirst skips schema validation of its own packs at start-up (it costs about 0.15 s per
process); this test is where they are validated instead, exactly as a user's pack is."""

from __future__ import annotations

import pytest

from ragfirst.positioned_yaml import load_positioned
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.loader import _validator, builtin_pack_paths, parse_pack

PACKS = builtin_pack_paths()


def test_there_are_builtin_packs():
    assert len(PACKS) >= 7


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.name)
def test_builtin_pack_passes_the_schema(path):
    doc = load_positioned(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(doc.data)]
    assert errors == []


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.name)
def test_builtin_pack_loads_as_a_user_pack(path):
    """The same text as a user's pack (validated) gives the same rules."""
    text = path.read_text(encoding="utf-8")
    as_builtin = parse_pack(text, str(path), builtin=True)
    as_user = parse_pack(text, str(path), builtin=False)
    assert [r.id for r in as_builtin[0]] == [r.id for r in as_user[0]]
    assert len(as_builtin[1]) == len(as_user[1])


def test_a_user_pack_is_still_validated():
    with pytest.raises(RuleFileError, match="'name' is a required property"):
        parse_pack("rules:\n  - id: TEAM001\n", "team.yaml")
