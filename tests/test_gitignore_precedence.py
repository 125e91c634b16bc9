"""Discovery follows git's precedence between .gitignore files: the deepest file with a
matching pattern decides, by its last matching pattern. A `!keep.py` in a subdirectory's
.gitignore re-includes a file that a pattern above ignores (session 8: it stayed ignored,
so `ragfirst check .` and the editor skipped a file git tracks). Each case is compared
with what real `git check-ignore` says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine.discovery import discover

CASES = [
    # (files: path -> text, expected discovered .py files)
    ({".gitignore": "*.py\n", "sub/.gitignore": "!keep.py\n"}, {"sub/keep.py"}),
    ({".gitignore": "!keep.py\n", "sub/.gitignore": "keep.py\n"}, {"top.py", "sub/other.py"}),
    ({".gitignore": "sub/*.py\n", "sub/.gitignore": "!keep.py\n"}, {"top.py", "sub/keep.py"}),
    ({".gitignore": "*.py\n!top.py\n", "sub/.gitignore": "# nothing\n"}, {"top.py"}),
    # an ignored directory is not entered: nothing inside can be re-included (as in git)
    ({".gitignore": "sub/\n", "sub/.gitignore": "!keep.py\n"}, {"top.py"}),
]
FILES = ("top.py", "sub/keep.py", "sub/other.py")


def _tree(root: Path, ignores: dict[str, str]) -> None:
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    for name, text in ignores.items():
        (root / name).write_text(text)


def _found(root: Path) -> set[str]:
    paths = discover([root], lambda _: Settings(), lambda name: name.endswith(".py"))
    return {path.relative_to(root).as_posix() for path in paths}


@pytest.mark.parametrize(("ignores", "expected"), CASES)
def test_the_deepest_matching_gitignore_decides(tmp_path, ignores, expected):
    _tree(tmp_path, ignores)
    assert _found(tmp_path) == expected


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(("ignores", "expected"), CASES)
def test_the_cases_are_what_git_says(tmp_path, ignores, expected):
    _tree(tmp_path, ignores)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    ignored = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", *FILES], capture_output=True, text=True
    ).stdout.split()
    assert set(FILES) - set(ignored) == expected
