"""`ragfirst check --fix` / `--unsafe-fixes` / `--fix-only` / `--fix-diff` / `--show-fixes`.

Each round reads every file with an applicable fix, applies the non-overlapping ones
(fixes/apply.py), writes the file back faithfully (fixes/file_io.py) and lints again; it
stops when a round applies nothing or after MAX_ROUNDS. `--fix-diff` runs the same rounds
without writing: the fixed texts are kept in memory and the re-lint reads them instead of
the files (engine/read_overlay.py), so the diff it prints is exactly what `--fix` writes.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ragfirst.cli.check_render import wants_fixes
from ragfirst.data.secrets import redact_text
from ragfirst.engine.cache import AnalysisCache
from ragfirst.engine.read_overlay import overlay
from ragfirst.engine.runner import LintResult
from ragfirst.fixes.apply import MAX_ROUNDS, applicable, attach_fixes, fix_text
from ragfirst.fixes.file_io import FixableFile, FixWriteError, encode_like, read_fixable, write_fixed
from ragfirst.fixes.fix_cache import FixCache
from ragfirst.fixes.rule_fixes import FIXERS
from ragfirst.model import Finding
from ragfirst.reporters.terminal_text import escape_controls


@dataclass(slots=True)
class FixSummary:
    applied: list[Finding] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    diff: str = ""
    problems: list[str] = field(default_factory=list)
    # `--fix-diff`: each changed file as read and its fixed text, never written.
    staged: dict[str, tuple[FixableFile, str]] = field(default_factory=dict)

    def current(self, path: str) -> FixableFile | None:
        """The file as the next round sees it: its staged text in a preview, else the disk."""
        staged = self.staged.get(path)
        if staged is not None:
            original, text = staged
            return FixableFile(original.path, original.data, text, original.bom)
        return read_fixable(Path(path))

    def overlay_bytes(self) -> dict[str, bytes]:
        return {path: encode_like(original, text) for path, (original, text) in self.staged.items()}


def _by_file(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        if not finding.suppressed and (finding.cell is None or finding.path.lower().endswith(".ipynb")):
            grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _fresh(finding: Finding, text: str) -> bool:
    """Is the finding's line still the line it was found on? (A file edited between the
    analysis and this read gets no fix, rather than a misplaced one.)"""
    if not finding.snippet or finding.snippet.startswith("suppression:") or finding.cell is not None:
        return True  # a cell's line is checked in the cell (fixes/notebook_fixes.py)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    line = finding.span.start_line
    return 1 <= line <= len(lines) and redact_text(lines[line - 1].strip()) == finding.snippet


def _round(findings: list[Finding], unsafe: bool, summary: FixSummary, write: bool) -> bool:
    """One round over every file; True when something was applied."""
    changed = False
    for path, found in sorted(_by_file(findings).items()):
        try:
            original = summary.current(path)
        except OSError as exc:
            summary.problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        if original is None:
            continue
        fresh = [f for f in found if _fresh(f, original.text)]
        outcome = fix_text(path, original.text, fresh, unsafe)
        if outcome.problem:
            summary.problems.append(f"{path}: {outcome.problem}")
        if not outcome.applied:
            continue
        if write:
            try:
                write_fixed(original, outcome.text)
            except FixWriteError as exc:
                summary.problems.append(str(exc))
                continue
        else:
            _stage(summary, path, original, outcome.text)
        summary.applied.extend(outcome.applied)
        summary.files.add(path)
        changed = True
        _note_env_names(path, outcome.applied, summary, write)
    return changed


def _stage(summary: FixSummary, path: str, current: FixableFile, text: str) -> None:
    """Keep a preview's fixed text, with the file as it was first read (the diff's left side)."""
    first = summary.staged[path][0] if path in summary.staged else current
    summary.staged[path] = (first, text)


def _note_env_names(path: str, applied: list[Finding], summary: FixSummary, write: bool) -> None:
    """RF404's fix reads the key from the environment: list the variable in the project's
    `.env.example` (the nearest one above the file, within the working directory), if it
    has one and does not name it yet."""
    names = [
        f.fix.title.split("environment variable ", 1)[1].split(" ", 1)[0]
        for f in applied
        if f.rule_id == "RF404" and f.fix is not None and "environment variable " in f.fix.title
    ]
    if not names:
        return
    cwd = Path.cwd().resolve()
    folder = Path(path).resolve().parent
    while True:
        example = folder / ".env.example"
        if example.is_file():
            break
        if folder == cwd or cwd not in folder.parents:
            return
        folder = folder.parent
    shown = str(example) if Path(path).is_absolute() else example.relative_to(cwd).as_posix()
    original = summary.current(shown)
    if original is None:
        return
    present = {line.split("=", 1)[0].strip() for line in original.text.splitlines()}
    missing = [name for name in dict.fromkeys(names) if name not in present]
    if not missing:
        return
    text = original.text
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    text += "".join(f"{name}={newline}" for name in missing)
    if not write:
        _stage(summary, shown, original, text)
        return
    try:
        write_fixed(original, text)
    except FixWriteError as exc:
        summary.problems.append(str(exc))


def _unified(path: str, original: FixableFile, text: str) -> str:
    lines = difflib.unified_diff(
        original.text.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
    )
    return out


def run_fixes(
    args: argparse.Namespace, result: LintResult, relint: Callable[[], LintResult]
) -> tuple[LintResult, FixSummary]:
    """Fix until nothing more applies; the result of the last lint and what was applied."""
    summary = FixSummary()
    unsafe = bool(args.unsafe_fixes)
    preview = bool(args.fix_diff)
    for _ in range(MAX_ROUNDS):
        if not _round(result.findings, unsafe, summary, write=not preview):
            break
        if preview:
            with overlay(summary.overlay_bytes()):
                result = relint()
        else:
            result = relint()
    if preview:
        summary.diff = "".join(
            _unified(path, original, text)
            for path, (original, text) in sorted(summary.staged.items())
            if text != original.text
        )
    return result, summary


def attach_for_display(
    findings: list[Finding], summary: FixSummary | None = None, cache: AnalysisCache | None = None
) -> None:
    """Give every reported finding its fix (JSON, SARIF, the fixable count), from the
    file as it is now (after a preview: as the preview left it). `cache`: reuse the
    fixes of a file whose text and findings were fixed before (fixes/fix_cache.py)."""
    stored = FixCache(cache) if cache is not None else None
    for path, found in _by_file(findings).items():
        if not any(f.rule_id in FIXERS for f in found):
            continue
        try:
            original = summary.current(path) if summary is not None else read_fixable(Path(path))
        except OSError:
            continue
        if original is None:
            continue
        fresh = [f for f in found if _fresh(f, original.text)]
        if stored is not None:
            stored.attach(fresh, original.text, attach_fixes)
        else:
            attach_fixes(fresh, original.text)


def report_fixes(args: argparse.Namespace, summary: FixSummary, findings: list[Finding]) -> None:
    """The lines on stderr: problems, what was fixed, what more could be."""
    err = sys.stderr
    for problem in summary.problems:
        err.write(f"ragfirst: fix not applied: {escape_controls(problem)}\n")
    if args.fix_diff:
        sys.stdout.write(summary.diff)
        verb = "would fix"
    else:
        verb = "fixed"
    if summary.applied or args.fix or args.fix_only:
        err.write(f"ragfirst: {verb} {len(summary.applied)} finding(s) in {len(summary.files)} file(s)\n")
    if args.show_fixes and summary.applied:
        counts = Counter((f.path, f.rule_id, f.rule_name) for f in summary.applied)
        for (path, rule_id, name), count in sorted(counts.items()):
            err.write(f"  {escape_controls(path)}: {count} x {rule_id} ({name})\n")
    printed = args.format == "text" and not (args.quiet or args.fix_only or args.fix_diff)
    if not (args.show_fixes or wants_fixes(args)) or printed:
        return  # the text report says it after its summary (reporters/text.py)
    active = [f for f in findings if not f.suppressed]
    safe = sum(1 for f in active if applicable(f.fix, unsafe=False) and f.fix and f.fix.edits)
    hidden = sum(1 for f in active if applicable(f.fix, unsafe=True) and f.fix and f.fix.edits) - safe
    if safe and not (args.fix or args.fix_only):
        err.write(f"ragfirst: {safe} finding(s) fixable with --fix\n")
    if hidden and not args.unsafe_fixes:
        err.write(f"ragfirst: {hidden} more fixable with --unsafe-fixes\n")


@dataclass(slots=True)
class SuppressionRun:
    added: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)  # files that could not be read or written
    refused: list[str] = field(default_factory=list)  # `path:line: codes` where no comment is legal


def run_add_suppressions(reason: str, findings: list[Finding]) -> SuppressionRun:
    """`--add-suppressions REASON`: a `ragfirst: ignore[...] -- REASON` comment above every
    line with an active finding (ruff's `--add-noqa`), in a notebook inside the cell's
    source; the lines where no comment is legal are listed, not skipped in silence."""
    from ragfirst.fixes.suppression_edits import add_suppressions, language_for
    from ragfirst.fixes.text_edits import EditError, apply_edits

    run = SuppressionRun()
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.suppressed or finding.rule_id in ("RF000", "RF001", "RF002"):
            continue
        by_file.setdefault(finding.path, []).append(finding)
    for path, found in sorted(by_file.items()):
        language = language_for(path)
        if language is None:
            continue
        try:
            original = read_fixable(Path(path))
        except OSError as exc:
            run.problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        if original is None:
            continue
        fresh = [f for f in found if _fresh(f, original.text)]
        if path.lower().endswith(".ipynb"):  # comments go into the cells' sources
            from ragfirst.fixes.notebook_fixes import notebook_suppressions

            edits, added, refused = notebook_suppressions(original.text, fresh, reason)
            run.refused.extend(f"{path}:{where}" for where in refused)
        else:
            outcome = add_suppressions(original.text, path, language, fresh, reason)
            edits, added = outcome.edits, outcome.added
            run.refused.extend(
                f"{path}:{line}: {codes} (no comment is legal on this line)"
                for line, codes in outcome.refused
            )
        if not edits:
            continue
        try:
            write_fixed(original, apply_edits(original.text, edits))
        except (FixWriteError, EditError) as exc:
            run.problems.append(str(exc))
            continue
        run.added += added
        run.files += 1
    return run
