"""Findings to published diagnostics, each with its typed `DiagnosticData` (the rule, the
guide, the suppression edits, the version they were computed for)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ragfirst.analyzers.registry import language_of
from ragfirst.fixes.comment_positions import UNKNOWN, line_breaks
from ragfirst.fixes.suppression_comments import file_suppression_edit
from ragfirst.fixes.suppression_edits import line_edit as jsx_safe_line_edit
from ragfirst.lsp.convert import to_client_col, to_diagnostic
from ragfirst.lsp.diagnostic_data import DiagnosticData
from ragfirst.lsp.python_breaks import python_breaks
from ragfirst.lsp.uris import uri_to_path
from ragfirst.model import Finding


def diagnostics_for(
    uri: str,
    findings: list[Finding],
    lines: list[str],
    encoding: str,
    version: int | None,
    language: str | None = None,
) -> list[types.Diagnostic]:
    language = language or language_of(uri) or "python"
    result = []
    file_edits: dict[str, Any] = {}  # the file-level suppression depends on the rule only
    commentable = [f for f in findings if not f.suppressed and f.rule_id != "RF000"]
    breaks = UNKNOWN  # legal comment lines: Python's re-use unchanged statements' tokens
    if commentable:
        breaks = python_breaks(lines) if language == "python" else line_breaks(lines, language)
    for finding in findings:
        if finding.suppressed:
            continue
        data = DiagnosticData(
            rule=finding.rule_id,
            guide=finding.guide_url,
            fingerprint=finding.fingerprint,
            version=version,
            inlay=finding.data.get("inlay") or None,
        )
        if finding.rule_id != "RF000":
            if finding.rule_id not in file_edits:
                file_edits[finding.rule_id] = file_suppression_edit(lines, finding.rule_id, language)
            line_edit = jsx_safe_line_edit(  # `{/* ... */}` in JSX children (issue 20)
                lines, finding.span.start_line, finding.rule_id, language, breaks, uri_to_path(uri)
            )
            if line_edit is not None:
                data.suppress_line = client_edit(line_edit, lines, encoding)
            if file_edits[finding.rule_id] is not None:
                data.suppress_file = client_edit(file_edits[finding.rule_id], lines, encoding)
        result.append(to_diagnostic(finding, lines, encoding, data.to_json()))
    return result


def client_edit(edit: dict[str, Any], lines: list[str], encoding: str) -> dict[str, Any]:
    """An edit in code points on one line, as an LSP TextEdit in the client's encoding."""
    line_text = lines[edit["line"]] if edit["line"] < len(lines) else ""
    start = to_client_col(line_text, edit["start"], encoding)
    end = to_client_col(line_text, edit["end"], encoding)
    return {
        "range": {
            "start": {"line": edit["line"], "character": start},
            "end": {"line": edit["line"], "character": end},
        },
        "newText": edit["text"],
    }


def config_error_diagnostic(line: int, col: int, message: str) -> types.Diagnostic:
    """A broken config or rule pack, at the place the error message names (1-based)."""
    start = types.Position(line=max(line - 1, 0), character=max(col - 1, 0))
    return types.Diagnostic(
        range=types.Range(start=start, end=types.Position(line=start.line, character=start.character + 1)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code="RF000",
        source="ragfirst",
    )
