"""RF105's hand-written loop: `.backward()` and an optimizer `.step()` in one function.

YAML cannot say "two calls in the same function"; this check can. It only fires where the
file also shows a language-model signal (params `llm-signals`), so a small CNN trained in
a loop is not reported as LLM training.
"""

from __future__ import annotations

import re
from typing import Any

from ragfirst.analyzers.facts import CallFact
from ragfirst.checks.base import CheckContext, CheckMatch
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.engine.matching import candidate_calls
from ragfirst.rules.patterns import PatternError, compile_pattern


class TrainingLoopCheck:
    name = "training-loop"

    def validate(self, params: dict[str, Any]) -> str | None:
        allowed = {"llm-signals", "optimizer-receivers", "optimizer-name"}
        unknown = set(params) - allowed
        if unknown:
            return f"unknown params {sorted(unknown)}; allowed: {sorted(allowed)}"
        for key in ("llm-signals", "optimizer-receivers"):
            value = params.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{key} must be a list of name patterns"
            for text in value:
                try:
                    compile_pattern(text)
                except PatternError as exc:
                    return f"{key}: {exc}"
        try:
            re.compile(params.get("optimizer-name", "optim"))
        except re.error as exc:
            return f"optimizer-name is not a valid regular expression: {exc}"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        """`backward` and, when the rule names LLM signals, the words of one of them (the
        check finds nothing in a file that calls none)."""
        signals = [compile_pattern(p).triggers for p in params.get("llm-signals", [])]
        if not signals:
            return {"backward"}
        return {(("backward",), *signal) for signal in signals}

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """None: it reads calls' names and receivers, never their arguments."""
        return CallReaders()

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        signals = [compile_pattern(p) for p in params.get("llm-signals", [])]
        receivers = [compile_pattern(p) for p in params.get("optimizer-receivers", [])]
        optimizer_name = re.compile(params.get("optimizer-name", "optim"), re.IGNORECASE)
        calls = context.facts.calls
        if signals and not any(
            any(p.matches(call.qualname) for p in signals) for call in candidate_calls(context.facts, signals)
        ):
            return []
        by_scope: dict[str, list[CallFact]] = {}
        for call in calls:
            by_scope.setdefault(call.scope, []).append(call)
        matches = []
        for scope_calls in by_scope.values():
            backward = [c for c in scope_calls if c.tail.endswith(".backward")]
            steps = [
                c
                for c in scope_calls
                if c.tail.endswith(".step") and _is_optimizer(c, receivers, optimizer_name)
            ]
            if backward and steps:
                first = min(backward, key=lambda c: (c.span.start_line, c.span.start_col))
                matches.append(CheckMatch(first.span, {"short": f"{first.tail}() + {steps[0].tail}()"}))
        return matches


def _is_optimizer(call: CallFact, receivers: list, name: re.Pattern[str]) -> bool:
    if call.receiver_qualname and any(p.matches(call.receiver_qualname) for p in receivers):
        return True
    receiver_text = call.tail.rsplit(".", 1)[0]
    return bool(name.search(receiver_text.rsplit(".", 1)[-1]))
