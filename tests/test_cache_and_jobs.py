"""The content-hash cache and the process pool change speed, never findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine.cache import AnalysisCache

# The base model comes from outside the project: no dated Azure retirement (RF107) applies.
TRAIN = """\
from openai import AzureOpenAI
from settings import BASE_MODEL
client = AzureOpenAI()
client.fine_tuning.jobs.create(model=BASE_MODEL, training_file="file-{n}", hyperparameters={{"n_epochs": {n}}})
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


@pytest.fixture
def hashed(monkeypatch):
    """The files whose bytes a run hashes (that is: reads), by content-key context."""
    import ragfirst.engine.workspace_load as load

    seen: list[str] = []
    real = load.content_key

    def counting(data: bytes, display: str, max_bytes: int) -> str:
        seen.append(display.rsplit("\0", 1)[-1])
        return real(data, display, max_bytes)

    monkeypatch.setattr(load, "content_key", counting)
    return seen


def test_a_warm_run_reads_no_unchanged_file(tree, capsys, tmp_path_factory, monkeypatch, hashed):
    # Files settled for longer than the racy window are trusted by their stat signature.
    monkeypatch.setattr("ragfirst.engine.cache.RACY_SECONDS", 0)
    cache_dir = tmp_path_factory.mktemp("cache")
    cold = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert len(hashed) == 61  # 60 Python files and ragfirst.toml
    hashed.clear()
    warm = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert hashed == []
    assert warm == cold
    # The same size, other bytes: the signature (mtime, ctime) changes, the file is read.
    (tree / "pkg1" / "plain_1.py").write_text("VALUE = 7\n")
    (tree / "pkg0" / "train_0.py").write_text("x = 1\n")
    after = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert sorted(hashed) == ["pkg0/train_0.py", "pkg1/plain_1.py"]
    assert len(after["findings"]) == 58


def test_a_file_changed_just_before_it_was_hashed_is_read_again(tree, capsys, tmp_path_factory, hashed):
    # Every file was written moments ago: within the racy window its signature could hide a
    # later write with the same mtime, so the next run reads it again rather than trust it.
    cache_dir = tmp_path_factory.mktemp("cache")
    check_json(capsys, "--cache-dir", str(cache_dir), ".")
    hashed.clear()
    check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert len(hashed) == 61


def test_stat_signatures_are_trusted_only_when_settled(tmp_path):
    cache = AnalysisCache(tmp_path, namespace="n")
    now = 1_000 * 10**9
    settled = (10, now - 5 * 10**9, now - 5 * 10**9, 1, 1)
    racy = (10, now - 10**9, now - 5 * 10**9, 2, 1)
    cache.record_stats([("a", settled, now, "key-a", None), ("b", racy, now, "key-b", 1)])
    assert cache.keys_by_stat({"a": settled, "b": racy}) == {"a": ("key-a", None)}
    moved = (10, now - 5 * 10**9, now - 5 * 10**9, 3, 1)  # replaced: another inode
    assert cache.keys_by_stat({"a": moved}) == {}
    cache.record_stats([("b", settled, now, "key-b", 1)])
    assert cache.keys_by_stat({"b": settled}) == {"b": ("key-b", 1)}
    cache.close()


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


def test_a_change_in_a_pack_directory_invalidates_the_cache(tree, capsys, tmp_path_factory):
    """`rules = ["team"]` names a directory of packs: its files are part of the rules' key."""
    cache_dir = tmp_path_factory.mktemp("cache")
    (tree / "ragfirst.toml").write_text('rules = ["team"]\n')
    (tree / "team").mkdir()
    rule = """\
rules:
  - id: TEAM002
    name: team-{call}
    severity: info
    summary: s
    message: "team rule"
    guide: guide/index.md
    match:
      python:
        - call: "openai.AzureOpenAI().fine_tuning.jobs.{call}"
"""
    (tree / "team" / "pack.yaml").write_text(rule.format(call="list"))
    first = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert not [f for f in first["findings"] if f["rule"] == "TEAM002"]
    (tree / "team" / "pack.yaml").write_text(rule.format(call="create"))
    second = check_json(capsys, "--cache-dir", str(cache_dir), ".")
    assert len([f for f in second["findings"] if f["rule"] == "TEAM002"]) == 30


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


def test_old_entries_are_pruned_at_most_once_a_day(tmp_path, monkeypatch):
    from ragfirst.engine import cache as cache_module
    from ragfirst.engine.engine import FileAnalysis

    cache = AnalysisCache(tmp_path, namespace="n")
    cache.put_many([("old", FileAnalysis("a.py")), ("new", FileAnalysis("b.py"))])
    assert cache._db is not None
    cache._db.execute("UPDATE analysis SET used = 0 WHERE key = 'old'")
    cache._db.commit()
    cache.close()  # first close of the day: prunes
    cache = AnalysisCache(tmp_path, namespace="n")
    assert set(cache.get_many(["old", "new"])) == {"new"}
    cache.put_many([("old", FileAnalysis("a.py"))])
    assert cache._db is not None
    cache._db.execute("UPDATE analysis SET used = 0 WHERE key = 'old'")
    cache._db.commit()
    cache.close()  # pruned less than a day ago: no scan
    cache = AnalysisCache(tmp_path, namespace="n")
    assert set(cache.get_many(["old", "new"])) == {"old", "new"}
    monkeypatch.setattr(cache_module, "TOUCH_AFTER_SECONDS", -1)  # a day has passed
    cache._db.execute("UPDATE analysis SET used = 0 WHERE key = 'old'")
    cache._db.commit()
    cache.close()
    cache = AnalysisCache(tmp_path, namespace="n")
    assert set(cache.get_many(["old", "new"])) == {"new"}
    cache.close()


def test_a_settled_file_is_read_again_where_analysed_and_a_moved_one_is_not_cached(tmp_path):
    """Filling the cache keeps no settled file's bytes until analysis (workspace_load.py):
    it is read again, and cached only if its stat signature did not move meanwhile."""
    import os
    import time

    from ragfirst.engine.cache import stat_signature
    from ragfirst.engine.workspace_load import FileIdsForCache, _Rereads

    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text("A = 1\n")
    new.write_text("B = 1\n")
    an_hour_ago = time.time_ns() - 3600 * 1_000_000_000
    os.utime(old, ns=(an_hour_ago, an_hour_ago))
    ids = FileIdsForCache(
        signatures={0: stat_signature(old), 1: stat_signature(new)}, checked_ns=time.time_ns()
    )
    ids.signatures[0] = (*ids.signatures[0][:2], an_hour_ago, *ids.signatures[0][3:])  # ctime, as if settled
    rereads = _Rereads(ids)
    assert rereads.path_or_bytes(0, old, b"A = 1\n") == os.fspath(old)  # settled: read again
    assert rereads.path_or_bytes(1, new, b"B = 1\n") == b"B = 1\n"  # just written: kept

    class Planned:
        analysis = object()

    assert rereads.changed([Planned(), Planned()]) == {0}  # its real ctime is not the one recorded
    rereads.signatures[0] = stat_signature(old)
    assert rereads.changed([Planned(), Planned()]) == set()
    old.write_text("A = 22\n")
    assert rereads.changed([Planned(), Planned()]) == {0}
