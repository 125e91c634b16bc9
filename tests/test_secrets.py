"""RF404 hardcoded-api-key: every key format of rules/secret-formats.yaml, in Python, YAML,
JSON, TOML and .env files; context secrets; placeholders that must stay silent; and
redaction: no output of the CLI or the language server may ever carry a key.

No key-shaped literal lives in this file: every key is generated at test time from
random characters (checked against the format's regex) and assembled from parts.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import re
import string
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import attrs
import pytest
import pytest_lsp
import yaml
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from tests.lsp.editor_session import settled_stats

from ragfirst.model import Finding
from ragfirst.resources import builtin_rules_dir

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import lint
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import lint

# ============================================================================================
# synthetic keys, generated at runtime
# ============================================================================================

TABLE = yaml.safe_load((builtin_rules_dir() / "secret-formats.yaml").read_text(encoding="utf-8"))
REGEXES = {item["id"]: re.compile(item["regex"]) for item in TABLE["formats"]}
PLACEHOLDERS = re.compile(TABLE["placeholders"])
CONTEXT = TABLE["context"]

_RNG = random.SystemRandom()
UPPER = string.ascii_uppercase
LETTERS = string.ascii_letters
ALNUM = LETTERS + string.digits
WORD = ALNUM + "_"
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"
MARKER = "T3Blbk" + "FJ"  # base64 of "openai", the middle of every OpenAI key


def chars(n: int, alphabet: str = ALNUM) -> str:
    """Random characters starting with an upper-case letter (so a key's kind, like
    `sk-proj-`, never grows into its random part) and ending with a letter or digit
    (so the formats' trailing `\\b` holds)."""
    last = "".join(c for c in alphabet if c.isalnum())
    return _RNG.choice(UPPER) + "".join(_RNG.choice(alphabet) for _ in range(n - 2)) + _RNG.choice(last)


def hexchars(n: int) -> str:
    return "".join(_RNG.choice(HEX) for _ in range(n))


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


@dataclass(frozen=True)
class KeyFormat:
    id: str  # the format id in secret-formats.yaml
    provider: str
    shown: str  # what redaction keeps in front of "…"
    build: object  # () -> str


KEY_FORMATS = [
    KeyFormat("openai", "OpenAI", "sk-" + "proj-", lambda: "sk-" + "proj-" + chars(74, URLSAFE) + MARKER + chars(74, URLSAFE)),
    KeyFormat("openai", "OpenAI", "sk-" + "svcacct-", lambda: "sk-" + "svcacct-" + chars(58, URLSAFE) + MARKER + chars(58, URLSAFE)),
    KeyFormat("openai", "OpenAI", "sk-", lambda: "sk-" + chars(20) + MARKER + chars(20)),
    KeyFormat("anthropic", "Anthropic", "sk-" + "ant-" + "api03-", lambda: "sk-" + "ant-" + "api03-" + chars(93, URLSAFE) + "A" + "A"),
    KeyFormat("anthropic", "Anthropic", "sk-" + "ant-" + "admin01-", lambda: "sk-" + "ant-" + "admin01-" + chars(93, URLSAFE) + "A" + "A"),
    KeyFormat("google", "Google", "AI" + "za", lambda: "AI" + "za" + chars(35, URLSAFE)),
    KeyFormat("huggingface", "Hugging Face", "hf" + "_", lambda: "hf" + "_" + chars(34, LETTERS)),
    KeyFormat("openrouter", "OpenRouter", "sk-" + "or-v1-", lambda: "sk-" + "or-v1-" + hexchars(64)),
    KeyFormat("groq", "Groq", "gsk" + "_", lambda: "gsk" + "_" + chars(52)),
    KeyFormat("xai", "xAI", "xai" + "-", lambda: "xai" + "-" + chars(80, WORD)),
    KeyFormat("replicate", "Replicate", "r8" + "_", lambda: "r8" + "_" + chars(37, URLSAFE)),
    KeyFormat("perplexity", "Perplexity", "pplx" + "-", lambda: "pplx" + "-" + chars(48)),
    KeyFormat("pinecone", "Pinecone", "pcsk" + "_", lambda: "pcsk" + "_" + chars(5) + "_" + chars(63)),
    KeyFormat("langsmith", "LangSmith", "lsv2" + "_", lambda: "lsv2" + "_" + "pt" + "_" + hexchars(32) + "_" + hexchars(10)),
    # issue 21: formats the detector sets did not know
    KeyFormat("openai", "OpenAI", "sk-" + "None-", lambda: "sk-" + "None-" + chars(20) + MARKER + chars(20)),
    KeyFormat("openai", "OpenAI", "sk-" + "None-", lambda: "sk-" + "None-" + chars(74, URLSAFE) + MARKER + chars(74, URLSAFE)),
    KeyFormat("anthropic-oauth", "Anthropic OAuth", "sk-" + "ant-" + "oat01-", lambda: "sk-" + "ant-" + "oat01-" + chars(95, URLSAFE)),
    KeyFormat("anthropic-oauth", "Anthropic OAuth", "sk-" + "ant-" + "ort01-", lambda: "sk-" + "ant-" + "ort01-" + chars(95, URLSAFE)),
    KeyFormat("google-auth", "Gemini", "AQ" + ".", lambda: "AQ" + "." + "Ab" + chars(48, URLSAFE)),
    KeyFormat("groq", "Groq", "gsk" + "_", lambda: "gsk" + "_" + chars(48)),
    KeyFormat("groq", "Groq", "gsk" + "_", lambda: "gsk" + "_" + chars(50)),
    KeyFormat("bedrock", "Amazon Bedrock", "ABSK", lambda: "ABSK" + "QmVkcm9ja0FQSUtleS" + chars(100, ALNUM + "+/") + "="),
    KeyFormat("bedrock-short-term", "Amazon Bedrock", "bedrock-api-key-", lambda: "bedrock-api-key-" + "YmVkcm9jay" + chars(300, ALNUM + "+/") + "=="),
]  # fmt: skip
FORMAT_IDS = [f"{f.id}-{f.shown.strip('_-')}" for f in KEY_FORMATS]


def is_clean(key: str) -> bool:
    return not PLACEHOLDERS.search(key) and entropy(key) >= 3.0


def make_key(key_format: KeyFormat) -> str:
    """A random key that its own format finds exactly, and no other format touches."""
    for _ in range(1000):
        key = key_format.build()
        quoted = f'"{key}"'
        own = [m.group(1) for m in REGEXES[key_format.id].finditer(quoted)]
        others = [fid for fid, regex in REGEXES.items() if fid != key_format.id and regex.search(quoted)]
        if own == [key] and not others and is_clean(key):
            return key
    raise AssertionError(f"could not generate a {key_format.id} key")


def make_context_secret(length: int = 32) -> str:
    """A long random literal with no known prefix (a Cohere/Mistral/Voyage-style key)."""
    for _ in range(1000):
        value = chars(length)
        if (
            is_clean(value)
            and entropy(value) >= CONTEXT["min_entropy"]
            # a key has letters and digits (the rule's test; about 1 in 280 draws has no digit)
            and any(c.isdigit() for c in value)
            and any(c.isalpha() for c in value)
            and not any(regex.search(value) for regex in REGEXES.values())
            and not re.search(CONTEXT["stand_ins"], value)  # a draw that spells `token`
        ):
            return value
    raise AssertionError("could not generate a context secret")


def redacted(key: str, key_format: KeyFormat | None = None) -> str:
    shown = key_format.shown if key_format else key[:4]
    return f"{shown}…{key[-4:]}"


def article(provider: str) -> str:
    return "an" if provider[0].upper() in "AEIOU" else "a"


def expected_message(what: str, shown: str, where: str = "") -> str:
    place = f" in `{where}`" if where else ""
    return (
        f"Hard-coded API key: {what} ({shown}){place}. Move it to a secret store or an environment "
        "variable, and rotate it: it is in the repository's history."
    )


def rf404(findings: list[Finding]) -> list[tuple[int, int]]:
    return [
        (f.span.start_line, f.span.start_col) for f in findings if f.rule_id == "RF404" and not f.suppressed
    ]


def messages(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if f.rule_id == "RF404" and not f.suppressed]


@pytest.mark.parametrize("key_format", KEY_FORMATS, ids=FORMAT_IDS)
def test_generated_keys_match_their_format(key_format):
    keys = {make_key(key_format) for _ in range(5)}
    assert len(keys) == 5  # random each time
    for key in keys:
        assert REGEXES[key_format.id].search(f" {key} ")
        assert key.startswith(key_format.shown)


# ============================================================================================
# every format in every kind of file
# ============================================================================================

PLACES = {
    # kind: (path, template, (line, col) of the finding, name the message gives or "")
    "python": ("app/client.py", 'from sdk import connect\n\nclient = connect("{key}")\n', (3, 17), ""),
    "yaml": ("config/providers.yaml", "providers:\n  main:\n    token: {key}\n", (3, 4), "token"),
    "yaml-quoted": ("config/providers.yml", "providers:\n  - name: main\n    token: '{key}'\n", (3, 4), "token"),
    "json": ("config/providers.json", '{{\n  "providers": {{\n    "main": {{"token": "{key}"}}\n  }}\n}}\n', (3, 13), "token"),
    "toml": ("config/providers.toml", '[providers.main]\ntoken = "{key}"\n', (2, 0), "token"),
    "toml-array-of-tables": ("config/keys.toml", '[[providers]]\nname = "a"\n\n[[providers]]\nname = "b"\ntoken = "{key}"\n', (6, 0), "token"),
    "env": (".env", "# provider keys\nexport MAIN_TOKEN=\"{key}\"\n", (2, 7), "MAIN_TOKEN"),
    "env-local": (".env.local", "DEBUG=1\nMAIN_TOKEN={key}\n", (2, 0), "MAIN_TOKEN"),
    "ini": ("setup.cfg", "[providers]\ntoken = {key}\n", (2, 0), "token"),
}  # fmt: skip


@pytest.mark.parametrize("place", list(PLACES), ids=list(PLACES))
@pytest.mark.parametrize("key_format", KEY_FORMATS, ids=FORMAT_IDS)
def test_every_key_format_in_every_file_kind(key_format, place):
    key = make_key(key_format)
    path, template, _, where = PLACES[place]
    text = template.format(key=key)
    findings = lint(text, path)
    # The finding underlines the key itself: its first character, on its line.
    before = text[: text.index(key)]
    position = (before.count("\n") + 1, len(before) - (before.rfind("\n") + 1))
    assert rf404(findings) == [position]
    [finding] = [f for f in findings if f.rule_id == "RF404"]
    assert finding.severity.label == "error"
    what = f"{article(key_format.provider)} {key_format.provider} key"
    assert finding.message == expected_message(what, redacted(key, key_format), where)
    assert key not in finding.message and key not in finding.snippet
    assert (finding.span.end_line, finding.span.end_col) == (position[0], position[1] + len(key))


def test_several_keys_on_one_line_are_each_reported():
    first, second = make_key(KEY_FORMATS[7]), make_key(KEY_FORMATS[8])
    findings = lint(f'KEYS = ["{first}", "{second}"]\n', "keys.py")
    assert sorted(messages(findings)) == sorted(
        [
            expected_message("an OpenRouter key", redacted(first, KEY_FORMATS[7])),
            expected_message("a Groq key", redacted(second, KEY_FORMATS[8])),
        ]
    )


def test_assigned_key_is_reported_once():
    key = make_key(KEY_FORMATS[3])
    findings = lint(f'ANTHROPIC_KEY = "{key}"\n', "settings.py")
    assert [f.span.start_line for f in findings if f.rule_id == "RF404"] == [1]


def test_key_in_javascript_code():
    key = make_key(KEY_FORMATS[0])
    findings = lint(
        f'import OpenAI from "openai";\n\nconst client = new OpenAI({{ apiKey: "{key}" }});\n',
        "web/lib/llm.ts",
    )
    assert [line for line, _ in rf404(findings)] == [3]
    assert key not in findings[0].message


# ============================================================================================
# context secrets: long random literals given to key-like names
# ============================================================================================

CONTEXT_PLACES = {
    "python-kwarg": ("app.py", 'from openai import OpenAI\n\nclient = OpenAI(api_key="{key}")\n', (3, 24), "api_key"),
    "python-assignment": ("settings.py", 'COHERE_API_KEY = "{key}"\n', (1, 0), "COHERE_API_KEY"),
    "yaml": ("config.yaml", "voyage:\n  api_key: {key}\n", (2, 2), "api_key"),
    "json": ("config.json", '{{"mistral": {{"apiKey": "{key}"}}}}', (1, 13), "apiKey"),
    "toml": ("config.toml", '[together]\napi_key = "{key}"\n', (2, 0), "api_key"),
    "env": (".env", "COHERE_API_KEY={key}\n", (1, 0), "COHERE_API_KEY"),
    "ini": ("app.cfg", "[azure]\napi_key = {key}\n", (2, 0), "api_key"),
}  # fmt: skip


@pytest.mark.parametrize("place", list(CONTEXT_PLACES), ids=list(CONTEXT_PLACES))
def test_context_secret(place):
    key = make_context_secret()
    path, template, position, where = CONTEXT_PLACES[place]
    findings = lint(template.format(key=key), path)
    assert rf404(findings) == [position]
    assert messages(findings) == [expected_message("a key", redacted(key), where)]


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("config.yaml", "openai:\n  apikey: {key}\n"),
        ("config.yaml", "django:\n  SECRET_KEY: {key}\n"),
        ("config.yaml", "github:\n  access-token: {key}\n"),
        ("config.toml", '[service]\nAuth_Token = "{key}"\n'),
        ("settings.py", 'SECRET_KEY = "{key}"\n'),
        ("settings.py", 'apikey = "{key}"\n'),
    ],
    ids=[
        "yaml-apikey",
        "yaml-SECRET_KEY",
        "yaml-access-token",
        "toml-Auth_Token",
        "py-SECRET_KEY",
        "py-apikey",
    ],
)
def test_context_secret_for_every_key_like_name_of_the_table(path, template):
    """The table's context names are case-insensitive (`(?i)api[_-]?key|...`)."""
    key = make_context_secret()
    assert re.search(CONTEXT["names"], template)
    findings = lint(template.format(key=key), path)
    assert len(rf404(findings)) == 1


