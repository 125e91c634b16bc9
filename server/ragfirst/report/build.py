"""Build the decision report from one lint run: its findings and its projects' fact indexes.

Every value comes from a finding's `data` (what the rule captured and resolved) or from a
`FactSite` the engine recorded; nothing is read or matched again here, so the report
always agrees with `ragfirst check` on the same paths.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ragfirst.engine.outbound import clean_text
from ragfirst.engine.project import FactSite, ProjectIndex
from ragfirst.engine.runner import LintResult
from ragfirst.model import SEVERITY_NAMES, Finding, Severity
from ragfirst.report.model import (
    Budget,
    Decision,
    Event,
    Evidence,
    PaybackInputs,
    ProjectLadder,
    ProjectReport,
    Retrieval,
    RuleCount,
    Rung,
    Spend,
    TrainingSite,
)

TRAINING_RULES = {
    "RF101": "hosted fine-tuning",
    "RF102": "local fine-tuning",
    "RF103": "preference training",
    "RF104": "adapter (LoRA/PEFT)",
    "RF105": "custom training loop",
}
RAG_RULES = ("RF301", "RF302", "RF303", "RF304")
# The finding on a training call that carries each fact about it.
_ON_CALL = ("RF201", "RF202", "RF203", "RF107")

Blame = Callable[[str, int], "tuple[str, str] | None"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """The ROI defaults (docs/guide/before-training.md#roi-calculation), each overridable."""

    monthly_spend: float | None = None
    implementation_cost: float = 50_000.0
    tuned_share: float = 0.40
    running_share: float = 0.10
    threshold: float = 10_000.0  # RF402's monthly-threshold in the project's settings


def _evidence(finding: Finding, label: str) -> Evidence:
    cell = finding.cell.cell if finding.cell is not None else None
    return Evidence(finding.path, finding.span.start_line, label, cell)


# Capture names whose values a reader needs next to a fact's label (sizes, dimensions).
_DETAILS = (
    ("arg.dimension", "dimension"),
    ("arg.dimensions", "dimensions"),
    ("arg.chunk_size", "chunk_size"),
    ("arg.chunk_overlap", "chunk_overlap"),
    ("arg.model", "model"),
)


def _site(site: FactSite) -> Evidence:
    details = [
        f"{name} {site.value(key)}"
        for key, name in _DETAILS
        if site.value(key) and site.value(key) not in site.label
    ]
    label = f"{site.label} ({', '.join(details)})" if details else site.label
    return Evidence(site.path, site.line, clean_text(label))  # a captured literal could be a key


def _captures(finding: Finding) -> dict[str, str]:
    captures = finding.data.get("captures")
    return captures if isinstance(captures, dict) else {}


def _sites(projects: Iterable[ProjectIndex], *kinds: str) -> list[Evidence]:
    seen: dict[tuple[str, int, str], Evidence] = {}
    for project in projects:
        for kind in kinds:
            for site in project.sites(kind):
                seen.setdefault((site.path, site.line, site.label), _site(site))
    return sorted(seen.values(), key=lambda e: (e.path, e.line))


def _call_label(finding: Finding) -> str:
    captures = _captures(finding)
    return captures.get("callee") or captures.get("short") or finding.rule_name


def _rungs(findings: list[Finding], projects: list[ProjectIndex]) -> list[Rung]:
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)

    def flagged(*rules: str) -> list[Evidence]:
        return [
            _evidence(f, f"{_call_label(f)} ({f.rule_id})") for rule in rules for f in by_rule.get(rule, [])
        ]

    # LLM calls, capped or not (the llm-call facts), and those RF401 flags, once per line.
    calls = _sites(projects, "llm-call")
    seen = {(e.path, e.line) for e in calls}
    prompting = [*calls, *(e for e in flagged("RF401") if (e.path, e.line) not in seen)]
    # A model named in a call that trains nothing (RF406 on a call the SDK tables do not
    # list, such as openai<1's ChatCompletion.create) is an LLM call too.
    trained = [f for rule in TRAINING_RULES for f in by_rule.get(rule, [])]
    training_lines = {(f.path, f.span.start_line) for f in trained}
    training_models = {(f.path, _captures(f).get("arg.model") or _captures(f).get("model")) for f in trained}
    seen |= {(e.path, e.line) for e in prompting}
    for f in by_rule.get("RF406", []):
        model = _captures(f).get("model", "a model")
        if (f.path, model) in training_models:
            continue  # the base model of a training call in this file (the training site shows it)
        if (f.path, f.span.start_line) not in training_lines | seen:
            seen.add((f.path, f.span.start_line))
            prompting.append(_evidence(f, f"{model} (RF406)"))
    prompting += flagged("RF402", "RF403")
    retrieval = _sites(projects, "retrieval", "vector-index", "embedding")
    tuned = _sites(projects, "reranker", "hybrid-search", "splitter")
    return [
        Rung(1, "Prompting", "LLM calls and gateways", "before-training.md#prompting", prompting),
        Rung(
            2,
            "Retrieval (RAG)",
            "vector stores, indexes, embeddings",
            "rag-first.md#start-with-rag",
            retrieval,
        ),
        Rung(
            3,
            "Retrieval tuned",
            "reranking, hybrid search, chunking",
            "before-training.md#hybrid-search",
            tuned,
        ),
        Rung(
            4,
            "Fine-tuning",
            "hosted or local supervised fine-tuning, adapters, training loops",
            "when-to-fine-tune.md#sft-checklist",
            flagged("RF101", "RF102", "RF104", "RF105"),
        ),
        Rung(
            5,
            "Preference training",
            "DPO, PPO, GRPO, reward models",
            "preference-tuning.md",
            flagged("RF103"),
        ),
    ]


