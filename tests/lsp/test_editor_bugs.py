"""Issue 24: the bugs real editors found, each reproduced through pytest-lsp with the
capability sets of VS Code, Neovim 0.11 and Emacs 29 (tests/lsp/editor_session.py)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

import pytest
from lsprotocol import types
from tests.lsp.editor_session import (
    change_doc,
    close_doc,
    codes,
    diagnostics,
    editor,
    hover_text,
    inlay_labels,
    open_doc,
    pulls,
    save_doc,
    server_stats,
    settled_stats,
    wait_diagnostics,
    wait_for,
    write,
)

PROFILES = ["vscode", "neovim", "emacs"]
profiles = pytest.mark.parametrize("profile", PROFILES)

FINE_TUNE = textwrap.dedent(
    """\
    from openai import AzureOpenAI

    client = AzureOpenAI()
    job = client.fine_tuning.jobs.create(model="gpt-35-turbo-0125", training_file="file-abc")
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
EXAMPLE = (
    '{"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "An answer."}]}\n'
)


def examples(count: int) -> str:
    return "".join(EXAMPLE % f"Question {n}" for n in range(count))


# -- 1. RF000 position comes from the buffer, not the saved file --------------------------


@profiles
async def test_1_syntax_error_column_is_computed_from_the_buffer(tmp_path, profile):
    # The saved file has multi-byte text on line 1; Python, given the real file name,
    # re-read it to turn the byte offset of the buffer's error into a column.
    path = write(tmp_path, "broken.py", "import openai\né = '" + "é" * 40 + "'\n")
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), "import openai\nopenai.fine_tuning.jobs.create(x = 1 $ 2)\n")
        [problem] = await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF000"])
        assert problem.range.start == types.Position(line=1, character=37)  # the `$`


# -- 2. changes on disk reach the server --------------------------------------------------


@pytest.mark.parametrize("profile", ["vscode", "emacs"])
async def test_2_watchers_cover_every_kind_of_file_the_engine_reads(tmp_path, profile):
    async with editor(tmp_path, profile) as (_, recorder):
        await wait_for(lambda: recorder.watched_globs())
        globs = set(recorder.watched_globs())
    for needed in (
        "**/*.py",
        "**/*.jsonl",
        "**/*.ts",
        "**/*.sql",
        "**/*.ipynb",
        "**/.env",
        "**/*.cfg",
        "**/ragfirst.toml",
    ):
        assert needed in globs, needed


@profiles
async def test_2_data_file_changed_on_disk_updates_hints_without_watching(tmp_path, profile):
    write(tmp_path, "ragfirst.toml", "")
    data = write(tmp_path, "data/train.jsonl", examples(12))
    path = write(tmp_path, "train.py", TRAINING_WITH_DATA)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), TRAINING_WITH_DATA)
        await wait_diagnostics(client, uri, lambda d: "RF203" in codes(d))

        async def labels() -> str:
            return " ".join(await inlay_labels(client, uri))

        deadline = asyncio.get_running_loop().time() + 60
        while "12 examples" not in await labels():
            assert asyncio.get_running_loop().time() < deadline, await labels()
            await asyncio.sleep(0.05)
        data.write_text(examples(30), encoding="utf-8")  # no didChangeWatchedFiles is sent
        save_doc(client, uri)
        while "30 examples" not in await labels():
            assert asyncio.get_running_loop().time() < deadline + 60, await labels()
            await asyncio.sleep(0.05)


# -- 3. closing an unsaved buffer restores the file on disk in the index ---------------------


@profiles
async def test_3_closing_an_unsaved_buffer_restores_the_disk_version(tmp_path, profile):
    rag = write(tmp_path, "app/rag.py", RETRIEVAL)
    tune = write(tmp_path, "scripts/tune.py", FINE_TUNE)
    async with editor(tmp_path, profile) as (client, _):
        tune_uri = open_doc(client, tune.as_uri(), FINE_TUNE)
        await wait_diagnostics(client, tune_uri, lambda d: any("app/rag.py:3" in x.message for x in d))
        rag_uri = open_doc(client, rag.as_uri(), RETRIEVAL)
        change_doc(client, rag_uri, 2, "x = 1\n")  # retrieval deleted in the buffer, not saved
        await wait_diagnostics(client, tune_uri, lambda d: any("No retrieval found" in x.message for x in d))
        close_doc(client, rag_uri)
        await wait_diagnostics(client, tune_uri, lambda d: any("app/rag.py:3" in x.message for x in d))


