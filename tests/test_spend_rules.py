"""RF401-RF403 end to end: uncapped LLM output per SDK, LLM budgets at or above the
training-ROI threshold (normalised to 30 days), and gateway configs without any cap.

Snippets start right after the opening quotes (`\"\"\"\\`), so the first line is line 1
and the expected lines can be read off the snippet. Columns are 0-based code points.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.engine.runner import lint_paths
from ragfirst.model import Finding

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import lint
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import lint


def active(findings: list[Finding], *rule_ids: str) -> list[tuple[str, int, int]]:
    return [
        (f.rule_id, f.span.start_line, f.span.start_col)
        for f in findings
        if not f.suppressed and (not rule_ids or f.rule_id in rule_ids)
    ]


def messages(findings: list[Finding], rule_id: str) -> list[str]:
    return [f.message for f in findings if f.rule_id == rule_id and not f.suppressed]


# ============================================================================================
# RF401 uncapped-llm-output
# ============================================================================================

OPENAI = "from openai import OpenAI, AsyncOpenAI, AzureOpenAI, AsyncAzureOpenAI\nimport openai\n\n"
GENAI = "from google import genai\nfrom google.genai import types\n\nclient = genai.Client()\n"
MISTRAL = "from mistralai import Mistral\n\nm = Mistral()\n"
COHERE = "import cohere\n\nco = cohere.ClientV2()\n"
LITELLM = "import litellm\nfrom litellm import completion\n\n"
LANGCHAIN = (
    "from langchain_openai import ChatOpenAI, AzureChatOpenAI\n"
    "from langchain_anthropic import ChatAnthropic\n"
    "from langchain_google_genai import ChatGoogleGenerativeAI\n"
    "from llama_index.llms.openai import OpenAI\n\n"
)

# (imports, the flagged call, callee as written, the cap the message asks for)
UNCAPPED = [
    (OPENAI, 'OpenAI().chat.completions.create(model="m", messages=[])', "OpenAI().chat.completions.create", "max_completion_tokens"),
    (OPENAI, 'AsyncOpenAI().chat.completions.stream(model="m", messages=[])', "AsyncOpenAI().chat.completions.stream", "max_completion_tokens"),
    (OPENAI, 'AzureOpenAI().beta.chat.completions.parse(model="m", messages=[])', "AzureOpenAI().beta.chat.completions.parse", "max_completion_tokens"),
    (OPENAI, 'AsyncAzureOpenAI().beta.chat.completions.stream(model="m", messages=[])', "AsyncAzureOpenAI().beta.chat.completions.stream", "max_completion_tokens"),
    (OPENAI, 'openai.chat.completions.create(model="m", messages=[])', "openai.chat.completions.create", "max_completion_tokens"),
    (OPENAI, 'OpenAI().responses.create(model="m", input="x")', "OpenAI().responses.create", "max_output_tokens"),
    (OPENAI, 'AsyncOpenAI().responses.stream(model="m", input="x")', "AsyncOpenAI().responses.stream", "max_output_tokens"),
    (OPENAI, 'openai.responses.create(model="m", input="x")', "openai.responses.create", "max_output_tokens"),
    (GENAI, 'client.models.generate_content(model="gemini-2.5-flash", contents="x")', "client.models.generate_content", 'config={"max_output_tokens": ...}'),
    (GENAI, 'client.models.generate_content_stream(model="gemini-2.5-flash", contents="x")', "client.models.generate_content_stream", 'config={"max_output_tokens": ...}'),
    (GENAI, 'client.aio.models.generate_content(model="gemini-2.5-flash", contents="x")', "client.aio.models.generate_content", 'config={"max_output_tokens": ...}'),
    (GENAI, 'client.models.generate_content(model="gemini-2.5-flash", contents="x", config={"temperature": 0})', "client.models.generate_content", "max_output_tokens in config"),
    (GENAI, 'client.models.generate_content_stream(model="g", contents="x", config={"top_p": 0.9})', "client.models.generate_content_stream", "max_output_tokens in config"),
    (MISTRAL, 'm.chat.complete(model="mistral-small-latest", messages=[])', "m.chat.complete", "max_tokens"),
    (MISTRAL, 'm.chat.stream_async(model="mistral-small-latest", messages=[])', "m.chat.stream_async", "max_tokens"),
    ("from mistralai.client import Mistral\n\n", 'Mistral().chat.complete_async(model="m", messages=[])', "Mistral().chat.complete_async", "max_tokens"),
    (COHERE, 'co.chat(model="command-a-03-2025", messages=[])', "co.chat", "max_tokens"),
    (COHERE, 'cohere.AsyncClientV2().chat(model="command-a-03-2025", messages=[])', "cohere.AsyncClientV2().chat", "max_tokens"),
    (LITELLM, 'litellm.completion(model="gpt-4.1", messages=[])', "litellm.completion", "max_tokens"),
    (LITELLM, 'litellm.acompletion(model="gpt-4.1", messages=[])', "litellm.acompletion", "max_tokens"),
    (LITELLM, 'completion(model="gpt-4.1", messages=[])', "completion", "max_tokens"),
    (LANGCHAIN, 'ChatOpenAI(model="gpt-4.1-mini")', "ChatOpenAI", "max_tokens"),
    (LANGCHAIN, 'AzureChatOpenAI(azure_deployment="d")', "AzureChatOpenAI", "max_tokens"),
    (LANGCHAIN, 'ChatAnthropic(model="claude-sonnet-4-5")', "ChatAnthropic", "max_tokens (the default is the model's whole output limit)"),
    (LANGCHAIN, 'ChatGoogleGenerativeAI(model="gemini-2.5-flash")', "ChatGoogleGenerativeAI", "max_output_tokens"),
    (LANGCHAIN, 'OpenAI(model="gpt-4.1-mini")', "OpenAI", "max_tokens"),
]  # fmt: skip


@pytest.mark.parametrize(("imports", "call", "callee", "cap"), UNCAPPED, ids=[c[2] for c in UNCAPPED])
def test_rf401_uncapped_call(imports, call, callee, cap):
    code = imports + "reply = " + call + "\n"
    line = code.count("\n")
    findings = lint(code, "app.py")
    assert active(findings) == [("RF401", line, len("reply = "))]
    [finding] = findings
    assert finding.span.end_col == len("reply = ") + len(callee)
    assert finding.severity.label == "warning"
    assert finding.message == (
        f"{callee} has no output-token cap: a long or looping answer is billed in full. Set {cap}."
    )


CAPPED = [
    (OPENAI, 'OpenAI().chat.completions.create(model="m", messages=[], max_tokens=300)'),
    (OPENAI, 'OpenAI().chat.completions.create(model="m", messages=[], max_completion_tokens=300)'),
    (OPENAI, 'AzureOpenAI().beta.chat.completions.parse(model="m", messages=[], max_completion_tokens=9)'),
    (OPENAI, 'openai.chat.completions.create(model="m", messages=[], max_tokens=10)'),
    (OPENAI, 'OpenAI().responses.create(model="m", input="x", max_output_tokens=200)'),
    (OPENAI, 'openai.responses.create(model="m", input="x", max_output_tokens=200)'),
    (GENAI, 'client.models.generate_content(model="g", contents="x", config={"max_output_tokens": 100})'),
    (GENAI, 'client.models.generate_content_stream(model="g", contents="x", config={"temperature": 0, "max_output_tokens": 9})'),
    (GENAI, 'client.models.generate_content(model="g", contents="x", config=types.GenerateContentConfig(max_output_tokens=100))'),
    (GENAI, 'client.aio.models.generate_content(model="g", contents="x", config={"max_output_tokens": 100})'),
    (MISTRAL, 'm.chat.complete(model="m", messages=[], max_tokens=5)'),
    (COHERE, 'co.chat(model="command-a-03-2025", messages=[], max_tokens=5)'),
    (LITELLM, 'litellm.completion(model="gpt-4.1", messages=[], max_tokens=5)'),
    (LITELLM, 'completion(model="gpt-4.1", messages=[], max_completion_tokens=5)'),
    (LANGCHAIN, 'ChatOpenAI(model="gpt-4.1-mini", max_tokens=5)'),
    (LANGCHAIN, 'ChatOpenAI(model="gpt-4.1-mini", max_completion_tokens=5)'),
    (LANGCHAIN, 'ChatAnthropic(model="claude-sonnet-4-5", max_tokens=5)'),
    (LANGCHAIN, 'ChatAnthropic(model="claude-sonnet-4-5", max_tokens_to_sample=5)'),
    (LANGCHAIN, 'ChatGoogleGenerativeAI(model="gemini-2.5-flash", max_output_tokens=5)'),
    (LANGCHAIN, 'ChatGoogleGenerativeAI(model="gemini-2.5-flash", max_tokens=5)'),
    (LANGCHAIN, 'OpenAI(model="gpt-4.1-mini", max_tokens=5)'),
]  # fmt: skip


@pytest.mark.parametrize(("imports", "call"), CAPPED, ids=[c[1].split("(")[0] for c in CAPPED])
def test_rf401_capped_call_is_silent(imports, call):
    assert active(lint(imports + "reply = " + call + "\n", "app.py")) == []


@pytest.mark.parametrize(
    "call",
    [
        'anthropic.Anthropic().messages.create(model="claude-haiku-4-5", max_tokens=512, messages=[])',
        'anthropic.Anthropic().messages.create(model="claude-haiku-4-5", messages=[])',
        'anthropic.AsyncAnthropic().messages.stream(model="claude-haiku-4-5", messages=[])',
        'anthropic.Anthropic().beta.messages.create(model="claude-haiku-4-5", messages=[])',
        'anthropic.AnthropicBedrock().messages.create(model="claude", messages=[])',
    ],
)
def test_rf401_anthropic_messages_are_never_flagged(call):
    assert active(lint(f"import anthropic\n\nreply = {call}\n", "app.py")) == []


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        (OPENAI, 'OpenAI().chat.completions.create(model="m", messages=[], **options)'),
        (OPENAI, 'OpenAI().responses.create(model="m", input="x", **options)'),
        (GENAI, 'client.models.generate_content(model="g", contents="x", **options)'),
        (MISTRAL, 'm.chat.complete(model="m", messages=[], **options)'),
        (COHERE, 'co.chat(model="c", messages=[], **options)'),
        (LITELLM, 'litellm.completion(model="gpt-4.1", messages=[], **options)'),
        (LANGCHAIN, 'ChatOpenAI(model="gpt-4.1-mini", **options)'),
        (LANGCHAIN, 'ChatAnthropic(model="claude", **options)'),
    ],
    ids=[
        "openai-chat",
        "openai-responses",
        "genai",
        "mistral",
        "cohere",
        "litellm",
        "langchain",
        "anthropic",
    ],
)
def test_rf401_kwargs_spread_is_unknown_so_not_flagged(imports, call):
    code = imports + "def ask(**options):\n    return " + call + "\n"
    assert active(lint(code, "app.py")) == []


@pytest.mark.parametrize(
    ("cap", "flagged"),
    [
        ("n if isinstance(n, int) else None", False),  # a cap when one is given (chat-ui's shape)
        ("None if n is None else n", False),
        ("n or None", False),
        ("None if fast else None", True),  # no cap on either branch
        ("None", True),
        ("512 if fast else None", False),  # a branch with a cap: not "no cap"
    ],
)
def test_rf401_a_conditional_cap_is_known_only_when_both_branches_are(cap, flagged):
    """`max_completion_tokens=n if ... else None` caps the call whenever `n` is given: an
    unknown branch beside a `None` is unknown, not "no cap"."""
    code = (
        "from openai import OpenAI\nclient = OpenAI()\n"
        "def run(n, fast, messages):\n"
        f"    return client.chat.completions.create(model='gpt-4o-mini', messages=messages, max_completion_tokens={cap})\n"
    )
    assert bool(active(lint(code, "app.py"), "RF401")) is flagged


@pytest.mark.parametrize(
    "config",
    ["build_config()", "settings.generation", "types.GenerateContentConfig(**overrides)"],
)
def test_rf401_genai_non_literal_config_is_not_flagged(config):
    code = GENAI + f'reply = client.models.generate_content(model="g", contents="x", config={config})\n'
    assert active(lint(code, "app.py")) == []


def test_rf401_genai_async_config_without_cap_is_flagged():
    code = (
        GENAI
        + 'reply = client.aio.models.generate_content(model="g", contents="x", config={"temperature": 0})\n'
    )
    findings = lint(code, "app.py")
    assert active(findings) == [("RF401", 5, 8)]
    assert "client.aio.models.generate_content has no output-token cap" in messages(findings, "RF401")[0]


def test_rf401_several_calls_each_on_their_line():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        first = client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[],
        )
        second = client.chat.completions.create(model="gpt-4.1-mini", messages=[], max_tokens=50)
        third = client.responses.create(model="gpt-4.1-mini", input="x")
        """,
        "app.py",
    )
    assert active(findings) == [("RF401", 4, 8), ("RF401", 9, 8)]
    assert [m.split(" has")[0] for m in messages(findings, "RF401")] == [
        "client.chat.completions.create",
        "client.responses.create",
    ]


