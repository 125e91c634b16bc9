"""Findings to LSP diagnostics, with columns converted through the negotiated encoding.

Findings carry code-point columns; LSP clients count UTF-16 units unless they negotiated
UTF-8 or UTF-32 (`general.positionEncodings`). Never pass columns through raw.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ragfirst.model import Finding, Severity, Span
from ragfirst.source import char_col_from_utf16, utf16_col

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_client_col(line: str, col: int, encoding: str) -> int:
    col = min(col, len(line))
    if encoding == types.PositionEncodingKind.Utf8:
        return len(line[:col].encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return col
    return utf16_col(line, col)


def from_client_col(line: str, units: int, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(line.encode("utf-8")[:units].decode("utf-8", errors="ignore"))
    if encoding == types.PositionEncodingKind.Utf32:
        return min(units, len(line))
    return char_col_from_utf16(line, units)


def to_range(span: Span, lines: list[str], encoding: str) -> types.Range:
    def line_text(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    return types.Range(
        start=types.Position(
            line=max(span.start_line - 1, 0),
            character=to_client_col(line_text(span.start_line), span.start_col, encoding),
        ),
        end=types.Position(
            line=max(span.end_line - 1, 0),
            character=to_client_col(line_text(span.end_line), span.end_col, encoding),
        ),
    )


def to_diagnostic(
    finding: Finding, lines: list[str], encoding: str, data: dict[str, Any]
) -> types.Diagnostic:
    tags = [types.DiagnosticTag.Unnecessary] if finding.rule_id == "RF001" else None
    return types.Diagnostic(
        range=to_range(finding.span, lines, encoding),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=types.CodeDescription(href=finding.guide_url) if finding.guide_url else None,
        source="ragfirst",
        tags=tags,
        data=data,
    )
