"""One parse per file (issue 26): the link analyses a module alone, then again with what
its imports bind, on the tree of the first analysis (python_chunks.RecentTexts)."""

from __future__ import annotations

import ast
import collections
import json
import textwrap
from pathlib import Path

import pytest
from tests.conftest import record_calls

from ragfirst.analyzers import python_chunks
from ragfirst.analyzers.python_chunks import ChunkedParser, RecentTexts, reusing_unchanged_statements
from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine import incremental_link
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.link_parses import REUSED
from ragfirst.engine.workspace import Workspace

PROJECT = {
    "app/__init__.py": "",
    "app/deps.py": """
        from openai import OpenAI

        client = OpenAI()
        """,
    # Names no SDK package: the prefilter leaves it to the link, which parses it once its
    # import is found to bind a client, then analyses it with that client.
    "app/routes.py": """
        from app.deps import client


        def start_fine_tune(training_file):
            upload = client.files.create(file=open(training_file, "rb"), purpose="fine-tune")
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload.id)
        """,
}


def _write(root: Path) -> None:
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _parses(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Every `ast.parse` of a whole text, counted by text."""
    counted: collections.Counter[str] = collections.Counter()
    original = ast.parse

    def parse(source, *args, **kwargs):
        if isinstance(source, str):
            counted[source] += 1
        return original(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", parse)
    return counted


# -- the kept trees ------------------------------------------------------------------------


def test_the_same_text_is_answered_with_the_tree_parsed_before():
    trees = RecentTexts()
    first = trees.parse("x = 1\n")
    assert trees.parse("x = " + "1\n") is first  # equal text, another string
    assert trees.reused == 1
    assert trees.parse("x = 2\n") is not first


def test_kept_trees_are_bounded_by_their_texts_characters():
    trees = RecentTexts(max_chars=100)
    old = trees.parse("a = 1\n")
    for number in range(40):  # 6-7 characters each: the oldest go first
        trees.parse(f"b{number} = 1\n")
    assert trees.parse("a = 1\n") is not old
    assert trees.reused == 0


def test_a_text_over_a_tenth_of_the_bound_is_never_kept():
    trees = RecentTexts(max_chars=100)
    text = "x = 1\n" * 3  # 18 characters
    assert trees.parse(text) is not trees.parse(text)
    assert trees.reused == 0


def test_only_what_is_parsed_while_keeping_is_kept():
    """The link keeps the trees of files an SDK value reaches (analysed again with it),
    not those of modules parsed for their summaries only."""
    trees = RecentTexts()
    trees.keeping = False
    summary = trees.parse("import torch\n")
    trees.keeping = True
    reached = trees.parse("from app.deps import client\n")
    assert trees.parse("import torch\n") is not summary
    assert trees.parse("from app.deps import client\n") is reached
    assert trees.reused == 1


def test_spans_are_kept_on_a_tree_only_when_it_serves_another_analysis():
    """The analyzer keeps a node's span on the node (getattr, setattr) only for a tree that
    serves more than one analysis: one kept, or one handed back."""
    trees = RecentTexts()
    trees.keeping = False
    trees.parse("a = 1\n")
    assert not trees.shares_trees
    trees.keeping = True
    trees.parse("b = 1\n")
    assert trees.shares_trees
    trees.keeping = False
    trees.parse("b = 1\n")  # handed back: its spans are there
    assert trees.shares_trees
    assert ChunkedParser().shares_trees


def test_a_syntax_error_is_raised_and_nothing_kept():
    trees = RecentTexts()
    for _ in range(2):
        with pytest.raises(SyntaxError):
            trees.parse("def broken(:\n")
    assert trees.reused == 0


# -- a run ---------------------------------------------------------------------------------


def test_a_file_the_link_reaches_is_parsed_once(tmp_path, monkeypatch, capsys):
    _write(tmp_path)
    counted = _parses(monkeypatch)
    code = main(["check", str(tmp_path), "--no-cache", "--jobs", "1", "--format", "json", "--timings"])
    captured = capsys.readouterr()
    assert code == 1
    findings = json.loads(captured.out)["findings"]
    assert {(f["rule"], Path(f["path"]).name) for f in findings} >= {("RF101", "routes.py")}
    routes = textwrap.dedent(PROJECT["app/routes.py"])
    assert counted[routes] == 1  # reached, then analysed with the client: one parse
    assert all(counted[textwrap.dedent(text)] <= 1 for text in PROJECT.values() if text)
    assert f"{REUSED} " in captured.err


def test_the_findings_are_those_of_a_second_parse(tmp_path, monkeypatch, capsys):
    _write(tmp_path)
    argv = ["check", str(tmp_path), "--no-cache", "--jobs", "1", "--format", "json"]
    main(argv)
    reused = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(
        RecentTexts, "parse", lambda self, text, filename="<unknown>": ast.parse(text, filename)
    )
    main(argv)
    assert json.loads(capsys.readouterr().out) == reused


def test_only_the_reached_files_trees_are_kept(tmp_path, monkeypatch, capsys):
    """A module parsed for what it offers importers (its constants, here) is not analysed
    again: its tree is not kept; the file the client reaches is."""
    _write(tmp_path)
    (tmp_path / "app" / "settings.py").write_text('BASE_MODEL = "gpt-4o-mini"\n')
    routes = tmp_path / "app" / "routes.py"
    routes.write_text(
        routes.read_text()
        .replace('"gpt-4o-mini"', "BASE_MODEL")
        .replace(
            "from app.deps import client\n",
            "from app.deps import client\nfrom app.settings import BASE_MODEL\n",
        )
    )
    kept: dict[str, list[bool]] = {}
    original = RecentTexts.parse

    def parse(self, text, filename="<unknown>"):
        kept.setdefault(text, []).append(self.keeping)
        return original(self, text, filename)

    monkeypatch.setattr(RecentTexts, "parse", parse)
    main(["check", str(tmp_path), "--no-cache", "--jobs", "1", "--format", "json"])
    capsys.readouterr()
    assert kept[routes.read_text()] == [True, False]  # reached (kept), then with the client
    assert kept['BASE_MODEL = "gpt-4o-mini"\n'] == [False]


def test_a_parser_already_in_use_is_kept_for_the_links_analyses(monkeypatch):
    """The server analyses an edited document through its ChunkedParser: the link it runs
    then parses through that parser too (its statements' trees), not through a new one.
    Without one, a full link and an incremental one keep the reached files' trees, and
    drop them when the link is over."""
    files = {name: textwrap.dedent(text).encode() for name, text in PROJECT.items()}
    seen: list[object] = []
    original = Workspace.reanalyze

    def recording(self, entry, environment, force):
        seen.append(python_chunks.current_parser())
        return original(self, entry, environment, force)

    monkeypatch.setattr(Workspace, "reanalyze", recording)
    statements = ChunkedParser()
    for parser in (statements, None):
        workspace = Workspace(lambda key: files.get(key.id))
        workspace.incremental = True  # as the server relinks
        settings = Settings()
        engine = workspace.engine_for(settings)
        for name, data in files.items():
            workspace.update(FileKey("", name), data, settings, engine)
        seen.clear()
        if parser is None:  # no parser in use: the link keeps the trees it parses
            workspace.relink()
            assert seen and all(isinstance(found, RecentTexts) for found in seen)
            assert all(found._trees == {} for found in seen)  # dropped after the link
            seen.clear()
            edited = files["app/routes.py"] + b"\n\ndef more():\n    return client.models.list()\n"
            files["app/routes.py"] = edited
            workspace.update(FileKey("", "app/routes.py"), edited, settings, engine)
            relinked = incremental_link.COUNTERS.incremental
            workspace.relink()  # incremental: only what the edit reaches
            assert incremental_link.COUNTERS.incremental == relinked + 1
            assert seen and all(isinstance(found, RecentTexts) for found in seen)
        else:
            with reusing_unchanged_statements(parser):
                workspace.relink()
            assert seen and all(found is statements for found in seen)


def _loaded_workspace() -> tuple[Workspace, dict[str, bytes], Settings]:
    """PROJECT loaded in a workspace (not linked yet), its files by name, its settings."""
    files = {name: textwrap.dedent(text).encode() for name, text in PROJECT.items()}
    workspace = Workspace(lambda key: files.get(key.id))
    settings = Settings()
    engine = workspace.engine_for(settings)
    for name, data in files.items():
        workspace.update(FileKey("", name), data, settings, engine)
    return workspace, files, settings


def _failing(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a link that fails")


def test_an_incremental_relink_that_raises_still_drops_its_kept_trees(monkeypatch):
    """The link's analyses are done (their kept trees dropped) however the incremental
    relink ends, an exception included."""
    workspace, files, settings = _loaded_workspace()
    workspace.incremental = True
    workspace.relink()
    edited = files["app/routes.py"] + b"\n\ndef more():\n    return client.models.list()\n"
    files["app/routes.py"] = edited
    workspace.update(FileKey("", "app/routes.py"), edited, settings, workspace.engine_for(settings))
    finished = record_calls(monkeypatch, incremental_link.LinkAnalyses, "done")
    monkeypatch.setattr(incremental_link, "_python_relink", _failing)
    state = next(iter(workspace.projects.values()))
    with pytest.raises(RuntimeError):
        incremental_link.relink(workspace, state)
    assert len(finished) == 1
    assert state.link is None  # spent: the next relink is a full one


def test_a_full_link_that_raises_still_drops_its_kept_trees(monkeypatch):
    from ragfirst.engine import workspace as workspace_module

    workspace, _, _ = _loaded_workspace()
    finished = record_calls(monkeypatch, workspace_module.LinkAnalyses, "done")
    monkeypatch.setattr(workspace_module, "link_project", _failing)
    with pytest.raises(RuntimeError):
        workspace.relink()
    assert len(finished) == 1
