"""Rules prove their examples: `ragfirst test-rules PATH...` and the built-in rule tests.

Each example of a rule runs through the real pipeline (files in a temporary project,
discovery, engine, project phase, the rule's pack loaded as the project's rules) and is
checked against what it declares:

- a `fire` example must fire the rule; with `expect: ["line:column", ...]`, at exactly
  those places (Fixit-style expected ranges);
- a `pass` example must not fire it;
- Semgrep-style annotations in the code: a comment line `ruleid: RF401` (after `#` or
  `//`) says the next code line must carry a finding of RF401, `ok: RF401` that it must not;
- `fixed:` is the code after the rule's fixes (unsafe ones included, re-linting between
  rounds), `fix-safety:` their safety; a fixed example must parse and not fire again.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ragfirst.config.settings import ConfigResolver
from ragfirst.rules.loader import builtin_pack_paths, load_ruleset
from ragfirst.rules.model import Example, Rule

_ANNOTATION = re.compile(r"^\s*(?:#|//|--)\s*(?P<kind>ruleid|ok)\s*:\s*(?P<ids>[A-Z0-9, ]+?)\s*$")
MAX_FIX_ROUNDS = 5


@dataclass(frozen=True, slots=True)
class RuleTestFailure:
    rule_id: str
    where: str  # pack:line of the example
    kind: str  # fire / pass
    index: int
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule_id} {self.kind} example {self.index + 1}: {self.message}"


@dataclass(slots=True)
class RuleTestRun:
    rules: int = 0
    examples: int = 0
    failures: list[RuleTestFailure] | None = None


def pack_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.y*ml")))
        else:
            files.append(path)
    return files


def _ruleset_for(files: list[Path]):
    """The built-in rules plus any user pack among `files`; the rules to test are those
    defined in `files`."""
    builtin = {p.resolve() for p in builtin_pack_paths()}
    extra = [f for f in files if f.resolve() not in builtin]
    ruleset = load_ruleset(extra)
    wanted = {str(f.resolve()) for f in files}
    chosen = [r for r in ruleset.rules if _source_path(r) in wanted]
    return ruleset, chosen, extra


def _source_path(rule: Rule) -> str:
    return str(Path(rule.source).resolve())


@contextlib.contextmanager
def _project(example: Example, extra: list[Path]) -> Iterator[Path]:
    """A temporary project holding the example's files (and the user packs as its rules);
    the working directory is the project while it is used."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="ragfirst-rule-test-") as folder:
        root = Path(folder).resolve()
        for relative, text in {example.path: example.code, **example.files}.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        packs = []
        for index, pack in enumerate(extra):
            copy = root / ".ragfirst-rule-tests" / f"{index}-{pack.name}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(pack, copy)
            packs.append(copy.relative_to(root).as_posix())
        rules = ", ".join(f'"{p}"' for p in packs)
        (root / "ragfirst.toml").write_text(f"rules = [{rules}]\n" if packs else "", encoding="utf-8")
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(previous)


def _lint(root: Path, path: str):
    from ragfirst.engine.runner import lint_paths

    return [f for f in lint_paths([root], ConfigResolver()).findings if f.path == path and not f.suppressed]


def annotations(code: str) -> list[tuple[str, str, int]]:
    """(kind, rule id, 1-based line it applies to) for each `ruleid:` / `ok:` comment."""
    lines = code.split("\n")
    found = []
    for index, line in enumerate(lines):
        match = _ANNOTATION.match(line)
        if not match:
            continue
        target = index + 1
        while target < len(lines) and (_ANNOTATION.match(lines[target]) or not lines[target].strip()):
            target += 1
        for rule_id in (part.strip() for part in match.group("ids").split(",")):
            if rule_id:
                found.append((match.group("kind"), rule_id, target + 1))
    return found


