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
from ragfirst.rules import pack_cache
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
            "items": {
                "type": "object",
                "required": ["provider", "up_to_params_b", "usd_per_1m_tokens", "as_of", "source"],
            },
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
    # How the provider bills training when the table has no per-model rate, and how to
    # get the exact figure (the provider's own estimate), each with its source.
    billing: str = ""
    billing_source: str = ""
    estimate: str = ""


@dataclass(frozen=True, slots=True)
class SizeRate:
    """A per-token training price for models up to a size (providers that price by size)."""

    provider: str
    up_to_params_b: float
    from_params_b: float
    methods: tuple[str, ...]
    usd_per_1m_tokens: float
    as_of: str
    source: str


# `llama-v3p1-8b-instruct`, `qwen3-0p6b`, `Qwen2.5-72B-Instruct`, `qwen3-30b-a3b` (30, the
# total): a size token between separators; Fireworks writes the decimal point as `p`.
_SIZE = re.compile(r"(?:^|[-_/:])(\d+(?:[p.]\d+)?)b(?=$|[-_/.:])", re.IGNORECASE)


_ACTIVE = re.compile(r"[-_]a\d+(?:[p.]\d+)?b(?=$|[-_/.:])", re.IGNORECASE)


def model_size_b(model: str) -> float | None:
    """The parameter count (billions) a model id names, when it names exactly one. A
    mixture-of-experts id (`qwen3-30b-a3b`: 3B active) gives None: which count a provider
    prices by is not in the table."""
    if _ACTIVE.search(model):
        return None
    sizes = {float(m.group(1).lower().replace("p", ".")) for m in _SIZE.finditer(model)}
    return sizes.pop() if len(sizes) == 1 else None


@dataclass(frozen=True, slots=True)
class Pricing:
    providers: dict[str, ProviderFacts]
    training: tuple[TrainingPrice, ...]
    size_rates: tuple[SizeRate, ...] = ()

    def price(self, provider: str, model: str) -> TrainingPrice | None:
        return next((p for p in self.training if p.provider == provider and p.matches(model)), None)

    def size_rate(self, provider: str, model: str, method: str) -> tuple[SizeRate, float] | None:
        """The size-bracket rate for `model` (its size read from the id), or None when the
        id names no single size or no bracket holds it."""
        size = model_size_b(model)
        if size is None:
            return None
        rate = next(
            (
                r
                for r in self.size_rates
                if r.provider == provider
                and method in r.methods
                and r.from_params_b <= size <= r.up_to_params_b
            ),
            None,
        )
        return (rate, size) if rate else None


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
    text = path.read_text(encoding="utf-8")
    cached = pack_cache.table_data(text)  # the YAML's data, kept by an earlier run
    if cached is not None and conforms(cached, schema):
        return cached
    try:
        doc = load_positioned(text)
    except YamlError as exc:
        raise RuleFileError(str(path), exc.line, exc.col + 1, exc.message) from None
    if conforms(doc.data, schema):
        pack_cache.keep_table(text, doc.data)
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
            billing=value.get("billing", ""),
            billing_source=value.get("billing_source", ""),
            estimate=value.get("estimate", ""),
        )
        for key, value in data["providers"].items()
    }
    size_rates = tuple(
        SizeRate(
            provider=item["provider"],
            up_to_params_b=float(item["up_to_params_b"]),
            from_params_b=float(item.get("from_params_b", 0)),
            methods=tuple(item.get("methods", ("sft",))),
            usd_per_1m_tokens=float(item["usd_per_1m_tokens"]),
            as_of=str(item["as_of"]),
            source=item["source"],
        )
        for item in data.get("size_rates", ())
    )
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
    return Pricing(providers, training, size_rates)


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
