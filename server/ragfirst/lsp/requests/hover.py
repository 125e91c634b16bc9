"""textDocument/hover: the finding at the cursor, its rule's checklist and guide.

Computed on demand: a hover right after an open or an edit waits for the lint of the
current version instead of answering from nothing (issue 24, bug 11)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.lsp.convert import from_client_col, to_range
from ragfirst.lsp.hover_text import hover_markdown
from ragfirst.lsp.uris import document_path
from ragfirst.source import SourceText

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer


async def hover(ls: RagfirstServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    state = ls.notebooks.cell_state(uri) or await ls.scheduler.current(uri)
    if state is None or not state.findings:
        return None
    document = ls.workspace.get_text_document(uri)
    lines = SourceText(document.source).lines
    line_number = params.position.line + 1
    line_text = lines[params.position.line] if params.position.line < len(lines) else ""
    col = from_client_col(line_text, params.position.character, ls.encoding())
    here = [
        finding
        for finding in state.findings
        if not finding.suppressed
        and (finding.span.start_line, finding.span.start_col)
        <= (line_number, col)
        <= (finding.span.end_line, finding.span.end_col)
    ]
    if not here:
        return None
    session = ls.session
    folder = session.folder_paths[0] if session.folder_paths else None
    path = document_path(uri, getattr(state, "language_id", ""), folder) or Path(uri)
    ruleset = session.engine_for(session.settings_for(path)).ruleset
    # Lead with the most serious finding; the others at this spot (and their estimates) follow.
    here.sort(key=lambda f: (-f.severity, f.rule_id))
    rules = [(ruleset.get(f.rule_id), f) for f in here]
    value = hover_markdown([(rule, finding) for rule, finding in rules if rule is not None])
    if not value:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
        range=to_range(here[0].span, lines, ls.encoding()),
    )
