"""Typed access to rules/pricing.yaml and rules/lifecycle.yaml (facts with sources).

No price, date or model name lives in Python code; they live in these tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ragfirst.positioned_yaml import YamlError, load_positioned
from ragfirst.resources import builtin_rules_dir
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.patterns import NamePattern, compile_pattern
from ragfirst.schema_check import conforms

_PRICING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "providers", "training"],
    "properties": {
        "version": {"const": 1},
        "providers": {"type": "object", "additionalProperties": {"type": "object"}},
        "training": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["provider", "model", "usd_per_1m_tokens", "as_of", "source"],
                "properties": {
                    "usd_per_1m_tokens": {"type": "number", "minimum": 0},
                    "trainable": {"type": "boolean"},
                },
            },
        },
        "size_rates": {
            "type": "array",
            "items": {"type": "object", "required": ["provider", "usd_per_1m_tokens", "as_of", "source"]},
        },
        "hardware": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["provider", "hardware", "usd_per_second", "as_of", "source"],
            },
        },
    },
}
_LIFECYCLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "entries"],
    "properties": {
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "provider", "what", "status", "event", "source", "as_of"],
                "anyOf": [{"required": ["calls"]}, {"required": ["imports"]}],
                "properties": {"models": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


@dataclass(frozen=True, slots=True)
class TrainingPrice:
    provider: str
    model: str
    aliases: tuple[str, ...]
    usd_per_1m_tokens: float
    as_of: str
    source: str
    trainable: bool = True  # False: the base model shut down; no job can be started
    retired: dt.date | None = None

    def matches(self, model: str) -> bool:
        """`gpt-4o-mini-2024-07-18` and `gpt-4o-mini` both price as gpt-4o-mini-2024-07-18."""
        return model == self.model or model in self.aliases


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    key: str
    name: str
    minimum_examples: int | None = None
    minimum_source: str = ""
    default_epochs: int | None = None
    default_epochs_note: str = ""


@dataclass(frozen=True, slots=True)
class Pricing:
    providers: dict[str, ProviderFacts]
    training: tuple[TrainingPrice, ...]

    def price(self, provider: str, model: str) -> TrainingPrice | None:
        return next((p for p in self.training if p.provider == provider and p.matches(model)), None)


@dataclass(frozen=True, slots=True)
class LifecycleEntry:
    id: str
    provider: str
    what: str
    status: str
    event: str
    source: str
    calls: tuple[NamePattern, ...] = ()
    imports: tuple[NamePattern, ...] = ()
    date: dt.date | None = None
    instead: str = ""
    history: tuple[tuple[dt.date, str], ...] = field(default_factory=tuple)
    models: tuple[re.Pattern[str], ...] = ()  # the call must pass a base model matching one
    as_of: str = ""
    reported: bool = True  # False: kept for the record until a date is confirmed

    @property
    def retracted(self) -> bool:
        """An announcement the provider withdrew, or a row not to report: kept for the
        record, never reported."""
        return self.status == "retracted" or not self.reported

    def applies_to(self, literals: list[str]) -> bool:
        """Whether a call with these literal string arguments is on this path."""
        return not self.models or any(p.search(value) for p in self.models for value in literals)

    # The entry applies from this version of `package` on (a project pinned below it has
    # the old path still): e.g. trl 0.29.0 moved trainers under trl.experimental.
    package: str | None = None
    since_version: str | None = None


def load_table(name: str, schema: dict[str, Any] | None = None) -> Any:
    """A data table from rules/, schema-checked; a broken table is a RuleFileError."""
    return _load(name, schema or {"type": "object", "required": ["version"]})


def _load(name: str, schema: dict[str, Any]) -> Any:
    path = builtin_rules_dir() / name
    try:
        doc = load_positioned(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        raise RuleFileError(str(path), exc.line, exc.col + 1, exc.message) from None
    if conforms(doc.data, schema):
        return doc.data
    import jsonschema  # only for a broken table: its message

    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc.data))
    if errors:
        where = tuple(errors[0].absolute_path)
        line, col = doc.position(where)
        raise RuleFileError(str(path), line, col + 1, errors[0].message)
    return doc.data


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def pricing() -> Pricing:
    data = _load("pricing.yaml", _PRICING_SCHEMA)
    providers = {
        key: ProviderFacts(
            key=key,
            name=value.get("name", key),
            minimum_examples=value.get("minimum_examples"),
            minimum_source=value.get("minimum_source", ""),
            default_epochs=value.get("default_epochs"),
            default_epochs_note=value.get("default_epochs_note", ""),
        )
        for key, value in data["providers"].items()
    }
    training = tuple(
        TrainingPrice(
            provider=item["provider"],
            model=item["model"],
            aliases=tuple(item.get("aliases", ())),
            usd_per_1m_tokens=float(item["usd_per_1m_tokens"]),
            as_of=str(item["as_of"]),
            source=item["source"],
            trainable=bool(item.get("trainable", True)),
            retired=_date(item.get("retired")),
        )
        for item in data["training"]
    )
    return Pricing(providers, training)


@lru_cache(maxsize=1)
def lifecycle() -> tuple[LifecycleEntry, ...]:
    data = _load("lifecycle.yaml", _LIFECYCLE_SCHEMA)
    return tuple(
        LifecycleEntry(
            id=item["id"],
            provider=item["provider"],
            what=item["what"],
            status=item["status"],
            event=item["event"],
            source=item["source"],
            calls=tuple(compile_pattern(p) for p in item.get("calls", ())),
            imports=tuple(compile_pattern(p) for p in item.get("imports", ())),
            date=_date(item.get("date")),
            instead=item.get("instead", ""),
            history=tuple((_date(h["date"]), h["event"]) for h in item.get("history", ())),  # type: ignore[misc]
            models=tuple(re.compile(p) for p in item.get("models", ())),
            as_of=str(item["as_of"]),
            reported=bool(item.get("reported", True)),
            package=item.get("package"),
            since_version=str(item["since-version"]) if "since-version" in item else None,
        )
        for item in data["entries"]
    )
