"""Hostile rule packs and config files cost bounded time and memory and end in one error
line, never a traceback (issue 25, "Time and memory" and "Never a traceback")."""

from __future__ import annotations

import json
import textwrap
import time
import tracemalloc

import pytest
from tests.hardening.fuzzlib import run_cli_in_process

from ragfirst.rules.patterns import MAX_ALTERNATIVES, PatternError, compile_pattern

FINE_TUNE = (
    "from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f')\n"
)


def _pack(call: str) -> str:
    return textwrap.dedent(
        f"""\
        version: 1
        rules:
          - id: TEAM001
            name: team-rule
            severity: warning
            summary: A team rule.
            message: "team rule"
            guide: guide/llm-spend.md#output-token-caps
            match:
              python:
                - call: "{call}"
        """
    )


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text(FINE_TUNE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def _one_line_error(code, err, trace, *words):
    assert trace is None, trace
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]


def test_brace_expansion_is_bounded_before_it_is_built():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(PatternError, match="expand to over"):
            compile_pattern("openai.x" + "{a,b}" * 22)
        with pytest.raises(PatternError):
            compile_pattern("openai.{a,b}." * 13 + "x")  # across segments too
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 20 * 2**20


def test_brace_expansion_within_the_limit_still_matches():
    pattern = compile_pattern("openai.x" + "{a,b}" * 12)  # 4,096 names: the limit
    assert MAX_ALTERNATIVES == 2**12
    assert pattern.matches("openai.x" + "ab" * 6)
    assert not pattern.matches("openai.x" + "ab" * 6 + "a")


def test_thousands_of_pattern_groups_do_not_recurse():
    pattern = compile_pattern("lib." + "x{a}" * 5000)
    assert pattern.matches("lib." + "xa" * 5000)


def test_a_rule_pack_with_an_exploding_pattern_is_one_config_error(project):
    (project / "team.yaml").write_text(_pack("openai.x" + "{a,b}" * 22))
    (project / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["team.yaml"]\n')
    started = time.perf_counter()
    code, _, err, trace = run_cli_in_process(["check", "."])
    _one_line_error(code, err, trace, "team.yaml", "expand to over")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("name", ["ragfirst.toml", "pyproject.toml"])
def test_deeply_nested_toml_is_one_config_error(project, name):
    body = "x = " + "[" * 50_000 + "]" * 50_000 + "\n"
    table = "" if name == "ragfirst.toml" else "[tool.ragfirst]\n"
    (project / name).write_text(table + body)
    code, _, err, trace = run_cli_in_process(["check", "."])
    _one_line_error(code, err, trace, name)


@pytest.mark.parametrize(
    "content",
    [b"[project]\nname = 'x'\n" + b"# padding\n" * 200_000, b"[project]\nname = '\xff\xfe caf\xe9'\n"],
    ids=["over-1-MiB", "not-UTF-8"],
)
def test_a_pyproject_without_a_ragfirst_table_is_not_an_error(project, content):
    (project / "pyproject.toml").write_bytes(content)
    code, out, err, trace = run_cli_in_process(["check", "--format", "json", "."])
    assert trace is None, trace
    assert code == 1 and '"RF' in out, err  # linted with the defaults


@pytest.mark.parametrize(
    "content",
    [b"[tool.ragfirst]\nselect = ['RF1']\n" + b"# padding\n" * 200_000, b"[tool.ragfirst]\nx = '\xff'\n"],
    ids=["over-1-MiB", "not-UTF-8"],
)
def test_a_pyproject_with_a_ragfirst_table_still_must_be_readable(project, content):
    (project / "pyproject.toml").write_bytes(content)
    code, _, err, trace = run_cli_in_process(["check", "."])
    _one_line_error(code, err, trace, "pyproject.toml")


def _regex_pack(count: int) -> str:
    rules = []
    for index in range(count):
        rules.append(
            f"  - id: TEAM{index:04d}\n    name: team-rule-{index}\n    severity: warning\n"
            "    summary: A team rule.\n    message: team rule\n    guide: guide/llm-spend.md#output-token-caps\n"
            "    match:\n      python:\n        - call: mylib.run\n"
            f'          args:\n            - {{name: model, matches: "[a-z]{{1,1000}}Q{index}"}}\n'
        )
    return "version: 1\nrules:\n" + "".join(rules)


def test_regex_fan_out_is_budgeted_per_pack_and_file(project):
    """3,000 regexes against one 100 KB string ran over 120 s: now a budget stops the pack
    on that file, and one RF000 names the pack; other files and rules are still checked."""
    (project / "team.yaml").write_text(_regex_pack(600))  # the issue had 3,000; 600 show it
    (project / "pyproject.toml").write_text('[tool.ragfirst]\nrules = ["team.yaml"]\n')
    (project / "big.py").write_text('import mylib\nmylib.run(model="' + "a" * 100_000 + '")\n')
    (project / "small.py").write_text('import mylib\nmylib.run(model="abcQ7")\n')
    started = time.perf_counter()
    code, out, err, trace = run_cli_in_process(["check", "--no-cache", "--format", "json", "."])
    elapsed = time.perf_counter() - started
    assert trace is None, trace
    assert code == 1, err
    findings = json.loads(out)["findings"]
    budget = [f for f in findings if f["rule"] == "RF000" and f["path"] == "big.py"]
    assert len(budget) == 1 and "team.yaml" in budget[0]["message"] and "budget" in budget[0]["message"]
    assert any(f["rule"] == "TEAM0007" and f["path"] == "small.py" for f in findings)
    assert elapsed < 60, elapsed
