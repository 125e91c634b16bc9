"""SARIF `fixes` for results whose finding carries an applicable fix (safe or unsafe):
one `artifactChange` on the finding's file, one `replacement` per edit, columns in
UTF-16 like every other SARIF region of ours. Display-only fixes are not edits anyone
should apply, so they are not listed."""

from __future__ import annotations

from typing import Any

from ragfirst.model import Finding, FixSafety


def sarif_fixes(finding: Finding, lines: Any, location: dict[str, Any]) -> list[dict[str, Any]]:
    fix = finding.fix
    if fix is None or not fix.edits or fix.safety is FixSafety.DISPLAY_ONLY or finding.cell is not None:
        return []
    replacements = []
    for edit in fix.edits:
        span = edit.span
        replacements.append(
            {
                "deletedRegion": {
                    "startLine": span.start_line,
                    "startColumn": lines.utf16_column(finding.path, span.start_line, span.start_col) + 1,
                    "endLine": span.end_line,
                    "endColumn": lines.utf16_column(finding.path, span.end_line, span.end_col) + 1,
                },
                "insertedContent": {"text": edit.new_text},
            }
        )
    return [
        {
            "description": {"text": f"{fix.title} ({fix.safety.value})"},
            "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        }
    ]
