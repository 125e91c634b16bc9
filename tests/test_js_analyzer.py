"""The JavaScript/TypeScript analyzer's facts: every import and binding form resolves to
the qualified name the Python analyzer would give, look-alikes do not, and positions,
arguments and comments are exact (also inside .vue/.svelte script blocks).

Snippets start right after the opening quotes (`\"\"\"\\`), so the first code line is
line 1 and the line numbers in the assertions can be read off the snippet.
"""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.analyzers.facts import UNKNOWN, CallFact, FileFacts
from ragfirst.analyzers.js_analyzer import analyze_js, module_name
from ragfirst.analyzers.registry import language_of, language_spec
from ragfirst.model import Span
from ragfirst.source import SourceText

CREATE = "openai.default().fineTuning.jobs.create"
NAMED_CREATE = "openai.OpenAI().fineTuning.jobs.create"


def facts(code: str, path: str = "x.ts") -> FileFacts:
    return analyze_js(SourceText(textwrap.dedent(code)), path)


def qualnames(code: str, path: str = "x.ts") -> list[str | None]:
    return [c.qualname for c in facts(code, path).calls]


def lines(code: str, qualname: str, path: str = "x.ts") -> list[int]:
    """The lines of every call that resolved to `qualname` (function bodies are analysed
    after the code around them, so facts are not in line order)."""
    return sorted(c.span.start_line for c in facts(code, path).calls if c.qualname == qualname)


def only_call(code: str, tail: str, path: str = "x.ts") -> CallFact:
    found = [c for c in facts(code, path).calls if c.tail == tail]
    assert len(found) == 1, [(c.tail, c.qualname) for c in facts(code, path).calls]
    return found[0]


# -- registry ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["a.js", "a.mjs", "a.cjs", "a.jsx", "a.ts", "a.mts", "a.cts", "a.tsx", "A.Vue", "a.svelte"]
)
def test_registry_claims_js_and_ts_files(name):
    assert language_of(f"src/{name}") == "javascript"
    spec = language_spec(name)
    assert spec is not None and spec.comment_prefix == "//" and spec.prefilter


def test_module_names():
    assert module_name("openai") == "openai"
    assert module_name("node:fs") == "fs"
    assert module_name("@pinecone-database/pinecone") == "@pinecone-database/pinecone"
    assert module_name("@mistralai/mistralai/funcs/fineTuningJobsCreate.js") == (
        "@mistralai/mistralai/funcs/fineTuningJobsCreate"
    )
    assert module_name("chart.js") == "chart.js"  # a package name, not an extension
    assert module_name("npm:openai@4") == "openai"
    for local in ("./lib/openai", "../openai", "/abs/openai", "@/lib/openai", "~/lib/openai", "#openai"):
        assert module_name(local) is None, local


# -- imports and bindings ----------------------------------------------------------------


