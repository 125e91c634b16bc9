"""Calls through the project's own JS/TS modules: a route that imports its client from
lib/openai.ts is checked as openai-node code, in the CLI (cold, cached and in parallel) and
in the language server; unknown, ambiguous or user-defined modules never fire."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.conftest import lint
from tests.lsp.test_server_e2e import codes, open_doc, push_capabilities, start, wait_for

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.cache import AnalysisCache
from ragfirst.engine.local_modules import ModuleExports, resolve_module, resolve_qualname
from ragfirst.engine.runner import lint_paths

CLIENT_MODULE = """\
    import OpenAI from "openai";

    const globalForOpenAI = globalThis as unknown as { openai?: OpenAI };
    export const openai = globalForOpenAI.openai ?? new OpenAI();
    export function getClient() {
      return new OpenAI();
    }
    const shared = new OpenAI();
    export { shared as client };
    export default shared;
    """

UNCAPPED = 'await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n'


def rf401(findings) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in findings if f.rule_id == "RF401"]


@pytest.mark.parametrize(
    ("route", "route_path"),
    [
        ('import { openai } from "@/lib/openai";\n' + UNCAPPED, "app/api/chat/route.ts"),
        ('import { openai } from "../../../lib/openai";\n' + UNCAPPED, "app/api/chat/route.ts"),
        ('import { openai } from "../../../lib/openai.js";\n' + UNCAPPED, "app/api/chat/route.ts"),
        ('import { openai } from "~/lib/openai";\n' + UNCAPPED, "app/api/chat/route.ts"),
        (
            'import * as lib from "@/lib/openai";\nawait lib.openai.chat.completions.create({ model: "m" });\n',
            "a.ts",
        ),
        ('const { openai } = require("./lib/openai");\n' + UNCAPPED, "a.js"),
        (
            'import client from "@/lib/openai";\nawait client.chat.completions.create({ model: "m" });\n',
            "a.ts",
        ),
        (
            'import { client as c } from "@/lib/openai";\nawait c.chat.completions.create({ model: "m" });\n',
            "a.ts",
        ),
        (
            'import { getClient } from "@/lib/openai";\nawait getClient().chat.completions.create({ model: "m" });\n',
            "a.ts",
        ),
    ],
    ids=[
        "alias",
        "relative",
        "relative-js-extension",
        "tilde",
        "namespace",
        "require",
        "default",
        "renamed",
        "factory",
    ],
)
def test_calls_through_the_projects_client_module_are_checked(route, route_path):
    findings = lint(route, route_path, **{"lib__openai.ts": CLIENT_MODULE})
    assert rf401(findings) == [(route_path, 2)]
    [finding] = [f for f in findings if f.rule_id == "RF401"]
    assert "max_completion_tokens" in finding.message
    assert finding.snippet.startswith("await ")


def test_a_capped_call_through_the_module_is_fine():
    route = 'import { openai } from "@/lib/openai";\nawait openai.chat.completions.create({ model: "m", max_tokens: 50 });\n'
    assert rf401(lint(route, "app/route.ts", **{"lib__openai.ts": CLIENT_MODULE})) == []


def test_re_exports_are_followed_through_an_index_module():
    findings = lint(
        'import { openai } from "@/lib";\n' + UNCAPPED,
        "app/route.ts",
        **{"lib__openai.ts": CLIENT_MODULE, "lib__index.ts": 'export { openai } from "./openai";\n'},
    )
    assert rf401(findings) == [("app/route.ts", 2)]


def test_training_calls_through_the_module_are_rf101():
    route = 'import { openai } from "@/lib/openai";\nawait openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "file-1" });\n'
    findings = lint(route, "app/tune/route.ts", **{"lib__openai.ts": CLIENT_MODULE})
    assert [(f.rule_id, f.span.start_line) for f in findings if f.rule_id == "RF101"] == [("RF101", 2)]


@pytest.mark.parametrize(
    "module",
    [
        # the user's own class named OpenAI: not the SDK
        "export class OpenAI { chat = { completions: { create: (x: object) => x } } }\nexport const openai = new OpenAI();\n",
        # a module that exports something else under that name
        'import { Queue } from "bullmq";\nexport const openai = new Queue("jobs");\n',
        # nothing exported under that name
        'import OpenAI from "openai";\nconst openai = new OpenAI();\n',
    ],
    ids=["local-class", "other-library", "not-exported"],
)
def test_look_alike_modules_do_not_fire(module):
    route = 'import { openai } from "@/lib/openai";\n' + UNCAPPED
    assert rf401(lint(route, "app/route.ts", **{"lib__openai.ts": module})) == []


def test_a_missing_or_ambiguous_module_is_left_alone():
    route = 'import { openai } from "@/lib/openai";\n' + UNCAPPED
    assert rf401(lint(route, "app/route.ts")) == []
    two = {"a__lib__openai.ts": CLIENT_MODULE, "b__lib__openai.ts": CLIENT_MODULE}
    assert rf401(lint(route, "app/route.ts", **two)) == []


def test_a_route_without_the_package_name_passes_the_prefilter():
    route = 'import { ai } from "./ai";\nexport const answer = () => ai.chat.completions.create({ model: "m" });\n'
    module = 'import OpenAI from "openai";\nexport const ai = new OpenAI();\n'
    assert rf401(lint(route, "src/route.ts", **{"src__ai.ts": module})) == [("src/route.ts", 2)]


def test_suppression_in_the_route_applies():
    route = (
        'import { openai } from "@/lib/openai";\n'
        "// ragfirst: ignore[RF401] -- capped by the gateway\n" + UNCAPPED
    )
    findings = lint(route, "app/route.ts", **{"lib__openai.ts": CLIENT_MODULE})
    assert [f.suppressed for f in findings if f.rule_id == "RF401"] == [True]


def test_resolution_rules():
    modules = {"src/lib/openai.ts": ModuleExports({"openai": "openai.default()"}, [])}
    assert resolve_module("src/app/route.ts", "../lib/openai", modules) == "src/lib/openai.ts"
    assert resolve_module("src/app/route.ts", "@/lib/openai", modules) == "src/lib/openai.ts"
    assert resolve_module("src/app/route.ts", "./lib/openai", modules) is None
    assert resolve_qualname("src/app/route.ts", "@/lib/openai", "openai.chat.create", modules) == (
        "openai.default().chat.create"
    )
    assert resolve_qualname("src/app/route.ts", "@/lib/openai", "other.create", modules) is None
    loop = {
        "a.ts": ModuleExports({"x": "@local0.x"}, ["./b"]),
        "b.ts": ModuleExports({"x": "@local0.x"}, ["./a"]),
    }
    assert resolve_qualname("c.ts", "./a", "x.create", loop) is None  # a cycle ends


def _project(root: Path) -> None:
    (root / "lib").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "lib" / "openai.ts").write_text(textwrap.dedent(CLIENT_MODULE))
    (root / "app" / "route.ts").write_text('import { openai } from "@/lib/openai";\n' + UNCAPPED)
    (root / "ragfirst.toml").write_text("# the project root\n")


def test_cli_cold_cached_and_parallel_agree(tmp_path, monkeypatch):
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    cache = AnalysisCache(tmp_path / ".cache", namespace="test")
    runs = [
        lint_paths([Path(".")], ConfigResolver(), jobs=1),
        lint_paths([Path(".")], ConfigResolver(), jobs=2),
        lint_paths([Path(".")], ConfigResolver(), jobs=1, cache=cache),
        lint_paths([Path(".")], ConfigResolver(), jobs=1, cache=cache),  # from the cache
    ]
    for result in runs:
        assert rf401(result.findings) == [("app/route.ts", 2)]
    assert cache.hits >= 2  # the last run read both files' analyses back


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_language_server_resolves_the_module_from_the_workspace_index(client, tmp_path):
    _project(tmp_path)
    await start(client, [tmp_path], capabilities=push_capabilities())
    uri = open_doc(client, tmp_path / "app" / "route.ts")
    await wait_for(lambda: "RF401" in codes(client, uri), timeout=30)
