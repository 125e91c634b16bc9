"""Every budget the project's configs set, whatever its size: RF402's own reading.

`check` reports a budget only at or above RF402's monthly threshold (that is the rule's
point), so its findings cannot list a $2,000/month LiteLLM budget. The report asks the
same rule again, on the project's config files only, with the threshold at zero: the
budget is read by the same check with the same sources, periods and normalisation to 30
days, and nothing is matched here. Findings of this pass never reach the report's
findings section; they only fill the budget table and the payback's spend.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ragfirst.analyzers.registry import language_of
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.discovery import discover
from ragfirst.engine.engine import read_file_bytes
from ragfirst.engine.runner import display_path, lint_sources
from ragfirst.report.model import Budget, Evidence

CONFIG_LANGUAGES = frozenset({"yaml", "json", "toml"})  # where RF402's sources live


def budget_census(paths: list[Path], resolver: ConfigResolver) -> list[Budget]:
    files: dict[str, bytes] = {}
    for path in discover(paths, resolver.for_path, lambda name: language_of(name) in CONFIG_LANGUAGES):
        settings = resolver.for_path(path)
        if not settings.is_enabled("RF402"):
            continue  # the project turned the rule off: its budgets are not ours to read
        try:
            files[display_path(path)] = read_file_bytes(path, settings.max_file_size)
        except OSError:
            continue  # `check` reports an unreadable file (RF000)
    if not files:
        return []
    settings = replace(
        resolver.for_path(paths[0]),
        select=("RF402",),
        ignore=(),
        options={"RF402": {"monthly-threshold": 0}},
    )
    budgets = []
    for finding in lint_sources(files, settings):
        captures = finding.data.get("captures") or {}
        if finding.rule_id != "RF402":
            continue  # a suppressed RF402 is still a budget (the decision is in the report)
        try:
            monthly = float(str(captures.get("monthly", "")).replace(",", ""))
        except ValueError:
            continue
        key = str(captures.get("key", "budget"))
        budgets.append(Budget(Evidence(finding.path, finding.span.start_line, key), key, monthly))
    return budgets