def test_default_import_binds_default_export():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI();
        client.fineTuning.jobs.create({ model: "gpt-4o-mini" });
        """
    assert lines(code, "openai.default") == [3]
    assert lines(code, CREATE) == [4]


def test_named_import_with_alias():
    code = """\
        import { OpenAI as O, AzureOpenAI } from "openai";

        new O().fineTuning.jobs.create({});
        new AzureOpenAI().fineTuning.jobs.create({});
        """
    assert lines(code, NAMED_CREATE) == [3]
    assert lines(code, "openai.AzureOpenAI().fineTuning.jobs.create") == [4]


def test_default_and_named_imports_together():
    code = """\
        import OpenAI, { toFile } from "openai";

        OpenAI.toFile;
        toFile("x");
        new OpenAI().files.create({});
        """
    assert qualnames(code) == ["openai.toFile", "openai.default", "openai.default().files.create"]


def test_namespace_import():
    code = """\
        import * as ai from "ai";

        ai.generateText({ model: "m", prompt: "p" });
        """
    assert lines(code, "ai.generateText") == [3]


def test_require_default_and_destructured():
    code = """\
        const OpenAI = require("openai");
        const { OpenAI: Named, AzureOpenAI } = require("openai");

        new OpenAI().fineTuning.jobs.create({});
        new Named().fineTuning.jobs.create({});
        new AzureOpenAI().fineTuning.jobs.create({});
        new (require("openai").OpenAI)().fineTuning.jobs.create({});
        """
    f = facts(code, "x.cjs")
    found = [(c.span.start_line, c.qualname) for c in f.calls if c.qualname and c.qualname.endswith("create")]
    assert found == [
        (4, CREATE),
        (5, NAMED_CREATE),
        (6, "openai.AzureOpenAI().fineTuning.jobs.create"),
        (7, NAMED_CREATE),
    ]
    assert [i.module for i in f.imports] == ["openai", "openai", "openai"]


def test_typescript_import_equals_require():
    code = """\
        import OpenAI = require("openai");

        new OpenAI().fineTuning.jobs.create({});
        """
    assert lines(code, CREATE) == [3]


def test_dynamic_import_is_the_namespace():
    code = """\
        async function tune() {
          const m = await import("openai");
          const { default: OpenAI } = await import("openai");
          new m.default().fineTuning.jobs.create({});
          new m.OpenAI().fineTuning.jobs.create({});
          new OpenAI().fineTuning.jobs.create({});
        }
        """
    assert lines(code, CREATE) == [4, 6]
    assert lines(code, NAMED_CREATE) == [5]


def test_call_and_new_give_the_same_name():
    code = """\
        import { Pinecone } from "@pinecone-database/pinecone";

        const a = new Pinecone();
        const b = Pinecone();
        a.createIndex({ name: "i", dimension: 1536 });
        b.createIndex({ name: "j", dimension: 1536 });
        """
    assert lines(code, "@pinecone-database/pinecone.Pinecone") == [3, 4]
    assert lines(code, "@pinecone-database/pinecone.Pinecone().createIndex") == [5, 6]


def test_client_constant_used_in_nested_functions():
    code = """\
        import OpenAI from "openai";

        let client = new OpenAI();

        export async function POST() {
          const inner = async () => {
            function deeper() {
              return client.fineTuning.jobs.create({});
            }
            return deeper();
          };
          return inner();
        }
        """
    assert lines(code, CREATE) == [8]
    assert only_call(code, "client.fineTuning.jobs.create").scope == "POST.inner.deeper"


def test_module_constant_assigned_after_function_is_visible_inside_it():
    code = """\
        import OpenAI from "openai";

        function tune() {
          return client.fineTuning.jobs.create({});
        }
        var client = new OpenAI();
        """
    assert lines(code, CREATE) == [4]


def test_class_field_and_constructor_assignment():
    code = """\
        import OpenAI from "openai";

        class Tuner {
          private client = new OpenAI();
          #other;
          static shared = new OpenAI();

          constructor() {
            this.#other = new OpenAI();
          }

          async start() {
            await this.client.fineTuning.jobs.create({});
            await this.#other.fineTuning.jobs.create({});
            await Tuner.shared.fineTuning.jobs.create({});
            const run = () => this.client.fineTuning.jobs.create({});
          }
        }
        """
    assert lines(code, CREATE) == [13, 14, 15, 16]


def test_constructor_parameter_property_and_annotations():
    code = """\
        import OpenAI from "openai";
        import type { Mistral } from "@mistralai/mistralai";

        class Service {
          constructor(private readonly openai: OpenAI, mistral?: Mistral) {
            mistral?.fineTuning.jobs.create({});
          }
          run() {
            this.openai.fineTuning.jobs.create({});
          }
        }

        function tune(client: OpenAI | undefined) {
          client!.fineTuning.jobs.create({});
        }
        """
    assert lines(code, CREATE) == [9, 14]
    assert lines(code, "@mistralai/mistralai.Mistral().fineTuning.jobs.create") == [6]


def test_destructuring_a_client():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI();
        const { fineTuning } = client;
        const {
          fineTuning: { jobs },
        } = client;
        fineTuning.jobs.create({});
        jobs.create({});
        """
    assert lines(code, CREATE) == [8, 9]


