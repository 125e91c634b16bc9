"""ruff-style text: `path:line:col: RF101 message`, colour only on a terminal.

When the run computed fixes (`fix_level`), a finding `--fix` would fix is marked `[*]`
after its code and the summary says how many are fixable, as ruff prints them."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ragfirst.model import Finding, FixSafety, Severity
from ragfirst.reporters.terminal_text import escape_controls

_COLOURS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
    Severity.HINT: "\033[90m",
}
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def write_text(
    findings: list[Finding],
    out: TextIO,
    files_checked: int,
    colour: bool,
    quiet: bool = False,
    show_suppressed: bool = False,
    baselined: int = 0,
    skipped: str = "",
    fix_level: str | None = None,
    fixing: bool = False,
) -> None:
    """`fix_level`: None when no fixes were computed (no marks), else "safe" or "unsafe"
    (what `--fix` applies in this run); `fixing`: the run applied fixes already."""
    active = [f for f in findings if not f.suppressed]
    shown = findings if show_suppressed else active
    for finding in shown:
        # Paths, messages and reasons come from the repository: no control character gets
        # to the terminal (terminal_text.py); the colours below are ours.
        cell = f"cell {finding.cell.cell}:" if finding.cell is not None else ""  # as ruff prints it
        location = (
            f"{escape_controls(finding.path)}:{cell}{finding.span.start_line}:{finding.span.start_col + 1}:"
        )
        code = finding.rule_id
        if fix_level is not None and not finding.suppressed and _fixable(finding, fix_level == "unsafe"):
            code += " [*]"
        if colour:
            location = f"{_BOLD}{location}{_RESET}"
            code = f"{_COLOURS[finding.severity]}{code}{_RESET}"
        reason = escape_controls(finding.suppression_reason or "no reason")
        suffix = f"  [suppressed: {reason}]" if finding.suppressed else ""
        out.write(
            f"{location} {code} [{finding.severity.label}] {escape_controls(finding.message)}{suffix}\n"
        )
    if quiet:
        return
    suppressed = len(findings) - len(active)
    tail = f"; {suppressed} suppressed" if suppressed else ""
    if baselined:
        tail += f"; {baselined} in baseline"
    if not active:
        out.write(f"All checks passed ({_plural(files_checked, 'file')} checked{tail}).\n")
        if skipped:
            out.write(skipped + "\n")
        return
    by_severity = Counter(f.severity for f in active)
    parts = [_plural(by_severity[s], s.label) for s in sorted(by_severity, reverse=True)]
    parts = [p.replace("infos", "info").replace("hints", "hints") for p in parts]
    files = len({f.path for f in active})
    out.write(
        f"Found {_plural(len(active), 'finding')} ({', '.join(parts)}) in {_plural(files, 'file')}"
        f" ({files_checked} checked{tail}).\n"
    )
    if fix_level is not None:
        _fixable_line(active, fix_level == "unsafe", fixing, out)
    if skipped:
        out.write(skipped + "\n")


def _fixable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return fix.safety is FixSafety.SAFE or (unsafe and fix.safety is FixSafety.UNSAFE)


def _fixable_line(active: list[Finding], unsafe: bool, fixing: bool, out: TextIO) -> None:
    """`[*] N fixable with --fix (M more with --unsafe-fixes).` (ruff's line, in our flags)."""
    fixable = sum(1 for f in active if _fixable(f, unsafe))
    hidden = 0 if unsafe else sum(1 for f in active if _fixable(f, True)) - fixable
    more = f" ({hidden} more with --unsafe-fixes)" if hidden else ""
    if fixable and not fixing:
        out.write(f"[*] {fixable} fixable with --fix{more}.\n")
    elif hidden:
        out.write(f"No fixes available with --fix{more}.\n")


def write_statistics(findings: list[Finding], out: TextIO) -> None:
    active = [f for f in findings if not f.suppressed]
    counts = Counter((f.rule_id, f.rule_name, f.severity.label) for f in active)
    for (rule_id, name, severity), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.write(f"{count:>5}  {rule_id}  {severity:<8} {name}\n")
