"""Issue 22: the Action's steps in order, as a runner runs them (bash, the same GITHUB_*
variables, each step's outputs feeding the next): inputs validated, guide links at the
action's ref (no file:// link leaves the runner), the job summary, a fork's pull request."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from .conftest import FINE_TUNE, write
from .test_action import ACTION, run_step

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

KEY_FILE = 'OPENAI_API_KEY = "sk-proj-' + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9cD1fG3hJ5kL7nP9rS1uW3" + '"\n'


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def runner_env(project, **extra: str) -> dict[str, str]:
    summary = project.parent / "step_summary.md"
    summary.touch()
    return {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/app",
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_REPOSITORY": "",  # empty in composite steps on some runners
        "GITHUB_ACTION_REF": "",
        "RUNNER_TEMP": str(project.parent),
        **extra,
    }


ACTION_PATH = "/home/runner/work/_actions/ragfirst/ragfirst/v0.1.0"


def run_action(action, project, inputs: dict[str, str], context: dict[str, str] | None = None):
    """The Check inputs step, then the check step with its outputs: (code, log, outputs)."""
    context = {"github.action_path": ACTION_PATH, **(context or {})}
    env = runner_env(project)
    code, log, prepared = run_step(action, "Check inputs", project, inputs, context, env)
    if code != 0:
        return code, log, prepared
    context.update({f"steps.prepare.outputs.{k}": v for k, v in prepared.items()})
    code, log, outputs = run_step(action, "Run ragfirst check", project, inputs, context, env)
    return code, log, {**prepared, **outputs}


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"format": "xml"}, "input format: 'xml' is not one of github"),
        ({"upload-sarif": "yes"}, "input upload-sarif: 'yes' is not true or false"),
        ({"cache": "on"}, "input cache: 'on' is not true or false"),
        ({"paths": "  "}, "input paths is empty"),
        ({"version": "--index-url=http://evil"}, "is a pip option, not a requirement"),
    ],
)
def test_invalid_inputs_fail_with_an_error_annotation(action, project, inputs, message):
    code, log, _ = run_action(action, project, inputs)
    assert code == 1
    assert log.startswith("::error title=ragfirst action::")
    assert message in log


def test_guide_links_point_at_the_actions_docs_and_no_file_uri_leaves(action, project):
    write(project, "train.py", FINE_TUNE)
    write(project, "settings.py", KEY_FILE)
    code, log, outputs = run_action(
        action, project, {"upload-sarif": "true", "sarif-file": "r.sarif", "args": "--no-cache"}
    )
    assert code == 0, log  # findings fail the job after the upload
    assert outputs["guide-url"] == "https://github.com/ragfirst/ragfirst/blob/v0.1.0/docs"
    assert outputs["upload"] == "true" and outputs["exit-code"] == "1"
    sarif = json.loads((project / "r.sarif").read_text())
    run = sarif["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["RF101"]["helpUri"].startswith(
        "https://github.com/ragfirst/ragfirst/blob/v0.1.0/docs/guide/"
    )
    # The only file URI is the checkout root SARIF resolves relative paths against.
    text = json.dumps({k: v for k, v in run.items() if k != "originalUriBaseIds"})
    assert "file://" not in text
    # Security results look like security results: RF404 only (RF405 is not in this run).
    assert rules["RF404"]["properties"]["security-severity"] == "8.0"
    assert "security" in rules["RF404"]["properties"]["tags"]
    assert all(
        "security-severity" not in r["properties"] for i, r in rules.items() if i not in ("RF404", "RF405")
    )


@pytest.mark.parametrize("fmt", ["json", "junit", "gitlab", "github"])
def test_no_file_uri_in_any_ci_format(action, project, fmt):
    write(project, "train.py", FINE_TUNE)
    code, log, _ = run_action(action, project, {"format": fmt, "args": "--no-cache"})
    assert code == 1
    assert "file://" not in log
    if fmt != "gitlab":  # GitLab's Code Quality format has no place for a link
        assert "https://github.com/ragfirst/ragfirst/blob/v0.1.0/docs/guide/" in log


def test_without_a_known_ref_links_are_left_out_not_file_uris(action, project):
    write(project, "train.py", FINE_TUNE)
    code, log, outputs = run_action(
        action, project, {"format": "json", "args": "--no-cache"}, {"github.action_path": str(project)}
    )  # `uses: ./`: the action is the repository itself, at no ref
    assert code == 1 and outputs["guide-url"] == ""
    report = json.loads(log[: log.rindex("}") + 1])
    assert {f["guide"] for f in report["findings"]} == {""}


def test_job_summary_has_the_findings_table(action, project):
    write(project, "src/train.py", FINE_TUNE)
    code, _, _ = run_action(action, project, {"args": "--select RF101 --no-cache"})
    assert code == 1
    summary = (project.parent / "step_summary.md").read_text()
    assert summary.startswith("## ragfirst\n")
    assert "**1 finding** (1 warning) in 1 file (1 file checked)." in summary
    assert "| RF101 hosted-fine-tuning | 1 | warning |" in summary
    assert (
        "[src/train.py:4:1](https://github.com/acme/app/blob/0123456789abcdef0123456789abcdef01234567/src/train.py#L4)"
        in summary
    )


def test_summary_can_be_turned_off(action, project):
    write(project, "train.py", FINE_TUNE)
    run_action(action, project, {"summary": "false", "args": "--no-cache"})
    assert (project.parent / "step_summary.md").read_text() == ""


def test_fork_pull_request_annotates_instead_of_uploading(action, project):
    write(project, "train.py", FINE_TUNE)
    code, log, outputs = run_action(
        action,
        project,
        {"upload-sarif": "true", "args": "--select RF101 --no-cache"},
        {"github.event.pull_request.head.repo.full_name": "stranger/app"},
    )
    assert outputs["fork"] == "true" and outputs["upload"] == "false"
    assert "SARIF upload skipped" in log
    assert "::warning file=train.py" in log
    assert code == 1  # no upload step to wait for: the findings fail the job here
    assert not (project / "ragfirst.sarif").exists()


def test_same_repository_pull_request_is_not_a_fork(action, project):
    write(project, "a.py", "print(1)\n")
    _, _, outputs = run_action(
        action, project, {}, {"github.event.pull_request.head.repo.full_name": "acme/app"}
    )
    assert outputs["fork"] == "false"


def test_pip_cache_step(action):
    cache = next(s for s in action["runs"]["steps"] if s.get("name") == "Cache pip downloads")
    assert cache["uses"] == "actions/cache@v4"
    assert cache["if"] == "inputs.cache == 'true'"
    assert cache["with"]["path"] == "${{ steps.prepare.outputs.pip-cache-dir }}"
    assert "steps.prepare.outputs.cache-key" in cache["with"]["key"]
