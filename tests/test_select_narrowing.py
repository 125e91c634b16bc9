"""Issue 26: `--select` narrows the per-file phase to the enabled rules (engine/selection.py).

A narrowed engine parses only files that may hold the selected rules' findings or the facts
their project messages read; the findings are those of a full run with the same selection.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine
from ragfirst.engine.runner import EngineCache
from ragfirst.engine.selection import enabled_rules, narrowed, selection_tag
from ragfirst.rules.loader import load_ruleset

RULESET = load_ruleset()

TUNE = """\
    import OpenAI from "openai";
    const client = new OpenAI();
    export async function tune() {
      return client.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: "file-abc" });
    }
"""
INDEX = """\
    import { Pinecone } from "@pinecone-database/pinecone";
    const pc = new Pinecone();
    export const index = pc.index("docs");
"""
CHAT = """\
    import OpenAI from "openai";
    const client = new OpenAI();
    export const answer = () => client.chat.completions.create({ model: "gpt-4o", messages: [] });
"""


def write(root: Path, files: dict[str, str]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")


def check(capsys, *args: str) -> list[dict]:
    code = main(["check", "--format", "json", "--exit-zero", *args])
    assert code == 0
    return json.loads(capsys.readouterr().out)["findings"]


def key(findings: list[dict]) -> list[str]:
    return sorted(json.dumps(finding, sort_keys=True) for finding in findings)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path, {"package.json": '{"name": "app"}\n', "tune.ts": TUNE, "index.ts": INDEX, "chat.ts": CHAT}
    )
    return tmp_path


def test_a_narrowed_engine_parses_only_what_the_selected_rules_need():
    engine = Engine(RULESET, only=frozenset({"RF101"}))
    assert engine.analyze("tune.ts", textwrap.dedent(TUNE).encode()).parsed
    assert engine.analyze(
        "index.ts", textwrap.dedent(INDEX).encode()
    ).parsed  # RF101's message reads retrieval
    assert not engine.analyze("chat.ts", textwrap.dedent(CHAT).encode()).parsed  # RF401's words only
    assert Engine(RULESET).analyze("chat.ts", textwrap.dedent(CHAT).encode()).parsed


def test_the_message_still_names_the_projects_retrieval(project, capsys):
    narrowed_run = check(capsys, "--no-cache", "--select", "RF101", ".")
    assert [f["rule"] for f in narrowed_run] == ["RF101"]
    assert "Retrieval is already set up (Pinecone" in narrowed_run[0]["message"]
    full = [f for f in check(capsys, "--no-cache", ".") if f["rule"] == "RF101"]
    assert key(narrowed_run) == key(full)


def test_selected_runs_match_full_runs_filtered(project, capsys):
    full = check(capsys, "--no-cache", ".")
    for selection in ("RF101", "RF4", "RF401,RF101"):
        wanted = tuple(selection.split(","))
        expected = [f for f in full if f["rule"].startswith(wanted)]
        assert key(check(capsys, "--no-cache", "--select", selection, ".")) == key(expected), selection


def test_the_cache_keeps_narrowed_and_full_analyses_apart(project, capsys, tmp_path_factory):
    cache = str(tmp_path_factory.mktemp("cache"))
    full = check(capsys, "--no-cache", ".")
    check(capsys, "--cache-dir", cache, "--select", "RF101", ".")
    assert key(check(capsys, "--cache-dir", cache, ".")) == key(full)  # not the narrowed analyses
    assert key(check(capsys, "--cache-dir", cache, "--select", "RF101", ".")) == key(
        [f for f in full if f["rule"] == "RF101"]
    )


def test_a_suppression_of_an_unselected_rule_is_not_unknown(project, capsys):
    write(project, {"other.ts": "// ragfirst: ignore[RF301] -- sized by the ops team\nexport const x = 1;\n"})
    findings = check(capsys, "--no-cache", "--select", "RF001", ".")
    assert [f["message"] for f in findings if "unknown rule" in f["message"]] == []


def test_directories_with_different_selections_each_get_their_rules(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"a/ragfirst.toml": 'select = ["RF101"]\n', "a/tune.ts": TUNE, "a/chat.ts": CHAT})
    write(tmp_path, {"b/ragfirst.toml": 'select = ["RF401"]\n', "b/tune.ts": TUNE, "b/chat.ts": CHAT})
    found = {(f["path"], f["rule"]) for f in check(capsys, "--no-cache", "--jobs", "2", ".")}
    assert ("a/tune.ts", "RF101") in found and ("b/chat.ts", "RF401") in found
    assert not {rule for path, rule in found if path.startswith("a/")} - {"RF101"}
    assert not {rule for path, rule in found if path.startswith("b/")} - {"RF401"}


def test_no_narrowing_while_rf000_is_enabled():
    assert enabled_rules(RULESET, Settings(ignore=("RF3",))) is None  # RF000 still on
    assert enabled_rules(RULESET, Settings()) is None
    assert enabled_rules(RULESET, Settings(select=("RF101",))) == frozenset({"RF101"})


def test_a_selected_check_keeps_every_fact():
    checks = [rule.id for rule in RULESET.rules if rule.check is not None]
    assert narrowed(RULESET, frozenset(checks[:1])).facts == RULESET.facts
    kinds = {fact.kind for fact in narrowed(RULESET, frozenset({"RF101"})).facts}
    assert kinds == {"retrieval"}
    assert narrowed(RULESET, frozenset({"RF401"})).facts == [] or RULESET.get("RF401").check is not None


def test_cache_tags():
    assert selection_tag(Settings()) == ""
    assert selection_tag(Settings(select=("RF101",))) != selection_tag(Settings(select=("RF102",)))
    cache = EngineCache()
    assert cache.selection_tag(Settings(select=("RF101",))) == ""  # not narrowing: the full key
    cache.narrow = True
    assert cache.for_settings(Settings(select=("RF101",))).only == frozenset({"RF101"})
    assert cache.for_settings(Settings()).only is None
