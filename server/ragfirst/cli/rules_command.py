"""`ragfirst rule RF101` (the rule's page) and `ragfirst rules` (the list)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ragfirst.cli.main import EXIT_CLEAN, EXIT_ERROR
from ragfirst.config.settings import ConfigResolver
from ragfirst.docs_gen import render_rule_page
from ragfirst.engine.engines import EngineCache
from ragfirst.rules.loader import load_ruleset


def _render_for_terminal(markdown: str) -> str:
    """Light Markdown rendering for a TTY: bold headings, dim code, no comment header."""
    out = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("<!--"):
            continue
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append(f"\033[2m    {line}\033[0m")
        elif line.startswith("#"):
            out.append(f"\033[1m{line.lstrip('#').strip()}\033[0m")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", "\033[1m\\1\033[0m", line))
    return "\n".join(out) + "\n"


def run_rule(args: argparse.Namespace) -> int:
    ruleset = load_ruleset()
    rule = ruleset.get(args.rule_id.upper())
    if rule is None:
        sys.stderr.write(f"ragfirst: error: unknown rule {args.rule_id!r}; `ragfirst rules` lists them\n")
        return EXIT_ERROR
    page = render_rule_page(rule)
    sys.stdout.write(_render_for_terminal(page) if sys.stdout.isatty() else page)
    return EXIT_CLEAN


def run_data_tables(args: argparse.Namespace) -> int:
    """`ragfirst rules --data`: each fact table, its rows and its newest `as_of`."""
    from ragfirst.clock import today
    from ragfirst.data.table_age import STALE_AFTER_DAYS, table_ages

    now = today()
    rows = [
        {
            "table": f"rules/{age.table}",
            "rows": age.rows,
            "newest_as_of": age.newest.isoformat() if age.newest else None,
            "age_days": (now - age.newest).days if age.newest else None,
            "stale": age.stale(now),
            "undated_rows": list(age.undated),
        }
        for age in table_ages()
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_CLEAN
    for row in rows:
        note = f"  older than {STALE_AFTER_DAYS} days: upgrade ragfirst" if row["stale"] else ""
        undated = f"  ({len(row['undated_rows'])} rows without source/as_of)" if row["undated_rows"] else ""
        sys.stdout.write(
            f"{row['table']:<28} {row['rows']:>4} rows  newest as_of {row['newest_as_of']}{note}{undated}\n"
        )
    return EXIT_CLEAN


def run_rules(args: argparse.Namespace) -> int:
    if getattr(args, "data", False):
        return run_data_tables(args)
    resolver = ConfigResolver(explicit=args.config)
    settings = resolver.for_path(Path.cwd())
    ruleset = EngineCache().for_settings(settings).ruleset
    rows = [
        {
            "id": rule.id,
            "name": rule.name,
            "severity": settings.severity_for(rule.id, rule.severity).label,
            "enabled": settings.is_enabled(rule.id),
            "summary": rule.summary,
            "source": "built-in" if rule.builtin else rule.source,
        }
        for rule in sorted(ruleset.rules, key=lambda r: r.id)
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_CLEAN
    for row in rows:
        state = "on " if row["enabled"] else "off"
        sys.stdout.write(f"{row['id']}  {state}  {row['severity']:<8} {row['name']}\n")
    return EXIT_CLEAN


def run_guide(args: argparse.Namespace) -> int:
    """`ragfirst guide [TOPIC]`: the guide shipped with the package, offline."""
    from ragfirst.resources import package_data_dir

    guide_dir = package_data_dir("docs") / "guide"
    pages = sorted(p.stem for p in guide_dir.glob("*.md"))
    if not args.topic:
        sys.stdout.write("Guide pages (ragfirst guide TOPIC):\n" + "".join(f"  {page}\n" for page in pages))
        return EXIT_CLEAN
    topic = args.topic.removesuffix(".md").split("#", 1)[0]
    if topic not in pages:
        sys.stderr.write(f"ragfirst: error: no guide page {args.topic!r}; pages: {', '.join(pages)}\n")
        return EXIT_ERROR
    text = (guide_dir / f"{topic}.md").read_text(encoding="utf-8")
    sys.stdout.write(_render_for_terminal(text) if sys.stdout.isatty() else text)
    return EXIT_CLEAN