def _money(text: str | None) -> float | None:
    if not text:
        return None
    match = re.search(r"\$?([0-9][0-9,]*(?:\.[0-9]+)?)", text)
    return float(match.group(1).replace(",", "")) if match else None


def _count(text: str | None) -> int | None:
    return int(text.replace(",", "")) if text and text.replace(",", "").isdigit() else None


def _training(findings: list[Finding]) -> list[TrainingSite]:
    def key(f: Finding) -> tuple[str, int | None, int]:
        return (f.path, f.cell.cell if f.cell is not None else None, f.span.start_line)

    on_call: dict[tuple[str, int | None, int], list[Finding]] = {}
    retiring: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.rule_id in _ON_CALL:
            on_call.setdefault(key(f), []).append(f)
        elif f.rule_id == "RF406":
            retiring.setdefault((f.path, _captures(f).get("model", "")), []).append(f)
    main = [f for f in findings if f.rule_id in TRAINING_RULES and f.rule_id != "RF104"]
    files_with_site = {f.path for f in main}
    # An adapter is its own site only where no trainer in the file already stands for it.
    adapters = [f for f in findings if f.rule_id == "RF104" and f.path not in files_with_site]
    sites: list[TrainingSite] = []
    for f in sorted([*main, *adapters], key=Finding.sort_key):
        captures = _captures(f)
        model = captures.get("arg.model") or captures.get("model")
        site = TrainingSite(
            rule_id=f.rule_id,
            kind=TRAINING_RULES[f.rule_id],
            where=_evidence(f, _call_label(f)),
            provider=captures.get("provider") or ("hosted" if f.rule_id == "RF101" else "local"),
            model=model,
            suppressed=f.suppressed,
            suppressed_reason=f.suppression_reason,
        )
        for other in on_call.get(key(f), []):
            c = _captures(other)
            site.data_file = site.data_file or c.get("file")
            site.examples = site.examples if site.examples is not None else _count(c.get("count"))
            site.model = site.model or c.get("model")
            if other.rule_id == "RF202" and c.get("summary"):
                site.data_problems.append(c["summary"])
            elif other.rule_id == "RF203":
                site.cost_text = c.get("estimate") or other.message
                site.cost_usd = _money(c.get("cost"))
            elif other.rule_id == "RF107":
                site.deadlines.append(_deadline(other))
        for other in retiring.get((f.path, site.model or ""), []):
            site.deadlines.append(_deadline(other))
        sites.append(site)
    return sites


def _deadline(finding: Finding) -> str:
    """RF107/RF406 in one line: what happens, on which day (the finding has the rest)."""
    captures = _captures(finding)
    if finding.rule_id == "RF107":
        what = f"{captures.get('what', 'this training path')} {captures.get('event', 'closes')}"
    else:
        what = captures.get("model", "the model")
    when = captures.get("when", "")
    return f"{what} ({when}) [{finding.rule_id}]" if when else f"{what} [{finding.rule_id}]"


def _retrieval(findings: list[Finding], projects: list[ProjectIndex]) -> Retrieval:
    return Retrieval(
        stores=_sites(projects, "retrieval"),
        indexes=_sites(projects, "vector-index"),
        embeddings=_sites(projects, "embedding"),
        splitters=_sites(projects, "splitter"),
        rerankers=_sites(projects, "reranker"),
        hybrid=_sites(projects, "hybrid-search"),
        problems=[f for f in findings if f.rule_id in RAG_RULES and not f.suppressed],
    )


def _spend(
    findings: list[Finding], sites: list[TrainingSite], options: ReportOptions, census: list[Budget] | None
) -> Spend:
    active = [f for f in findings if not f.suppressed]
    spend = Spend(
        threshold_findings=[f for f in active if f.rule_id == "RF402"],
        gateways_without_budget=[f for f in active if f.rule_id == "RF403"],
        uncapped=[f for f in active if f.rule_id == "RF401"],
        keys=[f for f in active if f.rule_id in ("RF404", "RF405")],
    )
    if census is not None:  # every budget, from RF402 read with no threshold (budgets.py)
        spend.budgets = list(census)
    for f in spend.threshold_findings if census is None else ():
        captures = _captures(f)
        monthly = _money(captures.get("monthly"))
        if monthly is not None:
            key = captures.get("key", "budget")
            spend.budgets.append(Budget(_evidence(f, key), key, monthly))
    compute = sum(site.cost_usd or 0.0 for site in sites if not site.suppressed)
    if options.monthly_spend is not None:
        monthly, source = options.monthly_spend, "the spend given with --monthly-spend"
    elif spend.budgets:
        top = max(spend.budgets, key=lambda b: b.monthly_usd)
        monthly, source = top.monthly_usd, f"the largest budget found ({top.key} at {top.where.where()})"
    else:
        monthly = options.threshold
        source = "no spend or budget found in the project's configs: the guide's threshold"
    spend.payback = PaybackInputs(
        monthly_spend=monthly,
        spend_source=source,
        implementation_cost=options.implementation_cost,
        training_compute=compute,
        tuned_share=options.tuned_share,
        running_share=options.running_share,
        threshold=options.threshold,
        defaulted=options.monthly_spend is None and not spend.budgets,
    )
    return spend


