"""The RAG site model: one fact with its derived values, and the links between sites.

Shared by the per-file model (`rag_file_model`), the config-file sites (`rag_config_sites`),
the project phase (`rag_project`) and the check (`rag`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, ArgFact, CallFact, FileFacts
from ragfirst.data.embedding_models import EmbeddingModel, embedding_models
from ragfirst.model import Span
from ragfirst.resources import builtin_rules_dir

REPORTS = ("dimension", "model", "chunking", "reranking")
INDEX, OP, EMBEDDING, USE = "vector-index", "vector-op", "embedding", "embedding-use"
SPLITTER, RETRIEVAL, RERANKER, HYBRID = "splitter", "retrieval", "reranker", "hybrid-search"
LINK_KINDS = (INDEX, OP, EMBEDDING, USE)
KINDS_FOR = {
    "dimension": LINK_KINDS,
    "model": LINK_KINDS,
    "chunking": (SPLITTER, EMBEDDING),
    "reranking": (RETRIEVAL, RERANKER, HYBRID),
}
MISSING: Any = object()
MAX_TRACE_DEPTH = 4
CHARS_PER_TOKEN = 4

_SQL_TABLE = r"(?P<table>\"[^\"\n]{1,128}\"|[A-Za-z_][\w$]{0,127}(?:\.[A-Za-z_][\w$]{0,127})?)"
_SQL_WRITE = re.compile(rf"(?i)\b(?:insert\s+into|update|copy)\s+{_SQL_TABLE}")
_SQL_FROM = re.compile(rf"(?i)\bfrom\s+{_SQL_TABLE}")
_SQL_NOT_TABLES = frozenset({"set", "only", "table", "from", "to"})
_SQL_DISTANCE = re.compile(r"<=>|<->|<#>|<\+>")
_SQL_CALL_TAILS = ("execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchall", "copy", "text")
_ASSIGNED = re.compile(r"(?:^|[\s(,])(?P<name>[A-Za-z_][\w.]*)\s*(?::[^=]*)?=\s*(?:await\s+)?$")
_LANCE_VECTOR = re.compile(r"^\s*(?P<field>\w+)\s*:\s*(?:\w+\.)?Vector\(\s*(?P<dim>\d+)\s*\)")


@lru_cache(maxsize=1)
def fact_definitions() -> dict[str, tuple[Any, ...]]:
    """The built-in fact definitions by kind (imported lazily: the loader imports checks)."""
    from ragfirst.rules.loader import load_builtin_pack

    _, facts = load_builtin_pack(builtin_rules_dir() / "packs" / "project-facts.yaml")
    by_kind: dict[str, list[Any]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
    return {kind: tuple(items) for kind, items in by_kind.items()}


_ROOTS: dict[int, tuple[Any, frozenset[str] | None]] = {}


def matcher_roots(matcher: Any) -> frozenset[str] | None:
    """The top-level modules a call matcher's patterns start with (None: any module)."""
    cached = _ROOTS.get(id(matcher))
    if cached is not None and cached[0] is matcher:
        return cached[1]
    found = _matcher_roots(matcher)
    _ROOTS[id(matcher)] = (matcher, found)
    return found


def _matcher_roots(matcher: Any) -> frozenset[str] | None:
    roots: set[str] = set()
    for pattern in matcher.calls:
        first = pattern.text.split(".", 1)[0]
        if "*" in first or "(" in first:
            return None
        if first.startswith("{") and first.endswith("}"):
            roots.update(option.strip() for option in first[1:-1].split(","))
        elif "{" in first:
            return None
        else:
            roots.add(first)
    return frozenset(roots) if roots else None


# ============================================================================================
# Sites: one fact (from this file's calls, or from the project index) with derived values
# ============================================================================================


@dataclass(slots=True, eq=False)
class Site:
    kind: str
    caps: dict[str, str]
    path: str
    line: int
    label: str = ""
    call: CallFact | None = None
    span: Span | None = None
    store: str = ""
    name: str = ""
    dimension: int | None = None
    op: str = ""
    model: str | None = None
    implicit: bool = False
    knob: str | None = None
    knob_value: Any = None  # int, "?" (given, unknown) or None (not given)
    role: str | None = None
    unit: str = ""
    object_site: Site | None = None  # embedding-use: the object it calls; config index: its embedding
    sql: bool = False  # an operation read from SQL text (`INSERT INTO docs ...`)
    dim_note: str = ""  # where the dimension comes from, when not from a literal here
    identity: tuple[str, Any] | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def is_object(self) -> bool:
        return self.caps.get("object") == "yes"

    @property
    def named(self) -> bool:
        return self.identity is not None and isinstance(self.identity[1], str)


def _tokens(spec: str | None) -> list[str]:
    return spec.split() if spec else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class CaptureValues:
    """Argument values as the project index has them: literal captures only."""

    def __init__(self, caps: dict[str, str]) -> None:
        self.caps = caps

    def get(self, token: str) -> Any:
        if "." in token:
            return UNKNOWN  # nested values are only followed in the file itself
        return self.caps.get(f"arg.{token}", MISSING)


class CallValues:
    """Argument values read from the call itself: absent vs unknown is exact, dotted names
    are read from dict literals or from the call that built the argument."""

    def __init__(self, call: CallFact, facts: FileFacts) -> None:
        self.call = call
        self.facts = facts

    def arg(self, token: str) -> ArgFact | None:
        if token in self.call.kwargs:
            return self.call.kwargs[token]
        if token.isdigit() and int(token) < len(self.call.args):
            return self.call.args[int(token)]
        return None

    def get(self, token: str) -> Any:
        first, *rest = token.split(".")
        arg = self.arg(first)
        if arg is None:
            return UNKNOWN if self.call.star_kwargs or self.call.star_args else MISSING
        return dig(arg, rest, self.facts)


