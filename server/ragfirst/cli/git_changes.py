"""`check --diff REF`: the files changed since a git ref, plus untracked ones.

git runs as a subprocess with an argument list (never a shell), from the working
directory. Changed files are `git diff --name-only REF` (committed, staged and
unstaged changes against REF; deleted files left out) plus `git ls-files --others
--exclude-standard` (new files not yet added; ignored files left out). Both are read
NUL-separated, so any file name survives, and resolved against the repository top.

The repository's own `.git/config` is untrusted (a tarball or artifact can ship one), and
git runs commands named there. Every git call therefore disables them from the command
line, which outranks any config file: `core.fsmonitor=false`, `core.hooksPath=/dev/null`,
no pager, `--no-ext-diff --no-textconv` for the diff, and every `filter.<driver>.clean`,
`smudge` and `process` the configuration names (read with `git config --list`, which runs
nothing) set to empty and not required, so `.gitattributes` cannot start a filter.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """Not a git repository, an unknown ref, or no git: one line for the user."""


_SAFE = ["--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external="]
_FILTER_KEYS = ("clean", "smudge", "process")


def _git(args: list[str], cwd: Path, safety: list[str] | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *_SAFE, *(safety or []), *args], cwd=cwd, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("--diff needs git, and git was not found on PATH") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _paths(output: bytes) -> list[str]:
    return [part.decode("utf-8", errors="surrogateescape") for part in output.split(b"\0") if part]


def _filter_overrides(root: Path) -> list[str]:
    """`-c filter.<driver>.<clean|smudge|process>=` for every filter driver configured."""
    listing = _git(["config", "--list", "--name-only", "-z"], root)
    drivers = set()
    for name in _paths(listing.stdout) if listing.returncode == 0 else []:
        section, _, rest = name.partition(".")
        driver = rest.rpartition(".")[0]
        if section.lower() == "filter" and driver:
            drivers.add(driver)
    overrides = []
    for driver in sorted(drivers):
        overrides += [arg for key in _FILTER_KEYS for arg in ("-c", f"filter.{driver}.{key}=")]
        overrides += ["-c", f"filter.{driver}.required=false"]
    return overrides


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
    safety = _filter_overrides(root)
    diff = _git(
        [
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--name-only",
            "--no-renames",
            "--diff-filter=d",
            "-z",
            commit,
            "--",
        ],
        root,
        safety,
    )
    if diff.returncode != 0:
        raise GitError(f"git diff failed: {diff.stderr.decode(errors='replace').strip()}")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z"], root, safety)
    if untracked.returncode != 0:
        raise GitError(f"git ls-files failed: {untracked.stderr.decode(errors='replace').strip()}")
    names = _paths(diff.stdout) + _paths(untracked.stdout)
    return {(root / name).resolve() for name in names}
