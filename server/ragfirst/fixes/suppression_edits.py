"""Suppression comments as edits, for the CLI (`check --add-suppressions REASON`) and the
language server alike.

The placement rules (above the line unless that would fall inside a string, a template
literal, a YAML block, ...; else trailing; else none) live in `suppression_comments.py`
and `comment_positions.py`, which this module wraps; it adds what both front ends need
on top: a line that is a child of a JSX element gets `{/* ragfirst: ignore[...] */}`,
the only comment JSX accepts there (a `//` line would render as text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ragfirst.fixes.comment_positions import UNKNOWN, Breaks, line_breaks
from ragfirst.fixes.suppression_comments import (
    REASON_PLACEHOLDER,
    document_lines,
    line_suppression_edit,
)
from ragfirst.model import Finding, Span, TextEdit

JSX_SUFFIXES = (".jsx", ".tsx", ".js", ".mjs", ".cjs")


@lru_cache(maxsize=8)
def jsx_child_lines(text: str, path: str) -> frozenset[int]:
    """1-based lines whose first token is a child of a JSX element (text or `{...}`)."""
    if not path.lower().endswith(JSX_SUFFIXES) or "<" not in text:
        return frozenset()
    from ragfirst.fixes.js_edits import parse

    data, tree = parse(text, path)
    found = set()
    line_start = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        stripped = len(line) - len(line.lstrip())
        pos = line_start + stripped
        line_start += len(line) + 1
        if not line.strip():
            continue
        node = tree.root_node.descendant_for_byte_range(pos, pos)
        while node is not None and node.parent is not None and node.parent.start_byte == pos:
            node = node.parent  # the largest node that starts where the line does
        if node is None:
            continue
        if node.type == "jsx_text" or (
            node.parent is not None
            and node.parent.type == "jsx_element"
            and node.type not in ("jsx_opening_element", "jsx_closing_element")
            and node.start_byte == pos
        ):
            found.add(number)
    return frozenset(found)


def line_edit(
    lines: list[str], line: int, rule_id: str, language: str, breaks: Breaks = UNKNOWN, path: str = ""
) -> dict | None:
    """`suppression_comments.line_suppression_edit`, JSX-safe: the same edit dict (0-based line)."""
    if language == "javascript" and path:
        text = "\n".join(lines)
        if line in jsx_child_lines(text, path):
            target = lines[line - 1]
            indent = target[: len(target) - len(target.lstrip())]
            newline = getattr(lines, "newline", "\n")
            comment = f"{indent}{{/* ragfirst: ignore[{rule_id}] -- {REASON_PLACEHOLDER} */}}{newline}"
            return {"line": line - 1, "start": 0, "end": 0, "text": comment}
    return line_suppression_edit(lines, line, rule_id, language, breaks)


@dataclass(slots=True)
class AddedSuppressions:
    edits: list[TextEdit] = field(default_factory=list)
    added: int = 0  # comments the edits add
    # Flagged lines where no comment is legal (inside a string, a template literal, a
    # YAML block, a JSON file...): (1-based line, codes), reported rather than skipped.
    refused: list[tuple[int, str]] = field(default_factory=list)


def add_suppressions(
    text: str, path: str, language: str, findings: list[Finding], reason: str
) -> AddedSuppressions:
    """One comment per flagged line naming every rule found there, with `reason`."""
    lines = document_lines(text)
    by_line: dict[int, list[str]] = {}
    for finding in findings:
        if finding.suppressed or finding.rule_id in ("RF000", "RF001", "RF002"):
            continue
        codes = by_line.setdefault(finding.span.start_line, [])
        if finding.rule_id not in codes:
            codes.append(finding.rule_id)
    breaks = line_breaks(lines, language) if by_line else UNKNOWN
    result = AddedSuppressions()
    for line, codes in sorted(by_line.items()):
        joined = ", ".join(sorted(codes))
        edit = line_edit(lines, line, joined, language, breaks, path)
        if edit is None:
            result.refused.append((line, joined))
            continue
        where = Span(edit["line"] + 1, edit["start"], edit["line"] + 1, edit["end"])
        result.edits.append(TextEdit(where, edit["text"].replace(REASON_PLACEHOLDER, reason)))
    result.added = len(result.edits)
    return result


def language_for(path: str) -> str | None:
    from ragfirst.analyzers.registry import language_of

    return language_of(Path(path).name)
