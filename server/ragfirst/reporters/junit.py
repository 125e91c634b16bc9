"""JUnit XML: CI systems that show test reports (GitLab, Jenkins, Azure) show findings.

One `<testsuite name="ragfirst">` inside `<testsuites>`. Each active finding is a
failing `<testcase>` (class name: the file; name: rule and position) whose `<failure>`
carries the rule id as `type`, the message, and the ruff-style line plus guide link as
its text. Each checked file with no active finding is one passing `<testcase>`, so the
report also shows what was checked. Text is escaped by the XML serializer; characters
XML 1.0 cannot carry at all (most control characters) are replaced by U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ragfirst.model import Finding
from ragfirst.reporters.positions import cell_label, file_span
from ragfirst.reporters.report import Report

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _location(finding: Finding) -> str:
    return cell_label(finding) or f"{finding.span.start_line}:{finding.span.start_col + 1}"


def build_junit(report: Report) -> ET.Element:
    active = report.active
    flagged = {f.path for f in active}
    passing = sorted(set(report.checked_files or ()) - flagged)
    suites = ET.Element("testsuites", name="ragfirst")
    suite = ET.SubElement(suites, "testsuite", name="ragfirst")
    cases: list[tuple[tuple[str, int, int], ET.Element]] = []
    for finding in active:
        case = ET.Element(
            "testcase",
            classname=_clean(finding.path),
            name=_clean(f"{finding.rule_id} {finding.rule_name} at {_location(finding)}"),
            file=_clean(finding.path),
            line=str(file_span(finding).start_line),  # a notebook's JSON line
        )
        failure = ET.SubElement(case, "failure", message=_clean(finding.message), type=finding.rule_id)
        body = f"{finding.path}:{_location(finding)}: {finding.rule_id} [{finding.severity.label}] {finding.message}"
        if finding.guide_url:
            body += f"\nGuide: {finding.guide_url}"
        failure.text = _clean(body)
        start = file_span(finding)
        cases.append(((finding.path, start.start_line, start.start_col), case))
    for path in passing:
        case = ET.Element("testcase", classname=_clean(path), name="ragfirst", file=_clean(path))
        cases.append(((path, 0, 0), case))
    cases.sort(key=lambda item: item[0])
    for _, case in cases:
        suite.append(case)
    counts = {"tests": str(len(cases)), "failures": str(len(active)), "errors": "0", "skipped": "0"}
    for element in (suites, suite):
        element.attrib.update(counts)
    return suites


def render_junit(report: Report) -> str:
    tree = build_junit(report)
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
