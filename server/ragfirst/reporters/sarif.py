"""SARIF 2.1.0 output (GitHub code scanning, Azure DevOps, any SARIF viewer).

- `tool.driver.rules` lists every rule of the run, with its summary, the why and the
  fix (text and Markdown), the guide link and the configured default level.
- Each result points at a rule by `ruleId` and `ruleIndex`, with a region whose lines
  and columns are 1-based and whose columns are UTF-16 code units (SARIF's default
  `columnKind`), converted from the engine's code points with the file's line text.
- `partialFingerprints["ragfirst/v1"]` is the finding's line-independent fingerprint.
- Suppressed findings are included with `suppressions: [{kind: inSource, ...}]` and
  the reason as the justification, so viewers show them as dismissed, not as gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from ragfirst import __version__
from ragfirst.model import Finding, Severity
from ragfirst.reporters.json_text import dumps_indented
from ragfirst.reporters.positions import SourceLines, file_span, with_cell
from ragfirst.reporters.report import Report, RuleInfo
from ragfirst.reporters.sarif_fixes import sarif_fixes

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "ragfirst/v1"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/ragfirst/ragfirst"

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}

# GitHub's bands: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. A leaked key
# (RF404, RF405: the rules tagged `security`) is high at the rule's default severity.
SECURITY_SEVERITY = {
    Severity.ERROR: "8.0",
    Severity.WARNING: "5.0",
    Severity.INFO: "3.0",
    Severity.HINT: "1.0",
}


def _help(rule: RuleInfo) -> tuple[str, str]:
    """(plain text, Markdown) help: why it matters, what to do, where to read more."""
    text_parts = [rule.summary]
    markdown_parts = [f"**{rule.id} {rule.name}**: {rule.summary}"]
    if rule.why:
        text_parts.append(f"Why: {rule.why}")
        markdown_parts.append(f"## Why\n\n{rule.why}")
    if rule.fix:
        text_parts.append(f"Fix: {rule.fix}")
        markdown_parts.append(f"## Fix\n\n{rule.fix}")
    if rule.guide_url:
        text_parts.append(f"Guide: {rule.guide_url}")
        markdown_parts.append(f"[Read the guide]({rule.guide_url})")
    return "\n\n".join(text_parts), "\n\n".join(markdown_parts)


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    help_text, help_markdown = _help(rule)
    full = rule.why or rule.summary
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": full, "markdown": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {"tags": list(rule.tags), "ragfirst/severity": rule.severity.label},
    }
    if rule.guide_url:
        descriptor["helpUri"] = rule.guide_url
    if "security" in rule.tags:  # code scanning lists it as a security alert, rated by this
        descriptor["properties"]["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return descriptor


def _placeholder_rule(finding: Finding) -> RuleInfo:
    """A finding whose rule the run did not list (should not happen): still a valid index."""
    return RuleInfo(
        id=finding.rule_id,
        name=finding.rule_name,
        summary=finding.rule_name,
        why="",
        fix="",
        guide_url=finding.guide_url,
        severity=finding.severity,
    )


def _artifact_location(path: str) -> dict[str, Any]:
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _region(finding: Finding, lines: SourceLines) -> dict[str, int]:
    span = file_span(finding)  # a notebook's JSON lines: what code scanning shows
    start_line = max(span.start_line, 1)
    end_line = max(span.end_line, start_line)
    start_col = lines.utf16_column(finding.path, start_line, span.start_col) + 1
    end_col = lines.utf16_column(finding.path, end_line, span.end_col) + 1
    if end_line == start_line:
        end_col = max(end_col, start_col)
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def _result(finding: Finding, rule_index: int, lines: SourceLines) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": with_cell(finding, finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(finding.path),
                    "region": _region(finding, lines),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"ragfirst/severity": finding.severity.label},
    }
    if finding.guide_url:
        result["properties"]["ragfirst/guide"] = finding.guide_url
    if finding.cell is not None:
        result["properties"]["ragfirst/cell"] = finding.cell.cell
        result["properties"]["ragfirst/cellRegion"] = {
            "startLine": finding.span.start_line,
            "startColumn": finding.span.start_col + 1,
            "endLine": finding.span.end_line,
            "endColumn": finding.span.end_col + 1,
        }
    fixes = sarif_fixes(finding, lines, _artifact_location(finding.path))  # issue 20
    if fixes:
        result["fixes"] = fixes
    if finding.suppressed:
        suppression: dict[str, Any] = {"kind": "inSource"}
        if finding.suppression_reason:
            suppression["justification"] = finding.suppression_reason
        result["suppressions"] = [suppression]
    return result


def build_sarif(report: Report, execution_successful: bool = True) -> dict[str, Any]:
    rules = list(report.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    for finding in report.findings:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_placeholder_rule(finding))
    lines = SourceLines(report.root)
    results = [_result(f, index[f.rule_id], lines) for f in report.findings]
    root_uri = report.root.resolve().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ragfirst",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": execution_successful}],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report) -> str:
    return dumps_indented(build_sarif(report)) + "\n"  # json.dumps(indent=2, ensure_ascii=False)
