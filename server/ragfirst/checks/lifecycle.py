"""RF107: training calls whose provider path is deprecated, winding down or retired.

Matches come from rules/lifecycle.yaml (call and import patterns); the severity is decided
in the project phase from the entry's date and today's date (injectable, see clock.py).
"""

from __future__ import annotations

from typing import Any

from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.data.tables import lifecycle
from ragfirst.engine.matching import candidate_calls
from ragfirst.model import Severity


class LifecycleCheck:
    name = "lifecycle"
    runs_on_calls = True  # needs the calls only: also runs on calls resolved across files

    def validate(self, params: dict[str, Any]) -> str | None:
        if params:
            return "the lifecycle check takes no params; edit rules/lifecycle.yaml"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        words: set[Any] = set()
        for entry in lifecycle():
            for pattern in (*entry.calls, *entry.imports):
                words.add(pattern.triggers)
        return words

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        matches = []
        for entry in lifecycle():
            for call in candidate_calls(context.facts, entry.calls):
                if any(p.matches(call.qualname) for p in entry.calls):
                    matches.append(CheckMatch(call.span, {"entry": entry.id}))
            for fact in context.facts.imports:
                if any(p.matches(fact.module) for p in entry.imports):
                    matches.append(CheckMatch(fact.span, {"entry": entry.id}))
        return matches

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        entry = next((e for e in lifecycle() if e.id == captures.get("entry")), None)
        if entry is None:
            return None
        option = rule.options.get("warn-days")
        warn_days = int(context.settings.option(rule.id, "warn-days", option.default if option else 90))
        values = {**captures, "what": entry.what, "event": entry.event, "source": entry.source}
        values["instead"] = entry.instead or "plan the move off this path"
        if entry.date is None:
            values["when"] = f"status: {entry.status}"
            return Resolution(values, Severity.INFO)
        days = (entry.date - context.today).days
        past_history = [
            f"since {date.isoformat()}, {event}" for date, event in entry.history if date <= context.today
        ]
        if days < 0:
            severity = Severity.ERROR
            when = f"on {entry.date.isoformat()}, {-days} days ago"
        elif days <= warn_days:
            severity = Severity.WARNING
            when = f"on {entry.date.isoformat()}, in {days} days"
        else:
            severity = Severity.INFO
            when = f"on {entry.date.isoformat()}, in {days} days"
        if past_history:
            when += f"; {past_history[-1]}"
        values["when"] = when
        return Resolution(
            values, severity, {"lifecycle": {"entry": entry.id, "date": entry.date.isoformat(), "days": days}}
        )
