"""RF301-RF304: RAG set-up bugs, within one file and across the project.

The surfaces (which call creates an index, embeds, splits, reranks) are the facts in
rules/packs/project-facts.yaml; model dimensions and limits are rules/embedding-models.yaml.
This module only links them:

- per file (`run`), with the file's data flow: an index site, the operations on it
  (`index.upsert(...)`, `client.query_points(collection_name=...)`), the embedding calls
  whose results reach those operations (argument origins, calls nested in the arguments),
  else the embedding calls in the same function, else in the same file when the file
  touches one index only;
- across files (`resolve`), with the project index: another file that touches the same
  index (by store and name) and no other contributes its embedding models.

An embedding is linked to an index only on that evidence, so a FAISS index of image vectors
in a project that embeds text elsewhere is never compared with the text model.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, ArgFact, CallFact, FileFacts
from ragfirst.analyzers.sql_analyzer import unquote, vector_columns
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.checks.splitter_use import SplitterUses
from ragfirst.data.embedding_models import EmbeddingModel, embedding_models
from ragfirst.engine.matching import match_calls, render_template
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


class FileModel:
    """The RAG sites of one analysed file, linked with its data flow."""

    def __init__(self, context: CheckContext) -> None:
        self.path = context.path
        self.facts = context.facts
        self.source = context.source
        self.sites: dict[str, list[Site]] = {}
        self._collect()
        self.links: list[Link] = []
        if self.sites.get(INDEX) or self.sites.get(OP):
            self._bind()
            self._link()
            for site in self.of(INDEX):  # a config file's embedding section feeds its store
                if site.object_site is not None and site.identity is not None:
                    self.links.append(Link(site.object_site, site.object_site, site.identity, None))

    # -- collecting ---------------------------------------------------------------------

    def of(self, kind: str) -> list[Site]:
        return self.sites.get(kind, [])

    def _add(self, site: Site) -> None:
        self.sites.setdefault(site.kind, []).append(site)

    def _collect(self) -> None:
        definitions = fact_definitions()
        seen: set[tuple[str, int]] = set()
        roots = {call.qualname.split(".", 1)[0] for call in self.facts.calls if call.qualname}
        for kind in (INDEX, OP, EMBEDDING, USE, SPLITTER, RETRIEVAL, RERANKER, HYBRID):
            for fact in definitions.get(kind, ()):
                for matcher in fact.matchers.get(self.facts.language, ()):
                    needed = matcher_roots(matcher)
                    if needed is not None and not needed & roots:
                        continue  # no call from any module this matcher names
                    for span, caps, call in match_calls(matcher, self.facts):
                        if call is None or (kind, call.index) in seen:
                            continue
                        seen.add((kind, call.index))
                        site = Site(
                            kind,
                            caps,
                            self.path,
                            span.start_line,
                            render_template(fact.label, caps),
                            call,
                            span,
                        )
                        self._add(derive(site, CallValues(call, self.facts)))
        if self.facts.language == "python":
            self._sql_strings(seen)
            self._lancedb_models()
        if self.facts.language == "config":
            for site in config_sites(self.path, self.facts):
                self._add(site)
        for site in self.of(INDEX):
            self._enrich_index(site)
        objects = {site.call.index: site for site in self.of(EMBEDDING) if site.is_object and site.call}
        for use in self.of(USE):
            use.object_site = self._object_argument(use, objects) or self._receiver(use, objects)
            if use.object_site is not None and use.caps.get("dimensions-arg") and use.call is not None:
                use.object_site = self._resized(use, use.object_site)

    def _object_argument(self, use: Site, objects: dict[int, Site]) -> Site | None:
        """The embedding object a call takes as an argument (AI SDK `embed({model})`)."""
        if use.call is None:
            return None
        for token in _tokens(use.caps.get("embedding-args")):
            arg = CallValues(use.call, self.facts).arg(token)
            if arg is None:
                continue
            if arg.origin in objects:
                return objects[arg.origin]
            inside = [s for i, s in objects.items() if _span_inside(self.facts.calls[i].full_span, arg.span)]
            return inside[0] if len(inside) == 1 else None
        return None

    def _resized(self, use: Site, embedding: Site) -> Site:
        """The object as this call uses it: a size argument on the call (AI SDK
        `providerOptions.openai.dimensions`) shortens the model's output here only."""
        assert use.call is not None
        knob = use.caps["dimensions-arg"]
        number = _int(CallValues(use.call, self.facts).get(knob))
        caps = {**embedding.caps, "dimensions-arg": knob}
        resized = Site(EMBEDDING, caps, embedding.path, embedding.line, embedding.label, embedding.call)
        resized.span, resized.model, resized.implicit = embedding.span, embedding.model, embedding.implicit
        resized.role, resized.knob = embedding.role, knob
        resized.knob_value = number if number is not None else "?"
        return resized

    def _sql_strings(self, seen: set[tuple[str, int]]) -> None:
        """pgvector through raw SQL in Python: `cur.execute("CREATE TABLE ... vector(3)")`,
        `INSERT INTO docs ...`, `... ORDER BY embedding <=> %s`."""
        for call in self.facts.calls:
            tail = call.tail.rsplit(".", 1)[-1]
            if not call.args or not isinstance(call.args[0].value, str):
                continue
            text = call.args[0].value
            if "vector" in text.lower():
                for _start, _end, _type, dimension, names in vector_columns(text):
                    if "table" in names:
                        self._add(
                            Site(
                                INDEX,
                                {"store": "pgvector"},
                                self.path,
                                call.span.start_line,
                                f"pgvector column {names['table']}.{names['column']}",
                                call,
                                call.span,
                                store="pgvector",
                                name=names["table"],
                                dimension=dimension,
                            )
                        )
            if (OP, call.index) in seen or tail not in _SQL_CALL_TAILS:
                continue
            for table, op in sql_tables(text):
                caps = {"store": "pgvector", "op": op}
                self._add(
                    Site(
                        OP,
                        caps,
                        self.path,
                        call.span.start_line,
                        "SQL",
                        call,
                        call.span,
                        "pgvector",
                        table,
                        op=op,
                        sql=True,
                    )
                )
        # The YAML-matched SQL ops carry `op: sql`: turn them into one site per table.
        expanded = []
        for site in self.of(OP):
            if site.op != "sql":
                expanded.append(site)
                continue
            text = CallValues(site.call, self.facts).get("0") if site.call else MISSING
            for table, op in sql_tables(text if isinstance(text, str) else ""):
                expanded.append(
                    Site(
                        OP,
                        site.caps,
                        self.path,
                        site.line,
                        site.label,
                        site.call,
                        site.span,
                        "pgvector",
                        table,
                        op=op,
                        sql=True,
                    )
                )
        self.sites[OP] = expanded

    def _lancedb_models(self) -> None:
        """LanceDB `vector: Vector(1536)` fields are annotations (no call fact): read them
        from the source when the file imports lancedb."""
        if not any(fact.module.split(".")[0] == "lancedb" for fact in self.facts.imports):
            return
        for number, text in enumerate(self.source.lines, start=1):
            match = _LANCE_VECTOR.match(text)
            if match:
                start = match.start("field")
                span = Span(number, start, number, match.end())
                self._add(
                    Site(
                        INDEX,
                        {"store": "lancedb"},
                        self.path,
                        number,
                        "LanceDB vector field",
                        None,
                        span,
                        store="lancedb",
                        dimension=int(match.group("dim")),
                    )
                )

    def _enrich_index(self, site: Site) -> None:
        caps = site.caps
        call = site.call
        if call is None:
            return
        if site.dimension is None and caps.get("dimension-from"):
            site.dimension = self._dimension_from(
                call, caps["dimension-from"], caps.get("dimension-key", "size")
            )
        if site.dimension is None and caps.get("dimension-in"):
            values = CallValues(call, self.facts)
            for token in _tokens(caps["dimension-in"]):
                found = mapping_dimension(values.get(token))
                if found is not None:
                    site.dimension, name = found
                    if name and not site.name:
                        site.name = name
                    break
        if caps.get("name-from") == "class" and not site.name:
            site.name = self._table_of_class(call.scope)
        if site.dimension is None and (caps.get("ef-args") or caps.get("ef-default-model")):
            self._chroma_dimension(site, call)

    def _chroma_dimension(self, site: Site, call: CallFact) -> None:
        """A Chroma collection's dimension is its embedding function's (explicit, or the
        default one when none is given)."""
        function: Site | None = None
        if site.caps.get("ef-default-model"):
            function = Site(EMBEDDING, {"default-model": site.caps["ef-default-model"]}, self.path, site.line)
            derive(function, CaptureValues(function.caps))
        else:
            objects = {s.call.index: s for s in self.of(EMBEDDING) if s.call and s.is_object}
            for token in _tokens(site.caps.get("ef-args")):
                arg = CallValues(call, self.facts).arg(token)
                if arg is None:
                    continue
                if arg.origin in objects:
                    function = objects[arg.origin]
                else:
                    inside = [
                        s for i, s in objects.items() if _span_inside(self.facts.calls[i].full_span, arg.span)
                    ]
                    function = inside[0] if len(inside) == 1 else None
        if function is None:
            return
        dimension, _ = output_dimension(function)
        if dimension is not None:
            site.dimension = dimension
            site.dim_note = f"fixed by its embedding function, {model_text(function)} at {function.where}"

    def _dimension_from(self, call: CallFact, spec: str, key: str) -> int | None:
        values = CallValues(call, self.facts)
        for token in _tokens(spec):
            arg = values.arg(token)
            if arg is None:
                continue
            sizes: set[int] = set()
            producers = [self.facts.calls[arg.origin]] if arg.origin is not None else []
            producers += [
                c for c in self.facts.calls if c.index != call.index and _span_inside(c.full_span, arg.span)
            ]
            for producer in producers:
                number = _int(producer.kwargs[key].value) if key in producer.kwargs else None
                if number is None and producer.args and key == "size":
                    number = _int(producer.args[0].value)
                if number is not None:
                    sizes.add(number)
            return sizes.pop() if len(sizes) == 1 else None
        return None

    def _table_of_class(self, scope: str) -> str:
        name = scope.rsplit(".", 1)[-1]
        if not name or name.startswith("<"):
            return ""
        lines = self.source.lines
        header = re.compile(rf"^(\s*)class\s+{re.escape(name)}\b")
        for number, text in enumerate(lines):
            found = header.match(text)
            if not found:
                continue
            indent = len(found.group(1))
            for body in lines[number + 1 :]:
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                table = re.match(r"\s*__tablename__\s*=\s*['\"]([^'\"]+)['\"]", body)
                if table:
                    return table.group(1).lower()
            break
        return name.lower()

    def _receiver(self, site: Site, candidates: dict[int, Site]) -> Site | None:
        """The site whose result this method call is made on (`index.upsert` -> `Index(...)`)."""
        call = site.call
        if call is None:
            return None
        nested = [s for i, s in candidates.items() if _span_inside(self.facts.calls[i].full_span, call.span)]
        if len(nested) == 1:
            return nested[0]
        receiver = call.receiver_qualname
        if receiver is None:
            return None
        matching = [s for s in candidates.values() if s.call and (s.call.qualname or "") + "()" == receiver]
        if len(matching) > 1:
            # Several objects of one class (`doc_embedder`, `query_embedder`): the receiver's
            # text names the variable the right one was assigned to.
            text = call.tail.rsplit(".", 1)[0]
            matching = [s for s in matching if self._assigned_name(s) == text]
        return matching[0] if len(matching) == 1 else None

    def _assigned_name(self, site: Site) -> str | None:
        """`name = Call(...)` / `self.name: T = Call(...)` on the call's line -> `name`."""
        if site.call is None:
            return None
        start = site.call.full_span
        before = self.source.line(start.start_line)[: start.start_col][-300:]
        found = _ASSIGNED.search(before)
        return found.group("name") if found else None

    # -- binding ops to index identities -------------------------------------------------

    def _bind(self) -> None:
        for site in (*self.of(INDEX), *self.of(OP)):
            if site.name:
                site.identity = (site.store, site.name)
        index_like = {
            s.call.index: s for s in (*self.of(INDEX), *self.of(OP)) if s.call and s.op in ("", "open")
        }
        for site in self.of(OP):
            if site.identity is not None or site.call is None:
                continue
            target = None
            for token in _tokens(site.caps.get("index-args")):
                arg = CallValues(site.call, self.facts).arg(token)
                if arg is None:
                    continue
                if arg.origin is not None and arg.origin in index_like:
                    target = index_like[arg.origin]
                else:
                    inside = [
                        s
                        for i, s in index_like.items()
                        if _span_inside(self.facts.calls[i].full_span, arg.span)
                    ]
                    target = inside[0] if len(inside) == 1 else None
                break
            if target is None and site.caps.get("handle") == "yes":
                same_store = {i: s for i, s in index_like.items() if s.store == site.store}
                target = self._receiver(site, same_store)
            if target is not None:
                if target.identity is None:
                    target.identity = (f"~{target.store}", target.call.index if target.call else id(target))
                site.identity = target.identity
        # Unnamed sites of a store with exactly one named index in the file take its name
        # (Milvus schema fields, a Redis VectorField, LanceDB models, handle ops).
        for site in (*self.of(INDEX), *self.of(OP)):
            if site.kind == OP and site.caps.get("handle") != "yes":
                continue  # a framework store without a name uses its own default collection
            if site.identity is None or not isinstance(site.identity[1], str):
                names = {
                    s.identity for s in (*self.of(INDEX), *self.of(OP)) if s.named and s.store == site.store
                }
                if len(names) == 1 and site.store not in ("faiss",):
                    site.identity = names.pop()
                elif site.identity is None and site.kind == INDEX:
                    site.identity = (f"~{site.store}", site.call.index if site.call else site.line)

    # -- linking embeddings to identities -------------------------------------------------

    def _link(self) -> None:
        embeddings = {s.call.index: s for s in self.of(EMBEDDING) if s.call}
        uses = {s.call.index: s for s in self.of(USE) if s.call}
        linked: set[int] = set()  # ids of `at` sites with a data-flow link

        def add(embedding: Site, at: Site, identity: tuple[str, Any], role: str | None) -> None:
            if any(link.at is at and link.identity == identity for link in self.links):
                return
            self.links.append(Link(embedding, at, identity, role))

        def found(call_index: int) -> tuple[Site, Site, str | None] | None:
            if call_index in embeddings:
                site = embeddings[call_index]
                return site, site, site.role
            if call_index in uses and uses[call_index].object_site is not None:
                use = uses[call_index]
                return use.object_site, use, use.role or use.object_site.role  # type: ignore[return-value]
            return None

        def trace(arg: ArgFact, depth: int) -> list[tuple[Site, Site, str | None]]:
            if arg.origin is None or arg.origin >= len(self.facts.calls):
                return []
            hit = found(arg.origin)
            if hit is not None:
                return [hit]
            if depth >= MAX_TRACE_DEPTH:
                return []
            producer = self.facts.calls[arg.origin]
            results = []
            for sub in (*producer.args, *producer.kwargs.values()):
                results.extend(trace(sub, depth + 1))
            return results

        targets = [
            s for s in (*self.of(OP), *self.of(INDEX)) if s.identity is not None and s.call is not None
        ]
        # SQL text names any table (`UPDATE users ...`): without a data-flow link it only
        # counts for a table this file defines as a vector column.
        vector_tables = {s.identity for s in self.of(INDEX) if s.store == "pgvector"}
        nearby = [s for s in targets if not s.sql or s.identity in vector_tables]
        for site in targets:
            assert site.call is not None and site.identity is not None
            hits: list[tuple[Site, Site, str | None]] = []
            for arg in (*site.call.args, *site.call.kwargs.values()):
                hits.extend(trace(arg, 0))
            for index in (*embeddings, *uses):
                if index != site.call.index and _span_inside(
                    self.facts.calls[index].full_span, site.call.full_span
                ):
                    hit = found(index)
                    if hit is not None:
                        hits.append(hit)
            op_role = _OP_ROLE.get(site.op)
            for embedding, at, role in hits:
                add(embedding, at, site.identity, role or (op_role if not at.is_object else None))
                linked.add(id(at))
        # Embedding events without a data-flow link: the function, then the file.
        events: list[Site] = [s for s in self.of(EMBEDDING) if not s.is_object]
        events += [u for u in self.of(USE) if u.object_site is not None]
        # (by call: a use that resizes the object holds a resized copy of it)
        used_objects = {
            u.object_site.call.index for u in self.of(USE) if u.object_site and u.object_site.call
        }
        events += [
            s for s in self.of(EMBEDDING) if s.is_object and s.call and s.call.index not in used_objects
        ]
        linked_objects = {id(link.embedding) for link in self.links if link.embedding.is_object}
        for event in events:
            if id(event) in linked or (event.is_object and id(event) in linked_objects) or event.call is None:
                continue
            embedding = event.object_site if event.kind == USE and event.object_site else event
            scope_sites = [s for s in nearby if s.call and s.call.scope == event.call.scope]
            identities = {s.identity for s in scope_sites}
            if len(identities) == 1:
                identity = identities.pop()
                role = event.role or embedding.role or _uniform_role([s for s in scope_sites if s.kind == OP])
                add(embedding, event, identity, role)  # type: ignore[arg-type]
                continue
            if identities:
                continue  # the function touches several indexes: no guess
            named = {s.identity for s in nearby if s.named}
            if len(named) == 1:
                identity = named.pop()
                ops = [s for s in self.of(OP) if s.identity == identity]
                add(embedding, event, identity, event.role or embedding.role or _uniform_role(ops))  # type: ignore[arg-type]

    def links_for(self, identity: tuple[str, Any] | None) -> list[Link]:
        return [link for link in self.links if identity is not None and link.identity == identity]


