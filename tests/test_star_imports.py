"""`from module import *` of the project's own modules binds what the module offers, in a
Python file and in a notebook: a client, a setting, re-exports through an `__init__.py`.
(Before: a star import bound nothing; RAG notebooks often take their helpers with
`from helper_functions import *` after putting the repository on `sys.path`.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_notebooks import code, notebook

from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.cli.main import main
from ragfirst.source import SourceText

CLIENTS = "from openai import OpenAI\n\nclient = OpenAI()\n"
JOB = "job = client.fine_tuning.jobs.create(training_file='file-abc', model='gpt-4o-mini')\n"


def write(root: Path, files: dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def fired(capsys, root: Path, rule: str = "RF101") -> list[tuple[str, int | None, int, str]]:
    main(["check", "--format", "json", "--exit-zero", "--no-cache", str(root)])
    found = json.loads(capsys.readouterr().out)["findings"]
    return [
        (
            f["path"].replace("\\", "/").split(f"{root.name}/")[-1],
            f.get("cell"),
            f["start"]["line"],
            f["message"],
        )
        for f in found
        if f["rule"] == rule and not f.get("suppressed")
    ]


def test_a_client_from_a_star_import_is_the_sdks_client(tmp_path, capsys):
    root = write(
        tmp_path,
        {"app/__init__.py": "", "app/clients.py": CLIENTS, "train.py": "from app.clients import *\n" + JOB},
    )
    assert [place[:3] for place in fired(capsys, root)] == [("train.py", None, 2)]


def test_a_notebook_takes_its_helpers_with_a_star_import(tmp_path, capsys):
    root = write(
        tmp_path,
        {
            "helpers.py": CLIENTS,
            "techniques/train.ipynb": notebook(
                code("import sys\nsys.path.append('..')\nfrom helpers import *\n"), code(JOB)
            ),
        },
    )
    assert [place[:3] for place in fired(capsys, root)] == [("techniques/train.ipynb", 2, 1)]


def test_a_setting_from_a_star_import_reaches_the_call(tmp_path, capsys):
    root = write(
        tmp_path,
        {
            "settings.py": 'BASE_MODEL = "gpt-4o-mini-2024-07-18"\n',
            "train.py": CLIENTS
            + "from settings import *\n"
            + "job = client.fine_tuning.jobs.create(training_file='f', model=BASE_MODEL)\n",
        },
    )
    [(_, _, _, message)] = fired(capsys, root)
    assert "gpt-4o-mini-2024-07-18" in message


def test_re_exports_through_a_star_in_a_package_init(tmp_path, capsys):
    root = write(
        tmp_path,
        {
            "app/__init__.py": "from .clients import *\n",
            "app/clients.py": CLIENTS,
            "train.py": "from app import client\n" + JOB,
        },
    )
    assert [place[:3] for place in fired(capsys, root)] == [("train.py", None, 2)]


@pytest.mark.parametrize(
    ("clients", "importer"),
    [
        # a name starting with `_` is not imported by a star
        (
            "from openai import OpenAI\n\n_client = OpenAI()\n",
            "from app.clients import *\n" + JOB.replace("client.", "_client."),
        ),
        # a later definition in the file wins
        (CLIENTS, "from app.clients import *\nclient = object()\n" + JOB),
        # the project's own class of the same shape
        (
            "class Jobs:\n    def create(self, **kw):\n        return kw\n\n"
            "class FineTuning:\n    jobs = Jobs()\n\n"
            "class Client:\n    fine_tuning = FineTuning()\n\nclient = Client()\n",
            "from app.clients import *\n" + JOB,
        ),
        # a star import of the standard library or of an SDK binds nothing new
        (CLIENTS, "from os import *\nfrom json import *\n" + JOB),
    ],
)
def test_look_alikes_and_python_rules_of_star_imports(tmp_path, capsys, clients, importer):
    root = write(tmp_path, {"app/__init__.py": "", "app/clients.py": clients, "train.py": importer})
    assert fired(capsys, root) == []


def test_star_imports_in_a_cycle_end(tmp_path, capsys):
    root = write(
        tmp_path,
        {
            "a.py": "from b import *\n" + CLIENTS,
            "b.py": "from a import *\n" + JOB,
        },
    )
    assert [place[:3] for place in fired(capsys, root)] == [("b.py", None, 2)]


def test_alone_a_star_import_is_recorded_and_read_where_a_name_is_unbound():
    facts = analyze_python(
        SourceText("from app.clients import *\nfrom os import *\nclient.models.list()\n"), "t.py"
    )
    assert ("app.clients", "*") in facts.project_imports
    assert ("os", "*") not in facts.project_imports  # the standard library: no project module
    assert ("app.clients", "*") in facts.used_imports


FAKES = "class FakeClient:\n    pass\n\n\nclient = FakeClient()\n"


@pytest.mark.parametrize(
    "helpers",
    [
        CLIENTS + '\n__all__ = ["encode"]\n\n\ndef encode(text):\n    return text\n',  # not in `__all__`
        CLIENTS + "MODELS = [m.id for m in client.models.list()]\ndel client\n",  # deleted
        "from openai import OpenAI\n\nif __name__ == '__main__':\n    client = OpenAI()\n",  # only as a script
    ],
)
def test_a_star_never_replaces_what_the_file_bound_itself(tmp_path, capsys, helpers):
    """Python would not bind `client` from these modules: the file's own stays (review of
    session 15: each fired RF101 on the user's fake client)."""
    root = write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/fakes.py": FAKES,
            "app/helpers.py": helpers,
            "train.py": "from app.fakes import client\nfrom app.helpers import *\n" + JOB,
        },
    )
    assert fired(capsys, root) == []


def test_two_project_star_imports_bind_nothing(tmp_path, capsys):
    """`client` is the local module's (Python: the later star wins), but its value is no
    rule's and so not in its summary: neither star is trusted (review of session 15)."""
    root = write(
        tmp_path,
        {
            "helpers.py": CLIENTS,
            "local_llm.py": FAKES,
            "train.py": "from helpers import *\nfrom local_llm import *\n" + JOB,
            "nb.ipynb": notebook(
                code("from helpers import *\n"), code("from local_llm import *\n"), code(JOB)
            ),
        },
    )
    assert fired(capsys, root) == []


def test_all_names_what_a_star_binds(tmp_path, capsys):
    root = write(
        tmp_path,
        {
            "helpers.py": CLIENTS + '__all__ = ["client"]\n_private = client\n',
            "train.py": "from helpers import *\n" + JOB,
        },
    )
    assert [place[:3] for place in fired(capsys, root)] == [("train.py", None, 2)]
