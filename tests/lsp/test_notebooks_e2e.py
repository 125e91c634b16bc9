"""Notebooks in the language server, end to end through pytest-lsp: LSP notebook document
sync (`notebookDocument/didOpen` with cells), per-cell diagnostics, hovers and code actions
in cells, and an .ipynb opened as plain JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.editor_session import answer_refreshes, settled_stats
from tests.lsp.test_server_e2e import (
    change_doc,
    open_doc,
    pull_capabilities,
    push_capabilities,
    start,
    wait_for,
    write,
)
from tests.test_notebooks import openai_key

CLIENT_CELL = "from openai import OpenAI\nclient = OpenAI()\n"
JOB_CELL = 'job = client.fine_tuning.jobs.create(training_file="file-abc", model="gpt-4o-mini-2024-07-18")\n'
MAGIC_CELL = "!pip install openai\n%matplotlib inline\nclient.models.list?\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def with_notebooks(caps: types.ClientCapabilities) -> types.ClientCapabilities:
    return attrs.evolve(
        caps,
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=False)
        ),
    )


def cell_uri(path: Path, index: int) -> str:
    return f"vscode-notebook-cell:{path.as_posix()}#cell{index}"


def open_notebook(
    client: LanguageClient, path: Path, cells: list[tuple[str, str]], version: int = 1
) -> list[str]:
    """Open a notebook of (kind, text) cells; returns the cell URIs."""
    uris = [cell_uri(path, i) for i in range(len(cells))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=path.as_uri(),
                notebook_type="jupyter-notebook",
                version=version,
                cells=[
                    types.NotebookCell(
                        kind=types.NotebookCellKind.Code if kind == "code" else types.NotebookCellKind.Markup,
                        document=uri,
                    )
                    for uri, (kind, _) in zip(uris, cells, strict=True)
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(
                    uri=uri, language_id="python" if kind == "code" else "markdown", version=1, text=text
                )
                for uri, (kind, text) in zip(uris, cells, strict=True)
            ],
        )
    )
    return uris


def change_cell(client: LanguageClient, path: Path, uri: str, notebook_version: int, version: int, text: str):
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(
                version=notebook_version, uri=path.as_uri()
            ),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                        )
                    ]
                )
            ),
        )
    )


def codes(client: LanguageClient, uri: str) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(uri, [])]


CELLS = [
    ("markdown", "# Fine-tune\nWe call `client.fine_tuning.jobs.create()` and `SFTTrainer(model)` below.\n"),
    ("code", CLIENT_CELL),
    ("code", MAGIC_CELL),
    ("code", JOB_CELL),
]


async def test_the_server_advertises_notebook_sync_for_python_cells(client, tmp_path):
    result = await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    sync = result.capabilities.notebook_document_sync
    [selector] = sync.notebook_selector
    assert selector.notebook == "jupyter-notebook"
    assert [cell.language for cell in selector.cells] == ["python"]
    assert sync.save is True


async def test_diagnostics_land_on_the_right_cell(client, tmp_path):
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    path = tmp_path / "train.ipynb"
    uris = open_notebook(client, path, CELLS)
    await wait_for(lambda: all(uri in client.diagnostics for uri in uris[1:]))
    assert codes(client, uris[3]) == ["RF101", "RF107", "RF406"]  # RF406: the retiring model id
    assert codes(client, uris[1]) == [] and codes(client, uris[2]) == []  # magics break nothing
    assert codes(client, uris[0]) == []  # markdown naming the API
    diagnostic = client.diagnostics[uris[3]][0]
    assert diagnostic.range.start == types.Position(line=0, character=6)


async def test_hover_and_code_actions_work_inside_a_cell(client, tmp_path):
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    path = tmp_path / "train.ipynb"
    uris = open_notebook(client, path, CELLS)
    await wait_for(lambda: "RF101" in codes(client, uris[3]))
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uris[3]),
            position=types.Position(line=0, character=10),
        )
    )
    assert hover is not None and "RF101" in hover.contents.value
    diagnostic = next(d for d in client.diagnostics[uris[3]] if d.code == "RF101")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uris[3]),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    titles = [action.title for action in actions]
    assert "Open guide for RF101" in titles
    suppress = next(a for a in actions if a.title.startswith("Suppress RF101 on this line"))
    [change] = suppress.edit.document_changes
    assert change.text_document.uri == uris[3]  # the edit goes into the cell, not the .ipynb
    [edit] = change.edits
    assert edit.range.start == types.Position(line=0, character=0)
    assert edit.new_text.startswith("# ragfirst: ignore[RF101] -- ")
    # Applying it silences RF101 in that cell.
    change_cell(client, path, uris[3], 2, 2, edit.new_text + JOB_CELL)
    await wait_for(lambda: "RF101" not in codes(client, uris[3]))


async def test_a_client_made_in_one_cell_and_an_edit_that_removes_it(client, tmp_path):
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    path = tmp_path / "train.ipynb"
    uris = open_notebook(client, path, CELLS)
    await wait_for(lambda: "RF101" in codes(client, uris[3]))
    # Cell 2 no longer makes an OpenAI client: cell 4's call resolves to nothing (the model
    # id it names is still a retiring model: RF406 stays).
    change_cell(client, path, uris[1], 2, 2, "client = object()\n")
    await wait_for(lambda: codes(client, uris[3]) == ["RF406"])


async def test_save_and_close(client, tmp_path):
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    path = tmp_path / "train.ipynb"
    uris = open_notebook(client, path, CELLS)
    await wait_for(lambda: "RF101" in codes(client, uris[3]))
    client.notebook_document_did_save(
        types.DidSaveNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri())
        )
    )
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in uris],
        )
    )
    await wait_for(lambda: codes(client, uris[3]) == [])


async def test_a_pull_client_gets_each_cells_diagnostics(client, tmp_path):
    await start(client, [tmp_path], capabilities=with_notebooks(pull_capabilities()))
    path = tmp_path / "train.ipynb"
    uris = open_notebook(client, path, CELLS)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uris[3]))
    )
    assert [d.code for d in report.items] == ["RF101", "RF107", "RF406"]
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uris[1]))
    )
    assert list(report.items) == []


async def test_an_ipynb_opened_as_json_gets_findings_at_their_json_line(client, tmp_path):
    await start(client, [tmp_path], capabilities=push_capabilities())
    cells = [
        {
            "cell_type": "markdown" if kind == "markdown" else "code",
            "metadata": {},
            "source": text.splitlines(True),
        }
        | ({"outputs": [], "execution_count": None} if kind == "code" else {})
        for kind, text in CELLS
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    path = write(tmp_path, "train.ipynb", text)
    uri = open_doc(client, path)
    await wait_for(lambda: uri in client.diagnostics)
    rf101 = next(d for d in client.diagnostics[uri] if d.code == "RF101")
    line = text.splitlines()[rf101.range.start.line]
    assert line[rf101.range.start.character :].startswith("client.fine_tuning.jobs.create(")
    assert rf101.message.endswith("[cell 4:1:7]")
    # No suppression comment is offered inside JSON, where it would break the file.
    assert "suppress_line" not in rf101.data and "suppress_file" not in rf101.data


async def test_an_open_notebook_is_linted_again_when_another_file_changes_the_project(client, tmp_path):
    """A retrieval set-up opened in another document changes RF101's message in the cell of
    a notebook that imports it; a notebook that does not import it is its own project
    (notebook boundaries, session 12) and keeps its message."""
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    importing = [CELLS[0], ("code", "import rag\n" + CLIENT_CELL), *CELLS[2:]]
    uris = open_notebook(client, tmp_path / "train.ipynb", importing)
    alone = open_notebook(client, tmp_path / "other.ipynb", CELLS)

    def rf101(uri: str) -> str:
        return next((d.message for d in client.diagnostics.get(uri, []) if d.code == "RF101"), "")

    await wait_for(lambda: "No retrieval found" in rf101(uris[3]) and "No retrieval found" in rf101(alone[3]))
    open_doc(
        client,
        tmp_path / "rag.py",
        text="from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n",
    )
    await wait_for(lambda: "Retrieval is already set up" in rf101(uris[3]))
    await settled_stats(client)
    assert "No retrieval found" in rf101(alone[3])


async def test_a_client_from_a_project_module_reaches_a_cell_and_follows_its_edits(client, tmp_path):
    """A cell's call on a client made in `app/clients.py` is the SDK's call (the notebook
    is linked with the modules it imports); the module edited in the editor so that it
    makes no client: the cell's finding goes, and comes back when the edit is undone."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    clients = tmp_path / "app" / "clients.py"
    clients.write_text(CLIENT_CELL)
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    uris = open_notebook(
        client, tmp_path / "train.ipynb", [("code", "from app.clients import client\n"), ("code", JOB_CELL)]
    )
    await wait_for(lambda: "RF101" in codes(client, uris[1]))
    module = open_doc(client, clients, text="client = None\n")
    await wait_for(lambda: "RF101" not in codes(client, uris[1]))
    change_doc(client, module, 2, CLIENT_CELL)
    await wait_for(lambda: "RF101" in codes(client, uris[1]))


