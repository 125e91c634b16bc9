"""Lint one open document: its buffer through the session's project model, as the CLI
would lint the file (runs in a worker thread)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ragfirst.analyzers.python_chunks import ChunkedParser, reusing_unchanged_statements
from ragfirst.analyzers.registry import language_of
from ragfirst.engine.engine import FileAnalysis
from ragfirst.fixes.suppression_comments import document_lines
from ragfirst.lsp.exclusion import is_excluded
from ragfirst.lsp.notebooks import in_file_positions
from ragfirst.lsp.session import Session
from ragfirst.lsp.uris import document_path
from ragfirst.model import Finding


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    analysis: FileAnalysis | None = None
    lines: list[str] = field(default_factory=list)
    language: str | None = None  # the analyzer's language (None: not a file ragfirst reads)


def lint_document(
    session: Session, statements: ChunkedParser, uri: str, text: str, language_id: str = ""
) -> LintResult:
    folder = session.folder_paths[0] if session.folder_paths else None
    path = document_path(uri, language_id, folder)
    if path is None or language_of(path.name) is None:
        return LintResult(lines=document_lines(text))
    settings = session.settings_for(path)
    if len(text) > settings.max_file_size:
        # As in the CLI: a document over max-file-size is one RF000, and is neither
        # split into lines nor encoded whole (a 300 MB buffer peaked at 2.5 GB).
        text = text[: settings.max_file_size + 1]
    lines = document_lines(text)  # keeps the line ending for quick-fix edits
    owner = session.folder_for(path)
    if owner is not None and is_excluded(path, owner, session.settings_for):
        return LintResult(lines=lines)  # `ragfirst check .` skips it: so does the editor
    # A buffer with lone surrogates cannot be UTF-8: keep the bytes (surrogatepass), so
    # the engine reports the invalid text as RF000 instead of the request failing.
    data = text.encode("utf-8", errors="surrogatepass")
    with reusing_unchanged_statements(statements):
        findings, analysis = session.analyze(path, data, uri)
    if analysis.notebook is not None:  # an .ipynb opened as JSON: positions in its text
        findings = in_file_positions(findings)
    return LintResult(findings, analysis, lines, language_of(path.name))


def syntax_error_line(findings: list[Finding]) -> int | None:
    """The first line of a parse failure (an RF000 that stopped the analysis), if any."""
    lines = [f.span.start_line for f in findings if f.rule_id == "RF000" and "syntax error" in f.message]
    return min(lines) if lines else None


def keep_unaffected(
    findings: list[Finding], lines: list[str], good: list[Finding], good_lines: list[str]
) -> list[Finding]:
    """While a syntax error stops the analysis, the last good findings stay for the lines
    above the error whose text has not changed (no flicker while typing); the ones on
    or below the error, or on edited lines, are dropped until the file parses again."""
    error_line = syntax_error_line(findings)
    if error_line is None or not good:
        return findings
    present = {(f.rule_id, f.span) for f in findings}
    kept = []
    for finding in good:
        span = finding.span
        if finding.rule_id == "RF000" or span.end_line >= error_line or (finding.rule_id, span) in present:
            continue
        same = all(
            0 < n <= len(lines) and n <= len(good_lines) and lines[n - 1] == good_lines[n - 1]
            for n in range(span.start_line, span.end_line + 1)
        )
        if same:
            kept.append(finding)
    return findings + kept if kept else findings
