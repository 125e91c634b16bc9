"""The age of the data tables under rules/: every fact row carries `source` and `as_of`,
and a table is as fresh as its newest `as_of`.

`ragfirst rules --data` lists each table with its newest date; `ragfirst check` prints one
line to stderr when a table is older than STALE_AFTER_DAYS (documented in
docs/rules/index.md and the README): provider facts move, so an old table suggests an
upgrade. It is never a finding and never changes the exit code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ragfirst.data.tables import load_table

STALE_AFTER_DAYS = 90

# table file -> where its fact rows are (a top-level key holding a list or a mapping of
# rows, or "." for a table whose top-level sections are each one fact).
_ROWS: dict[str, tuple[str, ...]] = {
    "pricing.yaml": ("providers", "training", "size_rates", "hardware"),
    "lifecycle.yaml": ("entries",),
    "retiring-models.yaml": ("models",),
    "embedding-models.yaml": ("models",),
    "secret-formats.yaml": ("formats",),
    "output-caps.yaml": (".",),
}
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class FactRow:
    table: str
    label: str  # the row's id / model / key, for messages
    source: str | None
    as_of: str | None

    @property
    def date(self) -> dt.date | None:
        return parse_as_of(self.as_of)


@dataclass(frozen=True, slots=True)
class TableAge:
    table: str
    rows: int
    newest: dt.date | None
    undated: tuple[str, ...]  # labels of rows without source or as_of

    def stale(self, today: dt.date, days: int = STALE_AFTER_DAYS) -> bool:
        return self.newest is not None and (today - self.newest).days > days


def parse_as_of(value: Any) -> dt.date | None:
    """`2026-12-06` or `2026-08` (a month: its first day); None when absent or malformed."""
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    found = _DATE.match(str(value).strip())
    if not found:
        return None
    year, month, day = found.group(1), found.group(2), found.group(3) or "01"
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def fact_rows(table: str, data: dict[str, Any] | None = None) -> Iterator[FactRow]:
    data = load_table(table) if data is None else data
    for key in _ROWS[table]:
        if key == ".":
            sections = {k: v for k, v in data.items() if isinstance(v, dict)}
        else:
            sections = data.get(key) or {}
        items = sections.items() if isinstance(sections, dict) else enumerate(sections)
        for name, row in items:
            if not isinstance(row, dict):
                continue
            label = str(row.get("id") or row.get("model") or row.get("hardware") or name)
            if key not in (".",) and isinstance(sections, dict):
                label = f"{key}.{name}"
            source = row.get("source") or next(
                (value for name_, value in row.items() if str(name_).endswith("_source") and value), None
            )
            yield FactRow(table, label, source, None if row.get("as_of") is None else str(row["as_of"]))


def table_ages() -> list[TableAge]:
    ages = []
    for table in _ROWS:
        rows = list(fact_rows(table))
        dates = [row.date for row in rows if row.date is not None]
        undated = tuple(row.label for row in rows if not row.source or row.date is None)
        ages.append(TableAge(table, len(rows), max(dates) if dates else None, undated))
    return ages


def staleness_notice(today: dt.date, days: int = STALE_AFTER_DAYS) -> str | None:
    """One line for stderr when some table is older than `days`, else None."""
    try:
        old = [age for age in table_ages() if age.stale(today, days)]
    except Exception:  # a broken table is reported by the run itself; never fail here
        return None
    if not old:
        return None
    oldest = min(old, key=lambda age: age.newest or today)
    names = ", ".join(age.table for age in old)
    assert oldest.newest is not None
    return (
        f"ragfirst: note: data tables last checked {oldest.newest.isoformat()} ({names}; older than"
        f" {days} days): prices, dates and model facts may have moved; upgrade ragfirst"
        " (`ragfirst rules --data` lists the tables)"
    )