def test_a_key_given_to_its_name_across_a_statement_is_found():
    """The prefilter looks for the literal within a statement's worth of the key-like name
    (checks/secrets.py LITERAL_WITHIN): a key on the next line, after a comment, is found."""
    key = make_context_secret()
    code = f'API_KEY = (\n    # issued by the admin console; rotate every 90 days\n    "{key}"\n)\n'
    assert [line for line, _ in rf404(lint(code, "settings.py"))] == [1]  # the statement


def test_a_key_like_word_far_from_a_random_literal_is_not_parsed_for_them():
    """A docstring that names ``"api_key"`` and an id a page further on: no statement
    gives the literal to the name, so the prefilter does not parse the file for them
    (63 library files of the second bench corpus, 0.43 CPU s, nothing found)."""
    from ragfirst.engine.engine import Engine
    from ragfirst.rules.loader import load_ruleset

    key = make_context_secret()
    filler = "".join(f"# line {n} of the module's notes\n" for n in range(40))
    far = f'"""Roles: ``"api_key"`` or ``"user"``."""\n{filler}ROLE_ID = "{key}"\n'
    near = f'"""Roles."""\napi_key = "{key}"\n'
    engine = Engine(load_ruleset())
    assert not engine.analyze("pkg/roles.py", far.encode()).parsed
    assert [m.rule_id for m in engine.analyze("pkg/roles.py", near.encode()).matches] == ["RF404"]


