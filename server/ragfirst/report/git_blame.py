"""Who recorded a decision, and when: `git blame` on a suppression's line, if git knows.

Never required: without git, outside a repository, or for an untracked file the report
simply leaves the column empty. git runs with a fixed argument list (never a shell) and
with everything a repository's own `.git/config` could make it run switched off from the
command line, which outranks config files (as cli/git_changes.py does for --diff):
no fsmonitor, no hooks, no pager, `--no-textconv`, and every filter driver the
configuration names (read with `git config --list`, which runs nothing) emptied, so a
`.gitattributes` cannot start a clean filter on the working-tree file blame reads.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

_SAFE = ["--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external="]


class GitBlame:
    """`blame(path, line)` -> (author, YYYY-MM-DD) or None; answers are cached per line."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._cache: dict[tuple[str, int], tuple[str, str] | None] = {}
        self._broken = False  # no git on PATH: stop asking
        self._filters: dict[Path, list[str]] = {}

    def __call__(self, path: str, line: int) -> tuple[str, str] | None:
        key = (path, line)
        if key not in self._cache:
            self._cache[key] = self._blame(Path(path), line)
        return self._cache[key]

    def _blame(self, path: Path, line: int) -> tuple[str, str] | None:
        if self._broken or line < 1 or not path.is_file():
            return None
        filters = self._filters.get(path.parent)
        if filters is None:
            filters = self._filters[path.parent] = self._filter_overrides(path.parent)
        argv = [
            "git",
            *_SAFE,
            *filters,
            "blame",
            "--no-textconv",
            "--porcelain",
            "-L",
            f"{line},{line}",
            "--",
            path.name,
        ]
        try:
            done = subprocess.run(
                argv, cwd=path.parent, capture_output=True, check=False, timeout=self.timeout
            )
        except FileNotFoundError:
            self._broken = True
            return None
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode != 0:
            return None
        return parse_porcelain(done.stdout.decode("utf-8", errors="replace"))

    def _filter_overrides(self, directory: Path) -> list[str]:
        """`-c filter.<driver>.<clean|smudge|process>=` for every filter driver configured."""
        try:
            listing = subprocess.run(
                ["git", *_SAFE, "config", "--list", "--name-only", "-z"],
                cwd=directory,
                capture_output=True,
                check=False,
                timeout=self.timeout,
            )
        except (OSError, subprocess.TimeoutExpired):
            return []
        drivers = set()
        for raw in listing.stdout.split(b"\0") if listing.returncode == 0 else []:
            section, _, rest = raw.decode("utf-8", errors="replace").partition(".")
            driver = rest.rpartition(".")[0]
            if section.lower() == "filter" and driver:
                drivers.add(driver)
        overrides: list[str] = []
        for driver in sorted(drivers):
            overrides += [
                arg for key in ("clean", "smudge", "process") for arg in ("-c", f"filter.{driver}.{key}=")
            ]
            overrides += ["-c", f"filter.{driver}.required=false"]
        return overrides


def parse_porcelain(text: str) -> tuple[str, str] | None:
    """The author and the author date (UTC) of the first line of `git blame --porcelain`."""
    author = when = None
    for row in text.splitlines():
        if row.startswith("author "):
            author = row[len("author ") :].strip()
        elif row.startswith("author-time "):
            try:
                stamp = int(row.split()[1])
            except (IndexError, ValueError):
                continue
            when = dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date().isoformat()
    if author is None or when is None:
        return None
    if author == "Not Committed Yet":
        return None
    return author, when
