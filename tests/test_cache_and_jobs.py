"""The content-hash cache and the process pool change speed, never findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine.cache import AnalysisCache

TRAIN = """\
from openai import AzureOpenAI

client = AzureOpenAI()
client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-{n}", hyperparameters={{"n_epochs": {n}}})
"""


def make_tree(root: Path, files: int = 30) -> None:
    (root / "ragfirst.toml").write_text("")
    for n in range(files):
        package = root / f"pkg{n % 5}"
        package.mkdir(exist_ok=True)
        (package / f"train_{n}.py").write_text(TRAIN.format(n=n + 1))
        (package / f"plain_{n}.py").write_text(f"VALUE = {n}\n")


def check_json(capsys, *args: str) -> dict:
    code = main(["check", "--format", "json", "--exit-zero", *args])
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path)
    return tmp_path


def test_warm_run_uses_the_cache_and_reports_the_same(tree, capsys, tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    cold = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    cache = AnalysisCache(cache_dir, namespace="probe")
    assert cache.path.exists()
    warm = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert warm["findings"] == cold["findings"]
    assert len(cold["findings"]) == 60  # RF101 + RF106 in each of the 30 training files


def test_a_changed_file_is_analysed_again(tree, capsys, tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    check_json(capsys, "--cache-dir", str(cache_dir), ".")
    (tree / "pkg0" / "train_0.py").write_text("print('no training here any more')\n")
    after = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert not [f for f in after["findings"] if f["path"] == "pkg0/train_0.py"]
    assert len(after["findings"]) == 58


def test_a_corrupt_cache_is_ignored_and_rebuilt(tree, capsys, tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    reference = check_json(capsys, "--no-cache", ".")
    cache = AnalysisCache(cache_dir, namespace="x")
    cache.close()
    cache.path.write_bytes(b"this is not a sqlite database" * 100)
    assert check_json(capsys, "--cache-dir", str(cache_dir), ".")["findings"] == reference["findings"]
    assert check_json(capsys, "--cache-dir", str(cache_dir), ".")["findings"] == reference["findings"]


def test_a_rule_change_invalidates_the_cache(tree, capsys, tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    (tree / "ragfirst.toml").write_text('rules = ["team.yaml"]\n')
    rule = """\
rules:
  - id: TEAM001
    name: no-{name}
    severity: info
    summary: s
    message: "team rule"
    guide: guide/index.md
    match:
      python:
        - call: "openai.AzureOpenAI().fine_tuning.jobs.{call}"
"""
    (tree / "team.yaml").write_text(rule.format(name="list", call="list"))
    first = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert not [f for f in first["findings"] if f["rule"] == "TEAM001"]
    (tree / "team.yaml").write_text(rule.format(name="create", call="create"))
    second = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert len([f for f in second["findings"] if f["rule"] == "TEAM001"]) == 30


def test_jobs_give_the_same_findings_as_one_process(tree, capsys):
    one = check_json(capsys, "--no-cache", "--jobs", "1", ".")
    two = check_json(capsys, "--no-cache", "--jobs", "2", ".")
    assert two["findings"] == one["findings"]


def test_concurrent_runs_share_a_cache_safely(tree, tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    command = [
        sys.executable,
        "-m",
        "ragfirst",
        "check",
        "--format",
        "json",
        "--cache-dir",
        str(cache_dir),
        ".",
    ]
    runs = [
        subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 1 for run in runs), [err.decode()[-500:] for _, err in outputs]
    reports = [json.loads(out)["findings"] for out, _ in outputs]
    assert all(report == reports[0] for report in reports)


def test_bad_jobs_value_is_a_usage_error(tree, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--jobs", "0", "."])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
