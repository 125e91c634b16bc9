"""Fixes outside plain modules: notebook cells (edited inside the .ipynb JSON, in the
file's own style), Vue/Svelte script blocks, YAML/JSON config values, and RF401's cap
put into an options object defined apart from the call. Each: the edit, its safety, the
fixed file parses, the finding is gone, a second round changes nothing; and look-alikes
that must get no edit."""

from __future__ import annotations

import json

import pytest

from conftest import lint
from ragfirst.fixes.apply import fix_text, parses
from ragfirst.model import FixSafety

KEY = "sk-proj-" + "a8Kd93jfLq0PzXv7Tn2RbWc4YhM1eGs6T3BlbkFJa8Kd93jfLq0PzXv7Tn2R"


def settle(path: str, text: str, unsafe: bool = False, rounds: int = 5) -> str:
    for _ in range(rounds):
        outcome = fix_text(path, text, lint(text, path), unsafe)
        assert outcome.problem is None, outcome.problem
        if outcome.text == text:
            return text
        assert parses(path, outcome.text), outcome.text
        text = outcome.text
    raise AssertionError("fixes did not settle")


def fix_of(path: str, text: str, rule: str):
    findings = [f for f in lint(text, path) if f.rule_id == rule and not f.suppressed]
    assert findings, f"{rule} did not fire"
    fix_text(path, text, findings, unsafe=True)
    return findings[0].fix


def active(path: str, text: str) -> list[str]:
    return sorted(f.rule_id for f in lint(text, path) if not f.suppressed)


# -- notebooks -------------------------------------------------------------------------


def notebook(*sources, indent: int = 1) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Démo\n", "notes"]}]
    cells += [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in sources
    ]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


CELL = [
    "!pip install openai\n",
    "from openai import OpenAI\n",
    "client = OpenAI()\n",
    "reply = client.chat.completions.create(\n",
    '    model="gpt-4.1-mini",\n',
    '    messages=[{"role": "user", "content": "héllo"}],\n',
    ")\n",
    "print(reply)",
]


def test_a_notebook_cell_is_fixed_inside_the_json_keeping_its_style():
    text = notebook(CELL, 'r = client.responses.create(model="gpt-4.1-mini", input="x")')
    fixed = settle("demo.ipynb", text)
    assert fixed.count("\n") == text.count("\n") + 1  # one new line item, nothing reflowed
    assert '    "    max_completion_tokens=4096,\\n",\n    ")\\n",' in fixed
    assert 'input=\\"x\\", max_output_tokens=4096)"' in fixed  # a cell whose source is one string
    assert "héllo" in fixed and "Démo" in fixed  # non-ASCII stays as the file wrote it
    document = json.loads(fixed)
    assert document["cells"][1]["source"][6] == "    max_completion_tokens=4096,\n"
    assert active("demo.ipynb", fixed) == []
    assert fix_of("demo.ipynb", text, "RF401").safety is FixSafety.SAFE


def test_a_notebook_written_with_ascii_escapes_and_two_space_indent_keeps_them():
    text = (
        json.dumps(json.loads(notebook(CELL)), indent=2, ensure_ascii=True) + "\n"
    )  # nbformat's own writer: indent 1; other tools: 2, escaped
    fixed = settle("demo.ipynb", text)
    assert '      "    max_completion_tokens=4096,\\n",\n' in fixed
    assert "h\\u00e9llo" in fixed and "héllo" not in fixed


def test_two_fixes_in_one_cell_land_in_one_round():
    cell = [
        "from openai import OpenAI\n",
        "client = OpenAI()\n",
        'a = client.chat.completions.create(model="gpt-4.1-mini", messages=[])\n',
        'b = client.responses.create(model="gpt-4.1-mini", input="x")\n',
    ]
    text = notebook(cell)
    findings = lint(text, "demo.ipynb")
    outcome = fix_text("demo.ipynb", text, findings, unsafe=False)
    assert len(outcome.applied) == 2
    assert active("demo.ipynb", outcome.text) == []


