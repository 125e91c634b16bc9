"""`--format gitlab`: a GitLab Code Quality report (artifacts: reports: codequality)."""

from __future__ import annotations

import json

from ragfirst.model import Finding, Severity, Span
from ragfirst.reporters.gitlab import build_gitlab
from ragfirst.reporters.report import Report

from .conftest import FINE_TUNE, run, write


def test_report_shape(project, capsys):
    write(project, "src/train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--format", "gitlab", "--select", "RF101", ".")
    assert code == 1
    (issue,) = json.loads(out)
    assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
    assert issue["check_name"] == "RF101"
    assert issue["description"].startswith("RF101 OpenAI fine-tuning job")
    assert issue["severity"] == "major"
    assert issue["location"]["path"] == "src/train.py"
    assert issue["location"]["lines"]["begin"] == 4
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "RF101", ".")
    assert issue["fingerprint"] == json.loads(out)["findings"][0]["fingerprint"]


def test_clean_run_is_an_empty_list(project, capsys):
    write(project, "clean.py", "print('hello')\n")
    code, out, _ = run(capsys, "check", "--format", "gitlab", ".")
    assert (code, json.loads(out)) == (0, [])


def make(severity: Severity, line: int = 1, snippet: str = "x", suppressed: bool = False) -> Finding:
    return Finding(
        "RF101", "n", severity, "m", "a.py", Span(line, 0, line, 1), snippet=snippet, suppressed=suppressed
    )


def test_severity_mapping():
    severities = [
        issue["severity"]
        for issue in build_gitlab(
            Report([make(s, i, snippet=str(i)) for i, s in enumerate(Severity, start=1)], 1)
        )
    ]
    assert severities == ["info", "minor", "major", "critical"]  # hint, info, warning, error


def test_identical_findings_get_distinct_stable_fingerprints():
    findings = [
        make(Severity.WARNING, 3),
        make(Severity.WARNING, 9),
        make(Severity.WARNING, 12, suppressed=True),
    ]
    issues = build_gitlab(Report(findings, 1))
    assert len(issues) == 2  # suppressed findings are left out
    assert issues[0]["fingerprint"] == findings[0].fingerprint
    assert issues[1]["fingerprint"] != issues[0]["fingerprint"]
    assert build_gitlab(Report(findings, 1)) == issues
