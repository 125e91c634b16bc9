"""reporters/paths.py `Places.rewrite`: a project's places in a message or data value are
written as the working directory shows them, and a text with none is returned as it is
(without the regular expression: most data values of a run below the project root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragfirst.reporters.paths import Places

IDS = ["app/ingest.py", "app/search.py", "notes.md"]


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Places:
    (tmp_path / "proj").mkdir()
    monkeypatch.chdir(tmp_path)
    return Places(str((tmp_path / "proj").resolve()), Path("proj"), IDS, relative=True)


@pytest.mark.parametrize(
    ("text", "own", "expected"),
    [
        ("indexed in app/ingest.py:14", "app/search.py", "indexed in proj/app/ingest.py:14"),
        ("app/ingest.py:14, app/search.py:3.", "x.py", "proj/app/ingest.py:14, proj/app/search.py:3."),
        ("this file is app/search.py", "app/search.py", "this file is proj/app/search.py"),
        ("see app/search.py: it splits", "app/search.py", "see proj/app/search.py: it splits"),
        ("notes.md:2 and notes.md", "x.py", "proj/notes.md:2 and notes.md"),
        ("app/ingest.py without a line", "app/search.py", "app/ingest.py without a line"),
        ("https://example.com/app/ingest.py", "app/search.py", "https://example.com/app/ingest.py"),
        ("ratio 1:2 of unknown.py:3", "app/search.py", "ratio 1:2 of unknown.py:3"),
        ("a bare search.py", "search.py", "a bare search.py"),
        ("openai.chat.completions.create", "app/search.py", "openai.chat.completions.create"),
        ("", "app/search.py", ""),
    ],
)
def test_places_are_rewritten_and_other_texts_kept(places: Places, text: str, own: str, expected: str):
    assert not places.same
    assert places.rewrite(text, own) == expected


def test_a_text_without_places_is_the_same_object(places: Places):
    text = "max_tokens (uncapped): 4096 is the default"
    assert places.rewrite(text, "app/search.py") is text