def test_an_edit_on_an_ipython_line_or_in_a_non_python_cell_is_refused():
    # The call shares its line with a magic: rewriting the line would lose the magic.
    magic = [
        "from openai import OpenAI\n",
        "client = OpenAI()\n",
        '%time r = client.responses.create(model="gpt-4.1-mini", input="x")',
    ]
    text = notebook(magic)
    assert active("demo.ipynb", text) == ["RF401"]
    assert fix_text("demo.ipynb", text, lint(text, "demo.ipynb"), unsafe=True).applied == []
    bash = ["%%bash\n", 'echo "client.responses.create(model=1)"']
    text = notebook(bash)
    assert fix_text("demo.ipynb", text, lint(text, "demo.ipynb"), unsafe=True).applied == []


def test_a_notebook_cell_that_changed_since_the_analysis_gets_no_fix():
    text = notebook(CELL)
    findings = lint(text, "demo.ipynb")
    moved = text.replace('"!pip install openai\\n",', '"!pip install openai\\n",\n    "# new line\\n",')
    assert fix_text("demo.ipynb", moved, findings, unsafe=False).applied == []


# -- Vue and Svelte --------------------------------------------------------------------

VUE = """\
<template>
  <div>{{ answer }} — ünïcode</div>
</template>

<script setup lang="ts">
import OpenAI from "openai";
const client = new OpenAI({ apiKey: "x", dangerouslyAllowBrowser: true });
const answer = await client.chat.completions.create({
  model: "gpt-4.1-mini",
  messages: [],
});
</script>
"""
SVELTE = """\
<script lang="ts">
  import { generateText } from "ai";
  import { openai } from "@ai-sdk/openai";
  const r = generateText({ model: openai("gpt-4o"), prompt: "x" });
</script>

<p>é {r}</p>
"""


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("App.vue", VUE, "  messages: [],\n  max_completion_tokens: 4096,\n});\n</script>\n"),
        ("Page.svelte", SVELTE, 'prompt: "x", maxOutputTokens: 4096 });\n</script>\n\n<p>é {r}</p>\n'),
    ],
)
def test_component_script_blocks_are_fixed_in_place(path, text, expected):
    fixed = settle(path, text)
    assert fixed.endswith(expected), fixed
    assert fixed.startswith(text.split("<script")[0])  # the template is untouched
    assert "RF401" not in active(path, fixed)
    assert fix_of(path, text, "RF401").safety is FixSafety.SAFE


def test_a_component_whose_script_would_not_parse_is_not_fixed():
    broken = SVELTE.replace('prompt: "x" });', 'prompt: "x" });\n  const = ;')
    findings = lint(broken, "Page.svelte")
    assert not parses("Page.svelte", broken)
    assert fix_text("Page.svelte", broken, findings, unsafe=False).applied == []


def test_a_key_in_a_component_is_guidance_not_process_env():
    text = SVELTE.replace('import { generateText } from "ai";', 'import OpenAI from "openai";')
    text = text.replace(
        'const r = generateText({ model: openai("gpt-4o"), prompt: "x" });',
        f'const client = new OpenAI({{ apiKey: "{KEY}" }});',
    )
    fix = fix_of("Page.svelte", text, "RF404")
    assert fix.safety is FixSafety.DISPLAY_ONLY and not fix.edits


# -- config values ---------------------------------------------------------------------

APP_CONFIG = """\
embedding:
  provider: openai
  model: text-embedding-3-small  # small
vector_store:
  provider: qdrant
  collection_name: docs
  dimension: 768  # keep this comment
"""


def test_rf301_in_a_yaml_config_sets_the_store_dimension_unsafe():
    fix = fix_of("config.yaml", APP_CONFIG, "RF301")
    assert fix.safety is FixSafety.UNSAFE
    assert settle("config.yaml", APP_CONFIG) == APP_CONFIG  # not applied by --fix
    fixed = settle("config.yaml", APP_CONFIG, unsafe=True)
    assert fixed == APP_CONFIG.replace("dimension: 768  #", "dimension: 1536  #")
    assert active("config.yaml", fixed) == []


