"""`check --diff` runs git, and a repository's own `.git/config` (a tarball, a build
artifact, a workspace a teammate prepared) can name commands for git to run: fsmonitor,
clean/smudge/process filters, external diff, textconv, hooks. None of them runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.hardening.fuzzlib import run_cli_in_process

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_diff_runs_no_command_named_by_the_repositorys_git_config(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "base")
    (root / "app.py").write_text("import openai\n")
    (root / "tracked.py").write_text("x = 1\n")
    _git(root, "add", "tracked.py")
    _git(root, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "tracked")
    marker = tmp_path / "pwned"
    command = f"sh -c 'echo $0 >> {marker}'"
    with open(root / ".git" / "config", "a") as config:
        config.write(
            f'[core]\n\tfsmonitor = "{command} fsmonitor"\n\thooksPath = hooks\n'
            f'[filter "evil"]\n\tclean = "{command} clean"\n\tsmudge = "{command} smudge"\n'
            f'\tprocess = "{command} process"\n\trequired = true\n'
            f'[diff]\n\texternal = "{command} external"\n'
            f'[diff "evil"]\n\ttextconv = "{command} textconv"\n\tcommand = "{command} command"\n'
            f'[core]\n\tpager = "{command} pager"\n'
        )
    (root / ".gitattributes").write_text("* filter=evil diff=evil\n")
    (root / "hooks").mkdir()
    for hook in ("post-index-change", "reference-transaction", "pre-auto-gc"):
        (root / "hooks" / hook).write_text(f"#!/bin/sh\necho {hook} >> {marker}\n")
        os.chmod(root / "hooks" / hook, 0o755)
    (root / "tracked.py").write_text("x = 2  # changed, so git must look at its content\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("RAGFIRST_CACHE_DIR", str(tmp_path / "cache"))
    code, out, err, trace = run_cli_in_process(["check", "--diff", "HEAD", "--format", "json", "."])
    assert trace is None, trace
    assert code in (0, 1), err
    assert not marker.exists(), marker.read_text()
    assert '"files_checked": 2' in out  # app.py (untracked) and tracked.py (changed)
