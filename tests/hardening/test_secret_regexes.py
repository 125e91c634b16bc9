"""Secret detection and redaction over hostile text: linear time on long lines, and every
key shape a provider issues is found (issue 25, "Secrets" and "Time and memory")."""

from __future__ import annotations

import random
import string
import time

import pytest

from ragfirst.data.secrets import find_secrets, redact_text, secret_rules

_rng = random.Random(25)
_URLSAFE = string.ascii_letters + string.digits + "_-"


def _openai_key(last: str) -> str:
    body = "".join(_rng.choice(_URLSAFE) for _ in range(73)) + last
    return "sk-proj-" + "".join(_rng.choice(_URLSAFE) for _ in range(74)) + "T3BlbkFJ" + body


@pytest.mark.parametrize("line", ["w" * 40_000, "api_key = " + "a" * 40_000, "a-" * 20_000, "a " * 20_000])
def test_redaction_is_linear_on_long_runs(line):
    """`_ASSIGNED_VALUE` backtracked from every start of a word run: 40,000 chars took ~38 s."""
    text = "api_key " + line  # a key-like name somewhere on the line turns the context scan on
    start = time.perf_counter()
    redact_text(text)
    redact_text(text * 25)  # a 1 MB line
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize("last", ["-", "_", "a"])
def test_openai_keys_ending_in_a_dash_are_found_and_redacted(last):
    key = _openai_key(last)
    for text in (f'OPENAI_API_KEY="{key}"', f"key = {key}\n", f"'{key}'"):
        assert [s.provider for s in find_secrets(text)] == ["OpenAI"], text
        assert key[10:-4] not in redact_text(text)


def test_no_format_ends_in_a_word_boundary_after_a_dash_class():
    """The class of the bug: `\\b` after a last character that may be `-` or `_`-less."""
    for secret_format in secret_rules().formats:
        pattern = secret_format.regex.pattern
        assert not (pattern.endswith(r")\b") and "-]" in pattern), secret_format.id


def test_the_re2_gate_lets_through_every_text_a_format_matches():
    """`find_secrets` first asks an RE2 translation of the union of the formats (one linear
    pass instead of Python's `\\b(...` tried at every position): it must never reject a
    text the Python regexes match, including keys next to non-ASCII word characters, where
    Python's `\\b` and RE2's differ."""
    rules = secret_rules()
    assert rules.format_gate is not None
    texts = [f"x = '{_openai_key('a')}'", f"ékey={_openai_key('-')}", f"日本{_openai_key('_')}語"]
    for secret_format in rules.formats:  # every format's own example shape, as its regex sees it
        texts.append(f"token: {secret_format.prefix}" + "A1b2" * 30)
    for text in texts:
        if rules.any_format.search(text):
            assert rules.format_gate.search(text), text
    assert find_secrets("no key here, only sk- and AIza words") == []


def test_a_lone_surrogate_beside_a_key_neither_hides_it_nor_fails():
    """Text decoded with `surrogateescape` reaches the RE2 gate: it must not raise, and a key
    next to the surrogate is still found."""
    key = _openai_key("a")
    assert [s.provider for s in find_secrets(f"x = '\udcff' + '{key}'")] == ["OpenAI"]
    assert find_secrets("\ud83d no key") == []
