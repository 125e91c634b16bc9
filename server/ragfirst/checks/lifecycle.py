"""RF107: training calls whose provider path is deprecated, winding down or retired.

Matches come from rules/lifecycle.yaml (call and import patterns); the severity is decided
in the project phase from the entry's date and today's date (injectable, see clock.py).
"""

from __future__ import annotations

from typing import Any

from ragfirst.analyzers.facts import CallFact
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.data.pinned_versions import below, requirement_below
from ragfirst.data.tables import lifecycle
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.engine.matching import candidate_calls
from ragfirst.model import Severity, Span


def string_literals(call: CallFact) -> list[str]:
    """The call's literal string arguments (a base model id is one of them)."""
    return [arg.value for arg in (*call.args, *call.kwargs.values()) if isinstance(arg.value, str)]


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

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """The retiring calls (their string arguments name the base model)."""
        return CallReaders.of_patterns(pattern for entry in lifecycle() for pattern in entry.calls)

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        matches = []
        for entry in lifecycle():
            if entry.retracted or _pinned_here(context, entry):
                continue
            # One finding per entry per function, at its first call there: `ORPOConfig` and
            # `ORPOTrainer` built together from one retiring path are one decision, not two;
            # a job started in one function and resumed in another are two (each may carry
            # its own recorded decision). The import counts only where nothing calls it.
            first_by_scope: dict[str, Span] = {}
            for call in candidate_calls(context.facts, entry.calls):
                if any(p.matches(call.qualname) for p in entry.calls) and entry.applies_to(
                    string_literals(call)
                ):
                    known = first_by_scope.get(call.scope)
                    if known is None or (call.span.start_line, call.span.start_col) < (
                        known.start_line,
                        known.start_col,
                    ):
                        first_by_scope[call.scope] = call.span
            sites = list(first_by_scope.values())
            if not sites:
                imports = [
                    fact.span
                    for fact in context.facts.imports
                    if any(p.matches(fact.module) for p in entry.imports)
                ]
                sites = [min(imports, key=lambda span: (span.start_line, span.start_col))] if imports else []
            matches.extend(CheckMatch(span, {"entry": entry.id}) for span in sites)
        return matches

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        entry = next((e for e in lifecycle() if e.id == captures.get("entry")), None)
        if entry is None or entry.retracted:
            return None
        if entry.package and entry.since_version and below(context.root, entry.package, entry.since_version):
            return None  # the project pins the package below the version the entry is about
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


def _pinned_here(context: CheckContext, entry: Any) -> bool:
    """The file itself pins the package below the entry's version: a notebook's
    `!pip install trl==0.22.2` (its installs are the file's dependencies)."""
    if not (entry.package and entry.since_version):
        return False
    return any(
        requirement_below(dependency.spec, entry.package, entry.since_version)
        for dependency in context.facts.dependencies
    )
