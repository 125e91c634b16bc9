"""Where the shipped data lives: `rules/` and `docs/`.

In the wheel they are `ragfirst/_data/<name>` (see pyproject.toml); in a source checkout
they sit beside `server/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_data_dir(name: str) -> Path:
    packaged = resources.files("ragfirst") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / name


def builtin_rules_dir() -> Path:
    return package_data_dir("rules")
