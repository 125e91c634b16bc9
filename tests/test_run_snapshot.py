"""The run snapshot: a warm run with nothing changed answers from the last run's findings,
and anything a finding depends on (a file, a config above the scanned path, a data file
outside the checked files, today's date) makes it finalize again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine.engine import Engine
from ragfirst.engine.run_snapshot import RunSnapshot

TRAIN = """\
from openai import OpenAI

client = OpenAI()
upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
"""


def examples(count: int) -> str:
    rows = [
        {"messages": [{"role": "user", "content": f"Q{i}?"}, {"role": "assistant", "content": f"A{i}."}]}
        for i in range(count)
    ]
    return "".join(json.dumps(row) + "\n" for row in rows)


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory):
    """A project whose data/ is excluded from checking (so the data file is read only by the
    training-data lookup), with the racy window off: files count as settled at once."""
    monkeypatch.setattr("ragfirst.engine.cache.RACY_SECONDS", 0)
    monkeypatch.setattr("ragfirst.engine.run_snapshot.RACY_SECONDS", 0)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-20")
    (tmp_path / "ragfirst.toml").write_text('exclude = ["data"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "train.py").write_text(TRAIN)
    (tmp_path / "app" / "util.py").write_text("VALUE = 1\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(examples(7))
    cache = tmp_path_factory.mktemp("cache")
    return tmp_path, cache


def check(capsys, cache: Path, *paths: str) -> dict:
    assert (
        main(["check", "--format", "json", "--exit-zero", "--cache-dir", str(cache), *(paths or ("app",))])
        == 0
    )
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def finalized(monkeypatch):
    """How many files were finalized (zero when the snapshot answered)."""
    calls: list[str] = []
    real = Engine.finalize

    def counting(self, analysis, *args, **kwargs):
        calls.append(analysis.path)
        return real(self, analysis, *args, **kwargs)

    monkeypatch.setattr(Engine, "finalize", counting)
    return calls


def rf201(report: dict) -> str:
    return next(f["message"] for f in report["findings"] if f["rule"] == "RF201")


def test_an_unchanged_run_is_answered_from_the_snapshot(tree, capsys, finalized):
    _, cache = tree
    cold = check(capsys, cache)
    assert finalized
    finalized.clear()
    warm = check(capsys, cache)
    assert finalized == []
    assert warm == cold
    assert "has 7 examples" in rf201(warm)


def uncached(capsys, *paths: str) -> dict:
    assert main(["check", "--format", "json", "--exit-zero", "--no-cache", *(paths or ("app",))]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_changed_file_is_finalized_again(tree, capsys, finalized):
    root, cache = tree
    check(capsys, cache)
    (root / "app" / "train.py").write_text(TRAIN.replace("gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14"))
    finalized.clear()
    after = check(capsys, cache)
    assert finalized == ["app/train.py"]
    assert after == uncached(capsys)


def test_files_beside_a_changed_file_keep_their_findings(tree, capsys, finalized):
    root, cache = tree
    check(capsys, cache)
    (root / "app" / "util.py").write_text("VALUE = 22\n")  # no facts: the project is the same
    finalized.clear()
    after = check(capsys, cache)
    assert finalized == []
    assert after == uncached(capsys)


RETRIEVAL = """\
from pinecone import Pinecone

index = Pinecone().Index("docs")
hits = index.query(vector=[0.1] * 1536, top_k=5)
"""


def test_a_new_project_fact_finalizes_the_project_again(tree, capsys, finalized):
    """Retrieval set up in another file changes RF101's message in train.py."""
    root, cache = tree
    before = check(capsys, cache)
    assert "No retrieval found" in next(f["message"] for f in before["findings"] if f["rule"] == "RF101")
    (root / "app" / "rag.py").write_text(RETRIEVAL)
    finalized.clear()
    after = check(capsys, cache)
    assert "app/train.py" in finalized
    assert "Retrieval is already set up" in next(
        f["message"] for f in after["findings"] if f["rule"] == "RF101"
    )
    assert after == uncached(capsys)


def test_a_data_file_that_is_not_checked_still_counts(tree, capsys, finalized):
    root, cache = tree
    check(capsys, cache)
    (root / "data" / "train.jsonl").write_text(examples(12))
    finalized.clear()
    after = check(capsys, cache)
    assert finalized
    assert "has 12 examples" in rf201(after)


def test_a_data_file_that_appears_counts(tree, capsys):
    root, cache = tree
    (root / "data" / "train.jsonl").unlink()
    before = check(capsys, cache)
    assert not [f for f in before["findings"] if f["rule"] == "RF201"]
    (root / "data" / "train.jsonl").write_text(examples(3))
    assert "has 3 examples" in rf201(check(capsys, cache))


def test_a_config_above_the_checked_path_counts(tree, capsys):
    root, cache = tree
    before = check(capsys, cache, "app")
    assert any(f["rule"] == "RF201" for f in before["findings"])
    (root / "ragfirst.toml").write_text('exclude = ["data"]\nignore = ["RF201"]\n')
    after = check(capsys, cache, "app")
    assert not any(f["rule"] == "RF201" for f in after["findings"])


def test_another_day_is_finalized_again(tree, capsys, finalized, monkeypatch):
    _, cache = tree
    check(capsys, cache)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-21")
    finalized.clear()
    check(capsys, cache)
    assert finalized


def test_files_changed_just_before_the_run_are_not_trusted(tree, capsys, finalized, monkeypatch):
    # With the racy window back on, files written a moment ago never yield a snapshot.
    _, cache = tree
    for module in ("cache", "run_snapshot"):
        monkeypatch.setattr(f"ragfirst.engine.{module}.RACY_SECONDS", 2)
    check(capsys, cache)
    finalized.clear()
    check(capsys, cache)
    assert finalized


def test_a_damaged_snapshot_is_a_miss():
    assert RunSnapshot.loads("{not json") is None
    assert RunSnapshot.loads('{"digest": "x"}') is None
