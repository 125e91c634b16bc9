"""A content-hash cache of per-file analyses, shared safely by concurrent runs.

Key: the file's bytes (SHA-256), its display path and size cap; namespace: ragfirst's
version plus a hash of every rule pack and data table in use. Storage: one SQLite file
(WAL mode, so parallel runs do not corrupt it) in the user cache directory, or wherever
`--cache-dir` / RAGFIRST_CACHE_DIR points. A damaged cache is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import platformdirs

from ragfirst import __version__
from ragfirst.engine.engine import FileAnalysis
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.resources import builtin_rules_dir

SCHEMA = "v2"  # v2: local calls and module exports (JS/TS project imports)
PRUNE_AFTER_SECONDS = 30 * 24 * 3600


def default_cache_dir() -> Path:
    override = os.environ.get("RAGFIRST_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("ragfirst"))


def rules_fingerprint(extra_rules: Iterable[Path] = ()) -> str:
    """Changes whenever a rule, a table or ragfirst itself changes."""
    digest = hashlib.sha256(f"{__version__}\0{SCHEMA}".encode())
    files = sorted(p for p in builtin_rules_dir().rglob("*.y*ml") if p.is_file())
    for path in [*files, *sorted(Path(p) for p in extra_rules)]:
        try:
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(b"missing:" + str(path).encode())
    return digest.hexdigest()[:24]


def content_key(data: bytes, display: str, max_bytes: int) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{display}\0{max_bytes}".encode())
    return digest.hexdigest()


class AnalysisCache:
    def __init__(self, directory: Path, namespace: str) -> None:
        self.namespace = namespace
        self.path = directory / f"analysis-{SCHEMA}.sqlite3"
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._open()
        except (OSError, sqlite3.DatabaseError):
            self._reset()

    def _open(self) -> None:
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS analysis (namespace TEXT, key TEXT, value TEXT, used REAL,"
            " PRIMARY KEY (namespace, key))"
        )
        self._db.execute("SELECT count(*) FROM analysis LIMIT 1").fetchone()

    def _reset(self) -> None:
        """A corrupt or unreadable cache is dropped; if it cannot be rebuilt, run without one."""
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()
        try:
            self._open()
        except (OSError, sqlite3.DatabaseError):
            self._db = None

    def get_many(self, keys: list[str]) -> dict[str, FileAnalysis]:
        if self._db is None or not keys:
            return {}
        found: dict[str, FileAnalysis] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value FROM analysis WHERE namespace = ? AND key IN ({marks})",
                    [self.namespace, *chunk],
                ).fetchall()
                for key, value in rows:
                    try:
                        found[key] = load_analysis(json.loads(value))
                    except (ValueError, KeyError, TypeError):
                        continue  # a damaged entry is a miss
            if found:  # keep what is used from being pruned
                with self._db:
                    for start in range(0, len(found), 500):
                        chunk = list(found)[start : start + 500]
                        marks = ",".join("?" * len(chunk))
                        self._db.execute(
                            f"UPDATE analysis SET used = ? WHERE namespace = ? AND key IN ({marks})",
                            [time.time(), self.namespace, *chunk],
                        )
        except sqlite3.DatabaseError:
            self._reset()
            return {}
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: list[tuple[str, FileAnalysis]]) -> None:
        if self._db is None or not items:
            return
        now = time.time()
        rows: list[tuple[Any, ...]] = [
            (self.namespace, key, json.dumps(dump_analysis(analysis), separators=(",", ":")), now)
            for key, analysis in items
        ]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO analysis VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError:
            self._reset()

    def close(self) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("DELETE FROM analysis WHERE used < ?", (time.time() - PRUNE_AFTER_SECONDS,))
        except sqlite3.DatabaseError:
            pass
        self._db.close()
        self._db = None
