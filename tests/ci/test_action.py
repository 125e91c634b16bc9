"""action.yml: a composite GitHub Action whose inputs are the documented ones and whose
check step, run here with bash as the runner would, gates and uploads as documented."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import FINE_TUNE, write

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def step(action: dict, name: str) -> dict:
    (found,) = [s for s in action["runs"]["steps"] if s.get("name") == name]
    return found


def test_metadata_and_inputs(action):
    assert action["name"] == "ragfirst"
    assert action["description"]
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    defaults = {name: spec.get("default") for name, spec in inputs.items()}
    assert defaults == {
        "paths": ".",
        "format": "github",
        "args": "",
        "version": "",
        "python-version": "",
        "upload-sarif": "false",
        "sarif-file": "ragfirst.sarif",
        "cache": "true",
        "summary": "true",
    }
    assert all(spec["description"].strip() for spec in inputs.values())
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}


def test_every_run_step_names_its_shell_and_takes_inputs_through_env(action):
    for s in action["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            # Inputs reach scripts as environment variables, never spliced into the script.
            assert "${{" not in s["run"], s["name"]


def test_default_install_is_the_actions_own_checkout(action):
    install = step(action, "Install ragfirst")
    assert install["env"] == {
        "RAGFIRST_VERSION": "${{ inputs.version }}",
        "ACTION_PATH": "${{ github.action_path }}",
    }
    assert 'pip install --quiet "$ACTION_PATH"' in install["run"]
    assert 'pip install --quiet "$RAGFIRST_VERSION"' in install["run"]


def test_sarif_upload_step(action):
    upload = step(action, "Upload SARIF to code scanning")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "steps.check.outputs.upload == 'true'"  # not on a fork's pull request
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    gate = step(action, "Fail on findings")
    assert "steps.check.outputs.exit-code == '1'" in gate["if"]


def run_step(
    action,
    name: str,
    project: Path,
    inputs: dict[str, str],
    context: dict[str, str] | None = None,
    runner_env: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str]]:
    """Run one of the action's bash steps as the runner would: its `env:` expressions
    resolved from the inputs, the `github` context and earlier steps' outputs (`context`),
    the runner's GITHUB_* variables (`runner_env`), and a fresh GITHUB_OUTPUT file."""
    found = step(action, name)
    defaults = {key: spec["default"] for key, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    context = context or {}
    output_file = project.parent / f"github_output_{found.get('id', 'step')}"
    output_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RAGFIRST_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_OUTPUT"] = str(output_file)
    env.update(runner_env or {})
    for key, expression in found.get("env", {}).items():
        inner = expression.removeprefix("${{ ").removesuffix(" }}")
        if inner.startswith("inputs."):
            env[key] = values[inner.removeprefix("inputs.")]
        else:
            env[key] = context.get(inner, "")
    result = subprocess.run(
        ["bash", "-c", found["run"]], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines())
    return result.returncode, result.stdout + result.stderr, outputs


def run_check_step(action, project: Path, **inputs: str) -> tuple[int, str, dict[str, str]]:
    """The check step alone, as in a run whose other steps set nothing (no fork, no link)."""
    code, out, outputs = run_step(action, "Run ragfirst check", project, inputs)
    outputs.pop("upload", None)
    return code, out, outputs


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_check_step_annotates_and_fails_on_findings(action, project):
    write(project, "src/train.py", FINE_TUNE)
    write(project, "docs/notes.py", FINE_TUNE)
    code, out, outputs = run_check_step(action, project, paths="src", args="--select RF101")
    assert code == 1
    assert outputs == {"exit-code": "1"}
    assert out.splitlines() == [
        line for line in out.splitlines() if line.startswith("::warning file=src/train.py")
    ]
    assert len(out.splitlines()) == 1
    code, _, outputs = run_check_step(action, project, args="--severity-threshold error --select RF101")
    assert (code, outputs["exit-code"]) == (0, "0")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_check_step_writes_sarif_and_defers_the_failure(action, project):
    write(project, "train.py", FINE_TUNE)
    code, out, outputs = run_check_step(
        action, project, **{"upload-sarif": "true", "sarif-file": "out/r.sarif"}
    )
    assert code == 0  # the upload step must still run; "Fail on findings" fails the job after it
    assert outputs == {"exit-code": "1", "sarif-file": "out/r.sarif"}
    assert out == ""
    sarif = json.loads((project / "out" / "r.sarif").read_text())
    assert sarif["runs"][0]["results"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_check_step_errors_fail_at_once(action, project):
    code, _, outputs = run_check_step(action, project, paths="missing/", **{"upload-sarif": "true"})
    assert code == 2 and outputs["exit-code"] == "2"