# -- 4. pull clients: refreshes, and one lint per open ------------------------------------


async def test_4_pull_client_gets_refresh_requests_after_a_config_change(tmp_path):
    from tests.lsp.editor_session import capabilities

    config = write(tmp_path, "pyproject.toml", "[tool.ragfirst]\n")
    path = write(tmp_path, "train.py", FINE_TUNE)
    caps = capabilities("neovim", refresh=True)
    async with editor(tmp_path, "neovim", caps=caps) as (client, recorder):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        recorder.refreshes.clear()
        config.write_text("[tool.ragfirst]\nignore = ['RF101']\n")
        save_doc(client, config.as_uri())  # Neovim cannot watch files; the config was saved
        await wait_for(lambda: {"diagnostic", "inlayHint"} <= set(recorder.refreshes))
        await wait_diagnostics(client, uri, lambda d: codes(d) == [])


async def test_4_pull_client_document_is_linted_once_per_open(tmp_path):
    path = write(tmp_path, "train.py", FINE_TUNE)
    async with editor(tmp_path, "neovim") as (client, _):
        await wait_for(lambda: any("indexed" in m.message for m in client.log_messages))
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        assert codes(await diagnostics(client, uri)) == ["RF101"]
        assert codes(await diagnostics(client, uri)) == ["RF101"]  # a second pull: cached
        stats = await server_stats(client)
        assert stats["lints"][uri] == 1


# -- 5. "Open guide" in clients with and without window/showDocument -----------------------


async def run_open_guide(client, tmp_path):
    path = write(tmp_path, "train.py", FINE_TUNE)
    uri = open_doc(client, path.as_uri(), FINE_TUNE)
    [diagnostic] = await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
    guide = diagnostic.code_description.href
    assert guide.endswith("#hosted-fine-tuning")  # the main link, for every client
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ragfirst.openGuide", arguments=[guide])
    )
    return guide, result


@profiles
async def test_5_open_guide_uses_show_document_only_when_advertised(tmp_path, profile):
    async with editor(tmp_path, profile) as (client, _):
        guide, result = await run_open_guide(client, tmp_path)
        advertised = bool(client.capabilities.window and client.capabilities.window.show_document)
        if advertised:
            assert [d.uri for d in client.shown_documents] == [guide]
            assert result["success"] is True
        else:  # Eglot: nothing sent; the URL comes back for the client to open
            assert client.shown_documents == []
            assert result == {"success": False, "url": guide}


async def test_5_a_null_show_document_answer_is_accepted(tmp_path):
    async with editor(tmp_path, "neovim") as (client, _):
        client.protocol.fm.features[types.WINDOW_SHOW_DOCUMENT] = lambda *args: None
        guide, result = await run_open_guide(client, tmp_path)
        assert result == {"success": False, "url": guide}


# -- 6. quick fixes carry the version their diagnostics were computed for ---------------------


@profiles
async def test_6_quick_fix_after_an_edit_carries_the_diagnostics_version(tmp_path, profile):
    path = write(tmp_path, "train.py", FINE_TUNE)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        found = await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        change_doc(client, uri, 2, "# a new first line\n" + FINE_TUNE)  # the fix is now stale
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=found[0].range,
                context=types.CodeActionContext(diagnostics=found),
            )
        )
        edits = [a for a in actions if isinstance(a, types.CodeAction) and a.edit]
        assert edits
        for action in edits:
            assert action.edit.document_changes[0].text_document.version == 1


# -- 8. the placeholder reason is no reason -----------------------------------------------

