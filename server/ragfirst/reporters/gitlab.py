"""GitLab Code Quality report (`artifacts: reports: codequality:`), a subset of Code Climate.

Each issue has `description`, `check_name`, `fingerprint`, `severity` (hint -> info,
info -> minor, warning -> major, error -> critical) and `location.path` with
`location.lines.begin`. GitLab shows only the first issue of a given fingerprint, so a
second identical finding in one file (same rule, same flagged code) gets a fingerprint
derived from the first and its occurrence number. Suppressed findings are left out.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from ragfirst.model import Severity
from ragfirst.reporters.json_text import dumps_indented
from ragfirst.reporters.positions import file_span, with_cell
from ragfirst.reporters.report import Report

SEVERITIES = {
    Severity.HINT: "info",
    Severity.INFO: "minor",
    Severity.WARNING: "major",
    Severity.ERROR: "critical",
}


def build_gitlab(report: Report) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    issues = []
    for finding in report.active:
        fingerprint = finding.fingerprint
        occurrence = seen[fingerprint]
        seen[fingerprint] += 1
        if occurrence:
            fingerprint = hashlib.sha256(f"{fingerprint}\0{occurrence}".encode()).hexdigest()[:20]
        span = file_span(finding)  # a notebook's JSON lines: what the MR diff shows
        begin = max(span.start_line, 1)
        issues.append(
            {
                "type": "issue",
                "description": f"{finding.rule_id} {with_cell(finding, finding.message)}",
                "check_name": finding.rule_id,
                "fingerprint": fingerprint,
                "severity": SEVERITIES[finding.severity],
                "location": {
                    "path": finding.path,
                    "lines": {"begin": begin, "end": max(span.end_line, begin)},
                },
            }
        )
    return issues


def render_gitlab(report: Report) -> str:
    return dumps_indented(build_gitlab(report)) + "\n"  # json.dumps(indent=2, ensure_ascii=False)
