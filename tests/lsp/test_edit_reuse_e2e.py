"""Edit after edit, through the editors' capability sets: the server re-uses the parsed
trees of unchanged statements, and keeps each node's span on the node (the analyzer's
memo, python_analyzer.PythonAnalyzer.span). Diagnostics and the quick-fix edits built
from them must still sit where each version of the buffer puts them, and a quick fix
asked for right after an edit names the version its diagnostic was computed for."""

from __future__ import annotations

import textwrap

import pytest
from lsprotocol import types
from tests.lsp.editor_session import capabilities, change_doc, editor, open_doc, wait_diagnostics, write

PROFILES = ["vscode", "neovim", "emacs"]
CALL = "client.fine_tuning.jobs.create"
TEXT = textwrap.dedent(
    """\
    \"\"\"Jobs.\"\"\"
    from openai import OpenAI

    client = OpenAI()
    COUNTER = 0


    def tune():
        note = "é"; job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="f")
        return job, note
    """
)


def expected_range(text: str, encoding: str) -> types.Range:
    """Where RF101 belongs in `text`: the callee, in the negotiated position encoding."""
    number, line = next((n, line) for n, line in enumerate(text.splitlines()) if CALL in line)
    before = line[: line.index(CALL)]  # holds an "é": one UTF-16/UTF-32 unit, two UTF-8 bytes
    start = len(before.encode("utf-8")) if encoding == "utf-8" else len(before)
    return types.Range(
        start=types.Position(line=number, character=start),
        end=types.Position(line=number, character=start + len(CALL)),
    )


def negotiated(profile: str) -> str:
    """The server takes the client's first offered encoding it supports (lsp/boot.py)."""
    general = capabilities(profile).general
    offered = (general.position_encodings if general else None) or ["utf-16"]
    return str(offered[0])


def is_rf101(diagnostic: types.Diagnostic, version: int) -> bool:
    return diagnostic.code == "RF101" and (diagnostic.data or {}).get("version") == version


async def rf101_at(client, uri: str, text: str, version: int, encoding: str) -> types.Diagnostic:
    """The RF101 diagnostic computed for `version`, checked to sit where `text` puts it."""
    found = await wait_diagnostics(client, uri, lambda items: any(is_rf101(d, version) for d in items))
    diagnostic = next(d for d in found if is_rf101(d, version))
    assert diagnostic.range == expected_range(text, encoding)
    return diagnostic


async def line_fix(client, uri: str, diagnostic: types.Diagnostic) -> types.CodeAction:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Suppress RF101 on")
    )


@pytest.mark.parametrize("profile", PROFILES)
async def test_diagnostics_and_quick_fixes_follow_the_buffer_edit_after_edit(tmp_path, profile):
    versions = [
        TEXT,
        TEXT.replace("COUNTER = 0", "COUNTER = 1"),  # one statement changes; `tune` is re-used
        "import os\n" + TEXT.replace("COUNTER = 0", "COUNTER = 1"),  # every statement moves down
        TEXT.replace("COUNTER = 0", "COUNTER = 1"),  # back: the trees of version 2, re-used
    ]
    encoding = negotiated(profile)
    path = write(tmp_path, "jobs.py", TEXT)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), versions[0])
        diagnostic = await rf101_at(client, uri, versions[0], 1, encoding)
        for number, text in enumerate(versions[1:], start=2):
            change_doc(client, uri, number, text)
            # Asked right after the edit, with the diagnostic the editor still shows: the
            # edit names the version it was computed for (the client refuses it if stale).
            stale = await line_fix(client, uri, diagnostic)
            stale_edit = stale.edit.document_changes[0]
            assert stale_edit.text_document.version == number - 1
            assert stale_edit.edits[0].range.start.line == diagnostic.range.start.line
            diagnostic = await rf101_at(client, uri, text, number, encoding)
            fresh = (await line_fix(client, uri, diagnostic)).edit.document_changes[0]
            assert fresh.text_document.version == number
            assert fresh.edits[0].range.start.line == diagnostic.range.start.line
            assert "ragfirst: ignore[RF101]" in fresh.edits[0].new_text
