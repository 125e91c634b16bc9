"""The run's plan keys files through `FileIds` (one run: directories remembered by their
spelling), and display fixes find their statement in files the analyzer parses (PEP 701
f-strings on Python 3.11)."""

from __future__ import annotations

import os
from pathlib import Path

from ragfirst.engine import file_ids
from ragfirst.engine.file_ids import FileIds, key_of
from ragfirst.fixes.python_regions import statement_region


def test_one_run_ids_resolve_each_directory_spelling_once(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path)
    resolved: list[str] = []
    real = file_ids.RealDirectories.__call__

    def counting(self, directory):
        resolved.append(directory)
        return real(self, directory)

    monkeypatch.setattr(file_ids.RealDirectories, "__call__", counting)
    ids = FileIds(one_run=True)
    locations = {ids.location(f"pkg/m{index}.py", False) for index in range(5)}
    assert locations == {f"{Path(os.path.realpath(tmp_path)).as_posix()}/pkg/m{i}.py" for i in range(5)}
    assert resolved == ["pkg"]
    ids.clear()
    ids.location("pkg/m0.py", False)
    assert resolved == ["pkg", "pkg"]


def test_ids_of_a_long_lived_owner_follow_the_working_directory(tmp_path, monkeypatch):
    """The language server's ids (no `one_run`) resolve a relative spelling where it is."""
    for name in ("one", "two"):
        (tmp_path / name / "pkg").mkdir(parents=True)
    ids = FileIds()
    monkeypatch.chdir(tmp_path / "one")
    first = ids.location("pkg/a.py", False)
    monkeypatch.chdir(tmp_path / "two")
    assert ids.location("pkg/a.py", False) != first


def test_a_linked_file_is_keyed_by_its_target(tmp_path):
    (tmp_path / "real.py").write_text("")
    (tmp_path / "link.py").symlink_to(tmp_path / "real.py")
    ids = FileIds(one_run=True)
    root = ids.real_directory(tmp_path)
    assert key_of(ids.location(str(tmp_path / "link.py"), True), root).id == "real.py"


def test_the_statement_of_a_finding_is_found_in_a_file_with_a_pep701_fstring():
    """`ast.parse` on 3.11 rejects the f-string, so the fix parsed the whole file with
    libcst; the analyzer's parser reads it, so the statement alone is found."""
    text = (
        "from openai import OpenAI\n"
        'row = {"q": 1}\n'
        'label = f"{row["q"]}"\n'
        "client = OpenAI()\n"
        "def f():\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    found = statement_region(text, 6, 6)
    assert found is not None
    body, region = found
    assert body == "return client.chat.completions.create(model='gpt-4o', messages=[])\n"
    assert region.first_line == 6 and region.indent == "    "


def test_the_workspace_keeps_paths_as_given_and_gives_paths(tmp_path, monkeypatch):
    """A `Path` per file of a run was made for the workspace's map, which hardly any file
    is asked from (the server re-reading a file from disk)."""
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine import runner, workspace

    for index in range(20):
        (tmp_path / f"m{index}.py").write_text("x = 1\n")
    made: list[object] = []
    real_path = workspace.Path

    def counting(*parts):
        made.append(parts)
        return real_path(*parts)

    monkeypatch.setattr(workspace, "Path", counting)
    kept = {}
    real_load = workspace.Workspace.load

    def load(self, planned, *args, **kwargs):
        added = real_load(self, planned, *args, **kwargs)
        kept.update({item.key: self.paths[item.key] for item in added})
        return added

    monkeypatch.setattr(workspace.Workspace, "load", load)
    made_before = len(made)
    result = runner.lint_paths([tmp_path], ConfigResolver())
    assert result.files_checked == 20
    assert len(made) == made_before  # none made by the workspace itself
    assert sorted(p.name for p in kept.values()) == sorted(f"m{i}.py" for i in range(20))
    assert all(isinstance(p, Path) and p.is_file() for p in kept.values())


def test_path_map_converts_on_the_way_out():
    from ragfirst.engine.path_map import PathMap

    paths: PathMap[str] = PathMap()
    paths["a"] = "pkg/a.py"
    paths["b"] = Path("pkg/b.py")
    assert paths["a"] == Path("pkg/a.py") and isinstance(paths.get("a"), Path)
    assert paths.get("missing") is None and "a" in paths and len(paths) == 2
    assert paths.pop("b") == Path("pkg/b.py") and list(paths) == ["a"]


def test_location_in_a_walked_directory_is_location(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("")
    (tmp_path / "real.py").write_text("")
    (tmp_path / "pkg" / "link.py").symlink_to(tmp_path / "real.py")
    (tmp_path / "pkg_link").symlink_to(tmp_path / "pkg", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    ids = FileIds(one_run=True)
    for directory, name, is_link in [
        ("pkg", "a.py", False),
        ("./pkg", "a.py", False),
        ("pkg/", "a.py", False),
        (str(tmp_path / "pkg"), "a.py", False),
        ("pkg_link", "a.py", False),
        ("pkg", "link.py", True),
        ("/", "etc", False),
    ]:
        path = os.path.join(directory, name)
        assert ids.location_in(directory, name, is_link) == FileIds().location(path, is_link), path
