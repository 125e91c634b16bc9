"""textDocument/codeAction: "Open guide", the suppressions, and `source.fixAll.ragfirst`.

Every edit is built from the diagnostic's `DiagnosticData` and names the document version
that data was computed for, so a client refuses an edit made stale by a later change
(issue 24, bug 6). Fixes from the engine plug in through `fix_providers`: each gets the
document, its DiagnosticData and the diagnostic, and returns code actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ragfirst.lsp.diagnostic_data import DiagnosticData, TextEditJson

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer

FIX_ALL_KIND = "source.fixAll.ragfirst"
OPTIONS = types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False
)

FixProvider = Callable[[str, DiagnosticData, types.Diagnostic], list[types.CodeAction]]
fix_providers: list[FixProvider] = []  # quick fixes computed by the engine (issue 20)
FixAllProvider = Callable[[Any, str, int | None], types.CodeAction | None]
fix_all_provider: list[FixAllProvider] = []  # at most one: the source.fixAll action


def code_action(ls: RagfirstServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    only = params.context.only or []
    if only and all(not str(kind).startswith("quickfix") for kind in only):
        if any(str(kind).startswith("source.fixAll") for kind in only):
            return [fix_all(ls, uri)]
        return []
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        data = DiagnosticData.from_json(diagnostic.data) if diagnostic.source == "ragfirst" else None
        if data is None:
            continue
        actions.extend(actions_for(uri, data, diagnostic))
    return actions


def actions_for(uri: str, data: DiagnosticData, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    rule_id = data.rule
    actions: list[types.CodeAction] = []
    for provider in fix_providers:
        actions.extend(provider(uri, data, diagnostic))
    if data.guide:
        actions.append(
            types.CodeAction(
                title=f"Open guide for {rule_id}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title=f"Open guide for {rule_id}", command="ragfirst.openGuide", arguments=[data.guide]
                ),
            )
        )
    for edit, title in (
        (data.suppress_line, f"Suppress {rule_id} on this line (with reason)"),
        (data.suppress_file, f"Suppress {rule_id} in this file"),
    ):
        if edit:
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=workspace_edit(uri, data.version, [edit]),
                )
            )
    return actions


def workspace_edit(uri: str, version: int | None, edits: list[TextEditJson]) -> types.WorkspaceEdit:
    """Edits to one document, valid only for `version` (the one they were computed for)."""
    text_edits = [
        types.TextEdit(
            range=types.Range(
                start=types.Position(**edit["range"]["start"]), end=types.Position(**edit["range"]["end"])
            ),
            new_text=edit["newText"],
        )
        for edit in edits
    ]
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits,
            )
        ]
    )


def fix_all(ls: RagfirstServer, uri: str) -> types.CodeAction:
    """No built-in rule has a fix safe enough to apply unasked yet; the kind is supported
    so editors can run it on save, and it returns an empty edit for the version the last
    lint saw."""
    state = ls.session.documents.get(uri)
    version = state.published_version if state else None
    for provider in fix_all_provider:
        action = provider(ls, uri, version)
        if action is not None:
            return action
    return types.CodeAction(
        title="ragfirst: fix all safe fixes", kind=FIX_ALL_KIND, edit=workspace_edit(uri, version, [])
    )