def test_rf401_suppressed_with_a_reason():
    findings = lint(
        """\
        from openai import OpenAI

        # ragfirst: ignore[RF401] -- streaming UI stops the call itself
        OpenAI().chat.completions.create(model="m", messages=[])
        """,
        "app.py",
    )
    assert active(findings) == []
    assert [(f.rule_id, f.span.start_line, f.suppressed) for f in findings] == [("RF401", 4, True)]


def test_rf401_look_alikes_are_silent():
    findings = lint(
        """\
        class Completions:
            def create(self, **kw):
                return kw

        class Chat:
            completions = Completions()

        chat = Chat()
        chat.completions.create(model="m", messages=[])
        def completion(**kw):
            return kw
        completion(model="local")
        """,
        "app.py",
    )
    assert active(findings) == []


# ============================================================================================
# RF402 spend-above-training-threshold
# ============================================================================================


def litellm_config(settings: str, table: str = "litellm_settings") -> str:
    return (
        "model_list:\n"
        "  - model_name: gpt-4.1\n"
        "    litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY}\n"
        f"{table}:\n" + textwrap.indent(settings, "  ")
    )


@pytest.mark.parametrize(
    ("amount", "duration", "monthly"),
    [
        (600, "1d", "18,000"),
        (500, "24h", "15,000"),
        (100, "1h", "72,000"),
        (10, "30m", "14,400"),
        (12000, "1mo", "12,000"),
        (5000, "2w", "10,714"),
        (2500, "7d", "10,714"),
        (10000, "30d", "10,000"),
        (150000, "1y", "12,329"),
    ],
)
def test_rf402_litellm_budget_normalised_to_30_days(amount, duration, monthly):
    findings = lint(
        litellm_config(f"max_budget: {amount}\nbudget_duration: {duration}\n"), "proxy/config.yaml"
    )
    assert active(findings) == [("RF402", 5, 2)]
    [finding] = findings
    assert finding.severity.label == "info"
    assert finding.message == (
        f"litellm_settings.max_budget budgets about ${monthly}/month, at or above $10,000/month: "
        "at this spend, training a smaller model may pay off. Do the ROI calculation before deciding."
    )


