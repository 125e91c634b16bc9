"""Sentences the HTML and Markdown reports share, so both say the same thing."""

from __future__ import annotations

from ragfirst.report.model import ProjectReport, TrainingSite

EXAMPLE_FLOOR = 1_000
EXAMPLE_BAR = 10_000
GUIDE_SFT_RANGE = "$5,000-$50,000"
GUIDE_RLHF_RANGE = "$50,000+"

NO_TRAINING = "No training found: no fine-tuning job, trainer, adapter or training loop (RF101-RF105) in the checked files."
NO_RETRIEVAL = (
    "No retrieval found: no vector store, index or embedding call in the checked files."
    " If the model must know your documents, retrieval is the next rung (docs/guide/rag-first.md)."
)
NO_CONFIGS = (
    "No budget, spend or gateway config found (LiteLLM `max_budget`, `llm_spend.monthly_usd`,"
    " `llm_budget.amount_usd`): the payback below uses the guide's defaults."
)
NO_EVENTS = "No dated events: no training path closing (RF107) and no retiring model (RF406) in the code."
NO_DECISIONS = "No recorded decisions: no finding is suppressed with a `ragfirst: ignore` comment."
NO_FINDINGS = "No findings."
BUDGETS_NOTE = (
    "Every budget or measured spend in the configs, as RF402 reads it (normalised to 30 days);"
    " RF402 reports those at or above its threshold. A gateway with none is RF403."
)


def budget_status(monthly: float, threshold: float) -> str:
    return "at or above the threshold (RF402)" if monthly >= threshold else "below the threshold"


def standing(report: ProjectReport) -> str:
    """One sentence: the highest rung, what was skipped below it (per project when several)."""
    if report.projects:
        return _standing_projects(report)
    top = report.highest_rung
    if top is None:
        return "The code shows no LLM calls, retrieval or training: nothing on the ladder yet."
    sentence = f"Highest rung the code shows: {top.number}. {top.title}."
    skipped = report.skipped_rungs()
    if skipped and top.number >= 4:
        sentence += " Skipped below it: " + ", ".join(f"{r.number}. {r.title}" for r in skipped)
        sentence += ". The guide climbs the ladder from the bottom: measure those rungs before training."
    elif skipped:
        sentence += " Not shown below it: " + ", ".join(f"{r.number}. {r.title}" for r in skipped) + "."
    return sentence


def _standing_projects(report: ProjectReport) -> str:
    tally: dict[str, int] = {}
    for project in report.projects:
        top = project.highest
        name = f"{top.number}. {top.title}" if top else "none"
        tally[name] = tally.get(name, 0) + 1
    sentence = (
        f"{len(report.projects)} projects; the highest rung each shows: "
        + ", ".join(f"{name} ({n})" for name, n in sorted(tally.items()))
        + "."
    )
    skipping = [
        p.name
        for p in report.projects
        if p.highest is not None and p.highest.number >= 4 and not p.rungs[1].present
    ]
    if skipping:
        sentence += " Training without retrieval in: " + ", ".join(skipping) + "."
    return sentence


def examples_verdict(site: TrainingSite) -> str:
    if site.examples is None:
        return "unknown (no data file read)"
    if site.examples < EXAMPLE_FLOOR:
        return f"{site.examples:,}: below the 1,000 floor"
    if site.examples < EXAMPLE_BAR:
        return f"{site.examples:,}: above the floor, below the 10,000 bar"
    return f"{site.examples:,}: at or above the 10,000 bar"


def cost_verdict(site: TrainingSite) -> str:
    guide = GUIDE_RLHF_RANGE if site.rule_id == "RF103" else GUIDE_SFT_RANGE
    if site.cost_usd is None:
        return f"no estimate (guide: {guide} all in)"
    return f"≈ ${site.cost_usd:,.2f} compute; the guide's all-in budget is {guide}"


def counts_line(report: ProjectReport) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in report.severity_counts.items() if n)
    total = sum(report.severity_counts.values())
    return (
        f"{total} findings ({counts or 'none'}) in {report.files_checked} checked files;"
        f" {len(report.decisions)} recorded decision(s)."
    )
