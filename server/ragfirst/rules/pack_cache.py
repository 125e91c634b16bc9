"""Rule packs as parsed YAML, kept between runs in the cache directory as plain JSON.

Parsing the built-in packs' 200 KB of YAML with positions costs a run ~0.035 s CPU, as
much as the rest of building its rules; decoding the same data as JSON costs ~0.002 s.
An entry is keyed by a digest of the pack's text (with ragfirst's version and this
format), so any edit to a pack is a miss. Of the ~15,000 positions a pack's YAML has, an
entry keeps those building its rules asked for (their lines; the rest only ever serve
error messages, and a pack with an error is not kept): built from the entry, a question
about any other position is a miss too. The file is data only: read with a byte cap,
decoded with `json`, every position checked for its shape; anything unexpected in it (a
truncated write, another version, a hand-edited file) is a miss, never an error, and
nothing in it can make ragfirst run code. The loader (rules/loader.py) also compiles a
pack again from its YAML when its cached data does not compile.

The built-in packs and tables also ship parsed, in the same format, beside their YAML
(`BUNDLE_NAME`, written by `make rules-bundle`: rules/pack_bundle.py). A run without a
cache directory (`--no-cache`, CI, the server's first start) looked them up nowhere and
parsed 270 KB of YAML before its first file (0.065 s with PyYAML's import, against
0.009 s from JSON); the bundle is read first, whatever cache the run has. An edited pack
that was not bundled again is a miss there, as it is in a cache directory
(tests/test_pack_bundle.py fails until the bundle is written again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ragfirst import __version__
from ragfirst.positioned_yaml import PositionedYaml
from ragfirst.safe_read import ReadRefused, read_capped

FORMAT = 1
FILE_NAME = (
    f"rule-packs-{FORMAT}.cache"  # JSON, named so that no run lints it (a cache folder inside the project)
)
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 32  # packs kept from earlier runs besides this run's (other teams' packs)

BUNDLE_NAME = "parsed-packs.cache"  # in rules/, beside the YAML it was parsed from

_Positions = dict[tuple[str | int, ...], tuple[int, int]]
_active: PackCache | None = None
_bundle: list[PackCache | None] = []  # the shipped bundle, once looked for


def active() -> PackCache | None:
    """The cache of the run under way (`cached_in`), if any."""
    return _active


def bundled() -> PackCache | None:
    """The built-in packs and tables as shipped parsed (None when the file is missing):
    read once per process, never written."""
    if not _bundle:
        from ragfirst.resources import builtin_rules_dir

        path = builtin_rules_dir() / BUNDLE_NAME
        _bundle.append(PackCache.in_file(path) if path.is_file() else None)
    return _bundle[0]


def pack_sources(builtin: bool) -> list[PackCache]:
    """Where a pack's parsed data is looked up, in order: the bundle (built-in packs
    only), then the run's cache."""
    found = [bundled() if builtin else None, _active]
    return [source for source in found if source is not None]


@contextmanager
def cached_in(directory: Path | None) -> Iterator[None]:
    """Packs and tables parsed while this is active are looked up in, and added to, the
    cache file of `directory` (None: no cache); written once, at the end."""
    global _active
    previous, _active = _active, PackCache(directory) if directory is not None else None
    try:
        yield
        if _active is not None:
            _active.save()
    finally:
        _active = previous


def table_data(text: str) -> Any:
    """A data table's YAML data (data/tables.py) from the bundle or the active cache, or
    None."""
    for source in pack_sources(builtin=True):
        data = source.table(text)
        if data is not None:
            return data
    return None


def keep_table(text: str, data: Any) -> None:
    if _active is not None:
        _active.keep_table(text, data)


