"""engine/finalize_memo.py: the memo's real paths are exactly `Path.resolve`'s, links and
missing files included, and a strict lookup fails where a strict resolve does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ragfirst.engine.finalize_memo import FinalizeMemo


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "a.py").write_text("x = 1\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "data.jsonl").write_text("{}\n")
    os.symlink(tmp_path / "real", tmp_path / "linked")  # a linked directory
    os.symlink(tmp_path / "outside" / "data.jsonl", tmp_path / "real" / "data.jsonl")  # a linked file
    os.symlink(tmp_path / "real" / "nowhere", tmp_path / "real" / "dangling")
    return tmp_path


PATHS = [
    "real/sub/a.py",
    "linked/sub/a.py",
    "linked/sub/missing.py",
    "real/data.jsonl",
    "linked/data.jsonl",
    "real/dangling",
    "real/sub/../sub/a.py",
    "linked/sub/../data.jsonl",
    "missing/dir/x.py",
    "real/sub",
    "linked",
]


@pytest.mark.parametrize("relative", PATHS)
def test_real_paths_are_those_of_a_resolve(tree: Path, relative: str):
    memo = FinalizeMemo()
    path = tree / relative
    assert memo.resolve(path) == path.resolve()
    assert memo.real(str(path)) == str(path.resolve())
    assert memo.resolve(path) == path.resolve()  # remembered: the same again


@pytest.mark.parametrize("relative", PATHS)
def test_a_strict_lookup_fails_where_a_strict_resolve_does(tree: Path, relative: str):
    path = tree / relative
    try:
        expected: Path | None = path.resolve(strict=True)
    except (OSError, RuntimeError):
        expected = None
    try:
        found: Path | None = FinalizeMemo().resolve_strict(path)
    except OSError:
        found = None
    assert found == expected


def test_relative_paths_resolve_from_the_working_directory(tree: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tree / "linked")
    memo = FinalizeMemo()
    for relative in ("sub/a.py", ".", "sub", "data.jsonl"):
        assert memo.resolve(Path(relative)) == Path(relative).resolve()
