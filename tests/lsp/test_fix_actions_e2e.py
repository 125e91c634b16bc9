"""Fixes in the editor, end to end through pytest-lsp: the RF401 quick fix applies and the
diagnostic goes away; a fix requested after an edit (before the re-lint) is pinned to the
version it was computed for, so the editor refuses it; `source.fixAll.ragfirst` applies
only safe fixes; suppressions inside JSX children stay JSX."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

CHAT = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])\n'
)
# RF401 (safe fix) and RF303 (unsafe fix) in one file.
BOTH = CHAT + (
    "from langchain_text_splitters import RecursiveCharacterTextSplitter\n\n"
    "splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)\n"
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, root: Path, debounce_ms: int = 30) -> None:
    caps = client_capabilities("neovim@v0.10.0")
    caps = attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, diagnostic=None))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": debounce_ms},
        )
    )


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "python") -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


def codes(client: LanguageClient, uri: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(uri, []))


def apply(text: str, edit: types.WorkspaceEdit, version: int) -> str:
    """Apply a workspace edit as an editor does: refused when its version is not the
    document's (ASCII text, so UTF-16 columns are characters)."""
    assert edit is not None
    (change,) = edit.document_changes
    if change.text_document.version is not None and change.text_document.version != version:
        raise RuntimeError("stale edit refused")
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for e in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        begin = starts[e.range.start.line] + e.range.start.character
        end = starts[e.range.end.line] + e.range.end.character
        text = text[:begin] + e.new_text + text[end:]
    return text


async def actions_for(
    client: LanguageClient, uri: str, only: list[str] | None = None
) -> list[types.CodeAction]:
    diagnostics = client.diagnostics.get(uri, [])
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=99, character=0)
            ),
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )


async def test_rf401_quick_fix_applies_and_the_diagnostic_disappears(client, tmp_path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "app.py", CHAT)
    await wait_for(lambda: codes(client, uri) == ["RF401"])
    actions = await actions_for(client, uri)
    fix = next(a for a in actions if a.title == "Add max_completion_tokens=4096")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.edit.document_changes[0].text_document.version == 1
    fixed = apply(CHAT, fix.edit, 1)
    assert "messages=[], max_completion_tokens=4096)\n" in fixed
    change_doc(client, uri, 2, fixed)
    await wait_for(lambda: codes(client, uri) == [])


async def test_a_fix_requested_after_an_edit_is_refused_not_misplaced(client, tmp_path):
    await start(client, tmp_path, debounce_ms=1500)  # the request comes before the re-lint
    uri = open_doc(client, tmp_path / "app.py", CHAT)
    await wait_for(lambda: codes(client, uri) == ["RF401"])
    stale_diagnostics = list(client.diagnostics[uri])
    edited = "# a new first line\n" + CHAT  # every line moves down; no re-lint yet
    change_doc(client, uri, 2, edited)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=stale_diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=stale_diagnostics),
        )
    )
    fixes = [a for a in actions if a.title.startswith("Add max_completion_tokens")]
    assert fixes == []  # the diagnostics are of version 1, the document is at 2: no fix
    for fix in fixes:  # not offered (the lint was of version 1), or pinned to version 1
        assert fix.edit.document_changes[0].text_document.version == 1
        try:
            apply(edited, fix.edit, 2)
        except RuntimeError:
            continue  # the editor refuses it: right
        raise AssertionError("a fix computed for version 1 was applied to version 2")
    all_fix = (await actions_for(client, uri, only=["source.fixAll.ragfirst"]))[0]
    change = all_fix.edit.document_changes[0]
    assert not change.edits or change.text_document.version == 2  # nothing stale
    # after the re-lint, the fix is offered for the new text and lands on the right line
    await wait_for(lambda: any(d.range.start.line == 4 for d in client.diagnostics.get(uri, [])))
    fresh = next(a for a in await actions_for(client, uri) if a.title.startswith("Add max_completion_tokens"))
    assert "messages=[], max_completion_tokens=4096)" in apply(edited, fresh.edit, 2).split("\n")[4]


