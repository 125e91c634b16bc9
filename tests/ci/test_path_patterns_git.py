"""Config path patterns (`exclude`, `extend-exclude`, `per-file-ignores`) mean what the same
lines mean in a `.gitignore` (README: "Patterns are `.gitignore` patterns"). Each case is
compared with real git (`git ls-files --others --ignored --exclude-standard` in a fresh
repository whose .gitignore holds the patterns).

What differed before (session 11): `*/` and `**/` named nothing (pathspec compiles them to
an unanchored `/`, and the patterns were `re.match`ed, not searched); a directory's
pattern decided about everything below it through pathspec's directory group, so `*`
then `!*.py` kept `a/x.py` (git: `a/` is excluded, nothing below it comes back), and
`build/` then `!build/keep.py` was answered "kept" by `--show-settings` while discovery
skipped it; `a/**/` excluded the files directly in `a/` and `build/**` the directory
`build/` itself (git: only what is below it, so `!build/keep.py` takes a file back).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ragfirst.config.path_patterns import PathPatterns

from .conftest import FINE_TUNE, run, write

# What git ignores and what discovery's walk leaves out: the same helpers as the
# measurement (bench/path_patterns_vs_git.py), so the test and the numbers agree.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
try:
    from path_patterns_vs_git import git_ignored, walked_out
finally:
    sys.path.pop(0)

FILES = (
    "x.py",
    "keep.py",
    "a/x.py",
    "a/keep.py",
    "a/b/x.py",
    "a/build/x.py",
    "build/x.py",
    "build/keep.py",
    "build/sub/x.py",
    "docs/x.py",
    "src/a/b/x.py",
    "app/migrations/x.py",
    "x.py.d/y.py",
)
CASES = [
    ["*/"],
    ["**/"],
    ["*/x.py"],
    ["*/*/"],
    ["a/**/"],
    ["**/a/**"],
    ["a/**/x.py"],
    ["*", "!docs"],
    ["*", "!docs/"],
    ["*", "!*.py"],
    ["*", "!*/", "!*.py"],
    ["build/", "!build/keep.py"],
    ["build/**", "!build/keep.py"],
    ["build/*", "!build/keep.py"],
    ["/*", "!/a", "/a/*", "!/a/b"],
    ["a/b/", "!a/"],
    ["a", "!a/b/"],
    ["a/", "!a/keep.py"],
    ["migrations"],
    ["/migrations"],
    ["*.py/"],
    ["scripts/*"],
]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("patterns")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    return root


@needs_git
@pytest.mark.parametrize("case", CASES, ids=[" ".join(case) for case in CASES])
def test_patterns_exclude_what_git_ignored(repository, case):
    expected = git_ignored(repository, case)
    patterns = PathPatterns(tuple(case))
    assert {f for f in FILES if walked_out(patterns, f)} == expected, "discovery's walk"
    assert {f for f in FILES if patterns.matches(f)} == expected, "a whole path (per-file-ignores)"
    assert {f for f in FILES if patterns.deciding(f) is not None} == expected, "--show-settings"


def test_star_slash_names_every_directory():
    patterns = PathPatterns(("*/",))
    assert patterns.matches("a", is_dir=True)
    assert patterns.matches("a/b", is_dir=True)
    assert patterns.matches("a/x.py")  # below an excluded directory
    assert not patterns.matches("x.py")
    assert not patterns.matches("a", is_dir=False)  # a file called `a`
    assert patterns.matches_entry("", "a", True) and patterns.matches_entry("a/", "b", True)
    assert not patterns.matches_entry("", "x.py", False)


def test_the_excluding_directory_is_the_deciding_pattern():
    patterns = PathPatterns(("build/", "!build/keep.py"))
    assert patterns.deciding("build/keep.py") == "build/"
    patterns = PathPatterns(("*", "!*/", "!*.py"))
    assert patterns.deciding("a/b/x.py") is None
    assert patterns.deciding("a/b/x.ts") == "*"


# -- through the CLI ---------------------------------------------------------------------------


def test_extend_exclude_star_slash_checks_only_the_top_directory(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst]\nselect = ["RF101"]\nextend-exclude = ["*/"]\n')
    write(project, "train.py", FINE_TUNE)
    write(project, "app/train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--format", "json", "--no-cache")
    assert code == 1
    assert {f["path"] for f in json.loads(out)["findings"]} == {"train.py"}


def test_a_file_taken_back_below_a_double_star(project, capsys):
    write(
        project,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF101"]\nextend-exclude = ["gen/**", "!gen/keep.py", "a/**/"]\n',
    )
    for name in ("gen/keep.py", "gen/out.py", "a/x.py", "a/b/x.py", "top.py"):
        write(project, name, FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--format", "json", "--no-cache")
    assert code == 1
    assert {f["path"] for f in json.loads(out)["findings"]} == {"gen/keep.py", "a/x.py", "top.py"}


@pytest.mark.parametrize(
    ("pattern", "ignored"),
    [
        ("*/", {"a/train.py", "a/b/train.py"}),
        ("a/**/", {"a/b/train.py"}),
        ("**/", {"a/train.py", "a/b/train.py"}),
    ],
)
def test_per_file_ignores_with_directory_patterns(project, capsys, pattern, ignored):
    write(
        project,
        "pyproject.toml",
        f'[tool.ragfirst]\nselect = ["RF101"]\n[tool.ragfirst.per-file-ignores]\n"{pattern}" = ["RF101"]\n',
    )
    every = {"train.py", "a/train.py", "a/b/train.py"}
    for name in every:
        write(project, name, FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--format", "json", "--no-cache")
    assert code == 1
    assert {f["path"] for f in json.loads(out)["findings"]} == every - ignored


def test_show_settings_names_the_directory_that_excludes_a_file(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst]\nextend-exclude = ["build/", "!build/keep.py"]\n')
    write(project, "build/keep.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--show-settings", "build/keep.py")
    assert code == 0
    assert "excluded by 'build/'" in out
