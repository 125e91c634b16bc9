"""Helpers for the CI-facing tests: a project directory, files in it, `ragfirst check` runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ragfirst.cli.main import main

FINE_TUNE = textwrap.dedent(
    """\
    from openai import OpenAI

    client = OpenAI()
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
    """
)

# A second, different training call: a new finding wherever it is added.
HYPERPARAMETERS = (
    "client.fine_tuning.jobs.create(model='m', training_file='f', hyperparameters={'n_epochs': 3})\n"
)


def write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root