def test_optional_chaining_await_and_typescript_wrappers():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI() as OpenAI;
        await client?.fineTuning?.jobs.create({});
        await (client satisfies OpenAI).fineTuning.jobs.create({});
        await (client as any)!.fineTuning.jobs.create({});
        await (<OpenAI>client).fineTuning.jobs.create({});
        await ((client)).fineTuning.jobs["create"]({});
        """
    assert lines(code, CREATE) == [4, 5, 6, 7, 8]


def test_lazy_singletons():
    code = """\
        import OpenAI from "openai";

        const globalForOpenAI = globalThis as unknown as { openai?: OpenAI };
        export const openai = globalForOpenAI.openai ?? new OpenAI();
        openai.fineTuning.jobs.create({});

        let cached: OpenAI | null = null;
        function getClient() {
          cached ??= new OpenAI();
          return cached;
        }
        getClient().fineTuning.jobs.create({});

        class Holder {
          private _client?: OpenAI;
          get client() {
            return (this._client ||= new OpenAI());
          }
          go() {
            return this.client.fineTuning.jobs.create({});
          }
        }
        """
    assert lines(code, CREATE) == [5, 12, 20]


def test_factory_function_and_subclass():
    code = """\
        import OpenAI from "openai";

        const makeClient = () => new OpenAI({ maxRetries: 5 });
        makeClient().fineTuning.jobs.create({});

        class MyClient extends OpenAI {}
        new MyClient().fineTuning.jobs.create({});
        """
    assert lines(code, CREATE) == [4, 7]


def test_with_options_is_transparent():
    code = """\
        import OpenAI from "openai";

        new OpenAI().withOptions({ timeout: 5 }).fineTuning.jobs.create({});
        """
    assert lines(code, CREATE) == [3]


def test_scoped_package_keeps_its_spelling():
    code = """\
        import { BedrockClient, CreateModelCustomizationJobCommand } from "@aws-sdk/client-bedrock";

        new BedrockClient({}).send(new CreateModelCustomizationJobCommand({ jobName: "j" }));
        """
    assert qualnames(code) == [
        "@aws-sdk/client-bedrock.BedrockClient",
        "@aws-sdk/client-bedrock.CreateModelCustomizationJobCommand",
        "@aws-sdk/client-bedrock.BedrockClient().send",
    ]
    send = only_call(code, "BedrockClient().send")
    assert send.args[0].qualname == "@aws-sdk/client-bedrock.CreateModelCustomizationJobCommand()"
    assert send.args[0].origin == 1


# -- look-alikes -------------------------------------------------------------------------


def test_local_class_named_openai_is_not_the_sdk():
    code = """\
        class OpenAI {
          fineTuning = { jobs: { create: (p: object) => p } };
        }
        function AzureOpenAI() {
          return { fineTuning: { jobs: { create() {} } } };
        }
        new OpenAI().fineTuning.jobs.create({});
        AzureOpenAI().fineTuning.jobs.create({});
        """
    assert [q for q in qualnames(code) if q] == []


def test_local_shadowing_of_an_imported_name():
    code = """\
        import OpenAI from "openai";
        const client = new OpenAI();

        function run(OpenAI: any) {
          new OpenAI().fineTuning.jobs.create({});
        }
        for (const client of others) { client.fineTuning.jobs.create({}); }
        for (let i = 0, client = x; i < 1; i++) { client.fineTuning.jobs.create({}); }
        try { go(); } catch (client) { client.fineTuning.jobs.create({}); }
        { const client = other; client.fineTuning.jobs.create({}); }
        client.fineTuning.jobs.create({});
        """
    assert lines(code, CREATE) == [11]


def test_relative_and_alias_imports_are_rooted_at_the_project_module():
    """Names from the project's own modules are `@local<k>.…` (resolved across files by the
    engine, tests/test_js_local_modules.py); on their own they match no rule."""
    code = """\
        import { openai } from "./lib/openai";
        import client from "@/lib/openai";
        import OpenAI from "~/openai";

        openai.fineTuning.jobs.create({});
        client.fineTuning.jobs.create({});
        new OpenAI().fineTuning.jobs.create({});
        """
    f = facts(code)
    assert [c.qualname for c in f.calls] == [
        "@local0.openai.fineTuning.jobs.create",
        "@local1.default.fineTuning.jobs.create",
        "@local2.default",
        "@local2.default().fineTuning.jobs.create",
    ]
    assert f.local_modules == ["./lib/openai", "@/lib/openai", "~/openai"]
    assert [i.module for i in f.imports] == ["./lib/openai", "@/lib/openai", "~/openai"]
    assert lines(code, CREATE, "x.ts") == []


def test_require_shadowed_by_a_local_function():
    code = """\
        function require(name) { return null; }
        const OpenAI = require("openai");
        new OpenAI().fineTuning.jobs.create({});
        """
    assert lines(code, CREATE, "x.js") == []


# -- arguments ---------------------------------------------------------------------------


def test_object_argument_properties_are_kwargs():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI();
        client.fineTuning.jobs.create(
          {
            model: "gpt-4o-mini",
            "suffix": `support`,
            seed: -1,
            n: 0x10,
            lr: 1.5e-3,
            on: true,
            off: false,
            none: null,
            undef: undefined,
            method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 3 } } },
            tags: ["a", 2, { b: null }],
            computed: makeValue(),
            templated: `gpt-${version}`,
          },
          { maxRetries: 2, model: "ignored" },
        );
        """
    call = only_call(code, "client.fineTuning.jobs.create")
    values = {name: arg.value for name, arg in call.kwargs.items()}
    assert values == {
        "model": "gpt-4o-mini",
        "suffix": "support",
        "seed": -1,
        "n": 16,
        "lr": 1.5e-3,
        "on": True,
        "off": False,
        "none": None,
        "undef": None,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
        "tags": ["a", 2, {"b": None}],
        "computed": UNKNOWN,
        "templated": UNKNOWN,
        "maxRetries": 2,  # the second object (request options) adds, never overrides
    }
    assert len(call.args) == 2
    assert call.args[0].value["model"] == "gpt-4o-mini"
    assert call.args[1].value == {"maxRetries": 2, "model": "ignored"}
    assert not call.star_kwargs and not call.star_args
    assert call.kwargs["model"].span == Span(6, 11, 6, 24)


