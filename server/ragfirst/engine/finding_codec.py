"""Findings and fixes as compact JSON lists: what the run manifest, the run snapshot and
the fix cache store (one codec, so a field added to `Finding` is added once)."""

from __future__ import annotations

from typing import Any

from ragfirst.model import CellPlace, Finding, Fix, FixSafety, Severity, Span, TextEdit


def _span(span: Span) -> list[int]:
    return [span.start_line, span.start_col, span.end_line, span.end_col]


def dump_fix(fix: Fix | None) -> list[Any] | None:
    if fix is None:
        return None
    return [fix.title, fix.safety.value, [[_span(edit.span), edit.new_text] for edit in fix.edits]]


def load_fix(item: Any) -> Fix | None:
    if item is None:
        return None
    title, safety, edits = item
    return Fix(
        str(title),
        tuple(TextEdit(Span(*(int(x) for x in span)), str(text)) for span, text in edits),
        FixSafety(safety),
    )


def dump_finding(finding: Finding) -> list[Any]:
    cell = finding.cell
    return [
        finding.rule_id,
        finding.rule_name,
        finding.severity.name,
        finding.message,
        finding.path,
        _span(finding.span),
        finding.guide_url,
        dump_fix(finding.fix),
        finding.suppressed,
        finding.suppression_reason,
        finding.data,
        finding.snippet,
        None if cell is None else [cell.cell, _span(cell.file_span), cell.output],
    ]


def load_finding(item: list[Any]) -> Finding:
    rule_id, name, severity, message, path, span, guide, fix, suppressed, reason, data, snippet, cell = item
    return Finding(
        rule_id=str(rule_id),
        rule_name=str(name),
        severity=Severity[severity],
        message=str(message),
        path=str(path),
        span=Span(*(int(x) for x in span)),
        guide_url=str(guide),
        fix=load_fix(fix),
        suppressed=bool(suppressed),
        suppression_reason=reason,
        data=dict(data),
        snippet=str(snippet),
        cell=None
        if cell is None
        else CellPlace(int(cell[0]), Span(*(int(x) for x in cell[1])), bool(cell[2])),
    )
