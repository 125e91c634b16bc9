"""Issue 26: JS/TS files the prefilter defers (a trigger's called method and a project
import, no whole trigger) are parsed by the link only when an import can lead to an SDK
value (engine/js_link.py). Every finding through a project module is kept."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine.engine import DEFER, PARSE, SKIP, Engine
from ragfirst.engine.js_link import import_hints, module_roots
from ragfirst.engine.runner import EngineCache, lint_sources
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.rules.loader import load_ruleset

RULESET = load_ruleset()
ENGINE = Engine(RULESET)
CLIENT = 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n'
ROUTE = (
    'import { openai } from "@/lib/shared";\n'
    'export const go = () => openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });\n'
)
NOTHING = "export function helper() { return 1; }\n"


def verdict(code: str) -> str:
    return ENGINE.prefilter_verdict(code, language="javascript")


def rf101(files: dict[str, str]) -> list[tuple[str, int]]:
    settings = Settings()
    findings = lint_sources(files, settings, EngineCache().for_settings(settings))
    return [(f.path, f.span.start_line) for f in findings if f.rule_id == "RF101"]


def test_verdicts():
    assert verdict(ROUTE) is DEFER  # `create` and a project import, no client class
    assert verdict(NOTHING) is SKIP
    assert verdict(CLIENT + 'openai.fineTuning.jobs.create({model: "m", training_file: "f"});\n') is PARSE
    assert verdict('import { x } from "./x";\nexport const y = 1;\n') is SKIP  # no trigger word
    analysis = ENGINE.analyze("app/route.ts", ROUTE.encode())
    assert not analysis.parsed and analysis.deferred_imports == ["@/lib/shared"]


@pytest.mark.parametrize(
    "files",
    [
        {"lib/shared.ts": CLIENT},
        {"lib/shared.ts": 'export { openai } from "./openai";\n', "lib/openai.ts": CLIENT},
        {  # an import cycle: the client is reached only around it
            "lib/shared.ts": 'export { openai } from "./a";\n',
            "lib/a.ts": 'import { b } from "./b";\nexport { openai } from "./openai";\nexport const a = b;\n',
            "lib/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
            "lib/openai.ts": CLIENT,
        },
        {
            "lib/shared.ts": 'const { default: OpenAI } = require("openai");\nexport const openai = new OpenAI();\n'
        },
    ],
    ids=["client-module", "re-export", "cycle", "require"],
)
def test_a_deferred_file_reaching_a_client_is_parsed(files):
    assert rf101({"app/route.ts": ROUTE, **files}) == [("app/route.ts", 2)]


def test_the_cycle_is_answered_whichever_module_is_asked_first():
    files = {
        "lib/a.ts": 'import { b } from "./b";\nexport { openai } from "./openai";\nexport const a = b;\n',
        "lib/b.ts": 'export { openai } from "./a";\nexport const b = 1;\n',  # b -> a -> b: a cycle
        "lib/openai.ts": CLIENT,
        "app/one.ts": ROUTE.replace("@/lib/shared", "@/lib/b"),  # reaches the client via a
        "app/two.ts": ROUTE.replace("@/lib/shared", "@/lib/a"),
    }
    assert sorted(rf101(files)) == [("app/one.ts", 2), ("app/two.ts", 2)]
    files["lib/openai.ts"] = NOTHING
    assert rf101(files) == []


def test_deferred_files_that_reach_nothing_are_not_parsed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {
        "package.json": '{"name": "app"}\n',
        "lib/shared.ts": NOTHING,
        "lib/react.ts": 'import { useState } from "react";\nexport const s = useState;\n',
        "app/route.ts": ROUTE,
        "app/other.ts": ROUTE.replace("@/lib/shared", "@/lib/react"),
    }
    for relative, content in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content)
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    result = lint_paths([Path(".")], ConfigResolver(), jobs=1)
    assert result.findings == [] and result.files_parsed == 0
    (tmp_path / "lib/shared.ts").write_text(CLIENT)
    result = lint_paths([Path(".")], ConfigResolver(), jobs=1)
    assert [(f.path, f.rule_id) for f in result.findings if f.rule_id == "RF101"] == [
        ("app/route.ts", "RF101")
    ]


def test_warm_runs_keep_deferred_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for relative, content in {"package.json": "{}\n", "lib/shared.ts": CLIENT, "app/route.ts": ROUTE}.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content)
    cache = str(tmp_path / ".cache")
    runs = []
    for _ in range(2):
        main(["check", "--format", "json", "--exit-zero", "--cache-dir", cache, "."])
        runs.append([(f["path"], f["rule"]) for f in json.loads(capsys.readouterr().out)["findings"]])
    assert runs[0] == runs[1] and ("app/route.ts", "RF101") in runs[0]


def test_a_deferred_analysis_survives_serialization():
    analysis = ENGINE.analyze("app/route.ts", ROUTE.encode())
    assert load_analysis(json.loads(json.dumps(dump_analysis(analysis)))).deferred_imports == ["@/lib/shared"]
    assert load_analysis(json.loads(json.dumps(dump_analysis(ENGINE.analyze("x.ts", b"")))))
    assert ENGINE.analyze("x.ts", b"").deferred_imports is None


def test_import_hints():
    roots = module_roots(RULESET)
    code = textwrap.dedent(
        """\
        import React from "react";
        import { a } from "./a";
        export * from '../b';
        const c = require("~/c");
        const d = await import(`#d`);
        import OpenAI from "openai";
        import { Pinecone } from "@pinecone-database/pinecone";
        import "./side-effect.css";
        """
    )
    hints = import_hints(code, roots)
    assert hints == ["./a", "../b", "~/c", "#d", "openai", "@pinecone-database/pinecone", "./side-effect.css"]
    assert "react" not in hints
    assert import_hints(code, None)[0] == "react"  # no known roots: every package may be one
    narrow = module_roots(Engine(RULESET, only=frozenset({"RF101"}))._active)
    assert narrow is not None and "openai" in narrow.names and not narrow.holds("@ai-sdk/openai")
