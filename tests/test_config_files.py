"""Config files end to end: the YAML, JSON, TOML, .env, INI and requirements analyzers
(positions of every key, multi-document YAML, anchors and aliases, duplicate keys, broken
and huge files), dependency manifests (RF501) and training-infrastructure configs (RF502).

Snippets start right after the opening quotes (`\"\"\"\\`), so the first line is line 1
and the expected lines can be read off the snippet. Columns are 0-based code points, as
in `Finding.span`.
"""

from __future__ import annotations

import json
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from ragfirst.analyzers.config_analyzer import (
    analyze_dotenv,
    analyze_ini,
    analyze_json,
    analyze_requirements,
    analyze_toml,
    analyze_yaml,
)
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.model import Finding
from ragfirst.source import SourceText

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import lint
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import lint

MIB = 1024 * 1024


# ============================================================================================
# helpers
# ============================================================================================


def active(findings: list[Finding], *rule_ids: str) -> list[tuple[str, int, int]]:
    """(rule, line, col) of the findings that are not suppressed, optionally of some rules."""
    return [
        (f.rule_id, f.span.start_line, f.span.start_col)
        for f in findings
        if not f.suppressed and (not rule_ids or f.rule_id in rule_ids)
    ]


def messages(findings: list[Finding], rule_id: str) -> list[str]:
    return [f.message for f in findings if f.rule_id == rule_id and not f.suppressed]


def entries_of(facts) -> dict[tuple, tuple]:
    """key path -> (value, line, col, document)."""
    return {
        entry.path: (entry.value, entry.span.start_line, entry.span.start_col, entry.document)
        for entry in facts.entries
    }


def positions(facts) -> dict[tuple, tuple[int, int]]:
    return {entry.path: (entry.span.start_line, entry.span.start_col) for entry in facts.entries}


def lint_project(root: Path, monkeypatch, files: dict[str, str]) -> list[Finding]:
    """The real pipeline (discovery, engine, project phase) over files written to `root`."""
    monkeypatch.chdir(root)
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    if not any(name in files for name in ("ragfirst.toml", "pyproject.toml")):
        (root / "ragfirst.toml").write_text("", encoding="utf-8")
    return lint_paths([root], ConfigResolver()).findings


def timed_lint(code: str, path: str) -> tuple[list[Finding], float]:
    lint("x = 1\n", "warm_up.py")  # the rule set is built once, outside the measurement
    started = time.perf_counter()
    findings = lint(code, path)
    return findings, time.perf_counter() - started


# ============================================================================================
# YAML: multi-document streams, anchors and aliases, duplicate keys, broken files
# ============================================================================================


def test_yaml_multi_document_stream_is_matched_document_by_document():
    findings = lint(
        """\
        model_list:
          - model_name: gpt-4.1
            litellm_params: {model: openai/gpt-4.1}
        ---
        model_list:
          - model_name: gpt-4.1
            litellm_params: {model: openai/gpt-4.1, rpm: 480}
        ---
        litellm_settings:
          max_budget: 600
          budget_duration: 1d
        """,
        "proxy/config.yaml",
    )
    # Document 1 has no cap (RF403 on its model_list), document 2 has rpm (nothing),
    # document 3's budget is $18,000 a month (RF402 on its max_budget key).
    assert active(findings) == [("RF403", 1, 0), ("RF402", 10, 2)]
    assert "$18,000/month" in messages(findings, "RF402")[0]


def test_yaml_keys_of_different_documents_are_never_combined():
    findings = lint(
        """\
        compute_environment: LOCAL_MACHINE
        ---
        distributed_type: FSDP
        ---
        litellm_settings:
          max_budget: 600
        ---
        litellm_settings:
          budget_duration: 1d
        """,
        "configs/stream.yaml",
    )
    assert active(findings) == []


def test_yaml_entries_carry_their_document_and_position():
    facts = analyze_yaml(
        SourceText("first:\n  nested:\n    key: 1\n---\n# comment\nsecond:\n  - item: two\n"), "s.yaml"
    )
    entries = entries_of(facts)
    assert entries[("first", "nested", "key")] == (1, 3, 4, 0)
    assert entries[("second", 0, "item")] == ("two", 7, 4, 1)
    assert entries[("second",)][1:] == (6, 0, 1)


def test_yaml_merge_key_brings_the_anchor_values():
    findings = lint(
        """\
        model_list:
          - model_name: gpt-4.1
            litellm_params: {model: openai/gpt-4.1, rpm: 10}
        x-defaults: &budget
          budget_duration: 1d
        litellm_settings:
          <<: *budget
          max_budget: 600
        """,
        "proxy/config.yaml",
    )
    assert active(findings) == [("RF402", 8, 2)]
    assert "litellm_settings.max_budget budgets about $18,000/month" in messages(findings, "RF402")[0]


