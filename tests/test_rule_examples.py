"""Every rule's YAML examples run through the real pipeline (files on disk, discovery,
engine, project phase): the docs can never show an example that behaves otherwise
(fixit's VALID/INVALID idea, with the examples living in YAML)."""

from __future__ import annotations

import pytest

from ragfirst.rules.loader import load_ruleset
from ragfirst.rules.rule_tests import check_example

RULESET = load_ruleset()
CASES = [
    pytest.param(rule, example, kind, id=f"{rule.id}-{kind}-{index}")
    for rule in RULESET.rules
    for kind, examples in (("fire", rule.fire_examples), ("pass", rule.pass_examples))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "kind"), CASES)
def test_rule_example(rule, example, kind, monkeypatch):
    """Fires (at exactly its `expect:` places) or not, its annotations hold, and its
    `fixed:` code is what the rule's fixes produce (rules/rule_tests.py)."""
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    problems = check_example(rule, example, kind, [])
    assert not problems, "\n".join(problems)


def test_every_built_in_fire_example_says_where_it_fires():
    missing = [
        f"{rule.id} fire example {index + 1}"
        for rule in RULESET.rules
        for index, example in enumerate(rule.fire_examples)
        if not example.expect
    ]
    assert not missing, missing


def test_every_matching_rule_has_examples_of_both_kinds():
    for rule in RULESET.rules:
        if rule.matchers or rule.check:
            assert rule.fire_examples, f"{rule.id} has no example that fires"
            assert rule.pass_examples, f"{rule.id} has no look-alike example that must not fire"
