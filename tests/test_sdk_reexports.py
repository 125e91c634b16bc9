"""An SDK's name passed on by a project module (`from openai import OpenAI` in
`app/llm.py`, then `from app.llm import OpenAI`) is the SDK's name in the importer, as
Python makes it. (Before session 15 the link gave such a name nothing: an importer's
`OpenAI()` was unknown, and its fine-tuning job fired nothing.) Asked name by name
(`from app.llm import OpenAI`), never put in the module's summary: a star import or a
whole-module import (`app.llm.OpenAI()`) of such a module does not pass it on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragfirst.cli.main import main

JOB = "job = client.fine_tuning.jobs.create(training_file='file-abc', model='gpt-4o-mini')\n"


def rf101(capsys, root: Path, files: dict[str, str]) -> list[str]:
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    main(["check", "--format", "json", "--exit-zero", "--no-cache", str(root)])
    found = json.loads(capsys.readouterr().out)["findings"]
    return [Path(f["path"]).name for f in found if f["rule"] == "RF101"]


@pytest.mark.parametrize(
    ("module", "importer"),
    [
        ("from openai import OpenAI\n", "from app.llm import OpenAI\nclient = OpenAI()\n"),
        ("from openai import OpenAI as Client\n", "from app.llm import Client\nclient = Client()\n"),
    ],
)
def test_an_sdk_name_passed_on_by_a_project_module(tmp_path, capsys, module, importer):
    files = {"app/__init__.py": "", "app/llm.py": module, "train.py": importer + JOB}
    assert rf101(capsys, tmp_path, files) == ["train.py"]


def test_through_a_package_init(tmp_path, capsys):
    files = {
        "app/__init__.py": "from openai import OpenAI\n",
        "train.py": "from app import OpenAI\nclient = OpenAI()\n" + JOB,
    }
    assert rf101(capsys, tmp_path, files) == ["train.py"]


@pytest.mark.parametrize(
    "module",
    [
        "from myopenai import OpenAI\n",  # a package no rule names
        "from openai import OpenAI\nOpenAI = object\n",  # rebound after the import
    ],
)
def test_what_is_not_the_sdks_name_passes_nothing_on(tmp_path, capsys, module):
    files = {
        "app/__init__.py": "",
        "app/llm.py": module,
        "train.py": "from app.llm import OpenAI\nclient = OpenAI()\n" + JOB,
    }
    assert rf101(capsys, tmp_path, files) == []
