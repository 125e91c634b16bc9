"""The report as GitHub-flavoured Markdown: a PR comment or `$GITHUB_STEP_SUMMARY`.

Same sections and sentences as the HTML page (text.py); the charts become tables.
Project text is escaped so a path or message cannot open a tag, a link or a table cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ragfirst.model import Finding
from ragfirst.report import svg, text
from ragfirst.report.model import Evidence, ProjectReport

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(value: object) -> str:
    """Inline-safe: Markdown punctuation escaped, HTML's `<` and `&` made inert, one line."""
    flat = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def _where(e: Evidence) -> str:
    return md(e.where())


def _evidence(items: Sequence[Evidence], most: int = 4) -> str:
    if not items:
        return "not found"
    shown = "; ".join(f"{md(e.label)} at {_where(e)}" for e in items[:most])
    return shown + (f"; and {len(items) - most} more" if len(items) > most else "")


def _fwhere(f: Finding) -> str:
    cell = f"cell {f.cell.cell}:" if f.cell is not None else ""
    return md(f"{f.path}:{cell}{f.span.start_line}")


def render_markdown(report: ProjectReport) -> str:
    out = [f"# {md(report.title)}", "", md(text.standing(report)), "", md(text.counts_line(report)), ""]

    out += ["## Where the project stands", ""]
    out += _table(
        ("Rung", "Found", "Evidence"),
        (
            (f"{r.number}. {md(r.title)}", "yes" if r.present else "no", _evidence(r.evidence))
            for r in report.rungs
        ),
    )

    if report.projects:
        out += ["### Each project", ""]
        out += _table(
            ("Project", *(f"{r.number}. {md(r.title)}" for r in report.rungs), "Highest"),
            (
                (
                    md(p.name),
                    *("yes" if r.present else "no" for r in p.rungs),
                    md(f"{p.highest.number}. {p.highest.title}" if p.highest else "none"),
                )
                for p in report.projects
            ),
        )

    out += ["## Training sites", ""]
    if not report.training:
        out += [text.NO_TRAINING, ""]
    else:
        rows = []
        for s in report.training:
            site = f"{_where(s.where)} {md(s.kind)} ({s.rule_id})" + (
                f", suppressed: {md(s.suppressed_reason or '(no reason)')}" if s.suppressed else ""
            )
            rows.append(
                (
                    site,
                    md(s.provider),
                    md(s.model or "not resolved"),
                    md(s.data_file or "not resolved"),
                    md(text.examples_verdict(s)),
                    md(text.cost_verdict(s)),
                    md("; ".join(s.data_problems) or "none found"),
                    md("; ".join(s.deadlines) or "none"),
                )
            )
        out += _table(
            (
                "Site",
                "Provider",
                "Base model",
                "Data file",
                "Examples",
                "Training cost",
                "Data problems",
                "Deadlines",
            ),
            rows,
        )

    out += ["## Retrieval readiness", ""]
    r = report.retrieval
    if not r.present:
        out += [text.NO_RETRIEVAL, ""]
    else:
        out += _table(
            ("Part", "Found"),
            (
                ("Vector stores", _evidence(r.stores)),
                ("Indexes", _evidence(r.indexes)),
                ("Embedding models", _evidence(r.embeddings)),
                ("Chunking", _evidence(r.splitters)),
                ("Reranking", _evidence(r.rerankers)),
                ("Hybrid search", _evidence(r.hybrid)),
            ),
        )
        out += [f"- {_fwhere(f)} {f.rule_id}: {md(f.message)}" for f in r.problems] or [
            "No retrieval problems found (RF301-RF304)."
        ]
        out.append("")

    out += ["## Spend and payback", ""]
    s = report.spend
    if s.budgets:
        threshold = s.payback.threshold if s.payback else 10_000.0
        out += _table(
            ("Config", "Key", "Monthly", "Against the threshold"),
            (
                (
                    _where(b.where),
                    md(b.key),
                    md(f"${b.monthly_usd:,.0f}/month"),
                    text.budget_status(b.monthly_usd, threshold),
                )
                for b in s.budgets
            ),
        )
        out += [text.BUDGETS_NOTE, ""]
    elif not s.gateways_without_budget:
        out += [text.NO_CONFIGS, ""]
    out += [f"- {_fwhere(f)} {md(f.message)}" for f in s.gateways_without_budget]
    out += [
        f"- Uncapped LLM calls (RF401): {len(s.uncapped)}",
        f"- Exposed API keys (RF404/RF405): {len(s.keys)}",
        "",
    ]
    if s.payback is not None:
        p = s.payback
        out += [md(svg.payback_sentence(p)), ""]
        months = [0, 6, 12, 18, 24, 36]
        upfront = p.implementation_cost + p.training_compute
        run = p.monthly_spend * (p.tuned_share + p.running_share)
        out += _table(
            ("Month", "Stay on the API", "Train, then run the tuned model"),
            ((str(m), md(f"${p.monthly_spend * m:,.0f}"), md(f"${upfront + run * m:,.0f}")) for m in months),
        )

    out += ["## Timeline", ""]
    if not report.timeline:
        out += [text.NO_EVENTS, ""]
    else:
        out += _table(
            ("Date", "Days", "Event", "Where"),
            (
                (e.date.isoformat(), str((e.date - report.generated).days), md(e.what), _evidence(e.where, 3))
                for e in report.timeline
            ),
        )

    out += ["## Decisions", ""]
    if not report.decisions:
        out += [text.NO_DECISIONS, ""]
    else:
        out += _table(
            ("Rule", "Where", "Reason", "Who", "When"),
            (
                (
                    d.rule_id,
                    _where(d.where),
                    md(d.reason or "(no reason given)"),
                    md(d.author or ""),
                    md(d.date or ""),
                )
                for d in report.decisions
            ),
        )

    out += ["## Findings by rule and severity", ""]
    if not report.rule_counts:
        out += [text.NO_FINDINGS, ""]
    else:
        out += _table(
            ("Rule", "Name", "Severity", "Findings"),
            ((c.rule_id, md(c.name), c.severity, str(c.count)) for c in report.rule_counts),
        )
    return "\n".join(out).rstrip() + "\n"
