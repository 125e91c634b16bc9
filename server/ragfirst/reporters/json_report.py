"""JSON output, schema version 1 (documented in docs/output-formats.md).

Positions: `line` 1-based, `column` 1-based in code points (as in the text output);
`end` is exclusive. Fields are only ever added within a version.
"""

from __future__ import annotations

from typing import Any

from ragfirst import __version__
from ragfirst.model import Finding
from ragfirst.reporters.json_text import dumps_indented

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.label,
        "message": finding.message,
        "path": finding.path,
        "start": {"line": span.start_line, "column": span.start_col + 1},
        "end": {"line": span.end_line, "column": span.end_col + 1},
        # Notebooks: `start`/`end` are inside cell `cell` (1-based among all cells, markdown
        # included); `file_start` is the same place in the .ipynb's JSON text.
        "cell": finding.cell.cell if finding.cell is not None else None,
        "guide": finding.guide_url,
        "fingerprint": finding.fingerprint,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        "fix": None
        if finding.fix is None
        else {
            "title": finding.fix.title,
            "safety": finding.fix.safety.value,
            "edits": [
                {
                    "start": {"line": e.span.start_line, "column": e.span.start_col + 1},
                    "end": {"line": e.span.end_line, "column": e.span.end_col + 1},
                    "text": e.new_text,
                }
                for e in finding.fix.edits
            ],
        },
        **_notebook_fields(finding),
    }


def _notebook_fields(finding: Finding) -> dict[str, Any]:
    if finding.cell is None:
        return {}
    file_span = finding.cell.file_span
    return {
        "file_start": {"line": file_span.start_line, "column": file_span.start_col + 1},
        "file_end": {"line": file_span.end_line, "column": file_span.end_col + 1},  # issue 22
        "in_output": finding.cell.output,
    }


def render_json(findings: list[Finding], files_checked: int) -> str:
    payload = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "ragfirst", "version": __version__},
        "files_checked": files_checked,
        "findings": [finding_to_dict(f) for f in findings],
    }
    return dumps_indented(payload) + "\n"  # json.dumps(indent=2, ensure_ascii=False)
