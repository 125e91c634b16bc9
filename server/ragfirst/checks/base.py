"""The contract between the engine and a named check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ragfirst.analyzers.facts import FileFacts
from ragfirst.model import Span
from ragfirst.source import SourceText


@dataclass(slots=True)
class CheckContext:
    path: str
    source: SourceText
    facts: FileFacts


@dataclass(slots=True)
class CheckMatch:
    span: Span
    captures: dict[str, str] = field(default_factory=dict)


class Check(Protocol):
    name: str

    def validate(self, params: dict[str, Any]) -> str | None:
        """A one-line problem with the params from the rule file, or None."""

    def triggers(self, params: dict[str, Any]) -> set[str]:
        """Words a file must contain for this check to find anything (for the prefilter)."""

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]: ...
