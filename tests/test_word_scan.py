"""Issue 26: the prefilter's one-pass scans (engine/word_scan.py) agree with the tokenizer
they replace, and the substring search in the whole text misses nothing the search in the
distinct tokens found."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ragfirst.checks.base import SubstringTriggers
from ragfirst.engine.engine_prefilter import _TOKEN
from ragfirst.engine.python_prefilter import substring_pattern, whole_words
from ragfirst.engine.word_scan import SubstringGate, WholeWords, WordScan, utf8

WORDS = ["create", "fineTuning", "jobs", "openai", "together-ai", "OpenAI", "embed", "embedMany", "_private"]
SCAN = WordScan(WORDS)
PIECES = st.sampled_from(
    [*WORDS, "a", "2", "-", "_", ".", " ", "\n", "é", "x9", "--", "ai", "sk-", "API_KEY", "'"]
)


def tokens_found(text: str) -> set[str]:
    return set(WORDS).intersection(_TOKEN.findall(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12))
def test_the_scan_finds_exactly_the_tokens_words(pieces):
    text = "".join(pieces)
    assert SCAN.found(text) == tokens_found(text)


def test_examples():
    assert SCAN.found("client.fineTuning.jobs.create({})") == {"fineTuning", "jobs", "create"}
    assert SCAN.found("createFoo ai-create 2create x-jobs _create") == {"create"}  # `2create`: a token
    assert SCAN.found("npm i together-ai") == {"together-ai"}
    assert SCAN.found("together-aix embeddings") == set()
    assert WordScan([]).found("create") == set()


SECRETS = SubstringTriggers(
    prefixes=("sk-", "hf_"),
    confirm=re.compile(r"sk-[A-Za-z0-9]{8}|hf_[A-Za-z0-9]{8}"),
    lowered=("api_key", "secret"),
    literal=re.compile(r"[\"']([A-Za-z0-9]{8,})[\"']"),
)


def old_hit(text: str, loose: bool) -> bool:
    """The search in the distinct tokens that the whole-text search replaced."""
    distinct = " ".join(set(_TOKEN.findall(text)))
    prefixes = substring_pattern(SECRETS.prefixes, r"(?:^|[^A-Za-z0-9])")
    lowered = substring_pattern(SECRETS.lowered)
    if prefixes.search(distinct) and SECRETS.confirm.search(text):
        return True
    return bool(lowered.search(distinct.lower()) and (loose or SECRETS.has_literal(text)))


GATE = SubstringGate([SECRETS])
SECRET_PIECES = st.sampled_from(
    ["sk-", "hf_", "abcdEFGH12", "API_KEY", "Secret", "=", " ", "'", "2", "_", "-", "."]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(SECRET_PIECES, max_size=10), st.booleans())
def test_the_whole_text_search_misses_nothing(pieces, loose):
    text = "".join(pieces)
    if old_hit(text, loose):
        assert GATE.hit(text, loose)


def test_secret_examples():
    assert GATE.hit('key = "sk-abcdEFGH12"', loose=False)
    assert GATE.hit('API_KEY = "abcdEFGH12"', loose=False)
    assert not GATE.hit("api_key = get_key()", loose=False)
    assert not GATE.hit("nothing here", loose=True)


VOCABULARY = ["nn", "parallel", "distributed", "fsdp", "OpenAI", "Client", "_private", "create_index"]
WHOLE = WholeWords(VOCABULARY)
WHOLE_PIECES = st.sampled_from(
    [*VOCABULARY, "a", "2", "-", "_", ".", " ", "\n", "é", "ß", "\u00a0", "\U0001f600", "x9", "nnn", "'", "#"]
)


def spelt(text: str, words: list[str]) -> set[str]:
    return {word for word in words if next(whole_words(text, word), None) is not None}


@settings(max_examples=400, deadline=None)
@given(st.lists(WHOLE_PIECES, max_size=12))
def test_the_whole_word_set_finds_what_the_substring_scan_finds(pieces):
    """The link's SDK test asks its words of an RE2 set in one pass (link_gate.py): the
    same answer as asking `whole_words` for each, non-ASCII letters around a word
    included (both take them as no word character)."""
    text = "".join(pieces)
    assert WHOLE.found(text, utf8(text)) == spelt(text, VOCABULARY)


def test_whole_word_examples():
    text = "torch.nn.parallel  # innn_fsdp éOpenAI OpenAIx 2Client create_index"
    assert WHOLE.found(text, utf8(text)) == {"nn", "parallel", "OpenAI", "create_index"}
    assert WholeWords([]).found("nn", b"nn") == set()
    odd = WholeWords(["nn", "a-b", "x.y"])  # a rule pack's odd names: found by substring
    text = "a-b x.y nn"
    assert odd.found(text, utf8(text)) == {"nn", "a-b", "x.y"}
    assert odd.found("za-bz", b"za-bz") == set()
