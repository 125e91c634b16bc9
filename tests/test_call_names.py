"""The engine skips a rule's call matcher in a file none of whose resolved calls is named
like its patterns (`CallNames`): that pre-test must say "maybe" wherever the matcher's
candidates are not empty, or findings are lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragfirst.analyzers.registry import language_spec
from ragfirst.engine.matching import CallIndex, CallNames
from ragfirst.rules.loader import load_ruleset
from ragfirst.source import SourceText

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _facts(path: Path):
    spec = language_spec(path.name)
    assert spec is not None and spec.analyze is not None
    return spec.analyze(SourceText(path.read_text(encoding="utf-8")), path.name)


def _matchers():
    ruleset = load_ruleset([])
    for item in (*ruleset.rules, *ruleset.facts):
        for language, matchers in item.matchers.items():
            for matcher in matchers:
                if matcher.calls:
                    yield language, matcher


@pytest.mark.parametrize(
    "path", sorted(SAMPLES.rglob("*.py"))[:60], ids=lambda p: str(p.relative_to(SAMPLES))
)
def test_call_names_never_hide_a_candidate(path):
    facts = _facts(path)
    index = CallIndex(facts)
    for language, matcher in _matchers():
        if language != "python":
            continue
        candidates = index.candidates(matcher.calls)
        assert CallNames(matcher.calls).in_file(index) or not candidates, matcher.calls


def test_call_names_skip_a_file_without_such_calls():
    facts = _facts_of("import json\n\njson.dumps({})\n")
    index = CallIndex(facts)
    openai = next(m for _, m in _matchers() if any("fine_tuning" in p.text for p in m.calls))
    assert not CallNames(openai.calls).in_file(index)
    facts = _facts_of(
        "from openai import OpenAI\n\nOpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n"
    )
    assert CallNames(openai.calls).in_file(CallIndex(facts))


def _facts_of(text: str):
    spec = language_spec("x.py")
    assert spec is not None and spec.analyze is not None
    return spec.analyze(SourceText(text), "x.py")


class _Call:
    def __init__(self, qualname: str, index: int) -> None:
        self.qualname = qualname
        self.index = index


class _Facts:
    def __init__(self, qualnames: list[str]) -> None:
        self.calls = [_Call(name, index) for index, name in enumerate(qualnames)]


def test_call_names_agree_with_the_candidates_of_every_rule_pattern():
    """A one-call file named by each pattern's possible last (or first) segment: the
    pre-test and the candidates agree for every matcher of every language."""
    matchers = [matcher for _, matcher in _matchers()]
    shapes: set[str] = {"json.dumps"}
    for matcher in matchers:
        for pattern in matcher.calls:
            if pattern.last_names is not None:
                shapes.update(f"pkg.{name}" for name in pattern.last_names)
            elif pattern.first_names is not None:
                shapes.update(f"{name}.mod.Thing" for name in pattern.first_names)
    for shape in sorted(shapes):
        index = CallIndex(_Facts([shape]))  # type: ignore[arg-type]
        for matcher in matchers:
            assert CallNames(matcher.calls).in_file(index) == bool(index.candidates(matcher.calls)), shape
