"""The rule reference is generated from the YAML and every link resolves.

The generator is the single source of truth: a page that differs from what it would
write now, a rule without a page, or a page without a rule fails here (`make docs`).
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from ragfirst.config.settings import Settings
from ragfirst.docs_gen import expected_pages
from ragfirst.engine.engine import Engine
from ragfirst.markdown_anchors import anchors
from ragfirst.rules.loader import load_ruleset

REPO = Path(__file__).resolve().parents[1]
RULES_DIR = REPO / "docs" / "rules"
RULESET = load_ruleset()
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_every_rule_page_is_current():
    expected = expected_pages(RULESET)
    for name, text in expected.items():
        page = RULES_DIR / name
        assert page.exists(), f"docs/rules/{name} is missing: run `make docs`"
        assert page.read_text(encoding="utf-8") == text, f"docs/rules/{name} is out of date: run `make docs`"


def test_no_page_without_a_rule():
    expected = set(expected_pages(RULESET))
    present = {p.name for p in RULES_DIR.glob("*.md")}
    assert present <= expected, f"pages for rules that no longer exist: {sorted(present - expected)}"


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_guide_anchor_exists(rule):
    page, _, anchor = rule.guide.partition("#")
    path = REPO / "docs" / page
    assert path.is_file(), f"{rule.id} links to missing page {page}"
    if anchor:
        assert anchor in anchors(path.read_text(encoding="utf-8")), f"{rule.id}: no #{anchor} in {page}"


@pytest.mark.parametrize(
    "page", sorted((REPO / "docs").rglob("*.md")), ids=lambda p: str(p.relative_to(REPO))
)
def test_relative_links_resolve(page):
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue
        path_part, _, anchor = target.partition("#")
        destination = (page.parent / urllib.parse.unquote(path_part)).resolve() if path_part else page
        assert destination.exists(), f"{page.name}: broken link {target}"
        if anchor and destination.suffix == ".md":
            assert anchor in anchors(destination.read_text(encoding="utf-8")), (
                f"{page.name}: no #{anchor} in {target}"
            )


def test_diagnostic_links_point_into_shipped_docs():
    engine = Engine(RULESET)
    for rule in RULESET.rules:
        url = urllib.parse.urlparse(engine.guide_url(rule, Settings()))
        assert url.scheme == "file"
        path = Path(urllib.parse.unquote(url.path))
        assert path.is_file(), f"{rule.id}: {path}"
        assert url.fragment in anchors(path.read_text(encoding="utf-8"))


def test_guide_url_config_points_links_elsewhere():
    engine = Engine(RULESET)
    rule = RULESET.get("RF101")
    base = Settings(guide_url="https://wiki.example.com/ai/")
    assert (
        engine.guide_url(rule, base)
        == "https://wiki.example.com/ai/guide/when-to-fine-tune.md#hosted-fine-tuning"
    )
    per_rule = Settings(guide_urls={"RF101": "https://wiki.example.com/ai/training"})
    assert engine.guide_url(rule, per_rule) == "https://wiki.example.com/ai/training"
