"""Rules on JavaScript/TypeScript through the real engine: RF101's `javascript:` matchers
fire on every SDK spelling and on nothing else, suppression comments work with `//`,
a file that does not parse is one RF000, default excludes skip bundles, and RF201 finds
the data file a TypeScript route uploads (samples/nextjs-app)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.conftest import REPO_ROOT, ids, lines_of, lint
from tests.lsp.test_server_e2e import (
    apply_edit,
    change_doc,
    code_actions,
    codes,
    open_doc,
    push_capabilities,
    start,
    wait_for,
)

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.fixes.suppression_comments import file_suppression_edit
from ragfirst.source import SourceText

OPENAI_ROUTE = """\
    import OpenAI from "openai";

    const openai = new OpenAI();

    export async function POST() {
      return openai.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: "file-abc" });
    }
    """

FIRES = {
    "openai-default-import": (OPENAI_ROUTE, "OpenAI"),
    "openai-named-import": (
        """\
        import { OpenAI } from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "file-abc" });
        """,
        "OpenAI",
    ),
    "openai-resume": (
        """\
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.fineTuning.jobs.resume("ftjob-abc");
        """,
        "OpenAI",
    ),
    "openai-require": (
        """\
        const OpenAI = require("openai");
        const client = new OpenAI();
        client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "file-abc" });
        """,
        "OpenAI",
    ),
    "openai-dynamic-import": (
        """\
        export async function tune() {
          const { default: OpenAI } = await import("openai");
          return new OpenAI().fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
        }
        """,
        "OpenAI",
    ),
    "openai-legacy-v3": (
        """\
        import { Configuration, OpenAIApi } from "openai";
        const api = new OpenAIApi(new Configuration({ apiKey: "x" }));
        await api.createFineTune({ training_file: "file-abc", model: "curie" });
        """,
        "OpenAI",
    ),
    "azure-class-field": (
        """\
        import { AzureOpenAI } from "openai";
        export class Tuner {
          private client: AzureOpenAI;
          constructor() {
            this.client = new AzureOpenAI({ endpoint: "https://x.openai.azure.com", apiVersion: "2024-10-21" });
          }
          start(file: string) {
            return this.client?.fineTuning?.jobs.create({ model: "gpt-4o-mini", training_file: file });
          }
        }
        """,
        "Azure OpenAI",
    ),
    "mistral": (
        """\
        import { Mistral } from "@mistralai/mistralai";
        const mistral = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? "" });
        await mistral.fineTuning.jobs.create({ model: "open-mistral-7b", trainingFiles: [{ fileId: "f", weight: 1 }] });
        """,
        "Mistral",
    ),
    "mistral-standalone": (
        """\
        import { MistralCore } from "@mistralai/mistralai/core.js";
        import { fineTuningJobsCreate } from "@mistralai/mistralai/funcs/fineTuningJobsCreate.js";
        const core = new MistralCore();
        await fineTuningJobsCreate(core, { model: "open-mistral-7b", hyperparameters: {} });
        """,
        "Mistral",
    ),
    "together": (
        """\
        import Together from "together-ai";
        const together = new Together();
        await together.fineTuning.create({ model: "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", training_file: "file-1" });
        """,
        "Together AI",
    ),
    "replicate": (
        """\
        import Replicate from "replicate";
        const replicate = new Replicate();
        await replicate.trainings.create("ostris", "flux-dev-lora-trainer", "v1", { destination: "me/flux", input: {} });
        """,
        "Replicate",
    ),
    "google-genai": (
        """\
        import { GoogleGenAI } from "@google/genai";
        const ai = new GoogleGenAI({ vertexai: true, project: "p", location: "us-central1" });
        await ai.tunings.tune({ baseModel: "gemini-2.5-flash", trainingDataset: { gcsUri: "gs://b/t.jsonl" } });
        """,
        "Google Gemini",
    ),
    "vertex-gapic": (
        """\
        const { v1 } = await import("@google-cloud/aiplatform");
        const [op] = await new v1.GenAiTuningServiceClient().createTuningJob({ parent: "p", tuningJob: {} });
        """,
        "Vertex AI",
    ),
    "bedrock-command": (
        """\
        import { BedrockClient, CreateModelCustomizationJobCommand } from "@aws-sdk/client-bedrock";
        const client = new BedrockClient({ region: "us-west-2" });
        await client.send(
          new CreateModelCustomizationJobCommand({ jobName: "j", customModelName: "m", roleArn: "a", baseModelIdentifier: "b" }),
        );
        """,
        "Amazon Bedrock",
    ),
    "cohere": (
        """\
        import { CohereClient } from "cohere-ai";
        const cohere = new CohereClient({ token: "t" });
        await cohere.finetuning.createFinetunedModel({ name: "m", settings: { baseModel: { baseType: "BASE_TYPE_CHAT" }, datasetId: "d" } });
        """,
        "Cohere",
    ),
}


@pytest.mark.parametrize(("code", "provider"), FIRES.values(), ids=FIRES.keys())
@pytest.mark.parametrize("suffix", [".ts", ".js"])
def test_rf101_fires_on_every_js_sdk(code, provider, suffix):
    if suffix == ".js" and ("private " in code or ": AzureOpenAI" in code or "file: string" in code):
        suffix = ".ts"  # TypeScript-only syntax
    findings = [f for f in lint(code, path=f"tune{suffix}") if f.rule_id == "RF101"]
    assert len(findings) == 1, [(f.rule_id, f.message) for f in lint(code, path=f"tune{suffix}")]
    assert findings[0].message.startswith(f"{provider} fine-tuning job")


def test_rf101_message_names_the_model_and_points_at_the_callee():
    findings = lint(OPENAI_ROUTE, path="app/api/tune/route.ts")
    (finding,) = [f for f in findings if f.rule_id == "RF101"]
    assert "on gpt-4o-mini-2024-07-18" in finding.message
    assert "(openai.fineTuning.jobs.create)" in finding.message
    assert (finding.span.start_line, finding.span.start_col) == (6, 9)


PASSES = {
    "local-class-named-openai": """\
        class OpenAI {
          fineTuning = { jobs: { create: (params: object) => params } };
        }
        const client = new OpenAI();
        client.fineTuning.jobs.create({ model: "gpt-4o-mini" });
        """,
    "local-factory-named-openai": """\
        function OpenAI() {
          return { fineTuning: { jobs: { create: (p: object) => p } } };
        }
        OpenAI().fineTuning.jobs.create({ model: "gpt-4o-mini" });
        """,
    "bullmq-and-agenda": """\
        import { Queue } from "bullmq";
        import Agenda from "agenda";
        const queue = new Queue("fine-tune");
        await queue.jobs.create({ model: "gpt-4o-mini" });
        new Agenda().create("fineTuning.jobs.create", {});
        """,
    "management-comments-strings": """\
        import OpenAI from "openai";
        const openai = new OpenAI();
        await openai.fineTuning.jobs.list({ limit: 10 });
        await openai.fineTuning.jobs.retrieve("ftjob-abc");
        // openai.fineTuning.jobs.create({ model: "gpt-4o-mini" })
        /* new OpenAI().fineTuning.jobs.create() */
        const NOTE = "openai.fineTuning.jobs.create";
        const t = `client.fineTuning.jobs.create(${NOTE})`;
        """,
    "bedrock-runtime": """\
        import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
        await new BedrockRuntimeClient({}).send(new ConverseCommand({ modelId: "m", messages: [] }));
        """,
    "replicate-inference": """\
        import Replicate from "replicate";
        await new Replicate().run("owner/model:ver", { input: {} });
        """,
    "parameter-shadows-import": """\
        import OpenAI from "openai";
        export function run(OpenAI: any) {
          return new OpenAI().fineTuning.jobs.create({});
        }
        """,
}


@pytest.mark.parametrize("code", PASSES.values(), ids=PASSES.keys())
def test_rf101_ignores_look_alikes(code):
    assert "RF101" not in ids(lint(code, path="look_alike.ts"))


def test_rf101_in_vue_and_svelte_components():
    vue = """\
        <template>
          <button @click="tune">Tune</button>
        </template>

        <script setup lang="ts">
        import OpenAI from "openai";
        const openai = new OpenAI({ dangerouslyAllowBrowser: true });
        const tune = () => openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
        </script>
        """
    assert lines_of(lint(vue, path="src/Tune.vue"), "RF101") == [8]
    svelte = vue.replace('<script setup lang="ts">', "<script>").replace("@click", "on:click")
    assert lines_of(lint(svelte, path="src/Tune.svelte"), "RF101") == [8]


def test_suppression_comments_in_typescript():
    code = """\
        import OpenAI from "openai";

        const openai = new OpenAI();
        // ragfirst: ignore[RF101] -- 48k labelled pairs, RAG at 71% after reranking, ADR-7
        await openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "a" });
        await openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "b" }); // ragfirst: ignore[RF101] -- ADR-7
        /* ragfirst: ignore[RF101] -- ADR-7 */
        await openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "c" });
        await openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "d" });
        """
    findings = [f for f in lint(code, path="tune.ts") if f.rule_id == "RF101"]
    assert [(f.span.start_line, f.suppressed) for f in findings] == [
        (5, True),
        (6, True),
        (8, True),
        (9, False),
    ]
    assert findings[0].suppression_reason == "48k labelled pairs, RAG at 71% after reranking, ADR-7"


def test_file_level_suppression_and_unused_suppression():
    code = """\
        // ragfirst: ignore-file[RF101] -- this script is the approved training path
        import OpenAI from "openai";
        new OpenAI().fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "a" });
        """
    assert ids(lint(code, path="tune.mjs")) == []
    unused = """\
        import OpenAI from "openai";
        // ragfirst: ignore[RF101] -- nothing to silence here
        await new OpenAI().fineTuning.jobs.list();
        """
    assert "RF001" in ids(lint(unused, path="list.ts"))


def test_a_file_that_does_not_parse_is_one_rf000():
    code = """\
        import OpenAI from "openai";
        const openai = new OpenAI();
        openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "a" ;
        """
    findings = lint(code, path="broken.ts")
    assert "RF000" in ids(findings)
    error = next(f for f in findings if f.rule_id == "RF000")
    assert error.span.start_line == 3
    assert "syntax error" in error.message


def test_a_broken_component_is_rf000_at_its_line_in_the_file():
    # The component mentions a whole training call, so the prefilter parses it (a file that
    # names no complete rule pattern is never parsed, and so never gets RF000).
    code = """\
        <template><p>import OpenAI from "openai"; client.fineTuning.jobs.create()</p></template>
        <script lang="ts">
        const x: = 1;
        </script>
        """
    findings = lint(code, path="Broken.vue")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("RF000", 3)]


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


def test_bundles_and_dependencies_are_skipped_by_default_excludes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tune = 'const OpenAI = require("openai"); new OpenAI().fineTuning.jobs.create({ model: "m" });\n'
    write(
        tmp_path,
        {
            "ragfirst.toml": "",
            "src/tune.ts": tune,
            "public/vendor.min.js": tune,
            "dist/index.js": tune,
            "build/server.js": tune,
            "node_modules/openai/examples/fine-tuning.js": tune,
        },
    )
    result = lint_paths([tmp_path], ConfigResolver())
    assert sorted({f.path for f in result.findings}) == ["src/tune.ts"]
    assert result.files_parsed == 1  # the others were never read


def test_rf201_and_rf203_on_the_nextjs_sample(monkeypatch):
    sample = REPO_ROOT / "samples" / "nextjs-app"
    monkeypatch.chdir(sample)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    findings = [f for f in lint_paths([Path(".")], ConfigResolver()).findings if not f.suppressed]
    route = "app/api/tune/route.ts"
    by_rule = {f.rule_id: f for f in findings if f.path == route}
    assert {"RF101", "RF201", "RF203"} <= set(by_rule)
    assert "data/train.jsonl has 12 examples" in by_rule["RF201"].message
    assert "4 epochs" in by_rule["RF203"].message
    assert by_rule["RF101"].span.start_line == 13
    # The chat route imports its client from lib/openai.ts (not resolved across files)
    # and caps its output; the page is plain React. The summarize route streams with no
    # cap, and .env.example names a key that Next.js would ship to browsers.
    summarize = "app/api/summarize/route.ts"
    assert {f.path for f in findings} == {route, summarize, ".env.example"}
    assert [(f.rule_id, f.span.start_line) for f in findings if f.path == summarize] == [("RF401", 8)]
    assert [(f.rule_id, f.span.start_line) for f in findings if f.path == ".env.example"] == [("RF405", 5)]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_language_server_lints_typescript_with_a_line_suppression_fix(client):
    sample = REPO_ROOT / "samples" / "nextjs-app"
    route = sample / "app" / "api" / "tune" / "route.ts"
    await start(client, [sample], capabilities=push_capabilities())
    uri = route.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="typescript", version=1, text=route.read_text(encoding="utf-8")
            )
        )
    )
    await wait_for(lambda: any(str(d.code) == "RF101" for d in client.diagnostics.get(uri, [])))
    (rf101,) = [d for d in client.diagnostics[uri] if str(d.code) == "RF101"]
    assert (rf101.range.start.line, rf101.range.start.character) == (12, 20)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rf101.range,
            context=types.CodeActionContext(diagnostics=[rf101]),
        )
    )
    action = next(a for a in actions or [] if a.title == "Suppress RF101 on this line (with reason)")
    (change,) = action.edit.document_changes
    inserted = [edit.new_text for edit in change.edits]
    assert inserted and inserted[0].startswith("  // ragfirst: ignore[RF101] -- "), inserted


# ============================================================================================
# RF401 uncapped-llm-output in JS/TS
# ============================================================================================

RF401_FIRES = {
    "openai-chat": (
        """\
        import OpenAI from "openai";
        const openai = new OpenAI();
        await openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });
        """,
        "max_completion_tokens",
    ),
    "openai-chat-stream-helper": (
        """\
        const { OpenAI } = require("openai");
        const stream = new OpenAI().chat.completions.stream({ model: "gpt-4.1-mini", messages: [] });
        """,
        "max_completion_tokens",
    ),
    "openai-parse": (
        """\
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.chat.completions.parse({ model: "gpt-4.1-mini", messages: [], response_format: {} });
        """,
        "max_completion_tokens",
    ),
    "openai-beta-parse": (
        """\
        import OpenAI from "openai";
        await new OpenAI().beta.chat.completions.parse({ model: "gpt-4o-mini", messages: [] });
        """,
        "max_completion_tokens",
    ),
    "openai-responses": (
        """\
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.responses.create({ model: "gpt-4.1-mini", input: "Hi" });
        """,
        "max_output_tokens",
    ),
    "azure-class-field": (
        """\
        import { AzureOpenAI } from "openai";
        export class Chat {
          private client = new AzureOpenAI({ endpoint: "https://x.openai.azure.com", apiVersion: "2024-10-21" });
          ask(q: string) {
            return this.client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
          }
        }
        """,
        "max_completion_tokens",
    ),
    "vercel-generate-text": (
        """\
        import { generateText } from "ai";
        import { openai } from "@ai-sdk/openai";
        const { text } = await generateText({ model: openai("gpt-4.1-mini"), prompt: "Hi" });
        """,
        "maxOutputTokens (AI SDK 5 and later; maxTokens in AI SDK 4)",
    ),
    "vercel-namespace-stream-object": (
        """\
        import * as ai from "ai";
        const result = ai.streamObject({ model: "openai/gpt-4.1-mini", schema: {}, prompt: "Hi" });
        """,
        "maxOutputTokens (AI SDK 5 and later; maxTokens in AI SDK 4)",
    ),
    "vercel-aliased-stream-text": (
        """\
        import { streamText as stream } from "ai";
        export const POST = async () => stream({ model: "anthropic/claude-haiku-4-5", prompt: "Hi" }).toTextStreamResponse();
        """,
        "maxOutputTokens (AI SDK 5 and later; maxTokens in AI SDK 4)",
    ),
    "google-genai-no-config": (
        """\
        import { GoogleGenAI } from "@google/genai";
        const ai = new GoogleGenAI({});
        await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
        """,
        "config: { maxOutputTokens: ... }",
    ),
    "google-genai-config-without-cap": (
        """\
        import { GoogleGenAI } from "@google/genai";
        const ai = new GoogleGenAI({});
        await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi", config: { temperature: 0 } });
        """,
        "maxOutputTokens in config",
    ),
    "mistral": (
        """\
        import { Mistral } from "@mistralai/mistralai";
        const mistral = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? "" });
        await mistral.chat.complete({ model: "mistral-small-latest", messages: [] });
        """,
        "maxTokens",
    ),
    "cohere-v2": (
        """\
        const { CohereClientV2 } = require("cohere-ai");
        const cohere = new CohereClientV2({});
        await cohere.chatStream({ model: "command-a-03-2025", messages: [] });
        """,
        "maxTokens",
    ),
    "together": (
        """\
        import Together from "together-ai";
        await new Together().chat.completions.create({ model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", messages: [] });
        """,
        "max_tokens",
    ),
    "langchain-chat-openai": (
        """\
        import { ChatOpenAI } from "@langchain/openai";
        const llm = new ChatOpenAI({ model: "gpt-4.1-mini", temperature: 0 });
        """,
        "maxTokens",
    ),
}


@pytest.mark.parametrize(("code", "cap"), RF401_FIRES.values(), ids=RF401_FIRES.keys())
def test_rf401_fires_on_uncapped_js_calls(code, cap):
    findings = [f for f in lint(code, path="chat.ts") if f.rule_id == "RF401"]
    assert len(findings) == 1, [(f.rule_id, f.message) for f in lint(code, path="chat.ts")]
    assert findings[0].message.endswith(f"Set {cap}."), findings[0].message


def test_rf401_js_message_and_position():
    code = """\
        import OpenAI from "openai";

        const openai = new OpenAI();

        export async function POST() {
          return openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });
        }
        """
    (finding,) = [f for f in lint(code, path="app/api/chat/route.ts") if f.rule_id == "RF401"]
    assert finding.message.startswith("openai.chat.completions.create has no output-token cap")
    assert (finding.span.start_line, finding.span.start_col) == (6, 9)


RF401_PASSES = {
    "capped-everywhere": """\
        import OpenAI from "openai";
        import { generateText, streamObject } from "ai";
        import { GoogleGenAI } from "@google/genai";
        import { Mistral } from "@mistralai/mistralai";
        import { CohereClientV2 } from "cohere-ai";
        const openai = new OpenAI();
        await openai.chat.completions.create({ model: "m", messages: [], max_completion_tokens: 300 });
        await openai.chat.completions.create({ model: "m", messages: [], max_tokens: 300 });
        await openai.responses.create({ model: "m", input: "Hi", max_output_tokens: 200 });
        await generateText({ model: "openai/gpt-4.1-mini", prompt: "Hi", maxOutputTokens: 200 });
        streamObject({ model: "openai/gpt-4.1-mini", schema: {}, prompt: "Hi", maxTokens: 200 });
        await new GoogleGenAI({}).models.generateContent({ model: "g", contents: "Hi", config: { maxOutputTokens: 256 } });
        await new Mistral().chat.stream({ model: "m", messages: [], maxTokens: 100 });
        await new CohereClientV2({}).chat({ model: "c", messages: [], maxTokens: 100 });
        """,
    "spread-options": """\
        import OpenAI from "openai";
        import { generateText } from "ai";
        const openai = new OpenAI();
        export function ask(options: Record<string, unknown>) {
          return openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [], ...options });
        }
        export function text(settings: object) {
          return generateText({ ...settings, prompt: "Hi" });
        }
        """,
    "whole-options-variable": """\
        import OpenAI from "openai";
        export function ask(body: any) {
          return new OpenAI().chat.completions.create(body);
        }
        """,
    "known-spread-with-cap": """\
        import OpenAI from "openai";
        const defaults = { model: "gpt-4.1-mini", max_completion_tokens: 500 };
        await new OpenAI().chat.completions.create({ ...defaults, messages: [] });
        """,
    "anthropic-required-cap": """\
        import Anthropic from "@anthropic-ai/sdk";
        const anthropic = new Anthropic();
        await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 512, messages: [] });
        await anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 512, messages: [] });
        """,
    "local-class-named-openai": """\
        class OpenAI {
          chat = { completions: { create: (params: object) => params } };
        }
        const client = new OpenAI();
        client.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });
        """,
    "local-generate-text": """\
        function generateText(options: { prompt: string }) {
          return options.prompt;
        }
        generateText({ prompt: "Hi" });
        """,
    "create-of-another-library": """\
        import { Queue } from "bullmq";
        import Stripe from "stripe";
        const stripe = new Stripe("sk_test_x");
        await stripe.checkout.sessions.create({ mode: "payment" });
        await new Queue("chat").add("completions", {});
        const chat = { completions: { create: (x: object) => x } };
        chat.completions.create({ model: "gpt-4.1-mini", messages: [] });
        """,
    "generate-text-of-another-package": """\
        import { generateText } from "./lib/llm";
        import { streamText } from "some-other-ai";
        await generateText({ prompt: "Hi" });
        streamText({ prompt: "Hi" });
        """,
    "comments-and-strings": """\
        // openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [] })
        const NOTE = "generateText({ model }) without maxOutputTokens";
        """,
}


@pytest.mark.parametrize("code", RF401_PASSES.values(), ids=RF401_PASSES.keys())
def test_rf401_ignores_capped_calls_and_look_alikes(code):
    assert "RF401" not in ids(lint(code, path="chat.ts"))


def test_rf401_in_a_vue_component_and_suppressed_with_a_js_comment():
    vue = """\
        <template><p>{{ answer }}</p></template>

        <script setup lang="ts">
        import OpenAI from "openai";
        const openai = new OpenAI({ dangerouslyAllowBrowser: true });
        // ragfirst: ignore[RF401] -- the proxy caps output at 300 tokens (ADR-12)
        const answer = await openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });
        const other = await openai.responses.create({ model: "gpt-4.1-mini", input: "Hi" });
        </script>
        """
    findings = [f for f in lint(vue, path="src/Chat.vue") if f.rule_id == "RF401"]
    assert [(f.span.start_line, f.suppressed) for f in findings] == [(7, True), (8, False)]


# ============================================================================================
# RF405 key-exposed-to-browser
# ============================================================================================

RF405_FIRES = {
    "next-public-openai": (
        "app/chat/page.tsx",
        """\
        "use client";
        import OpenAI from "openai";
        const openai = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY!, dangerouslyAllowBrowser: true });
        """,
        ("NEXT_PUBLIC_OPENAI_API_KEY", "Next.js", "OPENAI_API_KEY"),
    ),
    "vite-anthropic": (
        "src/llm.ts",
        "export const key = import.meta.env.VITE_ANTHROPIC_KEY;\n",
        ("VITE_ANTHROPIC_KEY", "Vite", "ANTHROPIC_KEY"),
    ),
    "expo-token": (
        "app/index.tsx",
        "const token = process.env.EXPO_PUBLIC_GROQ_API_KEY;\n",
        ("EXPO_PUBLIC_GROQ_API_KEY", "Expo", "GROQ_API_KEY"),
    ),
    "cra-subscript": (
        "src/App.js",
        'const token = process.env["REACT_APP_GITHUB_TOKEN"];\n',
        ("REACT_APP_GITHUB_TOKEN", "Create React App", "GITHUB_TOKEN"),
    ),
    "stripe-secret-despite-vendor": (
        "app/pay.tsx",
        "const stripe = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\n",
        ("NEXT_PUBLIC_STRIPE_SECRET_KEY", "Next.js", "STRIPE_SECRET_KEY"),
    ),
    "supabase-service-role": (
        "lib/supabase.ts",
        "const admin = process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY;\n",
        ("NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "Next.js", "SUPABASE_SERVICE_ROLE_KEY"),
    ),
    "sveltekit-static-public": (
        "src/routes/+page.ts",
        'import { PUBLIC_OPENAI_API_KEY } from "$env/static/public";\n',
        ("PUBLIC_OPENAI_API_KEY", "SvelteKit", "OPENAI_API_KEY"),
    ),
    "sveltekit-dynamic-public": (
        "src/lib/client.ts",
        'import { env } from "$env/dynamic/public";\nconst key = env.PUBLIC_MISTRAL_API_KEY;\n',
        ("PUBLIC_MISTRAL_API_KEY", "SvelteKit", "MISTRAL_API_KEY"),
    ),
}


@pytest.mark.parametrize(("path", "code", "expected"), RF405_FIRES.values(), ids=RF405_FIRES.keys())
def test_rf405_fires_on_secret_keys_read_in_browser_code(path, code, expected):
    name, tool, server_name = expected
    findings = [f for f in lint(code, path=path) if f.rule_id == "RF405"]
    assert len(findings) == 1, [(f.rule_id, f.message) for f in lint(code, path=path)]
    (finding,) = findings
    assert finding.message.startswith(f"{name} is ")
    assert f"{tool} copies every" in finding.message
    assert f"(as `{server_name}`" in finding.message
    assert finding.severity.name == "ERROR"


def test_rf405_points_at_the_variable_name():
    code = """\
        const openai = new OpenAI({
          apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY,
        });
        """
    (finding,) = [f for f in lint(code, path="app/page.tsx") if f.rule_id == "RF405"]
    assert (finding.span.start_line, finding.span.start_col, finding.span.end_col) == (2, 22, 48)
    assert "read as `process.env.NEXT_PUBLIC_OPENAI_API_KEY`" in finding.message


RF405_PASSES = {
    "server-only-and-urls": """\
        import OpenAI from "openai";
        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
        const site = process.env.NEXT_PUBLIC_SITE_URL;
        const api = import.meta.env.VITE_API_URL;
        const model = process.env.NEXT_PUBLIC_OPENAI_MODEL;
        """,
    "publishable-keys": """\
        const a = process.env.NEXT_PUBLIC_POSTHOG_KEY;
        const b = process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY;
        const c = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
        const d = process.env.NEXT_PUBLIC_FIREBASE_API_KEY;
        const e = process.env.NEXT_PUBLIC_MAPBOX_TOKEN;
        const f = import.meta.env.VITE_RECAPTCHA_SITE_KEY;
        const g = process.env.NEXT_PUBLIC_SENTRY_DSN;
        const h = process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;
        """,
    "prefix-of-another-tool": """\
        const a = process.env.VITE_OPENAI_API_KEY;
        const b = process.env.PUBLIC_OPENAI_API_KEY;
        const c = import.meta.env.NEXT_PUBLIC_OPENAI_API_KEY;
        """,
    "sveltekit-private-modules": """\
        import { OPENAI_API_KEY } from "$env/static/private";
        import { env } from "$env/dynamic/private";
        const key = env.ANTHROPIC_API_KEY;
        """,
    "process-shadowed": """\
        export function read(process: { env: Record<string, string> }) {
          return process.env.NEXT_PUBLIC_OPENAI_API_KEY;
        }
        """,
    "comments-strings-and-tokenizers": """\
        // never use process.env.NEXT_PUBLIC_OPENAI_API_KEY
        const NOTE = "process.env.NEXT_PUBLIC_OPENAI_API_KEY is a mistake";
        const tokenizer = process.env.NEXT_PUBLIC_TOKENIZER_URL;
        const keyboard = process.env.NEXT_PUBLIC_KEYBOARD_LAYOUT;
        """,
}


@pytest.mark.parametrize("code", RF405_PASSES.values(), ids=RF405_PASSES.keys())
def test_rf405_ignores_server_variables_and_publishable_keys(code):
    assert "RF405" not in ids(lint(code, path="src/app.ts"))


RF405_SERVER_ONLY = {
    "use-server-directive": (
        "src/actions/openai.ts",
        '"use server";\nimport { OpenAI } from "@llamaindex/openai";\n'
        "export const llm = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_KEY });\n",
    ),
    "directive-after-comments": (
        "src/actions/chat.ts",
        "// Server actions\n/* no client */\n'use server'\nconst k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n",
    ),
    "server-only-import": (
        "lib/llm.ts",
        'import "server-only";\nconst k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n',
    ),
    "next-route-handler": ("app/api/chat/route.ts", "const k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"),
    "next-api-route": ("pages/api/chat.ts", "const k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"),
    "sveltekit-endpoint": ("src/routes/api/+server.ts", "const k = import.meta.env.VITE_OPENAI_API_KEY;\n"),
    "sveltekit-server-load": (
        "src/routes/+page.server.ts",
        "const k = import.meta.env.VITE_OPENAI_API_KEY;\n",
    ),
}


@pytest.mark.parametrize(("path", "code"), RF405_SERVER_ONLY.values(), ids=RF405_SERVER_ONLY.keys())
def test_rf405_ignores_reads_in_server_only_modules(path, code):
    """Such a module is never bundled for the browser (found on LlamaIndexTS: a `"use
    server"` action read NEXT_PUBLIC_OPENAI_KEY, and the finding said the key was public)."""
    assert "RF405" not in ids(lint(code, path=path))


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("app/chat/page.tsx", '"use client";\nconst k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n'),
        (
            "src/a.ts",
            'import x from "y";\n"use server";\nconst k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n',
        ),
        ("src/routes/+page.ts", "const k = import.meta.env.VITE_OPENAI_API_KEY;\n"),
        ("app/routes.ts", "const k = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"),
    ],
    ids=["use-client", "directive-not-first", "sveltekit-universal-load", "not-a-route-handler"],
)
def test_rf405_still_fires_in_modules_a_browser_may_get(path, code):
    assert ids(lint(code, path=path)).count("RF405") == 1


def test_rf405_in_env_files_whatever_the_value():
    env = """\
        # Public values for the browser
        NEXT_PUBLIC_SITE_URL=https://acme.example
        NEXT_PUBLIC_POSTHOG_KEY=phc_abc
        NEXT_PUBLIC_OPENAI_API_KEY=
        VITE_GEMINI_API_KEY=changeme
        OPENAI_API_KEY=
        """
    findings = [f for f in lint(env, path=".env.example") if f.rule_id == "RF405"]
    assert [(f.span.start_line, f.message.split(" is ")[0]) for f in findings] == [
        (4, "NEXT_PUBLIC_OPENAI_API_KEY"),
        (5, "VITE_GEMINI_API_KEY"),
    ]
    assert "defined in .env.example" in findings[0].message
    assert "Next.js copies every `NEXT_PUBLIC_` variable" in findings[0].message


def test_rf405_in_a_svelte_component_and_with_a_real_key_also_rf404():
    svelte = """\
        <script lang="ts">
          import { PUBLIC_OPENAI_API_KEY } from "$env/static/public";
        </script>

        <p>{PUBLIC_OPENAI_API_KEY.length}</p>
        """
    assert lines_of(lint(svelte, path="src/routes/+page.svelte"), "RF405") == [2]
    env = (
        "NEXT_PUBLIC_OPENAI_API_KEY=sk-proj-"
        + "Zq3vN8rT1xLp0wKs7YbH2mJd5FcG9aRtQe4uW6yI8oP0aS2dF4gH6jK8lZ1xC3vB5nM7\n"
    )
    assert sorted(ids(lint(env, path=".env.local"))) == ["RF404", "RF405"]


# ============================================================================================
# "Suppress in this file" in Vue and Svelte components: inside the <script> block
# ============================================================================================

VUE_TUNE = """\
<template>
  <button @click="tune">Tune</button>