def test_yaml_alias_of_a_mapping_is_read_under_the_alias_path():
    findings = lint(
        """\
        model_list:
          - model_name: gpt-4.1
            litellm_params: {model: openai/gpt-4.1, rpm: 10}
        x-budget: &budget
          max_budget: 600
          budget_duration: 1d
        litellm_settings: *budget
        """,
        "proxy/config.yaml",
    )
    # litellm_settings.max_budget is 600 a day whether written out or aliased.
    assert [rule for rule, _, _ in active(findings)] == ["RF402"]
    assert "litellm_settings.max_budget budgets about $18,000/month" in messages(findings, "RF402")[0]


def test_yaml_rate_limits_reached_through_an_alias_count():
    findings = lint(
        """\
        x-params: &params
          model: openai/gpt-4.1
          rpm: 100
        model_list:
          - model_name: a
            litellm_params: *params
          - model_name: b
            litellm_params: *params
        """,
        "proxy/config.yaml",
    )
    assert active(findings, "RF403") == []


def test_yaml_alias_entries_point_at_the_anchor():
    facts = analyze_yaml(
        SourceText("base: &base\n  model: gpt\n  rpm: 5\nchild:\n  <<: *base\n  extra: 1\n"), "a.yaml"
    )
    found = positions(facts)
    assert found[("child", "model")] == (2, 2)
    assert found[("child", "rpm")] == (3, 2)
    assert found[("child", "extra")] == (6, 2)


