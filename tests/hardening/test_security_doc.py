"""docs/security.md names the tests that hold each promise: every one it names exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_test_named_in_security_md_exists():
    doc = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(test_[a-z0-9_]+)", doc))
    defined = set()  # test functions and test modules
    for path in (REPO / "tests").rglob("*.py"):
        defined.add(path.stem)
        defined |= set(re.findall(r"def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8")))
    assert sorted(named - defined) == []
