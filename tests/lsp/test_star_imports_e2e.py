"""Star imports and modules the link reads for their importers, in the language server:
the same findings as `ragfirst check`, every file open, and the server settles.
(Session-15 review: two open modules that the prefilter skips and the link reads for
importers relinted each other forever, each unchanged lint asking for a relink.)"""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.editor_session import answer_refreshes, settled_stats
from tests.lsp.test_parity import cli_findings
from tests.lsp.test_server_e2e import open_doc, push_capabilities, start, wait_for

from ragfirst.analyzers.registry import language_of

JOB = "job = client.fine_tuning.jobs.create(training_file='file-abc', model='gpt-4o-mini')\n"
PROJECTS = {
    "star": {
        "helpers.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "train.py": "from helpers import *\n" + JOB,
    },
    "two-skipped-modules": {
        "app/__init__.py": "",
        "app/fakes.py": "class OpenAI:\n    def __init__(self, **kw):\n        pass\n",
        "app/llm.py": "from openai import OpenAI\nfrom app.fakes import *\n",
        "train.py": "from app.llm import OpenAI\n\nclient = OpenAI()\n" + JOB,
    },
}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.parametrize("name", sorted(PROJECTS))
async def test_every_file_open_gives_the_clis_findings_and_settles(client, tmp_path, name):
    project = tmp_path / name
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    for relative, text in PROJECTS[name].items():
        (project / relative).write_text(text)
    expected = cli_findings(project)
    await start(client, [project], capabilities=push_capabilities())
    files = sorted(p for p in project.rglob("*") if p.is_file() and language_of(p.name) is not None)
    uris = {open_doc(client, path): path.relative_to(project).as_posix() for path in files}
    await wait_for(lambda: all(uri in client.diagnostics for uri in uris))
    first = await settled_stats(client, timeout=20)
    again = await settled_stats(client, timeout=20)
    assert first["lints"] == again["lints"]
    for uri, relative in uris.items():
        got = sorted(
            (str(d.code), d.range.start.line, d.range.start.character, int(d.severity), d.message)
            for d in client.diagnostics[uri]
        )
        assert got == sorted(expected.get(relative, [])), relative
    assert (name == "star") == any(codes for codes in expected.values())