def text_key(text: str) -> str:
    """The entry of a pack's text (with the version and format it was parsed by)."""
    digest = hashlib.blake2b(f"{__version__}\0{FORMAT}\0".encode(), digest_size=20)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class PackCache:
    """The parsed packs of the cache directory: `get` before parsing; `watch` a pack parsed
    from YAML while its rules are built, then `put` it; `save` once the run's rules are
    built (only when something changed)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME
        self._entries: dict[str, Any] | None = None
        self._tables: dict[str, Any] | None = None
        self._used: set[str] = set()
        self._changed = False

    @classmethod
    def in_file(cls, path: Path) -> PackCache:
        """The entries of a file of this format under any name (the shipped bundle)."""
        cache = cls(path.parent)
        cache.path = path
        return cache

    def get(self, text: str) -> PositionedYaml | None:
        key = text_key(text)
        doc = _decoded(self._read().get(key))
        if doc is not None:
            self._used.add(key)
        return doc

    def put(self, text: str, watched: PositionedYaml) -> None:
        """Keep a pack `watch` gave, once its rules are built, if JSON gives its data back
        exactly (YAML can also hold dates, sets, bytes and non-string keys: such a pack is
        parsed every run) and building the rules did not change it."""
        values, keys = watched.values, watched.keys
        if not isinstance(values, _Recorder) or not isinstance(keys, _Recorder):
            return
        try:
            data = json.loads(values.data_text)
        except ValueError:
            return  # not JSON data
        if data != watched.data:
            return
        entry = [data, values.rows(), keys.rows()]
        if _decoded(json.loads(json.dumps(entry))) is None:
            return
        key = text_key(text)
        self._read()[key] = entry
        self._used.add(key)
        self._changed = True

    def discard(self, text: str) -> None:
        """Cached data that did not build the rules its YAML built: never offered again."""
        key = text_key(text)
        if self._read().pop(key, None) is not None:
            self._used.discard(key)
            self._changed = True

    def table(self, text: str) -> Any:
        """A data table's data (YAML dates included), or None."""
        key = text_key(text)
        stored = self._read_tables().get(key)
        data = _table_value(stored) if isinstance(stored, str) else None
        if data is not None:
            self._used.add(key)
        return data

    def keep_table(self, text: str, data: Any) -> None:
        """Keep a table's data when the JSON form with dates gives it back exactly."""
        try:
            stored = json.dumps(data, default=_tagged_date, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return
        if _table_value(stored) != data:
            return  # e.g. integer keys, or a mapping that looks like a tagged date
        key = text_key(text)
        self._read_tables()[key] = stored
        self._used.add(key)
        self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        payload = {
            "format": FORMAT,
            "version": __version__,
            "packs": _kept(self._read(), self._used),
            "tables": _kept(self._read_tables(), self._used),
        }
        from ragfirst.atomic_write import LinkRefused, write_atomic

        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _private(self.path)
            write_atomic(self.path, json.dumps(payload, separators=(",", ":")))
        except (OSError, LinkRefused):
            pass  # a cache that cannot be written is a cache that misses next time
        self._changed = False

    def _read(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries, self._tables = _entries_in(self.path)
        return self._entries

    def _read_tables(self) -> dict[str, Any]:
        self._read()
        assert self._tables is not None
        return self._tables


def _kept(entries: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """This run's entries, and the last MAX_ENTRIES of the others (other teams' packs)."""
    kept = {key: entries[key] for key in entries if key in used}
    for key in list(entries)[-MAX_ENTRIES:]:
        kept.setdefault(key, entries[key])
    return kept


_DATE_TAG = "\0date"
_DATETIME_TAG = "\0datetime"


def _tagged_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATETIME_TAG: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE_TAG: value.isoformat()}
    raise TypeError(type(value).__name__)


def _untagged(found: dict[str, Any]) -> Any:
    if len(found) == 1:
        if isinstance(found.get(_DATE_TAG), str):
            return dt.date.fromisoformat(found[_DATE_TAG])
        if isinstance(found.get(_DATETIME_TAG), str):
            return dt.datetime.fromisoformat(found[_DATETIME_TAG])
    return found


def _table_value(stored: str) -> Any:
    try:
        return json.loads(stored, object_hook=_untagged)
    except (ValueError, RecursionError):
        return None


def _private(path: Path) -> None:
    """Make `path` a 0600 file before `write_atomic` replaces it (which keeps the mode it
    finds), as the analysis cache's files are. A link, a FIFO or anything that will not
    open is left to `write_atomic` to refuse."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return
    try:
        if hasattr(os, "fchmod") and stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def watch(doc: PositionedYaml) -> PositionedYaml:
    """`doc` noting which positions are asked for (`put` keeps those), with its data as
    JSON before anything reads it (None when JSON cannot hold it)."""
    try:
        data_text: str | None = json.dumps(doc.data, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        data_text = None
    return PositionedYaml(doc.data, _Recorder(doc.values, data_text), _Recorder(doc.keys, data_text))


class _Recorder(dict[tuple[str | int, ...], tuple[int, int]]):
    """Positions that remember every path asked about, found or not."""

    def __init__(self, positions: _Positions, data_text: str | None) -> None:
        super().__init__(positions)
        self.asked: set[tuple[str | int, ...]] = set()
        self.data_text = data_text or ""

    def __contains__(self, path: object) -> bool:
        self.asked.add(path)  # type: ignore[arg-type]
        return super().__contains__(path)

    def __getitem__(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        self.asked.add(path)
        return super().__getitem__(path)

    def get(self, path: tuple[str | int, ...], default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(path)
        return super().get(path, default)

    def rows(self) -> list[list[Any]]:
        """[path, line, column] of each path asked about; [path] for one not there."""
        found = dict(self)
        return [
            [list(path), *found[path]] if path in found else [list(path)]
            for path in sorted(self.asked, key=repr)
        ]


class _Unrecorded(Exception):
    """Built from a cache entry, the rules asked for a position the entry does not hold."""


class _Replay(dict[tuple[str | int, ...], tuple[int, int]]):
    """The positions an entry holds; a question about any other path is `_Unrecorded`."""

    def __init__(self, positions: _Positions, asked: set[tuple[str | int, ...]]) -> None:
        super().__init__(positions)
        self._asked = asked

    def __contains__(self, path: object) -> bool:
        if path not in self._asked:
            raise _Unrecorded(path)
        return super().__contains__(path)

    def __getitem__(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        if path not in self._asked:
            raise _Unrecorded(path)
        return super().__getitem__(path)

    def get(self, path: tuple[str | int, ...], default: Any = None) -> Any:  # type: ignore[override]
        if path not in self._asked:
            raise _Unrecorded(path)
        return super().get(path, default)


def _entries_in(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The file's packs and tables ({} and {} for anything unexpected)."""
    try:
        data = json.loads(read_capped(path, MAX_FILE_BYTES, path.parent))
    except (OSError, ReadRefused, ValueError, RecursionError):
        return {}, {}
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("version") != __version__
        or not isinstance(data.get("packs"), dict)
        or not isinstance(data.get("tables"), dict)
    ):
        return {}, {}
    return data["packs"], data["tables"]


def _decoded(entry: Any) -> PositionedYaml | None:
    if not isinstance(entry, list) or len(entry) != 3:
        return None
    data, values, keys = entry
    found_values, found_keys = _replay(values), _replay(keys)
    if found_values is None or found_keys is None:
        return None
    return PositionedYaml(data, found_values, found_keys)


def _replay(rows: Any) -> _Replay | None:
    """The positions of `rows`, or None unless each row is a path (a list of strings and
    integers) with a line and column (integers) or alone."""
    if not isinstance(rows, list):
        return None
    asked: set[tuple[str | int, ...]] = set()
    found: _Positions = {}
    for row in rows:
        if not isinstance(row, list) or len(row) not in (1, 3) or not isinstance(row[0], list):
            return None
        if not all(type(part) in (str, int) for part in row[0]):
            return None
        path = tuple(row[0])
        asked.add(path)
        if len(row) == 3:
            if type(row[1]) is not int or type(row[2]) is not int:
                return None
            found[path] = (row[1], row[2])
    return _Replay(found, asked)
