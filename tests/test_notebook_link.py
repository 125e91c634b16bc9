"""A notebook is linked with the project's modules it imports, as a Python file is: a
client made in `app/clients.py` and used in a cell is the SDK's client there, and a model
named in `app/settings.py` is the model the cell's call uses. (Before: "nothing is bound
into a notebook", and `client.fine_tuning.jobs.create(...)` in a cell fired only when the
client was made in the notebook itself.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_notebooks import code, markdown, notebook

from ragfirst.cli.main import main

CLIENTS = "from openai import OpenAI\n\nclient = OpenAI()\n"
JOB = "job = client.fine_tuning.jobs.create(training_file='file-abc', model=BASE_MODEL)\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def findings(capsys, root: Path, *extra: str) -> list[dict]:
    main(["check", "--format", "json", "--exit-zero", *extra, str(root)])
    return json.loads(capsys.readouterr().out)["findings"]


def placed(found: list[dict], rule: str) -> list[tuple[str, int | None, int]]:
    """Where `rule` fired (suppressed findings left out: JSON lists them, marked)."""
    return [
        (Path(f["path"]).name, f.get("cell"), f["start"]["line"])
        for f in found
        if f["rule"] == rule and not f.get("suppressed")
    ]


def training_notebook(import_line: str, job: str = JOB) -> str:
    return notebook(
        markdown("# Fine-tune\nUses `client.fine_tuning.jobs.create`."),
        code(import_line),
        code(job),
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": CLIENTS,
            "app/settings.py": 'BASE_MODEL = "gpt-4o-mini-2024-07-18"\n',
        },
    )
    return tmp_path


def test_a_client_from_a_project_module_is_the_sdks_client_in_a_cell(project, capsys):
    (project / "train.ipynb").write_text(
        training_notebook("from app.clients import client\nfrom app.settings import BASE_MODEL\n")
    )
    found = findings(capsys, project, "--no-cache")
    assert placed(found, "RF101") == [("train.ipynb", 3, 1)]
    [rf101] = [f for f in found if f["rule"] == "RF101"]
    assert "gpt-4o-mini-2024-07-18" in rf101["message"]  # the constant of app/settings.py


def test_the_same_call_in_a_python_file_and_in_a_notebook_gives_the_same_rules(project, capsys):
    source = "from app.clients import client\nfrom app.settings import BASE_MODEL\n"
    (project / "train.ipynb").write_text(training_notebook(source))
    (project / "train.py").write_text(source + JOB)
    found = findings(capsys, project, "--no-cache")
    by_file: dict[str, list[str]] = {}
    for finding in found:
        by_file.setdefault(Path(finding["path"]).name, []).append(finding["rule"])
    assert sorted(by_file["train.ipynb"]) == sorted(by_file["train.py"])
    assert "RF101" in by_file["train.ipynb"]


def test_a_notebook_in_a_folder_finds_the_package_from_the_project_root(project, capsys):
    write(
        project,
        {
            "notebooks/experiments/train.ipynb": training_notebook(
                "import sys\nsys.path.append('../..')\nfrom app.clients import client\nBASE_MODEL = 'x'\n"
            )
        },
    )
    found = findings(capsys, project, "--no-cache")
    assert placed(found, "RF101") == [("train.ipynb", 3, 1)]


def test_a_relative_module_beside_the_notebook_is_what_its_kernel_imports(tmp_path, capsys):
    write(
        tmp_path,
        {
            "cookbook/util.py": CLIENTS,
            "cookbook/train.ipynb": training_notebook("from util import client\nBASE_MODEL = 'x'\n"),
        },
    )
    found = findings(capsys, tmp_path, "--no-cache")
    assert placed(found, "RF101") == [("train.ipynb", 3, 1)]


@pytest.mark.parametrize(
    "clients",
    [
        # the project's own class of the same shape: no SDK
        "class Jobs:\n    def create(self, **kw):\n        return kw\n\n"
        "class FineTuning:\n    jobs = Jobs()\n\n"
        "class Client:\n    fine_tuning = FineTuning()\n\nclient = Client()\n",
        # an SDK name in a string only
        'client = "openai.OpenAI()"\n',
        # a client of a provider that is no fine-tuning API
        "import httpx\n\nclient = httpx.Client()\n",
    ],
)
def test_a_look_alike_client_in_a_project_module_does_not_fire(project, capsys, clients):
    (project / "app/clients.py").write_text(clients)
    (project / "train.ipynb").write_text(
        training_notebook("from app.clients import client\nBASE_MODEL = 'x'\n")
    )
    assert placed(findings(capsys, project, "--no-cache"), "RF101") == []


def test_an_import_the_project_does_not_have_binds_nothing(project, capsys):
    (project / "train.ipynb").write_text(
        training_notebook("from missing.clients import client\nBASE_MODEL = 'x'\n")
    )
    found = findings(capsys, project, "--no-cache")
    assert placed(found, "RF101") == []
    assert [f for f in found if f["rule"] == "RF000"] == []


def test_a_cached_run_gives_what_the_cold_run_gave(project, capsys, tmp_path_factory):
    (project / "train.ipynb").write_text(
        training_notebook("from app.clients import client\nfrom app.settings import BASE_MODEL\n")
    )
    cache = tmp_path_factory.mktemp("cache")
    cold = findings(capsys, project, "--cache-dir", str(cache))
    warm = findings(capsys, project, "--cache-dir", str(cache))
    assert placed(cold, "RF101") == [("train.ipynb", 3, 1)]
    assert warm == cold
    # the module changes: the notebook's finding follows it
    (project / "app/clients.py").write_text("client = None\n")
    assert placed(findings(capsys, project, "--cache-dir", str(cache)), "RF101") == []


def test_a_suppression_in_the_cell_still_silences_the_linked_finding(project, capsys):
    job = JOB.rstrip("\n") + "  # ragfirst: ignore[RF101] -- evaluated against RAG in docs/eval.md\n"
    (project / "train.ipynb").write_text(
        training_notebook("from app.clients import client\nfrom app.settings import BASE_MODEL\n", job)
    )
    found = findings(capsys, project, "--no-cache")
    assert placed(found, "RF101") == []
    assert [f["suppressed"] for f in found if f["rule"] == "RF101"] == [True]
    assert placed(found, "RF001") == []  # the suppression is used: not reported unused


def test_the_notebook_checked_alone_is_linked_with_its_project(project, capsys, monkeypatch):
    """What the pre-commit hook does: only the changed file is passed; the project's other
    modules are read as context (its manifest marks the project)."""
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    (project / "train.ipynb").write_text(
        training_notebook("from app.clients import client\nfrom app.settings import BASE_MODEL\n")
    )
    monkeypatch.chdir(project)
    found = findings(capsys, Path("train.ipynb"), "--no-cache")
    assert placed(found, "RF101") == [("train.ipynb", 3, 1)]


def test_a_relative_import_in_a_notebook_binds_nothing(tmp_path, capsys):
    """A kernel runs a notebook as `__main__`, in no package: `from .util import client`
    raises there, so no client of util.py reaches the cell (session-15 review)."""
    write(
        tmp_path,
        {
            "nb/__init__.py": "",
            "nb/util.py": CLIENTS,
            "nb/train.ipynb": training_notebook("from .util import client\nBASE_MODEL = 'x'\n"),
            "nb/other.ipynb": training_notebook(
                "from . import util\nclient = util.client\nBASE_MODEL = 'x'\n"
            ),
        },
    )
    assert placed(findings(capsys, tmp_path, "--no-cache"), "RF101") == []
