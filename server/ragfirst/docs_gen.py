"""Generate the rule reference (docs/rules/RFxxx.md) from the rule YAML.

The YAML is the single source of truth: the same text feeds `ragfirst rule`, the editor
hover and these pages, and a test fails when a committed page differs from this output.
Run `python -m ragfirst.docs_gen` (or `make docs`) after changing a rule.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ragfirst.data.table_age import STALE_AFTER_DAYS
from ragfirst.resources import package_data_dir
from ragfirst.rules.loader import load_ruleset
from ragfirst.rules.model import ArgCondition, CallMatcher, Example, Rule, RuleSet

HEADER = "<!-- Generated from {source} by `make docs`; edit the YAML, not this page. -->\n"


def _language(example: Example) -> str:
    suffix = Path(example.path).suffix
    return {
        ".py": "python",
        ".yaml": "yaml",
        ".yml": "yaml",
        ".json": "json",
        ".jsonl": "json",
        ".toml": "toml",
        ".ts": "typescript",
        ".tsx": "tsx",
        ".js": "javascript",
        ".mjs": "javascript",
        ".jsx": "jsx",
        ".vue": "vue",
        ".svelte": "svelte",
        ".sql": "sql",
        ".txt": "text",
        ".env": "sh",
    }.get(suffix, "")


def _examples(examples: tuple[Example, ...]) -> list[str]:
    lines: list[str] = []
    for example in examples:
        if example.note:
            lines.append(f"{example.note[0].upper()}{example.note[1:]}:")
            lines.append("")
        if example.path != "example.py":
            lines.append(f"`{example.path}`")
            lines.append("")
        lines.append(f"```{_language(example)}")
        lines.extend(example.code.rstrip("\n").split("\n"))
        lines.append("```")
        lines.append("")
        if example.fixed is not None:
            lines.append(f"After the fix ({_SAFETY.get(example.fix_safety or '', 'see above')}):")
            lines.append("")
            lines.append(f"```{_language(example)}")
            lines.extend(example.fixed.rstrip("\n").split("\n"))
            lines.append("```")
            lines.append("")
    return lines


_SAFETY = {
    "safe": "safe: `ragfirst check --fix` applies it",
    "unsafe": "unsafe: applied only with `--fix --unsafe-fixes`",
    "display-only": "display-only: shown, never applied",
}


LANGUAGE_LABELS = {"python": "", "javascript": "(JavaScript/TypeScript) ", "sql": "(SQL) "}


def _describe_condition(condition: ArgCondition) -> str:
    what = condition.label + ("." + ".".join(condition.key) if condition.key else "")
    if condition.present is False:
        return f"`{what}` absent"
    if condition.has_equals:
        return f"`{what}` = `{condition.equals}`"
    if condition.one_of is not None:
        return f"`{what}` in {', '.join(f'`{v}`' for v in condition.one_of)}"
    if condition.not_one_of is not None:
        return f"`{what}` not in {', '.join(f'`{v}`' for v in condition.not_one_of)}"
    if condition.other_than is not None:
        return f"`{what}` has a value other than {', '.join(f'`{v}`' for v in condition.other_than)}"
    return f"`{what}` given"


def _describe_matcher(language: str, matcher: CallMatcher) -> str:
    names = [p.text for p in (*matcher.calls, *matcher.imports)]
    kind = "import of" if matcher.imports else "call to"
    conditions = [_describe_condition(condition) for condition in matcher.args]
    if matcher.any_arg:
        conditions.append("any of " + ", ".join(f"`{a}`" for a in matcher.any_arg) + " given")
    if matcher.file_calls:
        conditions.append("the file also calls " + ", ".join(f"`{p.text}`" for p in matcher.file_calls[:3]))
    suffix = f" when {'; '.join(conditions)}" if conditions else ""
    return f"- {LANGUAGE_LABELS.get(language, language + ' ')}{kind} {', '.join(f'`{n}`' for n in names)}{suffix}"


def _matchers(rule: Rule) -> list[str]:
    lines = [
        _describe_matcher(language, matcher)
        for language, matchers in rule.matchers.items()
        for matcher in matchers
    ]
    if rule.check is not None:
        lines.append(f"- the built-in check `{rule.check.name}` (see the summary above)")
    return lines


def render_rule_page(rule: Rule, source_label: str | None = None) -> str:
    guide_page, _, anchor = rule.guide.partition("#")
    guide_link = f"../{guide_page}" + (f"#{anchor}" if anchor else "")
    out: list[str] = [HEADER.format(source=source_label or Path(rule.source).name)]
    out.append(f"# {rule.id} {rule.name}")
    out.append("")
    out.append(
        f"Default severity: **{rule.severity.label}**"
        + (f" · tags: {', '.join(rule.tags)}" if rule.tags else "")
    )
    out.append("")
    out.append("## What it does")
    out.append("")
    out.append(rule.summary)
    out.append("")
    matchers = _matchers(rule)
    if matchers:
        out.append("It fires on:")
        out.append("")
        out.extend(matchers)
        out.append("")
    if rule.why:
        out += ["## Why", "", rule.why, ""]
    if rule.checklist:
        out += ["## Before you keep this code", "", *(f"- [ ] {item}" for item in rule.checklist), ""]
    if rule.fire_examples:
        out += ["## Examples that fire", "", *_examples(rule.fire_examples)]
    if rule.pass_examples:
        out += ["## Examples that do not fire", "", *_examples(rule.pass_examples)]
    if rule.fix:
        out += ["## How to fix", "", rule.fix, ""]
    if _looks_across_files(rule):
        out += ["## Across files", "", ACROSS_FILES, ""]
    out += [
        "## Suppressing it, with a reason",
        "",
        "If the decision to keep this code is deliberate, record it where the finding is:",
        "",
        "```python",
        f"# ragfirst: ignore[{rule.id}] -- <the reason, e.g. the ADR or the evaluation>",
        "```",
        "",
        f"or for a whole file `# ragfirst: ignore-file[{rule.id}] -- <reason>`. "
        "`ragfirst decisions` lists every suppression and its reason.",
        "",
        "## Configuration",
        "",
        "```toml",
        "[tool.ragfirst]",
        f'severity = {{ {rule.id} = "error" }}   # or "warning", "info", "hint", "off"',
        f'ignore = ["{rule.id}"]                # turn the rule off',
    ]
    if rule.options:
        out.append("")
        out.append(f"[tool.ragfirst.options.{rule.id}]")
        for name, option in rule.options.items():
            out.append(f"{name} = {_toml_value(option.default)}   # {option.description}")
    out += ["```", ""]
    out += _data_tables(rule)
    out += ["## Read more", "", f"The guide: [{rule.guide}]({guide_link})", ""]
    return "\n".join(out)


def _data_tables(rule: Rule) -> list[str]:
    """The facts a rule decides by, with their sources (prices, lifecycle dates)."""
    from ragfirst.data.tables import lifecycle, pricing

    if rule.check is None:
        return []
    if rule.check.name == "lifecycle":
        lines = [
            "## Lifecycle table (rules/lifecycle.yaml)",
            "",
            "| path | status | date | source |",
            "| --- | --- | --- | --- |",
        ]
        for entry in lifecycle():
            date = entry.date.isoformat() if entry.date else "-"
            lines.append(f"| {entry.what} | {entry.status} | {date} | {entry.source} |")
        return [*lines, ""]
    if rule.check.name == "training-data" and rule.check.params.get("report") in ("cost", "count"):
        table = pricing()
        if rule.check.params["report"] == "count":
            lines = [
                "## Provider minimums (rules/pricing.yaml)",
                "",
                "| provider | minimum examples | source |",
                "| --- | --- | --- |",
            ]
            for facts in table.providers.values():
                if facts.minimum_examples:
                    lines.append(f"| {facts.name} | {facts.minimum_examples} | {facts.minimum_source} |")
            return [*lines, ""]
        lines = [
            "## Training prices (rules/pricing.yaml)",
            "",
            "| model | USD per 1M training tokens | as of | source |",
            "| --- | --- | --- | --- |",
        ]
        for price in table.training:
            lines.append(
                f"| {price.model} | {price.usd_per_1m_tokens:.2f} | {price.as_of} | {price.source} |"
            )
        return [*lines, ""]
    return []


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def render_index(ruleset: RuleSet) -> str:
    lines = [
        HEADER.format(source="rules/packs/*.yaml"),
        "# Rule reference",
        "",
        "| id | name | default severity | what it flags |",
        "| --- | --- | --- | --- |",
    ]
    for rule in sorted(ruleset.rules, key=lambda r: r.id):
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| [{rule.id}]({rule.id}.md) | {rule.name} | {rule.severity.label} | {summary} |")
    lines.extend(
        [
            "",
            "## Data tables",
            "",
            "Prices, lifecycle and shutdown dates, embedding models, key formats and output-cap facts",
            "live in tables under `rules/` (`pricing.yaml`, `lifecycle.yaml`, `retiring-models.yaml`,",
            "`embedding-models.yaml`, `secret-formats.yaml`, `output-caps.yaml`). Every row names its",
            "`source` and `as_of`, the date it was read. `ragfirst rules --data` lists each table with its",
            f"newest `as_of`; when a table is older than {STALE_AFTER_DAYS} days, `ragfirst check` prints one",
            "line to stderr suggesting an upgrade. That note is never a finding and never changes the exit",
            "code.",
        ]
    )
    lines.append("")
    return "\n".join(lines)


def expected_pages(ruleset: RuleSet) -> dict[str, str]:
    pages = {f"{rule.id}.md": render_rule_page(rule) for rule in ruleset.rules if rule.builtin}
    pages["index.md"] = render_index(ruleset)
    return pages


def write_pages(target: Path) -> list[Path]:
    ruleset = load_ruleset()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_pages(ruleset).items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


ACROSS_FILES = (
    "A call is checked the same whether its client, model name, index name or data path is"
    " set in the file or imported from another module of the project, and the facts this"
    " rule links (a retrieval set-up, an index and the models that fill it, a reranker)"
    " come from every file of the project, whichever paths were checked. They are shared"
    " only within one project: a ragfirst configuration or a manifest marks one"
    " application; in a repository marked only by its VCS root, files share facts only"
    " when one can reach the other (same directory, same package, an import). A notebook,"
    " which nothing can import, shares facts only through the project modules its kernel"
    " imports (found from the notebook's own directory), in every project: notebooks side"
    " by side in one folder (a course, a cookbook) and a docs tutorial that imports the"
    " library it demonstrates are each their own. See"
    " [the project model](../project-model.md)."
)


def _looks_across_files(rule: Rule) -> bool:
    """Rules whose findings depend on other files: project-aware messages, RAG links."""
    return rule.project_message is not None or (rule.check is not None and rule.check.name == "rag")


if __name__ == "__main__":
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else package_data_dir("docs") / "rules"
    changed = write_pages(out_dir)
    print(f"{len(changed)} rule page(s) updated in {out_dir}")