def test_context_secret_as_a_dict_key_in_code():
    key = make_context_secret()
    findings = lint(
        f'import httpx\n\nheaders = {{"x-api-key": "{key}"}}\nhttpx.post("https://api.example.org", headers=headers)\n',
        "client.py",
    )
    assert [line for line, _ in rf404(findings)] == [3]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(lambda: make_context_secret(20), id="too-short"),
        pytest.param(lambda: "abcdabcdabcdabcdabcdabcdabcdabcd", id="low-entropy"),
        pytest.param(lambda: "a" * 40, id="one-character"),
        pytest.param(lambda: "the quick brown fox jumps over it", id="has-spaces"),
    ],
)
def test_context_literal_that_is_not_random_enough(value):
    findings = lint(f'from openai import OpenAI\n\nclient = OpenAI(api_key="{value()}")\n', "app.py")
    assert rf404(findings) == []


def test_random_literal_under_an_ordinary_name_is_silent():
    key = make_context_secret()
    findings = lint(f'REQUEST_ID = "{key}"\nconfig = {{"checksum": "{key}"}}\n', "ids.py")
    assert rf404(findings) == []
    assert rf404(lint(f"build:\n  checksum: {key}\n  api_key_env: OPENAI_API_KEY\n", "ci.yaml")) == []


