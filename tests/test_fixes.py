"""Fixes as edits: each rule's fix on Python (libcst) and JS/TS (tree-sitter), its safety,
that the fixed text parses, that the finding is gone, and that fixing again changes nothing."""

from __future__ import annotations

import textwrap

import pytest

from conftest import lint
from ragfirst.fixes.apply import fix_text, parses
from ragfirst.fixes.text_edits import EditError, apply_edits
from ragfirst.model import FixSafety, Span, TextEdit


def fix_all(code: str, path: str = "example.py", unsafe: bool = False, **other: str) -> str:
    """Fix until nothing changes (at most 5 rounds), re-linting between rounds."""
    text = textwrap.dedent(code)
    for _ in range(5):
        findings = lint(text, path, **other)
        outcome = fix_text(path, text, findings, unsafe)
        assert outcome.problem is None, outcome.problem
        if outcome.text == text:
            return text
        assert parses(path, outcome.text), outcome.text
        text = outcome.text
    raise AssertionError("fixes did not settle")


def fix_of(code: str, rule: str, path: str = "example.py", **other: str):
    text = textwrap.dedent(code)
    findings = [f for f in lint(text, path, **other) if f.rule_id == rule and not f.suppressed]
    assert findings, f"{rule} did not fire"
    fix_text(path, text, findings, unsafe=False)
    return findings[0].fix


def active(code: str, path: str = "example.py") -> list[str]:
    return [f.rule_id for f in lint(code, path) if not f.suppressed]


# -- RF401, Python -------------------------------------------------------------------

CHAT = """\
from openai import OpenAI

client = OpenAI()
reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])
"""


def test_rf401_chat_gets_max_completion_tokens():
    fixed = fix_all(CHAT)
    assert 'create(model="gpt-4.1-mini", messages=[], max_completion_tokens=4096)' in fixed
    assert "RF401" not in active(fixed)
    assert fix_of(CHAT, "RF401").safety is FixSafety.SAFE


def test_rf401_responses_gets_max_output_tokens():
    code = """\
    import openai

    client = openai.OpenAI()
    r = client.responses.create(
        model="gpt-4.1",
        input="hi",  # keep this comment
    )
    """
    fixed = fix_all(code)
    assert fixed == textwrap.dedent(
        """\
        import openai

        client = openai.OpenAI()
        r = client.responses.create(
            model="gpt-4.1",
            input="hi",  # keep this comment
            max_output_tokens=4096,
        )
        """
    )


def test_rf401_multiline_call_inside_a_function_keeps_the_block_indent():
    # Regression: a node rendered alone loses its block's indentation, so the edit was
    # refused; the whole module is rendered now.
    code = """\
    from openai import AsyncOpenAI

    llm = AsyncOpenAI()


    async def chat(question):
        reply = await llm.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": question}],
        )
        return reply
    """
    fixed = fix_all(code)
    assert (
        '        messages=[{"role": "user", "content": question}],\n        max_completion_tokens=4096,\n    )'
        in fixed
    )


def test_rf401_mistral_gets_max_tokens_and_the_option_sets_the_size(tmp_path):
    from dataclasses import replace

    from ragfirst.config.settings import Settings

    code = "from mistralai import Mistral\n\nc = Mistral()\nc.chat.complete(model='mistral-large-latest', messages=[])\n"
    settings = replace(Settings(), options={"RF401": {"default-output-cap": 800}})
    findings = [f for f in lint(code, settings=settings) if f.rule_id == "RF401"]
    outcome = fix_text("example.py", code, findings, unsafe=False)
    assert "messages=[], max_tokens=800)" in outcome.text


def test_rf401_none_cap_is_replaced_not_duplicated():
    code = CHAT.replace("messages=[])", "messages=[], max_completion_tokens=None)")
    fixed = fix_all(code)
    assert fixed.count("max_completion_tokens") == 1
    assert "max_completion_tokens=4096" in fixed


def test_rf401_reasoning_model_max_tokens_is_renamed():
    code = CHAT.replace('model="gpt-4.1-mini", messages=[]', 'model="o3-mini", messages=[], max_tokens=2000')
    fixed = fix_all(code)
    assert "max_completion_tokens=2000" in fixed and "max_tokens=" not in fixed


@pytest.mark.parametrize(
    ("path", "code", "kept"),
    [  # Perplexica's openaiLLM.ts passed max_completion_tokens to responses.stream (session 11)
        (
            "llm.py",
            "from openai import OpenAI\n\nr = OpenAI().responses.create(model='gpt-4.1', input='hi', max_tokens=700)\n",
            "max_output_tokens=700",
        ),
        (
            "llm.ts",
            'import OpenAI from "openai";\n\nconst s = new OpenAI().responses.stream({ model: m, input, max_completion_tokens: opts.max });\n',
            "max_output_tokens: opts.max",
        ),
    ],
)
def test_rf401_chat_cap_name_on_responses_is_renamed(path, code, kept):
    fixed = fix_all(code, path)
    assert kept in fixed and "max_tokens" not in fixed and "max_completion_tokens" not in fixed
    assert "RF401" not in active(fixed, path)


