"""Regressions from the real-code precision sample of session 5 (docs/accuracy.md): each a
minimal file written from a wrong finding that was read in the corpus."""

from __future__ import annotations

from tests.conftest import lines_of, lint


def test_rf104_an_encoder_classifier_adapter_through_unsloth_fastmodel_is_not_an_llm():
    """unslothai/notebooks bert_classification: ModernBERT with task_type SEQ_CLS."""
    code = """\
    from unsloth import FastModel
    from transformers import AutoModelForSequenceClassification
    model, tokenizer = FastModel.from_pretrained("answerdotai/ModernBERT-large", auto_model=AutoModelForSequenceClassification)
    model = FastModel.get_peft_model(model, r=16, task_type="SEQ_CLS")
    """
    assert lines_of(lint(code, path="bert.py"), "RF104") == []


def test_rf104_fastmodel_on_a_language_model_still_fires():
    code = """\
    from unsloth import FastModel
    model, tokenizer = FastModel.from_pretrained("unsloth/gemma-3-4b-it")
    model = FastModel.get_peft_model(model, r=16)
    other = FastModel.get_peft_model(model, r=16, task_type="CAUSAL_LM")
    """
    assert lines_of(lint(code, path="gemma.py"), "RF104") == [3, 4]