def check_example(rule: Rule, example: Example, kind: str, extra: list[Path]) -> list[str]:
    """What is wrong with one example (empty: it behaves as declared)."""
    problems: list[str] = []
    with _project(example, extra) as root:
        findings = _lint(root, example.path)
        fired = [f for f in findings if f.rule_id == rule.id]
        places = sorted({f"{f.span.start_line}:{f.span.start_col + 1}" for f in fired}, key=_order)
        if kind == "fire" and not fired:
            others = ", ".join(f"{f.rule_id} at {f.span.start_line}:{f.span.start_col + 1}" for f in findings)
            problems.append(f"expected {rule.id} to fire, but it did not (found: {others or 'nothing'})")
        if kind == "pass" and fired:
            problems.append(f"{rule.id} must not fire, but it fired at {', '.join(places)}")
        if kind == "fire" and example.expect and fired and sorted(example.expect, key=_order) != places:
            problems.append(
                f"expected {rule.id} at {', '.join(example.expect)}, found at {', '.join(places)}"
            )
        lines = {f.span.start_line for f in fired}
        for annotation, rule_id, line in annotations(example.code):
            if rule_id != rule.id:
                continue
            if annotation == "ruleid" and line not in lines:
                problems.append(f"`ruleid: {rule_id}` says line {line} fires, but it does not")
            if annotation == "ok" and line in lines:
                problems.append(f"`ok: {rule_id}` says line {line} does not fire, but it does")
        if kind == "fire" and fired:
            problems.extend(_check_fix(rule, example, root, fired))
    return problems


def _order(place: str) -> tuple[int, int]:
    line, col = place.split(":")
    return int(line), int(col)


def _check_fix(rule: Rule, example: Example, root: Path, fired) -> list[str]:
    from ragfirst.fixes.apply import attach_fixes, fix_text, parses

    target = root / example.path
    text = target.read_text(encoding="utf-8")
    attach_fixes(fired, text)
    safeties = sorted({f.fix.safety.value for f in fired if f.fix is not None})
    if example.fixed is None:
        if any(f.fix is not None and f.fix.safety.value != "display-only" for f in fired):
            return [f"{rule.id} offers a fix here ({', '.join(safeties)}): give the fixed code as `fixed:`"]
        if example.fix_safety and example.fix_safety not in safeties:
            return [f"expected a {example.fix_safety} fix, found {', '.join(safeties) or 'none'}"]
        return []
    problems = []
    if example.fix_safety and [example.fix_safety] != safeties:
        problems.append(f"expected {example.fix_safety} fixes, found {', '.join(safeties) or 'none'}")
    for _ in range(MAX_FIX_ROUNDS):
        found = [f for f in _lint(root, example.path) if f.rule_id == rule.id]
        outcome = fix_text(example.path, text, found, unsafe=True)
        if outcome.text == text:
            break
        text = outcome.text
        target.write_text(text, encoding="utf-8")
    if text != example.fixed:
        problems.append(f"the fixed code differs from `fixed:`:\n{_diff(example.fixed, text)}")
    if not parses(example.path, text):
        problems.append("the fixed code does not parse")
    again = [f for f in _lint(root, example.path) if f.rule_id == rule.id]
    attach_fixes(again, text)
    if any(f.fix is not None and f.fix.safety.value != "display-only" for f in again):
        problems.append("fixing again would change the code again (the fix is not idempotent)")
    return problems


def _diff(expected: str, actual: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), "fixed:", "result"
        )
    )


def run_rule_tests(paths: list[Path]) -> RuleTestRun:
    files = pack_files(paths)
    _ruleset, rules, extra = _ruleset_for(files)
    run = RuleTestRun(rules=len(rules), failures=[])
    for rule in rules:
        for kind, examples in (("fire", rule.fire_examples), ("pass", rule.pass_examples)):
            for index, example in enumerate(examples):
                run.examples += 1
                for problem in check_example(rule, example, kind, extra):
                    where = f"{_shown(rule.source)}:{example.line or rule.line}"
                    run.failures.append(RuleTestFailure(rule.id, where, kind, index, problem))
    return run


def _shown(source: str) -> str:
    """A pack's path relative to the working directory when it is below it."""
    try:
        return Path(source).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return source
