"""RF203 beyond per-model prices: size-bracket rates (Fireworks) and providers whose rates
are not in the table but whose billing is (Together): the training tokens, how they are
billed and where the exact figure comes from. RF101 names the base model for providers
whose argument is not `model`."""

from __future__ import annotations

import pytest

from ragfirst.data.tables import model_size_b, pricing

try:  # `tests` is a package (tests/__init__.py)
    from tests.test_training_data import _priced_file, of, one, run_project
except ImportError:  # rootdir-style import
    from test_training_data import _priced_file, of, one, run_project

TOGETHER = """\
from together import Together

client = Together()
upload = client.files.upload(file="data/train.jsonl")
client.fine_tuning.create(training_file=upload.id, model="MODEL"EXTRA)
"""

FIREWORKS = """\
from fireworks import Fireworks

client = Fireworks()
client.JOBS.create(dataset="data/train.jsonl", base_model="MODEL", epochs=2)
"""


@pytest.mark.parametrize(
    ("model", "size"),
    [
        ("accounts/fireworks/models/llama-v3p1-8b-instruct", 8.0),
        ("accounts/fireworks/models/qwen3-0p6b", 0.6),
        ("Qwen/Qwen2.5-72B-Instruct", 72.0),
        ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", 8.0),
        ("qwen3-30b-a3b", None),  # mixture of experts: total or active? not decided here
        ("deepseek-v3", None),
        ("gpt-4o-mini", None),
        ("mixtral-8x7b-instruct", None),  # 8x7b is no single size token
        ("llama-7b-to-70b-distill", None),  # two sizes: no guess
    ],
)
def test_model_size_is_read_only_when_the_id_names_one(model, size):
    assert model_size_b(model) == size


def test_size_brackets_hold_the_edges():
    table = pricing()
    assert table.size_rate("fireworks", "llama-16b", "sft")[0].up_to_params_b == 16
    assert table.size_rate("fireworks", "llama-70b", "dpo")[0].usd_per_1m_tokens == 3.00
    assert table.size_rate("fireworks", "llama-405b", "sft") is None  # above every bracket
    assert table.size_rate("fireworks", "llama-8b", "rft") is None  # RFT is not per token
    assert table.size_rate("together", "llama-8b", "sft") is None  # no size rows for Together


@pytest.mark.parametrize(
    ("jobs", "model", "expected"),
    [
        (
            "supervised_fine_tuning_jobs",
            "accounts/fireworks/models/llama-v3p1-8b-instruct",
            "≈ 0.5M tokens x 2 epochs x $0.50/1M ≈ $0.50",
        ),
        (
            "dpo_jobs",
            "accounts/fireworks/models/qwen2p5-72b-instruct",
            "≈ 0.5M tokens x 2 epochs x $3.00/1M ≈ $3.00",
        ),
    ],
)
def test_rf203_prices_fireworks_by_the_size_the_model_id_names(tmp_path, monkeypatch, jobs, model, expected):
    # The dataset is named by its path here so the data links; real Fireworks code uploads
    # it under a dataset id (see the note in docs/rules/RF203.md).
    code = FIREWORKS.replace("JOBS", jobs).replace("MODEL", model)
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    estimate = one(findings, "RF203", "train.py").data["estimate"]
    assert estimate.startswith(expected), estimate
    assert "Fireworks AI rate for models up to" in estimate


def test_rf203_for_fireworks_without_a_size_gives_the_training_tokens_only(tmp_path, monkeypatch):
    code = FIREWORKS.replace("JOBS", "supervised_fine_tuning_jobs").replace(
        "MODEL", "accounts/fireworks/models/deepseek-v3"
    )
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    estimate = one(findings, "RF203", "train.py").data["estimate"]
    assert estimate.startswith("≈ 0.5M tokens x 2 epochs ≈ 1.0M training tokens")
    assert "Fireworks AI bills SFT and DPO jobs per training token" in estimate
    assert "$" not in estimate


def test_rf203_for_together_gives_training_tokens_billing_and_the_estimate_call(tmp_path, monkeypatch):
    code = TOGETHER.replace("MODEL", "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference").replace(
        "EXTRA", ", n_epochs=3"
    )
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    rf203 = one(findings, "RF203", "train.py")
    estimate = rf203.data["estimate"]
    assert estimate.startswith("≈ 0.5M tokens x 3 epochs ≈ 1.5M training tokens (tokens ≈ characters/4)")
    assert "Together AI bills per token processed" in estimate
    assert "client.fine_tuning.estimate_price(...)" in estimate
    assert "$" not in estimate  # no rate is invented
    assert rf203.data["inlay"] == "≈ 1.5M training tokens · 1,000 examples"


def test_rf203_for_together_assumes_its_sdk_default_of_one_epoch(tmp_path, monkeypatch):
    code = TOGETHER.replace("MODEL", "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference").replace("EXTRA", "")
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    assert (
        "x 1 epochs (assumed: n_epochs defaults to 1 in the SDK)" in one(findings, "RF203").data["estimate"]
    )


def test_rf203_stays_silent_for_a_provider_with_neither_rates_nor_billing(tmp_path, monkeypatch):
    code = (
        "from mistralai import Mistral\n\nclient = Mistral()\n"
        'client.fine_tuning.jobs.create(model="open-mistral-7b", training_files=["data/train.jsonl"])\n'
    )
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file(20)})
    assert of(findings, "RF203") == []


@pytest.mark.parametrize(
    ("code", "named"),
    [
        (
            'from fireworks import Fireworks\nFireworks().dpo_jobs.create(dataset="d", base_model="accounts/fireworks/models/llama-v3p1-8b-instruct")\n',
            "on accounts/fireworks/models/llama-v3p1-8b-instruct:",
        ),
        (
            'import boto3\nboto3.client("bedrock").create_model_customization_job(jobName="j", baseModelIdentifier="amazon.nova-micro-v1:0")\n',
            "on amazon.nova-micro-v1:0:",
        ),
        (
            'from google import genai\ngenai.Client().tunings.tune(base_model="gemini-2.5-flash", training_dataset=None)\n',
            "on gemini-2.5-flash:",
        ),
        (
            'from fireworks import Fireworks\nFireworks().dpo_jobs.create(dataset="d")\n',
            "on a base model:",
        ),
    ],
)
def test_rf101_names_the_base_model_whatever_the_argument_is_called(tmp_path, monkeypatch, code, named):
    findings = run_project(tmp_path, monkeypatch, {"train.py": code})
    assert named in one(findings, "RF101").message