def test_rf401_genai_gets_a_config():
    code = """\
    from google import genai

    client = genai.Client()
    r = client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    """
    fixed = fix_all(code)
    assert 'contents="hi", config={"max_output_tokens": 4096})' in fixed
    assert "RF401" not in active(fixed)


def test_rf401_langchain_constructor():
    code = (
        "from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model='gpt-4.1-mini', temperature=0)\n"
    )
    fixed = fix_all(code)
    assert "ChatOpenAI(model='gpt-4.1-mini', temperature=0, max_tokens=4096)" in fixed


def test_rf401_small_reasoning_cap_hint_has_no_fix():
    code = CHAT.replace(
        'model="gpt-4.1-mini", messages=[]', 'model="o3", messages=[], max_completion_tokens=200'
    )
    assert "RF401" in active(code)
    assert fix_all(code) == code


def test_rf401_unicode_and_crlf_keep_their_places():
    code = 'from openai import OpenAI\r\n\r\nclient = OpenAI()\r\nr = client.chat.completions.create(model="gpt-4.1", messages=[{"content": "héllo ✓"}])\r\n'
    fixed = fix_all(code)
    assert fixed.endswith('"héllo ✓"}], max_completion_tokens=4096)\r\n')
    assert "\n" not in fixed.replace("\r\n", "")


# -- RF401, JS/TS --------------------------------------------------------------------

TS = """\
import OpenAI from "openai";

const openai = new OpenAI();
export async function ask(q: string) {
  return openai.chat.completions.create({
    model: "gpt-4.1-mini",
    messages: [{ role: "user", content: q }],
  });
}
"""


def test_rf401_openai_node_multiline_object():
    fixed = fix_all(TS, "route.ts")
    assert '    messages: [{ role: "user", content: q }],\n    max_completion_tokens: 4096,\n  });' in fixed
    assert "RF401" not in active(fixed, "route.ts")


@pytest.mark.parametrize("path", ["a.js", "a.tsx", "a.mjs"])
def test_rf401_ai_sdk_one_line(path):
    code = 'import { generateText } from "ai";\nimport { openai } from "@ai-sdk/openai";\nconst r = await generateText({ model: openai("gpt-4.1"), prompt: "hi" });\n'
    fixed = fix_all(code, path)
    assert 'prompt: "hi", maxOutputTokens: 4096 });' in fixed
    assert "RF401" not in active(fixed, path)


@pytest.mark.parametrize(
    ("path", "plain", "spread"),
    [
        ("a.ts", "messages: [] });", "messages: [], ...extra });"),
        ("a.py", "messages=[])", "messages=[], **extra)"),
    ],
)
def test_rf401_spread_arguments_make_the_fix_unsafe(path, plain, spread):
    from ragfirst.fixes.apply import applicable
    from ragfirst.fixes.rule_fixes import fix_for

    if path.endswith(".ts"):
        code = 'import OpenAI from "openai";\nconst openai = new OpenAI();\nconst c = await openai.chat.completions.create({ model: "gpt-4.1", messages: [] });\n'
    else:
        code = CHAT
    (finding,) = [f for f in lint(code, path) if f.rule_id == "RF401"]
    # The rule stays silent on spread calls (the cap may be inside); the fixer still
    # judges one by itself: same callee position, spread arguments -> unsafe.
    fix = fix_for(finding, code.replace(plain, spread))
    assert fix is not None and fix.safety is FixSafety.UNSAFE
    assert not applicable(fix, unsafe=False) and applicable(fix, unsafe=True)


def test_rf401_options_in_a_variable_get_no_fix():
    code = 'import OpenAI from "openai";\nconst openai = new OpenAI();\nconst c = await openai.chat.completions.create(options);\n'
    findings = [f for f in lint(code, "a.ts") if f.rule_id == "RF401"]
    for finding in findings:
        fix_text("a.ts", code, [finding], unsafe=True)
        assert finding.fix is None


# -- RF001 / RF002 -------------------------------------------------------------------


def test_rf001_own_line_comment_is_removed_with_its_line():
    code = "# ragfirst: ignore[RF101] -- old decision\nx = 1\n"
    assert active(code) == ["RF001"]
    assert fix_of(code, "RF001").safety is FixSafety.SAFE
    assert fix_all(code) == "x = 1\n"


def test_rf001_trailing_comment_is_removed_with_its_spaces():
    code = "x = 1  # ragfirst: ignore[RF101] -- old\n"
    assert fix_all(code) == "x = 1\n"