def dig(arg: ArgFact, keys: list[str], facts: FileFacts, depth: int = 0) -> Any:
    value = arg.value
    for position, key in enumerate(keys):
        if isinstance(value, dict):
            value = value.get(key, MISSING)
            if value is MISSING:
                return MISSING
            continue
        if value is UNKNOWN and arg.origin is not None and depth < MAX_TRACE_DEPTH and position == 0:
            producer = facts.calls[arg.origin] if arg.origin < len(facts.calls) else None
            if producer is None or key not in producer.kwargs:
                return MISSING if producer is not None and not producer.star_kwargs else UNKNOWN
            return dig(producer.kwargs[key], keys[1:], facts, depth + 1)
        return UNKNOWN
    return value


def _first(values: Any, spec: str | None, kind: type | tuple[type, ...]) -> Any:
    for token in _tokens(spec):
        value = values.get(token)
        if kind is int:
            number = _int(value)
            if number is not None:
                return number
        elif isinstance(value, kind) and value != "":
            return value
    return None


def derive(site: Site, values: Any) -> Site:
    """Fill a site's fields from its captures and argument values."""
    caps = site.caps
    table = embedding_models()
    if site.kind in (INDEX, OP):
        site.store = caps.get("store", "")
        name = _first(values, caps.get("name-args"), str)
        site.name = (name.lower() if site.store == "pgvector" else name) if name else ""
        site.dimension = _first(values, caps.get("dimension-args"), int)
        site.op = caps.get("op", "open" if site.kind == OP else "")
    elif site.kind == EMBEDDING:
        site.model = _first(values, caps.get("model-args"), str)
        if site.model is None and caps.get("default-model"):
            site.model, site.implicit = caps["default-model"], True
        site.knob = caps.get("dimensions-arg")
        if site.knob:
            number = _int(values.get(site.knob))
            site.knob_value = number if number is not None else "?"
        site.role = caps.get("role") or None
        if site.role is None:
            for token in _tokens(caps.get("role-args")):
                value = values.get(token)
                role = table.role_of(value) if isinstance(value, str) else None
                if role:
                    site.role = role
                    break
    elif site.kind == USE:
        site.role = caps.get("role") or None
    elif site.kind == SPLITTER:
        site.unit = caps.get("unit", "characters")
    return site


def model_entry(site: Site) -> EmbeddingModel | None:
    return embedding_models().lookup(site.model)


def output_dimension(site: Site) -> tuple[int | None, str | None]:
    """(the dimension this embedding produces, or None; a problem with its size argument)."""
    entry = model_entry(site)
    if entry is None:
        return None, None
    if site.knob_value is None:
        return entry.dimension, None
    if site.knob_value == "?":
        return None, None
    size = int(site.knob_value)
    if site.caps.get("shorten") == "truncate":
        if 1 <= size <= entry.dimension:
            return size, None
        return None, f"{site.knob}={size} is larger than {entry.id}'s {entry.dimension} dimensions"
    if entry.accepts(size):
        return size, None
    if not entry.can_shorten:
        return (
            None,
            f"{entry.id} does not take {site.knob}= (its output is fixed at {entry.dimension} dimensions)",
        )
    return None, f"{entry.id} cannot produce {site.knob}={size} (allowed: {entry.allowed_text()})"


def model_key(site: Site) -> tuple[str, int | None]:
    entry = model_entry(site)
    name = entry.id if entry else (site.model or "").lower()
    dimension, _ = output_dimension(site)
    return name, dimension


def _one_space(first: str, second: str) -> bool:
    """Two models whose table entries share an embedding space (rules/embedding-models.yaml)."""
    a, b = embedding_models().lookup(first), embedding_models().lookup(second)
    return a is not None and b is not None and a.shares_space_with(b)


def model_text(site: Site) -> str:
    entry = model_entry(site)
    name = entry.id if entry else site.model or "?"
    if site.implicit:
        name += " (the library's default)"
    return name


# ============================================================================================
# Links: which embedding feeds (documents) or queries which index
# ============================================================================================


@dataclass(slots=True)
class Link:
    embedding: Site  # the embedding call or object (the model is set there)
    at: Site  # where the embedding happens (a call, or a method of the object)
    identity: tuple[str, Any]
    role: str | None  # document, query, or None (both / unknown)

    def summary(self) -> dict[str, Any]:
        dimension, _ = output_dimension(self.embedding)
        return {
            "model": self.embedding.model,
            "model_text": model_text(self.embedding),
            "key": list(model_key(self.embedding)),
            "dim": dimension,
            "where": self.embedding.where,
            "at": self.at.where,
            "role": self.role,
            "id": identity_json(self.identity),
        }


_OP_ROLE = {"write": "document", "read": "query"}


def identity_json(identity: tuple[str, Any]) -> list[str]:
    """A named index is (store, name); an unnamed one (a FAISS variable) is ("~store", "#n")."""
    if isinstance(identity[1], str):
        return [identity[0], identity[1]]
    return [identity[0] if identity[0].startswith("~") else f"~{identity[0]}", f"#{identity[1]}"]


def is_named(identity: list[str] | tuple[str, ...]) -> bool:
    return not identity[0].startswith("~")


def _uniform_role(ops: list[Site]) -> str | None:
    roles = {_OP_ROLE.get(op.op) for op in ops if op.op in ("write", "read", "store")}
    return roles.pop() if len(roles) == 1 else None


def _span_inside(inner: Span, outer: Span) -> bool:
    return (inner.start_line, inner.start_col) >= (outer.start_line, outer.start_col) and (
        inner.end_line,
        inner.end_col,
    ) <= (outer.end_line, outer.end_col)
