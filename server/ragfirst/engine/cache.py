"""A content-hash cache of per-file analyses, shared safely by concurrent runs.

Key: the file's bytes (SHA-256), its display path and size cap; namespace: ragfirst's
version plus a hash of every rule pack and data table in use. Storage: one SQLite file
(WAL mode, so parallel runs do not corrupt it) in the user cache directory, or wherever
`--cache-dir` / RAGFIRST_CACHE_DIR points. A damaged cache is deleted and rebuilt.

A second table remembers each file's `stat` signature (size, mtime, ctime, inode, device)
with the content key its bytes had, so a warm run does not read or hash files that have
not changed. As git does for its index, a signature is trusted only if the file had not
been modified for RACY_SECONDS before it was taken: a write within the file system's
timestamp granularity cannot hide behind an unchanged mtime.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragfirst import __version__
from ragfirst.resources import builtin_rules_dir
from ragfirst.safe_read import ReadRefused, read_capped

if TYPE_CHECKING:  # imported where used: a warm run answered by its manifest needs neither
    from ragfirst.engine.engine import FileAnalysis

SCHEMA = (
    # v2: local calls and module exports (JS/TS); v3: Python module summaries; v4: notebook
    # line maps; v5: the imports whose constants a rule may read (constant_imports); v6:
    # notebooks' project imports (the edges of their boundaries); v7: a file that reaches
    # an SDK only through the project's modules is left to the link (`deferred_imports`);
    # v8: notebooks' used imports (linked), star imports and a module's `__all__`; v9: the
    # imports whose constants a client reaching the file makes it read (client_imports),
    # and the link's text probe (`spells_needle`); v10: more files are left to the link (a
    # pattern whose package is followed by a wildcard: `chromadb.*().get_collection`), and
    # a file cached as skipped before would hide its retrieval site until edited
    "v10"
)
PRUNE_AFTER_SECONDS = 30 * 24 * 3600
TOUCH_AFTER_SECONDS = 24 * 3600  # an entry's last use is recorded at most once a day
RACY_SECONDS = 2  # coarsest common mtime granularity (FAT); ext4/APFS/NTFS are finer

StatSignature = tuple[int, int, int, int, int]
"""(st_size, st_mtime_ns, st_ctime_ns, st_ino, st_dev) of a file."""


_SQLITE_INT = (1 << 63) - 1


def stat_signature(path: str | os.PathLike[str]) -> StatSignature:
    """Inode and device folded to 63 bits: SQLite integers are signed 64-bit, and some file
    systems (ReFS, some network and FUSE mounts) report larger file ids."""
    return signature_of(os.stat(path))


def signature_of(info: os.stat_result) -> StatSignature:
    """`stat_signature` of a stat result already taken (an `lstat`'s, too)."""
    return (
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino & _SQLITE_INT,
        info.st_dev & _SQLITE_INT,
    )


def default_cache_dir() -> Path:
    override = os.environ.get("RAGFIRST_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("ragfirst"))


def rules_fingerprint(extra_rules: Iterable[Path] = ()) -> str:
    """Changes whenever a rule, a table or ragfirst itself changes. A team's pack may be a
    directory (its *.yaml files, as the loader reads them). Files are read as the loader
    reads them (regular files only, capped), so a FIFO named as a pack cannot block."""
    from ragfirst.rules.loader import MAX_RULE_FILE_BYTES

    digest = hashlib.sha256(f"{__version__}\0{SCHEMA}".encode())
    files = sorted(p for p in builtin_rules_dir().rglob("*.y*ml") if p.is_file())
    for extra in sorted(Path(p) for p in extra_rules):
        files.extend(sorted(extra.glob("*.y*ml")) if extra.is_dir() else [extra])
    for path in files:
        try:
            digest.update(str(path.name).encode() + b"\0" + read_capped(path, MAX_RULE_FILE_BYTES, Path("/")))
        except (OSError, ReadRefused):
            digest.update(b"unreadable:" + str(path).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def content_key(data: bytes, display: str, max_bytes: int) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{display}\0{max_bytes}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class AnalysisCache:
    def __init__(self, directory: Path, namespace: str) -> None:
        self.namespace = namespace
        self.path = directory / f"analysis-{SCHEMA}.sqlite3"
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        try:
            # The cache holds what code says (redacted, but still the user's code): its
            # folder is 0700 when ragfirst creates it, its files 0600 (WAL and SHM files
            # take the database's mode).
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._open()
        except (OSError, sqlite3.DatabaseError):
            self._reset()

    def _create_private(self) -> None:
        """Create (or tighten) the database file 0600, never through a symlink: a cache
        folder inside a repository may hold a planted link to a file elsewhere."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            info = os.fstat(fd)
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                companion = Path(str(self.path) + suffix)
                if companion.is_symlink():
                    companion.unlink()  # SQLite would follow it
                elif companion.stat().st_mode & 0o077:
                    companion.chmod(0o600)

    def _open(self) -> None:
        self._create_private()
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A cache may lose its last writes on a power cut (they are recomputed), never its
        # integrity: WAL with NORMAL sync, no fsync per commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS analysis (namespace TEXT, key TEXT, value TEXT, used REAL,"
            " PRIMARY KEY (namespace, key))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS stat (namespace TEXT, id TEXT, size INTEGER, mtime INTEGER,"
            " ctime INTEGER, inode INTEGER, device INTEGER, checked INTEGER, key TEXT, empty INTEGER,"
            " PRIMARY KEY (namespace, id))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS runs (namespace TEXT, scope TEXT, value TEXT, used REAL,"
            " PRIMARY KEY (namespace, scope))"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self._db.execute("SELECT count(*) FROM analysis LIMIT 1").fetchone()
        self._db.execute("SELECT count(*) FROM stat LIMIT 1").fetchone()

    def _reset(self) -> None:
        """A corrupt or unreadable cache is dropped; if it cannot be rebuilt, run without one."""
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()  # a planted link goes, not its target
        try:
            self._open()
        except (OSError, sqlite3.DatabaseError):
            self._db = None

    def get_many(self, keys: list[str]) -> dict[str, FileAnalysis]:
        if self._db is None or not keys:
            return {}
        from ragfirst.engine.compact import compact
        from ragfirst.engine.serialize import load_analysis

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
                        found[key] = compact(load_analysis(json.loads(value)))
                    except (ValueError, KeyError, TypeError):
                        continue  # a damaged entry is a miss
            if found:  # keep what is used from being pruned (a write only once a day)
                now = time.time()
                with self._db:
                    for start in range(0, len(found), 500):
                        chunk = list(found)[start : start + 500]
                        marks = ",".join("?" * len(chunk))
                        self._db.execute(
                            f"UPDATE analysis SET used = ? WHERE namespace = ? AND used < ?"
                            f" AND key IN ({marks})",
                            [now, self.namespace, now - TOUCH_AFTER_SECONDS, *chunk],
                        )
        except sqlite3.DatabaseError:
            self._reset()
            return {}
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def keys_by_stat(self, signatures: dict[str, StatSignature]) -> dict[str, tuple[str, int | None]]:
        """The content keys of files (by id) whose signature is the one recorded when their
        bytes were hashed, and was already settled then (see RACY_SECONDS); with each, the
        `empty` mark recorded with it (see `record_stats`)."""
        if self._db is None or not signatures:
            return {}
        found: dict[str, tuple[str, int | None]] = {}
        ids = list(signatures)
        racy_ns = RACY_SECONDS * 1_000_000_000
        try:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT id, size, mtime, ctime, inode, device, checked, key, empty FROM stat"
                    f" WHERE namespace = ? AND id IN ({marks})",
                    [self.namespace, *chunk],
                ).fetchall()
                for file_id, size, mtime, ctime, inode, device, checked, key, empty in rows:
                    if signatures.get(file_id) != (size, mtime, ctime, inode, device):
                        continue
                    if max(mtime, ctime) >= checked - racy_ns:
                        continue  # changed just before it was hashed: maybe again since
                    found[file_id] = (key, empty)
        except sqlite3.DatabaseError:
            self._reset()
            return {}
        return found

    def record_stats(self, rows: list[tuple[str, StatSignature, int, str, int | None]]) -> None:
        """Remember (id, signature, when it was taken in ns, content key, empty mark) of files
        just read. The mark is 0 or 1 when the file's analysis is empty (nothing matched,
        no facts, no suppressions; 1 if it was parsed): a warm run rebuilds such an analysis
        without fetching it. None: fetch it."""
        if self._db is None or not rows:
            return
        values = [(self.namespace, file_id, *signature, *rest) for file_id, signature, *rest in rows]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO stat VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values
                )
        except sqlite3.DatabaseError:
            self._reset()

    def get_run(self, scope: str) -> str | None:
        """The last run's snapshot (run_snapshot) for this working directory and paths."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT value FROM runs WHERE namespace = ? AND scope = ?", (self.namespace, scope)
            ).fetchone()
        except sqlite3.DatabaseError:
            self._reset()
            return None
        return str(row[0]) if row else None

    def put_run(self, scope: str, value: str) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                    (self.namespace, scope, value, time.time()),
                )
        except sqlite3.DatabaseError:
            self._reset()

    def put_many(self, items: list[tuple[str, FileAnalysis]]) -> None:
        if self._db is None or not items:
            return
        from ragfirst.engine.serialize import dump_analysis

        now = time.time()
        # A generator: each row's JSON is made as SQLite takes it, never all at once (filling
        # an empty cache for a large tree held every analysis twice, as objects and as text).
        rows: Iterator[tuple[Any, ...]] = (
            (self.namespace, key, json.dumps(dump_analysis(analysis), separators=(",", ":")), now)
            for key, analysis in items
        )
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO analysis VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError:
            self._reset()

    def close(self) -> None:
        if self._db is None:
            return
        try:
            now = time.time()
            row = self._db.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
            if row is None or float(row[0]) < now - TOUCH_AFTER_SECONDS:  # a scan, once a day
                with self._db:
                    cutoff = now - PRUNE_AFTER_SECONDS
                    self._db.execute("DELETE FROM analysis WHERE used < ?", (cutoff,))
                    self._db.execute("DELETE FROM runs WHERE used < ?", (cutoff,))
                    self._db.execute("DELETE FROM stat WHERE checked < ?", (int(cutoff * 1_000_000_000),))
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (str(now),))
        except (sqlite3.DatabaseError, ValueError):
            pass
        self._db.close()
        self._db = None
