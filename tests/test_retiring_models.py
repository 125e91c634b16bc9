"""RF406 retiring-model: model ids in code and config whose provider announced a shutdown.

The severity depends on today's date, so every test pins it (an injected clock): far
(> 180 days: info), near (<= 180 days: warning) and past (error). Look-alikes that must
stay silent: a retracted announcement, a model that only shares a prefix, a tokenizer
lookup, a model id in a log string.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from ragfirst.checks.base import ProjectContext
from ragfirst.config.settings import Settings
from ragfirst.data.data_files import DataFiles
from ragfirst.data.retiring_models import retiring_models
from ragfirst.engine.engine import Engine
from ragfirst.engine.project import ProjectIndex
from ragfirst.model import Finding, Severity
from ragfirst.rules.loader import load_ruleset

ENGINE = Engine(load_ruleset())


def findings(tmp_path: Path, code: str, today: dt.date, path: str = "app.py", settings=None) -> list[Finding]:
    settings = settings or Settings()
    context = ProjectContext(
        base_dir=tmp_path, root=tmp_path, today=today, settings=settings, data_files=DataFiles()
    )
    analysis = ENGINE.analyze(path, textwrap.dedent(code).encode())
    return ENGINE.finalize(analysis, ProjectIndex(), settings, context)


def rf406(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.rule_id == "RF406" and not f.suppressed]


CHAT = """\
from openai import OpenAI

