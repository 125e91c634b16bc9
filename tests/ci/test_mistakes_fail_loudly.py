"""Issue 22: a typo in a rule id or an option value is an error (exit 2, one located line
naming the closest real id), never a run that selects nothing and says "All checks passed"."""

from __future__ import annotations

import pytest

from ragfirst.config.validation import closest

from .conftest import FINE_TUNE, run, write


@pytest.mark.parametrize("flag", ["--select", "--extend-select", "--ignore"])
def test_unknown_cli_code_is_an_error_naming_the_closest(project, capsys, flag):
    write(project, "train.py", FINE_TUNE)
    code, out, err = run(capsys, "check", ".", flag, "RF1O1")
    assert code == 2
    assert out == ""
    assert err.strip() == (
        f"ragfirst: error: {flag}: 'RF1O1' is not a rule id or prefix; the closest real one is RF101"
        " (`ragfirst rules` lists them)"
    )


def test_known_ids_prefixes_and_all_are_accepted(project, capsys):
    write(project, "train.py", FINE_TUNE)
    assert run(capsys, "check", ".", "--select", "RF1,RF10,RF101")[0] == 1
    assert run(capsys, "check", ".", "--select", "ALL")[0] == 1
    code, out, _ = run(capsys, "check", ".", "--select", "ALL", "--ignore", "RF1,RF4")
    assert code == 0 and "All checks passed" in out


def test_typo_no_longer_prints_all_checks_passed(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--select", "RF999")
    assert code == 2
    assert "All checks passed" not in out


def test_a_teams_own_rule_ids_are_known(project, capsys):
    write(
        project,
        "rules/team.yaml",
        "rules:\n"
        "  - id: TEAM001\n    name: no-x\n    severity: warning\n    summary: s\n    message: m\n"
        "    guide: guide/rag-first.md\n    triggers: [xyz]\n    match:\n      python:\n"
        "        - call: xyz.run\n",
    )
    write(project, "pyproject.toml", '[tool.ragfirst]\nrules = ["rules"]\nseverity = {TEAM001 = "error"}\n')
    write(project, "a.py", "print(1)\n")
    assert run(capsys, "check", ".", "--select", "TEAM")[0] == 0
    code, _, err = run(capsys, "check", ".", "--select", "TEAM002")
    assert code == 2 and "closest real one is TEAM001" in err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'select = ["RF1", "RF4O4"]',
            "2:19: select: 'RF4O4' is not a rule id or prefix; the closest real one is RF404",
        ),
        ('ignore = ["XX1"]', "2:12: ignore: 'XX1' is not a rule id or prefix"),
        (
            'severity = {RF4O1 = "error"}',
            "2:13: severity: 'RF4O1' is not a rule id; the closest real one is RF401",
        ),
        ("[tool.ragfirst.options.RF999]\nx = 1", "2:24: options: 'RF999' is not a rule id"),
        (
            '[tool.ragfirst.options.RF402]\nmonthly-threshold = "lots"',
            "3:1: options.RF402.monthly-threshold must be a number (default 10000), got 'lots'",
        ),
        (
            "options.RF402.monthly-treshold = 5",
            "2:15: options.RF402: RF402 has no option 'monthly-treshold'; did you mean 'monthly-threshold'?",
        ),
        (
            "options.RF303.chars-per-token = 0",
            "2:15: options.RF303.chars-per-token must be at least 1, got 0",
        ),
        ("options.RF402.monthly-threshold = true", "must be a number (default 10000), got True"),
    ],
)
def test_config_mistakes_are_one_located_error(project, capsys, config, message):
    config = config.replace("[tool.ragfirst.", "\n[tool.ragfirst.")
    write(project, "pyproject.toml", "[tool.ragfirst]\n" + config.lstrip("\n") + "\n")
    write(project, "cost.yaml", "model_list:\n  - model_name: gpt-4o\n")
    code, out, err = run(capsys, "check", ".")
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "RF000" not in err
    assert message in err, err


def test_valid_options_still_apply(project, capsys):
    write(project, "pyproject.toml", "[tool.ragfirst.options.RF402]\nmonthly-threshold = 2500.5\n")
    write(project, "a.py", "print(1)\n")
    assert run(capsys, "check", ".")[0] == 0


def test_config_error_reaches_rules_command(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst]\nselect = ["RF9"]\n')
    code, _, err = run(capsys, "rules", "--config", "pyproject.toml")
    assert code == 2 and "'RF9' is not a rule id or prefix" in err


def test_closest_prefers_fewest_edits_then_nearest_number():
    known = ["RF101", "RF102", "RF401", "RF404", "RF502"]
    assert closest("RF4O4", known) == "RF404"
    assert closest("RF999", known) == "RF502"
    assert closest("RF6", known) == "RF5"


def test_test_code_rules_take_whole_ids_not_prefixes(project, capsys):
    """test-code-rules is matched exactly: `RF4` there would match nothing, silently."""
    write(project, "pyproject.toml", '[tool.ragfirst]\ntest-code-rules = ["RF4"]\n')
    write(project, "a.py", "print(1)\n")
    code, _, err = run(capsys, "check", ".")
    assert code == 2 and "test-code-rules: 'RF4' is not a rule id;" in err