def sql_tables(text: str) -> list[tuple[str, str]]:
    """(table, write|read) named by one SQL statement that writes or searches vectors."""
    found: list[tuple[str, str]] = []
    for match in _SQL_WRITE.finditer(text):
        if match.group("table").lower() not in _SQL_NOT_TABLES:
            found.append((unquote(match.group("table")), "write"))
    if _SQL_DISTANCE.search(text):
        for match in _SQL_FROM.finditer(text):
            found.append((unquote(match.group("table")), "read"))
    unique: list[tuple[str, str]] = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def mapping_dimension(value: Any, depth: int = 0) -> tuple[int, str | None] | None:
    """The dimension of the vector field in an index mapping/schema literal:
    Elasticsearch `{"type": "dense_vector", "dims": N}`, OpenSearch `{"type": "knn_vector",
    "dimension": N}`, Redis `{"DIM": N}`, redisvl `{"index": {"name": ...}, "fields":
    [{"type": "vector", "attrs": {"dims": N}}]}` (with the index name)."""
    if depth > 8:
        return None
    if isinstance(value, dict):
        kind = str(value.get("type", "")).lower()
        if kind in ("dense_vector", "knn_vector"):
            number = _int(value.get("dims", value.get("dimension")))
            return (number, None) if number is not None else None
        if kind == "vector" and isinstance(value.get("attrs"), dict):
            number = _int(value["attrs"].get("dims"))
            return (number, None) if number is not None else None
        for key in ("DIM", "dim"):
            if key in value and _int(value[key]) is not None:
                return _int(value[key]), None  # type: ignore[return-value]
        name = None
        if isinstance(value.get("index"), dict) and isinstance(value["index"].get("name"), str):
            name = value["index"]["name"]
        for item in value.values():
            found = mapping_dimension(item, depth + 1)
            if found is not None:
                return found[0], found[1] or name
        return None
    if isinstance(value, (list, tuple)):
        for item in value:
            found = mapping_dimension(item, depth + 1)
            if found is not None:
                return found
    return None