def test_rf301_in_a_json_config():
    text = json.dumps(
        {
            "embedding": {"model": "text-embedding-3-large"},
            "vector_store": {"provider": "qdrant", "dimension": 1536},
        },
        indent=2,
    )
    if "RF301" not in active("config.json", text):
        pytest.skip("RF301 reads this JSON shape from YAML only")
    fixed = settle("config.json", text, unsafe=True)
    assert '"dimension": 3072' in fixed and json.loads(fixed)


def test_rf301_with_a_quoted_or_computed_dimension_gets_no_edit():
    quoted = APP_CONFIG.replace("dimension: 768", 'dimension: "768"')
    for text in (quoted,):
        findings = [f for f in lint(text, "config.yaml") if f.rule_id == "RF301"]
        for finding in findings:
            fix_text("config.yaml", text, [finding], unsafe=True)
            assert finding.fix is None or not finding.fix.edits


def test_rf404_in_docker_compose_becomes_an_interpolation():
    text = f'services:\n  app:\n    environment:\n      OPENAI_API_KEY: "{KEY}"  # prod\n'
    fix = fix_of("docker-compose.yml", text, "RF404")
    assert fix.safety is FixSafety.UNSAFE
    fixed = settle("docker-compose.yml", text, unsafe=True)
    assert fixed == 'services:\n  app:\n    environment:\n      OPENAI_API_KEY: "${OPENAI_API_KEY}"  # prod\n'
    assert "RF404" not in active("docker-compose.yml", fixed)


def test_rf404_in_a_litellm_config_becomes_os_environ():
    text = (
        "model_list:\n  - model_name: gpt\n    litellm_params:\n      model: openai/gpt-4o\n"
        f"      api_key: '{KEY}'\n"
    )
    fixed = settle("litellm/config.yaml", text, unsafe=True)
    assert "      api_key: 'os.environ/" in fixed
    assert "RF404" not in active("litellm/config.yaml", fixed)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("config.yaml", f"openai:\n  api_key: {KEY}\n"),  # no reference syntax in a plain config
        ("config.json", f'{{"openai": {{"api_key": "{KEY}"}}}}\n'),
        ("config.toml", f'[openai]\napi_key = "{KEY}"\n'),
        (".env", f"OPENAI_API_KEY={KEY}\n"),
    ],
)
def test_rf404_in_other_configs_is_display_only_guidance(path, text):
    fix = fix_of(path, text, "RF404")
    assert fix.safety is FixSafety.DISPLAY_ONLY and not fix.edits
    assert "environment" in fix.title
    assert settle(path, text, unsafe=True) == text


# -- RF401 into a shared options object ------------------------------------------------

SHARED = """\
import { generateText } from "ai";
import { openai } from "@ai-sdk/openai";
const opts = {
  model: openai("gpt-4o"),
  prompt: "x",
};
const r = await generateText(opts);
"""


def test_rf401_cap_goes_into_an_object_two_calls_to_the_same_function_share():
    text = SHARED + "const again = await generateText(opts);\n"
    fixed = settle("route.ts", text, unsafe=True)
    assert fixed.count("maxOutputTokens: 4096") == 1
    assert "RF401" not in active("route.ts", fixed)


def test_rf401_cap_goes_into_the_options_object_the_call_uses():
    fix = fix_of("route.ts", SHARED, "RF401")
    assert fix.safety is FixSafety.UNSAFE  # other code may read the object
    assert settle("route.ts", SHARED) == SHARED
    fixed = settle("route.ts", SHARED, unsafe=True)
    assert fixed == SHARED.replace('  prompt: "x",\n', '  prompt: "x",\n  maxOutputTokens: 4096,\n')
    assert "RF401" not in active("route.ts", fixed)


