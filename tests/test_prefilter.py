"""The prefilter: which files are parsed at all. It may let a file through that has no
finding (a cost), but must never stop one that has a finding (a missed finding)."""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.engine.engine import Engine
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
