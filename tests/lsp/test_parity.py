"""One engine, thin front ends: for every file in samples/, the language server's
diagnostics equal `ragfirst check --format json` findings (run from the same folder);
notebooks, opened here as plain documents, at their `file_start`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.editor_session import answer_refreshes, settled_stats
from tests.lsp.test_server_e2e import open_doc, push_capabilities, start, wait_for

from ragfirst.analyzers.registry import language_of

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_dir())
SEVERITY = {"error": 1, "warning": 2, "info": 3, "hint": 4}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def cli_findings(project: Path) -> dict[str, list[tuple]]:
    result = subprocess.run(
        [sys.executable, "-m", "ragfirst", "check", "--format", "json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    by_file: dict[str, list[tuple]] = {}
    for f in json.loads(result.stdout)["findings"]:
        if f["suppressed"]:
            continue
        start, message = f["start"], f["message"]
        if f.get("cell") is not None:
            # A notebook opened as a plain document: the place in its JSON text, and the
            # cell position in the message (docs/output-formats.md, Notebooks).
            message = f"{message} [cell {f['cell']}:{start['line']}:{start['column']}]"
            start = f["file_start"]
        by_file.setdefault(f["path"], []).append(
            (f["rule"], start["line"] - 1, start["column"] - 1, SEVERITY[f["severity"]], message)
        )
    return by_file


@pytest.mark.parametrize("project", SAMPLES, ids=lambda p: p.name)
async def test_server_matches_cli_on_samples(client, project):
    expected = cli_findings(project)
    await start(client, [project], capabilities=push_capabilities())
    files = sorted(p for p in project.rglob("*") if p.is_file() and language_of(p.name) is not None)
    assert files
    uris = {open_doc(client, path): path.relative_to(project).as_posix() for path in files}
    await wait_for(lambda: all(uri in client.diagnostics for uri in uris))
    await wait_for(lambda: any("indexed" in m.message for m in client.log_messages))

    def got(uri: str) -> list[tuple]:
        return sorted(
            (str(d.code), d.range.start.line, d.range.start.character, int(d.severity), d.message)
            for d in client.diagnostics[uri]
        )

    # Open documents are re-linted once the index is complete (messages that name other
    # files' retrieval sites change then): compare once the server is quiet, whatever time
    # a loaded machine takes to get there.
    await settled_stats(client)
    for uri, relative in uris.items():
        assert got(uri) == sorted(expected.get(relative, [])), relative


@pytest.mark.parametrize(
    "project", [REPO / "samples" / "fastapi-service", REPO / "samples" / "rag-app"], ids=lambda p: p.name
)
async def test_server_with_one_file_open_matches_cli(client, project):
    """The project model, not the set of open documents, decides a file's findings: each file
    opened alone (its client, settings and retrieval in files that are not open) gets what
    `ragfirst check .` reports on it."""
    expected = cli_findings(project)
    await start(client, [project], capabilities=push_capabilities())
    await wait_for(lambda: any("indexed" in m.message for m in client.log_messages))
    assert any(expected.values())
    await each_file_alone_matches(client, project, expected)


async def each_file_alone_matches(client, project: Path, expected: dict[str, list[tuple]]) -> None:
    """Open each file of `project` alone, wait for its lint, and compare its diagnostics
    with the CLI's findings on it (`expected`, by project-relative path)."""
    files = sorted(p for p in project.rglob("*") if p.is_file() and language_of(p.name) is not None)
    for path in files:
        relative = path.relative_to(project).as_posix()
        uri = open_doc(client, path)
        await settled_stats(client)  # its lint is published
        got = sorted(
            (str(d.code), d.range.start.line, d.range.start.character, int(d.severity), d.message)
            for d in client.diagnostics.get(uri, [])
        )
        assert got == sorted(expected.get(relative, [])), relative
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )


def notebook_projects(root: Path) -> list[Path]:
    """Two notebook repositories (tests/test_notebook_boundaries.py's cases): a bare one (a
    VCS root) with a course of independent notebooks and one whose notebooks share a helper
    module, and a library (a manifest) with a docs tutorial notebook and two notebooks that
    import the library (one beside it, one in another folder)."""
    from tests.test_notebook_boundaries import COURSE, LIBRARY, RETRIEVE, SHARED_HELPER, notebook, write

    bare, library = root / "bare", root / "library"
    write(bare, COURSE)
    write(bare / "helped", SHARED_HELPER)
    (bare / ".git").mkdir()
    write(library, {**LIBRARY, "lib/search.py": RETRIEVE})
    tune = notebook("from lib import search\n", *SHARED_HELPER_TUNE)
    write(library, {"tune.ipynb": tune, "notebooks/tune.ipynb": tune})
    return [bare, library]


SHARED_HELPER_TUNE = (
    "from openai import OpenAI\nclient = OpenAI()\n",
    'client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")\n',
)


@pytest.mark.parametrize("which", [0, 1], ids=["bare-repository", "library"])
async def test_server_with_one_notebook_open_matches_cli(client, tmp_path, which):
    """Notebook boundaries (session 12): the editor with one file open at a time reports
    what `ragfirst check .` reports on it (no other notebook's retrieval in the messages)."""
    project = notebook_projects(tmp_path)[which]
    expected = cli_findings(project)
    rf101 = {path: f[4] for path, found in expected.items() for f in found if f[0] == "RF101"}
    if which == 0:
        assert "No retrieval found" in rf101["course/02_finetune.ipynb"]
        assert "at helped/course/01_rag.ipynb" in rf101["helped/course/02_finetune.ipynb"]
    else:
        assert "at lib/search.py" in rf101["tune.ipynb"]
        assert "No retrieval found" in rf101["notebooks/tune.ipynb"]
        assert "docs/" not in rf101["lib/jobs.py"]
    await start(client, [project], capabilities=push_capabilities())
    await wait_for(lambda: any("indexed" in m.message for m in client.log_messages))
    await each_file_alone_matches(client, project, expected)
