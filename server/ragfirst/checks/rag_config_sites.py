"""RAG sites read from config and SQL files, and the file-level links of the project phase."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Any

from ragfirst.analyzers.facts import FileFacts
from ragfirst.analyzers.sql_analyzer import unquote
from ragfirst.checks.base import ProjectContext
from ragfirst.checks.rag_sites import (
    _SQL_DISTANCE,
    _SQL_FROM,
    _SQL_NOT_TABLES,
    _SQL_WRITE,
    EMBEDDING,
    INDEX,
    OP,
    USE,
    Link,
    Site,
    _int,
    _uniform_role,
    model_key,
)
from ragfirst.data.embedding_models import embedding_models


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


_WORDS = {"type": "array", "items": {"type": "string"}}
_SHAPES_SCHEMA = {
    "type": "object",
    "required": ["version", "qdrant-distances", "app"],
    "properties": {
        "qdrant-distances": _WORDS,
        "app": {
            "type": "object",
            "required": [
                "embedding-sections",
                "model-keys",
                "size-keys",
                "store-sections",
                "store-size-keys",
                "store-name-keys",
                "store-provider-keys",
                "stores",
            ],
            "properties": {"stores": {"type": "object", "additionalProperties": {"type": "string"}}},
            "additionalProperties": _WORDS,
        },
    },
}


@lru_cache(maxsize=1)
def config_shapes() -> dict[str, Any]:
    """rules/rag-configs.yaml, as the data tables are read (data/tables.py: checked against
    its shape, from the run's cache when an earlier run parsed it)."""
    from ragfirst.data.tables import load_table

    return load_table("rag-configs.yaml", _SHAPES_SCHEMA)  # type: ignore[no-any-return]


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
