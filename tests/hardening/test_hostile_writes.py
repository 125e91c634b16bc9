"""Writes stay where the user asked: planted symlinks never redirect an output file, a
baseline or an output folder out of the repository (issue 25, "Writes")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.hardening.fuzzlib import run_cli_in_process


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(
        "import openai\nopenai.OpenAI().chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("RAGFIRST_CACHE_DIR", str(tmp_path / "cache"))
    return root, victim


def _assert_refused(code, err, trace, victim: Path) -> None:
    assert trace is None, trace
    assert code == 2, err
    assert victim.read_text() == "precious\n"
    assert len(err.strip().splitlines()) == 1 and "symbolic link" in err, err


def test_output_file_that_is_a_planted_link_is_refused(repo):
    root, victim = repo
    os.symlink("../victim.txt", root / "ragfirst.sarif")
    code, _, err, trace = run_cli_in_process(
        ["check", "--format", "sarif", "--output-file", "ragfirst.sarif", "."]
    )
    _assert_refused(code, err, trace, victim)
    assert (root / "ragfirst.sarif").is_symlink()


def test_baseline_written_through_a_planted_link_is_refused(repo):
    root, victim = repo
    os.symlink("../victim.txt", root / ".ragfirst-baseline.json")
    code, _, err, trace = run_cli_in_process(["check", "--write-baseline", "."])
    _assert_refused(code, err, trace, victim)


def test_output_folder_that_is_a_link_is_refused(repo, tmp_path):
    root, victim = repo
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "reports")
    code, _, err, trace = run_cli_in_process(
        ["check", "--format", "json", "--output-file", "reports/out/ragfirst.json", "."]
    )
    _assert_refused(code, err, trace, victim)
    assert list(outside.iterdir()) == []  # not even the folder `out` was created outside


def test_a_dangling_link_is_refused_too(repo, tmp_path):
    root, _ = repo
    os.symlink(tmp_path / "created-outside.json", root / "out.json")
    code, _, err, trace = run_cli_in_process(["check", "--format", "json", "--output-file", "out.json", "."])
    assert trace is None and code == 2, err
    assert not (tmp_path / "created-outside.json").exists()


def test_plain_output_paths_are_still_written(repo):
    root, _ = repo
    code, _, err, trace = run_cli_in_process(
        ["check", "--format", "json", "--output-file", "reports/new/out.json", "."]
    )
    assert trace is None and code in (0, 1), err
    assert (root / "reports/new/out.json").read_text().startswith("{")
    code, _, err, _ = run_cli_in_process(["check", "--write-baseline", "."])
    assert code == 0, err
    assert (root / ".ragfirst-baseline.json").is_file()