def _timeline(findings: list[Finding]) -> list[Event]:
    events: dict[tuple[dt.date, str], Event] = {}
    for f in findings:
        captures = _captures(f)
        if f.rule_id == "RF107":
            dated = f.data.get("lifecycle") or {}
            what = f"{captures.get('what', 'training path')} {captures.get('event', 'closes')}"
        elif f.rule_id == "RF406":
            dated = f.data.get("retiring") or {}
            what = f"{captures.get('model', 'model')} ({captures.get('provider', '')}) shuts down".replace(
                " ()", ""
            )
        else:
            continue
        try:
            date = dt.date.fromisoformat(str(dated.get("date")))
        except ValueError:
            continue
        event = events.setdefault((date, what), Event(date, f.rule_id, what))
        evidence = _evidence(f, f.rule_id)
        if evidence not in event.where:
            event.where.append(evidence)
    return sorted(events.values(), key=lambda e: (e.date, e.what))


def _decisions(findings: list[Finding], blame: Blame | None) -> list[Decision]:
    decisions = []
    for f in findings:
        if not f.suppressed:
            continue
        reason = clean_text(f.suppression_reason) if f.suppression_reason else None
        decision = Decision(f.rule_id, f.rule_name, _evidence(f, f.rule_name), reason)
        if blame is not None and f.cell is None:  # a notebook's lines are cell lines, not file lines
            found = blame(f.path, f.span.start_line)
            if found is not None:
                decision.author, decision.date = found
        decisions.append(decision)
    return decisions


def _rule_counts(active: list[Finding]) -> list[RuleCount]:
    grouped: dict[str, list[Finding]] = {}
    for f in active:
        grouped.setdefault(f.rule_id, []).append(f)
    counts = [
        RuleCount(rule, group[0].rule_name, max(f.severity for f in group).label, len(group))
        for rule, group in grouped.items()
    ]
    return sorted(counts, key=lambda c: (-Severity.parse(c.severity), -c.count, c.rule_id))


def _project_ladders(result: LintResult, findings: list[Finding]) -> list[ProjectLadder]:
    """Each project's own ladder, when the run spans several projects."""
    if len(result.projects) < 2:
        return []
    cwd = Path.cwd()
    roots = sorted(result.projects, key=lambda root: len(str(root)), reverse=True)  # innermost first
    owned: dict[Path, list[Finding]] = {root: [] for root in roots}
    for f in findings:
        where = os.path.abspath(f.path)
        for root in roots:
            if where == str(root) or where.startswith(str(root).rstrip(os.sep) + os.sep):
                owned[root].append(f)
                break
    ladders = []
    for root in sorted(result.projects):
        try:
            name = os.path.relpath(root, cwd)
        except ValueError:  # another drive (Windows)
            name = str(root)
        ladders.append(ProjectLadder(name, _rungs(owned[root], [result.projects[root]])))
    return ladders


def build_report(
    result: LintResult,
    title: str,
    today: dt.date,
    options: ReportOptions | None = None,
    blame: Blame | None = None,
    budgets: list[Budget] | None = None,
) -> ProjectReport:
    """The report of one run (`lint_paths` without a cache, so `result.projects` is filled).
    `budgets`: every budget in the configs (budgets.py); without it, RF402's findings."""
    options = options or ReportOptions()
    findings = sorted(result.findings, key=Finding.sort_key)
    active = [f for f in findings if not f.suppressed]
    projects = list(result.projects.values())
    training = _training(findings)
    severity_counts = {name: 0 for name in SEVERITY_NAMES}
    for f in active:
        severity_counts[f.severity.label] += 1
    return ProjectReport(
        title=title,
        generated=today,
        files_checked=result.files_checked,
        findings=active,
        severity_counts=severity_counts,
        rungs=_rungs(findings, projects),
        training=training,
        retrieval=_retrieval(findings, projects),
        spend=_spend(findings, training, options, budgets),
        timeline=_timeline(active),
        decisions=_decisions(findings, blame),
        rule_counts=_rule_counts(active),
        blame_used=blame is not None,
        projects=_project_ladders(result, findings),
    )


def with_threshold(options: ReportOptions, threshold: float) -> ReportOptions:
    return replace(options, threshold=threshold)
