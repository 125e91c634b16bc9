"""RF401 beyond present/absent: reasoning models and `max_tokens`, caps too small for
reasoning, AI SDK 5+ ignoring `maxTokens` (read from the nearest package.json), caps given
as None/undefined/null, and OpenAI-compatible servers on localhost (not billed)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from ragfirst.checks.base import ProjectContext
from ragfirst.config.settings import Settings
from ragfirst.data.data_files import DataFiles
from ragfirst.engine.engine import Engine
from ragfirst.engine.project import ProjectIndex
from ragfirst.model import Finding, Severity
from ragfirst.rules.loader import load_ruleset

ENGINE = Engine(load_ruleset())


def run(tmp_path: Path, code: str, path: str = "app.py", settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(code)
    target.write_text(text, encoding="utf-8")
    context = ProjectContext(
        base_dir=tmp_path,
        root=tmp_path,
        today=dt.date(2026, 12, 6),
        settings=settings,
        data_files=DataFiles(),
    )
    analysis = ENGINE.analyze(path, text.encode())
    return ENGINE.finalize(analysis, ProjectIndex(), settings, context)


def rf401(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.rule_id == "RF401" and not f.suppressed]


# -- reasoning models reject max_tokens on Chat Completions ------------------------------

CHAT = 'from openai import OpenAI\n\nOpenAI().chat.completions.create(model="MODEL", messages=[], ARGS)\n'


@pytest.mark.parametrize(
    "model", ["o3", "o4-mini", "o3-mini-2025-01-31", "gpt-5", "gpt-5.4-mini", "gpt-5-nano"]
)
def test_reasoning_model_with_max_tokens_is_rejected(tmp_path, model):
    (finding,) = rf401(run(tmp_path, CHAT.replace("MODEL", model).replace("ARGS", "max_tokens=800")))
    assert finding.severity == Severity.WARNING
    assert finding.message.startswith(
        f"OpenAI().chat.completions.create passes max_tokens, which {model} (a reasoning model) rejects"
        " on Chat Completions with HTTP 400"
    )
    assert "Set max_completion_tokens instead" in finding.message


@pytest.mark.parametrize(
    ("model", "args"),
    [
        ("gpt-4.1-mini", "max_tokens=800"),  # not a reasoning model: max_tokens still works
        ("gpt-4o", "max_tokens=800"),
        ("o4-mini", "max_completion_tokens=4000"),  # the right cap
        ("omni-moderation-latest", "max_tokens=800"),  # starts with o, not an o-series model
        ("gpt-50-turbo", "max_tokens=800"),  # a look-alike name
    ],
)
def test_reasoning_lookalikes_are_silent(tmp_path, model, args):
    assert rf401(run(tmp_path, CHAT.replace("MODEL", model).replace("ARGS", args))) == []


def test_reasoning_model_with_max_tokens_in_javascript(tmp_path):
    code = """\
    import OpenAI from "openai";

    const client = new OpenAI();
    await client.chat.completions.create({ model: "gpt-5.4-mini", messages, max_tokens: 500 });
    """
    (finding,) = rf401(run(tmp_path, code, "route.ts"))
    assert "rejects on Chat Completions with HTTP 400" in finding.message


# -- caps so small that reasoning uses them up -------------------------------------------


@pytest.mark.parametrize(
    ("code", "arg"),
    [
        (
            CHAT.replace("MODEL", "gpt-5-nano").replace("ARGS", "max_completion_tokens=200"),
            "max_completion_tokens=200",
        ),
        (
            'from openai import OpenAI\n\nOpenAI().responses.create(model="o4-mini", input="x", max_output_tokens=64)\n',
            "max_output_tokens=64",
        ),
    ],
    ids=["chat", "responses"],
)
def test_tiny_cap_on_a_reasoning_model_is_a_hint(tmp_path, code, arg):
    (finding,) = rf401(run(tmp_path, code))
    assert finding.severity == Severity.HINT
    assert f"(a reasoning model) at {arg}" in finding.message
    assert "empty answer" in finding.message


def test_tiny_cap_threshold_and_option(tmp_path):
    code = CHAT.replace("MODEL", "gpt-5-nano").replace("ARGS", "max_completion_tokens=1200")
    assert rf401(run(tmp_path, code)) == []  # at or above the default 1000
    settings = Settings(options={"RF401": {"min-reasoning-cap": 2000}})
    (finding,) = rf401(run(tmp_path, code, settings=settings))
    assert finding.severity == Severity.HINT and "of 2000 or more" in finding.message
    small_plain = CHAT.replace("MODEL", "gpt-4.1-mini").replace("ARGS", "max_completion_tokens=50")
    assert rf401(run(tmp_path, small_plain)) == []  # a non-reasoning model: 50 tokens is a choice


# -- None / undefined / null are no cap --------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("app.py", CHAT.replace("MODEL", "gpt-4.1-mini").replace("ARGS", "max_completion_tokens=None")),
        (
            "app.py",
            "from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model='gpt-4.1-mini', max_tokens=None)\n",
        ),
        (
            "route.ts",
            'import OpenAI from "openai";\nconst c = new OpenAI();\n'
            'await c.chat.completions.create({ model: "gpt-4.1-mini", messages, max_completion_tokens: undefined });\n',
        ),
        (
            "route.ts",
            'import { generateText } from "ai";\nawait generateText({ model, prompt: "x", maxOutputTokens: null });\n',
        ),
    ],
    ids=["python-None", "langchain-None", "js-undefined", "ai-sdk-null"],
)
def test_null_caps_are_no_cap(tmp_path, path, code):
    (finding,) = rf401(run(tmp_path, code, path))
    assert "has no output-token cap" in finding.message


def test_a_real_cap_or_an_unknown_value_stays_silent(tmp_path):
    code = CHAT.replace("MODEL", "gpt-4.1-mini").replace("ARGS", "max_completion_tokens=settings.cap")
    assert rf401(run(tmp_path, code)) == []


# chat-ui's runMcpFlow.ts: the model config's cap when it has one, else undefined
CONDITIONAL_CAP = """\
import OpenAI from "openai";
const openai = new OpenAI();

