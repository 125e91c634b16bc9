"""Project boundaries for notebooks (issue 17, item 4; session 12).

A repository of independent notebooks (a course, a cookbook, tutorials beside a library)
was one project: brevdev/notebooks' fine-tuning notebooks were told "Retrieval is already
set up (... at RAG_WIth_Local_NIM_V2.ipynb:176)", a notebook unrelated to them, and
instructor's `cli/jobs.py` cited a docs tutorial's LanceDB table. A notebook has no module
name (nothing imports it), so it shares facts only through the project modules it
imports, whatever marks the project. Each case is a small project of my own making."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.project_model import application_components, components, kernel_finds
from ragfirst.engine.runner import default_context, lint_sources

FINE_TUNE = 'client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")\n'
CLIENT = "from openai import OpenAI\nclient = OpenAI()\n"
RETRIEVE = (
    "from pinecone import Pinecone\nindex = Pinecone().Index('docs')\n"
    "hits = index.query(vector=[0.1], top_k=3)\n"
)
ALREADY = "Retrieval is already set up"
NONE_FOUND = "No retrieval found"


def notebook(*sources: str) -> str:
    """An .ipynb document with one code cell per source."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": textwrap.dedent(source).splitlines(keepends=True),
        }
        for source in sources
    ]
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def mark(root: Path, marker: str | None, name: str = "p") -> None:
    """Make `root` a project marked by a VCS root (".git"), a manifest, or nothing (None)."""
    if marker == ".git":
        (root / ".git").mkdir()
    elif marker:
        write(root, {marker: f'[project]\nname = "{name}"\n'})


def check_json(capsys, *args: str) -> list[dict]:
    code = main(["check", "--format", "json", "--no-cache", *args])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return json.loads(out)["findings"]


def rf101(findings: list[dict]) -> dict[str, str]:
    """The RF101 message of each file (one fine-tuning call each)."""
    return {f["path"]: f["message"] for f in findings if f["rule"] == "RF101"}


# -- the projects -----------------------------------------------------------------------------

# A course: sibling notebooks in one folder, each its own decision (brevdev/notebooks' shape).
COURSE = {
    "course/01_rag.ipynb": notebook(RETRIEVE),
    "course/02_finetune.ipynb": notebook(CLIENT, FINE_TUNE),
}

# The same course whose notebooks share a helper module they both import: one project.
SHARED_HELPER = {
    "course/helpers.py": "def show(hits):\n    return [hit for hit in hits]\n",
    "course/01_rag.ipynb": notebook("from helpers import show\n", RETRIEVE),
    "course/02_finetune.ipynb": notebook("import helpers\n", CLIENT, FINE_TUNE),
}

# A library with a docs tutorial (instructor's shape): the package fine-tunes, the tutorial
# notebook retrieves; a module of the package retrieves too in `WITH_OWN_RETRIEVAL`.
LIBRARY = {
    "pyproject.toml": '[project]\nname = "lib"\n',
    "lib/__init__.py": "",
    "lib/jobs.py": CLIENT + FINE_TUNE,
    "docs/tutorials/synthetic.ipynb": notebook(RETRIEVE),
}


@pytest.mark.parametrize("marker", [".git", "pyproject.toml", None], ids=["vcs-root", "manifest", "nothing"])
def test_sibling_notebooks_do_not_share_facts(tmp_path, capsys, monkeypatch, marker):
    """Two notebooks in one folder, one retrieving and one training: the training one is
    not told retrieval is set up, whatever marks the project (before: a VCS root joined a
    folder's files; a manifest or nothing joined every file)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, COURSE)
    mark(tmp_path, marker, "course")
    assert NONE_FOUND in rf101(check_json(capsys, "."))["course/02_finetune.ipynb"]


@pytest.mark.parametrize("marker", [".git", "pyproject.toml"], ids=["vcs-root", "manifest"])
def test_notebooks_that_import_one_module_share_facts(tmp_path, capsys, monkeypatch, marker):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHARED_HELPER)
    mark(tmp_path, marker, "course")
    message = rf101(check_json(capsys, "."))["course/02_finetune.ipynb"]
    assert ALREADY in message and "course/01_rag.ipynb" in message


@pytest.mark.parametrize(
    "imports", ["", "import lib\n", "from lib import jobs\n"], ids=["none", "package", "module"]
)
def test_a_docs_tutorial_notebook_is_not_the_librarys_retrieval(tmp_path, capsys, monkeypatch, imports):
    """instructor's shape: the tutorials in `docs/tutorials/` import the library by name
    (`import instructor`): that is the installed package their kernel loads, not a module
    next to them, so the library's own fine-tuning code does not cite their tables."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {**LIBRARY, "docs/tutorials/synthetic.ipynb": notebook(imports, RETRIEVE)})
    assert NONE_FOUND in rf101(check_json(capsys, "."))["lib/jobs.py"]
    # the application itself is still one: a module of it that retrieves is cited
    write(tmp_path, {"lib/search.py": RETRIEVE})
    message = rf101(check_json(capsys, "."))["lib/jobs.py"]
    assert ALREADY in message and "lib/search.py" in message


