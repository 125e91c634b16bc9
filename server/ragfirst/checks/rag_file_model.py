"""The RAG sites of one analysed file, linked with the file's data flow (see `rag`)."""

from __future__ import annotations

import re
from typing import Any

from ragfirst.analyzers.facts import ArgFact, CallFact
from ragfirst.analyzers.sql_analyzer import vector_columns
from ragfirst.checks.base import CheckContext
from ragfirst.checks.rag_config_sites import config_sites, mapping_dimension, sql_tables
from ragfirst.checks.rag_sites import (
    _ASSIGNED,
    _LANCE_VECTOR,
    _OP_ROLE,
    _SQL_CALL_TAILS,
    EMBEDDING,
    HYBRID,
    INDEX,
    MAX_TRACE_DEPTH,
    MISSING,
    OP,
    RERANKER,
    RETRIEVAL,
    SPLITTER,
    USE,
    CallValues,
    CaptureValues,
    Link,
    Site,
    _int,
    _span_inside,
    _tokens,
    _uniform_role,
    derive,
    fact_definitions,
    matcher_roots,
    model_text,
    output_dimension,
)
from ragfirst.engine.matching import MatcherIndex, match_possible_calls, render_template
from ragfirst.model import Span

_INDEXES: dict[str, tuple[dict[str, tuple[Any, ...]], MatcherIndex]] = {}  # by language


def _matcher_index(definitions: dict[str, tuple[Any, ...]], language: str) -> MatcherIndex:
    """The fact definitions' call matchers for one language, indexed by call name (built
    once per set of definitions)."""
    known = _INDEXES.get(language)
    if known is None or known[0] is not definitions:
        matchers = [
            m for facts in definitions.values() for fact in facts for m in fact.matchers.get(language, ())
        ]
        known = _INDEXES[language] = (definitions, MatcherIndex(matchers))
    return known[1]


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
        possible = _matcher_index(definitions, self.facts.language).possible(self.facts)
        for kind in (INDEX, OP, EMBEDDING, USE, SPLITTER, RETRIEVAL, RERANKER, HYBRID):
            for fact in definitions.get(kind, ()):
                for matcher in fact.matchers.get(self.facts.language, ()):
                    if id(matcher) not in possible:
                        continue  # no call of the file is named like its patterns
                    needed = matcher_roots(matcher)
                    if needed is not None and not needed & roots:
                        continue  # no call from any module this matcher names
                    for span, caps, call in match_possible_calls(matcher, self.facts):
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