# ============================================================================================
# Config files: index bodies, schemas and application configs (rules/rag-configs.yaml)
# ============================================================================================


@lru_cache(maxsize=1)
def config_shapes() -> dict[str, Any]:
    import yaml

    with (builtin_rules_dir() / "rag-configs.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def config_trigger() -> tuple[tuple[str, ...], ...]:
    """A config file needs a vector-ish word and a size word for any shape to be there."""
    app = config_shapes()["app"]
    vectors = ("dense_vector", "knn_vector", "vectors", *app["store-sections"], *app["stores"])
    sizes = (*app["size-keys"], *app["store-size-keys"])
    return (tuple(dict.fromkeys(vectors)), tuple(dict.fromkeys(sizes)))


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def config_sites(path: str, facts: FileFacts) -> list[Site]:
    """Index definitions and embedding + store pairs in one YAML/JSON file."""
    sites: list[Site] = []
    documents: dict[int, dict[tuple[Any, ...], Any]] = {}
    for entry in facts.entries:
        documents.setdefault(entry.document, {})[entry.path] = entry
    for entries in documents.values():
        found = _index_bodies(path, entries)
        sites.extend(found if found else _app_config(path, entries))
    return sites


def _index_site(path: str, entry: Any, store: str, name: str, dimension: int, label: str) -> Site:
    line = entry.span.start_line
    return Site(
        INDEX,
        {"store": store},
        path,
        line,
        label,
        None,
        entry.span,
        store=store,
        name=name,
        dimension=dimension,
    )


def _index_bodies(path: str, entries: dict[tuple[Any, ...], Any]) -> list[Site]:
    shapes = config_shapes()
    root = {key[0]: entry.value for key, entry in entries.items() if len(key) == 1}
    sites = []
    for key, entry in entries.items():
        value = entry.value
        if not isinstance(value, dict) or len(key) < 3:
            continue
        # Elasticsearch / OpenSearch: ... mappings ... properties.<field>
        if key[-2] == "properties" and "mappings" in key:
            kind = str(value.get("type", "")).lower()
            number = _int(value.get("dims" if kind == "dense_vector" else "dimension"))
            if kind in ("dense_vector", "knn_vector") and number is not None:
                store = "elasticsearch" if kind == "dense_vector" else "opensearch"
                size_key = (*key, "dims" if kind == "dense_vector" else "dimension")
                at = entries.get(size_key, entry)
                label = f"{store} mapping field {key[-1]}"
                sites.append(_index_site(path, at, store, _stem(path), number, label))
    index = root.get("index")
    if (
        isinstance(index, dict)
        and isinstance(index.get("name"), str)
        and isinstance(root.get("fields"), list)
    ):
        for position, field in enumerate(root["fields"]):
            if (
                isinstance(field, dict)
                and field.get("type") == "vector"
                and isinstance(field.get("attrs"), dict)
            ):
                number = _int(field["attrs"].get("dims"))
                at = entries.get(("fields", position, "attrs", "dims"))
                if number is not None and at is not None:
                    label = f"redisvl schema field {field.get('name', '?')}"
                    sites.append(_index_site(path, at, "redis", index["name"], number, label))
    distances = set(shapes["qdrant-distances"])
    for key, entry in entries.items():
        if not key or key[-1] != "vectors" or not isinstance(entry.value, dict):
            continue
        named = [((), entry.value)] + [((k,), v) for k, v in entry.value.items() if isinstance(v, dict)]
        for sub, params in named:
            number = _int(params.get("size"))
            if number is None or params.get("distance") not in distances:
                continue
            at = entries.get((*key, *sub, "size"), entry)
            given = root.get("collection_name") or root.get("name")
            name = given if isinstance(given, str) else _stem(path)
            sites.append(_index_site(path, at, "qdrant", name, number, "Qdrant collection config"))
    return sites


def _section(value: Any) -> dict[str, Any]:
    """A section's settings, or those of its `config` child (mem0: `embedder.config.model`)."""
    if not isinstance(value, dict):
        return {}
    inner = value.get("config")
    return {**value, **inner} if isinstance(inner, dict) else value


def _app_config(path: str, entries: dict[tuple[Any, ...], Any]) -> list[Site]:
    app = config_shapes()["app"]
    table = embedding_models()
    embeddings: list[Site] = []
    stores: list[tuple[tuple[Any, ...], Site]] = []
    for key, entry in entries.items():
        if len(key) > 3 or not isinstance(key[-1], str):
            continue
        section = key[-1].lower()
        if section in app["embedding-sections"]:
            settings = _section(entry.value)
            model, at = (entry.value, entry) if isinstance(entry.value, str) else (None, entry)
            for name in app["model-keys"]:
                if model is None and isinstance(settings.get(name), str):
                    model = settings[name]
                    at = entries.get((*key, name)) or entries.get((*key, "config", name)) or entry
            if model is None or table.lookup(model) is None:
                continue
            site = Site(
                EMBEDDING, {"provider": "config"}, path, at.span.start_line, f"embedding model {model}"
            )
            site.span, site.model = at.span, model
            for name in app["size-keys"]:
                if name in settings:
                    number = _int(settings[name])
                    site.knob, site.knob_value = name, number if number is not None else "?"
                    break
            embeddings.append(site)
        elif section in app["store-sections"] and isinstance(entry.value, dict):
            settings = _section(entry.value)
            size_name = next((name for name in app["store-size-keys"] if name in settings), None)
            number = _int(settings.get(size_name)) if size_name else None
            if number is None:
                continue
            provider = next(
                (
                    str(settings[k]).lower()
                    for k in app["store-provider-keys"]
                    if isinstance(settings.get(k), str)
                ),
                "",
            )
            store = app["stores"].get(provider) or app["stores"].get(section) or "vector-store"
            name = next((settings[k] for k in app["store-name-keys"] if isinstance(settings.get(k), str)), "")
            at = entries.get((*key, size_name)) or entries.get((*key, "config", size_name)) or entry
            stores.append((key, _index_site(path, at, store, name, number, f"{key[-1]} {size_name}")))
    models = {model_key(site) for site in embeddings}
    if len(models) != 1 or not stores:
        return []
    embedding = embeddings[0]
    sites: list[Site] = [embedding]
    for key, store in stores:
        if any(isinstance(part, str) and part.lower() in app["embedding-sections"] for part in key[:-1]):
            continue
        store.object_site = embedding
        sites.append(store)
    return sites


# ============================================================================================
# The project side: other files' sites, from the project index
# ============================================================================================


def _file_links(by_kind: dict[str, list[Site]], known_tables: set[str]) -> list[Link]:
    """Another file's links, at file granularity: when the file touches exactly one named
    index, its embeddings feed that index."""
    identities: set[tuple[str, Any]] = set()
    ops: list[Site] = []
    for site in (*by_kind.get(INDEX, []), *by_kind.get(OP, [])):
        if site.op == "sql":
            text = site.caps.get("arg.0", "")
            for table, op in sql_tables(text):
                if table in known_tables:
                    clone = Site(
                        OP,
                        site.caps,
                        site.path,
                        site.line,
                        site.label,
                        store="pgvector",
                        name=table,
                        op=op,
                        sql=True,
                    )
                    clone.identity = ("pgvector", table)
                    ops.append(clone)
                    identities.add(clone.identity)
            continue
        if site.name:
            site.identity = (site.store, site.name)
            identities.add(site.identity)
            if site.kind == OP:
                ops.append(site)
    for site in by_kind.get(OP, []):  # handle ops: the file's one index of that store
        if not site.name and site.op != "sql":
            same = {i for i in identities if i[0] == site.store}
            if len(same) == 1:
                site.identity = next(iter(same))
                ops.append(site)
    if len(identities) != 1:
        return []
    identity = next(iter(identities))
    file_role = _uniform_role(ops)
    links = []
    uses = by_kind.get(USE, [])
    resizing_uses = any(use.caps.get("dimensions-arg") for use in uses)
    for embedding in by_kind.get(EMBEDDING, []):
        if resizing_uses and embedding.is_object:
            # A call in that file may shorten the object's output (AI SDK providerOptions):
            # which object it uses is only known in that file, so its size is unknown here.
            embedding.knob, embedding.knob_value = embedding.knob or "dimensions", "?"
        role = embedding.role
        if role is None and embedding.is_object:
            prefix = embedding.caps.get("call", "") + "()."
            roles = {u.role for u in uses if u.caps.get("call", "").startswith(prefix)}
            role = roles.pop() if len(roles) == 1 else None
        links.append(Link(embedding, embedding, identity, role or file_role))
    return links


def _referenced_paths(source: str, reference: str) -> set[str]:
    """Where a path literal in `source` may point, spelled as project paths are: relative
    to the code file, or to the project root."""
    if reference.startswith("/"):
        return {posixpath.normpath(reference)}
    beside = posixpath.normpath(posixpath.join(posixpath.dirname(source), reference))
    return {beside, posixpath.normpath(reference)}


def cross_file_links(context: ProjectContext, path: str, identity: tuple[str, ...]) -> list[dict[str, Any]]:
    """Other files' links to the named index `identity`: a lookup in the project's link
    index, built once per project index (rag_project.py; issue 26)."""
    from ragfirst.checks.rag_project import project_links  # it imports this module

    links = project_links(context)
    return [] if links is None else links.links(path, identity)


# ============================================================================================
# The check
# ============================================================================================


def _option(rule: Any, context: ProjectContext, name: str, fallback: Any) -> Any:
    option = rule.options.get(name)
    return context.settings.option(rule.id, name, option.default if option else fallback)


def _index_text(summary: dict[str, Any]) -> str:
    kind = {
        "pinecone": "Pinecone index",
        "qdrant": "Qdrant collection",
        "milvus": "Milvus collection",
        "pgvector": "pgvector table",
        "langchain-pgvector": "PGVector collection",
        "faiss": "FAISS index",
        "elasticsearch": "Elasticsearch index",
        "opensearch": "OpenSearch index",
        "redis": "Redis index",
        "lancedb": "LanceDB table",
        "chroma": "Chroma collection",
        "weaviate": "Weaviate collection",
    }.get(summary["store"], f"{summary['store']} index")
    return f"{kind} '{summary['name']}'" if summary.get("name") else kind


class RagCheck:
    name = "rag"

    def __init__(self) -> None:
        self._cached: tuple[FileFacts, str, FileModel] | None = None

    def validate(self, params: dict[str, Any]) -> str | None:
        if params.get("report") not in REPORTS:
            return f"report must be one of {', '.join(REPORTS)}"
        unknown = set(params) - {"report"}
        if unknown:
            return f"unknown params {sorted(unknown)}; the surfaces live in rules/packs/project-facts.yaml"
        return None

    def triggers(self, params: dict[str, Any]) -> dict[str, set[Any]]:
        """By fact language: a Python file is parsed for the Python surfaces only."""
        words: dict[str, set[Any]] = {}
        for kind in KINDS_FOR.get(params.get("report", ""), ()):
            for fact in fact_definitions().get(kind, ()):
                for language, matchers in fact.matchers.items():
                    for matcher in matchers:
                        for pattern in matcher.calls:
                            words.setdefault(language, set()).add(pattern.triggers)
        if params.get("report") in ("dimension", "model"):
            words.setdefault("config", set()).add(config_trigger())
        return words

    def model(self, context: CheckContext) -> FileModel:
        cached = self._cached
        if cached is not None and cached[0] is context.facts and cached[1] == context.path:
            return cached[2]
        built = FileModel(context)
        self._cached = (context.facts, context.path, built)
        return built

    # -- per file -------------------------------------------------------------------------

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        if context.facts.language not in ("python", "sql", "javascript", "config"):
            return []
        model = self.model(context)
        report = params["report"]
        if report == "dimension":
            return self._dimension_matches(model)
        if report == "model":
            return self._model_matches(model)
        if report == "chunking":
            return self._chunking_matches(model)
        return self._reranking_matches(model)

    def _dimension_matches(self, model: FileModel) -> list[CheckMatch]:
        matches = []
        for site in model.of(EMBEDDING):
            _, problem = output_dimension(site)
            if problem and site.span is not None:
                detail = (
                    f"{problem}: the request is rejected, or the vectors do not have the size you expect."
                    f" Ask for a size the model supports, and create the index with the same size."
                )
                matches.append(
                    CheckMatch(site.span, {"_knob": "1", "detail": detail, "model": site.model or ""})
                )
        ef_ops = {s.identity for s in model.of(OP) if s.caps.get("uses-ef") == "yes"}
        for site in model.of(INDEX):
            if site.dimension is None or site.span is None or site.identity is None:
                continue
            if site.caps.get("ef-ops") == "yes" and site.identity not in ef_ops:
                continue  # the embedding function never embeds here: explicit vectors fix the size
            summary = {
                "note": site.dim_note,
                "store": site.store,
                "name": site.identity[1] if isinstance(site.identity[1], str) else "",
                "dim": site.dimension,
                "where": site.where,
                "id": identity_json(site.identity),
            }
            links = [link.summary() for link in model.links_for(site.identity)]
            matches.append(
                CheckMatch(site.span, {"_index": json.dumps(summary), "_links": json.dumps(links)})
            )
        return matches

    def _model_matches(self, model: FileModel) -> list[CheckMatch]:
        matches = []
        by_at: dict[int, list[Link]] = {}
        for link in model.links:
            if link.role == "query" and link.embedding.model:
                by_at.setdefault(id(link.at), []).append(link)
        documents = [
            link.summary() for link in model.links if link.role == "document" and link.embedding.model
        ]
        for links in by_at.values():
            at = links[0].at
            if at.span is None:
                continue
            queries = [link.summary() for link in links]
            captures = {"_query": json.dumps(queries), "_links": json.dumps(documents)}
            matches.append(CheckMatch(at.span, captures))
        return matches

    def _chunking_matches(self, model: FileModel) -> list[CheckMatch]:
        matches = []
        uses = SplitterUses(model.source.text) if model.facts.language == "python" else None
        for site in model.of(SPLITTER):
            if site.call is None or site.span is None:
                continue
            if uses is not None and uses.only_first_chunk(site.span.start_line, site.span.start_col):
                continue  # `split_text(x)[0]`: trims text to a length, chunks nothing for retrieval
            values = CallValues(site.call, model.facts)
            size = self._setting(values, site, "size")
            overlap = self._setting(values, site, "overlap")
            problems = []
            size_name, overlap_name = self._setting_name(site, "size"), self._setting_name(site, "overlap")
            if overlap == 0:
                problems.append(
                    f"{overlap_name}=0: a sentence cut at a chunk boundary matches no question about it"
                )
            if size is not None and overlap is not None and size > 0 and overlap >= size:
                problems.append(
                    f"{overlap_name}={overlap} is not smaller than {size_name}={size}: every chunk repeats the last"
                )
            data = {
                "cls": site.label,
                "size_name": size_name,
                "unit": site.unit,
                "size": size,
                "overlap": overlap,
                "problems": problems,
            }
            matches.append(CheckMatch(site.span, {"_split": json.dumps(data)}))
        return matches

    @staticmethod
    def _setting_name(site: Site, which: str) -> str:
        """How the code spells a splitter setting: `chunk_overlap`, or JS `chunkOverlap`."""
        tokens = _tokens(site.caps.get(f"{which}-args"))
        if tokens and "." not in tokens[0] and tokens[0] != tokens[0].lower():
            return tokens[0]
        return f"chunk_{which}"

    @staticmethod
    def _setting(values: CallValues, site: Site, which: str) -> int | None:
        found = None
        for token in _tokens(site.caps.get(f"{which}-args")):
            value = values.get(token)
            if value is MISSING:
                continue
            return _int(value) if value is not UNKNOWN else None
        if not site.call or site.call.star_kwargs:
            return None
        found = _int(site.caps.get(f"default-{which}"))
        return found

    def _reranking_matches(self, model: FileModel) -> list[CheckMatch]:
        sites = sorted(
            (s for s in model.of(RETRIEVAL) if s.span is not None and not s.caps.get("reranks")),
            key=lambda s: s.line,
        )  # a hosted store that ranks its own results (`reranks: hosted`) needs no reranker
        if not sites:
            return []
        first = sites[0]
        assert first.span is not None
        return [CheckMatch(first.span, {"_line": str(first.line), "label": first.label})]

    # -- project phase --------------------------------------------------------------------

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        report = rule.check.params["report"]
        if report == "dimension":
            return self._resolve_dimension(captures, path, context)
        if report == "model":
            return self._resolve_model(captures, path, context)
        if report == "chunking":
            return self._resolve_chunking(rule, captures, context)
        return self._resolve_reranking(captures, path, context)

    def _resolve_dimension(
        self, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        if captures.get("_knob"):
            return Resolution(dict(captures))
        index = json.loads(captures["_index"])
        links = json.loads(captures.get("_links", "[]"))
        identity = tuple(index["id"])
        if is_named(identity):
            links += cross_file_links(context, path, identity)
        wrong = [link for link in links if link["dim"] is not None and link["dim"] != index["dim"]]
        if not wrong:
            return None
        wrong.sort(key=lambda link: (link["where"] != link["at"], link["where"]))
        first = wrong[0]
        others = {(link["model"], link["dim"]) for link in wrong[1:]} - {(first["model"], first["dim"])}
        more = f" (and {len(others)} other model{'s' if len(others) > 1 else ''})" if others else ""
        used = f", used at {first['at']}" if first["at"] != first["where"] else ""
        verb = {"document": "filled", "query": "queried"}.get(first["role"], "filled or queried")
        detail = (
            f"{_index_text(index)} has dimension {index['dim']}"
            f" ({index.get('note') or 'set at ' + index['where']}), but it is {verb}"
            f" with {first['model_text']}, which returns {first['dim']}-dimensional vectors"
            f" (model set at {first['where']}{used}){more}. Writes and queries will fail, or search"
            f" will compare vectors of different models."
        )
        values = {
            **{k: v for k, v in captures.items() if not k.startswith("_")},
            "detail": detail,
            "index": index["name"] or _index_text(index),
            "index_dim": str(index["dim"]),
            "index_where": index["where"],
            "model": first["model_text"],
            "model_dim": str(first["dim"]),
            "model_where": first["where"],
        }
        return Resolution(values, None, {"rag": {"index": index, "embedding": first}})

    def _resolve_model(
        self, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        queries = json.loads(captures["_query"])
        documents = json.loads(captures.get("_links", "[]"))
        for query in queries:
            identity = tuple(query["id"])
            candidates = [d for d in documents if tuple(d["id"]) == identity]
            if is_named(identity):
                candidates += [
                    d for d in cross_file_links(context, path, identity) if d["role"] == "document"
                ]
            for document in candidates:
                if not document.get("model"):
                    continue
                q_name, q_dim = query["key"]
                d_name, d_dim = document["key"]
                if q_name == d_name and (q_dim is None or d_dim is None or q_dim == d_dim):
                    continue
                if _one_space(q_name, d_name) and (q_dim is None or d_dim is None or q_dim == d_dim):
                    continue  # a compatible family (Voyage 4): documents and queries compare
                index = _index_text(
                    {"store": identity[0].lstrip("~"), "name": identity[1] if is_named(identity) else ""}
                )
                sizes = f" ({q_dim} vs {d_dim} dimensions)" if q_dim and d_dim and q_dim != d_dim else ""
                q_text = query["model_text"] + (f" at {query['dim']} dimensions" if q_name == d_name else "")
                d_text = document["model_text"] + (
                    f" at {document['dim']} dimensions" if q_name == d_name else ""
                )
                set_at = f" (model set at {query['where']})" if query["where"] != query["at"] else ""
                detail = (
                    f"Queries to {index} are embedded with {q_text} here{set_at},"
                    f" but its documents are embedded with {d_text} at {document['at']}{sizes}."
                    f" Vectors from different models are not comparable: retrieval returns unrelated passages."
                )
                values = {
                    "detail": detail,
                    "query_model": query["model_text"],
                    "document_model": document["model_text"],
                    "document_where": document["at"],
                }
                return Resolution(values, None, {"rag": {"query": query, "document": document}})
        return None

    def _resolve_chunking(
        self, rule: Any, captures: dict[str, str], context: ProjectContext
    ) -> Resolution | None:
        data = json.loads(captures["_split"])
        problems = list(data["problems"])
        size = data["size"]
        if size:
            limit = self._project_limit(context)
            if limit is not None:
                entry, where = limit
                per_token = max(int(_option(rule, context, "chars-per-token", CHARS_PER_TOKEN)), 1)
                tokens = size if data["unit"] == "tokens" else size // per_token
                if entry.max_input_tokens is not None and tokens > entry.max_input_tokens:
                    unit = (
                        f"{size:,} tokens"
                        if data["unit"] == "tokens"
                        else f"{size:,} characters (≈{tokens:,} tokens at {per_token} characters per token)"
                    )
                    problems.append(
                        f"{data.get('size_name', 'chunk_size')}={unit} is above the {entry.max_input_tokens:,}-token input limit of"
                        f" {entry.id} (embedding at {where}): the end of every chunk is cut off before embedding"
                    )
        if not problems:
            return None
        detail = f"{data['cls']}: " + "; ".join(problems) + "."
        return Resolution({"detail": detail, "splitter": data["cls"]}, None, {"rag": data})

    @staticmethod
    def _project_limit(context: ProjectContext) -> tuple[EmbeddingModel, str] | None:
        """The embedding model with the largest input limit, when every embedding model in
        the project is known (a chunk above it is above all of them)."""
        from ragfirst.checks.rag_project import embedding_sites  # it imports this module

        best: tuple[EmbeddingModel, str] | None = None
        seen = False
        for site in embedding_sites(context):
            seen = True
            entry = model_entry(site)
            if entry is None or entry.max_input_tokens is None:
                return None
            if best is None or entry.max_input_tokens > (best[0].max_input_tokens or 0):
                best = (entry, site.where)
        return best if seen else None

    def _resolve_reranking(
        self, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        project = context.project
        if project is None:
            return None
        if project.sites(RERANKER) or project.sites(HYBRID):
            return None
        from ragfirst.checks.rag_project import unranked_retrieval  # it imports this module

        sites = unranked_retrieval(context)
        if not sites:
            return None
        first = sites[0]
        if first.path != path or str(first.line) != captures.get("_line"):
            return None
        more = (
            f" and {len(sites) - 1} more retrieval site{'s' if len(sites) > 2 else ''}"
            if len(sites) > 1
            else ""
        )
        detail = (
            f"Retrieval is set up here ({first.label}{more}), but nothing in this project reranks the"
            f" results or combines vector search with keyword (BM25/sparse) search. Try both before"
            f" concluding that retrieval is not good enough."
        )
        return Resolution({"detail": detail, "label": first.label, "count": str(len(sites))})
