"""The pre-commit hook, run by the real `pre-commit` tool on a temporary repository.

The hook repository is a git repository made from this checkout's files (the ones
`pip install` needs, and .pre-commit-hooks.yaml), committed with fixed dates so the
same content always gives the same commit and pre-commit reuses the hook environment
it built last time. pre-commit itself is installed from PyPI into a virtual
environment in the pytest cache; without PyPI the end-to-end test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import FINE_TUNE, write

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
HOOK_REPO_DIRS = ("server", "rules", "docs")
FIXED_DATE = "2025-01-01T00:00:00+00:00"
NETWORK_ERRORS = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "No matching distribution found",
    "Could not find a version that satisfies",
)


# -- the manifest ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hook() -> dict:
    (only,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return only


def test_manifest(hook):
    assert hook["id"] == "ragfirst"
    assert hook["entry"] == "ragfirst check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True  # a file's findings must not depend on its batch
    expected = {"python", "yaml", "json", "toml", "javascript", "jsx", "ts", "tsx", "vue", "svelte"}
    assert expected <= set(hook["types_or"])


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("app.py", True),
        ("pkg/stubs.pyi", True),
        ("notebooks/train.ipynb", True),
        ("config/litellm.yaml", True),
        ("deepspeed.yml", True),
        ("package.json", True),
        ("web/package.json", True),
        ("data/train.jsonl", True),
        ("pyproject.toml", True),
        ("src/client.ts", True),
        ("src/App.tsx", True),
        ("src/App.jsx", True),
        ("src/api.mjs", True),
        ("src/Chat.vue", True),
        ("src/Chat.svelte", True),
        ("requirements.txt", True),
        ("requirements-train.txt", True),
        ("requirements/base.txt", True),
        (".env", True),
        ("services/api/.env.production", True),
        ("README.md", False),
        ("notes.txt", False),
        ("setup.cfg", False),
        ("image.png", False),
        (".envrc", False),
    ],
)
def test_files_pattern(hook, path, selected):
    assert bool(re.search(hook["files"], path)) is selected


# -- the real pre-commit ---------------------------------------------------------------


def _cache_dir(request) -> Path:
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("ragfirst-pre-commit"))
    return request.getfixturevalue("tmp_path_factory").mktemp("ragfirst-pre-commit")


def _git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="ragfirst tests",
        GIT_AUTHOR_EMAIL="tests@example.com",
        GIT_COMMITTER_NAME="ragfirst tests",
        GIT_COMMITTER_EMAIL="tests@example.com",
        GIT_AUTHOR_DATE=FIXED_DATE,
        GIT_COMMITTER_DATE=FIXED_DATE,
    )
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture(scope="module")
def pre_commit(request) -> Path:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    cache = _cache_dir(request)
    venv = cache / "venv"
    exe = venv / ("Scripts" if os.name == "nt" else "bin") / "pre-commit"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        python = exe.parent / "python"
        try:
            result = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "pre-commit>=4"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("cannot install pre-commit: pip timed out reaching PyPI")
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"cannot install pre-commit from PyPI: {last}")
    return exe


@pytest.fixture(scope="module")
def hook_repo(request, pre_commit) -> tuple[Path, str]:
    """A git repository holding this checkout's hook, committed reproducibly."""
    cache = _cache_dir(request)
    env = _git_env(cache)
    repo = cache / "hook-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir()
    for name in HOOK_REPO_FILES:
        shutil.copyfile(REPO_ROOT / name, repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in HOOK_REPO_DIRS:
        shutil.copytree(REPO_ROOT / name, repo / name, ignore=ignore, copy_function=shutil.copyfile)
    _git(repo, env, "init", "-q", "-b", "main")
    _git(repo, env, "add", "-A")
    _git(repo, env, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "ragfirst hook")
    return repo, _git(repo, env, "rev-parse", "HEAD")


def test_hook_fails_on_a_finding_and_passes_after_the_fix(tmp_path, request, pre_commit, hook_repo):
    cache = _cache_dir(request)
    env = _git_env(tmp_path)
    env["PRE_COMMIT_HOME"] = str(cache / "home")
    project = tmp_path / "project"
    project.mkdir()
    repo, rev = hook_repo
    _git(project, env, "init", "-q", "-b", "main")
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "ragfirst"}]}]}
    write(project, ".pre-commit-config.yaml", yaml.safe_dump(config))
    write(project, "train.py", FINE_TUNE)
    write(project, "README.md", "# demo\n")
    _git(project, env, "add", "-A")

    def pre_commit_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "run", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    failed = pre_commit_run()
    if failed.returncode not in (0, 1):
        log = cache / "home" / "pre-commit.log"
        details = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        if any(sign in details for sign in NETWORK_ERRORS):
            pytest.skip("pre-commit could not install the hook's environment: PyPI unreachable")
        pytest.fail(f"pre-commit could not run the hook:\n{failed.stdout}\n{failed.stderr}\n{details}")
    assert failed.returncode == 1, failed.stdout
    assert re.search(r"^ragfirst\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert "train.py:4:1: RF101 [warning]" in failed.stdout

    # The fix: the decision is recorded with a reason, so the finding is suppressed.
    fixed = FINE_TUNE.replace(
        '"file-abc")', '"file-abc")  # ragfirst: ignore[RF101,RF107,RF406] -- 48k pairs, ADR-7'
    )
    write(project, "train.py", fixed)
    _git(project, env, "add", "-A")
    passed = pre_commit_run()
    assert passed.returncode == 0, passed.stdout
    assert re.search(r"^ragfirst\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout

    # A commit touching no file the hook reads skips it.
    _git(project, env, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "base")
    write(project, "README.md", "# demo, edited\n")
    _git(project, env, "add", "README.md")
    skipped = pre_commit_run()
    assert skipped.returncode == 0, skipped.stdout
    assert re.search(r"^ragfirst\.+\(no files to check\)Skipped$", skipped.stdout, re.MULTILINE), (
        skipped.stdout
    )
    subprocess.run([str(pre_commit), "gc"], env=env, capture_output=True, check=False)


FINDING_LINE = re.compile(r"^(?P<where>\S+?:\d+:\d+): (?P<rule>RF\d{3}) ", re.MULTILINE)


def _findings(text: str) -> set[tuple[str, str]]:
    return {(m["where"], m["rule"]) for m in FINDING_LINE.finditer(text)}


def test_hook_agrees_with_check_whatever_files_it_is_given(tmp_path, request, pre_commit, hook_repo):
    """The FastAPI sample (client and settings in shared modules) in a git repository: the
    hook on a staged subset and with --all-files reports, for each file, exactly what
    `ragfirst check .` reports, and never a false unused-suppression (RF001)."""
    cache = _cache_dir(request)
    env = _git_env(tmp_path)
    env["PRE_COMMIT_HOME"] = str(cache / "home")
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "samples" / "fastapi-service", project)
    # A valid suppression in a file the route's findings do not come from.
    summarize = project / "app" / "routes" / "summarize.py"
    summarize.write_text(
        "from app.deps import client\n\n"
        "client.responses.create(model='gpt-4o-mini', input='x')"
        "  # ragfirst: ignore[RF401] -- capped by the gateway, ADR-3\n",
        encoding="utf-8",
    )
    _git(project, env, "init", "-q", "-b", "main")
    config = {"repos": [{"repo": str(hook_repo[0]), "rev": hook_repo[1], "hooks": [{"id": "ragfirst"}]}]}
    write(project, ".pre-commit-config.yaml", yaml.safe_dump(config))
    _git(project, env, "add", ".pre-commit-config.yaml", "app/routes/chat.py", "app/routes/summarize.py")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "run", "--color", "never", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    expected_run = subprocess.run(
        [sys.executable, "-m", "ragfirst", "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    expected = _findings(expected_run.stdout)
    assert ("app/routes/chat.py:12:19", "RF401") in expected, expected_run.stdout

    staged = run()
    if staged.returncode not in (0, 1):
        pytest.fail(f"pre-commit could not run the hook:\n{staged.stdout}\n{staged.stderr}")
    assert staged.returncode == 1, staged.stdout
    # The staged route's uncapped call goes through the client built in app/deps.py.
    staged_files = ("app/routes/chat.py", "app/routes/summarize.py")
    assert _findings(staged.stdout) == {f for f in expected if f[0].startswith(staged_files)}

    _git(project, env, "add", "-A")
    everything = run("--all-files")
    assert everything.returncode == 1, everything.stdout
    assert _findings(everything.stdout) == expected
    assert "RF001" not in everything.stdout
