"""Typed access to rules/embedding-models.yaml: each embedding model's output dimension,
the sizes it can be shortened to and its input limit, with the source of each entry.

No model name or dimension lives in Python code; RF301-RF303 ask this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragfirst.data.tables import _load

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "models"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "roles": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "document": {"type": "array", "items": {"type": "string"}},
                "query": {"type": "array", "items": {"type": "string"}},
            },
        },
        "models": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "provider", "dimension", "max_input_tokens", "source", "as_of"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "aliases": {"type": "array", "items": {"type": "string"}},
                    "provider": {"type": "string"},
                    "dimension": {"type": "integer", "minimum": 1},
                    "shorten": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "values": {
                                "type": "array",
                                "items": {"type": "integer", "minimum": 1},
                                "minItems": 1,
                            },
                            "min": {"type": "integer", "minimum": 1},
                            "max": {"type": "integer", "minimum": 1},
                        },
                        "oneOf": [{"required": ["values"]}, {"required": ["max"]}],
                    },
                    "max_input_tokens": {"type": ["integer", "null"], "minimum": 1},
                    "space": {"type": "string", "minLength": 1},
                    "source": {"type": "string", "minLength": 1},
                    "as_of": {},
                    "confidence": {"enum": ["high", "medium", "low"]},
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class EmbeddingModel:
    id: str
    provider: str
    dimension: int
    max_input_tokens: int | None
    source: str
    as_of: str
    aliases: tuple[str, ...] = ()
    shorten_values: tuple[int, ...] = ()
    shorten_min: int | None = None
    shorten_max: int | None = None
    confidence: str = "high"
    space: str | None = None  # models sharing one embedding space (Voyage 4) compare fine

    def shares_space_with(self, other: EmbeddingModel) -> bool:
        """True when vectors of both models live in one space (the same model, or one family)."""
        return self.id == other.id or (self.space is not None and self.space == other.space)

    @property
    def can_shorten(self) -> bool:
        return bool(self.shorten_values) or self.shorten_max is not None

    def accepts(self, size: int) -> bool:
        """True when the model's own dimension parameter accepts `size`."""
        if self.shorten_values:
            return size in self.shorten_values
        if self.shorten_max is not None:
            return (self.shorten_min or 1) <= size <= self.shorten_max
        return False

    def allowed_text(self) -> str:
        if self.shorten_values:
            return ", ".join(str(v) for v in self.shorten_values)
        if self.shorten_max is not None:
            return f"{self.shorten_min or 1}-{self.shorten_max}"
        return f"only its fixed {self.dimension}"

    @property
    def short_name(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class EmbeddingModels:
    models: tuple[EmbeddingModel, ...]
    document_roles: frozenset[str]
    query_roles: frozenset[str]
    _index: dict[str, EmbeddingModel]

    def lookup(self, name: str | None) -> EmbeddingModel | None:
        """A model by any common spelling: `text-embedding-3-small`, `openai/text-...`,
        `openai:text-...` (init_embeddings), `models/text-embedding-004`, `BAAI/bge-small-en-v1.5`
        or `bge-small-en-v1.5`, `nomic-embed-text:latest` (Ollama tags)."""
        if not name or not isinstance(name, str):
            return None
        for candidate in _spellings(name):
            found = self._index.get(candidate)
            if found is not None:
                return found
        return None

    def role_of(self, value: str | None) -> str | None:
        if not isinstance(value, str):
            return None
        if value in self.document_roles:
            return "document"
        if value in self.query_roles:
            return "query"
        return None


def _spellings(name: str) -> list[str]:
    lowered = name.strip().lower()
    out = [lowered]
    if ":" in lowered:
        before, _, after = lowered.partition(":")
        out.extend([after, before])  # `openai:text-embedding-3-small`, `nomic-embed-text:latest`
    for item in list(out):
        if "/" in item:
            out.append(item.rsplit("/", 1)[-1])
    return out


@lru_cache(maxsize=1)
def embedding_models() -> EmbeddingModels:
    data = _load("embedding-models.yaml", _SCHEMA)
    models = []
    index: dict[str, EmbeddingModel] = {}
    for item in data["models"]:
        shorten = item.get("shorten") or {}
        model = EmbeddingModel(
            id=item["id"],
            provider=item["provider"],
            dimension=int(item["dimension"]),
            max_input_tokens=item.get("max_input_tokens"),
            source=item["source"],
            as_of=str(item["as_of"]),
            aliases=tuple(item.get("aliases", ())),
            shorten_values=tuple(shorten.get("values", ())),
            shorten_min=shorten.get("min"),
            shorten_max=shorten.get("max"),
            confidence=item.get("confidence", "high"),
            space=item.get("space"),
        )
        models.append(model)
        # Exact spellings first; the bare name after the organisation (`bge-small-en-v1.5`)
        # only where no other entry claims it.
        for key in (model.id, *model.aliases):
            index[key.lower()] = model
    for model in models:
        bare = model.id.rsplit("/", 1)[-1].lower()
        index.setdefault(bare, model)
    roles = data.get("roles", {})
    return EmbeddingModels(
        models=tuple(models),
        document_roles=frozenset(roles.get("document", ())),
        query_roles=frozenset(roles.get("query", ())),
        _index=index,
    )