PLACEHOLDER = FINE_TUNE.replace(
    "job = client", "# ragfirst: ignore[RF101] -- TODO: why this is deliberate\njob = client"
)


@profiles
async def test_8_placeholder_reason_fails_require_reason(tmp_path, profile):
    write(tmp_path, "ragfirst.toml", "require-reason = true\n")
    path = write(tmp_path, "train.py", PLACEHOLDER)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), PLACEHOLDER)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF002"])
        real = PLACEHOLDER.replace("TODO: why this is deliberate", "azure contract requires it")
        change_doc(client, uri, 2, real)
        await wait_diagnostics(client, uri, lambda d: codes(d) == [])


def test_8_decisions_counts_a_placeholder_as_no_reason(tmp_path):
    write(tmp_path, "train.py", PLACEHOLDER)
    result = subprocess.run(
        [sys.executable, "-m", "ragfirst", "decisions", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert "1 decision(s); 1 without a reason." in result.stdout, result.stdout + result.stderr


# -- 9. excluded files are not linted when opened ----------------------------------------


@profiles
async def test_9_excluded_and_gitignored_files_are_not_linted(tmp_path, profile):
    write(tmp_path, "pyproject.toml", "[tool.ragfirst]\nextend-exclude = ['generated']\n")
    write(tmp_path, ".gitignore", ".venv/\n")
    (tmp_path / ".git").mkdir()
    excluded = write(tmp_path, "generated/train.py", FINE_TUNE)
    ignored = write(tmp_path, ".venv/lib/train.py", FINE_TUNE)
    kept = write(tmp_path, "train.py", FINE_TUNE)
    async with editor(tmp_path, profile) as (client, _):
        kept_uri = open_doc(client, kept.as_uri(), FINE_TUNE)
        others = [open_doc(client, p.as_uri(), FINE_TUNE) for p in (excluded, ignored)]
        await wait_diagnostics(client, kept_uri, lambda d: codes(d) == ["RF101"])
        await settled_stats(client)  # a lint of the others would be published by now
        for uri in others:
            assert not await diagnostics(client, uri)


CONFIG_PATTERN_TREE = ("top.py", "gen/keep.py", "gen/out.py", "a/x.py", "a/b/x.py")


async def test_9_config_patterns_exclude_in_the_editor_what_the_cli_skips(tmp_path):
    """`exclude` patterns as git reads them (config/path_patterns.py), in the CLI's walk
    and for a file opened in the editor alike: `gen/**` leaves `gen/` itself, so
    `!gen/keep.py` takes that file back; `a/**/` names the directories below `a/`, not
    the files in it (session 11: both skipped the whole directory)."""
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF101"]\nextend-exclude = ["gen/**", "!gen/keep.py", "a/**/"]\n',
    )
    for name in CONFIG_PATTERN_TREE:
        write(tmp_path, name, FINE_TUNE)
    result = subprocess.run(
        [sys.executable, "-m", "ragfirst", "check", "--format", "json", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    cli = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert cli == {"top.py", "gen/keep.py", "a/x.py"}, result.stderr
    async with editor(tmp_path, "neovim") as (client, _):
        assert pulls(client)  # a pull answers for the document's current text: no waiting on a clock
        uris = {name: open_doc(client, (tmp_path / name).as_uri(), FINE_TUNE) for name in CONFIG_PATTERN_TREE}
        editor_found = {name for name, uri in uris.items() if await diagnostics(client, uri)}
    assert editor_found == cli


# -- 10. untitled buffers ----------------------------------------------------------------


@profiles
async def test_10_untitled_buffers_are_linted_by_language_id(tmp_path, profile):
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, "untitled:Untitled-1", FINE_TUNE)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        text = open_doc(client, "untitled:Untitled-2", FINE_TUNE, language="plaintext")
        await settled_stats(client)
        assert not await diagnostics(client, text)


# -- 11. hover right after open or an edit ---------------------------------------------------


@profiles
async def test_11_hover_is_computed_on_demand(tmp_path, profile):
    path = write(tmp_path, "train.py", "x = 1\n")
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        text = await hover_text(client, uri, 3, 20)  # no waiting for the first lint
        assert text and text.startswith("**RF101")
        change_doc(client, uri, 2, "\n" + FINE_TUNE)
        moved = await hover_text(client, uri, 4, 20)
        assert moved and moved.startswith("**RF101")


# -- 12. four small ones -------------------------------------------------------------------


@profiles
async def test_12_explain_unknown_rule_is_invalid_params_without_traceback(tmp_path, profile):
    from pygls.exceptions import JsonRpcInvalidParams

    async with editor(tmp_path, profile) as (client, _):
        with pytest.raises(JsonRpcInvalidParams) as caught:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="ragfirst.explainRule", arguments=["rf999"])
            )
        assert "unknown rule rf999" in str(caught.value.message)
        assert "Traceback" not in str(caught.value)
        page = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="ragfirst.explainRule", arguments=["rf101"])
        )
        assert "# RF101" in page


