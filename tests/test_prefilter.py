"""The prefilter: which files are parsed at all. It may let a file through that has no
finding (a cost), but must never stop one that has a finding (a missed finding)."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import record_calls

from ragfirst.engine.engine import Engine
from ragfirst.engine.python_prefilter import AttributeScan, attribute_pattern
from ragfirst.rules.loader import load_ruleset

ENGINE = Engine(load_ruleset())


def parsed(code: str, path: str = "app.py") -> bool:
    return ENGINE.analyze(path, textwrap.dedent(code).encode()).parsed


def codes(code: str, path: str = "app.py") -> list[str]:
    return [m.rule_id for m in ENGINE.analyze(path, textwrap.dedent(code).encode()).matches]


@pytest.mark.parametrize(
    "code",
    [
        # the package named in prose, a string and a relative import: never imported
        '"""Wraps transformers.Trainer for our models."""\nfrom .trainer import Trainer\nTrainer(model=m)\n',
        "# see openai.fine_tuning.jobs.create\nclient.fine_tuning.jobs.create(model='m', training_file='f')\n",
        "x = 'import transformers'\ny = 'Trainer'\n",
        # SQL and config words do not let a Python file through
        "vector = 1\nparams = {'stage': 3, 'task': 'x'}\n",
    ],
    ids=["relative-import", "comment", "string", "sql-and-config-words"],
)
def test_files_that_cannot_match_are_not_parsed(code):
    assert not parsed(code)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("import trl\ntrl.SFTTrainer(model='Qwen/Qwen2.5-0.5B', train_dataset=ds).train()\n", "RF102"),
        (
            "from trl import SFTTrainer\nSFTTrainer(model='Qwen/Qwen2.5-0.5B', train_dataset=ds).train()\n",
            "RF102",
        ),
        (
            "import os; import openai\nopenai.OpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from openai import OpenAI\n"
            "def tune(client: 'OpenAI'):\n    client.fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
        (
            "import openai as oa, os\noa.OpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
        (
            "from openai import (\n    OpenAI,\n)\nOpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
    ],
    ids=["import", "from-import", "after-semicolon", "type-checking-block", "alias-list", "parenthesised"],
)
def test_files_that_import_the_package_are_parsed_and_match(code, rule):
    assert parsed(code)
    assert rule in codes(code)


def test_key_like_name_without_a_key_shaped_literal_is_not_parsed():
    assert not parsed("api_key = os.environ['OPENAI_API_KEY']\n")
    assert parsed('api_key = "a8F3kd92LmQp0xZr7TyV1bN4cW6eH5jU"\n')


# -- later segments: spelt as an attribute, an imported name or a string -------------------


@pytest.mark.parametrize(
    "code",
    [
        # peft's own sources: the class is defined here, not reached through the package
        "from peft.utils import PeftType\nclass LoraConfig:\n    pass\nLoraConfig(r=8)\n",
        # a local variable named like the SDK's attribute
        "import openai\nfine_tuning = 3\njobs = [fine_tuning]\ncreate = len(jobs)\n",
    ],
    ids=["class-of-that-name", "local-names"],
)
def test_a_name_never_reached_through_the_package_does_not_let_a_file_through(code):
    assert not parsed(code)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        (
            "import openai\nclient = openai.OpenAI()\njob = (client\n    .fine_tuning\n    .jobs.create(model='m', training_file='f'))\n",
            "RF101",
        ),
        (
            "import openai\nclient = openai.OpenAI()\nft = getattr(client, 'fine_tuning')\n"
            "ft.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
        (
            "from openai import (\n    OpenAI as Client,\n)\nc = Client()\nc.fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
        (
            "from openai import \\\n    OpenAI\nOpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n",
            "RF101",
        ),
    ],
    ids=["chain-across-lines", "getattr-string", "aliased-in-parentheses", "backslash-continued"],
)
def test_every_way_to_spell_a_later_segment_lets_the_file_through(code, rule):
    assert parsed(code)
    assert rule in codes(code)


@pytest.mark.parametrize(
    "code",
    [
        "from peft import (  # see docs (v0.10)\n    LoraConfig,\n)\nconfig = LoraConfig(r=16)\n",
        "from peft import get_peft_model, \\\r\n    LoraConfig\r\nconfig = LoraConfig(r=16)\r\n",
        "from peft \\\n    import LoraConfig\nconfig = LoraConfig(r=16)\n",
        "from \\\n    peft import LoraConfig\nconfig = LoraConfig(r=16)\n",
        "import os, \\\n    peft\nconfig = peft.LoraConfig(r=16)\n",
    ],
    ids=[
        "comment-with-brackets",
        "crlf-continuation",
        "continued-before-import",
        "continued-module",
        "continued-import",
    ],
)
def test_imports_spelt_across_lines_let_the_file_through(code):
    assert "RF104" in codes(code)


# -- the RE2 gate: only ever says "certainly not" -----------------------------------------------


def _without_gate(text: str) -> bool:
    engine = Engine(ENGINE.ruleset)
    engine._gate = None  # no gate: the exact token test alone
    return engine.passes_prefilter(text, language="python")


@pytest.mark.parametrize(
    "code",
    [
        "import openai\nopenai.OpenAI().fine_tuning.jobs.create(model='m', training_file='f')\n",
        "x = 1;  from trl import SFTTrainer\nSFTTrainer(model='m').train()\n",
        "from ä.openai import x\nimport openai\n",
        "9Trainer = 1\nimport transformers\n",
        'KEY = "hf_' + "a" * 34 + '"\n',
        'token = "a8F3kd92LmQp0xZr7TyV1bN4cW6eH5jU"\n',
        "VECTOR(1536)\n",
        "9VECTOR(1536)\n",  # a token may start after a digit
        "éHALFVEC(3)\n",
        "# ragfirst: ignore[RF101]\n",
        "print('nothing to see')\n",
    ],
)
def test_the_gate_agrees_with_the_exact_test(code):
    assert ENGINE.passes_prefilter(code, language="python") == _without_gate(code)


TRIGGERS = sorted(ENGINE.requirements("python"))
SECRETS = [
    "sk-",
    "hf_",
    "AIza",
    "gsk_",
    "r8_",
    "api_key",
    "API_KEY",
    "Auth_Token",
    "a8F3kd92LmQp0xZr7TyV1bN4cW6eH5jU",
]
NOISE = [
    "import ",
    "from ",
    " import ",
    ".",
    ",",
    ";",
    "\n",
    "    ",
    "'",
    '"',
    "(",
    ")",
    "9",
    "é",
    "-",
    "_",
    "x",
]


@st.composite
def near_misses(draw) -> str:
    """Text built from one trigger's words (an import of its root, spelt in varied ways,
    and its other words decorated), plus key-like fragments and noise: the exact test
    passes often, and fails often by a small margin."""
    trigger = draw(st.sampled_from(TRIGGERS))
    parts = []
    for group in trigger:
        word = draw(st.sampled_from(group)).lstrip("^.")
        if group[0].startswith("^"):
            spelling = draw(
                st.sampled_from(
                    [
                        "import {}\n",
                        "x = 1;  from {}.sub import y\n",
                        "    import a, {}\n",
                        "# {}\n",
                        "from \\\n {} import y\n",
                        "import a, \\\r\n    {}\r\n",
                    ]
                )
            )
        else:
            spelling = draw(
                st.sampled_from(["{}", ".{}", "'{}'", "9{}", "é{}", "{}_x", "-{}", "from m import {}\n"])
            )
        parts.append(spelling.format(word))
    parts.extend(draw(st.lists(st.sampled_from(SECRETS + NOISE), max_size=6)))
    parts.append(draw(st.text(alphabet="abcXYZ_019 .-\n", max_size=40)))
    return "".join(draw(st.permutations(parts)))


@settings(max_examples=1500, deadline=None)
@given(near_misses())
def test_the_gate_never_stops_a_file_the_exact_test_passes(text):
    if _without_gate(text):
        assert ENGINE.passes_prefilter(text, language="python")


# -- the attribute words' RE2 set (python_prefilter.AttributeScan) --------------------------


_ATTRIBUTE_WORDS = frozenset({"jobs", "jobs_list", "create", "chat", "fine_tuning", "x"})
_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\\", "\\\n"]
_OTHERS = [".", '"', "'", "_", "a", "9", "(", ")", ",", "=", "#", "jobsx", "xjobs", "-"]
_PIECES = st.sampled_from([*_ATTRIBUTE_WORDS, *_SPACES, *_OTHERS])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_the_attribute_set_finds_what_the_attribute_pattern_finds_on_ascii(pieces):
    text = "".join(pieces)
    expected = _ATTRIBUTE_WORDS.intersection(attribute_pattern(_ATTRIBUTE_WORDS).findall(text))
    assert AttributeScan(_ATTRIBUTE_WORDS).found(text.encode("ascii")) == expected


def test_the_engine_takes_the_attribute_set_only_for_ascii_text(monkeypatch):
    """A non-ASCII text keeps Python's `re` (its `\\s` and `\\b` are Unicode's)."""
    engine = Engine(load_ruleset())
    asked = record_calls(monkeypatch, AttributeScan, "found")
    code = "from openai import OpenAI\nclient = OpenAI()\nclient.fine_tuning.jobs.create(model='m')\n"
    assert engine.prefilter_verdict(code, False, "python") == "parse"
    assert len(asked) == 1
    assert engine.prefilter_verdict("# é\n" + code, False, "python") == "parse"
    assert len(asked) == 1


_ENGINE = Engine(load_ruleset())
_PY_WORDS = sorted({w for t in _ENGINE.requirements("python") for g in t for w in g})


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(_PY_WORDS), max_size=30))
def test_the_trigger_masks_answer_as_the_groups_do(found):
    """`_any_trigger` (bit masks, looping over the file's words) against every trigger's
    groups tested as sets."""
    by_word = _ENGINE._triggers_by_word("python")
    expected = any(
        all(not found.isdisjoint(group) for group in trigger)
        for word in found
        for trigger in by_word.get(word, ())
    )
    assert _ENGINE._any_trigger(frozenset(found), "python") == expected