@pytest.mark.parametrize(
    ("amount", "duration"),
    [(2000, "30d"), (9999, "30d"), (300, "1d"), (2000, "1w"), (9000, "1mo"), (1, "12h"), (600, "someday")],
)
def test_rf402_budget_below_threshold_or_unreadable_is_silent(amount, duration):
    findings = lint(
        litellm_config(f"max_budget: {amount}\nbudget_duration: {duration}\n"), "proxy/config.yaml"
    )
    assert active(findings) == []


def test_rf402_budget_without_duration_is_not_a_monthly_figure():
    findings = lint(litellm_config("max_budget: 600\n"), "proxy/config.yaml")
    assert active(findings) == []


def test_rf402_general_settings_budget():
    findings = lint(
        litellm_config("max_budget: 400\nbudget_duration: 1d\n", "general_settings"), "config.yaml"
    )
    assert active(findings) == [("RF402", 5, 2)]
    assert "general_settings.max_budget budgets about $12,000/month" in messages(findings, "RF402")[0]


def test_rf402_provider_budget_config():
    findings = lint(
        """\
        model_list:
          - model_name: gpt-4.1
            litellm_params: {model: openai/gpt-4.1}
        router_settings:
          provider_budget_config:
            openai:
              budget_limit: 500
              time_period: 1d
            anthropic:
              budget_limit: 100
              time_period: 1d
            azure:
              max_budget: 20000
              budget_duration: 1mo
        """,
        "proxy/config.yaml",
    )
    assert active(findings) == [("RF402", 7, 6), ("RF402", 13, 6)]
    found = messages(findings, "RF402")
    assert found[0].startswith(
        "router_settings.provider_budget_config.openai.budget_limit budgets about $15,000/month"
    )
    assert found[1].startswith(
        "router_settings.provider_budget_config.azure.max_budget budgets about $20,000/month"
    )


