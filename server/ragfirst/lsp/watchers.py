"""Every kind of file the engine reads, from the analyzer registry: the server's file
watchers, and (through scripts/gen_editor_configs.py) the editors' document selectors and
watchers. One source, so no client misses a kind (JSONL, SQL, `.env`, notebooks...)."""

from __future__ import annotations

from ragfirst.analyzers.registry import LANGUAGES
from ragfirst.config.settings import CONFIG_FILES


def file_globs() -> list[str]:
    """Glob patterns (`**/*.py`, `**/.env`, `**/requirements*.txt`) for every file name
    an analyzer reads, plus the config files; sorted, no duplicates."""
    patterns: set[str] = {f"**/{name}" for name in CONFIG_FILES}
    for spec in LANGUAGES:
        patterns.update(f"**/*{suffix}" for suffix in spec.suffixes)
        patterns.update(f"**/{name}" for name in spec.filenames)
    return sorted(patterns)


def suffixes() -> list[str]:
    """File suffixes the engine reads (`.py`, `.jsonl`...), without the dot; sorted."""
    return sorted({suffix.lstrip(".") for spec in LANGUAGES for suffix in spec.suffixes})


def filenames() -> list[str]:
    """File names (or name patterns) the engine reads whatever their suffix."""
    return sorted({name for spec in LANGUAGES for name in spec.filenames})
