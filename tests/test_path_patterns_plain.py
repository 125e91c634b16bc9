"""Name-only `exclude` patterns (`dist`, `*.min.js`: the default list) are compiled without
importing pathspec (config/path_patterns.py `plain_regex`); the regexes are the ones
pathspec gives, narrowed as for every other pattern (engine/gitignore_verdict.py)."""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_python
from ragfirst.config.path_patterns import PathPatterns, plain_regex
from ragfirst.config.settings import DEFAULT_EXCLUDES
from ragfirst.engine.gitignore_verdict import own_path_patterns


def _pathspec_regex(pattern: str) -> str:
    (found,) = own_path_patterns(pathspec.GitIgnoreSpec.from_lines([pattern]))
    return found[1].pattern


def _through_pathspec(patterns: tuple[str, ...], monkeypatch) -> PathPatterns:
    monkeypatch.setattr("ragfirst.config.path_patterns.plain_regex", lambda pattern: None)
    return PathPatterns(patterns)


@pytest.mark.parametrize("pattern", DEFAULT_EXCLUDES)
def test_each_default_exclude_is_plain_and_pathspecs(pattern):
    assert plain_regex(pattern) == _pathspec_regex(pattern)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab.-_*Z9", min_size=1, max_size=8))
def test_a_plain_pattern_is_the_regex_pathspec_gives(pattern):
    source = plain_regex(pattern)
    if source is not None:
        assert source == _pathspec_regex(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "build/",
        "/dist",
        "docs/*.md",
        "!keep.py",
        "**/tmp",
        "a**b",
        "# comment",
        "",
        " x",
        "x ",
        "[ab]c",
        "a?c",
        ".",
    ],
)
def test_other_patterns_are_left_to_pathspec(pattern):
    assert plain_regex(pattern) is None


def test_the_default_matcher_is_the_one_pathspec_builds(monkeypatch):
    plain = PathPatterns(DEFAULT_EXCLUDES)
    built = _through_pathspec(DEFAULT_EXCLUDES, monkeypatch)
    assert plain._names.pattern == built._names.pattern and plain._paths.pattern == built._paths.pattern
    assert [(text, regex.pattern, include) for text, regex, include in plain._compiled] == [
        (text, regex.pattern, include) for text, regex, include in built._compiled
    ]
    for path, is_dir in [("a/dist", True), ("x/y.min.js", False), ("src/app.py", False), ("build", False)]:
        assert plain.deciding(path, is_dir) == built.deciding(path, is_dir)


def test_a_run_with_the_default_excludes_imports_no_pathspec(tmp_path):
    (tmp_path / "app.py").write_text("from openai import OpenAI\n")
    probe = (
        "import sys\n"
        "from ragfirst.cli.main import main\n"
        "main(['check', '--no-cache', '--exit-zero', '.'])\n"
        "print('pathspec' in sys.modules, file=sys.stderr)\n"
    )
    assert run_python(probe, tmp_path).stderr.strip().splitlines()[-1] == "False"
