"""RF402: a configured LLM budget or measured spend at or above the training-ROI threshold.

Budgets come with periods ("30d", "1mo", "7d", "24h"); each is normalised to a month
(30 days) before comparing with the rule's `monthly-threshold` option (default $10,000).
Sources are key patterns in the rule's params: LiteLLM's `litellm_settings.max_budget` +
`budget_duration`, per-provider budgets in `router_settings.provider_budget_config`, and
ragfirst's own convention (`llm_spend.monthly_usd`, `llm_budget.amount_usd` + `period`).
"""

from __future__ import annotations

import re
from typing import Any

from ragfirst.analyzers.facts import ConfigEntry
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.rules.patterns import PatternError, compile_pattern

_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w|mo|month|y)\s*$", re.IGNORECASE)
_DAYS = {
    "s": 1 / 86400,
    "m": 1 / 1440,
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1,
    "w": 7,
    "mo": 30,
    "month": 30,
    "y": 365,
}


def period_days(text: Any) -> float | None:
    match = _PERIOD.match(str(text))
    if not match:
        return None
    return float(match.group(1)) * _DAYS[match.group(2).lower()]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").replace("$", ""))
    except ValueError:
        return None


class SpendCheck:
    name = "spend-threshold"

    def validate(self, params: dict[str, Any]) -> str | None:
        sources = params.get("sources")
        if not isinstance(sources, list) or not sources:
            return "sources must be a list of {amount, period-key or period}"
        for source in sources:
            if "amount" not in source:
                return "each source needs an `amount` key pattern"
            try:
                compile_pattern(source["amount"])
            except PatternError as exc:
                return f"sources: {exc}"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        words: set[Any] = set()
        for source in params["sources"]:
            words.add(compile_pattern(source["amount"]).triggers)
        return words

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """Config entries only: no call."""
        return CallReaders()

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        entries = context.facts.entries
        by_path = {(entry.document, entry.path): entry for entry in entries}
        matches = []
        for source in params["sources"]:
            pattern = compile_pattern(source["amount"])
            for entry in entries:
                if not pattern.matches(entry.dotted):
                    continue
                amount = _number(entry.value)
                if amount is None or amount <= 0:
                    continue
                days = self._period(source, entry, by_path)
                if days is None or days <= 0:
                    continue
                monthly = amount * 30 / days
                matches.append(
                    CheckMatch(
                        entry.span,
                        {
                            "key": entry.dotted,
                            "amount": f"{amount:,.0f}",
                            "monthly": f"{monthly:.2f}",
                            "period_days": f"{days:g}",
                        },
                    )
                )
        return matches

    @staticmethod
    def _period(source: dict[str, Any], entry: ConfigEntry, by_path: dict) -> float | None:
        if "period" in source:
            return period_days(source["period"])
        sibling = source.get("period-key")
        if sibling:
            found = by_path.get((entry.document, (*entry.path[:-1], sibling)))
            return period_days(found.value) if found is not None else None
        return None

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        option = rule.options.get("monthly-threshold")
        threshold = float(
            context.settings.option(rule.id, "monthly-threshold", option.default if option else 10000)
        )
        monthly = float(captures["monthly"])
        if monthly < threshold:
            return None
        return Resolution({**captures, "monthly": f"{monthly:,.0f}", "threshold": f"{threshold:,.0f}"})
