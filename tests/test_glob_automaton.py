"""The linear-time name-pattern automaton accepts exactly what the pattern's regex accepts."""

from __future__ import annotations

import re
import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ragfirst.rules.glob_nfa import GlobAutomaton, needs_automaton
from ragfirst.rules.patterns import MAX_ALTERNATIVES, _alternative_count, _split_segments, compile_pattern

# Small alphabets make near-misses (the hard cases for a matcher) likely.
segment_piece = st.sampled_from(["a", "b", "ab", "*", "{a,b}", "{ab,b}", "()", "a()"])
segment = st.lists(segment_piece, min_size=1, max_size=4).map("".join).filter(lambda s: "**" not in s)
pattern_text = st.lists(st.one_of(segment, st.just("**")), min_size=1, max_size=4).map(".".join)
name = st.text(alphabet="ab.()", max_size=12)


@settings(max_examples=3000, deadline=None)
@given(pattern_text, name)
def test_automaton_agrees_with_the_regex(text, qualname):
    # 13 or more `{a,b}` groups expand past the limit, which compile_pattern refuses
    # (a PatternError, tested elsewhere): not a pattern to compare.
    assume(_alternative_count(_split_segments(text)) <= MAX_ALTERNATIVES)
    pattern = compile_pattern(text)
    automaton = GlobAutomaton(_split_segments(text))
    assert automaton.matches(qualname) == (pattern.regex.fullmatch(qualname) is not None), (text, qualname)


def test_real_rule_patterns_agree():
    cases = [
        (
            "openai.{OpenAI,AsyncOpenAI}().fine_tuning.jobs.create",
            "openai.OpenAI().fine_tuning.jobs.create",
            True,
        ),
        (
            "openai.{OpenAI,AsyncOpenAI}().fine_tuning.jobs.create",
            "openai.OpenAI().fine_tuning.jobs.list",
            False,
        ),
        ("llama_index.**.VectorStoreIndex", "llama_index.core.VectorStoreIndex", True),
        ("llama_index.**.VectorStoreIndex", "llama_index.VectorStoreIndex", True),
        ("langchain_community.vectorstores.**", "langchain_community.vectorstores.FAISS.from_texts", True),
        ("torch.distributed.**.fully_shard", "torch.distributed.fsdp.fully_shard", True),
        (
            "weaviate.connect_to_{local,weaviate_cloud}().collections.{create,get}",
            "weaviate.connect_to_local().collections.get",
            True,
        ),
    ]
    for text, qualname, expected in cases:
        automaton = GlobAutomaton(_split_segments(text))
        assert automaton.matches(qualname) is expected, (text, qualname)
        assert (re.fullmatch(compile_pattern(text).regex, qualname) is not None) is expected


def test_only_patterns_that_can_backtrack_use_the_automaton():
    assert needs_automaton(_split_segments("lib.*a*b"))
    assert needs_automaton(_split_segments("a.**.b.**.c"))
    assert not needs_automaton(_split_segments("openai.*().chat.completions.create"))
    assert not needs_automaton(_split_segments("llama_index.**.VectorStoreIndex"))
    assert compile_pattern("lib.*a*b").automaton is not None
    assert compile_pattern("openai.OpenAI().files.create").automaton is None


def test_hostile_pattern_on_a_long_name_is_fast():
    pattern = compile_pattern("lib." + "*a" * 12 + "*b")
    started = time.perf_counter()
    assert not pattern.matches("lib." + "a" * 5000)
    assert pattern.matches("lib." + "a" * 50 + "b")
    # Linear: a generous bound (the regex takes longer than a test run).
    assert time.perf_counter() - started < 5


literal_piece = st.sampled_from(["a", "b", "ab", "{a,b}", "{ab, b}", "()", "a()", "{a,ab}()"])
literal_pattern = st.lists(
    st.lists(literal_piece, min_size=1, max_size=3).map("".join), min_size=1, max_size=4
).map(".".join)


@settings(max_examples=3000, deadline=None)
@given(literal_pattern, name)
def test_the_name_set_of_a_pattern_without_wildcards_agrees_with_the_regex(text, qualname):
    """Wildcard-free patterns match by set lookup (no regex compiled): the same names."""
    pattern = compile_pattern(text)
    if pattern.exact is None:  # only when the alternatives expand past the cap
        assert text.count("{") >= 9, text  # 2 options each: over 256 names
        return
    assert pattern.matches(qualname) == (pattern.regex.fullmatch(qualname) is not None), (text, qualname)
    for expected in pattern.exact:  # every name of the set is one the regex accepts
        assert pattern.regex.fullmatch(expected), (text, expected)


def test_patterns_with_wildcards_have_no_name_set():
    assert compile_pattern("openai.*.create").exact is None
    assert compile_pattern("transformers.**.Trainer").exact is None
    assert compile_pattern("openai.{OpenAI,AsyncOpenAI}().fine_tuning.jobs.create").exact == {
        "openai.OpenAI().fine_tuning.jobs.create",
        "openai.AsyncOpenAI().fine_tuning.jobs.create",
    }