# ============================================================================================
# placeholders never fire
# ============================================================================================

PLACEHOLDER_VALUES = {
    "sk-dots": lambda: "sk-" + "...",
    "sk-proj-dots": lambda: "sk-" + "proj-...",
    "YOUR_KEY": lambda: "YOUR_KEY",
    "your-key-here": lambda: "your-openai-api-key-goes-here-please",
    "xxxx": lambda: "x" * 40,
    "sk-xxxx": lambda: "sk-" + "proj-" + "x" * 74 + MARKER + "x" * 74,
    "env-ref": lambda: "${OPENAI_API_KEY}",
    "env-ref-default": lambda: "${OPENAI_API_KEY:-}",
    "litellm-env": lambda: "os.environ/OPENAI_API_KEY",
    "template": lambda: "{{ secrets.OPENAI_API_KEY }}",
    "angle": lambda: "<your-api-key>",
    "stars": lambda: "sk-" + "*" * 40,
    "changeme": lambda: "changeme-" + make_context_secret(),
    "low-entropy": lambda: "abababababababababababababababab",
    "example": lambda: "example" + make_context_secret(),
    "test": lambda: "test_" + make_context_secret(),
    "hf-example": lambda: "hf" + "_" + "exampleexampleexampleexampleexampl",
    "sk-test": lambda: "sk-" + "proj-" + "test" + chars(70, URLSAFE) + MARKER + chars(74, URLSAFE),
    "anthropic-fake": lambda: "sk-" + "ant-" + "api03-" + "FAKE" + chars(89, URLSAFE) + "A" + "A",
}


@pytest.mark.parametrize("name", list(PLACEHOLDER_VALUES), ids=list(PLACEHOLDER_VALUES))
@pytest.mark.parametrize(
    ("path", "template"),
    [
        (".env.example", "OPENAI_API_KEY={value}\n"),
        (".env", 'OPENAI_API_KEY="{value}"\n'),
        ("proxy/config.yaml", "model_list:\n  - litellm_params:\n      api_key: '{value}'\n"),
        ("settings.json", '{{"api_key": {value_json}}}'),
        ("settings.toml", "api_key = {value_json}\n"),
        (
            "app.py",
            "from openai import OpenAI\n\nclient = OpenAI(api_key={value_json})\nKEY = {value_json}\n",
        ),
    ],
    ids=["env-example", "env", "yaml", "json", "toml", "python"],
)
def test_placeholders_never_fire(name, path, template):
    value = PLACEHOLDER_VALUES[name]()
    findings = lint(template.format(value=value, value_json=json.dumps(value)), path)
    assert rf404(findings) == []


# Look-alikes of the issue-21 formats: the right prefix, the wrong shape. None is a key.
LOOKALIKES = {
    "aq-short": lambda: "AQ" + "." + "Ab" + chars(30, URLSAFE),
    "aq-long": lambda: "AQ" + "." + "Ab" + chars(60, URLSAFE),
    "aq-not-ab": lambda: "AQ" + "." + "Zz" + chars(48, URLSAFE),
    "aq-dotless": lambda: "AQ" + "x" + "Ab" + chars(48, URLSAFE),
    "oat-short": lambda: "sk-" + "ant-" + "oat01-" + chars(20, URLSAFE),
    "oat-other-version": lambda: "sk-" + "ant-" + "oat02-" + chars(95, URLSAFE),
    "sk-none-no-marker": lambda: "sk-" + "None-" + chars(48),
    "groq-47": lambda: "gsk" + "_" + chars(47),
    "groq-53": lambda: "gsk" + "_" + chars(53),
    "absk-not-bedrock": lambda: "ABSK" + chars(100),
    "bedrock-key-not-base64-url": lambda: "bedrock-api-key-" + "Zm9v" + chars(100),
}


