"""`--diff REF`: check only the files changed since a git ref, plus untracked files."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from .conftest import FINE_TUNE, run, write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(root, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def isolated_git(tmp_path, monkeypatch):
    """git with no user or system config, never looking above the test's directory."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "ragfirst tests")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "tests@example.com")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)


@pytest.fixture
def repo(project, isolated_git):
    git(project, "init", "-q", "-b", "main")
    write(project, ".gitignore", "generated/\n")
    write(project, "old.py", FINE_TUNE)
    write(project, "changed.py", FINE_TUNE)
    write(project, "sub/old.py", FINE_TUNE)
    write(project, "gone.py", FINE_TUNE)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    return project


def flagged(out: str) -> list[str]:
    return sorted({line.split(":")[0] for line in out.splitlines()})


def test_only_changed_and_untracked_files_are_checked(repo, capsys):
    write(repo, "changed.py", "# edited\n" + FINE_TUNE)  # unstaged change
    write(repo, "staged.py", FINE_TUNE)
    git(repo, "add", "staged.py")  # staged, new
    write(repo, "untracked.py", FINE_TUNE)  # never added
    write(repo, "new dir/odd name.py", FINE_TUNE)  # untracked, in a new directory
    write(repo, "generated/ignored.py", FINE_TUNE)  # ignored: not a change
    (repo / "gone.py").unlink()  # deleted: nothing to check
    code, out, _ = run(capsys, "check", "--select", "RF101", "-q", "--diff", "HEAD", ".")
    assert code == 1
    assert flagged(out) == ["changed.py", "new dir/odd name.py", "staged.py", "untracked.py"]


def test_committed_changes_since_an_older_ref(repo, capsys):
    write(repo, "sub/later.py", FINE_TUNE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "later")
    _, out, _ = run(capsys, "check", "--select", "RF101", "-q", "--diff", "HEAD~1", ".")
    assert flagged(out) == ["sub/later.py"]
    code, out, _ = run(capsys, "check", "--select", "RF101", "--diff", "HEAD", ".")
    assert (code, out) == (0, "All checks passed (0 files checked).\n")


def test_changes_are_intersected_with_the_given_paths(repo, capsys):
    write(repo, "sub/new.py", FINE_TUNE)
    write(repo, "top_new.py", FINE_TUNE)
    _, out, _ = run(capsys, "check", "--select", "RF101", "-q", "--diff", "main", "sub")
    assert flagged(out) == ["sub/new.py"]
    _, out, _ = run(capsys, "check", "--select", "RF101", "-q", "--diff", "main", "top_new.py", "old.py")
    assert flagged(out) == ["top_new.py"]


def test_works_from_a_subdirectory(repo, capsys, monkeypatch):
    write(repo, "sub/new.py", FINE_TUNE)
    write(repo, "top_new.py", FINE_TUNE)
    monkeypatch.chdir(repo / "sub")
    _, out, _ = run(capsys, "check", "--select", "RF101", "-q", "--diff", "HEAD", ".")
    assert flagged(out) == ["new.py"]


def test_junit_lists_only_the_changed_files(repo, capsys):
    write(repo, "clean_new.py", "print('hello')\n")
    _, out, _ = run(capsys, "check", "--format", "junit", "--diff", "HEAD", ".")
    cases = ET.fromstring(out).findall("testsuite/testcase")
    assert [c.get("classname") for c in cases] == ["clean_new.py"]


def test_unknown_ref_is_one_line_exit_two(repo, capsys):
    for ref in ("no-such-branch", "--output=/tmp/x", "HEAD~5"):
        code, out, err = run(capsys, "check", f"--diff={ref}", ".")
        assert (code, out) == (2, "")
        assert err.startswith(f"ragfirst: error: --diff: unknown git ref {ref!r}")
        assert len(err.strip().splitlines()) == 1


def test_not_a_git_repository_is_one_line_exit_two(project, isolated_git, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, err = run(capsys, "check", "--diff", "HEAD", ".")
    assert (code, out) == (2, "")
    assert err == f"ragfirst: error: --diff needs a git repository, and {project} is not inside one\n"


def test_git_missing_is_one_line_exit_two(repo, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    code, _, err = run(capsys, "check", "--diff", "HEAD", ".")
    assert code == 2
    assert err == "ragfirst: error: --diff needs git, and git was not found on PATH\n"
