"""docs/ci.md and docs/output-formats.md stay true: every flag, input and format is
documented, and the documented JSON schema accepts what `--format json` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from ragfirst.cli.main import build_parser
from ragfirst.model import Finding, Fix, FixSafety, Severity, Span, TextEdit
from ragfirst.reporters.json_report import render_json

from .conftest import FINE_TUNE, run, write

REPO = Path(__file__).resolve().parents[2]
CI_DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
FORMATS_DOC = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")


def check_parser():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    return commands.choices["check"]


def test_every_check_flag_is_documented():
    for action in check_parser()._actions:
        for flag in action.option_strings:
            if flag in ("-h", "--help"):
                continue
            assert f"`{flag}" in CI_DOC, f"{flag} is not documented in docs/ci.md"


def test_every_format_is_documented():
    (fmt,) = [a for a in check_parser()._actions if a.dest == "format"]
    for choice in fmt.choices:
        assert f"\n## {choice}" in FORMATS_DOC, f"no section for {choice} in docs/output-formats.md"
        assert f"`{choice}`" in CI_DOC


def test_exit_codes_are_documented():
    for code in ("`0`", "`1`", "`2`"):
        assert f"| {code} |" in CI_DOC


def test_action_inputs_are_documented():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    for name, spec in action["inputs"].items():
        default = f"`{spec['default']}`" if spec["default"] else "empty"
        assert f"| `{name}` | {default} |" in CI_DOC, name


@pytest.fixture(scope="module")
def json_schema() -> dict:
    block = FORMATS_DOC.split("<!-- json-schema-v1 -->", 1)[1]
    text = re.search(r"```json\n(.*?)```", block, re.DOTALL).group(1)
    schema = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def test_documented_json_schema_accepts_real_output(project, capsys, json_schema):
    write(project, "train.py", FINE_TUNE)
    write(
        project,
        "decided.py",
        FINE_TUNE.replace('"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- ADR-7'),
    )
    write(project, "broken.py", "import openai\nopenai.fine_tuning.jobs.create(\n")
    _, out, _ = run(capsys, "check", "--format", "json", ".")
    report = json.loads(out)
    assert {f["suppressed"] for f in report["findings"]} == {True, False}
    jsonschema.validate(report, json_schema)


def test_documented_json_schema_accepts_notebook_output(project, capsys, json_schema):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": FINE_TUNE.splitlines(True)}
    write(project, "train.ipynb", json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}, indent=1))
    _, out, _ = run(capsys, "check", "--format", "json", ".")
    report = json.loads(out)
    assert report["findings"][0]["cell"] == 1 and "file_start" in report["findings"][0]
    jsonschema.validate(report, json_schema)
    section = FORMATS_DOC.split("## json", 1)[1].split("<!-- json-schema-v1 -->", 1)[0]
    for key in report["findings"][0]:
        assert f"`{key}`" in section, f"JSON field {key!r} is not described in docs/output-formats.md"


def test_documented_json_schema_covers_fixes(json_schema):
    fix = Fix("Cap the output", (TextEdit(Span(1, 10, 1, 10), ", max_tokens=512"),), FixSafety.SAFE)
    finding = Finding(
        "RF401", "uncapped-llm-output", Severity.WARNING, "m", "a.py", Span(1, 0, 1, 10), fix=fix
    )
    report = json.loads(render_json([finding], 1))
    assert report["findings"][0]["fix"]["edits"][0]["text"] == ", max_tokens=512"
    jsonschema.validate(report, json_schema)
    section = FORMATS_DOC.split("## json", 1)[1].split("<!-- json-schema-v1 -->", 1)[0]
    for key in [*report, *report["tool"], *report["findings"][0], *report["findings"][0]["fix"]]:
        assert f"`{key}`" in section, f"JSON field {key!r} is not described in docs/output-formats.md"
