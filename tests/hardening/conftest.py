"""Hardening tests: fixtures and the `slow` gate.

Tests marked `slow` run only with RAGFIRST_SLOW=1 (the default `pytest` run and CI stay
fast; the big fuzz runs live in `scripts/fuzz.py`, i.e. `make fuzz`).
"""

from __future__ import annotations

import os

import pytest
from tests.hardening import fuzzlib

RUN_SLOW = os.environ.get("RAGFIRST_SLOW") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long hardening case; runs only with RAGFIRST_SLOW=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if RUN_SLOW:
        return
    skip = pytest.mark.skip(reason="slow hardening case: set RAGFIRST_SLOW=1 (or run `make fuzz`)")
    for item in items:
        if "slow" in item.keywords and "tests/hardening" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engine_and_settings():
    return fuzzlib.default_engine()
