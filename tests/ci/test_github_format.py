"""`--format github`: workflow commands GitHub turns into pull-request annotations."""

from __future__ import annotations

from ragfirst.model import Finding, Severity, Span
from ragfirst.reporters.github import annotation, escape_data, escape_property, render_github
from ragfirst.reporters.report import Report

from .conftest import FINE_TUNE, run, write


def finding(**overrides) -> Finding:
    values = {
        "rule_id": "RF101",
        "rule_name": "hosted-fine-tuning",
        "severity": Severity.WARNING,
        "message": "OpenAI fine-tuning job",
        "path": "train.py",
        "span": Span(4, 0, 4, 30),
    }
    values.update(overrides)
    return Finding(**values)


def test_command_shape(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--format", "github", "--select", "RF101", ".")
    assert code == 1
    (line,) = out.splitlines()
    end = FINE_TUNE.splitlines()[3].index("(") + 1
    prefix = (
        f"::warning file=train.py,line=4,col=1,endLine=4,endColumn={end},title=RF101 hosted-fine-tuning::"
    )
    assert line.startswith(prefix)
    assert line[len(prefix) :].startswith("OpenAI fine-tuning job")


def test_severity_mapping():
    commands = [
        annotation(finding(severity=severity)).split(" ", 1)[0]
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT)
    ]
    assert commands == ["::error", "::warning", "::notice", "::notice"]


def test_escaping_follows_the_actions_toolkit():
    assert escape_data("100% sure\r\nnext: a,b") == "100%25 sure%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    # % first: an already escaped-looking sequence is not decoded by the runner.
    assert escape_data("%0A") == "%250A"


def test_escaping_in_a_whole_annotation():
    line = annotation(
        finding(
            path="dir,with:odd/tr%ain.py",
            rule_name="name:with,comma",
            message="line one\nline two: 50% of budget, uncapped",
        )
    )
    assert "\n" not in line
    properties, message = line[len("::warning ") :].split("::", 1)
    assert properties.startswith("file=dir%2Cwith%3Aodd/tr%25ain.py,line=4,")
    assert properties.endswith(",title=RF101 name%3Awith%2Ccomma")
    # Every property separator left in the properties is a real one.
    assert [part.split("=", 1)[0] for part in properties.split(",")] == [
        "file",
        "line",
        "col",
        "endLine",
        "endColumn",
        "title",
    ]
    assert message == "line one%0Aline two: 50%25 of budget, uncapped"


def test_multi_line_range_has_no_columns():
    line = annotation(finding(span=Span(4, 5, 7, 1)))
    assert line.startswith("::warning file=train.py,line=4,endLine=7,title=")


def test_http_guide_link_is_appended_file_links_are_not():
    web = annotation(finding(guide_url="https://docs.example.com/guide/rf101"))
    assert web.endswith("::OpenAI fine-tuning job%0AGuide: https://docs.example.com/guide/rf101")
    local = annotation(finding(guide_url="file:///usr/lib/ragfirst/docs/guide.md"))
    assert local.endswith("::OpenAI fine-tuning job")


def test_suppressed_findings_are_not_annotated():
    report = Report([finding(), finding(suppressed=True, suppression_reason="ADR-7")], 1)
    assert len(render_github(report).splitlines()) == 1
