"""Choosing and applying fixes to one file's text: the part the CLI (`--fix`) and the
language server (fix-all) share.

Per round, the fixes allowed by the safety level are taken in file order, skipping any
that overlaps one already taken; the result must still parse, or nothing is applied. The
skipped fixes come back in the next round, computed again on the new text (the caller
re-analyses between rounds, up to MAX_ROUNDS, as ruff does).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from ragfirst.fixes.rule_fixes import fix_for, is_python
from ragfirst.fixes.text_edits import EditError, apply_edits, overlaps
from ragfirst.model import Finding, Fix, FixSafety

MAX_ROUNDS = 10


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None:
        return False
    return fix.safety is FixSafety.SAFE or (unsafe and fix.safety is FixSafety.UNSAFE)


def attach_fixes(findings: list[Finding], text: str) -> None:
    """Set each finding's `fix` from `text`, the text it was computed on."""
    for finding in findings:
        if finding.fix is None and not finding.suppressed:
            finding.fix = fix_for(finding, text)


@dataclass(slots=True)
class FileFixes:
    """The outcome of one round on one file."""

    text: str
    applied: list[Finding] = field(default_factory=list)
    problem: str | None = None  # why nothing was applied


def fix_text(path: str, text: str, findings: list[Finding], unsafe: bool) -> FileFixes:
    """Apply every non-overlapping applicable fix of `findings` (computed on `text`)."""
    attach_fixes(findings, text)
    chosen = choose(findings, unsafe)
    if not chosen:
        return FileFixes(text)
    edits = [edit for finding in chosen if finding.fix for edit in finding.fix.edits]
    try:
        fixed = apply_edits(text, edits)
    except EditError as exc:
        return FileFixes(text, problem=f"fixes do not fit the file ({exc})")
    if not parses(path, fixed):
        return FileFixes(text, problem="the fixed text would not parse; nothing applied")
    return FileFixes(fixed, chosen)


def fix_until_settled(
    path: str,
    text: str,
    findings: list[Finding],
    unsafe: bool,
    relint: Callable[[str], list[Finding]],
    rounds: int = MAX_ROUNDS,
) -> FileFixes:
    """The rounds `--fix` runs, on one text in memory: apply, re-analyse the new text
    (`relint`), repeat until a round applies nothing or `rounds` have run. Used where a
    front end must show the end result without writing it (the editor's fix-all)."""
    applied: list[Finding] = []
    problem = None
    for _ in range(rounds):
        outcome = fix_text(path, text, findings, unsafe)
        problem = outcome.problem or problem
        if not outcome.applied:
            break
        applied.extend(outcome.applied)
        text = outcome.text
        findings = relint(text)
    return FileFixes(text, applied, None if applied else problem)


def choose(findings: list[Finding], unsafe: bool) -> list[Finding]:
    """The findings whose fixes one round applies: allowed by the safety level, with an
    edit, in file order, none overlapping one taken before (that one waits a round)."""
    chosen: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        fix = finding.fix
        if finding.suppressed or fix is None or not fix.edits or not applicable(fix, unsafe):
            continue
        if any(overlaps(fix, other.fix) for other in chosen if other.fix is not None):
            continue  # the next round, on the new text
        chosen.append(finding)
    return chosen


def parses(path: str, text: str) -> bool:
    """Does the fixed text still parse as its language? (Other files: yes, as their fixes
    only touch comments.) A config file is never written unparsable."""
    if is_python(path):
        from ragfirst.fixes.python_edits import python_parses

        return python_parses(text)
    from ragfirst.fixes.js_edits import editable, js_parses  # tree-sitter: not for display fixes

    if editable(path):
        return js_parses(text, path)
    lowered = path.lower()
    if lowered.endswith(".ipynb"):
        from ragfirst.fixes.notebook_fixes import notebook_parses

        return notebook_parses(text)
    if lowered.endswith(".json"):
        try:
            json.loads(text)
        except ValueError:
            return False
    if lowered.endswith(".toml"):
        import tomllib

        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return False
    if lowered.endswith((".yaml", ".yml")):
        import yaml

        try:
            list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            return False
    return True
