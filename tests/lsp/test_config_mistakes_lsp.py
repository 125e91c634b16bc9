"""Issue 22 in the editor: a config naming an unknown rule id or a wrong option value is
reported on the config file, at the key, as the CLI reports it (never an RF000 "internal
error" on the file being edited)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import attrs
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FINE_TUNE = (
    "from openai import AzureOpenAI\n\nclient = AzureOpenAI()\n"
    'client.fine_tuning.jobs.create(model="gpt-35-turbo-0125", training_file="file-abc")\n'
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


def _push_capabilities() -> types.ClientCapabilities:
    """A client that takes pushed diagnostics (no textDocument/diagnostic support)."""
    caps = client_capabilities("neovim@v0.10.0")
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, diagnostic=None))


async def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


async def _config_diagnostics(client: LanguageClient, root: Path, config_text: str) -> list[types.Diagnostic]:
    config = root / "pyproject.toml"
    config.write_text(config_text, encoding="utf-8")
    train = root / "train.py"
    train.write_text(FINE_TUNE, encoding="utf-8")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=_push_capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": 30},
        )
    )
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=train.as_uri(), language_id="python", version=1, text=FINE_TUNE
            )
        )
    )
    uri = config.resolve().as_uri()
    await _wait_for(lambda: bool(client.diagnostics.get(uri)))
    return client.diagnostics[uri]


async def test_unknown_rule_id_in_the_config_is_shown_on_the_config(client, tmp_path):
    (diagnostic,) = await _config_diagnostics(client, tmp_path, '[tool.ragfirst]\nselect = ["RF1O1"]\n')
    assert "'RF1O1' is not a rule id or prefix; the closest real one is RF101" in diagnostic.message
    assert diagnostic.range.start == types.Position(line=1, character=11)


async def test_wrong_option_value_is_shown_on_the_config(client, tmp_path):
    (diagnostic,) = await _config_diagnostics(
        client, tmp_path, '[tool.ragfirst.options.RF402]\nmonthly-threshold = "lots"\n'
    )
    assert "options.RF402.monthly-threshold must be a number" in diagnostic.message
    assert diagnostic.range.start.line == 1


async def test_per_file_ignores_apply_in_the_editor(client, tmp_path):
    """The editor drops the same findings as `ragfirst check` for per-file-ignores paths."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ragfirst]\nselect = ["RF101"]\n[tool.ragfirst.per-file-ignores]\n"scripts/" = ["RF1"]\n',
        encoding="utf-8",
    )
    ignored, reported = tmp_path / "scripts" / "train.py", tmp_path / "app" / "train.py"
    for path in (ignored, reported):
        path.parent.mkdir(parents=True)
        path.write_text(FINE_TUNE, encoding="utf-8")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=_push_capabilities(),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name=tmp_path.name)],
            initialization_options={"debounceMs": 30},
        )
    )
    for path in (ignored, reported):
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id="python", version=1, text=FINE_TUNE
                )
            )
        )
    await _wait_for(lambda: [str(d.code) for d in client.diagnostics.get(reported.as_uri(), [])] == ["RF101"])
    await _wait_for(lambda: ignored.as_uri() in client.diagnostics)
    assert list(client.diagnostics[ignored.as_uri()]) == []
