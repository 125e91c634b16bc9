"""Add `expect:` (and `fixed:` / `fix-safety:` where the rule's fix has an edit) to built-in
`fire` examples that lack them, from what the rule does today.

A bootstrap for new examples (issue 20): it records current behaviour, so read every line
it adds before committing; `ragfirst test-rules rules/packs` then keeps it true.
Usage: .venv/bin/python scripts/annotate_examples.py [RULE_ID...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from ragfirst.fixes.apply import attach_fixes, fix_text
from ragfirst.rules import rule_tests
from ragfirst.rules.loader import builtin_pack_paths, load_ruleset


def compute(rule, example) -> tuple[list[str], str | None, str | None]:
    """Where the rule fires on the example, its fixed code (if an edit) and the safety."""
    with rule_tests._project(example, []) as root:
        fired = [f for f in rule_tests._lint(root, example.path) if f.rule_id == rule.id]
        places = sorted({f"{f.span.start_line}:{f.span.start_col + 1}" for f in fired}, key=rule_tests._order)
        text = (root / example.path).read_text(encoding="utf-8")
        attach_fixes(fired, text)
        safeties = sorted({f.fix.safety.value for f in fired if f.fix and f.fix.edits})
        safeties = [s for s in safeties if s != "display-only"]
        if not safeties:
            return places, None, None
        for _ in range(rule_tests.MAX_FIX_ROUNDS):
            found = [f for f in rule_tests._lint(root, example.path) if f.rule_id == rule.id]
            outcome = fix_text(example.path, text, found, unsafe=True)
            if outcome.text == text:
                break
            text = outcome.text
            (root / example.path).write_text(text, encoding="utf-8")
        return places, text, safeties[0] if len(safeties) == 1 else None


def annotate(pack: Path, ruleset, only: set[str]) -> int:
    text = pack.read_text(encoding="utf-8")
    top = dict((k.value, v) for k, v in yaml.compose(text).value)
    if "rules" not in top:
        return 0
    inserts = []
    for rule_node in top["rules"].value:
        fields = dict((k.value, v) for k, v in rule_node.value)
        rule = ruleset.get(fields["id"].value)
        examples = fields.get("examples")
        if rule is None or (only and rule.id not in only) or examples is None:
            continue
        fire = dict((k.value, v) for k, v in examples.value).get("fire")
        for index, node in enumerate(fire.value if fire is not None else []):
            keys = {k.value for k, _ in node.value} if isinstance(node, yaml.MappingNode) else None
            if keys is None or "fixed" in keys:
                continue  # a plain-string example: write it as a mapping first
            places, fixed, safety = compute(rule, rule.fire_examples[index])
            indent = " " * node.start_mark.column
            quoted = ", ".join('"' + place + '"' for place in places)
            add = "" if "expect" in keys else f"expect: [{quoted}]\n{indent}"
            if fixed is not None:
                body = "".join(
                    f"{indent}  {line}\n" if line else "\n" for line in fixed.rstrip("\n").split("\n")
                )
                add += f"fixed: |\n{body}{indent}" + (f"fix-safety: {safety}\n{indent}" if safety else "")
            if add and places:
                inserts.append((node.start_mark.index, add))
    for index, add in sorted(inserts, reverse=True):
        text = text[:index] + add + text[index:]
    if inserts:
        yaml.safe_load(text)
        pack.write_text(text, encoding="utf-8")
    return len(inserts)


def main() -> None:
    os.environ.setdefault("RAGFIRST_TODAY", "2026-11-25")
    ruleset = load_ruleset()
    for pack in builtin_pack_paths():
        count = annotate(pack, ruleset, set(sys.argv[1:]))
        if count:
            print(f"{pack.name}: {count} example(s) annotated")


if __name__ == "__main__":
    main()