@pytest.mark.parametrize("name", list(LOOKALIKES), ids=list(LOOKALIKES))
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("app.py", 'from sdk import connect\n\nclient = connect("{value}")\n'),
        ("config.yaml", "token: {value}\n"),
    ],
    ids=["python", "yaml"],
)
def test_lookalikes_of_new_formats_never_fire(name, path, template):
    value = LOOKALIKES[name]()
    assert not any(regex.search(f'"{value}"') for regex in REGEXES.values())
    assert rf404(lint(template.format(value=value), path)) == []


def test_new_formats_redact_to_their_kind():
    for key_format in KEY_FORMATS[-9:]:
        key = make_key(key_format)
        [message] = messages(lint(f'KEY = connect("{key}")\n', "k.py"))
        assert f"({key_format.shown}…{key[-4:]})" in message
        assert key not in message


def test_environment_lookups_are_silent():
    findings = lint(
        """\
import os

from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
other = OpenAI(api_key=os.getenv("OPENAI_API_KEY", ""))
""",
        "app.py",
    )
    assert rf404(findings) == []


def test_empty_and_commented_out_values_in_env():
    findings = lint("OPENAI_API_KEY=\nANTHROPIC_API_KEY=''\n# COHERE_API_KEY=\n", ".env")
    assert rf404(findings) == []


def test_commented_out_key_in_env_is_still_committed():
    key = make_key(KEY_FORMATS[6])
    findings = lint(f"HF_TOKEN=\n# HF_TOKEN={key}\n", ".env")
    assert [line for line, _ in rf404(findings)] == [2]
    assert key not in findings[0].message


def test_suppressed_key_line_in_env():
    key = make_key(KEY_FORMATS[6])
    findings = lint(
        f"# ragfirst: ignore[RF404] -- revoked 2026-01, kept for the replay fixture\nHF_TOKEN={key}\n", ".env"
    )
    assert rf404(findings) == []
    [finding] = [f for f in findings if f.rule_id == "RF404"]
    assert finding.suppressed and finding.suppression_reason.startswith("revoked 2026-01")


# ============================================================================================
# redaction: prefix and last four characters, never key material
# ============================================================================================


def test_redaction_shows_the_kind_never_key_material():
    """A key whose random part starts like a `kind-` (`ab-`) must not show it."""
    body = "ab-" + chars(90, URLSAFE)
    key = "sk-" + "ant-" + "api03-" + body + "A" + "A"
    assert REGEXES["anthropic"].search(key)
    [message] = messages(lint(f'KEY = connect("{key}")\n', "k.py"))
    assert f"(sk-ant-api03-…{key[-4:]})" in message


# ============================================================================================
# redaction across every output: CLI formats, files, baseline, decisions, cache, LSP
# ============================================================================================


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


@dataclass(frozen=True)
class Planted:
    label: str
    key: str
    shown: str  # the redacted form the message must carry
    path: str
    suppressed: bool = False


