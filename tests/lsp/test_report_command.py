"""`ragfirst.showReport` end to end through pytest-lsp: the report is written for the
workspace, opened where the client supports window/showDocument, else its path returned."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.test_server_e2e import FINE_TUNE, push_capabilities, start, write


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


def _without_show_document() -> types.ClientCapabilities:
    caps = push_capabilities()
    return attrs.evolve(caps, window=attrs.evolve(caps.window, show_document=None))


async def _show_report(client: LanguageClient, *arguments) -> dict:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.showReport", arguments=list(arguments))
    )


async def test_show_report_is_advertised_writes_and_opens_the_report(client, tmp_path):
    workspace = tmp_path / "shop"
    write(workspace, "train.py", FINE_TUNE)
    result = await start(client, [workspace])
    assert "ragfirst.showReport" in result.capabilities.execute_command_provider.commands
    answer = await _show_report(client)
    page = Path(answer["path"])
    assert answer["shown"] is True
    assert not page.is_relative_to(workspace)  # nothing written into the user's tree
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "ragfirst report: shop" in text
    assert "hosted fine-tuning (RF101)" in text
    [shown] = client.shown_documents
    assert shown.uri == page.as_uri() and shown.external is True


async def test_without_show_document_the_path_is_returned(client, tmp_path):
    write(tmp_path, "train.py", FINE_TUNE)
    await start(client, [tmp_path], capabilities=_without_show_document())
    answer = await _show_report(client, {"format": "markdown"})
    assert answer["shown"] is False
    assert client.shown_documents == []
    assert Path(answer["path"]).read_text(encoding="utf-8").startswith("# ragfirst report:")


async def test_an_unknown_format_is_invalid_params(client, tmp_path):
    await start(client, [tmp_path])
    with pytest.raises(Exception, match="format must be html or markdown"):
        await _show_report(client, {"format": "pdf"})