@profiles
async def test_12_broken_config_is_reported_at_one_place(tmp_path, profile):
    text = '[project]\nname = "x"\n\n[tool.ragfirst]\nselect = ["RF101"\n'
    config = write(tmp_path, "pyproject.toml", "[tool.ragfirst]\n")
    path = write(tmp_path, "train.py", FINE_TUNE)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        config.write_text(text)
        config_uri = open_doc(client, config.as_uri(), text, language="toml")
        save_doc(client, config_uri)
        await wait_for(lambda: any("invalid TOML" in m.message for m in client.messages))
        messages = {m.message for m in client.messages if "invalid TOML" in m.message}
        found = await wait_diagnostics(client, config_uri, lambda d: len(d) > 0)
        # "at end of document": after the last newline, where the TOML analyzer puts it
        lines = {d.range.start.line + 1 for d in found}
        assert lines == {6}, [(d.range, d.message) for d in found]
        assert all("pyproject.toml:6:1:" in message for message in messages), messages


@profiles
async def test_12_inlay_labels_have_no_double_space(tmp_path, profile):
    write(tmp_path, "ragfirst.toml", "")
    write(tmp_path, "data/train.jsonl", examples(12))
    path = write(tmp_path, "train.py", TRAINING_WITH_DATA)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), TRAINING_WITH_DATA)
        await wait_diagnostics(client, uri, lambda d: "RF203" in codes(d))
        hints = await client.text_document_inlay_hint_async(
            types.InlayHintParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=0, character=0), end=types.Position(line=9, character=0)
                ),
            )
        )
        [hint] = hints
        assert hint.padding_left and not str(hint.label).startswith(" ")


@profiles
async def test_12_syntax_error_keeps_the_findings_of_unaffected_lines(tmp_path, profile):
    path = write(tmp_path, "train.py", FINE_TUNE)
    async with editor(tmp_path, profile) as (client, _):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        change_doc(client, uri, 2, FINE_TUNE + "\ndef half_typed(:\n")
        found = await wait_diagnostics(client, uri, lambda d: "RF000" in codes(d))
        assert codes(found) == ["RF000", "RF101"]
        [kept] = [d for d in found if d.code == "RF101"]
        assert kept.range.start.line == 3


# -- 13. no cache growth with an editor severity override ------------------------------------


@profiles
async def test_13_severity_override_does_not_grow_the_engine_cache(tmp_path, profile):
    path = write(tmp_path, "train.py", FINE_TUNE)
    options = {"severityOverrides": {"RF101": "error"}}
    async with editor(tmp_path, profile, options=options) as (client, _):
        uri = open_doc(client, path.as_uri(), FINE_TUNE)
        await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        for version in range(2, 42):
            change_doc(client, uri, version, FINE_TUNE + "\n" * (version % 3))
            await hover_text(client, uri, 3, 20)
        found = await wait_diagnostics(client, uri, lambda d: codes(d) == ["RF101"])
        assert found[0].severity == types.DiagnosticSeverity.Error
        stats = await server_stats(client)
        assert stats["engine_cache_entries"] <= 2, stats
