"""`ragfirst report`: each section, on projects that have it and projects that lack it.

Projects are copies of samples/ (each a small project with a known set of findings) and
tiny projects written here. The date is pinned (RF107/RF406 count days from today).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths
from ragfirst.report import text
from ragfirst.report.build import ReportOptions
from ragfirst.report.html import render_html
from ragfirst.report.markdown import render_markdown
from ragfirst.report.model import PaybackInputs, ProjectReport
from ragfirst.report.run import report_for_paths

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 6)
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture(autouse=True)
def _pinned_day(monkeypatch):
    monkeypatch.setenv("RAGFIRST_TODAY", TODAY.isoformat())


def _copy_sample(name: str, tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / name
    shutil.copytree(REPO / "samples" / name, target)
    monkeypatch.chdir(tmp_path)
    return Path(name)


def _report(path: Path, **options) -> ProjectReport:
    return report_for_paths([path], ConfigResolver(), ReportOptions(**options), blame=False, today=TODAY)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)


def check_html(page: str) -> None:
    """The page parses as HTML5 without a single error, and each chart is well-formed XML."""
    html5lib = pytest.importorskip("html5lib", reason="html5lib (the test extra) validates the HTML")
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    for chart in SVG.findall(page):
        root = ET.fromstring(chart)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert root.find("{http://www.w3.org/2000/svg}desc").text  # the text alternative
    assert "<script" not in page
    # Nothing to fetch: no src attribute, links only to the page's own sections, no CSS url().
    assert not re.search(r"\ssrc=", page)
    assert set(re.findall(r'\shref="(.)', page)) <= {"#"}
    assert "url(" not in page


# -- a project that lacks every part ---------------------------------------------------


def test_a_project_with_nothing_says_so_instead_of_drawing_empty_charts(tmp_path, monkeypatch):
    _write(
        tmp_path / "plain",
        {"pyproject.toml": "[project]\nname='plain'\n", "util.py": "def add(a, b):\n    return a + b\n"},
    )
    monkeypatch.chdir(tmp_path)
    report = _report(Path("plain"))
    assert report.highest_rung is None
    assert not report.training and not report.retrieval.present and not report.timeline
    assert not report.decisions and not report.rule_counts
    assert report.spend.payback is not None
    assert report.spend.payback.monthly_spend == 10_000  # the guide's threshold, said as such
    assert "guide's threshold" in report.spend.payback.spend_source
    page = render_html(report)
    check_html(page)
    for sentence in (text.NO_TRAINING, text.NO_RETRIEVAL, text.NO_CONFIGS, text.NO_EVENTS, text.NO_DECISIONS):
        assert _html_text(sentence) in page
    # The charts that would be empty are not drawn: only the ladder and the payback remain.
    assert re.findall(r'aria-labelledby="(\w+)-title', page) == ["ladder", "payback"]
    markdown = render_markdown(report)
    for sentence in (text.NO_TRAINING, text.NO_EVENTS, text.NO_DECISIONS, text.NO_FINDINGS):
        assert sentence.split(":")[0] in markdown


def _html_text(sentence: str) -> str:
    from html import escape

    return escape(sentence, quote=True)


# -- prompting only: an LLM call, nothing else -----------------------------------------


def test_prompting_only_project_stands_on_the_first_rung(tmp_path, monkeypatch):
    path = _copy_sample("clean-chatbot", tmp_path, monkeypatch)
    report = _report(path)
    assert [r.number for r in report.rungs if r.present] == [1]
    assert report.rungs[0].evidence[0].where() == "clean-chatbot/bot.py:14"  # a capped call counts too
    assert not report.training and not report.retrieval.present
    assert report.rule_counts == []  # the sample is clean


# -- training --------------------------------------------------------------------------


def test_training_site_has_provider_model_data_cost_deadline_and_decision(tmp_path, monkeypatch):
    path = _copy_sample("openai-finetune", tmp_path, monkeypatch)
    report = _report(path)
    sites = {s.where.line: s for s in report.training}
    assert set(sites) == {14, 24}
    site = sites[14]
    assert (site.provider, site.model, site.data_file, site.examples) == (
        "OpenAI",
        "gpt-4o-mini-2024-07-18",
        "data/train.jsonl",
        13,
    )
    assert site.cost_usd is not None and site.cost_usd < 1
    assert site.data_problems and "line 13" in site.data_problems[0]
    assert any("2027-01-06" in d and "RF107" in d for d in site.deadlines)
    assert any("2027-01-14" in d and "RF406" in d for d in site.deadlines)
    assert text.examples_verdict(site) == "13: below the 1,000 floor"
    assert sites[24].suppressed and sites[24].suppressed_reason == "resuming the approved job from ADR-7"
    # Fine-tuning without retrieval: the summary says what was skipped.
    assert "Skipped below it: 1. Prompting, 2. Retrieval (RAG), 3. Retrieval tuned" in text.standing(report)
    # Timeline: the closing path and the retiring model, in date order.
    assert [(e.date.isoformat(), e.rule_id) for e in report.timeline] == [
        ("2027-01-06", "RF107"),
        ("2027-01-14", "RF406"),
    ]
    # Decisions: the suppression with its reason.
    assert [(d.rule_id, d.where.line, d.reason) for d in report.decisions] == [
        ("RF101", 24, "resuming the approved job from ADR-7")
    ]
    page = render_html(report)
    check_html(page)
    assert 'aria-labelledby="examples-title' in page and 'aria-labelledby="timeline-title' in page
    assert "1,000 floor" in page and "10,000 bar" in page


def test_training_compute_from_rf203_enters_the_payback(tmp_path, monkeypatch):
    path = _copy_sample("openai-finetune", tmp_path, monkeypatch)
    report = _report(path)
    payback = report.spend.payback
    assert payback is not None
    active_costs = sum(s.cost_usd or 0 for s in report.training if not s.suppressed)
    assert payback.training_compute == pytest.approx(active_costs)


# -- retrieval -------------------------------------------------------------------------


def test_retrieval_section_lists_index_dimension_models_chunking_reranking_and_the_bug(tmp_path, monkeypatch):
    path = _copy_sample("rag-dimension-bug", tmp_path, monkeypatch)
    report = _report(path)
    r = report.retrieval
    assert r.present
    assert [e.label for e in r.indexes] == ["Pinecone index support-docs (dimension 1536)"]
    assert {e.label for e in r.embeddings} == {"OpenAI embeddings (text-embedding-3-large)"}
    assert r.splitters and "chunk_size 2000" in r.splitters[0].label
    assert r.rerankers and not r.hybrid
    assert [f.rule_id for f in r.problems] == ["RF301"]
    assert not report.training
    page = render_html(report)
    check_html(page)
    assert text.NO_TRAINING.split(":")[0] in page


def test_retrieval_without_reranking_shows_rf304(tmp_path, monkeypatch):
    path = _copy_sample("rag-app", tmp_path, monkeypatch)
    report = _report(path)
    assert not report.retrieval.rerankers
    assert "RF304" in {f.rule_id for f in report.retrieval.problems}
    assert "RF302" in {f.rule_id for f in report.retrieval.problems}


# -- spend -----------------------------------------------------------------------------


def test_spend_uses_the_projects_budget_and_names_the_gateway_without_one(tmp_path, monkeypatch):
    path = _copy_sample("llm-gateway", tmp_path, monkeypatch)
    report = _report(path)
    s = report.spend
    assert [(b.key, b.monthly_usd) for b in s.budgets] == [("litellm_settings.max_budget", 13_500)]
    assert [f.path for f in s.gateways_without_budget] == ["llm-gateway/litellm/staging.yaml"]
    assert s.payback is not None and s.payback.monthly_spend == 13_500
    assert "llm-gateway/litellm/config.yaml:12" in s.payback.spend_source
    months = s.payback.payback_months()
    assert months is not None and 7 < months < 8  # 50,000 / (13,500 x (1 - 0.4 - 0.1))
    page = render_html(report)
    check_html(page)
    assert "pays back after about 7 months (training may pay)" in page


def test_monthly_spend_option_overrides_the_budget(tmp_path, monkeypatch):
    path = _copy_sample("llm-gateway", tmp_path, monkeypatch)
    report = _report(path, monthly_spend=2_000.0)
    assert report.spend.payback.monthly_spend == 2_000
    assert "below the threshold, do not train" in render_markdown(report)


def test_payback_follows_the_guides_worked_example():
    # docs/guide/before-training.md#roi-calculation: Team A and Team B.
    team_a = PaybackInputs(4_000, "guide", running_share=500 / 4_000)
    team_b = PaybackInputs(30_000, "guide", running_share=2_000 / 30_000)
    assert team_a.monthly_saving() == pytest.approx(1_900)
    assert team_a.payback_months() == pytest.approx(26.3, abs=0.1)  # "about 26 months"
    assert team_b.monthly_saving() == pytest.approx(16_000)
    assert team_b.payback_months() == pytest.approx(3.1, abs=0.1)  # "about 3 months"
    assert PaybackInputs(100, "x", tuned_share=0.95).payback_months() is None  # never pays


# -- decisions and git blame -----------------------------------------------------------


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_decisions_carry_who_and_when_from_git_blame(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path = _copy_sample("openai-finetune", tmp_path, monkeypatch)
    _git("init", "-q", cwd=tmp_path)
    _git("-c", "user.name=Ada Reviewer", "-c", "user.email=ada@example.com", "add", ".", cwd=tmp_path)
    _git(
        "-c", "user.name=Ada Reviewer", "-c", "user.email=ada@example.com",
        "commit", "-q", "-m", "record ADR-7", "--date", "2026-11-02T10:00:00+00:00",
        cwd=tmp_path,
    )  # fmt: skip
    report = report_for_paths([path], ConfigResolver(), blame=True, today=TODAY)
    [decision] = report.decisions
    assert decision.author == "Ada Reviewer"
    assert decision.date is not None and decision.date.startswith("20")
    assert "Ada Reviewer" in render_html(report)


def test_decisions_without_git_leave_who_empty(tmp_path, monkeypatch):
    path = _copy_sample("openai-finetune", tmp_path, monkeypatch)  # not a repository
    report = report_for_paths([path], ConfigResolver(), blame=True, today=TODAY)
    [decision] = report.decisions
    assert decision.author is None and decision.reason == "resuming the approved job from ADR-7"


# -- escaping --------------------------------------------------------------------------


def test_project_text_cannot_inject_markup(tmp_path, monkeypatch):
    root = tmp_path / "evil"
    _copy_sample("openai-finetune", tmp_path, monkeypatch)
    shutil.move(tmp_path / "openai-finetune", root)
    source = (root / "fine_tune.py").read_text()
    source = source.replace(
        "resuming the approved job from ADR-7", "a|b <script>alert(1)</script> [x](http://e.test)"
    )
    (root / "fine_tune.py").write_text(source)
    report = _report(Path("evil"))
    page = render_html(report)
    check_html(page)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = render_markdown(report)
    assert "<script>" not in markdown and r"a\|b" in markdown and r"\[x\]" in markdown


# -- the whole samples/ tree -----------------------------------------------------------


def test_samples_report_agrees_with_check(monkeypatch):
    monkeypatch.chdir(REPO)
    report = _report(Path("samples"))
    checked = lint_paths([Path("samples")], ConfigResolver())
    assert len(report.findings) == len(checked.active)
    assert sum(c.count for c in report.rule_counts) == len(checked.active)
    assert report.files_checked == checked.files_checked
    assert len(report.decisions) == sum(1 for f in checked.findings if f.suppressed)
    assert len(report.projects) == 12  # samples/ holds twelve projects: each gets its own ladder
    by_name = {p.name: p for p in report.projects}
    assert by_name["samples/trl-dpo"].highest.number == 5
    assert by_name["samples/rag-fixed"].highest.number == 3
    page = render_html(report)
    check_html(page)
    markdown = render_markdown(report)
    assert markdown.count("\n## ") == 7


def test_a_model_named_in_an_old_sdk_call_counts_as_prompting_but_a_training_model_does_not(
    tmp_path, monkeypatch
):
    _write(
        tmp_path / "legacy",
        {
            "pyproject.toml": "[project]\nname='legacy'\n",
            "ask.py": "import openai\n\nreply = openai.ChatCompletion.create(model='gpt-4', messages=[])\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    report = _report(Path("legacy"))
    assert [e.label for e in report.rungs[0].evidence] == ["gpt-4 (RF406)"]
    # openai-finetune's RF406 is on its training call's model: a training site, not prompting.
    path = _copy_sample("openai-finetune", tmp_path, monkeypatch)
    assert not _report(path).rungs[0].present


def test_a_payback_on_the_default_spend_says_it_is_not_the_projects(tmp_path, monkeypatch):
    path = _copy_sample("clean-chatbot", tmp_path, monkeypatch)
    report = _report(path)
    assert report.spend.payback.defaulted
    assert "not this project's spend: give yours with --monthly-spend" in render_markdown(report)
    assert "training may pay" not in render_markdown(report)


def test_a_key_in_a_captured_argument_is_redacted_in_the_report(tmp_path, monkeypatch):
    key = "sk-proj-" + "Q7vLm2Xc9RtB4nWz8KpD3fHs6JyA1uEo5GiT0bNq"
    _write(
        tmp_path / "leaky",
        {
            "pyproject.toml": "[project]\nname='leaky'\n",
            "ask.py": (
                "from openai import OpenAI\n\n"
                f"reply = OpenAI().chat.completions.create(model='{key}', messages=[], max_completion_tokens=9)\n"
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    report = _report(Path("leaky"))
    assert report.rungs[0].present
    assert key not in render_html(report) and key not in render_markdown(report)


SMALL_BUDGET = """\
model_list:
  - model_name: gpt-4.1
    litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY}
litellm_settings:
  max_budget: 2000
  budget_duration: 30d
"""


def test_a_budget_below_the_threshold_is_listed_but_is_no_finding(tmp_path, monkeypatch):
    _write(tmp_path / "small", {"ragfirst.toml": "", "litellm/config.yaml": SMALL_BUDGET})
    monkeypatch.chdir(tmp_path)
    report = _report(Path("small"))
    assert [(b.key, b.monthly_usd, b.where.where()) for b in report.spend.budgets] == [
        ("litellm_settings.max_budget", 2_000, "small/litellm/config.yaml:5")
    ]
    assert report.rule_counts == []  # check reports nothing: $2,000 is below RF402's threshold
    assert report.spend.payback.monthly_spend == 2_000 and not report.spend.payback.defaulted
    assert "below the threshold" in render_html(report)


def test_no_budget_is_read_where_rf402_is_turned_off(tmp_path, monkeypatch):
    _write(tmp_path / "off", {"ragfirst.toml": "ignore = ['RF402']\n", "litellm/config.yaml": SMALL_BUDGET})
    monkeypatch.chdir(tmp_path)
    assert _report(Path("off")).spend.budgets == []
