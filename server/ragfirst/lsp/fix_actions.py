"""Fixes in the editor: a `quickfix` code action per fix (preferred when safe) and
`source.fixAll.ragfirst` for every safe fix of a document, after the same rounds as
`ragfirst check --fix` (each round's text linted without touching the project model).

Fixes are computed when a code action is asked for, not at every lint (a minified bundle
has a thousand RF401 findings), from the findings of the last lint and the document's
text, and only when the document is still at the version that lint saw. Every edit is a
`TextDocumentEdit` on that version (`OptionalVersionedTextDocumentIdentifier`): a fix
asked for after the user typed, before the re-lint, is not offered (and an editor would
refuse an edit for an older version), so it never lands on the wrong line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lsprotocol import types

from ragfirst.fixes.apply import fix_until_settled, parses
from ragfirst.fixes.text_edits import diff_edits
from ragfirst.lsp.convert import to_range
from ragfirst.model import Finding, Fix, FixSafety

FIX_ALL_KIND = "source.fixAll.ragfirst"


def fix_data(finding: Finding, lines: list[str], encoding: str, version: int | None) -> dict[str, Any] | None:
    """What `Diagnostic.data["fix"]` carries for a finding with an edit to offer."""
    fix = finding.fix
    if fix is None or not fix.edits or fix.safety is FixSafety.DISPLAY_ONLY:
        return None
    return {
        "title": fix.title,
        "safety": fix.safety.value,
        "version": version,
        "edits": [_client_edit(edit.span, edit.new_text, lines, encoding) for edit in fix.edits],
    }


def _client_edit(span: Any, text: str, lines: list[str], encoding: str) -> dict[str, Any]:
    newline = getattr(lines, "newline", "\n")
    return {
        "range": to_range(span, lines, encoding),
        "newText": text if newline == "\n" else text.replace("\r\n", "\n").replace("\n", newline),
    }


def _document_edit(uri: str, version: int | None, edits: list[dict[str, Any]]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=[types.TextEdit(range=_range(e["range"]), new_text=e["newText"]) for e in edits],
            )
        ]
    )


def _range(value: Any) -> types.Range:
    if isinstance(value, types.Range):
        return value
    start, end = value["start"], value["end"]
    return types.Range(
        start=types.Position(line=int(start["line"]), character=int(start["character"])),
        end=types.Position(line=int(end["line"]), character=int(end["character"])),
    )


def quick_fix_actions(ls: Any, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    """The fix of one of our diagnostics as a quick fix: none when it has no edit, or when
    the document changed since the lint that produced the diagnostic."""
    from ragfirst.fixes.rule_fixes import fix_for
    from ragfirst.fixes.suppression_comments import document_lines

    state = ls.session.documents.get(uri)
    document = ls.workspace.get_text_document(uri)
    if state is None or state.published_version != document.version:
        return []
    text = document.source
    lines = document_lines(text)
    encoding = ls.encoding()
    for finding in state.findings:
        if finding.suppressed or finding.rule_id != str(diagnostic.code):
            continue
        if to_range(finding.span, lines, encoding) != diagnostic.range:
            continue
        if finding.fix is None:
            finding.fix = fix_for(finding, text)
        data = fix_data(finding, lines, encoding, state.published_version)
        if data is None:
            return []
        safe = data["safety"] == FixSafety.SAFE.value
        return [
            types.CodeAction(
                title=data["title"] if safe else f"{data['title']} (unsafe: check the result)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=safe,
                edit=_document_edit(uri, data["version"], data["edits"]),
            )
        ]
    return []


def fix_all_action(
    uri: str,
    text: str,
    lines: list[str],
    findings: list[Finding],
    encoding: str,
    linted_version: int | None,
    current_version: int | None,
    relint: Callable[[str], list[Finding]] | None = None,
) -> types.CodeAction:
    """Every safe fix of the document in one edit, on the version the findings were
    computed for, after the same rounds `--fix` runs (apply the non-overlapping fixes,
    lint the new text with `relint`, repeat), so the editor ends where `--fix` would.
    When the document changed since the lint, the edit is empty (the findings' positions
    are not this text's): fix-all on save runs again after the lint."""
    edits: list[dict[str, Any]] = []
    if linted_version == current_version:
        outcome = fix_until_settled(uri, text, findings, False, relint or (lambda _text: []))
        if outcome.applied and parses(uri, outcome.text):
            edits = [
                _client_edit(e.span, e.new_text, lines, encoding) for e in diff_edits(text, outcome.text)
            ]
    return types.CodeAction(
        title="ragfirst: apply all safe fixes",
        kind=FIX_ALL_KIND,
        edit=_document_edit(uri, linted_version, edits),
    )


def has_fix(fix: Fix | None) -> bool:
    return fix is not None and bool(fix.edits)


def fix_all_for(ls: Any, uri: str) -> types.CodeAction:
    """`source.fixAll.ragfirst` for a document the server holds (server.py's hook)."""
    from ragfirst.fixes.suppression_comments import document_lines

    document = ls.workspace.get_text_document(uri)
    state = ls.session.documents.get(uri)
    findings = state.findings if state is not None else []
    linted = state.published_version if state is not None else None
    text = document.source

    def relint(new_text: str) -> list[Finding]:
        return lint_unsaved(ls.session, uri, new_text, document.language_id or "")

    return fix_all_action(
        uri, text, document_lines(text), findings, ls.encoding(), linted, document.version, relint
    )


def lint_unsaved(session: Any, uri: str, text: str, language_id: str) -> list[Finding]:
    """The findings of a text the document does not hold yet (a fix round's result),
    analysed as the server's lint would, but without putting it in the project model:
    the other documents keep seeing the text the user has."""
    from ragfirst.lsp.uris import document_path

    folder = session.folder_paths[0] if session.folder_paths else None
    path = document_path(uri, language_id, folder)
    if path is None:
        return []
    return session.findings_of_text(path, text.encode("utf-8", errors="surrogatepass"))
