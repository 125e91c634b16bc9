"""Issue 26: the prefilter works for JavaScript/TypeScript too.

Before, one JS/TS fact pattern (`@langchain/{pinecone,...}.*Store`) had no trigger word, so
every JS/TS file was parsed. A module specifier's last literal part is now its trigger,
and the link step parses a skipped module when a project import may name it. A file that
names no SDK package, no trigger word and no project import is not parsed; every file that
had a finding still has it.
"""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine
from ragfirst.engine.runner import EngineCache, lint_sources
from ragfirst.rules.loader import load_ruleset
from ragfirst.rules.patterns import compile_pattern

ENGINE = Engine(load_ruleset())
_ENGINES = EngineCache()


def parsed(code: str, path: str) -> bool:
    return ENGINE.analyze(path, textwrap.dedent(code).encode()).parsed


@pytest.mark.parametrize(
    ("pattern", "triggers"),
    [
        ("@langchain/{pinecone,qdrant}.*Store.*", (("^pinecone", "^qdrant"),)),
        ("@langchain/community/vectorstores/*.*", (("^vectorstores",),)),
        ("{llamaindex,@llamaindex/openai}.OpenAI", (("^llamaindex", "^openai"), (".OpenAI",))),
        ("@ai-sdk/openai.embed", (("^openai",), (".embed",))),
        ("@x/*.y", (("^x",), (".y",))),
        ("openai.chat.completions.create", (("^openai",), (".chat",), (".completions",), (".create",))),
    ],
)
def test_a_module_specifier_has_a_trigger_word(pattern, triggers):
    assert compile_pattern(pattern).triggers == triggers


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("export function add(a: number, b: number) { return a + b; }\n", "src/math.ts"),
        ('import { add } from "./math";\nexport const three = add(1, 2);\n', "src/three.ts"),
        ('import React from "react";\nexport default function Page() { return null; }\n', "app/page.tsx"),
        ('const store = new Map();\nstore.set("k", 1);\n', "lib/store.js"),
    ],
    ids=["plain", "local-import-no-method", "react-page", "plain-js"],
)
def test_js_files_that_cannot_match_are_not_parsed(code, path):
    assert not parsed(code, path)


@pytest.mark.parametrize(
    ("code", "path"),
    [
        (
            'import { PineconeStore } from "@langchain/pinecone";\nconst s = await PineconeStore.fromExistingIndex(e, {});\n',
            "a.ts",
        ),
        (
            'import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";\nHNSWLib.fromTexts([], [], e);\n',
            "b.ts",
        ),
        (
            'import { openai } from "@/lib/openai";\nawait openai.chat.completions.create({ model: "m", messages: [] });\n',
            "c.ts",
        ),
    ],
    ids=["langchain-store", "community-store", "through-a-project-module"],
)
def test_js_files_that_may_match_are_parsed(code, path):
    assert parsed(code, path)


def test_a_skipped_re_export_module_is_parsed_for_its_importer():
    client = 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n'
    files = {
        "lib/openai.ts": client,
        "lib/index.ts": 'export { openai } from "./openai";\n',  # names no trigger word
        "lib/shared.ts": 'export { openai as client } from "./index";\n',  # two hops
        "app/route.ts": 'import { client } from "@/lib/shared";\n'
        'export const go = () => client.chat.completions.create({ model: "gpt-4o", messages: [] });\n',
    }
    assert not parsed(files["lib/index.ts"], "lib/index.ts")
    settings = Settings()
    findings = lint_sources(files, settings, _ENGINES.for_settings(settings))
    assert [(f.path, f.span.start_line) for f in findings if f.rule_id == "RF401"] == [("app/route.ts", 2)]
