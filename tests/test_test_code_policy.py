"""Findings in tests, fixtures and mocks are not decisions (issue 19): not reported by
default, except secrets (RF404/RF405); `test-paths` and the policy are configurable."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ids, lint

from ragfirst.config.settings import ConfigError, Settings, settings_from_file
from ragfirst.engine.test_code import DEFAULT_TEST_PATHS, is_test_path

TRAINING = """\
from openai import OpenAI
OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-1")
"""
KEY = (
    'from openai import OpenAI\nOpenAI(api_key="sk-'
    + "Ab3dE6gH9jK2mN5pQ8sT"
    + "T3BlbkFJ"
    + "xY1zW4vU7tR0qP3oN6mL"
    + '")\n'
)


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_jobs.py",
        "pkg/tests/unit/helpers.py",
        "test/jobs.py",
        "test_jobs.py",
        "jobs_test.py",
        "conftest.py",
        "src/__tests__/chat.tsx",
        "web/chat.test.ts",
        "web/chat.spec.ts",
        "transforms/__testfixtures__/input.js",
        "src/__mocks__/openai.ts",
        "fixtures/train.py",
    ],
)
def test_default_test_paths(path):
    assert is_test_path(path, DEFAULT_TEST_PATHS)


@pytest.mark.parametrize(
    "path",
    ["src/train.py", "testing_utils.py", "contest.py", "app/latest/train.py", "tests.py", "web/chat.ts"],
)
def test_look_alikes_are_not_test_code(path):
    assert not is_test_path(path, DEFAULT_TEST_PATHS)


def test_findings_in_test_code_are_not_reported():
    assert "RF101" in ids(lint(TRAINING, path="train.py"))
    assert ids(lint(TRAINING, path="tests/test_train.py")) == []


def test_secrets_in_test_code_are_still_reported():
    assert ids(lint(KEY, path="tests/test_client.py")) == ["RF404"]


def test_report_test_code_reports_everything():
    settings = Settings(report_test_code=True)
    assert "RF101" in ids(lint(TRAINING, path="tests/test_train.py", settings=settings))


def test_test_paths_are_configurable(tmp_path: Path):
    config = tmp_path / "ragfirst.toml"
    config.write_text('extend-test-paths = ["qa/"]\ntest-code-rules = ["RF404", "RF101"]\n')
    settings = settings_from_file(config)
    assert settings is not None
    assert "qa/" in settings.test_paths and "tests/" in settings.test_paths
    assert ids(lint(TRAINING, path="qa/train.py", settings=settings)) == ["RF101"]  # RF106 etc. dropped
    config.write_text('test-paths = ["qa/"]\n')
    replaced = settings_from_file(config)
    assert replaced is not None and replaced.test_paths == ("qa/",)
    assert "RF101" in ids(lint(TRAINING, path="tests/test_train.py", settings=replaced))
    assert ids(lint(TRAINING, path="qa/train.py", settings=replaced)) == []


def test_a_bad_policy_key_is_a_config_error(tmp_path: Path):
    config = tmp_path / "ragfirst.toml"
    config.write_text('report-test-code = "yes"\n')
    with pytest.raises(ConfigError):
        settings_from_file(config)


def test_a_project_checked_out_under_a_tests_folder_is_not_all_test_code(tmp_path: Path):
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    root = tmp_path / "tests" / "app"
    root.mkdir(parents=True)
    (root / "ragfirst.toml").write_text("select = ['RF']\n")
    (root / "train.py").write_text(TRAINING)
    result = lint_paths([root / "train.py"], ConfigResolver())
    assert "RF101" in [f.rule_id for f in result.findings]
