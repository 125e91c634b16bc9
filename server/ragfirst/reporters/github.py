"""GitHub Actions workflow commands: one annotation per finding on the pull request.

`::warning file=train.py,line=4,col=1,endLine=4,endColumn=80,title=RF101 hosted-fine-tuning::message`

Severities map error -> `error`, warning -> `warning`, info and hint -> `notice`.
Escaping follows the Actions toolkit: in the message `%`, CR and LF become `%25`,
`%0D` and `%0A`; property values also escape `:` and `,` (`%3A`, `%2C`). Columns are
1-based; GitHub accepts `col`/`endColumn` only on a single-line range, so a range over
several lines gives `line` and `endLine` alone. Suppressed findings are not annotated.
"""

from __future__ import annotations

from ragfirst.model import Finding, Severity
from ragfirst.reporters.positions import file_span, with_cell
from ragfirst.reporters.report import Report
from ragfirst.reporters.terminal_text import escape_controls

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def escape_data(text: str) -> str:
    """The toolkit's escapes, then every other control character made visible (a CI log
    is a terminal: ESC or BEL from a file name must not act on it)."""
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    span = file_span(finding)
    start_line = max(span.start_line, 1)
    end_line = max(span.end_line, start_line)
    properties = [("file", finding.path), ("line", str(start_line))]
    if end_line == start_line:
        end_col = max(span.end_col, span.start_col)
        properties += [
            ("col", str(span.start_col + 1)),
            ("endLine", str(end_line)),
            ("endColumn", str(end_col + 1)),
        ]
    else:
        properties.append(("endLine", str(end_line)))
    properties.append(("title", f"{finding.rule_id} {finding.rule_name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = with_cell(finding, finding.message)
    if finding.guide_url.startswith(("https://", "http://")):
        message = f"{message}\nGuide: {finding.guide_url}"
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def render_github(report: Report) -> str:
    return "".join(annotation(f) + "\n" for f in report.active)