BILLION_LAUGHS = """\
model_list: []
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(BILLION_LAUGHS, 1, id="first-document"),
        pytest.param("litellm_settings: {max_budget: 1}\n---\n" + BILLION_LAUGHS, 3, id="second-document"),
    ],
)
def test_yaml_alias_bomb_is_one_rf000_without_blowing_up(text, line):
    lint("x = 1\n", "warm_up.py")
    tracemalloc.start()
    try:
        started = time.perf_counter()
        findings = lint(text, "bomb.yaml")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert active(findings) == [("RF000", line, 0)]
    assert "too many nodes" in findings[0].message
    assert elapsed < 5, f"an alias bomb took {elapsed:.1f}s"
    assert peak < 64 * MIB, f"an alias bomb used {peak / MIB:.0f} MiB"


def test_yaml_small_alias_fan_out_is_analysed_normally():
    text = BILLION_LAUGHS.split("e: &e")[0] + "litellm_settings:\n  max_budget: 600\n  budget_duration: 1d\n"
    findings, elapsed = timed_lint(text, "fanout.yaml")
    assert active(findings) == [("RF402", 7, 2)]
    assert elapsed < 5


def test_yaml_recursive_alias_does_not_hang_or_crash():
    findings = lint("model_list: &loop\n  - litellm_params: *loop\n", "loop.yaml")
    assert [f for f in findings if "internal error" in f.message] == []
    assert active(findings, "RF000") == []


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(500, 20000, [("RF402", 3, 2)], id="large-last"),
        pytest.param(20000, 500, [], id="small-last"),
    ],
)
def test_yaml_duplicate_keys_last_one_wins(first, second, expected):
    findings = lint(f"llm_spend:\n  monthly_usd: {first}\n  monthly_usd: {second}\n", "spend/budget.yaml")
    assert active(findings) == expected
    if expected:
        assert "about $20,000/month" in messages(findings, "RF402")[0]


def test_yaml_duplicate_key_entry_is_the_last_one():
    facts = analyze_yaml(SourceText("dup: 1\nother: 2\ndup: 3\n"), "d.yaml")
    assert entries_of(facts)[("dup",)] == (3, 3, 0, 0)


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        pytest.param(
            "model_list:\n  - model_name: a\n   litellm_params: x\n", 3, 3, "expected '-'", id="bad-indent"
        ),
        pytest.param("model_list:\n\tbad: tab\n", 2, 0, "cannot start any token", id="tab"),
        pytest.param("model_list: [\n  {model_name: a\n", 3, 0, "did not find expected", id="unclosed-flow"),
        pytest.param('model_list: "unterminated\n', 2, 0, "invalid YAML", id="unterminated-string"),
    ],
)
def test_broken_yaml_is_one_rf000_at_the_error(text, line, col, fragment):
    findings = lint(text, "proxy/config.yaml")
    assert active(findings) == [("RF000", line, col)]
    assert findings[0].message.startswith("invalid YAML")
    assert fragment in findings[0].message


# ============================================================================================
# JSON: positions, duplicate keys, depth, syntax errors
# ============================================================================================


def test_json_positions_of_nested_keys_and_items():
    text = '{\n  "a": {\n    "b": [1, {"c": 2}]\n  },\n  "d": "x"\n}\n'
    found = positions(analyze_json(SourceText(text), "p.json"))
    assert found[("a",)] == (2, 2)
    assert found[("a", "b")] == (3, 4)
    assert found[("a", "b", 0)] == (3, 10)
    assert found[("a", "b", 1)] == (3, 13)
    assert found[("a", "b", 1, "c")] == (3, 14)
    assert found[("d",)] == (5, 2)


def test_json_finding_lands_on_the_nested_key():
    findings = lint(
        """\
        {
          "deepspeed": {
            "train_micro_batch_size_per_gpu": 4,
            "zero_optimization": {"stage": 3}
          },
          "zero_optimization": {"stage": 2},
          "train_batch_size": 16
        }
        """,
        "configs/run.json",
    )
    assert active(findings) == [("RF502", 6, 2)]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(500, 20000, [("RF402", 4, 4)], id="large-last"),
        pytest.param(20000, 500, [], id="small-last"),
    ],
)
def test_json_duplicate_keys_last_one_wins(first, second, expected):
    text = f'{{\n  "llm_spend": {{\n    "monthly_usd": {first},\n    "monthly_usd": {second}\n  }}\n}}\n'
    findings = lint(text, "spend.json")
    assert active(findings) == expected
    if expected:
        assert "about $20,000/month" in messages(findings, "RF402")[0]
    data = entries_of(analyze_json(SourceText(text), "spend.json"))
    assert data[("llm_spend", "monthly_usd")][:3] == (second, 4, 4)


@pytest.mark.timeout(60)
def test_json_deeply_nested_input_is_rf000_not_a_crash():
    depth = 100_000
    text = '{"zero_optimization": ' + "[" * depth + "]" * depth + "}"
    findings, elapsed = timed_lint(text, "deep.json")
    # The outer object is depth 0; the 257th "[" (offset 22 + 256) is one level too deep.
    assert active(findings) == [("RF000", 1, 22 + 256)]
    assert "nested deeper than 256 levels" in findings[0].message
    assert elapsed < 5


def test_json_nesting_within_the_limit_is_fine():
    text = '{"zero_optimization": ' + '{"a": ' * 200 + "1" + "}" * 200 + ', "train_batch_size": 8}'
    assert active(lint(text, "ok.json")) == [("RF502", 1, 1)]


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        pytest.param(
            '{\n  "zero_optimization": {"stage": 3},\n  "train_batch_size": 8,\n}\n',
            4,
            0,
            "expected a string key",
            id="trailing-comma-object",
        ),
        pytest.param(
            '{\n  "zero_optimization": {"stage": 3},\n  "optimizer": [1, 2,\n  ]\n}\n',
            4,
            2,
            "invalid JSON",
            id="trailing-comma-array",
        ),
        pytest.param(
            '{\n  "zero_optimization": {"stage": 3}\n  "train_batch_size": 8\n}\n',
            3,
            2,
            "expected ',' or '}'",
            id="missing-comma",
        ),
        pytest.param('{"zero_optimization": {"stage": 3}} {"x": 1}', 1, 36, "extra data", id="two-documents"),
        pytest.param('{"zero_optimization": {"stage": 3}', 1, 34, "invalid JSON", id="truncated"),
    ],
)
def test_broken_json_is_one_rf000_at_the_error(text, line, col, fragment):
    findings = lint(text, "ds_config.json")
    assert active(findings) == [("RF000", line, col)]
    assert findings[0].message.startswith("invalid JSON")
    assert fragment in findings[0].message


def test_empty_json_file_is_no_finding():
    assert lint("", "empty.json") == []
    assert lint("  \n", "blank.json") == []


# ============================================================================================
# TOML: tables, dotted keys, arrays of tables, multi-line arrays, errors
# ============================================================================================


def test_toml_positions_of_tables_dotted_keys_and_arrays_of_tables():
    text = textwrap.dedent(
        """\
        title = "x"
        [server]
        host.name = "a"
        "quoted key" = 1

        [[providers]]
        name = "one"

        [[providers]]
        name = "two"
        [server.limits]
        rpm = 5
        """
    )
    found = positions(analyze_toml(SourceText(text), "t.toml"))
    assert found[("title",)] == (1, 0)
    assert found[("server",)] == (2, 0)
    assert found[("server", "host", "name")] == (3, 0)
    assert found[("server", "quoted key")] == (4, 0)
    assert found[("providers", 0)] == (6, 0)
    assert found[("providers", 0, "name")] == (7, 0)
    assert found[("providers", 1)] == (9, 0)
    assert found[("providers", 1, "name")] == (10, 0)
    assert found[("server", "limits", "rpm")] == (12, 0)


def test_toml_multi_line_array_items_each_on_their_own_line():
    text = 'deps = [\n  "openai",\n  "trl>=0.29",\n  \'deepspeed\',\n]\nafter = 1\n'
    found = positions(analyze_toml(SourceText(text), "t.toml"))
    assert [found[("deps", i)] for i in range(3)] == [(2, 2), (3, 2), (4, 2)]
    assert found[("after",)] == (6, 0)


def test_toml_multi_line_array_item_with_extras_keeps_following_lines():
    findings = lint(
        """\
        [project]
        name = "x"
        dependencies = [
          "openai",
          "trl[peft]>=0.29",
          "deepspeed",
        ]
        """,
        "pyproject.toml",
    )
    assert active(findings) == [("RF501", 5, 2), ("RF501", 6, 2)]


def test_toml_multi_line_array_with_a_quoted_word_in_a_comment():
    findings = lint(
        """\
        [project]
        dependencies = [
          # "old-package" was removed
          "trl",  # "why": DPO
          'deepspeed',
        ]
        """,
        "pyproject.toml",
    )
    assert active(findings) == [("RF501", 4, 2), ("RF501", 5, 2)]


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        pytest.param(
            '[project\ndependencies = ["trl"]\n',
            1,
            8,
            "Expected ']' at the end of a table",
            id="table-header",
        ),
        pytest.param(
            "[tool]\nmodel_list = 1\nmodel_list = 2\n", 3, 14, "Cannot overwrite a value", id="duplicate-key"
        ),
        pytest.param('model_list = "unterminated\n', 1, 26, "Illegal character", id="unterminated-string"),
        pytest.param("[tool]\nmodel_list = \n", 2, 13, "Invalid value", id="missing-value"),
    ],
)
def test_broken_toml_is_one_rf000_at_the_error(text, line, col, fragment):
    findings = lint(text, "gateway.toml")
    assert active(findings) == [("RF000", line, col)]
    assert findings[0].message.startswith("invalid TOML")
    assert fragment in findings[0].message
    assert "(at line" not in findings[0].message  # the position is the finding's, not text


def test_broken_toml_at_end_of_document_points_at_the_end():
    findings = lint('[tool]\nmodel_list = [\n  "a",\n', "gateway.toml")
    # tomllib says "(at end of document)": the finding belongs at the end, not on line 1.
    [(rule, line, _)] = active(findings)
    assert rule == "RF000" and line in (3, 4)


def test_deeply_nested_toml_is_one_rf000_not_a_crash():
    depth = 100_000
    findings, elapsed = timed_lint("zero_optimization = " + "[" * depth + "]" * depth + "\n", "deep.toml")
    assert [rule for rule, _, _ in active(findings)] == ["RF000"]
    assert "internal error" not in findings[0].message
    assert elapsed < 5


def test_deeply_nested_yaml_is_one_rf000_not_a_crash():
    depth = 100_000
    findings, elapsed = timed_lint("zero_optimization: " + "[" * depth + "]" * depth + "\n", "deep.yaml")
    assert [rule for rule, _, _ in active(findings)] == ["RF000"]
    assert "internal error" not in findings[0].message
    assert elapsed < 5


# ============================================================================================
# .env
# ============================================================================================


def test_dotenv_export_quotes_comments_and_empty_values():
    text = textwrap.dedent(
        """\
        # OPENAI_API_KEY=commented-out
        export A="abc # not a comment"  # a comment
        B='single quoted'
        C=plain # trailing comment
        D=
        E=""
          F = spaced
        G=a=b
        """
    )
    facts = analyze_dotenv(SourceText(text), ".env")
    assert {entry.path: entry.value for entry in facts.entries} == {
        ("A",): "abc # not a comment",
        ("B",): "single quoted",
        ("C",): "plain",
        ("D",): "",
        ("E",): "",
        ("F",): "spaced",
        ("G",): "a=b",
    }
    spans = {e.path[0]: (e.span.start_line, e.span.start_col, e.span.end_col) for e in facts.entries}
    assert spans["A"] == (2, 7, 8)
    assert spans["B"] == (3, 0, 1)
    assert spans["F"] == (7, 2, 3)
    assert [c.line for c in facts.comments] == [1, 2, 4]


def test_dotenv_export_key_position_is_after_the_keyword():
    facts = analyze_dotenv(SourceText("export port=8000\nexport x=1\n"), ".env")
    spans = {e.path[0]: (e.span.start_line, e.span.start_col, e.span.end_col) for e in facts.entries}
    assert spans == {"port": (1, 7, 11), "x": (2, 7, 8)}


# ============================================================================================
# INI / setup.cfg
# ============================================================================================


def test_ini_sections_keys_and_continuation_lines():
    text = textwrap.dedent(
        """\
        [metadata]
        name = demo
        ; a comment
        # another comment
        [options]
        install_requires =
            openai>=1.40
            requests
        python_requires = >=3.11
        [options.extras_require]
        train =
            trl
        """
    )
    found = entries_of(analyze_ini(SourceText(text), "setup.cfg"))
    assert found[("metadata", "name")] == ("demo", 2, 0, 0)
    assert found[("options", "install_requires")][0] == ["openai>=1.40", "requests"]
    assert found[("options", "install_requires")][1:3] == (6, 0)
    assert found[("options", "install_requires", 0)] == ("openai>=1.40", 7, 4, 0)
    assert found[("options", "install_requires", 1)] == ("requests", 8, 4, 0)
    assert found[("options", "python_requires")][:3] == (">=3.11", 9, 0)
    assert found[("options.extras_require", "train", 0)] == ("trl", 12, 4, 0)


def test_setup_cfg_install_requires_and_extras():
    findings = lint(
        """\
        [metadata]
        name = demo

        [options]
        install_requires =
            openai>=1.40
            trl==0.29
            peft

        [options.extras_require]
        train =
            deepspeed>=0.15
        """,
        "setup.cfg",
    )
    assert active(findings) == [("RF501", 7, 4), ("RF501", 8, 4), ("RF501", 12, 4)]
    found = messages(findings, "RF501")
    assert found[0] == (
        "setup.cfg adds trl (dependencies): a library for training models. "
        "Check the decision behind it against the guide."
    )
    assert "setup.cfg adds deepspeed (optional:train)" in found[2]


def test_setup_cfg_single_line_install_requires():
    findings = lint("[options]\ninstall_requires = trl>=0.29\n", "setup.cfg")
    # setuptools reads a one-line value as a (semicolon-separated) list too.
    assert [(rule, line) for rule, line, _ in active(findings)] == [("RF501", 2)]


# ============================================================================================
# requirements files
# ============================================================================================


def test_requirements_includes_extras_markers_comments_and_urls():
    text = textwrap.dedent(
        """\
        -r base.txt
        --requirement other.txt
        -c constraints.txt
        --index-url https://download.pytorch.org/whl/cu121
        # trl is commented out here
        openai[datalib]>=1.40 ; python_version >= "3.10"
          trl[quantization]==0.29.0  # preference tuning
        deepspeed; sys_platform == "linux"
        git+https://github.com/huggingface/peft.git
        https://example.com/wheels/unsloth-2025.1-py3-none-any.whl
        -e ./vendor/axolotl
        ./vendor/torchtune
        TRL_Extras==1.0
        Unsloth_Zoo==2025.1 \\
            --hash=sha256:0123456789abcdef
        """
    )
    facts = analyze_requirements(SourceText(text), "requirements.txt")
    deps = [(d.name, d.span.start_line, d.span.start_col) for d in facts.dependencies]
    assert deps == [
        ("openai", 6, 0),
        ("trl", 7, 2),
        ("deepspeed", 8, 0),
        ("trl-extras", 13, 0),
        ("unsloth-zoo", 14, 0),
    ]
    findings = lint(text, "requirements.txt")
    assert active(findings) == [("RF501", 7, 2), ("RF501", 8, 0), ("RF501", 14, 0)]
    assert "requirements.txt adds unsloth-zoo (dependencies)" in messages(findings, "RF501")[2]


@pytest.mark.parametrize(
    "name", ["requirements.txt", "requirements-dev.txt", "requirements_train.txt", "requirements.in"]
)
def test_requirements_file_names(name):
    findings = lint("openai\ntrl==0.29.0\n", name)
    assert active(findings) == [("RF501", 2, 0)]
    assert messages(findings, "RF501")[0].startswith(f"{name} adds trl (dependencies)")


def test_requirements_directory_included_with_dash_r(tmp_path, monkeypatch):
    findings = lint_project(
        tmp_path,
        monkeypatch,
        {
            "requirements.txt": "-r requirements/train.txt\nopenai>=1.40\n",
            "requirements/train.txt": "# training extras\ntrl==0.29.0\n",
        },
    )
    found = [(f.path, f.rule_id, f.span.start_line, f.span.start_col) for f in findings if not f.suppressed]
    assert found == [("requirements/train.txt", "RF501", 2, 0)]


def test_suppression_comment_on_a_requirements_line():
    findings = lint(
        "openai\ntrl==0.29  # ragfirst: ignore[RF501] -- DPO on 40k ranked answers, ADR-12\n",
        "requirements.txt",
    )
    assert active(findings) == []
    [suppressed] = [f for f in findings if f.suppressed]
    assert (suppressed.rule_id, suppressed.span.start_line) == ("RF501", 2)
    assert suppressed.suppression_reason == "DPO on 40k ranked answers, ADR-12"


# ============================================================================================
# RF501: manifests
# ============================================================================================


def test_pyproject_pep621_poetry_pdm_and_uv_groups():
    findings = lint(
        """\
        [project]
        name = "x"
        dependencies = ["openai", "trl>=0.29"]

        [project.optional-dependencies]
        train = [
            "deepspeed>=0.15",
            "peft",
        ]

        [tool.poetry.dependencies]
        python = "^3.11"
        unsloth = "*"

        [tool.poetry.group.train.dependencies]
        axolotl = {version = "*"}

        [tool.pdm.dev-dependencies]
        train = ["torchtune"]

        [dependency-groups]
        rl = ["openrlhf", "verl"]
        """,
        "pyproject.toml",
    )
    assert active(findings) == [
        ("RF501", 3, 26),
        ("RF501", 7, 4),
        ("RF501", 8, 4),
        ("RF501", 13, 0),
        ("RF501", 16, 0),
        ("RF501", 19, 9),
        ("RF501", 22, 6),
        ("RF501", 22, 18),
    ]
    prefixes = [m.split(":")[0] for m in messages(findings, "RF501")]
    assert prefixes == [
        "pyproject.toml adds trl (dependencies)",
        "pyproject.toml adds deepspeed (optional",
        "pyproject.toml adds peft (optional",
        "pyproject.toml adds unsloth (dependencies)",
        "pyproject.toml adds axolotl (group",
        "pyproject.toml adds torchtune (dev",
        "pyproject.toml adds openrlhf (group",
        "pyproject.toml adds verl (group",
    ]
    assert "(optional:train)" in messages(findings, "RF501")[1]
    assert "(group:train)" in messages(findings, "RF501")[4]
    assert "(dev:train)" in messages(findings, "RF501")[5]
    assert "(group:rl)" in messages(findings, "RF501")[6]


def test_pyproject_poetry_dotted_keys_and_groups():
    findings = lint(
        """\
        [tool.poetry]
        name = "x"
        dependencies.deepspeed = "^0.15"
        dependencies."unsloth" = "*"

        [tool.poetry.group.dev.dependencies]
        'axolotl' = {version = "*", extras = ["deepspeed"]}
        """,
        "pyproject.toml",
    )
    assert active(findings) == [("RF501", 3, 0), ("RF501", 4, 0), ("RF501", 7, 0)]


def test_pyproject_without_training_dependencies_is_silent():
    findings = lint(
        """\
        [project]
        name = "rag"
        dependencies = ["openai>=1.40", "qdrant-client", "peft", "accelerate"]
        [tool.poetry.dependencies]
        python = "^3.11"
        transformers = "*"
        """,
        "pyproject.toml",
    )
    assert active(findings, "RF501") == []


def test_pipfile_packages_and_dev_packages():
    findings = lint(
        """\
        [packages]
        openai = "*"
        trl = "*"

        [dev-packages]
        bitsandbytes = "*"
        """,
        "Pipfile",
    )
    assert active(findings) == [("RF501", 3, 0), ("RF501", 6, 0)]
    assert "Pipfile adds bitsandbytes (dev)" in messages(findings, "RF501")[1]


def test_environment_yml_conda_and_pip_sections():
    findings = lint(
        """\
        name: train
        channels: [conda-forge]
        dependencies:
          - python=3.11
          - conda-forge::deepspeed=0.15
          - pip
          - pip:
              - trl==0.29
              - peft
        """,
        "environment.yml",
    )
    assert active(findings) == [("RF501", 5, 4), ("RF501", 8, 8), ("RF501", 9, 8)]
    found = messages(findings, "RF501")
    assert "environment.yml adds deepspeed (conda)" in found[0]
    assert "environment.yml adds trl (pip)" in found[1]


def test_package_json_is_never_a_training_dependency():
    findings = lint(
        json.dumps(
            {
                "name": "web",
                "dependencies": {"openai": "^5.0.0", "ai": "^5.0.0", "trl": "1.0.0"},
                "devDependencies": {"deepspeed": "1.0.0", "peft": "1.0.0"},
            },
            indent=2,
        ),
        "package.json",
    )
    assert active(findings) == []


@pytest.mark.parametrize(
    "weak",
    ["peft", "bitsandbytes", "accelerate"],
)
def test_weak_dependency_alone_is_silent(weak):
    assert active(lint(f"openai>=1.40\n{weak}\ntransformers\n", "requirements.txt")) == []


def test_weak_dependencies_fire_next_to_a_strong_one():
    findings = lint("peft>=0.12\nbitsandbytes\naccelerate\nopenai\ntrl==0.29.0\n", "requirements.txt")
    assert active(findings) == [("RF501", 1, 0), ("RF501", 2, 0), ("RF501", 3, 0), ("RF501", 5, 0)]
    assert [m.split(" (")[0] for m in messages(findings, "RF501")] == [
        "requirements.txt adds peft",
        "requirements.txt adds bitsandbytes",
        "requirements.txt adds accelerate",
        "requirements.txt adds trl",
    ]


# ============================================================================================
# RF502: training-infrastructure configs, recognised by content
# ============================================================================================

ACCELERATE = """\
compute_environment: LOCAL_MACHINE
debug: false
distributed_type: FSDP
mixed_precision: bf16
num_processes: 8
"""
AXOLOTL = """\
base_model: NousResearch/Llama-3.2-1B
load_in_8bit: true
datasets:
  - path: teknium/GPT4-LLM-Cleaned
    type: alpaca