def plant_project(root: Path) -> list[Planted]:
    """A project with keys of every kind in every kind of file; some lines suppressed."""
    by_id = {f"{f.id}:{f.shown}": f for f in KEY_FORMATS}

    def key_of(name: str) -> tuple[str, str]:
        key_format = by_id[name]
        key = make_key(key_format)
        return key, redacted(key, key_format)

    planted: list[Planted] = []

    def plant(label: str, name: str | None, path: str, suppressed: bool = False) -> str:
        if name is None:
            key = make_context_secret()
            shown = redacted(key)
        else:
            key, shown = key_of(name)
        planted.append(Planted(label, key, shown, path, suppressed))
        return key

    openai = plant("openai", "openai:sk-proj-", "app.py")
    cohere = plant("context-kwarg", None, "app.py")
    legacy = plant("context-suppressed", None, "app.py", suppressed=True)
    hf = plant("huggingface", "huggingface:hf_", "app.py")
    ant = plant("anthropic-suppressed", "anthropic:sk-ant-api03-", "app.py", suppressed=True)
    files = {
        "ragfirst.toml": "",
        "app.py": (
            "from openai import OpenAI\n\n"
            f'client = OpenAI(api_key="{openai}")\n'
            f'reranker = OpenAI(api_key="{cohere}")\n'
            "# ragfirst: ignore[RF404] -- revoked 2026-01, kept for the replay fixture\n"
            f'legacy = OpenAI(api_key="{legacy}")\n'
            f'HF_TOKEN = "{hf}"\n'
            f'old = connect("{ant}")  # ragfirst: ignore[RF404] -- revoked 2025-12\n'
        ),
    }
    groq = plant("groq", "groq:gsk_", "proxy/config.yaml")
    voyage = plant("context-yaml", None, "proxy/config.yaml")
    files["proxy/config.yaml"] = (
        "model_list:\n"
        "  - model_name: llama\n"
        f"    litellm_params: {{model: groq/llama-3.3-70b, api_key: {groq}, rpm: 60}}\n"
        "  - model_name: voyage\n"
        "    litellm_params:\n"
        "      model: voyage/voyage-3\n"
        f"      api_key: {voyage}\n"
    )
    router = plant("openrouter", "openrouter:sk-or-v1-", "settings.json")
    mistral = plant("context-json", None, "settings.json")
    files["settings.json"] = json.dumps(
        {"providers": {"openrouter": {"apiKey": router}, "mistral": {"api_key": mistral}}}, indent=2
    )
    pinecone = plant("pinecone", "pinecone:pcsk_", "secrets.toml")
    xai = plant("xai", "xai:xai-", "secrets.toml")
    together = plant("context-toml", None, "secrets.toml")
    files["secrets.toml"] = (
        f'[pinecone]\napi_key = "{pinecone}"\n\n[[providers]]\nname = "grok"\ntoken = "{xai}"\n\n'
        f'[[providers]]\nname = "together"\napi_key = "{together}"\n'
    )
    env_lines = [
        f'export OPENAI_API_KEY="{plant("openai-legacy", "openai:sk-", ".env")}"',
        f"ANTHROPIC_API_KEY={plant('anthropic', 'anthropic:sk-ant-admin01-', '.env')}",
        f"GOOGLE_API_KEY='{plant('google', 'google:AIza', '.env')}'",
        f"REPLICATE_API_TOKEN={plant('replicate', 'replicate:r8_', '.env')}",
        f"PERPLEXITY_API_KEY={plant('perplexity', 'perplexity:pplx-', '.env')}",
        f"LANGSMITH_API_KEY={plant('langsmith', 'langsmith:lsv2_', '.env')}",
        f"SERVICE_ACCOUNT={plant('openai-svcacct', 'openai:sk-svcacct-', '.env')}",
        f"COHERE_API_KEY={plant('context-env', None, '.env')}",
        "# ragfirst: ignore[RF404] -- revoked 2026-02",
        f"MISTRAL_API_KEY={plant('context-env-suppressed', None, '.env', suppressed=True)}",
        "# ragfirst: ignore[RF404] -- revoked 2026-02",
        f"HF_TOKEN={plant('huggingface-env-suppressed', 'huggingface:hf_', '.env', suppressed=True)}",
    ]
    files[".env"] = "\n".join(env_lines) + "\n"
    broken = plant("broken-yaml", "groq:gsk_", "broken.yaml")
    files["broken.yaml"] = f"model_list:\n  - api_key: {broken}\n   bad: [\n"
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return planted


def fragments(key: str) -> list[str]:
    """The whole key, and a stretch of its middle that no redaction may show."""
    return [key, key[-16:-4]]


def ragfirst(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ragfirst", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def push_capabilities() -> types.ClientCapabilities:
    """A push-diagnostics client (no textDocument/diagnostic support)."""
    caps = client_capabilities("neovim@v0.10.0")
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, diagnostic=None))


async def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the language server")
        await asyncio.sleep(0.05)