def test_a_notebook_that_imports_the_application_shares_its_facts(tmp_path, capsys, monkeypatch):
    """A notebook beside the application's package, importing it as its kernel does (from
    its own directory), is part of the application; the same import from a notebook in
    another folder names the installed package (a user of it), and so does no import."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {**LIBRARY, "lib/search.py": RETRIEVE})
    tune = notebook("from lib import search\n", CLIENT, FINE_TUNE)
    write(tmp_path, {"tune.ipynb": tune, "notebooks/tune.ipynb": tune})
    write(tmp_path, {"alone.ipynb": notebook(CLIENT, FINE_TUNE)})
    write(tmp_path, {"lib/explore.ipynb": notebook("from search import hits\n", CLIENT, FINE_TUNE)})
    found = rf101(check_json(capsys, "."))
    assert ALREADY in found["tune.ipynb"] and "lib/search.py" in found["tune.ipynb"]
    assert ALREADY in found["lib/explore.ipynb"] and "lib/search.py" in found["lib/explore.ipynb"]
    assert NONE_FOUND in found["notebooks/tune.ipynb"]
    assert NONE_FOUND in found["alone.ipynb"]
    assert "ipynb" not in found["lib/jobs.py"]  # the application does cite lib/search.py


def test_a_course_notebook_does_not_join_through_a_module_its_kernel_cannot_import(
    tmp_path, capsys, monkeypatch
):
    """Bare repository: `import helpers` in `course/` finds `course/helpers.py`; from
    `other/` it would find nothing when run (the kernel runs in `other/`), even though the
    project has a `helpers.py` in another folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    write(tmp_path, SHARED_HELPER)
    write(
        tmp_path,
        {"helpers.py": "X = 1\n", "other/tune.ipynb": notebook("import helpers\n", CLIENT, FINE_TUNE)},
    )
    write(tmp_path, {"rag.py": "import helpers\n" + RETRIEVE})
    found = rf101(check_json(capsys, "."))
    assert NONE_FOUND in found["other/tune.ipynb"]
    assert "course/01_rag.ipynb" in found["course/02_finetune.ipynb"]