sequence_len: 2048
micro_batch_size: 2
"""
LLAMA_FACTORY = """\
### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct

### method
stage: sft
do_train: true
finetuning_type: lora
lora_target: all
"""
TORCHTUNE = """\
output_dir: /tmp/torchtune/llama3_2_1B/lora
model:
  _component_: torchtune.models.llama3_2.lora_llama3_2_1b
  lora_rank: 64
optimizer:
  _component_: torch.optim.AdamW
  lr: 3e-4
loss:
  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss
"""
AUTOTRAIN = """\
task: llm-sft
base_model: HuggingFaceTB/SmolLM2-135M-Instruct
project_name: autotrain-smollm2
data:
  path: HuggingFaceH4/no_robots
params:
  epochs: 2
  batch_size: 1
"""
DEEPSPEED = """\
{
  "train_batch_size": "auto",
  "gradient_accumulation_steps": "auto",
  "zero_optimization": {"stage": 2, "offload_optimizer": {"device": "cpu"}}
}
"""


@pytest.mark.parametrize(
    ("path", "text", "kind", "line", "col"),
    [
        pytest.param("configs/notes.yaml", ACCELERATE, "accelerate", 1, 0, id="accelerate"),
        pytest.param("x/run1.yml", AXOLOTL, "axolotl", 1, 0, id="axolotl"),
        pytest.param("examples/sft.yaml", LLAMA_FACTORY, "LLaMA-Factory", 2, 0, id="llama-factory"),
        pytest.param("recipes/1B_lora.yaml", TORCHTUNE, "torchtune", 3, 2, id="torchtune"),
        pytest.param("jobs/conf.yaml", AUTOTRAIN, "AutoTrain", 1, 0, id="autotrain"),
        pytest.param("anything.json", DEEPSPEED, "DeepSpeed", 4, 2, id="deepspeed"),
    ],
)
def test_training_configs_are_recognised_by_content(path, text, kind, line, col):
    findings = lint(text, path)
    assert active(findings) == [("RF502", line, col)]
    name = path.rsplit("/", 1)[-1]
    [message] = messages(findings, "RF502")
    assert message.startswith(f"{name} is a")
    assert f"is a training config for {kind}: this project runs training infrastructure." in message


def test_zero_inference_config_without_training_keys_is_silent():
    text = '{\n  "zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"}},\n  "fp16": {"enabled": true}\n}\n'
    assert active(lint(text, "ds_zero3_inference.json")) == []


def test_deepspeed_keys_in_yaml_are_not_a_deepspeed_config():
    assert active(lint("zero_optimization: {stage: 3}\ntrain_batch_size: 8\n", "ds.yaml")) == []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param(
            "docker-compose.yml",
            """\
            services:
              trainer:
                image: pytorch/pytorch
                environment:
                  - base_model=llama
                  - datasets=x
                  - stage=sft
            """,
            id="docker-compose",
        ),
        pytest.param(
            ".github/workflows/train.yml",
            """\
            name: train
            on: push
            jobs:
              train:
                runs-on: ubuntu-latest
                steps:
                  - run: accelerate launch --config_file accelerate.yaml train.py
                    env:
                      compute_environment: LOCAL_MACHINE
                      distributed_type: FSDP
            """,
            id="github-workflow",
        ),
        pytest.param(
            "k8s/job.yaml",
            """\
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: train
            spec:
              template:
                spec:
                  containers:
                    - name: trainer
                      image: axolotl
                      args: ["--base_model", "x", "--datasets", "y", "--num_epochs", "3"]
            """,
            id="k8s-job",
        ),
        pytest.param(
            "k8s/configmap.yaml",
            """\
            apiVersion: v1
            kind: ConfigMap
            data:
              task: llm-sft
              base_model: x
              params: "{}"
            """,
            id="k8s-configmap-nested",
        ),
    ],
)
def test_look_alikes_are_not_training_configs(path, text):
    assert active(lint(text, path), "RF502") == []


def test_training_config_suppressed_for_the_whole_file():
    findings = lint(
        "# ragfirst: ignore-file[RF502] -- nightly eval fine-tune, ADR-3\n" + ACCELERATE, "acc.yaml"
    )
    assert active(findings) == []
    assert [(f.rule_id, f.suppressed) for f in findings] == [("RF502", True)]


# ============================================================================================
# huge files stay fast
# ============================================================================================

BOUND_SECONDS = 20


def _huge_yaml() -> tuple[str, int]:
    # Just below the 1 MiB above which JSON/YAML is data, not config (see below).
    models = "".join(
        f"  - model_name: m{i}\n    litellm_params:\n      model: openai/gpt-4.1\n" for i in range(14_500)
    )
    text = "model_list:\n" + models + "litellm_settings:\n  max_budget: 600\n  budget_duration: 1d\n"
    return text, text.count("\n") - 1


def _huge_json() -> tuple[str, int]:
    items = [{"k": i, "v": "value-" + "x" * 20} for i in range(17_000)]
    text = (
        json.dumps({"train_batch_size": 8, "items": items}, indent=1)[:-2] + ',\n "zero_optimization": {}\n}'
    )
    return text, text.count("\n")


def _huge_pyproject() -> tuple[str, int]:
    deps = "".join(f'  "package-{i}>=1.0",\n' for i in range(100_000))
    text = f'[project]\nname = "x"\ndependencies = [\n{deps}  "trl>=0.29",\n]\n'
    return text, text.count("\n") - 1


def _huge_env() -> tuple[str, int]:
    text = "".join(f"VARIABLE_{i}=value-{i}\n" for i in range(150_000))
    return text, 0


def _huge_requirements() -> tuple[str, int]:
    text = "".join(f"package-{i}>=1.0\n" for i in range(150_000)) + "trl\n"
    return text, text.count("\n")


def _huge_setup_cfg() -> tuple[str, int]:
    deps = "".join(f"    package-{i}>=1.0\n" for i in range(100_000))
    text = f"[options]\ninstall_requires =\n{deps}    trl\n"
    return text, text.count("\n")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_json_and_yaml_over_a_mebibyte_are_data_not_config(suffix):
    """An OpenAPI schema or saved results (issue 19: 2.8 MB took 7-11 s): not analysed."""
    text, _ = _huge_yaml() if suffix == ".yaml" else _huge_json()
    text = text + ("#" + "x" * 1000 + "\n") * 200 if suffix == ".yaml" else text.replace(" ", "  ", 200_000)
    assert len(text.encode()) > MIB
    findings, elapsed = timed_lint(text, "data/schema" + suffix)
    assert active(findings) == [] and elapsed < 2


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("path", "build", "rule"),
    [
        pytest.param("proxy/config.yaml", _huge_yaml, "RF402", id="yaml"),
        pytest.param("configs/ds.json", _huge_json, "RF502", id="json"),
        pytest.param("pyproject.toml", _huge_pyproject, "RF501", id="toml"),
        pytest.param(".env", _huge_env, None, id="dotenv"),
        pytest.param("requirements.txt", _huge_requirements, "RF501", id="requirements"),
        pytest.param("setup.cfg", _huge_setup_cfg, "RF501", id="setup-cfg"),
    ],
)
def test_huge_config_files_stay_fast(path, build, rule):
    text, line = build()
    floor = 0.9 * MIB if path.endswith((".yaml", ".json")) else 2 * MIB
    assert floor < len(text.encode()) < 8 * MIB  # large, below max-file-size
    findings, elapsed = timed_lint(text, path)
    found = [(rule_id, at) for rule_id, at, _ in active(findings)]
    assert found == ([(rule, line)] if rule else [])
    assert elapsed < BOUND_SECONDS, f"{path}: {len(text) / MIB:.1f} MiB took {elapsed:.1f}s"
