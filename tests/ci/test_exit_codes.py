"""Exit codes for CI: `--severity-threshold`, `--exit-zero`, `--exit-non-zero-on-fix`."""

from __future__ import annotations

import pytest

from .conftest import FINE_TUNE, HYPERPARAMETERS, run, write

# RF101 (warning) and RF106 (info) on the same file.
TRAINING = FINE_TUNE + HYPERPARAMETERS


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [("hint", 1), ("info", 1), ("warning", 1), ("error", 0)],
)
def test_threshold_gates_the_exit_code_but_not_the_output(project, capsys, threshold, expected):
    write(project, "train.py", TRAINING)
    code, out, _ = run(capsys, "check", "--select", "RF101,RF106", "--severity-threshold", threshold, ".")
    assert code == expected
    assert "RF101 [warning]" in out and "RF106 [info]" in out  # lower ones still printed


def test_only_info_findings_pass_a_warning_threshold(project, capsys):
    write(project, "train.py", TRAINING)
    assert run(capsys, "check", "--select", "RF106", "--severity-threshold", "warning", ".")[0] == 0
    assert run(capsys, "check", "--select", "RF106", "--severity-threshold", "info", ".")[0] == 1


def test_configured_severity_counts(project, capsys):
    write(project, "pyproject.toml", "[tool.ragfirst]\nseverity = { RF101 = 'error' }\n")
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--select", "RF101", "--severity-threshold", "error", ".")
    assert code == 1 and "RF101 [error]" in out


def test_suppressed_findings_never_fail(project, capsys):
    write(
        project,
        "train.py",
        FINE_TUNE.replace('"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- ADR-7'),
    )
    assert run(capsys, "check", "--select", "RF101", ".")[0] == 0


def test_exit_zero_wins(project, capsys):
    write(project, "train.py", TRAINING)
    assert run(capsys, "check", "--exit-zero", "--severity-threshold", "info", ".")[0] == 0


def test_threshold_applies_to_every_format(project, capsys):
    write(project, "train.py", TRAINING)
    for fmt in ("json", "sarif", "github", "junit", "gitlab"):
        args = ("check", "--select", "RF106", "--format", fmt)
        assert run(capsys, *args, "--severity-threshold", "warning", ".")[0] == 0, fmt
        assert run(capsys, *args, ".")[0] == 1, fmt


def test_exit_non_zero_on_fix_is_accepted_and_changes_nothing(project, capsys):
    """`check` applies no fixes yet, so the flag cannot trigger (docs/ci.md says so)."""
    write(project, "clean.py", "print('hello')\n")
    assert run(capsys, "check", "--exit-non-zero-on-fix", ".")[0] == 0
    write(project, "train.py", TRAINING)
    assert run(capsys, "check", "--exit-non-zero-on-fix", ".")[0] == 1
    assert run(capsys, "check", "--exit-non-zero-on-fix", "--exit-zero", ".")[0] == 0


def test_bad_threshold_is_a_usage_error(project, capsys):
    code, _, err = run_usage(capsys, "check", "--severity-threshold", "loud", ".")
    assert code == 2
    assert "invalid choice: 'loud'" in err


def run_usage(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        run(capsys, *args)
    captured = capsys.readouterr()
    return exc.value.code, captured.out, captured.err
