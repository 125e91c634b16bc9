"""`--format junit`: one suite, a failing case per finding, a passing case per clean file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ragfirst.model import Finding, Severity, Span
from ragfirst.reporters.junit import render_junit
from ragfirst.reporters.report import Report

from .conftest import FINE_TUNE, run, write


def test_suite_cases_and_counts(project, capsys):
    write(project, "train.py", FINE_TUNE)
    write(project, "also_train.py", FINE_TUNE)
    write(project, "clean.py", "print('hello')\n")
    write(project, "pkg/clean_too.py", "import openai\n")
    write(
        project,
        "decided.py",
        FINE_TUNE.replace('"file-abc")', '"file-abc")  # ragfirst: ignore[RF101] -- ADR-7'),
    )
    code, out, _ = run(capsys, "check", "--format", "junit", "--select", "RF101", ".")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases)) == "5"
    assert suite.get("failures") == "2"
    assert suite.get("errors") == "0"
    failing = [c for c in cases if c.find("failure") is not None]
    passing = [c for c in cases if c.find("failure") is None]
    assert sorted(c.get("classname") for c in failing) == ["also_train.py", "train.py"]
    # A suppressed finding is a decision, not a failure: its file passes.
    assert sorted(c.get("classname") for c in passing) == ["clean.py", "decided.py", "pkg/clean_too.py"]
    failure = failing[0].find("failure")
    assert failure.get("type") == "RF101"
    assert failure.get("message").startswith("OpenAI fine-tuning job")
    assert failure.text.startswith(
        f"{failing[0].get('classname')}:4:1: RF101 [warning] OpenAI fine-tuning job"
    )
    assert failing[0].get("name") == "RF101 hosted-fine-tuning at 4:1"
    assert failing[0].get("line") == "4"


def test_clean_run_is_all_passing(project, capsys):
    write(project, "clean.py", "print('hello')\n")
    code, out, _ = run(capsys, "check", "--format", "junit", ".")
    assert code == 0
    suite = ET.fromstring(out).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")


def test_markup_and_control_characters_are_escaped():
    message = 'budget < $10k & "uncapped" ]]> \x1b[31m\x00 done'
    finding = Finding("RF401", "uncapped<output>", Severity.ERROR, message, 'a&b/"q".py', Span(1, 0, 1, 1))
    text = render_junit(Report([finding], 1, checked_files=['a&b/"q".py', "<clean>.py"]))
    root = ET.fromstring(text.encode("utf-8"))  # parses: well-formed XML
    case = root.find("testsuite/testcase[failure]")
    assert case.get("classname") == 'a&b/"q".py'
    assert case.get("name").startswith("RF401 uncapped<output>")
    assert case.find("failure").get("message") == 'budget < $10k & "uncapped" ]]> \ufffd[31m\ufffd done'
    assert root.find("testsuite/testcase[@classname='<clean>.py']") is not None
