"""Test code, fixtures and mocks are not decisions: which findings are reported there.

An SDK's own tests call `fine_tuning.jobs.create` against a mock server, a codemod's
`__testfixtures__` hold the code it rewrites, a fixture config is invalid on purpose. None
of it is a team choosing to train or to leave spend uncapped. By default a finding in test
code is not reported, except the rules in `test-code-rules` (a real key committed in a
test is still a leaked key). `report-test-code = true` reports everything.

Patterns (`test-paths`): one ending in `/` names a directory anywhere in the path
(`tests/`, `__tests__/`); one without `/` is matched against the file name (`test_*.py`);
one with an inner `/` is matched against the path and each of its tails (`src/testing/*`).
Paths are taken relative to the config's directory when they lie inside it.
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.model import Finding

DEFAULT_TEST_PATHS = (
    "tests/",
    "test/",
    "__tests__/",
    "__testfixtures__/",
    "__mocks__/",
    "fixtures/",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "*.test.ts",
    "*.test.tsx",
    "*.test.js",
    "*.test.jsx",
    "*.test.mjs",
    "*.spec.ts",
    "*.spec.tsx",
    "*.spec.js",
    "*.spec.jsx",
)
DEFAULT_TEST_CODE_RULES = ("RF404", "RF405")
"""Reported in test code too: a key committed in a test is as leaked as any other."""


@lru_cache(maxsize=4096)
def is_test_path(path: str, patterns: tuple[str, ...]) -> bool:
    """Does any pattern name this (project-relative, `/`-separated) path as test code?"""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    if not parts:
        return False
    directories, name = parts[:-1], parts[-1]
    for pattern in patterns:
        if pattern.endswith("/"):
            folder = pattern.rstrip("/")
            if any(fnmatch.fnmatchcase(part, folder) for part in directories):
                return True
        elif "/" not in pattern:
            if fnmatch.fnmatchcase(name, pattern):
                return True
        else:
            tails = ("/".join(parts[index:]) for index in range(len(parts)))
            if any(fnmatch.fnmatchcase(tail, pattern) for tail in tails):
                return True
    return False


def project_relative(path: str, root: os.PathLike[str] | None) -> str:
    """The path below the config's directory when it lies there (so a project checked out
    under `/home/me/tests/app` is not all test code), else as given."""
    if root is not None and os.path.isabs(path):
        try:
            return PurePosixPath(os.path.relpath(path, root)).as_posix()
        except ValueError:  # another drive (Windows)
            return path
    return path


def policy(findings: list[Finding], path: str, settings: Settings) -> list[Finding]:
    """The findings of one file that the test-code policy reports (all, outside test code)."""
    if not findings or settings.report_test_code:
        return findings
    if not is_test_path(project_relative(path, settings.root), settings.test_paths):
        return findings
    return [finding for finding in findings if finding.rule_id in settings.test_code_rules]