</template>

<script setup lang="ts">
import OpenAI from "openai";
const openai = new OpenAI({ dangerouslyAllowBrowser: true });
const tune = () => openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
</script>
"""

SVELTE_TUNE = """\
<!-- The tuning button -->
<script context="module">export const prerender = false;</script>
<script>
  import OpenAI from "openai";
  const tune = () => new OpenAI().fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
</script>

<button on:click={tune}>Tune</button>
"""


def apply_internal_edit(text: str, edit: dict) -> str:
    lines = text.split("\n")
    line = lines[edit["line"]] if edit["line"] < len(lines) else ""
    lines[edit["line"] : edit["line"] + 1] = [line[: edit["start"]] + edit["text"] + line[edit["end"] :]]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("path", "text", "comment_line", "script_tag_line"),
    [("src/Tune.vue", VUE_TUNE, 5, 4), ("src/Tune.svelte", SVELTE_TUNE, 2, 1)],
)
def test_file_suppression_lands_in_the_script_block_and_is_honoured(
    path, text, comment_line, script_tag_line
):
    assert ids(lint(text, path=path)) == ["RF101"]
    edit = file_suppression_edit(SourceText(text).lines, "RF101", "javascript")
    new_text = apply_internal_edit(text, edit)
    new_lines = new_text.split("\n")
    assert new_lines[script_tag_line].lstrip().startswith("<script")
    assert (
        new_lines[comment_line].strip() == "// ragfirst: ignore-file[RF101] -- TODO: why this is deliberate"
    )
    assert new_lines[0] == text.split("\n")[0]  # nothing before <template> / the first tag
    findings = lint(new_text, path=path)
    assert ids(findings) == []
    assert [f.rule_id for f in findings if f.suppressed] == ["RF101"]


def test_file_suppression_in_a_plain_module_stays_at_the_top():
    lines = ['import OpenAI from "openai";', "const el = <script>{}</script>;"]
    assert file_suppression_edit(lines, "RF101", "javascript")["line"] == 0


async def test_language_server_suppresses_a_vue_file_inside_its_script_block(client, tmp_path):
    await start(client, [tmp_path], capabilities=push_capabilities())
    path = tmp_path / "src" / "Tune.vue"
    path.parent.mkdir(parents=True)
    path.write_text(VUE_TUNE, encoding="utf-8")
    uri = open_doc(client, path)
    await wait_for(lambda: "RF101" in codes(client, uri))
    actions = {a.title: a for a in await code_actions(client, uri)}
    new_text = apply_edit(VUE_TUNE, actions["Suppress RF101 in this file"].edit)
    new_lines = new_text.split("\n")
    assert new_lines[0] == "<template>"
    assert new_lines[4] == '<script setup lang="ts">'
    assert new_lines[5].startswith("// ragfirst: ignore-file[RF101] -- ")
    change_doc(client, uri, 2, new_text)
    # RF107 (OpenAI's self-serve fine-tuning winding down) is not suppressed: a re-lint.
    await wait_for(lambda: codes(client, uri) == ["RF107"])


# ============================================================================================
# RF103 / RF106 / RF107 on JS SDKs
# ============================================================================================

RF103_FIRES = {
    "openai-dpo": """\
        import OpenAI from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "gpt-4.1-mini-2025-04-14", training_file: "f", method: { type: "dpo" } });
        """,
    "openai-reinforcement": """\
        const { AzureOpenAI } = require("openai");
        const client = new AzureOpenAI({ endpoint: "https://x.openai.azure.com", apiVersion: "2025-04-01" });
        client.fineTuning.jobs.create({ model: "o4-mini", training_file: "f", method: { type: "reinforcement", reinforcement: {} } });
        """,
    "together-dpo": """\
        import Together from "together-ai";
        await new Together().fineTuning.create({ model: "m", training_file: "f", training_method: { method: "dpo", dpo_beta: 0.1 } });
        """,
    "gemini-preference": """\
        import { GoogleGenAI } from "@google/genai";
        await new GoogleGenAI({ vertexai: true }).tunings.tune({ baseModel: "gemini-2.5-flash", trainingDataset: {}, config: { method: "PREFERENCE_TUNING" } });
        """,
    "bedrock-rft": """\
        import { CreateModelCustomizationJobCommand } from "@aws-sdk/client-bedrock";
        new CreateModelCustomizationJobCommand({ jobName: "j", customizationType: "REINFORCEMENT_FINE_TUNING" });
        """,
}

RF103_PASSES = {
    "openai-supervised": """\
        import OpenAI from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "m", training_file: "f", method: { type: "supervised" } });
        """,
    "together-sft": """\
        import Together from "together-ai";
        await new Together().fineTuning.create({ model: "m", training_file: "f", training_method: { method: "sft" } });
        """,
    "local-class-named-openai": """\
        class OpenAI { fineTuning = { jobs: { create: (p: object) => p } }; }
        new OpenAI().fineTuning.jobs.create({ model: "m", method: { type: "dpo" } });
        """,
    "method-from-a-variable": """\
        import OpenAI from "openai";
        export const tune = (method: object) => new OpenAI().fineTuning.jobs.create({ model: "m", training_file: "f", method });
        """,
}


@pytest.mark.parametrize("code", RF103_FIRES.values(), ids=RF103_FIRES.keys())
def test_rf103_fires_on_js_preference_methods(code):
    assert ids(lint(code, path="tune.ts")).count("RF103") == 1


@pytest.mark.parametrize("code", RF103_PASSES.values(), ids=RF103_PASSES.keys())
def test_rf103_ignores_js_supervised_and_look_alikes(code):
    assert "RF103" not in ids(lint(code, path="tune.ts"))


RF106_FIRES = {
    "openai-top-level": (
        """\
        import OpenAI from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "m", training_file: "f", hyperparameters: { n_epochs: 8 } });
        """,
        "hyperparameters={n_epochs: 8}",
    ),
    "openai-method-dpo": (
        """\
        import OpenAI from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "m", training_file: "f", method: { type: "dpo", dpo: { hyperparameters: { beta: 0.2 } } } });
        """,
        "method.dpo.hyperparameters",
    ),
    "together": (
        """\
        import Together from "together-ai";
        await new Together().fineTuning.create({ model: "m", training_file: "f", n_epochs: 5, learning_rate: 0.0001 });
        """,
        "n_epochs=5, learning_rate=0.0001",
    ),
    "gemini-epochs": (
        """\
        import { GoogleGenAI } from "@google/genai";
        await new GoogleGenAI({}).tunings.tune({ baseModel: "gemini-2.5-flash", trainingDataset: {}, config: { epochCount: 6 } });
        """,
        "config.epochCount",
    ),
    "bedrock": (
        """\
        import { BedrockClient, CreateModelCustomizationJobCommand } from "@aws-sdk/client-bedrock";
        await new BedrockClient({}).send(new CreateModelCustomizationJobCommand({ jobName: "j", hyperParameters: { epochCount: "3" } }));
        """,
        "hyperParameters=",
    ),
}


@pytest.mark.parametrize(("code", "shown"), RF106_FIRES.values(), ids=RF106_FIRES.keys())
def test_rf106_fires_on_js_hand_set_hyperparameters(code, shown):
    findings = [f for f in lint(code, path="tune.ts") if f.rule_id == "RF106"]
    assert len(findings) == 1, [(f.rule_id, f.message) for f in lint(code, path="tune.ts")]
    assert shown in findings[0].message


@pytest.mark.parametrize(
    "code",
    [
        """\
        import OpenAI from "openai";
        await new OpenAI().fineTuning.jobs.create({ model: "m", training_file: "f", hyperparameters: { n_epochs: "auto" } });
        """,
        """\
        import { GoogleGenAI } from "@google/genai";
        export const tune = (config: object) => new GoogleGenAI({}).tunings.tune({ baseModel: "g", trainingDataset: {}, config });
        """,
        """\
        function fineTune(options: { n_epochs: number }) { return options; }
        fineTune({ n_epochs: 3 });
        """,
    ],
    ids=["auto", "config-from-a-variable", "local-function"],
)
def test_rf106_ignores_js_defaults_and_unknowns(code):
    assert "RF106" not in ids(lint(code, path="tune.ts"))


def test_rf107_cohere_typescript_fine_tuning_is_deprecated(monkeypatch):
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    code = """\
        import { CohereClientV2 } from "cohere-ai";
        const cohere = new CohereClientV2({});
        await cohere.finetuning.createFinetunedModel({ name: "m", settings: { baseModel: { baseType: "BASE_TYPE_CHAT" }, datasetId: "d" } });
        await cohere.finetuning.listFinetunedModels();
        """
    findings = [f for f in lint(code, path="tune.ts", lifecycle=True) if f.rule_id == "RF107"]
    assert [f.span.start_line for f in findings] == [3]
    assert findings[0].message.startswith("Cohere fine-tuning was deprecated")
