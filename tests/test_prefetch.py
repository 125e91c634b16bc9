"""Files sent to the early workers while the run is still planning (engine/prefetch.py):
the same findings as one process, and a file whose plan moved after it was sent (a
project's context adding the `__init__.py` that makes its folder an SDK's own package) is
analysed again with the final plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine import prefetch as prefetch_module

UNCAPPED = "from openai import OpenAI\n\nOpenAI().chat.completions.create(model='gpt-4o-mini', messages=[])\n"


def check(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str, int]]:
    assert main(["check", "--format", "json", "--exit-zero", "--no-cache", *args]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    return sorted((f["path"], f["rule"], f["start"]["line"]) for f in findings)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many files were sent while planning, and how many of them were taken."""
    counts = {"sent": 0, "taken": 0}
    real_taken = prefetch_module.Prefetch.taken

    def taken(self, item, engine, own):  # type: ignore[no-untyped-def]
        counts["sent"] += id(item) in self._sent
        found = real_taken(self, item, engine, own)
        counts["taken"] += found
        return found

    monkeypatch.setattr(prefetch_module.Prefetch, "taken", taken)
    return counts


def make_app(root: Path, folders: int = 8, per_folder: int = 40) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    for d in range(folders):
        folder = root / "app" / f"part{d}"
        folder.mkdir(parents=True)
        for n in range(per_folder):
            (folder / f"m{n}.py").write_text(UNCAPPED if n % 8 == 0 else f"VALUE = {n}\n")


def test_files_sent_while_planning_give_the_findings_of_one_process(tmp_path, monkeypatch, capsys, sent):
    make_app(tmp_path)  # 320 files: the early workers are forked, then sent whole folders
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--jobs", "1", ".")
    assert sent["sent"] == 0  # one process: no early workers, nothing sent
    assert check(capsys, ".") == serial
    assert sent["taken"] > 0 and sent["taken"] == sent["sent"]
    assert len(serial) == 8 * 5


def test_a_file_whose_packages_moved_after_it_was_sent_is_analysed_again(tmp_path, monkeypatch, capsys, sent):
    """`check openai/sub` in a project whose `openai/__init__.py` is outside the scanned
    folder: while discovery runs, the files of `openai/sub` are in a package `sub`; the
    project's context then adds `openai/__init__.py`, which makes them the openai SDK's own
    code (its calls of itself are no findings). Sent with the first plan, they are analysed
    again with the final one."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'vendored'\n")
    sub = tmp_path / "openai" / "sub"
    sub.mkdir(parents=True)
    (tmp_path / "openai" / "__init__.py").write_text("")
    (sub / "__init__.py").write_text("")
    for n in range(300):
        (sub / f"m{n:03}.py").write_text(UNCAPPED if n % 50 == 0 else f"VALUE = {n}\n")
    (tmp_path / "app.py").write_text(UNCAPPED)
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--jobs", "1", "openai/sub")
    assert serial == []  # the SDK's own code calling itself
    assert check(capsys, "openai/sub") == serial
    assert sent["sent"] > 0 and sent["taken"] == 0  # every one sent had moved


def test_a_worker_that_fails_leaves_the_file_to_the_run(tmp_path, monkeypatch, capsys):
    make_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    serial = check(capsys, "--jobs", "1", ".")
    monkeypatch.setattr(prefetch_module.Prefetch, "analysis", lambda self, item: None)
    assert check(capsys, ".") == serial  # each analysed here instead (_take_prefetched)
