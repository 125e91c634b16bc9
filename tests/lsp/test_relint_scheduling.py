"""Issue 24 (edit latency, server side): typing in a module-level constant changes what
the module offers importers, so the project is relinked and the other open documents
lint again; the edited document itself is not linted a second time when the relink
changed nothing it sees (lsp/relink_effects.py)."""

from __future__ import annotations

import textwrap

from tests.lsp.editor_session import (
    change_doc,
    codes,
    editor,
    open_doc,
    settled_stats,
    wait_diagnostics,
    write,
)

TUNE = textwrap.dedent(
    """\
    from openai import OpenAI

    BATCH = {n}
    job = OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
    """
)
USES = textwrap.dedent(
    """\
    from tune import BATCH
    from pinecone import Pinecone

    index = Pinecone().Index("docs")
    SIZE = BATCH
    """
)


async def test_a_constant_typed_is_linted_once_per_version_and_importers_relint(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    tune = write(tmp_path, "tune.py", TUNE.format(n=0))
    uses = write(tmp_path, "uses.py", USES)
    async with editor(tmp_path, "vscode") as (client, _):
        uri = open_doc(client, tune.as_uri(), TUNE.format(n=0))
        other = open_doc(client, uses.as_uri(), USES)
        await wait_diagnostics(client, uri, lambda d: "RF101" in codes(d))
        before = await settled_stats(client)  # indexing and the first relints done
        for version in range(2, 7):
            change_doc(client, uri, version, TUNE.format(n=version))
            # A typist slower than the lint: this version's lint, and the relint its new
            # constant causes, are over before the next edit (a second lint would be too).
            stats = await settled_stats(client)
            assert stats["lints"][uri] == before["lints"][uri] + version - 1, (version, stats["lints"])
        await wait_diagnostics(client, uri, lambda d: "RF101" in codes(d))
        after = await settled_stats(client)
    own = after["lints"][uri] - before["lints"][uri]
    assert own == 5, (own, before["lints"], after["lints"])  # one lint per version, no second one
    assert after["lints"][other] > before["lints"][other]  # the importer linted again