@pytest.mark.parametrize(
    ("path", "text", "line", "col", "key", "monthly"),
    [
        ("finance/spend.yaml", "llm_spend:\n  monthly_usd: 12500\n", 2, 2, "llm_spend.monthly_usd", "12,500"),
        ("spend.json", '{"llm_spend": {"monthly_usd": 12500}}', 1, 15, "llm_spend.monthly_usd", "12,500"),
        ("spend.toml", "[llm_spend]\nmonthly_usd = 12500\n", 2, 0, "llm_spend.monthly_usd", "12,500"),
        (
            "budget.yaml",
            "llm_budget:\n  amount_usd: 4000\n  period: 7d\n",
            2,
            2,
            "llm_budget.amount_usd",
            "17,143",
        ),
        (
            "budget.json",
            '{"llm_budget": {"amount_usd": 4000, "period": "7d"}}',
            1,
            16,
            "llm_budget.amount_usd",
            "17,143",
        ),
        (
            "budget.toml",
            '[llm_budget]\namount_usd = 36000\nperiod = "3mo"\n',
            2,
            0,
            "llm_budget.amount_usd",
            "12,000",
        ),
        (
            "budget.yaml",
            "llm_budget:\n  amount_usd: 150000\n  period: 1y\n",
            2,
            2,
            "llm_budget.amount_usd",
            "12,329",
        ),
    ],
    ids=[
        "spend-yaml",
        "spend-json",
        "spend-toml",
        "budget-yaml",
        "budget-json",
        "budget-toml",
        "budget-year",
    ],
)
def test_rf402_ragfirst_convention_keys(path, text, line, col, key, monthly):
    findings = lint(text, path)
    assert active(findings) == [("RF402", line, col)]
    assert messages(findings, "RF402")[0].startswith(
        f"{key} budgets about ${monthly}/month, at or above $10,000/month"
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("spend.yaml", "llm_spend:\n  monthly_usd: 9000\n"),
        ("budget.toml", '[llm_budget]\namount_usd = 4000\nperiod = "1mo"\n'),
        ("budget.yaml", "llm_budget:\n  amount_usd: 40000\n"),
        ("budget.yaml", "llm_budget:\n  amount_usd: lots\n  period: 1d\n"),
        ("budget.yaml", "llm_budget:\n  amount_usd: true\n  period: 1d\n"),
        ("other.yaml", "monthly_usd: 50000\nbilling:\n  monthly_usd: 50000\n"),
    ],
    ids=["spend-below", "budget-below", "no-period", "not-a-number", "boolean", "other-keys"],
)
def test_rf402_convention_below_threshold_or_incomplete_is_silent(path, text):
    assert active(lint(text, path)) == []