@pytest.mark.timeout(180)
async def test_no_output_ever_carries_a_key(client, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    planted = plant_project(root)
    cache = tmp_path / "cache"
    env = {**os.environ, "RAGFIRST_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    outputs: dict[str, str] = {}
    problems: list[str] = []

    # -- the command line -------------------------------------------------------------
    def cli(label: str, *args: str) -> subprocess.CompletedProcess:
        result = ragfirst(root, env, *args)
        outputs[label] = result.stdout + result.stderr
        if result.returncode not in (0, 1):
            problems.append(f"`ragfirst {' '.join(args)}` exited {result.returncode}: {result.stderr}")
        return result

    for fmt in ("text", "json", "sarif", "github", "junit", "gitlab"):
        await asyncio.to_thread(cli, f"check --format {fmt}", "check", "--format", fmt, ".")
        report = tmp_path / "reports" / f"report.{fmt}"
        await asyncio.to_thread(
            cli,
            f"check --format {fmt} --output-file",
            "check",
            "--format",
            fmt,
            "--output-file",
            str(report),
            ".",
        )
        outputs[f"--output-file ({fmt})"] = report.read_text(encoding="utf-8") if report.exists() else ""
        if not report.exists():
            problems.append(f"--output-file wrote no {fmt} report")
        for label in (f"check --format {fmt}", f"--output-file ({fmt})"):
            if "RF404" not in outputs[label]:
                problems.append(f"{label} shows no RF404 finding")
    await asyncio.to_thread(
        cli, "check --show-suppressed --statistics", "check", "--show-suppressed", "--statistics", "."
    )
    await asyncio.to_thread(cli, "check on files", "check", ".env", "app.py", "settings.json", "secrets.toml")
    baseline = tmp_path / "baseline.json"
    await asyncio.to_thread(
        cli, "check --write-baseline", "check", "--write-baseline", "--baseline", str(baseline), "."
    )
    outputs["baseline file"] = baseline.read_text(encoding="utf-8") if baseline.exists() else ""
    await asyncio.to_thread(cli, "check --baseline", "check", "--baseline", str(baseline), ".")
    await asyncio.to_thread(cli, "decisions --format json", "decisions", "--format", "json", ".")
    await asyncio.to_thread(cli, "decisions", "decisions", ".")
    for path in sorted(p for p in cache.rglob("*") if p.is_file()):
        outputs[f"cache file {path.name}"] = path.read_bytes().decode("utf-8", errors="replace")

    # The decisions list shows the suppressed RF404 lines (so that output was exercised).
    decisions = json.loads(outputs["decisions --format json"] or "[]")
    suppressed_lines = sorted((row["path"], row["line"]) for row in decisions if row["rule"] == "RF404")
    if len(suppressed_lines) != sum(1 for p in planted if p.suppressed):
        problems.append(f"decisions lists RF404 at {suppressed_lines}")

    # Every reported key shows its prefix and last four characters.
    report = json.loads(outputs["check --format json"])
    cli_rf404 = {
        (f["path"], f["start"]["line"] - 1, f["start"]["column"] - 1)
        for f in report["findings"]
        if f["rule"] == "RF404" and not f["suppressed"]
    }
    shown_in_cli = " ".join(f["message"] for f in report["findings"] if f["rule"] == "RF404")
    for item in planted:
        if not item.suppressed and item.label != "broken-yaml" and item.shown not in shown_in_cli:
            problems.append(f"no RF404 message shows {item.label} as {item.shown}")

    # -- the language server ----------------------------------------------------------
    await client.initialize_session(
        types.InitializeParams(
            capabilities=push_capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": 30},
        )
    )
    uris: dict[str, str] = {}
    for relative in sorted({p.path for p in planted}):
        path = root / relative
        uri = path.as_uri()
        uris[uri] = relative
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="plaintext", version=1, text=path.read_text(encoding="utf-8")
                )
            )
        )
    await wait_for(lambda: all(uri in client.diagnostics for uri in uris))
    await settled_stats(client)  # the re-lints after workspace indexing are published
    lsp_rf404 = set()
    for uri, relative in uris.items():
        diagnostics = list(client.diagnostics[uri])
        outputs[f"LSP diagnostics {relative}"] = "\n".join(repr(d) for d in diagnostics)
        for diagnostic in diagnostics:
            if diagnostic.code == "RF404":
                lsp_rf404.add((relative, diagnostic.range.start.line, diagnostic.range.start.character))
            hover = await client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=diagnostic.range.start
                )
            )
            outputs[f"LSP hover {relative}:{diagnostic.range.start.line}"] = (
                hover.contents.value if hover is not None else ""
            )
            if diagnostic.code == "RF404" and hover is None:
                problems.append(f"no hover on RF404 at {relative}:{diagnostic.range.start.line + 1}")
        if diagnostics:
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=diagnostics[0].range,
                    context=types.CodeActionContext(diagnostics=diagnostics),
                )
            )
            outputs[f"LSP code actions {relative}"] = "\n".join(repr(a) for a in actions or [])
            titles = [a.title for a in actions or []]
            commentable = not relative.endswith(".json")  # JSON has no comments
            if (
                commentable
                and "Suppress RF404 on this line (with reason)" not in titles
                and any(d.code == "RF404" for d in diagnostics)
            ):
                problems.append(f"no RF404 suppression action in {relative}: {titles}")
    outputs["LSP log and messages"] = "\n".join(m.message for m in [*client.log_messages, *client.messages])
    shown_in_lsp = " ".join(outputs[label] for label in outputs if label.startswith("LSP diagnostics"))
    for item in planted:
        if not item.suppressed and item.label != "broken-yaml" and item.shown not in shown_in_lsp:
            problems.append(f"no LSP diagnostic shows {item.label} as {item.shown}")
    if lsp_rf404 != cli_rf404:
        problems.append(f"LSP and CLI disagree on RF404: {sorted(lsp_rf404 ^ cli_rf404)}")

    # -- no key anywhere ---------------------------------------------------------------
    assert len(outputs) > 30
    for label, text in outputs.items():
        for item in planted:
            if any(fragment in text for fragment in fragments(item.key)):
                problems.append(f"{label}: carries the {item.label} key ({item.path})")
    assert not problems, "\n".join(problems)


# ============================================================================================
# public client tokens and spelt-out stand-ins (found on mem0, session 10)
# ============================================================================================


def test_a_public_client_token_is_not_a_secret():
    """PostHog's project key (`phc_`) is sent by every browser that loads the page; its
    secret sibling, the personal key (`phx_`), is still reported."""
    public = "phc_" + make_context_secret(43)
    personal = "phx_" + make_context_secret(43)
    code = f'POSTHOG_API_KEY = "{public}"\nposthog = Posthog(project_api_key="{public}")\n'
    assert rf404(lint(code, "telemetry.py")) == []
    assert rf404(lint(f'export const POSTHOG_API_KEY = "{public}";\n', "telemetry.ts")) == []
    assert [line for line, _ in rf404(lint(f'POSTHOG_API_KEY = "{personal}"\n', "admin.py"))] == [1]


def test_a_value_that_spells_secret_key_is_a_stand_in():
    code = 'def test_set():\n    client.configure(api_key="m0-new-secret-key-abcd1234")\n'
    assert rf404(lint(code, "tests/test_config.py")) == []
    assert rf404(lint('const k = { apiKey: "m0-new-api_key-value-abcd1234" };\n', "a.test.ts")) == []