@pytest.mark.parametrize(
    "variant",
    [
        SHARED.replace("const opts = {", "let opts = {").replace(
            "const r =", 'opts = { model: openai("gpt-4o"), prompt: "y" };\nconst r ='
        ),  # assigned again
        SHARED.replace(
            "const r =", 'function f() { const opts = { prompt: "z" }; return opts; }\nconst r ='
        ),  # two definitions
        SHARED.replace("const r =", "function g(opts) { return opts; }\nconst r ="),  # a parameter
        SHARED.replace("const r =", "setUp(opts);\nconst r ="),  # might set a cap
        SHARED.replace("const r =", "const more = { ...opts, temperature: 0 };\nconst r ="),
    ],
)
def test_rf401_no_edit_when_the_options_object_is_not_one_definition(variant):
    findings = [f for f in lint(variant, "route.ts") if f.rule_id == "RF401"]
    assert findings  # the rule fires: only the edit is withheld
    fix_text("route.ts", variant, findings, unsafe=True)
    assert all(f.fix is None for f in findings)


def test_rf401_an_object_assign_before_the_call_opens_the_options():
    """`Object.assign(opts, {...})` may give the object a cap: no finding, so no edit
    (tests/test_spend_rules.py has the rule's side)."""
    variant = SHARED.replace("const r =", "Object.assign(opts, { maxOutputTokens: 100 });\nconst r =")
    assert [f for f in lint(variant, "route.ts") if f.rule_id == "RF401"] == []


# -- line endings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "unsafe"),
    [
        ("App.vue", VUE, False),
        ("config.yaml", APP_CONFIG, True),
        ("demo.ipynb", notebook(CELL), False),
        ("route.ts", SHARED, True),
    ],
)
def test_crlf_files_stay_crlf(path, text, unsafe):
    lf = settle(path, text, unsafe=unsafe)
    assert lf != text
    crlf = settle(path, text.replace("\n", "\r\n"), unsafe=unsafe)
    assert crlf == lf.replace("\n", "\r\n")


def test_a_query_model_in_a_config_is_replaced_by_its_parser_position():
    # RF302's edit of the query side when that side is a config value (the same helper
    # the rule's fix uses): the value keeps its quoting; an ambiguous line gets none.
    from ragfirst.fixes.rag_fixes import _replace_string_on_line
    from ragfirst.fixes.text_edits import apply_edits

    text = 'embedding:\n  model: "text-embedding-3-small"  # docs\nquery: {model: text-embedding-3-small}\n'
    for line in (2, 3):
        edit = _replace_string_on_line(
            "rag.yaml", text, line, "text-embedding-3-small", "text-embedding-3-large"
        )
        fixed = apply_edits(text, [edit])
        assert parses("rag.yaml", fixed) and fixed.count("text-embedding-3-large") == 1
    assert '"text-embedding-3-large"  # docs' in apply_edits(
        text,
        [_replace_string_on_line("rag.yaml", text, 2, "text-embedding-3-small", "text-embedding-3-large")],
    )
    two = "pair: {a: m-1, b: m-1}\n"
    assert _replace_string_on_line("rag.yaml", two, 1, "m-1", "m-2") is None
    edit = _replace_string_on_line("rag.json", '{"model": "a-b"}\n', 1, "a-b", "c-d")
    assert apply_edits('{"model": "a-b"}\n', [edit]) == '{"model": "c-d"}\n'


def test_a_config_is_never_written_unparsable(monkeypatch):
    from ragfirst.fixes import apply
    from ragfirst.model import Fix, Span, TextEdit

    for path, text, broken in (
        ("config.yaml", APP_CONFIG, "dimension: [768"),
        ("config.json", '{"a": 1}\n', '{"a": '),
        ("config.toml", "a = 1\n", "a = = 1"),
    ):
        findings = [f for f in lint(APP_CONFIG, "config.yaml") if f.rule_id == "RF301"]
        bad = Fix("break it", (TextEdit(Span(1, 0, 1, len(text.splitlines()[0])), broken),), FixSafety.UNSAFE)
        monkeypatch.setattr(apply, "fix_for", lambda finding, _text, bad=bad: bad)
        outcome = fix_text(path, text, findings, unsafe=True)
        assert outcome.text == text and "not parse" in (outcome.problem or ""), path
