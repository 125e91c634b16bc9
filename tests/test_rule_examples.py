"""Every rule's YAML examples run through the real pipeline (files on disk, discovery,
engine, project phase): the docs can never show an example that behaves otherwise
(fixit's VALID/INVALID idea, with the examples living in YAML)."""

from __future__ import annotations

import pytest

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.rules.loader import load_ruleset

RULESET = load_ruleset()
CASES = [
    pytest.param(rule, example, kind, id=f"{rule.id}-{kind}-{index}")
    for rule in RULESET.rules
    for kind, examples in (("fire", rule.fire_examples), ("pass", rule.pass_examples))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "kind"), CASES)
def test_rule_example(rule, example, kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    for relative, text in {example.path: example.code, **example.files}.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (tmp_path / "ragfirst.toml").write_text("", encoding="utf-8")
    findings = [
        f
        for f in lint_paths([tmp_path], ConfigResolver()).findings
        if f.path == example.path and not f.suppressed
    ]
    fired = [f for f in findings if f.rule_id == rule.id]
    details = [(f.rule_id, f.span.start_line, f.message) for f in findings]
    if kind == "fire":
        assert fired, f"{rule.id} should fire on:\n{example.code}\nbut found {details}"
    else:
        assert not fired, f"{rule.id} must not fire on:\n{example.code}\nbut found {details}"


def test_every_matching_rule_has_examples_of_both_kinds():
    for rule in RULESET.rules:
        if rule.matchers or rule.check:
            assert rule.fire_examples, f"{rule.id} has no example that fires"
            assert rule.pass_examples, f"{rule.id} has no look-alike example that must not fire"
