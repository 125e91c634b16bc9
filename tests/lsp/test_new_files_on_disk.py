"""Issue 24, bug 2: files created (or deleted) on disk reach the server of a client that
cannot watch files (Neovim 0.11 on Linux; Emacs with watching off): on a save, the server
lists the directories whose modification time changed (lsp/disk_scan.py), indexes the new
files and lints the open documents again."""

from __future__ import annotations

import asyncio
import textwrap

import attrs
import pytest
from tests.lsp.editor_session import (
    capabilities,
    change_doc,
    codes,
    editor,
    open_doc,
    save_doc,
    server_stats,
    wait_diagnostics,
    write,
)

NO_WATCHING = ["neovim", "emacs"]  # emacs: Eglot's capabilities without file watching

IMPORTS_RETRIEVAL = textwrap.dedent(
    """\
    from openai import AzureOpenAI
    from retrieval import index

    client = AzureOpenAI()
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
    """
)
RETRIEVAL = "from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n"
TRAINING_WITH_DATA = textwrap.dedent(
    """\
    from openai import AzureOpenAI

    client = AzureOpenAI()
    upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id, hyperparameters={"n_epochs": 2})
    """
)
EXAMPLE = '{"messages": [{"role": "user", "content": "Question %d"}, {"role": "assistant", "content": "An answer."}]}\n'


def without_watching(profile: str):
    caps = capabilities(profile)
    workspace = attrs.evolve(caps.workspace, did_change_watched_files=None)
    return attrs.evolve(caps, workspace=workspace)


def rf101(items) -> str:
    return next((d.message for d in items if d.code == "RF101"), "")


@pytest.mark.parametrize("profile", NO_WATCHING)
async def test_a_module_created_on_disk_that_the_open_file_imports(tmp_path, profile):
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    path = write(tmp_path, "tune.py", IMPORTS_RETRIEVAL)
    async with editor(tmp_path, profile, caps=without_watching(profile)) as (client, recorder):
        uri = open_doc(client, path.as_uri(), IMPORTS_RETRIEVAL)
        found = await wait_diagnostics(client, uri, lambda d: "RF101" in codes(d))
        assert "No retrieval found" in rf101(found)
        assert not recorder.watched_globs()  # nothing registered: the server cannot be told
        write(tmp_path, "retrieval.py", RETRIEVAL)  # a new file, no didChangeWatchedFiles
        save_doc(client, uri)
        found = await wait_diagnostics(client, uri, lambda d: "retrieval.py:3" in rf101(d))
        # deleted again: the finding goes back
        (tmp_path / "retrieval.py").unlink()
        save_doc(client, uri)
        await wait_diagnostics(client, uri, lambda d: "No retrieval found" in rf101(d))


@pytest.mark.parametrize("profile", NO_WATCHING)
async def test_a_data_file_created_in_a_new_directory(tmp_path, profile):
    write(tmp_path, "ragfirst.toml", "")
    write(tmp_path, ".gitignore", "ignored/\n")
    path = write(tmp_path, "train.py", TRAINING_WITH_DATA)
    async with editor(tmp_path, profile, caps=without_watching(profile)) as (client, _):
        uri = open_doc(client, path.as_uri(), TRAINING_WITH_DATA)
        await wait_diagnostics(client, uri, lambda d: "RF101" in codes(d) and "RF203" not in codes(d))
        indexed = (await server_stats(client))["indexed_files"]
        # a git-ignored directory stays out of the index (discovery's rules)
        write(tmp_path, "ignored/train.jsonl", EXAMPLE % 1)
        write(tmp_path, "data/train.jsonl", "".join(EXAMPLE % n for n in range(12)))
        save_doc(client, uri)
        await wait_diagnostics(client, uri, lambda d: "RF203" in codes(d))
        assert (await server_stats(client))["indexed_files"] == indexed + 1


async def test_a_new_file_is_seen_while_typing_without_a_save(tmp_path):
    # The throttled check also runs on lints (at most once a second), not only on saves.
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    path = write(tmp_path, "tune.py", IMPORTS_RETRIEVAL)
    async with editor(tmp_path, "neovim") as (client, _):
        uri = open_doc(client, path.as_uri(), IMPORTS_RETRIEVAL)
        await wait_diagnostics(client, uri, lambda d: "No retrieval found" in rf101(d))
        write(tmp_path, "retrieval.py", RETRIEVAL)
        await asyncio.sleep(1.1)  # the check runs at most once a second (POLL_INTERVAL)
        # Typing goes on until the check has seen the file: bounded by a generous time, not
        # by a number of edits (a loaded machine lints and checks more slowly).
        deadline = asyncio.get_running_loop().time() + 60
        version = 1
        while asyncio.get_running_loop().time() < deadline:
            version += 1
            change_doc(client, uri, version, IMPORTS_RETRIEVAL + "\n" * (version % 2))
            found = await wait_diagnostics(client, uri, lambda d: "RF101" in codes(d))
            if "retrieval.py:3" in rf101(found):
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"the new module was not seen: {rf101(found)}")