def test_rf402_threshold_from_settings():
    text = "llm_spend:\n  monthly_usd: 12500\n"
    higher = Settings(options={"RF402": {"monthly-threshold": 20000}})
    lower = Settings(options={"RF402": {"monthly-threshold": 5000}})
    assert active(lint(text, "spend.yaml", settings=higher)) == []
    findings = lint("llm_spend:\n  monthly_usd: 6000\n", "spend.yaml", settings=lower)
    assert messages(findings, "RF402")[0].startswith(
        "llm_spend.monthly_usd budgets about $6,000/month, at or above $5,000/month"
    )


def _project(root: Path, monkeypatch, files: dict[str, str]) -> list[Finding]:
    monkeypatch.chdir(root)
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return [f for f in lint_paths([root], ConfigResolver()).findings if not f.suppressed]


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (
            5000,
            [
                "proxy/config.yaml:5: litellm_settings.max_budget budgets about $6,000/month, at or above $5,000/month"
            ],
        ),
        (20000, []),
        (
            6000,
            [
                "proxy/config.yaml:5: litellm_settings.max_budget budgets about $6,000/month, at or above $6,000/month"
            ],
        ),
    ],
    ids=["lower", "higher", "equal"],
)
def test_rf402_monthly_threshold_option_in_pyproject(tmp_path, monkeypatch, threshold, expected):
    value = json.dumps(threshold)
    findings = _project(
        tmp_path,
        monkeypatch,
        {
            "pyproject.toml": f'[project]\nname = "gateway"\n\n[tool.ragfirst.options.RF402]\nmonthly-threshold = {value}\n',
            "proxy/config.yaml": litellm_config("max_budget: 200\nbudget_duration: 1d\n"),
        },
    )
    found = [
        f"{f.path}:{f.span.start_line}: {f.message.split(':')[0]}" for f in findings if f.rule_id == "RF402"
    ]
    assert found == expected