async def test_fix_all_applies_only_safe_fixes(client, tmp_path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "app.py", BOTH)
    await wait_for(lambda: codes(client, uri) == ["RF303", "RF401"])
    quick = [a.title for a in await actions_for(client, uri)]
    assert "Set chunk_overlap=100 (10% of chunk_size=1000) (unsafe: check the result)" in quick
    (action,) = await actions_for(client, uri, only=["source.fixAll.ragfirst"])
    assert action.kind == "source.fixAll.ragfirst"
    fixed = apply(BOTH, action.edit, 1)
    assert "max_completion_tokens=4096" in fixed
    assert "chunk_overlap=0)" in fixed  # the unsafe RF303 fix is not applied
    change_doc(client, uri, 2, fixed)
    await wait_for(lambda: codes(client, uri) == ["RF303"])


async def test_suppression_inside_jsx_children_is_a_jsx_comment(client, tmp_path):
    page = (
        '"use client";\n'
        'import OpenAI from "openai";\n\n'
        "export default function Page() {\n"
        "  return (\n"
        "    <div>\n"
        "      {new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true }).models.list() && null}\n"
        "    </div>\n"
        "  );\n"
        "}\n"
    )
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "page.tsx", page, "typescriptreact")
    await wait_for(lambda: "RF405" in codes(client, uri))
    actions = await actions_for(client, uri)
    suppress = next(a for a in actions if a.title == "Suppress RF405 on this line (with reason)")
    fixed = apply(page, suppress.edit, 1)
    comment_line = next(line for line in fixed.split("\n") if "ragfirst: ignore[RF405]" in line)
    assert comment_line.strip().startswith("{/*") and comment_line.strip().endswith("*/}")
    change_doc(client, uri, 2, fixed)
    await wait_for(lambda: "RF405" not in codes(client, uri))


# Two rounds for one finding: `max_tokens=None` is renamed, then the `None` gets a value.
TWO_ROUNDS = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="o3", messages=[], max_tokens=None)\n'
)


async def test_fix_all_runs_the_rounds_of_fix_and_writes_what_it_writes(client, tmp_path):
    import os
    import subprocess

    await start(client, tmp_path)
    (tmp_path / "ragfirst.toml").write_text("", encoding="utf-8")
    uri = open_doc(client, tmp_path / "app.py", TWO_ROUNDS)
    await wait_for(lambda: codes(client, uri) == ["RF401"])
    (action,) = await actions_for(client, uri, only=["source.fixAll.ragfirst"])
    fixed = apply(TWO_ROUNDS, action.edit, 1)
    assert fixed.endswith("messages=[], max_completion_tokens=4096)\n"), fixed
    # The same bytes as `ragfirst check --fix` on the file.
    cli = tmp_path / "cli"
    cli.mkdir()
    (cli / "ragfirst.toml").write_text("", encoding="utf-8")
    (cli / "app.py").write_text(TWO_ROUNDS, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "ragfirst", "check", "--no-cache", "--fix", "."],
        cwd=cli,
        capture_output=True,
        env={**os.environ, "RAGFIRST_TODAY": "2026-11-25"},
    )
    assert (cli / "app.py").read_text(encoding="utf-8") == fixed
    change_doc(client, uri, 2, fixed)
    await wait_for(lambda: codes(client, uri) == [])
    # The rounds ran on unsaved text: the project model still holds the user's text.
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == TWO_ROUNDS


VUE = (
    "<template>\n  <div>{{ answer }}</div>\n</template>\n\n"
    '<script setup lang="ts">\nimport OpenAI from "openai";\nconst client = new OpenAI();\n'
    'const answer = await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [] });\n'
    "</script>\n"
)


async def test_a_vue_component_gets_its_quick_fix_in_the_script_block(client, tmp_path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "App.vue", VUE, "vue")
    await wait_for(lambda: codes(client, uri) == ["RF401"])
    fix = next(a for a in await actions_for(client, uri) if a.title == "Add max_completion_tokens: 4096")
    fixed = apply(VUE, fix.edit, 1)
    assert "messages: [], max_completion_tokens: 4096 });\n</script>\n" in fixed
    assert fixed.startswith(VUE.split("<script")[0])
    change_doc(client, uri, 2, fixed)
    await wait_for(lambda: codes(client, uri) == [])
