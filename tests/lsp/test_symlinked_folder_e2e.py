"""A workspace folder opened through a symlink, with an unsaved edit that changes what a
file imports: the server settles. (Found by the session-15 review: the relink read the
file from disk, the buffer's real path not being the editor's URI, so the relink and the
buffer's own lint disagreed about its imports and relinted each other forever: 547 lints
in 30 s for a `.py` document, and notebooks too once they were linked.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.editor_session import answer_refreshes, settled_stats
from tests.lsp.test_notebooks_e2e import CLIENT_CELL, JOB_CELL, codes, open_notebook, with_notebooks
from tests.lsp.test_server_e2e import open_doc, push_capabilities, start, wait_for


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def linked_folder(tmp_path: Path, name: str, on_disk: str) -> Path:
    """`ws` -> `real`: the project, with `name` importing `app.other` (no client) on disk."""
    real = tmp_path / "real"
    (real / "app").mkdir(parents=True)
    (real / "app" / "__init__.py").write_text("")
    (real / "app" / "clients.py").write_text(CLIENT_CELL)
    (real / "app" / "other.py").write_text("client = None\n")
    (real / name).write_text(on_disk)
    (tmp_path / "ws").symlink_to(real)
    return tmp_path / "ws"


async def settles(client: LanguageClient) -> int:
    """The lints counted once the server is quiet, twice over (the same: no loop)."""
    first = await settled_stats(client, timeout=20)
    again = await settled_stats(client, timeout=20)
    assert first["lints"] == again["lints"]
    return sum(first["lints"].values())


async def test_an_unsaved_import_edit_in_a_symlinked_folder_settles(client, tmp_path):
    ws = linked_folder(tmp_path, "train.py", "from app.other import client\n" + JOB_CELL)
    await start(client, [ws], capabilities=push_capabilities())
    uri = open_doc(client, ws / "train.py", text="from app.clients import client\n" + JOB_CELL)
    await wait_for(lambda: "RF101" in codes(client, uri), timeout=30)
    assert await settles(client) < 10


async def test_an_unsaved_notebook_in_a_symlinked_folder_settles(client, tmp_path):
    cells = ["from app.other import client\n", JOB_CELL]
    on_disk = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": [c]} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    ws = linked_folder(tmp_path, "train.ipynb", json.dumps(on_disk))
    await start(client, [ws], capabilities=with_notebooks(push_capabilities()))
    uris = open_notebook(
        client, ws / "train.ipynb", [("code", "from app.clients import client\n"), ("code", JOB_CELL)]
    )
    await wait_for(lambda: "RF101" in codes(client, uris[1]), timeout=30)
    await settles(client)