reply = OpenAI().chat.completions.create(model="MODEL", messages=[], max_completion_tokens=300)
"""


@pytest.mark.parametrize(
    ("today", "severity", "when"),
    [
        (dt.date(2026, 6, 1), Severity.INFO, "shuts down on 2027-01-14, in 227 days"),  # far
        (dt.date(2026, 7, 18), Severity.WARNING, "shuts down on 2027-01-14, in 180 days"),  # near
        (dt.date(2026, 12, 6), Severity.WARNING, "shuts down on 2027-01-14, in 39 days"),
        (dt.date(2027, 1, 14), Severity.WARNING, "shuts down on 2027-01-14, in 0 days"),
        (dt.date(2027, 2, 1), Severity.ERROR, "shut down on 2027-01-14, 18 days ago"),  # past
    ],
)
def test_severity_by_days_left(tmp_path, today, severity, when):
    (finding,) = rf406(findings(tmp_path, CHAT.replace("MODEL", "gpt-4o-mini-2024-07-18"), today))
    assert (finding.span.start_line, finding.severity) == (3, severity)
    assert finding.message.startswith(f"gpt-4o-mini-2024-07-18 (OpenAI) {when}: ")
    assert "the provider's replacement is gpt-6-luna; it cannot be fine-tuned" in finding.message
    assert "Source: " in finding.message
    assert finding.data["retiring"] == {
        "row": "openai-2027-01-14",
        "date": "2027-01-14",
        "days": (dt.date(2027, 1, 14) - today).days,
    }


def test_day_181_is_info_and_warn_days_option(tmp_path):
    code = CHAT.replace("MODEL", "gpt-4.1-2025-04-14")
    (far,) = rf406(findings(tmp_path, code, dt.date(2026, 7, 17)))
    assert far.severity == Severity.INFO and "in 181 days" in far.message
    settings = Settings(options={"RF406": {"warn-days": 30}})
    (later,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6), settings=settings))
    assert later.severity == Severity.INFO


def test_fine_tunes_of_a_retiring_snapshot(tmp_path):
    code = CHAT.replace("MODEL", "ft:gpt-4o-mini-2024-07-18:acme:support:B2x9k")
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6)))
    assert finding.message.startswith("ft:gpt-4o-mini-2024-07-18:acme:support:B2x9k (OpenAI) shuts down")


def test_already_shut_down_reasoning_model_names_rft(tmp_path):
    (finding,) = rf406(findings(tmp_path, CHAT.replace("MODEL", "o4-mini"), dt.date(2026, 12, 6)))
    assert finding.severity == Severity.ERROR
    assert "shut down on 2026-10-23, 44 days ago" in finding.message
    assert (
        "it cannot be fine-tuned; reinforcement fine-tuning on o4-mini ends with it;"
        " OpenAI stops all new self-serve fine-tuning jobs on 2027-01-06" in finding.message
    )


@pytest.mark.parametrize(
    ("model", "instead"),
    [  # a finding names its own model's replacement, not the row's whole list (session 11)
        ("gpt-3.5-turbo", "the provider's replacement for gpt-3.5-turbo is gpt-5.6-terra;"),
        ("gpt-3.5-turbo-0125", "the provider's replacement for gpt-3.5-turbo-0125 is gpt-5.6-terra;"),
        ("openai/gpt-4", "the provider's replacement for gpt-4 is gpt-5.6-sol;"),
        (
            "ft:o4-mini-2025-04-16:acme::x1",
            "the provider's replacement for o4-mini-2025-04-16 is gpt-5.6-terra;",
        ),
        ("gpt-5-mini", "the provider's replacement for gpt-5-mini is gpt-6.1-terra"),
        # the page names no pair for these: the row's whole replacement
        (
            "gpt-4.1-nano",
            "the provider's replacement is gpt-5.6-terra (gpt-3.5-turbo, o4-mini) or gpt-5.6-sol",
        ),
        ("gpt-5-nano", "the provider's replacement is gpt-6.1-sol (gpt-5) or gpt-6.1-terra (gpt-5-mini)"),
    ],
)
def test_the_replacement_of_the_model_a_call_uses(tmp_path, model, instead):
    (finding,) = rf406(findings(tmp_path, CHAT.replace("MODEL", model), dt.date(2026, 12, 6)))
    assert instead in finding.message
    if "replacement for" in instead:
        other = "gpt-5.6-sol" if "terra" in instead else "gpt-5.6-terra"
        assert other not in finding.message


def test_every_per_model_replacement_names_a_listed_model():
    for row in retiring_models().rows:
        assert {old for old, _ in row.replacement_for} <= set(row.models), row.id
        assert {model for model, _ in row.notes_for} <= set(row.models), row.id


@pytest.mark.parametrize("model", ["gpt-3.5-turbo", "gpt-4", "o1"])
def test_a_note_about_another_model_is_not_said(tmp_path, model):
    """o4-mini's reinforcement fine-tuning is no news on a gpt-3.5-turbo call; the row's
    own note (no new self-serve jobs) still is."""
    (finding,) = rf406(findings(tmp_path, CHAT.replace("MODEL", model), dt.date(2026, 12, 6)))
    assert "o4-mini" not in finding.message
    assert (
        "it cannot be fine-tuned; OpenAI stops all new self-serve fine-tuning jobs on 2027-01-06"
        in finding.message
    )


def test_embedding_model_python_and_provider_prefix(tmp_path):
    code = """\
    from google import genai

    genai.Client().models.embed_content(model="models/text-embedding-004", contents="hi")
    """
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6)))
    assert finding.severity == Severity.ERROR
    assert "the provider's replacement is gemini-embedding-001" in finding.message


def test_javascript_options_object(tmp_path):
    code = """\
    import OpenAI from "openai";

    const client = new OpenAI();
    await client.chat.completions.create({ model: "gpt-3.5-turbo", messages, max_completion_tokens: 300 });
    """
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="app.ts"))
    assert finding.span.start_line == 4
    assert finding.message.startswith("gpt-3.5-turbo (OpenAI) shut down on 2026-10-23")


def test_config_file(tmp_path):
    code = """\
    model_list:
      - model_name: default
        litellm_params:
          model: gpt-5-mini-2025-08-07
    """
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="litellm/config.yaml"))
    assert (finding.span.start_line, finding.severity) == (4, Severity.WARNING)
    assert "shuts down on 2026-12-11, in 5 days" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        # retracted: announced for 2026-10-23, withdrawn
        'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x")\n',
        # the undated alias is not listed (only the snapshots are)
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o-mini", messages=[], max_completion_tokens=9)\n',
        # a longer id that starts like a listed one
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4.1-nano-2026-01-01", messages=[], max_completion_tokens=9)\n',
        # a tokenizer lookup is not a use of the model
        'import tiktoken\nenc = tiktoken.encoding_for_model("gpt-4")\n',
        # a string that mentions a model is not a use
        'import logging\nlogging.info("migrated from gpt-3.5-turbo")\n',
        # an Azure OpenAI deployment: Azure retires models on its own schedule
        'from openai import AzureOpenAI\nAzureOpenAI().chat.completions.create(model="gpt-4o-mini-2024-07-18", messages=[], max_completion_tokens=9)\n',
        # another keyword
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-5.4-mini", user="o4-mini", messages=[], max_completion_tokens=9)\n',
        # a text splitter's tokenizer (kotaemon trims evidence this way): counted offline
        "from langchain.text_splitter import CharacterTextSplitter\n"
        'CharacterTextSplitter.from_tiktoken_encoder(chunk_size=9, chunk_overlap=0, model_name="gpt-3.5-turbo")\n',
        'from langchain_text_splitters import TokenTextSplitter\nTokenTextSplitter(model_name="gpt-3.5-turbo")\n',
    ],
    ids=[
        "retracted",
        "alias",
        "longer-id",
        "tiktoken",
        "log-string",
        "azure",
        "other-keyword",
        "splitter-tokenizer",
        "token-splitter",
    ],
)
def test_lookalikes_are_silent(tmp_path, code):
    assert rf406(findings(tmp_path, code, dt.date(2026, 12, 6))) == []


def test_one_event_one_finding_with_rf107(tmp_path):
    """Claude 3 Haiku fine-tuning on Bedrock closed with its base model: RF107 reports the
    call, RF406 does not report the same event again; a plain inference call on the same
    model gets RF406."""
    training = """\
    import boto3

    bedrock = boto3.client("bedrock")
    bedrock.create_model_customization_job(jobName="j", customModelName="m", roleArn="a", baseModelIdentifier="anthropic.claude-3-haiku-20240307-v1:0:200k", trainingDataConfig={}, outputDataConfig={})
    """
    found = findings(tmp_path, training, dt.date(2026, 12, 6))
    assert [f.rule_id for f in found if f.rule_id in ("RF107", "RF406")] == ["RF107"]
    inference = """\
    import boto3

    runtime = boto3.client("bedrock-runtime")
    runtime.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[])
    """
    (finding,) = rf406(findings(tmp_path, inference, dt.date(2026, 12, 6)))
    assert finding.severity == Severity.ERROR
    assert "no fine-tunable successor" in finding.message


def test_every_row_is_dated_and_sourced():
    table = retiring_models()
    assert table.rows
    for row in table.rows:
        assert row.source and row.as_of and row.date
    assert any(row.retracted for row in table.rows)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (
            "route.ts",
            'import { generateText } from "ai";\nimport { openai } from "@ai-sdk/openai";\n\n'
            'await generateText({ model: openai("gpt-4o-mini-2024-07-18"), prompt: "x", maxOutputTokens: 9 });\n',
        ),
        (
            "embed.ts",
            'import { embed } from "ai";\nimport { google } from "@ai-sdk/google";\n\n'
            'await embed({ model: google.textEmbeddingModel("text-embedding-004"), value: "x" });\n',
        ),
        (
            "app.py",
            'from langchain.chat_models import init_chat_model\n\n\nllm = init_chat_model("o4-mini", max_tokens=900)\n',
        ),
    ],
    ids=["ai-sdk-openai", "ai-sdk-google-embedding", "init_chat_model"],
)
def test_positional_model_ids_of_provider_functions(tmp_path, path, code):
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path=path))
    assert finding.span.start_line == 4


def test_positional_ids_of_other_calls_are_silent(tmp_path):
    code = 'import { useModel } from "./models";\n\nuseModel("gpt-3.5-turbo");\n'
    assert rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="app.ts")) == []


def test_litellm_alias_name_is_not_the_model(tmp_path):
    """`model_name` in a LiteLLM model_list is the name clients ask for; the upstream model is
    `litellm_params.model`. Only the latter is a use of the model."""
    code = """\
    model_list:
      - model_name: gpt-3.5-turbo
        litellm_params:
          model: openai/gpt-4.1-mini
    """
    assert rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="litellm/config.yaml")) == []


def test_a_model_set_in_a_settings_module_is_reported_where_a_call_reads_it():
    """Constants flow across modules (issue 17): RF406 fires on the call that reads the
    constant; a constant no call reads is not a model the code calls."""
    from tests.conftest import lines_of, lint

    route = """\
    from openai import OpenAI
    from settings import CHAT_MODEL, SUPPORTED

    def ask(q):
        return OpenAI().chat.completions.create(model=CHAT_MODEL, max_tokens=10, messages=[])
    """
    settings = 'CHAT_MODEL = "gpt-3.5-turbo"\nSUPPORTED = ["gpt-4-0613", "gpt-4o"]\n'
    found = lint(route, path="app.py", lifecycle=True, **{"settings.py": settings})
    assert [(f.path, f.span.start_line) for f in found if f.rule_id == "RF406"] == [("app.py", 5)]
    assert lines_of(lint(settings, path="settings.py", lifecycle=True), "RF406") == []


# -- a static site's data folder records past runs, not settings (session 12, aider) ------

LEADERBOARD = """\
- dirname: 2024-08-15-13-17-11--json-no-lint-gpt-4o-whole
  test_cases: 133
  model: gpt-3.5-turbo-0125
  pass_rate_1: 60.2
  command: aider --model gpt-3.5-turbo-0125
