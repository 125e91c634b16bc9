"""`check --diff REF`: the files changed since a git ref, plus untracked ones.

git runs as a subprocess with an argument list (never a shell), from the working
directory. Changed files are `git diff --name-only REF` (committed, staged and
unstaged changes against REF; deleted files left out) plus `git ls-files --others
--exclude-standard` (new files not yet added; ignored files left out). Both are read
NUL-separated, so any file name survives, and resolved against the repository top.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """Not a git repository, an unknown ref, or no git: one line for the user."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("--diff needs git, and git was not found on PATH") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _paths(output: bytes) -> list[str]:
    return [part.decode("utf-8", errors="surrogateescape") for part in output.split(b"\0") if part]


def changed_files(ref: str, cwd: Path | None = None) -> set[Path]:
    """Resolved paths of the files changed since `ref` in the repository holding `cwd`."""
    cwd = cwd or Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise GitError(f"--diff needs a git repository, and {cwd} is not inside one")
    root = Path(top.stdout.decode("utf-8", errors="surrogateescape").strip())
    # A ref that looks like an option would be read as one: no ref starts with "-".
    verified = (
        None if ref.startswith("-") else _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    )
    if verified is None or verified.returncode != 0:
        raise GitError(f"--diff: unknown git ref {ref!r} (not a commit, branch or tag in {root})")
    commit = verified.stdout.decode().strip()
    diff = _git(["diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", commit, "--"], root)
    if diff.returncode != 0:
        raise GitError(f"git diff failed: {diff.stderr.decode(errors='replace').strip()}")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z"], root)
    if untracked.returncode != 0:
        raise GitError(f"git ls-files failed: {untracked.stderr.decode(errors='replace').strip()}")
    names = _paths(diff.stdout) + _paths(untracked.stdout)
    return {(root / name).resolve() for name in names}