def test_rf402_monthly_threshold_as_a_string_is_a_config_error(tmp_path, monkeypatch):
    """Issue 22: option values are checked against the rule's declared type (a number)."""
    from ragfirst.config.settings import ConfigError

    with pytest.raises(
        ConfigError, match=r"pyproject.toml:5:1: options.RF402.monthly-threshold must be a number"
    ):
        _project(
            tmp_path,
            monkeypatch,
            {
                "pyproject.toml": '[project]\nname = "gateway"\n\n[tool.ragfirst.options.RF402]\nmonthly-threshold = "20000"\n',
                "proxy/config.yaml": litellm_config("max_budget: 200\nbudget_duration: 1d\n"),
            },
        )


def test_rf402_default_threshold_in_a_project(tmp_path, monkeypatch):
    findings = _project(
        tmp_path,
        monkeypatch,
        {
            "ragfirst.toml": "",
            "proxy/config.yaml": litellm_config("max_budget: 600\nbudget_duration: 1d\n"),
            "finance/llm.json": '{"llm_spend": {"monthly_usd": 9999.99}}',
        },
    )
    assert [(f.rule_id, f.path, f.span.start_line) for f in findings] == [("RF402", "proxy/config.yaml", 5)]


# ============================================================================================
# RF403 missing-budget-cap
# ============================================================================================

RF403_MESSAGE = (
    "This LiteLLM proxy config (config.yaml) sets no budget and no rate limit: "
    "one runaway client can spend without bound."
)


def test_rf403_gateway_without_budget_or_rate_limit():
    findings = lint(
        """\
        # LiteLLM proxy
        model_list:
          - model_name: gpt-4.1
            litellm_params:
              model: openai/gpt-4.1
              api_key: os.environ/OPENAI_API_KEY
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-5
        litellm_settings:
          drop_params: true
        general_settings:
          master_key: os.environ/LITELLM_MASTER_KEY
        """,
        "proxy/config.yaml",
    )
    assert active(findings) == [("RF403", 2, 0)]
    assert messages(findings, "RF403") == [RF403_MESSAGE]
    assert findings[0].severity.label == "info"


CAPS = {
    "max_budget": "litellm_settings:\n  max_budget: 100\n",
    "max_end_user_budget": "litellm_settings:\n  max_end_user_budget: 5\n",
    "general_max_budget": "general_settings:\n  max_budget: 100\n",
    "max_parallel_requests": "general_settings:\n  max_parallel_requests: 10\n",
    "provider_budget_config": "router_settings:\n  provider_budget_config:\n    openai: {budget_limit: 10, time_period: 1d}\n",
}
MODEL_CAPS = {
    "litellm_params.rpm": "    litellm_params: {model: openai/gpt-4.1, rpm: 480}\n",
    "litellm_params.tpm": "    litellm_params: {model: openai/gpt-4.1, tpm: 100000}\n",
    "litellm_params.max_budget": "    litellm_params: {model: openai/gpt-4.1, max_budget: 50}\n",
    "model.rpm": "    litellm_params: {model: openai/gpt-4.1}\n    rpm: 480\n",
    "model.tpm": "    litellm_params: {model: openai/gpt-4.1}\n    tpm: 100000\n",
}


