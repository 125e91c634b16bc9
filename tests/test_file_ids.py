"""One file, one entry: the workspace knows a file by its project root and its path below
it (engine/file_ids.py), whatever path named it; paths relative to the working directory
are made only when findings are shown (reporters/paths.py)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine.file_ids import FileIds, FileKey, key_of

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "rag-app"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """samples/rag-app (RF302 across modules, fixes naming other places) in `work/app`,
    reachable through the link `work/link`."""
    root = tmp_path / "work" / "app"
    shutil.copytree(SAMPLE, root)
    (tmp_path / "work" / "link").symlink_to(root, target_is_directory=True)
    return root


def check(capsys, *paths: str, cache: Path | None = None) -> dict:
    options = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    code = main(["check", "--format", "json", "--exit-zero", *options, *paths])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def of(report: dict, path: str) -> list[tuple]:
    return sorted(
        (f["rule"], f["start"]["line"], f["start"]["column"], f["message"], f["fingerprint"])
        for f in report["findings"]
        if f["path"] == path
    )


def test_every_spelling_of_a_path_gives_one_key(project, monkeypatch):
    monkeypatch.chdir(project)
    ids = FileIds()
    root = ids.real_directory(project)
    spellings = [
        "app/rag.py",
        "./app/rag.py",
        str(project / "app" / "rag.py"),
        "../link/app/rag.py",
        "scripts/../app/rag.py",
    ]
    keys = {ids.key(spelling, root) for spelling in spellings}
    assert keys == {FileKey(root, "app/rag.py")}
    assert FileKey(root, "app/rag.py").location == f"{root}/app/rag.py"
    # From another directory: the same key (it does not depend on the working directory).
    monkeypatch.chdir(project.parent)
    assert FileIds().key("link/app/rag.py", FileIds().real_directory("app")) == FileKey(root, "app/rag.py")


def test_a_key_outside_its_root_is_still_one_key():
    assert key_of("/r/other/x.py", "/r/app") == FileKey("/r/app", "../other/x.py")
    assert key_of("/r/app/x.py", "/r/app/") == FileKey("/r/app/", "x.py")


def test_one_file_named_many_ways_is_checked_once(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    whole = check(capsys, ".")
    expected = of(whole, "app/rag.py")
    assert expected  # RF302 (documents embedded elsewhere), RF401
    spellings = [
        "app/rag.py",
        "./app/rag.py",
        str(project / "app" / "rag.py"),
        "../link/app/rag.py",
        "scripts/../app/rag.py",
    ]
    named = check(capsys, *spellings)
    assert named["files_checked"] == 1
    assert {f["path"] for f in named["findings"]} == {"app/rag.py"}
    assert of(named, "app/rag.py") == expected


@pytest.mark.parametrize("where", ["app", "work", "above", "sibling"])
def test_findings_and_places_are_shown_from_the_working_directory(project, monkeypatch, capsys, where):
    """The same findings from anywhere; their path, the places their messages and fix
    titles name (`app/ingest.py:14`) and their fingerprints are relative to where the
    command runs (or, outside it, as the command line named the project), as before
    file ids."""
    monkeypatch.chdir(project)
    at_root = check(capsys, ".")
    work = project.parent
    cwd, argument, prefix = {
        "app": (project, ".", ""),
        "work": (work, "app", "app/"),
        "above": (work.parent, "work/app", "work/app/"),
        "sibling": (work / "other", "../app", "../app/"),
    }[where]
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    report = check(capsys, argument)
    assert len(report["findings"]) == len(at_root["findings"])
    for there, here in zip(at_root["findings"], report["findings"], strict=True):
        assert here["path"] == prefix + there["path"]
        assert here["rule"] == there["rule"]
        assert here["message"] == there["message"].replace(" at app/", f" at {prefix}app/")
    rf302 = next(f for f in report["findings"] if f["rule"] == "RF302")
    assert f"at {prefix}app/ingest.py:14" in rf302["message"]
    assert rf302["fix"]["title"].endswith(f"(set at {prefix}app/ingest.py:14)")


def test_a_run_from_another_directory_reuses_the_cache(project, monkeypatch, capsys, tmp_path):
    """Analyses are keyed by file id, not by the path shown: checking the project from its
    parent directory reads no file the run from its root analysed."""
    import ragfirst.engine.workspace_load as load

    monkeypatch.setattr("ragfirst.engine.cache.RACY_SECONDS", 0)
    analysed: list[str] = []
    real = load.analyze_batch

    def counting(engine, items):
        analysed.extend(item[0] for item in items)
        return real(engine, items)

    monkeypatch.setattr(load, "analyze_batch", counting)
    cache = tmp_path / "cache"
    monkeypatch.chdir(project)
    first = check(capsys, ".", cache=cache)
    assert "app/rag.py" in analysed
    analysed.clear()
    monkeypatch.chdir(project.parent)
    second = check(capsys, "app", cache=cache)
    assert analysed == []
    assert [f["rule"] for f in second["findings"]] == [f["rule"] for f in first["findings"]]


def test_the_server_session_keys_a_document_once(project):
    """The language server's model: the same file reached through the link and through its
    real path is one entry, with the CLI's findings."""
    from ragfirst.lsp.session import Session

    session = Session(lambda *args: None)
    session.folder_paths = [project.parent / "link"]
    real = project / "app" / "rag.py"
    linked = project.parent / "link" / "app" / "rag.py"
    session.load([project / "app" / "ingest.py"])
    first, _ = session.analyze(real, real.read_bytes())
    second, _ = session.analyze(linked, linked.read_bytes())
    keys = [key for key in session.model.files if key.id == "app/rag.py"]
    assert len(keys) == 1
    assert keys[0].root == Path(os.path.realpath(project)).as_posix()
    assert [(f.rule_id, f.path, f.message) for f in first] == [(f.rule_id, f.path, f.message) for f in second]
    assert {f.rule_id for f in first} >= {"RF302"}
    assert session.remove(linked) and not session.model.files.get(keys[0])
    # Deleted and reported by another spelling than the one it came in by: still removed.
    session.analyze(linked, linked.read_bytes())
    assert session.remove(real) and keys[0] not in session.model.files


def test_a_project_inside_a_tests_directory_is_not_test_code_from_above(tmp_path, monkeypatch, capsys):
    """Test code is decided on the file's path inside its project: `tests/app/train.py`
    checked from above `tests/` used to count as test code (no findings), while the same
    file checked from `tests/app` did not."""
    root = tmp_path / "tests" / "app"
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "train.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_train.py").write_text((root / "train.py").read_text())
    monkeypatch.chdir(root)
    inside = check(capsys, ".")
    monkeypatch.chdir(tmp_path)
    above = check(capsys, "tests/app")
    assert [f["rule"] for f in inside["findings"]] == ["RF401"]  # the project's own tests/ are tests
    assert [(f["rule"], f["path"]) for f in above["findings"]] == [("RF401", "tests/app/train.py")]