def test_a_notebook_that_reranks_is_its_own_rf304_decision(tmp_path, capsys, monkeypatch):
    """RF304 asks each notebook that retrieves for reranking or hybrid search; another
    notebook's reranker no longer hides it (brevdev's pdf-blueprint reranks with
    NVIDIARerank: a reranker fact, so it is silent)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    rerank = (
        "from langchain_nvidia_ai_endpoints import NVIDIARerank\n"
        "reranker = NVIDIARerank(model='nvidia/nv-rerankqa-mistral-4b-v3')\n"
    )
    look_alike = "from my_rankers import NVIDIARerank\nreranker = NVIDIARerank()\n"
    write(
        tmp_path,
        {
            "a/reranks.ipynb": notebook(RETRIEVE, rerank),
            "a/plain.ipynb": notebook(RETRIEVE),
            "a/look_alike.ipynb": notebook(RETRIEVE, look_alike),
        },
    )
    fired = sorted(f["path"] for f in check_json(capsys, ".") if f["rule"] == "RF304")
    assert fired == ["a/look_alike.ipynb", "a/plain.ipynb"]


RAGATOUILLE = (
    "from typing import Optional\nfrom ragatouille import RAGPretrainedModel\n"
    "RERANKER = RAGPretrainedModel.from_pretrained('colbert-ir/colbertv2.0')\n"
    "def answer(question, docs, reranker: Optional[RAGPretrainedModel] = None):\n"
    "    return reranker.rerank(question, docs, k=5)\n"
)


@pytest.mark.parametrize(
    ("reranks", "fires"),
    [
        (RAGATOUILLE, False),  # huggingface/cookbook's advanced_rag: ColBERT reranks
        (
            "from ragatouille import RAGPretrainedModel\nRAGPretrainedModel.from_pretrained('x').rerank('q', [])\n",
            False,
        ),
        (
            "from my_colbert import RAGPretrainedModel\nRAGPretrainedModel.from_pretrained('x').rerank('q', [])\n",
            True,
        ),
        ("from ragatouille import RAGPretrainedModel\nRAG = RAGPretrainedModel.from_pretrained('x')\n", True),
    ],
    ids=["annotated-parameter", "direct", "look-alike-package", "no-rerank-call"],
)
def test_ragatouille_rerank_is_a_reranker(tmp_path, capsys, monkeypatch, reranks, fires):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"rag.ipynb": notebook(RETRIEVE, reranks)})
    assert any(f["rule"] == "RF304" for f in check_json(capsys, ".")) == fires


# -- the same findings whatever is passed -------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "marker"),
    [(COURSE, ".git"), (SHARED_HELPER, ".git"), (LIBRARY, None), (SHARED_HELPER, "pyproject.toml")],
    ids=["course-vcs", "helper-vcs", "library", "helper-manifest"],
)
def test_check_file_equals_check_project(tmp_path, capsys, monkeypatch, files, marker):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, files)
    mark(tmp_path, marker)
    whole = check_json(capsys, ".")
    assert rf101(whole)
    for path in files:
        if path.endswith((".py", ".ipynb")):
            alone = check_json(capsys, path)
            assert [f for f in alone if f["path"] == path] == [f for f in whole if f["path"] == path], path


# -- the boundaries themselves -----------------------------------------------------------------


def test_components_join_notebooks_only_through_imports():
    paths = ["c/a.ipynb", "c/b.ipynb", "c/C.IPYNB", "c/helpers.py", "c/other.py", "d/x.ipynb", "y.ipynb"]
    edges = [("c/b.ipynb", "c/helpers.py"), ("d/x.ipynb", "c/helpers.py"), ("y.ipynb", "c/helpers.py")]
    found = components(paths, edges)
    assert found["c/helpers.py"] == found["c/other.py"] == found["c/b.ipynb"] == found["y.ipynb"]
    assert found["d/x.ipynb"] != found["c/b.ipynb"]  # its kernel runs in d/: not c/helpers.py
    assert len({found["c/a.ipynb"], found["c/C.IPYNB"], found["c/b.ipynb"]}) == 3


def test_kernel_finds():
    assert kernel_finds("c/a.ipynb", "c/helpers.py")
    assert kernel_finds("c/a.ipynb", "c/pkg/__init__.py")
    assert kernel_finds("a.ipynb", "lib/search.py")  # at the root: the root is its directory
    assert not kernel_finds("docs/tutorials/a.ipynb", "instructor/__init__.py")
    assert not kernel_finds("c/a.ipynb", "cc/helpers.py")  # a sibling folder with a longer name


def test_application_components():
    assert application_components(["a.py", "b/c.py"], []) is None  # no notebook: no boundary
    paths = ["a.py", "b/c.py", "n1.ipynb", "n2.ipynb", "n3.ipynb"]
    found = application_components([*paths, "d/n4.ipynb"], [("n1.ipynb", "b/c.py"), ("d/n4.ipynb", "b/c.py")])
    assert found is not None
    assert found["a.py"] == found["b/c.py"] == found["n1.ipynb"]
    assert len({found["a.py"], found["n2.ipynb"], found["n3.ipynb"], found["d/n4.ipynb"]}) == 4


def test_in_memory_project_splits_notebooks_too():
    """`lint_sources` (an in-memory project, as in the language server's tests): the same."""
    sources = {"nb/a.ipynb": notebook(RETRIEVE), "nb/b.ipynb": notebook(CLIENT, FINE_TUNE)}
    found = [f for f in lint_sources(sources, Settings()) if f.rule_id == "RF101"]
    assert found and NONE_FOUND in found[0].message


def test_an_edited_import_moves_the_boundary_incrementally():
    """The editor's incremental relink: a notebook that starts (or stops) importing the
    application's module joins (or leaves) it, exactly as a full link decides."""
    from tests.test_incremental_link import Pair

    files = {
        "app/__init__.py": "",
        "app/search.py": RETRIEVE,
        "app/util.py": "SIZE = 3\n",
        "tune.ipynb": notebook(CLIENT, FINE_TUNE),
        "other.ipynb": notebook(RETRIEVE),
    }
    pair = Pair(files)
    pair.assert_same("initial")

    def message() -> str:
        findings = pair.incremental.findings_for(FileKey("", "tune.ipynb"), default_context(Settings()))
        return next(f.message for f in findings if f.rule_id == "RF101")

    assert NONE_FOUND in message()
    pair.edit("tune.ipynb", notebook("from app import search\n", CLIENT, FINE_TUNE))
    pair.assert_same("import added")
    assert ALREADY in message() and "app/search.py" in message() and "other.ipynb" not in message()
    pair.edit("tune.ipynb", notebook(CLIENT, FINE_TUNE))
    pair.assert_same("import removed")
    assert NONE_FOUND in message()
    boundaries = pair.incremental.projects[""].index.components
    pair.edit("app/util.py", "SIZE = 4\n")  # an edit elsewhere keeps the notebooks apart
    pair.assert_same("other edit")
    assert NONE_FOUND in message()
    assert pair.incremental.projects[""].index.components is boundaries  # not rebuilt


def test_refresh_rebuilds_only_when_a_notebook_joins_or_leaves():
    from ragfirst.engine.project import ProjectIndex
    from ragfirst.engine.project_model import refresh_application_components

    order = {"app/a.py": 0, "lib.py": 1, "nb/x.ipynb": 2, "y.ipynb": 3}
    index = ProjectIndex()
    edges: dict[str, list[str]] = {"nb/x.ipynb": ["lib.py"]}  # not from its directory: no join
    refresh_application_components(index, order, edges, 4)
    first = index.components
    assert first is not None and len({first["app/a.py"], first["nb/x.ipynb"], first["y.ipynb"]}) == 3
    refresh_application_components(index, order, edges, 4)
    assert index.components is first
    edges["y.ipynb"] = ["nb/x.ipynb", "app/a.py"]  # the second target joins it (at the root)
    refresh_application_components(index, order, edges, 4)
    assert index.components is not first and index.components["y.ipynb"] == index.components["lib.py"]
    order["nb/z.ipynb"] = 4  # a notebook came: listed again, alone
    refresh_application_components(index, order, edges, 5)
    assert index.components["nb/z.ipynb"] not in (index.components["lib.py"], index.components["nb/x.ipynb"])


# -- what a finding calls the files it looked through -------------------------------------


@pytest.mark.parametrize("marker", [".git", "pyproject.toml", None], ids=["vcs-root", "manifest", "nothing"])
def test_a_notebook_alone_is_this_notebook_and_one_that_imports_the_project_is_this_project(
    tmp_path, capsys, monkeypatch, marker
):
    """ "No retrieval found in this project" on a notebook that shares facts with no other
    file read as if the repository had been searched: it says "this notebook". A notebook
    that imports a module of the project, and a module, still say "this project"."""
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "course/02_finetune.ipynb": notebook(CLIENT, FINE_TUNE),
            "app/helpers.py": "def show(hits):\n    return hits\n",
            "app/tune.ipynb": notebook("from helpers import show\n", CLIENT, FINE_TUNE),
            "app/jobs.py": CLIENT + FINE_TUNE,
            "rag/one.ipynb": notebook(RETRIEVE),
        },
    )
    mark(tmp_path, marker, "course")
    findings = check_json(capsys, ".")
    messages = rf101(findings)
    assert "No retrieval found in this notebook:" in messages["course/02_finetune.ipynb"]
    assert "No retrieval found in this project:" in messages["app/tune.ipynb"]
    assert "No retrieval found in this project:" in messages["app/jobs.py"]
    (rf304,) = [f["message"] for f in findings if f["rule"] == "RF304"]
    assert "nothing in this notebook reranks" in rf304
