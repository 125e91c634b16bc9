"""The engine skips a rule's call matcher in a file none of whose resolved calls is named
like its patterns (`CallNames`): that pre-test must say "maybe" wherever the matcher's
candidates are not empty, or findings are lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragfirst.analyzers.registry import language_spec
from ragfirst.engine.matching import CallIndex, CallNames, MatcherIndex, can_match
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


def _all_matchers():
    ruleset = load_ruleset([])
    for item in (*ruleset.rules, *ruleset.facts):
        for language, matchers in item.matchers.items():
            for matcher in matchers:
                yield language, matcher


_SAMPLE_FILES = sorted(
    path for path in SAMPLES.rglob("*") if path.is_file() and language_spec(path.name) is not None
)


@pytest.mark.parametrize("path", _SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_the_matcher_index_says_what_can_match_says(path):
    """The engine asks `MatcherIndex.possible` once per file instead of `can_match` once per
    matcher: the two must agree for every built-in matcher (calls, imports, no names)."""
    spec = language_spec(path.name)
    if spec is None or spec.analyze is None or spec.data_file:
        pytest.skip("not an analysed source kind")
    try:
        facts = spec.analyze(SourceText(path.read_text(encoding="utf-8")), path.name)
    except (UnicodeDecodeError, ValueError):
        pytest.skip("not text")
    matchers = [matcher for language, matcher in _all_matchers() if language == facts.language]
    possible = MatcherIndex(matchers).possible(facts)
    for matcher in matchers:
        assert (id(matcher) in possible) == can_match(matcher, facts), (matcher.calls, matcher.imports)


def test_the_matcher_index_names_only_the_matchers_a_file_can_meet():
    facts = _facts_of("import json\n\njson.dumps({})\n")
    matchers = [matcher for language, matcher in _all_matchers() if language == "python"]
    index = MatcherIndex(matchers)
    fine_tuning = next(m for m in matchers if any("fine_tuning" in p.text for p in m.calls))
    imports = [m for m in matchers if m.imports]
    assert imports, "a built-in import matcher (torchtune) is expected"
    assert index.possible(facts) == {id(m) for m in imports}  # import matchers: always asked
    facts = _facts_of(
        "from openai import OpenAI\n\nOpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n"
    )
    assert id(fine_tuning) in index.possible(facts)


@pytest.mark.parametrize(
    "source",
    [
        "import json\n\njson.dumps({})\n",
        "import openai\n\nopenai.files.create(file=open('a.jsonl', 'rb'))\n",
        "from openai import OpenAI\n\nOpenAI().chat.completions.create(model='m')\n",
        "x = 1\n",
    ],
)
def test_the_matcher_index_handles_first_names_and_any_name(source):
    """Patterns the built-in rules rarely use: a first segment only (`openai.**`), no name
    at all (`**`), a last segment only (`*.create`), and a matcher with no calls."""
    from ragfirst.rules.model import CallMatcher
    from ragfirst.rules.patterns import compile_pattern

    matchers = [
        CallMatcher(calls=(compile_pattern("openai.**"),)),
        CallMatcher(calls=(compile_pattern("**"),)),
        CallMatcher(calls=(compile_pattern("*.create"),)),
        CallMatcher(calls=(compile_pattern("{json,yaml}.*"),)),
        CallMatcher(),
    ]
    facts = _facts_of(source)
    possible = MatcherIndex(matchers).possible(facts)
    assert [id(m) in possible for m in matchers] == [can_match(m, facts) for m in matchers]
