"""Facts that stay true: every row of every data table under rules/ names its source and
the date it was read (`as_of`); `ragfirst rules --data` shows each table's newest date; a
table older than 90 days makes `ragfirst check` print one line to stderr (never a finding,
never a different exit code)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from ragfirst.cli.main import main
from ragfirst.data.table_age import STALE_AFTER_DAYS, fact_rows, parse_as_of, staleness_notice, table_ages

TABLES = [
    "pricing.yaml",
    "lifecycle.yaml",
    "retiring-models.yaml",
    "embedding-models.yaml",
    "secret-formats.yaml",
    "output-caps.yaml",
]


@pytest.mark.parametrize("table", TABLES)
def test_every_row_has_source_and_as_of(table):
    rows = list(fact_rows(table))
    assert rows, f"{table} has no fact rows"
    missing = [row.label for row in rows if not row.source or row.date is None]
    assert missing == [], f"{table}: rows without source or a valid as_of: {missing}"


def test_a_row_without_as_of_or_source_is_caught():
    """The check above can fail: a table with an undated and an unsourced row."""
    data = {
        "version": 1,
        "models": [
            {"id": "dated", "source": "https://example.com", "as_of": "2026-12-06"},
            {"id": "undated", "source": "https://example.com"},
            {"id": "unsourced", "as_of": "2026-12-06"},
            {"id": "bad-date", "source": "x", "as_of": "last week"},
        ],
    }
    rows = list(fact_rows("retiring-models.yaml", data))
    assert [r.label for r in rows if not r.source or r.date is None] == ["undated", "unsourced", "bad-date"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-12-06", dt.date(2026, 12, 6)),
        ("2026-08", dt.date(2026, 8, 1)),
        ("2026-13-01", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_as_of(text, date):
    assert parse_as_of(text) == date


def test_tables_know_their_newest_date():
    ages = {age.table: age for age in table_ages()}
    assert set(ages) == set(TABLES)
    assert all(age.newest is not None and not age.undated for age in ages.values())


def test_staleness_threshold_is_ninety_days():
    newest = min(age.newest for age in table_ages())
    assert STALE_AFTER_DAYS == 90
    assert staleness_notice(newest + dt.timedelta(days=90)) is None
    notice = staleness_notice(newest + dt.timedelta(days=91))
    assert notice is not None and notice.startswith("ragfirst: note: data tables last checked")
    assert "\n" not in notice and "upgrade ragfirst" in notice


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """\
            from openai import OpenAI

            OpenAI().chat.completions.create(model="gpt-4.1-mini", messages=[])
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def _check(capsys, monkeypatch, today: str) -> tuple[int, str, str]:
    monkeypatch.setenv("RAGFIRST_TODAY", today)
    code = main(["check", ".", "--select", "RF401"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_prints_one_line_for_old_tables_and_keeps_its_result(project, capsys, monkeypatch):
    fresh = _check(capsys, monkeypatch, "2026-12-06")
    old = _check(capsys, monkeypatch, "2027-06-01")
    assert fresh[0] == old[0] == 1  # the same finding, the same exit code
    assert fresh[1] == old[1]  # stdout (the findings) unchanged
    assert fresh[2] == ""
    assert len(old[2].splitlines()) == 1 and "older than 90 days" in old[2]


def test_rules_data_lists_every_table(project, capsys, monkeypatch):
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-06")
    assert main(["rules", "--data"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == [f"rules/{table}" for table in TABLES]
    assert all("newest as_of 2026-12-06" in line for line in out)
    assert main(["rules", "--data", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["table"] for row in rows} == {f"rules/{t}" for t in TABLES}
    assert all(row["stale"] is False and row["undated_rows"] == [] for row in rows)
