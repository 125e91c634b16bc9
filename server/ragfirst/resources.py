"""Where the shipped data lives: `rules/` and `docs/`.

In the wheel they are `ragfirst/_data/<name>` (see pyproject.toml); in a source checkout
they sit beside `server/`.
"""

from __future__ import annotations

from pathlib import Path


def package_data_dir(name: str) -> Path:
    # The package's own folder, as `importlib.resources.files("ragfirst")` gives it for an
    # install on disk (importing importlib.resources costs a run ~5 ms: tempfile, shutil).
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def builtin_rules_dir() -> Path:
    return package_data_dir("rules")
