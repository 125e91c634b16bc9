"""Every rule's YAML examples run against the engine: the docs can never show an example
that behaves otherwise (fixit's VALID/INVALID idea, with the examples living in YAML)."""

from __future__ import annotations

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine.runner import lint_sources
from ragfirst.rules.loader import load_ruleset

RULESET = load_ruleset()
CASES = [
    pytest.param(rule, example, kind, id=f"{rule.id}-{kind}-{index}")
    for rule in RULESET.rules
    for kind, examples in (("fire", rule.fire_examples), ("pass", rule.pass_examples))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "kind"), CASES)
def test_rule_example(rule, example, kind):
    files = {example.path: example.code, **example.files}
    findings = [f for f in lint_sources(files, Settings()) if f.path == example.path and not f.suppressed]
    fired = [f for f in findings if f.rule_id == rule.id]
    if kind == "fire":
        assert fired, (
            f"{rule.id} should fire on:\n{example.code}\nbut found {[(f.rule_id, f.message) for f in findings]}"
        )
    else:
        assert not fired, (
            f"{rule.id} must not fire on:\n{example.code}\nbut found {[(f.span, f.message) for f in fired]}"
        )


def test_every_matching_rule_has_examples_of_both_kinds():
    for rule in RULESET.rules:
        if rule.python or rule.check:
            assert rule.fire_examples, f"{rule.id} has no example that fires"
            assert rule.pass_examples, f"{rule.id} has no look-alike example that must not fire"
