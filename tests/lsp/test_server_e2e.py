"""The language server, driven end to end by a real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import ast
import asyncio
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from tests.lsp.editor_session import answer_refreshes, changed_on_disk, settled_stats

# Azure OpenAI: fine-tuning that is not winding down, so RF101 is the only finding here
# (the OpenAI platform path would add RF107, tested in tests/test_training_data.py).
FINE_TUNE = textwrap.dedent(
    """\
    from openai import AzureOpenAI

    client = AzureOpenAI()
    job = client.fine_tuning.jobs.create(model="gpt-35-turbo-0125", training_file="file-abc")
    """
)
RETRIEVAL = "from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def pull_capabilities() -> types.ClientCapabilities:
    """A client that pulls diagnostics (LSP 3.17 textDocument/diagnostic)."""
    caps = client_capabilities("neovim@v0.11.0")
    return attrs.evolve(
        caps,
        text_document=attrs.evolve(
            caps.text_document, diagnostic=types.DiagnosticClientCapabilities(related_document_support=True)
        ),
    )


def push_capabilities() -> types.ClientCapabilities:
    """A push-diagnostics client (no textDocument/diagnostic support)."""
    caps = client_capabilities("neovim@v0.10.0")
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, diagnostic=None))


async def start(
    client: LanguageClient,
    folders: list[Path],
    capabilities: types.ClientCapabilities | None = None,
    options: dict | None = None,
) -> types.InitializeResult:
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or push_capabilities(),
            root_uri=folders[0].as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
            initialization_options={"debounceMs": 30, **(options or {})},
        )
    )
    return result


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def open_doc(client: LanguageClient, path: Path, version: int = 1, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=version,
                text=path.read_text() if text is None else text,
            )
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
    return [str(d.code) for d in client.diagnostics.get(uri, [])]


# -- initialize ------------------------------------------------------------------------


async def test_initialize_advertises_capabilities(client, tmp_path):
    result = await start(client, [tmp_path])
    caps = result.capabilities
    assert result.server_info.name == "ragfirst"
    assert caps.hover_provider
    assert caps.inlay_hint_provider
    assert caps.diagnostic_provider.identifier == "ragfirst"
    assert set(caps.execute_command_provider.commands) >= {"ragfirst.explainRule", "ragfirst.lintWorkspace"}
    kinds = caps.code_action_provider.code_action_kinds
    assert types.CodeActionKind.QuickFix in kinds and "source.fixAll.ragfirst" in kinds


# -- diagnostics ------------------------------------------------------------------------


async def test_diagnostics_on_open_carry_code_href_and_data(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: uri in client.diagnostics)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "RF101"
    assert diagnostic.source == "ragfirst"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range.start == types.Position(line=3, character=6)
    assert diagnostic.range.end == types.Position(line=3, character=36)
    assert diagnostic.code_description.href.endswith("when-to-fine-tune.md#hosted-fine-tuning")
    assert diagnostic.data["rule"] == "RF101" and "suppress_line" in diagnostic.data


async def test_burst_of_changes_leaves_only_the_last_version(client, tmp_path):
    await start(client, [tmp_path])
    path = write(tmp_path, "train.py", "print('nothing yet')\n")
    uri = open_doc(client, path)
    await wait_for(lambda: uri in client.diagnostics)
    for version in range(2, 40):
        change_doc(client, uri, version, FINE_TUNE if version % 2 else "print('clean')\n")
    change_doc(client, uri, 40, "# fine_tuning, but clean\nx = 1\n")
    change_doc(client, uri, 41, FINE_TUNE)
    await wait_for(lambda: codes(client, uri) == ["RF101"])
    await settled_stats(client)  # every lint done and published: anything stale is here
    assert codes(client, uri) == ["RF101"]


async def test_unicode_positions_are_utf16(client, tmp_path):
    await start(client, [tmp_path])
    text = "from openai import AzureOpenAI\nc = AzureOpenAI()\nnote = '😀é'; c.fine_tuning.jobs.create(model='m', training_file='f')\n"
    uri = open_doc(client, write(tmp_path, "u.py", text))
    await wait_for(lambda: uri in client.diagnostics)
    [diagnostic] = client.diagnostics[uri]
    # "note = '😀é'; " is 13 code points and 14 UTF-16 units (the emoji is a surrogate pair)
    assert diagnostic.range.start == types.Position(line=2, character=14)


async def test_close_clears_diagnostics(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: codes(client, uri) == ["RF101"])
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await wait_for(lambda: uri in client.diagnostics and len(client.diagnostics[uri]) == 0)


async def test_pull_diagnostics(client, tmp_path):
    await start(client, [tmp_path], capabilities=pull_capabilities())
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert [d.code for d in report.items] == ["RF101"]
    await settled_stats(client)  # a push would have been sent by now
    assert uri not in client.diagnostics  # a pull client gets no pushed duplicates


async def test_syntax_error_is_an_rf000_diagnostic_and_server_lives(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "broken.py", "import openai\nopenai.fine_tuning.jobs.create(\n"))
    await wait_for(lambda: codes(client, uri) == ["RF000"])
    assert client.diagnostics[uri][0].range.start.line == 1
    other = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: codes(client, other) == ["RF101"])


# -- project awareness -------------------------------------------------------------------


async def test_rf101_names_retrieval_found_by_indexing_the_workspace(client, tmp_path):
    write(tmp_path, "app/rag.py", RETRIEVAL)
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "scripts/tune.py", FINE_TUNE))
    await wait_for(lambda: any("app/rag.py:3" in d.message for d in client.diagnostics.get(uri, [])))

    def progress() -> list[object]:
        return [v for values in client.progress_reports.values() for v in values]

    # An open document is linted while the index is still being built (its message can
    # name a retrieval site before indexing ends), so the end of progress may come later.
    assert any(isinstance(v, types.WorkDoneProgressBegin) for v in progress())
    await wait_for(lambda: any(isinstance(v, types.WorkDoneProgressEnd) for v in progress()))


async def test_multi_root_workspace_keeps_projects_apart(client, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "rag.py", RETRIEVAL)
    write(first, "pyproject.toml", "[tool.ragfirst]\n")
    write(second, "pyproject.toml", "[tool.ragfirst]\n")
    await start(client, [first, second])
    in_first = open_doc(client, write(first, "tune.py", FINE_TUNE))
    in_second = open_doc(client, write(second, "tune.py", FINE_TUNE))
    await wait_for(lambda: any("rag.py:3" in d.message for d in client.diagnostics.get(in_first, [])))
    await wait_for(lambda: codes(client, in_second) == ["RF101"])
    assert "No retrieval found" in client.diagnostics[in_second][0].message


async def test_multi_root_same_file_names_are_two_files(client, tmp_path):
    # Both folders have tune.py (as multi-root workspaces have main.py, __init__.py): the
    # model keyed both by "tune.py", so one folder's file was reported with the other's
    # project facts.
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "rag.py", RETRIEVAL)
    tunes = [write(folder, "tune.py", FINE_TUNE) for folder in (first, second)]
    await start(client, [first, second])
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.lintWorkspace")
    )
    assert result["files"] == 3
    in_first, in_second = (path.as_uri() for path in tunes)
    await wait_for(lambda: codes(client, in_first) == ["RF101"] and codes(client, in_second) == ["RF101"])
    assert "rag.py:3" in client.diagnostics[in_first][0].message
    assert "No retrieval found" in client.diagnostics[in_second][0].message
    # and an open document of the second folder is linted against its own folder's facts
    opened = open_doc(client, tunes[1], text=FINE_TUNE + "\n")
    change_doc(client, opened, 2, FINE_TUNE)
    await wait_for(lambda: codes(client, opened) == ["RF101"])
    assert "No retrieval found" in client.diagnostics[opened][0].message


async def test_document_opened_while_indexing_waits_for_its_folder(client, tmp_path):
    # Opened at once, while its folder is still being indexed: its first diagnostics
    # already use the folder's facts (rag.py), never a "no retrieval" from a partial index.
    write(tmp_path, "rag.py", RETRIEVAL)
    for n in range(150):
        write(tmp_path, f"pkg/m{n:03}.py", f"import os\n\nVALUE_{n} = os.environ.get('X{n}')\n")
    published: list[str] = []
    features = client.protocol.fm.features
    previous = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        published.extend(d.message for d in params.diagnostics if params.uri.endswith("tune.py"))
        previous(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "tune.py", FINE_TUNE))
    await wait_for(lambda: any("rag.py:3" in d.message for d in client.diagnostics.get(uri, [])))
    assert published and all("rag.py:3" in message for message in published), [m[-90:] for m in published]


# -- hover, code actions, inlay hints, commands -------------------------------------------


async def test_hover_explains_the_decision(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: uri in client.diagnostics)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=20)
        )
    )
    text = hover.contents.value
    assert text.startswith("**RF101 hosted-fine-tuning**")
    assert "10,000+ high-quality labelled input/output pairs" in text
    assert "[Open the guide](file://" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)
        )
    )
    assert nothing is None


def apply_edit(text: str, edit: types.WorkspaceEdit) -> str:
    lines = text.split("\n")
    [document_edit] = edit.document_changes
    for text_edit in sorted(
        document_edit.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = text_edit.range.start, text_edit.range.end
        before = "\n".join([*lines[: start.line], lines[start.line][: start.character]])
        after = "\n".join([lines[end.line][end.character :], *lines[end.line + 1 :]])
        lines = (before + text_edit.new_text + after).split("\n")
    return "\n".join(lines)


async def code_actions(client: LanguageClient, uri: str) -> list[types.CodeAction]:
    diagnostics = client.diagnostics[uri]
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )


@pytest.mark.parametrize(
    ("title", "expected_comment_line"),
    [
        ("Suppress RF101 on this line (with reason)", 3),
        ("Suppress RF101 in this file", 0),
    ],
)
async def test_suppression_actions_apply_and_are_honoured(client, tmp_path, title, expected_comment_line):
    await start(client, [tmp_path])
    path = write(tmp_path, "train.py", FINE_TUNE)
    uri = open_doc(client, path)
    await wait_for(lambda: codes(client, uri) == ["RF101"])
    actions = {a.title: a for a in await code_actions(client, uri)}
    assert set(actions) >= {"Open guide for RF101", title}
    action = actions[title]
    assert action.edit.document_changes[0].text_document.version == 1
    new_text = apply_edit(FINE_TUNE, action.edit)
    assert "ragfirst: ignore" in new_text.split("\n")[expected_comment_line]
    change_doc(client, uri, 2, new_text)
    await wait_for(lambda: codes(client, uri) == [])


async def test_open_guide_action_shows_the_document(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: uri in client.diagnostics)
    action = next(a for a in await code_actions(client, uri) if a.title == "Open guide for RF101")
    # lsprotocol's client-side structuring of `(Command | CodeAction)[]` turns a code action
    # that carries a command into a Command whose `command` is the nested object's repr.
    nested = action.command
    if isinstance(nested, str):
        nested = ast.literal_eval(nested)
    if isinstance(nested, dict):
        name, arguments = nested["command"], nested["arguments"]
    else:
        name, arguments = nested.command, nested.arguments
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=arguments)
    )
    [shown] = client.shown_documents
    assert shown.external is True and shown.uri.endswith("#hosted-fine-tuning")


async def test_fix_all_kind_is_answered(client, tmp_path):
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: uri in client.diagnostics)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.ragfirst"]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.ragfirst"]


async def test_explain_rule_command(client, tmp_path):
    await start(client, [tmp_path])
    page = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.explainRule", arguments=[{"rule": "RF103"}])
    )
    assert page.splitlines()[2] == "# RF103 preference-training"
    with pytest.raises(Exception, match="unknown rule"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="ragfirst.explainRule", arguments=["RF999"])
        )


async def test_lint_workspace_publishes_for_unopened_files(client, tmp_path):
    await start(client, [tmp_path])
    closed = write(tmp_path, "jobs/train.py", FINE_TUNE)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.lintWorkspace")
    )
    assert result["files"] == 1
    await wait_for(lambda: codes(client, closed.as_uri()) == ["RF101"])


# -- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[tool.ragfirst]\n", "[tool.ragfirst]\nignore = ['RF101']\n"),
        # The manifests' own names (engine/own_package.py) are read per request, never kept
        # for the server's life (engine/finalize_memo.py): renaming the project to the
        # library it calls makes the calls its own code.
        ('[project]\nname = "support-bot"\n', '[project]\nname = "openai"\n'),
    ],
    ids=["ignore", "renamed-to-its-library"],
)
async def test_config_change_relints_without_restart(client, tmp_path, before, after):
    config = write(tmp_path, "pyproject.toml", before)
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: codes(client, uri) == ["RF101"])
    config.write_text(after)
    changed_on_disk(client, config)
    await wait_for(lambda: codes(client, uri) == [])


async def test_severity_override_from_initialization_options(client, tmp_path):
    await start(client, [tmp_path], options={"severityOverrides": {"RF101": "error"}})
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: uri in client.diagnostics)
    assert client.diagnostics[uri][0].severity == types.DiagnosticSeverity.Error


async def test_bad_rule_file_is_reported_and_server_keeps_working(client, tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.ragfirst]\nrules = ['team-rules.yaml']\n")
    bad = write(tmp_path, "team-rules.yaml", "rules:\n  - id: TEAM001\n    nme: typo\n")
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    await wait_for(lambda: codes(client, uri) == ["RF101"])  # built-in rules still run
    await wait_for(lambda: bad.resolve().as_uri() in client.diagnostics)
    [problem] = client.diagnostics[bad.resolve().as_uri()]
    assert problem.range.start.line == 2 and "nme" in problem.message
    assert any("team-rules.yaml:3:5" in m.message for m in client.messages)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=20)
        )
    )
    assert hover is not None


async def test_bad_config_keeps_last_good_config(client, tmp_path):
    config = write(tmp_path, "pyproject.toml", "[tool.ragfirst]\nignore = ['RF101']\n")
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", FINE_TUNE))
    # `initialize` is answered before the server has loaded (lsp/boot.py): wait for the
    # first lint, so there is a good configuration to keep
    await wait_for(lambda: uri in client.diagnostics)
    assert codes(client, uri) == []
    config.write_text("[tool.ragfirst]\nignore = 'oops\n")
    changed_on_disk(client, config)
    await wait_for(lambda: any("invalid TOML" in m.message for m in client.messages))
    change_doc(client, uri, 2, FINE_TUNE + "\n")
    await settled_stats(client)  # version 2 linted and published
    assert codes(client, uri) == []  # still the last good config: RF101 ignored


async def test_unknown_document_request_gets_an_answer(client, tmp_path):
    await start(client, [tmp_path])
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=(tmp_path / "nope.py").as_uri()),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is None


TRAINING_WITH_DATA = textwrap.dedent(
    """\
    from openai import AzureOpenAI

    client = AzureOpenAI()
    upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id, hyperparameters={"n_epochs": 2})
    """
)
EXAMPLE_LINE = '{"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "An answer of some length."}]}\n'


async def test_inlay_hint_shows_examples_and_cost_and_hover_the_estimate(client, tmp_path):
    write(tmp_path, "ragfirst.toml", "")
    write(tmp_path, "data/train.jsonl", "".join(EXAMPLE_LINE % f"Question {n}" for n in range(12)))
    await start(client, [tmp_path])
    uri = open_doc(client, write(tmp_path, "train.py", TRAINING_WITH_DATA))
    await wait_for(lambda: "RF203" in codes(client, uri))
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=10, character=0)
            ),
        )
    )
    [hint] = hints
    assert hint.position.line == 4
    assert hint.label.startswith("≈ $") and hint.label.endswith("to train · 12 examples")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=10)
        )
    )
    assert "x 2 epochs x $3.00/1M" in hover.contents.value


async def test_inlay_hints_can_be_turned_off(client, tmp_path):
    write(tmp_path, "ragfirst.toml", "")
    write(tmp_path, "data/train.jsonl", "".join(EXAMPLE_LINE % f"Q{n}" for n in range(12)))
    await start(client, [tmp_path], options={"inlayHints": False})
    uri = open_doc(client, write(tmp_path, "train.py", TRAINING_WITH_DATA))
    await wait_for(lambda: "RF203" in codes(client, uri))
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=10, character=0)
            ),
        )
    )
    assert not hints


SEARCH = """\
import chromadb

collection = chromadb.PersistentClient(path="./chroma").get_or_create_collection("docs")

def search(question: str):
    return collection.query(query_texts=[question], n_results=5)
"""

RERANK = """\
import cohere

co = cohere.ClientV2()

def rerank(question: str, documents: list[str]):
    return co.rerank(model="rerank-v3.5", query=question, documents=documents, top_n=5)
"""


async def test_a_document_that_changes_project_facts_relints_the_others(client, tmp_path):
    """RF304 in search.py depends on the whole project: once another open document adds a
    reranker, search.py's finding goes away without search.py being edited."""
    await start(client, [tmp_path], capabilities=push_capabilities())
    search = open_doc(client, write(tmp_path, "app/search.py", SEARCH))
    await wait_for(lambda: "RF304" in codes(client, search))
    rerank_path = write(tmp_path, "app/rerank.py", "")
    rerank = open_doc(client, rerank_path, text="")
    change_doc(client, rerank, 2, RERANK)
    await wait_for(lambda: "RF304" not in codes(client, search) and search in client.diagnostics)
