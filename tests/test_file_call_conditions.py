"""`file-calls` / `not-file-calls` entries with argument conditions (`{call, args}`).

unsloth's `FastModel.from_pretrained` loads encoders too: with
`auto_model=AutoModelForSequenceClassification` it builds a BERT-style classifier, which is
not a language model, so RF102 and RF106 stay silent there (the unsloth notebooks'
bert_classification recipe was reported before).
"""

from __future__ import annotations

import pytest

from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.loader import parse_pack
from ragfirst.rules.model import FileCall

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import ids, lines_of, lint
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import ids, lines_of, lint

CLASSIFIER = """\
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments
from unsloth import FastModel

model, tokenizer = FastModel.from_pretrained(
    model_name="unsloth/ModernBERT-large",
    auto_model=AUTO,
    num_labels=6,
)
args = TrainingArguments(output_dir="out", num_train_epochs=1, learning_rate=5e-5)
Trainer(model=model, args=args).train()
"""


def training(findings) -> list[str]:
    return [rule_id for rule_id in ids(findings) if rule_id in ("RF102", "RF106")]


def test_fast_model_with_a_classifier_head_is_not_llm_training():
    findings = lint(CLASSIFIER.replace("AUTO", "AutoModelForSequenceClassification"))
    assert training(findings) == []


def test_fast_model_with_a_causal_lm_head_is_llm_training():
    code = CLASSIFIER.replace("AutoModelForSequenceClassification,", "AutoModelForCausalLM,").replace(
        "AUTO", "AutoModelForCausalLM"
    )
    findings = lint(code)
    assert lines_of(findings, "RF102") == [10]
    assert lines_of(findings, "RF106") == [9]


def test_fast_model_without_auto_model_is_llm_training():
    code = CLASSIFIER.replace("    auto_model=AUTO,\n", "")
    findings = lint(code)
    assert lines_of(findings, "RF102") == [9]
    assert lines_of(findings, "RF106") == [8]


def test_an_unresolved_auto_model_is_no_evidence_either_way():
    # `auto_model=pick()`: neither a language model nor a known classifier. RF102 needs
    # evidence of a language model (silent); RF106 needs the absence of a classifier (fires).
    findings = lint(CLASSIFIER.replace("AUTO", "pick()"))
    assert lines_of(findings, "RF102") == []
    assert lines_of(findings, "RF106") == [9]


def test_a_users_own_fast_model_is_not_unsloths():
    code = (
        "class FastModel:\n"
        "    @staticmethod\n"
        "    def from_pretrained(**kw):\n"
        "        return kw, None\n\n"
        "from transformers import Trainer\n"
        'model, _ = FastModel.from_pretrained(model_name="gpt2")\n'
        "Trainer(model=model).train()\n"
    )
    assert training(lint(code)) == []


PACK = """\
rules:
  - id: TEAM001
    name: team-rule
    severity: info
    summary: s
    message: m
    guide: guide/index.md
    match:
      python:
        - call: "lib.train"
          file-calls:
            {entry}
"""


def test_a_conditional_file_call_loads_with_its_conditions():
    rules, _ = parse_pack(
        PACK.format(
            entry='- {call: "lib.load", args: [{name: head, present: false}]}\n            - "lib.other"'
        ),
        "team.yaml",
    )
    (matcher,) = rules[0].matchers["python"]
    first, second = matcher.file_calls
    assert isinstance(first, FileCall) and first.text == "lib.load" and first.args[0].name == "head"
    assert second.text == "lib.other" and second.args == ()


@pytest.mark.parametrize(
    "entry",
    [
        '- {call: "lib.load"}',  # conditions are required: a bare call is a plain string
        '- {call: "lib.load", args: [{name: head, present: false}], extra: 1}',
        '- {call: "lib.load", args: []}',
    ],
)
def test_a_malformed_conditional_file_call_is_a_rule_file_error(entry):
    with pytest.raises(RuleFileError, match=r"team\.yaml:1[01]:.*file-calls"):
        parse_pack(PACK.format(entry=entry), "team.yaml")
