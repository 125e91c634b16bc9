"""`ragfirst check` as a user runs it: exit codes, formats, config, errors, discovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ragfirst.cli.main import main

# Azure OpenAI fine-tuning of a base model without a dated retirement (its name comes from a
# module outside the project), so RF101 is the only finding (no RF107).
FINE_TUNE = textwrap.dedent(
    """\
    from openai import AzureOpenAI
    from settings import BASE_MODEL
    client = AzureOpenAI()
    client.fine_tuning.jobs.create(model=BASE_MODEL, training_file="file-abc")
    """
)


def write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- exit codes and output -----------------------------------------------------------


def test_clean_tree_exits_zero(project, capsys):
    write(project, "app.py", "print('hello')\n")
    code, out, _ = run(capsys, "check", ".")
    assert code == 0
    assert "All checks passed (1 file checked)" in out


def test_findings_exit_one_with_ruff_style_lines(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", ".")
    assert code == 1
    assert out.splitlines()[0].startswith("train.py:4:1: RF101 [warning] Azure OpenAI fine-tuning job")
    assert "Found 1 finding (1 warning) in 1 file" in out


def test_exit_zero_flag(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--exit-zero", ".")
    assert code == 0
    assert "RF101" in out


def test_quiet_prints_findings_only(project, capsys):
    write(project, "train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "--quiet", ".")
    assert len(out.splitlines()) == 1


def test_statistics(project, capsys):
    write(project, "a.py", FINE_TUNE)
    write(project, "b.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "--statistics", ".")
    assert out.split() == ["2", "RF101", "warning", "hosted-fine-tuning"]


def test_select_and_ignore(project, capsys):
    write(
        project,
        "train.py",
        FINE_TUNE
        + "\nclient.fine_tuning.jobs.create(model='m', training_file='f', hyperparameters={'n_epochs': 3})\n",
    )
    _, out, _ = run(capsys, "check", "--select", "RF106", "-q", ".")
    assert {line.split()[1] for line in out.splitlines()} == {"RF106"}
    _, out, _ = run(capsys, "check", "--ignore", "RF101", "-q", ".")
    assert {line.split()[1] for line in out.splitlines()} == {"RF106"}


def test_json_format_schema(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    report = json.loads(out)
    assert code == 1
    assert report["version"] == 1
    finding = report["findings"][0]
    assert finding["rule"] == "RF101"
    assert finding["start"] == {"line": 4, "column": 1}
    assert finding["path"] == "train.py"
    # Issue 22: a CI format carries no file:// link into site-packages; "" without guide-url.
    assert finding["guide"] == ""
    assert len(finding["fingerprint"]) == 20


def test_missing_path_is_usage_error(project, capsys):
    code, _, err = run(capsys, "check", "nope/")
    assert code == 2
    assert "no such file or directory: nope" in err


# -- bad input: one clear line, the run goes on ----------------------------------------


def test_syntax_error_is_rf000_with_position_and_others_still_checked(project, capsys):
    write(project, "broken.py", "from openai import OpenAI\njob = OpenAI().fine_tuning.jobs.create(\n")
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "-q", ".")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("broken.py:2:39: RF000 [error] syntax error: '(' was never closed")
    assert lines[1].startswith("train.py:4:1: RF101")


def test_invalid_utf8_is_rf000(project, capsys):
    write(project, "latin.py", b"# caf\xe9\nimport openai\nopenai.OpenAI().fine_tuning.jobs.create()\n")
    code, out, _ = run(capsys, "check", "-q", ".")
    assert code == 1
    assert out.strip() == "latin.py:1:6: RF000 [error] invalid UTF-8 (byte 0xe9)"


def test_binary_file_is_rf000(project, capsys):
    write(project, "blob.py", b"from openai import OpenAI\nOpenAI().fine_tuning.jobs.create()\n\x00\x01\x02")
    code, out, _ = run(capsys, "check", "-q", ".")
    assert code == 1
    assert out.strip() == "blob.py:1:1: RF000 [error] binary file (NUL byte found); not analysed"


def test_huge_file_is_reported_not_read(project, capsys):
    write(project, "pyproject.toml", "[tool.ragfirst]\nmax-file-size = 2048\n")
    write(project, "big.py", "x = 1\n" * 1000)
    code, out, _ = run(capsys, "check", "-q", ".")
    assert code == 1
    assert "big.py:1:1: RF000 [error] file too large to analyse" in out


def test_bad_rule_file_is_one_line_with_position_exit_two(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst]\nrules = ["team-rules.yaml"]\n')
    write(
        project,
        "team-rules.yaml",
        """\
        rules:
          - id: TEAM001
            name: no-gpt-3
            severity: warning
            summary: Old model.
            message: Old model.
            guide: guide/index.md
            match:
              python:
                - call: "openai.OpenAI().chat.completions.create"
                  argz: []
        """,
    )
    write(project, "app.py", "import openai\n")
    code, out, err = run(capsys, "check", ".")
    assert code == 2
    assert out == ""
    assert err.strip().endswith("team-rules.yaml:11:11: unknown key 'argz' in rules.0.match.python.0")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("rule_yaml", "expected"),
    [
        ("rules:\n  - id: X1\n", "rules.0: 'name' is a required property"),
        (
            "rules:\n  - {id: TEAM001, name: a, severity: loud, summary: s, message: m, guide: g}\n",
            "'loud' is not one of",
        ),
        (
            "rules:\n  - {id: TEAM001, name: a, severity: info, summary: s, message: m, guide: g,"
            " match: {python: [{call: 'a.b', args: [{name: x, matches: '(unclosed'}]}]}}\n",
            "bad regular expression '(unclosed'",
        ),
        (  # rule regexes run on RE2 (linear time): no lookarounds, said in one line
            "rules:\n  - {id: TEAM001, name: a, severity: info, summary: s, message: m, guide: g,"
            " match: {python: [{call: 'a.b', args: [{name: x, matches: '(?<=a)b'}]}]}}\n",
            "bad regular expression '(?<=a)b': invalid perl operator: (?<= (rule regexes use RE2 syntax",
        ),
        (
            "rules:\n  - {id: TEAM001, name: a, severity: info, summary: s, message: m, guide: g,"
            " check: {name: no-such-check}}\n",
            "unknown check 'no-such-check'",
        ),
        (
            "rules:\n  - {id: RF101, name: a, severity: info, summary: s, message: m, guide: g}\n",
            "duplicate rule id RF101",
        ),
        ("rules: [\n", "invalid YAML"),
        (
            "rules:\n  - {id: TEAM001, name: a, severity: info, summary: s, message: m, guide: g,"
            " match: {python: [{call: 'a.{b'}]}}\n",
            "bad name pattern",
        ),
    ],
)
def test_rule_file_errors(project, capsys, rule_yaml, expected):
    write(project, "pyproject.toml", '[tool.ragfirst]\nrules = ["r.yaml"]\n')
    write(project, "r.yaml", rule_yaml)
    write(project, "app.py", "import openai\n")
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert err.startswith("ragfirst: error: ")
    assert "r.yaml:" in err and expected in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[tool.ragfirst]\nselectt = ['RF1']\n", "pyproject.toml:2:1: unknown config key 'selectt'"),
        ("[tool.ragfirst]\nselect = 'RF1'\n", "pyproject.toml:2:1: select: 'RF1' is not of type 'array'"),
        ("[tool.ragfirst]\nseverity = { RF101 = 'loud' }\n", "severity.RF101: 'loud' is not one of"),
        ("[tool.ragfirst\nselect = []\n", "pyproject.toml:1:15: invalid TOML"),
    ],
)
def test_bad_config_is_one_line_exit_two(project, capsys, config, expected):
    write(project, "pyproject.toml", config)
    write(project, "app.py", FINE_TUNE)
    code, _out, err = run(capsys, "check", ".")
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1


# -- config ------------------------------------------------------------------------


def test_config_found_upward_from_the_file(project, capsys):
    write(project, "ragfirst.toml", 'severity = { RF101 = "error" }\n')
    write(project, "src/pkg/train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", "src/pkg/train.py")
    assert "RF101 [error]" in out


def test_nearest_config_wins(project, capsys):
    write(project, "pyproject.toml", "[tool.ragfirst]\nignore = ['RF101']\n")
    write(project, "svc/pyproject.toml", "[tool.ragfirst]\n")
    write(project, "train.py", FINE_TUNE)
    write(project, "svc/train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", ".")
    assert [line.split(":")[0] for line in out.splitlines()] == ["svc/train.py"]


def test_options_and_severity_from_config(project, capsys):
    write(project, "pyproject.toml", "[tool.ragfirst]\nseverity = { RF101 = 'off' }\n")
    write(project, "train.py", FINE_TUNE)
    code, _, _ = run(capsys, "check", ".")
    assert code == 0


# -- discovery ---------------------------------------------------------------------


def test_gitignore_and_excludes_are_honoured(project, capsys):
    (project / ".git").mkdir()
    write(project, ".gitignore", "generated/\n*_scratch.py\n")
    write(project, "generated/train.py", FINE_TUNE)
    write(project, "my_scratch.py", FINE_TUNE)
    write(project, "node_modules/pkg/train.py", FINE_TUNE)
    write(project, "pyproject.toml", "[tool.ragfirst]\nextend-exclude = ['legacy']\n")
    write(project, "legacy/train.py", FINE_TUNE)
    write(project, "src/train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", ".")
    assert [line.split(":")[0] for line in out.splitlines()] == ["src/train.py"]


def test_exclude_patterns_with_paths_apply_relative_to_the_config_root(project, capsys):
    write(
        project,
        "pyproject.toml",
        "[tool.ragfirst]\nextend-exclude = ['src/gen/*', 'tools/old/', '*_tmp.py', 'a/b/c.py']\n",
    )
    for path in ("src/gen/x.py", "src/gen/deep/y.py", "tools/old/z.py", "src/w_tmp.py", "a/b/c.py"):
        write(project, path, FINE_TUNE)
    for path in ("src/keep.py", "src/general/x.py", "tools/older/z.py", "a/b/d.py", "x/src/gen/v.py"):
        write(project, path, FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", ".")
    shown = sorted({line.split(":")[0] for line in out.splitlines()})
    assert shown == ["a/b/d.py", "src/general/x.py", "src/keep.py", "tools/older/z.py", "x/src/gen/v.py"]


@pytest.mark.parametrize(
    "how", [["--config", "pyproject.toml", "."], ["."]], ids=["explicit-config", "found-config"]
)
@pytest.mark.parametrize("scan", ["relative", "absolute"])
def test_path_excludes_hold_however_the_config_and_the_tree_are_named(project, capsys, how, scan):
    """An explicit --config names its root as typed (`.`): excludes with a `/` still apply."""
    write(project, "pyproject.toml", "[tool.ragfirst]\nextend-exclude = ['app/ingest.py']\n")
    write(project, "app/ingest.py", FINE_TUNE)
    write(project, "app/keep.py", FINE_TUNE)
    args = [str(project) if arg == "." and scan == "absolute" else arg for arg in how]
    _, out, _ = run(capsys, "check", "-q", *args)
    assert sorted({Path(line.split(":")[0]).name for line in out.splitlines()}) == ["keep.py"]


def test_an_unreadable_gitignore_where_nothing_is_checked_is_not_reported(project, capsys):
    (project / ".git").mkdir()
    write(project, "docs/readme.md", "# docs\n")
    (project / "docs" / ".gitignore").symlink_to("/etc/hostname")  # refused: links out
    write(project, "src/train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", ".")
    assert [line.split(":")[0] for line in out.splitlines()] == ["src/train.py"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_symlink_loops_are_skipped(project, capsys):
    os.mkfifo(project / "pipe.py")
    (project / "loop").symlink_to(project, target_is_directory=True)
    (project / "escape.py").symlink_to("/etc/hostname")
    write(project, "train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", ".")
    assert [line.split(":")[0] for line in out.splitlines()] == ["train.py"]


def test_explicit_file_is_checked_even_in_excluded_dir(project, capsys):
    write(project, "build/train.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "-q", "build/train.py")
    assert out.startswith("build/train.py:4:1: RF101")


# -- other commands ----------------------------------------------------------------


def test_decisions_lists_suppressions_with_reasons(project, capsys):
    write(
        project,
        "train.py",
        FINE_TUNE.replace(
            '"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- 48k labelled reports, ADR-7'
        ),
    )
    code, out, _ = run(capsys, "decisions", ".")
    assert code == 0
    assert "train.py:4: RF101 hosted-fine-tuning: 48k labelled reports, ADR-7" in out


def test_rule_and_rules_commands(project, capsys):
    code, out, _ = run(capsys, "rule", "rf101")
    assert code == 0 and "# RF101 hosted-fine-tuning" in out
    code, _, err = run(capsys, "rule", "RF999")
    assert code == 2 and "unknown rule 'RF999'" in err
    write(project, "pyproject.toml", "[tool.ragfirst]\nignore = ['RF104']\n")
    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["RF104"]["enabled"] is False and rows["RF101"]["enabled"] is True


def test_console_entry_points(project):
    write(project, "train.py", FINE_TUNE)
    result = subprocess.run(
        [sys.executable, "-m", "ragfirst", "check", "-q", "."], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stdout.startswith("train.py:4:1: RF101")


def test_guide_command_lists_and_prints_pages(project, capsys):
    code, out, _ = run(capsys, "guide")
    assert code == 0 and "  rag-first" in out.splitlines()
    code, out, _ = run(capsys, "guide", "when-to-fine-tune")
    assert code == 0 and "## " in out and "10,000" in out
    code, _, err = run(capsys, "guide", "no-such-page")
    assert code == 2 and "no guide page 'no-such-page'" in err


def test_rule_pages_show_the_data_tables_with_sources(project, capsys):
    _, out, _ = run(capsys, "rule", "RF203")
    assert "| gpt-4o-mini-2024-07-18 | 3.00 | 2026-08 | https://developers.openai.com/api/docs/pricing" in out
    _, out, _ = run(capsys, "rule", "RF107")
    assert "| OpenAI self-serve fine-tuning | winding down | 2027-01-06 |" in out
    _, out, _ = run(capsys, "rule", "RF201")
    assert "| OpenAI | 10 |" in out
