"""Typed access to rules/retiring-models.yaml: model ids whose provider announced a shutdown
(RF406), each row with its date, replacement, source and the date it was read.

No model id or date lives in Python code; RF406 asks this table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragfirst.data.tables import _date, _load
from ragfirst.rules.patterns import NamePattern, compile_pattern

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "models"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "models": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "provider", "kind", "models", "status", "date", "source", "as_of"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "provider": {"type": "string", "minLength": 1},
                    "kind": {"enum": ["inference", "embedding"]},
                    "models": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
                    "status": {"enum": ["deprecated", "shutdown", "retracted"]},
                    "date": {},
                    "replacement": {"type": "string"},
                    "replacement_for": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1},
                        },
                    },
                    "replacement_fine_tunable": {"type": "boolean"},
                    "fine_tune_note": {"type": "string"},
                    "notes_for": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1},
                        },
                    },
                    "lifecycle": {"type": "string"},
                    "not_calls": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string", "minLength": 1},
                    "as_of": {},
                    "confidence": {"enum": ["high", "medium", "low"]},
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class RetiringModels:
    """One announcement: the model ids it covers and what the provider said."""

    id: str
    provider: str
    kind: str
    models: tuple[str, ...]
    status: str
    date: dt.date
    source: str
    as_of: str
    replacement: str = ""
    replacement_for: tuple[tuple[str, str], ...] = ()  # (listed id, its own replacement)
    replacement_fine_tunable: bool | None = None
    fine_tune_note: str = ""
    notes_for: tuple[tuple[str, str], ...] = ()  # (listed id, a note about it alone)
    lifecycle: str = ""  # the rules/lifecycle.yaml entry for the same event
    not_calls: tuple[NamePattern, ...] = ()  # clients whose model ids mean something else
    confidence: str = "high"

    def replacement_of(self, model: str) -> str:
        """The replacement the provider names for this listed id ("" when it names none
        per model: `replacement` then stands for the whole row)."""
        return next((new for old, new in self.replacement_for if old == model), "")

    def notes_of(self, model: str) -> list[str]:
        """The notes this row has about one listed id alone (o4-mini's reinforcement
        fine-tuning), in the table's order."""
        return [note for listed, note in self.notes_for if listed == model]

    @property
    def retracted(self) -> bool:
        return self.status == "retracted"


@dataclass(frozen=True, slots=True)
class RetiringTable:
    rows: tuple[RetiringModels, ...]
    _by_model: dict[str, RetiringModels]
    pattern: re.Pattern[str]  # any listed id, as a whole value or inside a longer spelling

    def lookup(self, value: str) -> tuple[RetiringModels, str] | None:
        """The row and the listed id that `value` names: the id itself, a fine-tune built
        on it (`ft:gpt-4o-mini-2024-07-18:org::abc`) or a provider-prefixed spelling
        (`openai/gpt-4o-2024-08-06`, `models/text-embedding-004`)."""
        for candidate in _spellings(value.strip()):
            row = self._by_model.get(candidate)
            if row is not None:
                return row, candidate
        return None


def _spellings(value: str) -> list[str]:
    out = [value]
    if value.startswith("ft:"):
        out.append(value[3:].split(":", 1)[0])  # ft:<base>:<org>:<suffix>:<id>
    if "/" in value:
        out.append(value.rsplit("/", 1)[-1])
    return out


@lru_cache(maxsize=1)
def retiring_models() -> RetiringTable:
    data = _load("retiring-models.yaml", _SCHEMA)
    rows = []
    by_model: dict[str, RetiringModels] = {}
    for item in data["models"]:
        date = _date(item["date"])
        assert date is not None  # required by the schema
        row = RetiringModels(
            id=item["id"],
            provider=item["provider"],
            kind=item["kind"],
            models=tuple(item["models"]),
            status=item["status"],
            date=date,
            source=item["source"],
            as_of=str(item["as_of"]),
            replacement=item.get("replacement", ""),
            replacement_for=tuple(
                (model, new) for new, models in item.get("replacement_for", {}).items() for model in models
            ),
            replacement_fine_tunable=item.get("replacement_fine_tunable"),
            fine_tune_note=item.get("fine_tune_note", ""),
            notes_for=tuple(
                (model, note) for note, models in item.get("notes_for", {}).items() for model in models
            ),
            lifecycle=item.get("lifecycle", ""),
            not_calls=tuple(compile_pattern(p) for p in item.get("not_calls", ())),
            confidence=item.get("confidence", "high"),
        )
        rows.append(row)
        for model in row.models:
            by_model[model] = row
    ids = sorted(by_model, key=len, reverse=True)
    pattern = re.compile("(?<![\\w.-])(?:" + "|".join(re.escape(i) for i in ids) + ")(?![\\w.-])")
    return RetiringTable(tuple(rows), by_model, pattern)