"""


@pytest.mark.parametrize("path", ["aider/website/_data/edit_leaderboard.yml", "_data/models.json"])
def test_site_data_folder_records_are_silent(tmp_path, path):
    code = LEADERBOARD if path.endswith(".yml") else '[{"model": "gpt-3.5-turbo-0125", "pass_rate": 60.2}]'
    assert rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path=path)) == []


@pytest.mark.parametrize(
    "path", ["config/edit_leaderboard.yml", "website/data/leaderboard.yml", "my_data/x.yml"]
)
def test_the_same_records_elsewhere_are_reported(tmp_path, path):
    (finding,) = rf406(findings(tmp_path, LEADERBOARD, dt.date(2026, 12, 6), path=path))
    assert finding.span.start_line == 3


def test_code_in_a_data_folder_is_still_reported(tmp_path):
    code = """\
    from openai import OpenAI

    OpenAI().chat.completions.create(model="gpt-3.5-turbo-0125", messages=[], max_completion_tokens=9)
    """
    assert len(rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="site/_data/fetch.py"))) == 1


# -- Anthropic API retirements (session 12, anthropics/courses) ---------------------------


@pytest.mark.parametrize(
    ("model", "date", "replacement"),
    [
        ("claude-3-haiku-20240307", "2026-04-19", "the provider's replacement is claude-haiku-4-5"),
        ("claude-3-opus-20240229", "2026-01-05", "move to a current model"),
        (
            "claude-3-5-haiku-20241022",
            "2026-02-19",
            "the provider's replacement is claude-haiku-4-5",
        ),
        # retired the same day, but Haiku 4.5 is no replacement for a Sonnet
        ("claude-3-7-sonnet-20250219", "2026-02-19", "move to a current model"),
        ("claude-3-sonnet-20240229", "2025-07-21", "move to a current model"),
    ],
)
def test_anthropic_retired_models_fire(tmp_path, model, date, replacement):
    code = f"""\
    import anthropic

    MODEL_NAME = "{model}"
    client = anthropic.Anthropic()
    client.messages.create(model=MODEL_NAME, max_tokens=100, messages=[])
    """
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6)))
    assert finding.severity == Severity.ERROR
    assert finding.message.startswith(f"{model} (Anthropic) shut down on {date}")
    assert replacement in finding.message


@pytest.mark.parametrize(
    "code",
    [
        # current models
        'import anthropic\nanthropic.Anthropic().messages.create(model="claude-haiku-4-5", max_tokens=9, messages=[])\n',
        'import anthropic\nanthropic.Anthropic().messages.create(model="claude-sonnet-4-5-20250929", max_tokens=9, messages=[])\n',
        # partner platforms keep their own schedules
        'import anthropic\nanthropic.AnthropicBedrock().messages.create(model="claude-3-haiku-20240307", max_tokens=9, messages=[])\n',
        'import anthropic\nanthropic.AnthropicVertex().messages.create(model="claude-3-opus-20240229", max_tokens=9, messages=[])\n',
        # a log line that names the model is no call
        'print("we moved off claude-3-haiku-20240307")\n',
    ],
)
def test_anthropic_look_alikes_are_silent(tmp_path, code):
    assert rf406(findings(tmp_path, code, dt.date(2026, 12, 6))) == []


def test_anthropic_model_in_a_litellm_config_fires(tmp_path):
    code = "model_list:\n  - model_name: fast\n    litellm_params:\n      model: anthropic/claude-3-haiku-20240307\n"
    (finding,) = rf406(findings(tmp_path, code, dt.date(2026, 12, 6), path="litellm/config.yaml"))
    assert finding.span.start_line == 4
