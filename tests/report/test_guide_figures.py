"""The guide's SVG pictures: committed as drawn, well-formed, accessible, linked from the guide."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ragfirst.report.guide_figures import FIGURES, decision_flowchart, payback_curve

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_committed_figure_is_what_the_code_draws(name):
    assert (GUIDE / name).read_text(encoding="utf-8") == FIGURES[name](), (
        f"docs/guide/{name} is stale: run `python -m ragfirst.report.guide_figures docs/guide`"
    )


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_well_formed_and_has_a_text_alternative(name):
    root = ET.fromstring((GUIDE / name).read_text(encoding="utf-8"))
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text
    assert len(root.find(f"{SVG_NS}desc").text) > 80
    assert "prefers-color-scheme: dark" in root.find(f"{SVG_NS}style").text


def test_flowchart_states_the_guides_thresholds():
    drawn = decision_flowchart()
    for number in ("10,000+", "1,000 is the floor", "$5,000-$50,000", "$10,000/month", "$50,000+", "~90%"):
        assert number in drawn


def test_payback_curve_places_the_guides_teams():
    drawn = payback_curve()
    assert "Team A: $4k/month, 26 months" in drawn and "Team B: $30k/month, 3 months" in drawn


def test_guide_pages_show_the_figures():
    assert "](decision-flowchart.svg)" in (GUIDE / "index.md").read_text(encoding="utf-8")
    assert "](decision-flowchart.svg)" in (GUIDE / "when-to-fine-tune.md").read_text(encoding="utf-8")
    assert "](payback.svg)" in (GUIDE / "before-training.md").read_text(encoding="utf-8")
