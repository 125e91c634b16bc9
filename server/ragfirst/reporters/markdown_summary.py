"""A Markdown summary of a run, for a CI job's page (`--summary-file "$GITHUB_STEP_SUMMARY"`).

Counts per rule, then one table row per finding (the first MAX_ROWS), each linked to the
line in the repository when the GitHub environment says where that is. Written in
addition to the run's main report, so one run gives annotations and a summary.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping

from ragfirst.reporters.links import is_web_link
from ragfirst.reporters.report import Report

MAX_ROWS = 200
"""GitHub caps a step summary at 1 MiB; a table this long is read by nobody anyway."""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column breaks, no HTML."""
    text = " ".join(text.split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, escaped)
    return text


def _blob_url(environ: Mapping[str, str]) -> str | None:
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    sha = environ.get("GITHUB_SHA")
    if server and repository and sha and is_web_link(server):
        return f"{server.rstrip('/')}/{repository}/blob/{sha}/"
    return None


def render_summary(report: Report, environ: Mapping[str, str] = os.environ) -> str:
    active = report.active
    checked = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    lines = ["## ragfirst", ""]
    if not active:
        lines += [f"No findings ({checked}).", ""]
        return "\n".join(lines) + "\n"
    by_severity = Counter(f.severity for f in active)
    parts = ", ".join(
        f"{by_severity[s]} {s.label}{'s' if by_severity[s] != 1 else ''}"
        for s in sorted(by_severity, reverse=True)
    )
    files = len({f.path for f in active})
    lines += [
        f"**{len(active)} finding{'s' if len(active) != 1 else ''}** ({parts}) in {files} "
        f"file{'s' if files != 1 else ''} ({checked}).",
        "",
        "| Rule | Findings | Severity |",
        "| --- | ---: | --- |",
    ]
    rules = Counter((f.rule_id, f.rule_name, f.severity) for f in active)
    for (rule_id, name, severity), count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0][0])):
        lines.append(f"| {rule_id} {_cell(name)} | {count} | {severity.label} |")
    lines += ["", "| Location | Rule | Severity | Message |", "| --- | --- | --- | --- |"]
    blob = _blob_url(environ)
    ordered = sorted(active, key=lambda f: (-f.severity, f.path, f.span.start_line))
    for finding in ordered[:MAX_ROWS]:
        where = f"{finding.path}:{finding.span.start_line}:{finding.span.start_col + 1}"
        location = _cell(where)
        if blob and not os.path.isabs(finding.path):
            location = f"[{location}]({blob}{finding.path}#L{finding.span.start_line})"
        rule = finding.rule_id
        if is_web_link(finding.guide_url):
            rule = f"[{rule}]({finding.guide_url})"
        lines.append(f"| {location} | {rule} | {finding.severity.label} | {_cell(finding.message)} |")
    if len(ordered) > MAX_ROWS:
        lines += ["", f"... and {len(ordered) - MAX_ROWS} more (see the job's log or the SARIF report)."]
    return "\n".join(lines) + "\n"


def append_summary(path: str, report: Report) -> None:
    """Append (GitHub's step summary file collects every step's output)."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(render_summary(report))
