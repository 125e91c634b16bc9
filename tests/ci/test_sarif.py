"""`--format sarif`: valid SARIF 2.1.0, every rule described, UTF-16 columns, suppressions kept."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ragfirst.model import Finding, Severity, Span
from ragfirst.reporters.report import Report
from ragfirst.reporters.sarif import build_sarif

from .conftest import FINE_TUNE, run, write

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif_of(capsys, *args: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "check", "--format", "sarif", *args)
    assert err == ""
    return code, json.loads(out)


def test_output_validates_against_the_official_schema(project, capsys, validator):
    write(project, "train.py", FINE_TUNE)
    write(project, "broken.py", "import openai\nopenai.fine_tuning.jobs.create(\n")
    write(project, "clean.py", "print('hello')\n")
    code, sarif = sarif_of(capsys, ".")
    assert code == 1
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    assert run_["invocations"] == [{"executionSuccessful": True}]
    assert run_["columnKind"] == "utf16CodeUnits"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def test_the_schema_rejects_a_broken_log(validator):
    """The validation above means something: a result without a message is refused."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]}
    assert list(validator.iter_errors(broken))


def test_driver_lists_every_rule_with_texts_and_guide(project, capsys, repo_root):
    write(project, "clean.py", "print('hello')\n")
    code, sarif = sarif_of(capsys, ".")
    assert code == 0
    assert sarif["runs"][0]["results"] == []
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "ragfirst"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert {"RF000", "RF101", "RF102", "RF201", "RF202"} <= set(rules)
    from ragfirst.config.settings import Settings
    from ragfirst.engine.runner import EngineCache

    engine = EngineCache().for_settings(Settings())
    rf101 = engine.ruleset.get("RF101")
    descriptor = rules["RF101"]
    assert descriptor["name"] == "hosted-fine-tuning"
    assert descriptor["shortDescription"]["text"] == rf101.summary
    assert descriptor["fullDescription"]["text"] == rf101.why
    assert rf101.fix in descriptor["help"]["text"] and rf101.fix in descriptor["help"]["markdown"]
    assert rf101.why in descriptor["help"]["markdown"]
    # Issue 22: the local guide is a file:// path on this machine: never a helpUri.
    assert engine.guide_url(rf101, Settings()).startswith("file://")
    assert "helpUri" not in descriptor and "file://" not in descriptor["help"]["text"]
    assert descriptor["defaultConfiguration"]["level"] == "warning"
    assert rules["RF104"]["defaultConfiguration"]["level"] == "note"  # info -> note
    assert rules["RF000"]["defaultConfiguration"]["level"] == "error"


def test_configured_severity_and_guide_url_reach_the_rules(project, capsys):
    write(
        project,
        "pyproject.toml",
        "[tool.ragfirst]\nguide-url = 'https://docs.example.com/ragfirst'\nseverity = { RF101 = 'error' }\n",
    )
    write(project, "train.py", FINE_TUNE)
    _, sarif = sarif_of(capsys, "--select", "RF101", ".")
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["RF101"]["defaultConfiguration"]["level"] == "error"
    assert rules["RF101"]["helpUri"].startswith("https://docs.example.com/ragfirst/guide/")
    (result,) = sarif["runs"][0]["results"]
    assert result["level"] == "error"


def test_result_location_fingerprint_and_rule_index(project, capsys):
    write(project, "src/train.py", FINE_TUNE)
    _, sarif = sarif_of(capsys, "--select", "RF101", ".")
    run_ = sarif["runs"][0]
    (result,) = run_["results"]
    assert result["ruleId"] == "RF101"
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "RF101"
    assert result["level"] == "warning"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/train.py", "uriBaseId": "%SRCROOT%"}
    line = FINE_TUNE.splitlines()[3]
    assert location["region"] == {
        "startLine": 4,
        "startColumn": 1,
        "endLine": 4,
        "endColumn": line.index("(") + 1,
    }
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "RF101", ".")
    assert result["partialFingerprints"] == {"ragfirst/v1": json.loads(out)["findings"][0]["fingerprint"]}


def test_columns_are_utf16_code_units(project, capsys):
    # "🎉" is one code point but two UTF-16 units; "é" is one of each.
    prefix = 'x = "é🎉"; '
    write(project, "train.py", FINE_TUNE.replace("client.fine_tuning", prefix + "client.fine_tuning"))
    _, sarif = sarif_of(capsys, "--select", "RF101", ".")
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == len(prefix) + 1 + 1  # one extra unit for the emoji
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "RF101", ".")
    assert json.loads(out)["findings"][0]["start"]["column"] == len(prefix) + 1  # JSON counts code points


def test_suppressed_findings_are_included_with_justification(project, capsys, validator):
    suppressed = FINE_TUNE.replace(
        '"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- 48k pairs, ADR-7'
    )
    write(project, "train.py", suppressed)
    code, sarif = sarif_of(capsys, "--select", "RF101", ".")
    assert code == 0  # suppressed: not a failure
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "48k pairs, ADR-7"}]
    assert not list(validator.iter_errors(sarif))
    _, text, _ = run(capsys, "check", "--select", "RF101", ".")
    assert "RF101" not in text  # the text format still hides it


def test_paths_are_uri_encoded_and_absolute_paths_have_no_base(tmp_path, validator):
    findings = [
        Finding(
            "RF101", "hosted-fine-tuning", Severity.WARNING, "m", "dir with space/tr#ain.py", Span(1, 0, 1, 4)
        ),
        Finding(
            "RF101", "hosted-fine-tuning", Severity.WARNING, "m", "/elsewhere/train.py", Span(2, 0, 2, 4)
        ),
    ]
    sarif = build_sarif(Report(findings, 2, root=tmp_path))
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]
    ]
    assert locations[0] == {"uri": "dir%20with%20space/tr%23ain.py", "uriBaseId": "%SRCROOT%"}
    assert locations[1] == {"uri": "file:///elsewhere/train.py"}
    # An unreadable file keeps code-point columns; a rule the run did not list still gets an index.
    run_ = sarif["runs"][0]
    assert run_["tool"]["driver"]["rules"][0]["id"] == "RF101"
    assert not list(validator.iter_errors(sarif))


def test_output_file_instead_of_stdout(project, capsys, validator):
    write(project, "train.py", FINE_TUNE)
    code, out, err = run(capsys, "check", "--format", "sarif", "--output-file", "reports/ragfirst.sarif", ".")
    assert (code, out, err) == (1, "", "")
    sarif = json.loads((project / "reports" / "ragfirst.sarif").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(sarif))