def test_rf001_only_the_unused_code_is_dropped():
    code = CHAT.replace("messages=[])", "messages=[])  # ragfirst: ignore[RF101, RF401] -- capped upstream")
    fixed = fix_all(code)
    assert "# ragfirst: ignore[RF401] -- capped upstream" in fixed
    assert active(fixed) == []


def test_rf001_unknown_code_and_last_line_without_newline():
    code = "x = 1\n# ragfirst: ignore[RF999]"
    assert fix_all(code) == "x = 1"


def test_rf001_in_typescript():
    code = "// ragfirst: ignore-file[RF101] -- nothing to train here\nexport const x = 1;\n"
    assert fix_all(code, "a.ts") == "export const x = 1;\n"


def test_rf002_reason_is_display_only():
    from dataclasses import replace

    from ragfirst.config.settings import Settings

    code = "x = 1  # ragfirst: ignore[RF101]\n"
    settings = replace(Settings(), require_reason=True)
    findings = [f for f in lint(code, settings=settings) if f.rule_id == "RF002"]
    assert findings
    outcome = fix_text("example.py", code, findings, unsafe=True)
    assert findings[0].fix is not None and findings[0].fix.safety is FixSafety.DISPLAY_ONLY
    assert outcome.text == code  # never applied


# -- the edit machinery --------------------------------------------------------------


def test_overlapping_edits_are_refused():
    with pytest.raises(EditError):
        apply_edits("abcdef\n", [TextEdit(Span(1, 0, 1, 3), "x"), TextEdit(Span(1, 2, 1, 4), "y")])


def test_edit_past_the_line_end_is_refused():
    with pytest.raises(EditError):
        apply_edits("ab\n", [TextEdit(Span(1, 5, 1, 5), "x")])


def test_a_fix_whose_result_would_not_parse_is_not_applied(monkeypatch):
    from ragfirst.fixes import apply
    from ragfirst.model import Fix

    findings = [f for f in lint(CHAT) if f.rule_id == "RF401"]
    broken = Fix("break it", (TextEdit(Span(4, 0, 4, 0), "((("),), FixSafety.SAFE)
    monkeypatch.setattr(apply, "fix_for", lambda finding, text: broken)
    outcome = fix_text("example.py", CHAT, findings, unsafe=False)
    assert outcome.text == CHAT and "not parse" in (outcome.problem or "")


def test_two_findings_on_one_call_are_fixed_over_two_rounds():
    # RF401 (add a cap) and RF001 (drop an unused code) touch the same line; both land.
    code = CHAT.replace("messages=[])", "messages=[])  # ragfirst: ignore[RF101]")
    fixed = fix_all(code)
    assert fixed.endswith("messages=[], max_completion_tokens=4096)\n")


# -- RF303 / RF302 / RF301 / RF404 / RF405 -------------------------------------------


def test_rf303_zero_overlap_becomes_ten_percent_unsafe():
    code = "from langchain_text_splitters import RecursiveCharacterTextSplitter\n\ns = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)\n"
    assert fix_of(code, "RF303").safety is FixSafety.UNSAFE
    assert fix_all(code) == code  # unsafe: not applied by --fix
    fixed = fix_all(code, unsafe=True)
    assert "chunk_size=1000, chunk_overlap=100)" in fixed
    assert "RF303" not in active(fixed)


def test_rf303_overlap_above_size_in_typescript():
    code = 'import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";\nconst s = new RecursiveCharacterTextSplitter({ chunkSize: 500, chunkOverlap: 600 });\n'
    fixed = fix_all(code, "a.ts", unsafe=True)
    assert "{ chunkSize: 500, chunkOverlap: 50 }" in fixed
    assert "RF303" not in active(fixed, "a.ts")


def test_rf303_overlap_from_a_constant_is_left_alone():
    code = "from langchain_text_splitters import RecursiveCharacterTextSplitter\n\nOVERLAP = 0\ns = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=OVERLAP)\n"
    assert "RF303" in active(code)  # the value is followed to the constant...
    assert fix_all(code, unsafe=True) == code  # ...but the fix does not overwrite the name


RAG_SAME_FILE = """\
from openai import OpenAI
from pinecone import Pinecone

client = OpenAI()
index = Pinecone().Index("kb")

def ingest(doc_id, text):
    vector = client.embeddings.create(model="text-embedding-3-large", input=text).data[0].embedding
    index.upsert(vectors=[(doc_id, vector)])

def search(question):
    vector = client.embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
    return index.query(vector=vector, top_k=5)
"""


def test_rf302_query_model_becomes_the_documents_model():
    assert "RF302" in active(RAG_SAME_FILE)
    assert fix_of(RAG_SAME_FILE, "RF302").safety is FixSafety.UNSAFE
    fixed = fix_all(RAG_SAME_FILE, unsafe=True)
    assert fixed.count('model="text-embedding-3-large"') == 2
    assert "RF302" not in active(fixed)