def test_a_base64_placeholder_in_a_kubernetes_secret_is_silent():
    """A Secret's `data` values are base64: one that decodes to a placeholder is a
    placeholder (DocsGPT's k8s example); an encoded random key is still a key."""
    import base64

    def encoded(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    manifest = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ntype: Opaque\ndata:\n"
        "  JWT_SECRET_KEY: {jwt}\n  API_KEY: {api}\n"
    )
    placeholder = manifest.format(
        jwt=encoded("docsgpt-dev-jwt-secret-change-me"), api=encoded("your-api-key-here-123")
    )
    assert rf404(lint(placeholder, "deployment/k8s/secrets.yaml")) == []
    key = make_context_secret(40)
    real = manifest.format(jwt=encoded("docsgpt-dev-jwt-secret-change-me"), api=encoded(key))
    assert [line for line, _ in rf404(lint(real, "deployment/k8s/secrets.yaml"))] == [8]


@pytest.mark.parametrize(
    ("name", "value"),
    [  # stand-ins in onyx's tests (session 11): each spells or counts what it stands for
        ("api_key", "super-secret-client-value-1234567890"),
        ("access_token", "oauth_config_token_67890"),
        ("access_token", "user_passthrough_token_99999"),
        ("ALICE_API_KEY", "mcp_live-kid_alice_001-S3cr3tAlice"),
        ("_SECRET_KEY", "sk-anthropic-supersecret-DO-NOT-LEAK-1234567890"),
        ("raw_api_key", "sk-abcdefghijklmnopqrstuvwxyz1234567890"),
        ("raw_api_key", "sk-runtime-should-use-unmasked-value-1234567890"),
    ],
)
def test_a_value_that_spells_or_counts_is_a_stand_in(name, value):
    assert rf404(lint(f'{name} = "{value}"\n', "tests/test_keys.py")) == []
    assert rf404(lint(f'const {name} = process.env.K || "{value}";\n', "e2e/keys.spec.ts")) == []


def test_a_random_key_next_to_the_stand_ins_is_still_reported():
    """A random key holds no word and no run like `123456` (one in ~10^9 draws would)."""
    key = make_context_secret(36)
    code = f'ALICE_API_KEY = "mcp_live-kid_alice_001-S3cr3tAlice"\nBOB_API_KEY = "{key}"\n'
    assert [line for line, _ in rf404(lint(code, "tests/test_keys.py"))] == [2]
    assert [line for line, _ in rf404(lint(f'const token = {{ apiKey: "{key}" }};\n', "a.spec.ts"))] == [1]


def test_algolia_search_only_key_in_a_docusaurus_config_is_public():
    """khoj's docusaurus.config.js: `themeConfig.algolia.apiKey` is Algolia's search-only
    key, public by design (docusaurus.io/docs/search). The same value under another object,
    Algolia's admin key, or a vendor's key in the same config are still reported."""
    key = make_context_secret(32)
    config = (
        "const config = {\n"
        "  themeConfig: {\n"
        f'    algolia: {{ appId: "NBR0FXJNGW", apiKey: "{key}", indexName: "khoj" }},\n'
        "  },\n"
        "};\n"
        "export default config;\n"
    )
    assert rf404(lint(config, "documentation/docusaurus.config.js")) == []
    for other in (f'openai: {{ apiKey: "{key}" }}', f'algolia: {{ adminApiKey: "{key}" }}'):
        code = f"const config = {{ themeConfig: {{ {other} }} }};\n"
        assert [line for line, _ in rf404(lint(code, "docusaurus.config.js"))] == [1], other
    flat = f'const apiKey = "{key}";\nconst algolia = {{ apiKey }};\n'
    assert [line for line, _ in rf404(lint(flat, "search.js"))] == [1]
    yaml_config = f"algolia:\n  appId: NBR0FXJNGW\n  apiKey: {key}\nopenai:\n  apiKey: {key}x\n"
    assert [line for line, _ in rf404(lint(yaml_config, "site/config.yaml"))] == [5]


def test_docsearch_options_hold_a_public_search_key():
    """llama_deploy's docs call `docsearch({container, appId, indexName, apiKey})`: the
    DocSearch shape (appId and indexName beside apiKey) is the search-only key; an object
    with an apiKey and only one of them, or another vendor's key, is still reported."""
    key = make_context_secret(32)
    code = f'docsearch({{\n  container: "#docsearch",\n  appId: "74VN1YECLR",\n  indexName: "gpt-index",\n  apiKey: "{key}",\n}});\n'
    assert rf404(lint(code, "docs/_static/js/search.js")) == []
    for partial in (
        f'{{ appId: "74VN1YECLR", apiKey: "{key}" }}',
        f'{{ indexName: "docs", apiKey: "{key}" }}',
    ):
        assert [line for line, _ in rf404(lint(f"search({partial});\n", "search.js"))] == [1], partial
    yaml_config = (
        f"search:\n  appId: X1\n  indexName: docs\n  apiKey: {key}\nllm:\n  appId: X1\n  apiKey: {key}y\n"
    )
    assert [line for line, _ in rf404(lint(yaml_config, "site/config.yaml"))] == [7]