export async function run(maxTokens: number | undefined, messages: any[], flag: boolean) {
  const base = { model: "gpt-4.1-mini", max_tokens: CAP };
  return openai.chat.completions.create({ ...base, messages });
}
"""


@pytest.mark.parametrize(
    "cap",
    [
        'typeof maxTokens === "number" ? maxTokens : undefined',
        "maxTokens ? maxTokens : null",
        "maxTokens ?? undefined",
        "flag ? undefined : maxTokens",
        "flag ? 1024 : undefined",
    ],
)
def test_a_cap_given_when_known_stays_silent(tmp_path, cap):
    assert rf401(run(tmp_path, CONDITIONAL_CAP.replace("CAP", cap), "route.ts")) == []


@pytest.mark.parametrize("cap", ["flag ? undefined : null", "undefined ?? null", "flag ? null : undefined"])
def test_a_cap_that_is_nullish_on_every_branch_is_no_cap(tmp_path, cap):
    (finding,) = rf401(run(tmp_path, CONDITIONAL_CAP.replace("CAP", cap), "route.ts"))
    assert "has no output-token cap" in finding.message


def test_a_client_built_on_one_branch_still_resolves(tmp_path):
    code = (
        'import OpenAI from "openai";\n'
        "const client = process.env.OPENAI_API_KEY ? new OpenAI() : undefined;\n"
        'await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });\n'
    )
    assert len(rf401(run(tmp_path, code, "route.ts"))) == 1


# -- AI SDK 4 vs 5 by package.json -------------------------------------------------------

AI_SDK = """\
import { generateText } from "ai";
import { openai } from "@ai-sdk/openai";

