"""A `ragfirst check` process keeps its objects until it exits (cli/process_end.py):
`gc.freeze()` after the run's work, only when the check is the process's own command line
(`main()` without `argv`), never for callers that run many checks in one process."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ragfirst.cli import process_end
from ragfirst.cli.main import main
from ragfirst.engine import collector

CODE = textwrap.dedent(
    """\
    from openai import OpenAI

    client = OpenAI()
    client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
    """
)


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls of gc.freeze (recorded, not made: the test process must not keep its garbage)."""
    calls: list[int] = []
    monkeypatch.setattr(process_end.gc, "freeze", lambda: calls.append(len(calls)))
    return calls


def _project(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(CODE)
    return tmp_path


def test_a_check_with_argv_does_not_freeze(tmp_path, freezes, capsys):
    root = _project(tmp_path)
    code = main(["check", "--no-cache", "--format", "json", "--exit-zero", str(root)])
    assert code == 0
    assert "RF101" in {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert freezes == []


def test_the_process_own_check_freezes_once_after_the_run(tmp_path, freezes, capsys, monkeypatch):
    root = _project(tmp_path)
    seen: list[int] = []
    from ragfirst.cli import check_command

    emit = check_command.emit

    def emitting(*args, **kwargs):  # the report is written after the freeze
        seen.append(len(freezes))
        return emit(*args, **kwargs)

    monkeypatch.setattr(check_command, "emit", emitting)
    monkeypatch.setattr(
        sys, "argv", ["ragfirst", "check", "--no-cache", "--format", "json", "--exit-zero", str(root)]
    )
    assert main() == 0
    assert "RF101" in {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    # engine/collector.py: when the run starts and when its link is done; then the end's
    assert freezes == [0, 1, 2]
    assert seen == [3]
    assert not collector._process_ends  # the next run in this process freezes nothing


def test_the_run_freezes_what_its_link_built_before_the_collector_resumes(tmp_path, monkeypatch, capsys):
    """Resumed first, the collector walked every object the link had built (a young
    collection of 20 ms on bench corpus b) before anything could freeze them."""
    root = _project(tmp_path)
    states: list[bool] = []
    monkeypatch.setattr(process_end.gc, "freeze", lambda: states.append(gc.isenabled()))
    monkeypatch.setattr(
        sys, "argv", ["ragfirst", "check", "--no-cache", "--format", "json", "--exit-zero", str(root)]
    )
    assert main() == 0
    capsys.readouterr()
    assert states[1] is False  # the freeze after the link: with the collector still paused
    assert gc.isenabled()


def test_other_commands_do_not_freeze(freezes, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["ragfirst", "rules"])
    assert main() == 0
    assert freezes == []


def test_a_real_process_reports_the_same_with_the_freeze(tmp_path):
    root = _project(tmp_path)
    argv = [
        sys.executable,
        "-m",
        "ragfirst",
        "check",
        "--no-cache",
        "--format",
        "json",
        "--exit-zero",
        str(root),
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    assert "RF101" in {f["rule"] for f in json.loads(out)["findings"]}
    assert gc.isenabled()  # nothing in this process was changed