@pytest.mark.parametrize("cap", list(CAPS), ids=list(CAPS))
def test_rf403_any_budget_or_limit_is_enough(cap):
    text = "model_list:\n  - model_name: gpt-4.1\n    litellm_params: {model: openai/gpt-4.1}\n" + CAPS[cap]
    assert active(lint(text, "proxy/config.yaml"), "RF403") == []


@pytest.mark.parametrize("cap", list(MODEL_CAPS), ids=list(MODEL_CAPS))
def test_rf403_a_limit_on_one_model_is_enough(cap):
    text = (
        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4.1}\n"
        "  - model_name: b\n" + MODEL_CAPS[cap]
    )
    assert active(lint(text, "proxy/config.yaml"), "RF403") == []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("deploy/app.yaml", "services:\n  web: {image: 'app:1'}\n"),
        ("ml/models.yaml", "model_list:\n  - name: bert\n    path: models/bert\n"),
        (
            "proxy/config.json",
            '{"model_list": [{"model_name": "a", "litellm_params": {"model": "openai/gpt-4.1"}}]}',
        ),
        ("notes.yaml", "litellm_params:\n  model: openai/gpt-4.1\n"),
    ],
    ids=["compose", "model-list-of-another-tool", "json", "no-model-list"],
)
def test_rf403_not_a_litellm_proxy_config(path, text):
    assert active(lint(text, path), "RF403") == []


def test_rf403_and_rf402_are_exclusive_for_one_config():
    findings = lint(litellm_config("max_budget: 600\nbudget_duration: 1d\n"), "proxy/config.yaml")
    assert [rule for rule, _, _ in active(findings)] == ["RF402"]
    findings = lint(litellm_config("max_budget: 60\nbudget_duration: 1d\n"), "proxy/config.yaml")
    assert active(findings) == []


# An options object changed by Object.assign before the call may hold a cap the analysis does
# not follow: no finding (precision first). Changed after the call, or by a local `Object`,
# it is still the object the call was given.
_TS_HEAD = 'import OpenAI from "openai";\nconst client = new OpenAI();\n'


@pytest.mark.parametrize(
    "body",
    [
        'const opts = { model: "gpt-4o", messages };\nObject.assign(opts, { max_tokens: 200 });\n'
        "await client.chat.completions.create(opts);\n",
        'const holder = { opts: { model: "gpt-4o", messages } };\n'
        "Object.assign(holder.opts, extra);\nawait client.chat.completions.create(holder.opts);\n",
    ],
    ids=["identifier", "member"],
)
def test_rf401_js_options_changed_by_object_assign_are_open(body):
    code = _TS_HEAD + "export async function ask(messages: any[], extra: any) {\n" + body + "}\n"
    assert active(lint(code, "app.ts"), "RF401") == []


@pytest.mark.parametrize(
    "body",
    [
        'const opts = { model: "gpt-4o", messages };\nawait client.chat.completions.create(opts);\n'
        "Object.assign(opts, { max_tokens: 200 });\n",
        'const Object = { assign: (a: any, b: any) => a };\nconst opts = { model: "gpt-4o", messages };\n'
        "Object.assign(opts, { max_tokens: 200 });\nawait client.chat.completions.create(opts);\n",
    ],
    ids=["assigned-after-the-call", "a-local-Object"],
)
def test_rf401_js_object_assign_look_alikes_still_fire(body):
    code = _TS_HEAD + "export async function ask(messages: any[]) {\n" + body + "}\n"
    assert [rule for rule, *_ in active(lint(code, "app.ts"), "RF401")] == ["RF401"]