const { text } = await generateText({ model: openai("gpt-4.1-mini"), prompt: "Hi", maxTokens: 300 });
"""


@pytest.mark.parametrize("spec", ["^5.0.0", "~6.1.2", "7.0.77", ">=5"])
def test_ai_sdk_5_and_later_ignore_max_tokens(tmp_path, spec):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"ai": spec}}), encoding="utf-8")
    (finding,) = rf401(run(tmp_path, AI_SDK, "app/page.ts"))
    assert finding.severity == Severity.WARNING
    assert "passes only maxTokens, which AI SDK" in finding.message
    assert finding.message.endswith("Set maxOutputTokens.")


@pytest.mark.parametrize(
    "manifest", [{"dependencies": {"ai": "^4.3.16"}}, {"dependencies": {"react": "19"}}, None]
)
def test_ai_sdk_4_or_unknown_version_reads_max_tokens(tmp_path, manifest):
    if manifest is not None:
        (tmp_path / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert rf401(run(tmp_path, AI_SDK, "app/page.ts")) == []


def test_ai_sdk_nearest_package_json_wins(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"ai": "^5.0.0"}}), encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "package.json").write_text(json.dumps({"dependencies": {"ai": "^4.0.0"}}), "utf-8")
    assert rf401(run(tmp_path, AI_SDK, "legacy/src/page.ts")) == []
    assert len(rf401(run(tmp_path, AI_SDK, "web/src/page.ts"))) == 1


# -- OpenAI-compatible servers on this machine --------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://localhost:11434/v1", "http://127.0.0.1:8000/v1", "http://0.0.0.0:8000/v1"]
)
def test_local_server_is_not_billed_and_lower_severity(tmp_path, url):
    code = f"""\
    from openai import OpenAI

    client = OpenAI(base_url="{url}", api_key="ollama")
    reply = client.chat.completions.create(model="llama3.1", messages=[])
    """
    (finding,) = rf401(run(tmp_path, code))
    assert (finding.span.start_line, finding.severity) == (4, Severity.INFO)
    assert f"goes to a server on this machine ({url}): not billed per token" in finding.message


def test_local_server_in_javascript_and_langchain(tmp_path):
    js = """\
    import OpenAI from "openai";

    const client = new OpenAI({ baseURL: "http://localhost:11434/v1", apiKey: "ollama" });
    await client.chat.completions.create({ model: "llama3.1", messages });
    """
    (finding,) = rf401(run(tmp_path, js, "local.ts"))
    assert finding.severity == Severity.INFO
    py = 'from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model="qwen2.5", base_url="http://localhost:8000/v1")\n'
    (finding,) = rf401(run(tmp_path, py))
    assert finding.severity == Severity.INFO


@pytest.mark.parametrize(
    "url",
    ["https://api.openai.com/v1", "http://localhost.example.com/v1", "https://my-localhost-proxy.dev/v1"],
)
def test_remote_and_lookalike_hosts_stay_warnings(tmp_path, url):
    code = f"""\
    from openai import OpenAI

    client = OpenAI(base_url="{url}")
    reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])
    """
    (finding,) = rf401(run(tmp_path, code))
    assert finding.severity == Severity.WARNING
    assert "has no output-token cap: a long or looping answer is billed in full" in finding.message


# -- entry points RF401 covers since issue 21 (signatures read in each SDK's source) ------


@pytest.mark.parametrize(
    ("path", "code", "line"),
    [
        (
            "app.py",
            'from langchain.chat_models import init_chat_model\n\nmodel = init_chat_model("gpt-4.1-mini", model_provider="openai")\n',
            3,
        ),
        (
            "app.py",
            'from openai import OpenAI\n\nclient = OpenAI()\nrun = client.beta.threads.runs.create(thread_id="t", assistant_id="a")\n',
            4,
        ),
        (
            "app.py",
            'from openai import OpenAI\n\nclient = OpenAI()\nwith client.beta.threads.runs.stream(thread_id="t", assistant_id="a") as s:\n    pass\n',
            4,
        ),
        (
            "app.ts",
            'import { OpenAI } from "llamaindex";\n\nconst llm = new OpenAI({ model: "gpt-4.1-mini", temperature: 0.1 });\n',
            3,
        ),
        (
            "app.ts",
            'import { ChatOpenAI } from "langchain/chat_models/openai";\n\nconst chat = new ChatOpenAI({ temperature: 0 });\n',
            3,
        ),
        (
            "app.ts",
            'import { GoogleGenerativeAI } from "@google/generative-ai";\n\n'
            'const model = new GoogleGenerativeAI(key).getGenerativeModel({ model: "gemini-2.0-flash" });\n'
            'const result = await model.generateContent("Tell me a story");\n',
            4,
        ),
        (
            "app.ts",
            'import OpenAI from "openai";\n\nconst client = new OpenAI();\nawait client.beta.threads.runs.create("t", { assistant_id: "a" });\n',
            4,
        ),
        (
            "app.ts",
            'import { ToolLoopAgent } from "ai";\n\nconst agent = new ToolLoopAgent({ model: "openai/gpt-5", tools: {} });\n',
            3,
        ),
    ],
    ids=[
        "init_chat_model",
        "runs.create",
        "runs.stream",
        "llamaindex-ts",
        "langchain-legacy",
        "generative-ai",
        "runs-js",
        "ToolLoopAgent",
    ],
)
def test_new_entry_points_fire(tmp_path, path, code, line):
    (finding,) = rf401(run(tmp_path, code, path))
    assert finding.span.start_line == line
    assert "has no output-token cap" in finding.message


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (
            "app.py",
            'from langchain.chat_models import init_chat_model\n\nmodel = init_chat_model("gpt-4.1-mini", max_tokens=800)\n',
        ),
        (
            "app.py",
            'from langchain.chat_models import init_chat_model\n\nmodel = init_chat_model(configurable_fields=("model", "max_tokens"))\n',
        ),
        (
            "app.py",
            'from openai import OpenAI\n\nOpenAI().beta.threads.runs.create(thread_id="t", assistant_id="a", max_completion_tokens=2000)\n',
        ),
        (
            "app.ts",
            'import { OpenAI } from "llamaindex";\n\nconst llm = new OpenAI({ model: "gpt-4.1-mini", maxTokens: 512 });\n',
        ),
        (
            "app.ts",
            'import { GoogleGenerativeAI } from "@google/generative-ai";\n\n'
            'const model = new GoogleGenerativeAI(key).getGenerativeModel({ model: "gemini-2.0-flash", generationConfig: { maxOutputTokens: 512 } });\n'
            'const result = await model.generateContent("Tell me a story");\n',
        ),
        (
            "app.ts",
            'import { GoogleGenerativeAI } from "@google/generative-ai";\n\n'
            'const model = new GoogleGenerativeAI(key).getGenerativeModel({ model: "gemini-2.0-flash" });\n'
            "await model.generateContent({ contents, generationConfig: { maxOutputTokens: 256 } });\n",
        ),
        (
            "app.ts",
            'import { ToolLoopAgent } from "ai";\n\nconst agent = new ToolLoopAgent({ model, tools: {}, maxOutputTokens: 1000 });\n',
        ),
        # look-alikes: a class of the project's own named like the SDK's
        ("app.ts", 'import { OpenAI } from "./llm";\n\nconst llm = new OpenAI({ model: "x" });\n'),
        (
            "app.py",
            'def init_chat_model(name):\n    return name\n\nmodel = init_chat_model("gpt-4.1-mini")\n',
        ),
    ],
    ids=[
        "init-capped",
        "init-configurable",
        "runs-capped",
        "llamaindex-capped",
        "genai-model-config",
        "genai-request-config",
        "agent-capped",
        "own-OpenAI",
        "own-init",
    ],
)
def test_new_entry_points_capped_or_lookalike_are_silent(tmp_path, path, code):
    assert rf401(run(tmp_path, code, path)) == []


def test_init_chat_model_with_model_kwargs_may_carry_the_cap(tmp_path):
    """Regression from langchain-ai/open_deep_research (src/legacy/graph.py): the kwargs come
    from configuration and may hold max_tokens, so the call is not provably uncapped."""
    code = (
        "from langchain.chat_models import init_chat_model\n\n"
        "model = init_chat_model(model=name, model_provider=provider, model_kwargs=kwargs)\n"
    )
    assert rf401(run(tmp_path, code)) == []
    bare = "from langchain.chat_models import init_chat_model\n\nmodel = init_chat_model(model=name)\n"
    assert len(rf401(run(tmp_path, bare))) == 1


def test_localhost_only_through_the_client_that_was_built_with_it(tmp_path):
    """Two clients in one file: only calls on the local one are the local kind."""
    code = """\
    from openai import OpenAI

    local = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")
    remote = OpenAI()
    a = local.chat.completions.create(model="llama3.1", messages=[])
    b = remote.chat.completions.create(model="gpt-4.1-mini", messages=[])
    """
    found = {f.span.start_line: f.severity for f in rf401(run(tmp_path, code))}
    assert found == {5: Severity.INFO, 6: Severity.WARNING}


# -- the legacy Python LangChain entry points (hwchase17/chat-your-data, session 11) ------


@pytest.mark.parametrize(
    "module",
    ["langchain.chat_models", "langchain_community.chat_models", "langchain.chat_models.openai"],
)
def test_legacy_langchain_chat_openai(tmp_path, module):
    """`from langchain.chat_models import ChatOpenAI` (before langchain_openai): the same
    class, `max_tokens` None by default; RF406 already read its model, RF401 did not."""
    code = f"from {module} import ChatOpenAI\n\nllm = ChatOpenAI(model_name='gpt-4.1', temperature=0)\n"
    (finding,) = rf401(run(tmp_path, code))
    assert (finding.span.start_line, finding.severity) == (3, Severity.WARNING)
    assert "Set max_tokens" in finding.message
    capped = code.replace("temperature=0", "temperature=0, max_tokens=512")
    assert rf401(run(tmp_path, capped)) == []
    local = code.replace("temperature=0", "openai_api_base='http://localhost:8000/v1'")
    (finding,) = rf401(run(tmp_path, local))
    assert finding.severity == Severity.INFO


def test_legacy_langchain_lookalikes_stay_silent(tmp_path):
    code = """\
    from langchain.chat_models import ChatAnthropicLike
    from mylib.chat_models import ChatOpenAI

    a = ChatOpenAI(model_name="gpt-4.1")
    b = ChatAnthropicLike(model="x")
    """
    assert rf401(run(tmp_path, code)) == []


# -- LiteLLM's Ollama provider runs on this machine (awesome-llm-apps, session 11) ----------


@pytest.mark.parametrize("model", ["ollama/llama3.1:latest", "ollama_chat/qwen2.5"])
def test_litellm_ollama_model_is_local(tmp_path, model):
    """`completion(model="ollama/...")`: LiteLLM sends it to Ollama at localhost:11434
    unless api_base says otherwise: not billed, so info (as a localhost base_url is)."""
    code = f'from litellm import completion\n\nreply = completion(model="{model}", messages=[])\n'
    (finding,) = rf401(run(tmp_path, code))
    assert (finding.span.start_line, finding.severity) == (3, Severity.INFO)
    assert (
        "goes to a server on this machine (http://localhost:11434, LiteLLM's default for" in finding.message
    )
    local_base = code.replace("messages=[]", 'messages=[], api_base="http://localhost:11434"')
    (finding,) = rf401(run(tmp_path, local_base))
    assert finding.severity == Severity.INFO
    assert rf401(run(tmp_path, code.replace("messages=[]", "messages=[], max_tokens=256"))) == []


@pytest.mark.parametrize(
    "model", ["claude-3-5-sonnet-20240620", "gpt-4o", "openrouter/meta-llama/llama-3-70b", "my-ollama/llama3"]
)
def test_litellm_hosted_models_stay_warnings(tmp_path, model):
    code = f'import litellm\n\nreply = litellm.completion(model="{model}", messages=[])\n'
    (finding,) = rf401(run(tmp_path, code))
    assert finding.severity == Severity.WARNING
    assert "billed in full" in finding.message


# -- a Chat Completions cap on the Responses API (Perplexica's openaiLLM.ts, session 11) ----


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (
            "llm.ts",
            'import OpenAI from "openai";\n\nconst client = new OpenAI();\n'
            "const stream = client.responses.stream({ model: m, input, max_completion_tokens: opts.maxTokens });\n",
        ),
        (
            "llm.py",
            "from openai import OpenAI\n\nclient = OpenAI()\n"
            'reply = client.responses.create(model="gpt-4.1", input="hi", max_tokens=500)\n',
        ),
    ],
)
def test_a_chat_completions_cap_on_the_responses_api_is_named(tmp_path, path, code):
    """The Responses API reads `max_output_tokens`; a call that passes only Chat
    Completions' name is told so, not just "no cap" (its author thinks it is capped)."""
    (finding,) = rf401(run(tmp_path, code, path))
    assert (finding.span.start_line, finding.severity) == (4, Severity.WARNING)
    name = "max_completion_tokens" if path.endswith(".ts") else "max_tokens"
    assert f"passes {name}, Chat Completions' name for the cap, which the Responses API does not take" in (
        finding.message
    )
    assert finding.message.endswith("Set max_output_tokens.")


def test_responses_with_its_own_cap_or_chat_names_on_chat_stay_as_they_were(tmp_path):
    both = "from openai import OpenAI\n\nOpenAI().responses.create(model='gpt-4.1', input='hi', max_tokens=9, max_output_tokens=500)\n"
    assert rf401(run(tmp_path, both)) == []
    chat = "from openai import OpenAI\n\nOpenAI().chat.completions.create(model='gpt-4.1', messages=[], max_completion_tokens=500)\n"
    assert rf401(run(tmp_path, chat)) == []
    plain = "from openai import OpenAI\n\nOpenAI().responses.create(model='gpt-4.1', input='hi')\n"
    (finding,) = rf401(run(tmp_path, plain))
    assert "has no output-token cap: a long or looping answer is billed in full" in finding.message
