"""Issue 24, bug 7 with the VS Code, Neovim 0.11 and Emacs 29 capability sets: the
"Suppress ... on this line" action for a finding inside JSX children inserts a JSX
comment `{/* ... */}` (a `//` line there renders as text), and applying it suppresses
the finding. (tests/editors has the same in real Neovim and Eglot.)"""

from __future__ import annotations

import pytest
from lsprotocol import types
from tests.editors import JSX_PAGE, check_jsx_suppression
from tests.lsp.editor_session import change_doc, codes, editor, open_doc, wait_diagnostics, write


def applied(text: str, edit: types.WorkspaceEdit) -> str:
    lines = text.split("\n")
    [change] = edit.document_changes
    for text_edit in sorted(
        change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = text_edit.range.start, text_edit.range.end
        before = "\n".join([*lines[: start.line], lines[start.line][: start.character]])
        after = "\n".join([lines[end.line][end.character :], *lines[end.line + 1 :]])
        lines = (before + text_edit.new_text + after).split("\n")
    return "\n".join(lines)


@pytest.mark.parametrize("profile", ["vscode", "neovim", "emacs"])
async def test_7_suppression_inside_jsx_children_is_a_jsx_comment(tmp_path, profile):
    path = write(tmp_path, "app/page.tsx", JSX_PAGE)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), JSX_PAGE, language="typescriptreact")
        found = await wait_diagnostics(client, uri, lambda d: "RF405" in codes(d))
        leak = next(d for d in found if d.code == "RF405")
        assert leak.range.start.line == 6
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=leak.range,
                context=types.CodeActionContext(diagnostics=[leak]),
            )
        )
        [suppress] = [a for a in actions if a.title == "Suppress RF405 on this line (with reason)"]
        fixed = applied(JSX_PAGE, suppress.edit)
        check_jsx_suppression(fixed.split("\n"), f"[{profile}] ")
        change_doc(client, uri, 2, fixed)
        await wait_diagnostics(client, uri, lambda d: "RF405" not in codes(d))