async def test_an_ipynb_open_as_json_and_as_a_notebook_keeps_its_json_findings(client, tmp_path):
    """The same file open as a JSON text document and with notebook sync: the JSON
    document is linted from its own text (its outputs: the key printed there), not from
    the cells the notebook editor holds (session-15 review)."""
    key = openai_key()
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"token={key}\n"]}],
                "source": ["import os\n", "print(os.environ)"],
            },
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": [CLIENT_CELL, JOB_CELL],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "train.ipynb"
    text = json.dumps(document, indent=1)
    path.write_text(text)
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)
        )
    )
    await wait_for(lambda: "RF404" in codes(client, uri))
    before = sorted((str(d.code), d.range.start.line) for d in client.diagnostics[uri])
    cells = open_notebook(
        client, path, [("code", "import os\nprint(os.environ)"), ("code", CLIENT_CELL + JOB_CELL)]
    )
    await wait_for(lambda: "RF101" in codes(client, cells[1]))
    change_doc(client, uri, 2, text + "\n")
    await settled_stats(client)
    assert sorted((str(d.code), d.range.start.line) for d in client.diagnostics[uri]) == before


async def test_a_notebook_closed_without_saving_gives_the_project_its_disk_version(client, tmp_path):
    """The editor adds a retrieval set-up to a notebook that shares `app.clients` with
    `train.py`: train.py's RF101 says retrieval is set up. Closed without saving, the
    notebook on disk has none: the message goes back (as for a closed text document)."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "clients.py").write_text(CLIENT_CELL)
    (tmp_path / "train.py").write_text("from app.clients import client\n" + JOB_CELL)
    path = tmp_path / "explore.ipynb"
    disk = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "source": ["from app.clients import client\n"],
            }
        ]
    }
    path.write_text(json.dumps({**disk, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    await start(client, [tmp_path], capabilities=with_notebooks(push_capabilities()))
    train = open_doc(client, tmp_path / "train.py")

    def rf101() -> str:
        return next((d.message for d in client.diagnostics.get(train, []) if d.code == "RF101"), "")

    await wait_for(lambda: "No retrieval found" in rf101())
    cells = [
        ("code", "from app.clients import client\n"),
        ("code", "from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n"),
    ]
    uris = open_notebook(client, path, cells)
    await wait_for(lambda: "Retrieval is already set up" in rf101())
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in uris],
        )
    )
    await wait_for(lambda: "No retrieval found" in rf101())
