"""A .gitignore pattern decides about the path it matches, not about what is below it:
`*` then `!docs` re-includes the directory `docs`, whose files `*` ignores again unless
another pattern re-includes them (`!*.ipynb`). pathspec's `check_file` let `*` win for the
directory itself, so `ragfirst check .` skipped every notebook of NirDiamant/RAG_Techniques
(session 10). Each case is compared with the files git itself would add
(`git ls-files --others --exclude-standard` in a fresh repository)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine.discovery import discover

FILES = (
    "top.py",
    "notes.ipynb",
    "docs/guide.ipynb",
    "docs/deep/more.ipynb",
    "docs/data.csv",
    "scripts/run.py",
    "scripts/sub/tool.py",
    "data/docs/inner.py",
    "gen/out.py",
    "a/a/x.py",
    "a/top.py",
)
IGNORES = [
    "*\n!*.py\n!*.ipynb\n!docs\n",  # the RAG_Techniques shape
    "*\n!*.py\n!*.ipynb\n!docs\n!docs/deep\n",
    "*\n!*/\n!*.py\n",  # re-include every directory, then Python files
    "*\n!docs/\n!*.ipynb\n",
    "gen\n!gen\n",
    "gen/\n!gen/out.py\n",  # an excluded directory is never entered
    "docs\n!docs/guide.ipynb\n",
    "/scripts/*\n!/scripts/sub/\n",
    "**/docs\n!data/docs\n",
    "a\n!a/a\n",
    "scripts/**\n!scripts/**/\n!*.py\n",
    "*.ipynb\n!docs/**/*.ipynb\n",
    "*/\n",  # every directory
    "*/\n!docs/\n",
    "docs/\n!docs/deep/\n",
    "/scripts/*\n",
    "data/**/inner.py\n",
    "*\n!*/\n!docs/**\n",
    "a/\n!a/a/\n",
    # git strips the trailing `/` of `a/**/` first: every directory below `a/`, not `a/`
    # itself (its files stay); `gen/**` is what is below `gen/`, so a file can come back
    # (session 11: both took the whole directory).
    "a/**/\n",
    "gen/**\n!gen/out.py\n",
]


def _tree(root: Path, ignore: str) -> None:
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    (root / ".gitignore").write_text(ignore)


def _found(root: Path) -> set[str]:
    paths = discover([root], lambda _: Settings(), lambda name: name.endswith((".py", ".ipynb", ".csv")))
    return {path.relative_to(root).as_posix() for path in paths}


def _git_adds(root: Path) -> set[str]:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in listed if name.endswith((".py", ".ipynb", ".csv"))}


@pytest.mark.parametrize("ignore", IGNORES, ids=[f"case{i}" for i in range(len(IGNORES))])
def test_discovery_finds_what_git_would_add(tmp_path, ignore):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _tree(tmp_path, ignore)
    assert _found(tmp_path) == _git_adds(tmp_path)


def test_a_re_included_directory_keeps_its_other_files_ignored(tmp_path):
    _tree(tmp_path, "*\n!*.py\n!*.ipynb\n!docs\n")
    found = _found(tmp_path)
    assert "docs/guide.ipynb" in found and "notes.ipynb" in found and "top.py" in found
    assert "docs/data.csv" not in found  # `*` names the file itself; `!docs` only its directory
    assert "docs/deep/more.ipynb" not in found  # `*` names `docs/deep`, nothing re-includes it
