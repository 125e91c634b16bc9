"""textDocument/inlayHint: example counts and training cost at the end of a call's line.

Computed on demand (like hovers); the label carries no leading space, the client's
`paddingLeft` adds it (issue 24, bug 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ragfirst.lsp.convert import to_client_col
from ragfirst.model import Finding
from ragfirst.source import SourceText

if TYPE_CHECKING:
    from ragfirst.lsp.server import RagfirstServer


async def inlay_hint(ls: RagfirstServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    if not ls.inlay_hints_enabled:
        return []
    uri = params.text_document.uri
    state = ls.notebooks.cell_state(uri) or await ls.scheduler.current(uri)
    if state is None:
        return []
    document = ls.workspace.get_text_document(uri)
    lines = SourceText(document.source).lines
    # One hint per line: labels of several findings on a call are merged, and a label
    # that another one already contains ("13 examples") is dropped.
    by_line: dict[int, list[Finding]] = {}
    for finding in state.findings:
        if finding.data.get("inlay") and not finding.suppressed:
            by_line.setdefault(finding.span.end_line, []).append(finding)
    hints = []
    for line, findings in sorted(by_line.items()):
        if not params.range.start.line <= line - 1 <= params.range.end.line:
            continue
        labels: list[str] = []
        for label in sorted((f.data["inlay"] for f in findings), key=len, reverse=True):
            if not any(label in kept for kept in labels):
                labels.append(label)
        text = lines[line - 1] if line - 1 < len(lines) else ""
        hints.append(
            types.InlayHint(
                position=types.Position(
                    line=line - 1, character=to_client_col(text, len(text), ls.encoding())
                ),
                label=" · ".join(label.strip() for label in labels),
                kind=types.InlayHintKind.Type,
                padding_left=True,
                tooltip="\n".join(f.message for f in findings),
            )
        )
    return hints
