"""Issue 22: `exclude` with .gitignore semantics, and `per-file-ignores` with the same globs."""

from __future__ import annotations

import json

import pytest

from ragfirst.config.path_patterns import PathPatterns

from .conftest import FINE_TUNE, run, write


@pytest.mark.parametrize("pattern", ["migrations/", "/migrations", "**/migrations", "migrations"])
def test_directory_spellings_exclude_the_top_directory(project, capsys, pattern):
    write(project, "pyproject.toml", f'[tool.ragfirst]\nextend-exclude = ["{pattern}"]\n')
    write(project, "migrations/0001.py", FINE_TUNE)
    write(project, "app/ok.py", "print(1)\n")
    code, out, _ = run(capsys, "check", ".", "--no-cache")
    assert code == 0, out
    assert f"excluded ({pattern})" in out


@pytest.mark.parametrize(
    ("pattern", "nested_excluded"),
    [("/migrations", False), ("migrations/", True), ("**/migrations", True), ("migrations", True)],
)
def test_anchored_and_anywhere_patterns(pattern, nested_excluded):
    patterns = PathPatterns((pattern,))
    assert patterns.matches("migrations", is_dir=True)
    assert patterns.matches("app/migrations", is_dir=True) is nested_excluded
    assert patterns.matches_entry("app/", "migrations", True) is nested_excluded


def test_trailing_slash_names_only_directories():
    patterns = PathPatterns(("build/",))
    assert patterns.matches("build", is_dir=True)
    assert not patterns.matches("build", is_dir=False)  # a file called build
    assert patterns.matches("build/x.py")


def test_star_does_not_cross_slash_but_names_the_directory_below():
    patterns = PathPatterns(("src/*.py",))
    assert patterns.matches("src/a.py")
    assert not patterns.matches("src/pkg/a.py")  # fnmatch's `*` crossed `/` here
    assert PathPatterns(("scripts/*",)).matches("scripts/sub/deep.py")


def test_negation_last_match_wins():
    patterns = PathPatterns(("*.py", "!keep.py"))
    assert patterns.matches("a.py")
    assert not patterns.matches("keep.py")
    assert patterns.deciding("a.py") == "*.py"
    assert patterns.deciding("keep.py") is None
    assert not patterns.matches_entry("", "keep.py", False)


def test_default_excludes_still_skip_generated_files(project, capsys):
    write(project, "node_modules/pkg/index.py", FINE_TUNE)
    write(project, "web/app.min.js", "x")
    write(project, "dist/a.py", FINE_TUNE)
    write(project, "app.py", "print(1)\n")
    code, out, _ = run(capsys, "check", ".", "--no-cache")
    assert code == 0, out


def test_invalid_pattern_is_a_located_config_error(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst]\nexclude = ["ok", "[z-a]"]\n')
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert "pyproject.toml:2:19: path pattern '[z-a]' is not valid" in err


# -- per-file-ignores ----------------------------------------------------------------


def test_per_file_ignores_drop_those_rules_for_matching_paths(project, capsys):
    write(
        project,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF101"]\n[tool.ragfirst.per-file-ignores]\n"scripts/*" = ["RF1"]\n',
    )
    write(project, "scripts/one/train.py", FINE_TUNE)
    write(project, "app/train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--format", "json", "--no-cache")
    assert code == 1
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert paths == {"app/train.py"}


def test_per_file_ignores_are_relative_to_the_config_not_the_cwd(project, capsys, monkeypatch):
    write(
        project,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF101"]\n[tool.ragfirst.per-file-ignores]\n"/app/" = ["ALL"]\n',
    )
    write(project, "app/train.py", FINE_TUNE)
    write(project, "lib/app/train.py", FINE_TUNE)  # not the anchored one
    monkeypatch.chdir(project / "lib")
    code, out, _ = run(capsys, "check", "..", "--format", "json", "--no-cache")
    assert code == 1
    assert {f["path"] for f in json.loads(out)["findings"]} == {"app/train.py"}


def test_per_file_ignores_other_rules_still_fire(project, capsys):
    write(
        project,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF101"]\n[tool.ragfirst.per-file-ignores]\n"scripts/" = ["RF4"]\n',
    )
    write(project, "scripts/train.py", FINE_TUNE)
    assert run(capsys, "check", ".", "--no-cache")[0] == 1


def test_per_file_ignores_unknown_code_is_an_error(project, capsys):
    write(project, "pyproject.toml", '[tool.ragfirst.per-file-ignores]\n"scripts/*" = ["RF10l"]\n')
    write(project, "a.py", "print(1)\n")
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert "per-file-ignores" in err and "RF10l" in err