def test_positional_arguments_and_literal_folding():
    code = """\
        const DIR = "data";
        const NAME = DIR + "/" + "train.jsonl";
        replicate.trainings.create("owner", "model", `v${1}`, { destination: `${DIR}/x`, input: NAME });
        """
    call = only_call(code, "replicate.trainings.create")
    assert [a.value for a in call.args[:3]] == ["owner", "model", "v1"]
    assert call.kwargs["destination"].value == "data/x"
    assert call.kwargs["input"].value == "data/train.jsonl"


def test_object_held_in_a_variable_still_gives_kwargs():
    code = """\
        import OpenAI from "openai";

        const params = { model: "gpt-4o-mini", training_file: "file-abc" };
        params.suffix = "x";
        new OpenAI().fineTuning.jobs.create(params);
        """
    call = only_call(code, "OpenAI().fineTuning.jobs.create")
    assert {k: a.value for k, a in call.kwargs.items()} == {
        "model": "gpt-4o-mini",
        "training_file": "file-abc",
        "suffix": "x",
    }
    assert not call.star_kwargs


def test_spread_and_opaque_arguments_make_kwargs_unknowable():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI();
        const known = { model: "a" };
        client.chat.completions.create({ ...opts, messages: [] });
        client.chat.completions.create({ ...known, messages: [] });
        client.chat.completions.create(body);
        client.chat.completions.create(...args);
        """
    calls = [c for c in facts(code).calls if c.tail == "client.chat.completions.create"]
    assert [c.star_kwargs for c in calls] == [True, False, True, False]
    assert calls[1].kwargs["model"].value == "a"
    assert calls[3].star_args


def test_origin_links_values_produced_by_earlier_calls():
    code = """\
        import OpenAI from "openai";

        const client = new OpenAI();
        const file = await client.files.create({ file: blob, purpose: "fine-tune" });
        await client.fineTuning.jobs.create({ model: "m", training_file: file.id });
        """
    f = facts(code)
    upload = next(c for c in f.calls if c.tail == "client.files.create")
    job = next(c for c in f.calls if c.tail == "client.fineTuning.jobs.create")
    assert job.kwargs["training_file"].origin == upload.index
    assert job.kwargs["training_file"].qualname == "openai.default().files.create().id"
    assert job.receiver_qualname == "openai.default().fineTuning.jobs"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('fs.createReadStream("data/train.jsonl")', "data/train.jsonl"),
        ('createReadStream(path.join("data", "train.jsonl"))', "data/train.jsonl"),
        ('fs.readFileSync(path.resolve("data", "train.jsonl"))', "data/train.jsonl"),
        ('fsp.readFile("data/train.jsonl")', "data/train.jsonl"),
        ('fs.createReadStream(path.join(__dirname, "data/train.jsonl"))', "@file/../data/train.jsonl"),
        ('fs.createReadStream(path.join(import.meta.dirname, "train.jsonl"))', "@file/../train.jsonl"),
        ('fs.createReadStream(new URL("./train.jsonl", import.meta.url))', "@file/../train.jsonl"),
        (
            'fs.createReadStream(path.join(path.dirname(fileURLToPath(import.meta.url)), "t.jsonl"))',
            "@file/../t.jsonl",
        ),
        ('toFile(fs.createReadStream("data/train.jsonl"), "train.jsonl")', "data/train.jsonl"),
        ("createReadStream(dataFile)", UNKNOWN),
    ],
)
def test_literal_paths_reach_the_data_argument(expression, expected):
    code = f"""\
        import fs from "node:fs";
        import fsp from "fs/promises";
        import {{ createReadStream }} from "fs";
        import * as path from "path";
        import {{ fileURLToPath }} from "node:url";
        import OpenAI, {{ toFile }} from "openai";

        new OpenAI().files.create({{ file: {expression}, purpose: "fine-tune" }});
        """
    call = only_call(code, "OpenAI().files.create")
    assert call.kwargs["file"].value == expected


def test_string_escapes():
    code = r"""
        f("a\"b\n\u00e9\x41\u{1F600}", 'it\'s');
        """
    call = facts(code).calls
    assert call == []  # `f` is unresolved and not a method call: no fact
    code = r"""
        x.f("a\"b\n\u00e9\x41\u{1F600}", 'it\'s');
        """
    call = only_call(code, "x.f")
    assert [a.value for a in call.args] == ['a"b\néA\U0001f600', "it's"]


# -- positions ---------------------------------------------------------------------------


def test_positions_are_one_based_lines_and_code_point_columns():
    code = 'const s = "héllo 👋"; import("openai").then(m => 0); x.fineTuning.jobs.create({ a: "ü" });\n'
    call = only_call(code, "x.fineTuning.jobs.create")
    # "const s = "héllo 👋"; " is 21 code points (the emoji is one code point, 4 bytes).
    start = len('const s = "héllo 👋"; import("openai").then(m => 0); ')
    assert call.span == Span(1, start, 1, start + len("x.fineTuning.jobs.create"))
    assert call.full_span.end_col == len(code.rstrip("\n")) - 1
    assert call.kwargs["a"].span == Span(1, code.index('"ü"'), 1, code.index('"ü"') + 3)


def test_multi_line_call_span_and_crlf():
    code = 'import OpenAI from "openai";\r\nconst c = new OpenAI();\r\nc.fineTuning.jobs\r\n  .create({\r\n  });\r\n'
    call = only_call(code, "c.fineTuning.jobs.create")
    assert call.span == Span(3, 0, 4, 9)
    assert call.full_span == Span(3, 0, 5, 4)


def test_vue_script_block_positions_point_into_the_file():
    code = """\
        <template>
          <button @click="tune">Tune</button>
        </template>

        <script setup lang="ts">
        import OpenAI from "openai";
        const client = new OpenAI() as OpenAI; const tune = () => client.fineTuning.jobs.create({ model: "m" });
        </script>
        """
    call = only_call(code, "client.fineTuning.jobs.create", "Tune.vue")
    assert call.qualname == CREATE
    line = textwrap.dedent(code).splitlines()[6]
    assert call.span == Span(7, line.index("client.fine"), 7, line.index("({"))
    assert facts(code, "Tune.vue").imports[0].span.start_line == 6


def test_vue_script_and_script_setup_share_one_module():
    code = """\
        <script lang="ts">
        import OpenAI from "openai";
        export const client = new OpenAI();
        </script>
        <script setup lang="ts">
        client.fineTuning.jobs.create({});
        </script>
        """
    assert lines(code, CREATE, "Both.vue") == [6]


def test_svelte_script_block_on_the_same_line_as_the_tag():
    code = """\
        <h1>Hi</h1>
        <script>import OpenAI from "openai"; new OpenAI().fineTuning.jobs.create({});</script>
        <p>after</p>
        """
    call = only_call(code, "OpenAI().fineTuning.jobs.create", "App.svelte")
    assert call.qualname == CREATE
    line = textwrap.dedent(code).splitlines()[1]
    assert call.span.start_line == 2 and call.span.start_col == line.index("new OpenAI")


def test_lang_ts_selects_typescript_in_components():
    typed = """\
        <script lang="ts">
        let n: number = 1;
        </script>
        """
    assert facts(typed, "A.svelte").syntax_errors == []  # parses as TypeScript
    assert [e.line for e in facts(typed.replace(' lang="ts"', ""), "A.svelte").syntax_errors] == [2]


def test_script_attributes_may_quote_a_closing_angle_bracket():
    code = """\
        <script setup lang="ts" generic="T extends Record<string, number>">
        import OpenAI from "openai";
        new OpenAI().fineTuning.jobs.create({});
        </script>
        """
    assert lines(code, CREATE, "Generic.vue") == [3]


def test_component_without_script_has_no_facts():
    assert facts("<template><div /></template>\n", "A.vue").calls == []


# -- comments ----------------------------------------------------------------------------


def test_comments_are_recorded_without_markers():
    code = """\
        // ragfirst: ignore[RF101] -- 48k labelled pairs
        const a = 1; // trailing note
        /* ragfirst: ignore-file[RF401] */
        /**
         * JSDoc
         */
        const s = "// not a comment";
        const el = <div>{/* ragfirst: ignore[RF404] -- demo key */}</div>;
        """
    f = facts(code, "x.tsx")
    assert [(c.line, c.col, c.text, c.own_line) for c in f.comments] == [
        (1, 0, "ragfirst: ignore[RF101] -- 48k labelled pairs", True),
        (2, 13, "trailing note", False),
        (3, 0, "ragfirst: ignore-file[RF401]", True),
        (4, 0, "JSDoc", True),
        (8, 17, "ragfirst: ignore[RF404] -- demo key", False),
    ]


def test_comment_positions_in_a_vue_file():
    code = """\
        <script>
          // ragfirst: ignore[RF101] -- approved
        </script>
        """
    f = facts(code, "A.vue")
    assert [(c.line, c.col, c.own_line) for c in f.comments] == [(2, 2, True)]


# -- errors ------------------------------------------------------------------------------


def test_parse_error_reports_the_first_error_position_and_analyses_the_rest():
    code = """\
        import OpenAI from "openai";
        const client = new OpenAI();
        client.fineTuning.jobs.create({ model: "m" ;
        client.chat.completions.create({ model: "gpt-4o" });
        """
    result = facts(code)
    assert [(e.line, e.message.startswith("syntax error")) for e in result.syntax_errors] == [(3, True)]
    assert "openai.default().chat.completions.create" in qualnames(code)


def test_parse_error_in_a_component_is_shifted_to_the_file():
    code = """\
        <template><p>x</p></template>
        <script>
        const ok = 1;
        const broken = ;
        </script>
        """
    assert [e.line for e in facts(code, "A.vue").syntax_errors] == [4]


def test_jsx_in_a_ts_file_is_an_error_but_fine_in_tsx_and_js():
    code = "const el = <div className='a'>hi</div>;\n"
    assert facts(code, "a.tsx").syntax_errors == []
    assert facts(code, "a.jsx").syntax_errors == []
    assert facts(code, "a.js").syntax_errors == []
    assert facts(code, "a.ts").syntax_errors != []


def test_grammar_gaps_in_type_only_code_are_not_errors():
    code = """\
        export type * from "./types";
        type Stream<R = any> = import("stream/web").ReadableStream<R>;
        import OpenAI from "openai";
        new OpenAI().fineTuning.jobs.create({});
        """
    assert lines(code, CREATE) == [4]


def test_declaration_files_are_not_analysed():
    assert facts("declare const x: import('a').B<C>;\nexport {};\n", "types.d.ts").calls == []


def test_qt_translation_files_are_not_typescript():
    code = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1"></TS>\n'
    assert facts(code, "app_de.ts").calls == []


def test_cyclic_objects_and_deep_call_chains_do_not_crash():
    chain = "\n".join(f"function f{i}() {{ return f{i + 1}(); }}" for i in range(400))
    code = f"""\
        const one = {{ a: 1 }};
        const two = {{ b: one }};
        one.two = two;
        x.use(one);
        {chain}
        function f400() {{ return 1; }}
        f0();
        """
    call = only_call(code, "x.use", "x.js")
    assert call.args[0].value["a"] == 1


def test_callbacks_passed_to_other_calls_are_analysed():
    code = """\
        const express = require("express");
        const OpenAI = require("openai");
        const app = express();
        const openai = new OpenAI();
        app.post("/tune", async (req, res) => {
          res.json(await openai.fineTuning.jobs.create({ model: req.body.model }));
        });
        """
    f = facts(code, "server.js")
    assert lines(code, CREATE, "server.js") == [6]
    post = next(c for c in f.calls if c.tail == "app.post")
    assert post.qualname == "express.default().post"
    assert not post.star_kwargs  # a callback is not an options object


def test_key_like_string_literals_are_secret_candidates():
    code = """\
        const COHERE_API_KEY = "q8Zr3TnV5xKp2LmW9sHd4FgJ7bYc1NeA";
        const config = { voyageApiKey: "x7Yt2PqL9mKz4RwN8vBc3HjD6sFg1TeQ", model: "voyage-3-large-2024-11" };
        class Client {
          private apiKey = "m3Nb8VcX1zLk5JhG7fDs2AqW9eRt4YuP";
        }
        const NOT_A_KEY = "q8Zr3TnV5xKp2LmW9sHd4FgJ7bYc1NeA";
        const OPENAI_API_KEY = process.env.OPENAI_API_KEY;
        """
    found = [(s.context, s.span.start_line, s.span.start_col) for s in facts(code).strings]
    assert found == [("COHERE_API_KEY", 1, 6), ("voyageApiKey", 2, 31), ("apiKey", 4, 10)]


def test_first_use_from_several_threads_at_once():
    """The language server analyses in worker threads: the grammar and comment query are
    created on first use, and a thread must never see one without the other (it did: a
    KeyError turned into an RF000 on a Vue file opened while the workspace was indexed)."""
    import threading

    from ragfirst.analyzers import js_analyzer, js_parsing

    code = "// ragfirst: ignore[RF401] -- capped upstream\nimport OpenAI from 'openai';\nnew OpenAI();\n"
    errors: list[BaseException] = []
    saved = dict(js_parsing._LANGUAGES), dict(js_parsing._COMMENT_QUERIES)
    for _ in range(20):
        js_parsing._LANGUAGES.clear()
        js_parsing._COMMENT_QUERIES.clear()
        barrier = threading.Barrier(6)

        def work(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                js_analyzer.analyze_js(SourceText(code), "x.ts")
            except BaseException as exc:  # collected: an exception in a thread is silent
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # Other tests' threads keep parsers for the grammars cached before this test.
    js_parsing._LANGUAGES.update(saved[0])
    js_parsing._COMMENT_QUERIES.update(saved[1])
    assert errors == []
