"""The report as one self-contained HTML page: inline CSS and SVG, no script, no request.

It opens from disk or from a CI artifact, fits a phone (one column, tables scroll
sideways), prints (no backgrounds, no page-broken rows) and follows the reader's light
or dark scheme. Every string from the project is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ragfirst import __version__
from ragfirst.model import Finding
from ragfirst.report import svg, text
from ragfirst.report.model import Evidence, ProjectReport

_CSS = """
:root{--fg:#1b1b1b;--bg:#ffffff;--muted:#555;--line:#d0d0d0;--card:#f6f7f9;--accent:#0072B2}
@media (prefers-color-scheme: dark){:root{--fg:#e8e8e8;--bg:#15171a;--muted:#aaa;--line:#3a3d42;--card:#1f2226;--accent:#56B4E9}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
p.muted,.muted{color:var(--muted)}
.summary{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--card)}
code,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
svg.chart{max-width:100%;height:auto;display:block;margin:.5rem 0;color:var(--fg)}
figure{margin:0}
figcaption{font-size:.85rem;color:var(--muted)}
ul.evidence{margin:.25rem 0;padding-left:1.2rem}
.sev-error{color:#D55E00;font-weight:600}
.sev-warning{color:#B07800;font-weight:600}
@media (prefers-color-scheme: dark){.sev-warning{color:#E69F00}}
nav ol{columns:2;font-size:.95rem}
article.site{border:1px solid var(--line);border-radius:8px;padding:.25rem .75rem;margin:.75rem 0;break-inside:avoid}
article.site h3{margin:.5rem 0;font-size:1rem}
dl{display:grid;grid-template-columns:9rem 1fr;gap:.2rem .75rem;margin:.25rem 0 .5rem;font-size:.92rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}
@media (max-width:40rem){nav ol{columns:1}body{font-size:15px}}
@media print{body{background:#fff;color:#000}:root{--fg:#000;--bg:#fff;--card:#fff;--muted:#333}
 nav{display:none}h2{break-after:avoid}tr,figure{break-inside:avoid}a{color:#000}}
"""

_SECTIONS = (
    ("ladder", "Where the project stands"),
    ("training", "Training sites"),
    ("retrieval", "Retrieval readiness"),
    ("spend", "Spend and payback"),
    ("timeline", "Timeline"),
    ("decisions", "Decisions"),
    ("findings", "Findings by rule and severity"),
)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], raw: bool = False) -> str:
    """A table; cells are escaped unless `raw` (then the caller escaped them)."""
    cells = "".join(f'<th scope="col">{_e(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c if raw else _e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div>'


def _where(evidence: Evidence) -> str:
    return f'<span class="path">{_e(evidence.where())}</span>'


def _evidence_list(items: Sequence[Evidence], most: int = 6) -> str:
    if not items:
        return '<span class="muted">not found</span>'
    shown = "".join(f"<li>{_e(e.label)} at {_where(e)}</li>" for e in items[:most])
    more = f"<li>and {len(items) - most} more</li>" if len(items) > most else ""
    return f'<ul class="evidence">{shown}{more}</ul>'


def _finding_where(f: Finding) -> str:
    cell = f"cell {f.cell.cell}:" if f.cell is not None else ""
    return f'<span class="path">{_e(f"{f.path}:{cell}{f.span.start_line}")}</span>'


def _figure(chart: str, caption: str) -> str:
    return f"<figure>{chart}<figcaption>{_e(caption)}</figcaption></figure>"


def _ladder(report: ProjectReport) -> str:
    rows = [
        (
            f"{r.number}. {_e(r.title)}",
            _e(r.what),
            _evidence_list(r.evidence),
            f'<span class="path">docs/guide/{_e(r.guide)}</span>',
        )
        for r in report.rungs
    ]
    caption = "Filled steps: the code shows them (evidence in the table)."
    if report.projects:
        caption = "Filled steps: at least one of the projects shows them; each project's rungs follow."
    return (
        _figure(svg.ladder_chart(report.rungs), caption)
        + _projects(report)
        + _table(("Rung", "What counts", "Evidence", "Guide"), rows, raw=True)
    )


def _projects(report: ProjectReport) -> str:
    if not report.projects:
        return ""
    head = ("Project", *(f"{r.number}. {r.title}" for r in report.rungs), "Highest")
    rows = [
        (
            f'<span class="path">{_e(p.name)}</span>',
            *("✓ yes" if r.present else "no" for r in p.rungs),
            _e(f"{p.highest.number}. {p.highest.title}" if p.highest else "none"),
        )
        for p in report.projects
    ]
    return _table(head, rows, raw=True)


def _training(report: ProjectReport) -> str:
    if not report.training:
        return f"<p>{_e(text.NO_TRAINING)}</p>"
    counted = [s for s in report.training if s.examples is not None]
    parts = []
    if counted:
        bars = [
            svg.Bar(
                f"{s.where.path.rsplit('/', 1)[-1]}:{s.where.line}",
                float(s.examples or 0),
                svg.VERMILLION
                if (s.examples or 0) < text.EXAMPLE_FLOOR
                else svg.ORANGE
                if (s.examples or 0) < text.EXAMPLE_BAR
                else svg.GREEN,
                f"{s.examples:,} examples",
            )
            for s in counted
        ]
        desc = "; ".join(f"{s.where.where()}: {text.examples_verdict(s)}" for s in counted)
        chart = svg.bar_chart(
            bars,
            "Training examples per site against the 1,000 floor and the 10,000 bar",
            desc,
            "examples",
            log_scale=True,
            marks=((text.EXAMPLE_FLOOR, "1,000 floor"), (text.EXAMPLE_BAR, "10,000 bar")),
        )
        parts.append(
            _figure(chart, "Examples per training call (log scale); dashed lines: the guide's floor and bar.")
        )
    for s in report.training:
        decision = (
            f"<dt>Decision</dt><dd>suppressed: {_e(s.suppressed_reason or '(no reason given)')}</dd>"
            if s.suppressed
            else ""
        )
        problems = "<br>".join(_e(p) for p in s.data_problems) or "none found"
        deadlines = "<br>".join(_e(d) for d in s.deadlines) or "none"
        data = f'<span class="path">{_e(s.data_file)}</span>' if s.data_file else "not resolved"
        parts.append(
            f'<article class="site"><h3>{_e(s.kind)} ({_e(s.rule_id)}) at {_where(s.where)}</h3><dl>'
            f"<dt>Provider</dt><dd>{_e(s.provider)}</dd>"
            f"<dt>Base model</dt><dd>{_e(s.model or 'not resolved')}</dd>"
            f"<dt>Data file</dt><dd>{data}</dd>"
            f"<dt>Examples</dt><dd>{_e(text.examples_verdict(s))}</dd>"
            f"<dt>Training cost</dt><dd>{_e(text.cost_verdict(s))}</dd>"
            f"<dt>Data problems</dt><dd>{problems}</dd>"
            f"<dt>Deadlines</dt><dd>{deadlines}</dd>{decision}</dl></article>"
        )
    return "".join(parts)


def _retrieval(report: ProjectReport) -> str:
    r = report.retrieval
    if not r.present:
        return f"<p>{_e(text.NO_RETRIEVAL)}</p>"
    rows = [
        ("Vector stores", _evidence_list(r.stores)),
        ("Indexes (with dimension)", _evidence_list(r.indexes)),
        ("Embedding models", _evidence_list(r.embeddings)),
        ("Chunking", _evidence_list(r.splitters)),
        ("Reranking", _evidence_list(r.rerankers)),
        ("Hybrid search", _evidence_list(r.hybrid)),
    ]
    problems = (
        "<ul>"
        + "".join(f"<li>{_finding_where(f)} {_e(f.rule_id)}: {_e(f.message)}</li>" for f in r.problems)
        + "</ul>"
        if r.problems
        else "<p>No retrieval problems found (RF301-RF304).</p>"
    )
    return _table(("Part", "Found"), rows, raw=True) + "<h3>Problems</h3>" + problems


def _spend(report: ProjectReport) -> str:
    s = report.spend
    parts = []
    if s.budgets:
        threshold = s.payback.threshold if s.payback else 10_000.0
        rows = [
            (
                _where(b.where),
                f"<code>{_e(b.key)}</code>",
                _e(f"${b.monthly_usd:,.0f}/month"),
                _e(text.budget_status(b.monthly_usd, threshold)),
            )
            for b in s.budgets
        ]
        parts.append(_table(("Config", "Key", "Monthly", "Against the threshold"), rows, raw=True))
    elif not s.gateways_without_budget:
        parts.append(f"<p>{_e(text.NO_CONFIGS)}</p>")
    parts.append(f'<p class="muted">{_e(text.BUDGETS_NOTE)}</p>')
    if s.gateways_without_budget:
        parts.append("<h3>Gateways with no budget</h3><ul>")
        parts.extend(f"<li>{_finding_where(f)} {_e(f.message)}</li>" for f in s.gateways_without_budget)
        parts.append("</ul>")
    parts.append(f"<h3>Uncapped LLM calls: {len(s.uncapped)}</h3>")
    if s.uncapped:
        parts.append("<ul>")
        parts.extend(f"<li>{_finding_where(f)} {_e(f.message)}</li>" for f in s.uncapped[:20])
        if len(s.uncapped) > 20:
            parts.append(f"<li>and {len(s.uncapped) - 20} more (see the findings below)</li>")
        parts.append("</ul>")
    if s.keys:
        parts.append(
            f"<p>{len(s.keys)} exposed API key(s) (RF404/RF405): listed under the findings below.</p>"
        )
    if s.payback is not None:
        p = s.payback
        parts.append("<h3>Payback</h3>")
        parts.append(f"<p>{_e(svg.payback_sentence(p))}</p>")
        parts.append(
            _figure(
                svg.payback_chart(p), "Cumulative cost over three years; the dot marks the payback month."
            )
        )
        rows = [
            ("Monthly API spend", f"${p.monthly_spend:,.0f}", p.spend_source, "--monthly-spend"),
            (
                "Implementation cost",
                f"${p.implementation_cost:,.0f}",
                "guide default (data, evaluation, runs, serving)",
                "--implementation-cost",
            ),
            (
                "Training compute",
                f"${p.training_compute:,.2f}",
                "sum of RF203's estimates",
                "(from the code)",
            ),
            (
                "Tuned model's share of today's spend",
                f"{p.tuned_share:.0%}",
                "guide's worked example",
                "--tuned-share",
            ),
            (
                "Running costs (re-training, evals)",
                f"{p.running_share:.0%} of today's spend",
                "guide default",
                "--running-share",
            ),
            (
                "Spend threshold",
                f"${p.threshold:,.0f}/month",
                "RF402 monthly-threshold",
                "[tool.ragfirst.options.RF402]",
            ),
        ]
        parts.append(_table(("Input", "Value", "From", "Option"), rows))
    return "".join(parts)


def _timeline(report: ProjectReport) -> str:
    if not report.timeline:
        return f"<p>{_e(text.NO_EVENTS)}</p>"
    rows = [
        (
            _e(e.date.isoformat()),
            _e(f"{(e.date - report.generated).days}"),
            _e(e.what),
            _e(e.rule_id),
            _evidence_list(e.where, 4),
        )
        for e in report.timeline
    ]
    return _figure(
        svg.timeline_chart(report.timeline, report.generated), "Dated events; the dashed line is today."
    ) + _table(("Date", "Days from today", "Event", "Rule", "Where"), rows, raw=True)


def _decisions(report: ProjectReport) -> str:
    if not report.decisions:
        return f"<p>{_e(text.NO_DECISIONS)}</p>"
    rows = [
        (
            _e(d.rule_id),
            _where(d.where),
            _e(d.reason or "(no reason given)"),
            _e(d.author or ""),
            _e(d.date or ""),
        )
        for d in report.decisions
    ]
    note = "" if report.blame_used else '<p class="muted">Who and when: not asked (--no-blame).</p>'
    return note + _table(("Rule", "Where", "Reason", "Who (git blame)", "When"), rows, raw=True)


def _findings(report: ProjectReport) -> str:
    if not report.rule_counts:
        return f"<p>{_e(text.NO_FINDINGS)}</p>"
    bars = [
        svg.Bar(
            f"{c.rule_id} {c.name}",
            float(c.count),
            svg.SEVERITY_COLOURS[c.severity],
            f"{c.count} ({c.severity})",
        )
        for c in report.rule_counts
    ]
    desc = "; ".join(f"{c.rule_id} {c.name}: {c.count} {c.severity}" for c in report.rule_counts)
    chart = svg.bar_chart(bars, "Findings by rule", desc, "rules")
    counts = _table(
        ("Rule", "Name", "Severity", "Findings"),
        [(c.rule_id, c.name, c.severity, str(c.count)) for c in report.rule_counts],
    )
    rows = [
        (
            _finding_where(f),
            _e(f.rule_id),
            f'<span class="sev-{_e(f.severity.label)}">{_e(f.severity.label)}</span>',
            _e(f.message),
        )
        for f in report.findings
    ]
    return (
        _figure(chart, "Active findings per rule; the label says the severity.")
        + counts
        + "<h3>Every finding</h3>"
        + _table(("Where", "Rule", "Severity", "Message"), rows, raw=True)
    )


def render_html(report: ProjectReport) -> str:
    nav = "".join(f'<li><a href="#{ident}">{_e(title)}</a></li>' for ident, title in _SECTIONS)
    builders = (_ladder, _training, _retrieval, _spend, _timeline, _decisions, _findings)
    sections = "".join(
        f'<section id="{ident}" aria-labelledby="{ident}-h"><h2 id="{ident}-h">{_e(title)}</h2>{build(report)}</section>'
        for (ident, title), build in zip(_SECTIONS, builders, strict=True)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(report.title)}</h1>"
        f'<div class="summary"><p>{_e(text.standing(report))}</p><p>{_e(text.counts_line(report))}</p>'
        f'<p class="muted">ragfirst {_e(__version__)}, {_e(report.generated.isoformat())}.'
        " Every part is computed from the findings and project facts of <code>ragfirst check</code>"
        " on the same paths.</p></div>"
        f'<nav aria-label="Sections"><ol>{nav}</ol></nav>{sections}</main></body></html>\n'
    )
