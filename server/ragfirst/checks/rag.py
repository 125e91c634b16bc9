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
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, FileFacts
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.checks.rag_config_sites import config_trigger, cross_file_links
from ragfirst.checks.rag_file_model import FileModel
from ragfirst.checks.rag_sites import (
    _SQL_CALL_TAILS,
    CHARS_PER_TOKEN,
    EMBEDDING,
    HYBRID,
    INDEX,
    KINDS_FOR,
    MISSING,
    OP,
    REPORTS,
    RERANKER,
    RETRIEVAL,
    SPLITTER,
    CallValues,
    Link,
    Site,
    _int,
    _one_space,
    _tokens,
    fact_definitions,
    identity_json,
    is_named,
    model_entry,
    output_dimension,
)
from ragfirst.checks.splitter_use import SplitterUses
from ragfirst.data.embedding_models import EmbeddingModel
from ragfirst.engine.constant_readers import CallReaders

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

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """The calls the RAG facts name; SQL: the statement `.execute()` & co. run (its
        tables), and a string holding a `vector(n)` column given first to any call."""
        patterns = (
            pattern
            for facts in fact_definitions().values()
            for fact in facts
            for matcher in fact.matchers.get(language, ())
            for pattern in (
                *matcher.calls,
                *(f.pattern for f in (*matcher.file_calls, *matcher.not_file_calls)),
            )
        )
        return CallReaders.of_patterns(
            patterns, positional_needles=frozenset({"vector"}), sql_tails=frozenset(_SQL_CALL_TAILS)
        )

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
        uses = SplitterUses(model.source.text, model.facts.tree) if model.facts.language == "python" else None
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
            f"Retrieval is set up here ({first.label}{more}), but nothing in this {project.scope} reranks the"
            f" results or combines vector search with keyword (BM25/sparse) search. Try both before"
            f" concluding that retrieval is not good enough."
        )
        return Resolution({"detail": detail, "label": first.label, "count": str(len(sites))})