def test_rf302_across_files_edits_the_query_side_and_names_the_documents_place():
    query = RAG_SAME_FILE.split("def ingest")[0] + "def search" + RAG_SAME_FILE.split("def search")[1]
    ingest = RAG_SAME_FILE.split("def search")[0]
    from ragfirst.engine.runner import lint_sources

    found = lint_sources({"app/search.py": query, "jobs/ingest.py": ingest})
    (finding,) = [f for f in found if f.rule_id == "RF302"]
    fix_text(finding.path, query, [finding], unsafe=True)
    fix = finding.fix
    assert fix.safety is FixSafety.UNSAFE and "jobs/ingest.py:8" in fix.title
    (edit,) = fix.edits
    assert edit.new_text == '"text-embedding-3-large"' and edit.span.start_line == 8


def test_rf301_text_embedding_3_can_shorten_to_the_index():
    code = """\
    from openai import OpenAI
    from pinecone import Pinecone

    pc = Pinecone()
    pc.create_index(name="docs", dimension=1536, spec={})
    index = pc.Index("docs")
    vec = OpenAI().embeddings.create(model="text-embedding-3-large", input=["x"]).data[0].embedding
    index.upsert(vectors=[("id", vec)])
    """
    fixed = fix_all(code, unsafe=True)
    assert 'input=["x"], dimensions=1536)' in fixed
    assert "RF301" not in active(fixed)


def test_rf301_model_that_cannot_shorten_is_display_only():
    code = """\
    from openai import OpenAI
    from pinecone import Pinecone

    pc = Pinecone()
    pc.create_index(name="docs", dimension=3072, spec={})
    index = pc.Index("docs")
    vec = OpenAI().embeddings.create(model="text-embedding-ada-002", input=["x"]).data[0].embedding
    index.upsert(vectors=[("id", vec)])
    """
    fix = fix_of(code, "RF301")
    assert fix.safety is FixSafety.DISPLAY_ONLY and "dimension 1536" in fix.title


KEY = "sk-proj-" + "Ab1" * 19 + "A" + "T3BlbkFJ" + "Cd2" * 19 + "C"


def test_rf404_python_literal_becomes_os_environ_with_import():
    code = f'"""Client."""\nfrom openai import OpenAI\n\nclient = OpenAI(api_key="{KEY}")\n'
    fix = fix_of(code, "RF404")
    assert fix.safety is FixSafety.UNSAFE
    fixed = fix_all(code, unsafe=True)
    assert (
        fixed
        == '"""Client."""\nimport os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n'
    )
    assert "RF404" not in active(fixed)


def test_rf404_typescript_literal_becomes_process_env():
    code = f'import OpenAI from "openai";\nconst c = new OpenAI({{ apiKey: "{KEY}" }});\n'
    fixed = fix_all(code, "a.ts", unsafe=True)
    assert "new OpenAI({ apiKey: process.env.OPENAI_API_KEY });" in fixed


def test_rf404_in_a_dotenv_file_is_display_only():
    fix = fix_of(f"OPENAI_API_KEY={KEY}\n", "RF404", ".env.production")
    assert fix.safety is FixSafety.DISPLAY_ONLY and fix.edits == ()


def test_rf405_is_display_only_with_the_server_name():
    code = '"use client";\nimport OpenAI from "openai";\nconst o = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true });\n'
    fix = fix_of(code, "RF405", "app/page.tsx")
    assert fix.safety is FixSafety.DISPLAY_ONLY and "OPENAI_API_KEY" in fix.title


# -- config files --------------------------------------------------------------------


def test_rf001_in_a_yaml_config_keeps_it_valid_yaml():
    import yaml

    code = (
        "model_list:\n"
        "  - model_name: gpt-4.1  # ragfirst: ignore[RF403] -- reviewed\n"
        "    litellm_params: {model: openai/gpt-4.1}\n"
        "litellm_settings:\n"
        "  # ragfirst: ignore[RF101] -- nothing to train\n"
        "  max_budget: 100\n"
        "  budget_duration: 30d\n"
    )
    findings = [f for f in lint(code, "litellm/config.yaml") if f.rule_id == "RF001"]
    assert len(findings) == 2
    fixed = fix_all(code, "litellm/config.yaml")
    assert "ragfirst" not in fixed
    assert yaml.safe_load(fixed)["litellm_settings"] == {"max_budget": 100, "budget_duration": "30d"}
    assert fixed.startswith("model_list:\n  - model_name: gpt-4.1\n")


def test_rf001_in_requirements_txt():
    code = "openai==1.0  # ragfirst: ignore[RF101] -- old\nrequests\n"
    assert active(code, "requirements.txt") == ["RF001"]
    assert fix_all(code, "requirements.txt") == "openai==1.0\nrequests\n"
