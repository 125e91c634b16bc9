"""RF301-RF303 across files, linear in the project (issue 26).

The project phase resolves each index (or query) site of a file against the other files
that touch the same index. Deriving every file's sites and links again for every site
cost O(sites²): 238 sites of a 4M-line corpus took 13 s. `ProjectLinks` derives them once
per project index (`ProjectIndex.derived`, dropped when a file's facts change) and maps
them by index identity, so a lookup touches only the files linked to that index.

Two things make a file's links depend on the site being resolved, exactly as in
`rag_config_sites.cross_file_links` before: an operation that loads its schema from a file
(`SearchIndex.from_yaml("schema.yaml")`) uses the index the resolving file defines, and a
pgvector table is only known as a table when some file creates it (the resolving file's
own table counts). The files where either applies are found through two more maps and
linked again for that lookup, with sites derived afresh (linking names sites in place).
"""

from __future__ import annotations

from typing import Any

from ragfirst.checks.base import ProjectContext
from ragfirst.checks.rag_config_sites import _file_links, _referenced_paths, sql_tables
from ragfirst.checks.rag_sites import (
    EMBEDDING,
    INDEX,
    LINK_KINDS,
    OP,
    RETRIEVAL,
    CaptureValues,
    Site,
    _first,
    derive,
    is_named,
)
from ragfirst.engine.project import FactSite, ProjectIndex

Identity = tuple[str, ...]
BySite = dict[str, list[Site]]


def _derive_sites(facts: list[FactSite]) -> BySite:
    by_kind: BySite = {}
    for fact in facts:
        caps = dict(fact.captures)
        site = derive(Site(fact.kind, caps, fact.path, fact.line, fact.label), CaptureValues(caps))
        by_kind.setdefault(fact.kind, []).append(site)
    return by_kind


def _facts_by_path(project: ProjectIndex, kinds: tuple[str, ...]) -> dict[str, list[FactSite]]:
    by_path: dict[str, list[FactSite]] = {}
    for kind in kinds:
        for fact in project.sites(kind):
            by_path.setdefault(fact.path, []).append(fact)
    return by_path


def _schema_reference(site: Site) -> str | None:
    return _first(CaptureValues(site.caps), site.caps.get("schema-file-args"), str)


def _copy(summary: dict[str, Any]) -> dict[str, Any]:
    """A caller's own copy: findings carry these dicts, and the index outlives them."""
    return {**summary, "key": list(summary["key"]), "id": list(summary["id"])}


class ProjectLinks:
    """Every file's links to named indexes, keyed by index identity."""

    def __init__(self, project: ProjectIndex) -> None:
        self._facts = _facts_by_path(project, LINK_KINDS)
        by_path = {path: _derive_sites(facts) for path, facts in self._facts.items()}
        self.known_tables = {
            site.name
            for sites in by_path.values()
            for site in sites.get(INDEX, [])
            if site.store == "pgvector"
        }
        # files whose SQL names a table (linked again when that table is known only from the
        # resolving file), and files whose operations load a schema from a path
        self._sql_files: dict[str, set[str]] = {}
        self._schema_files: dict[tuple[str, str], set[str]] = {}
        for path, by_kind in by_path.items():
            for site in (*by_kind.get(INDEX, []), *by_kind.get(OP, [])):
                if site.op == "sql":
                    for table, _ in sql_tables(site.caps.get("arg.0", "")):
                        self._sql_files.setdefault(table, set()).add(path)
            for site in by_kind.get(OP, []):
                reference = _schema_reference(site)
                if reference:
                    for target in _referenced_paths(path, reference):
                        self._schema_files.setdefault((site.store, target), set()).add(path)
        self._links: dict[Identity, dict[str, list[dict[str, Any]]]] = {}
        for path in sorted(by_path):
            for link in _file_links(by_path[path], self.known_tables):
                self._links.setdefault(link.identity, {}).setdefault(path, []).append(link.summary())

    def _relinked(
        self, other: str, path: str, identity: Identity, known_tables: set[str]
    ) -> list[dict[str, Any]]:
        """`other`'s links when `path` resolves `identity` (fresh sites: linking mutates them)."""
        by_kind = _derive_sites(self._facts[other])
        for site in by_kind.get(OP, []):
            reference = _schema_reference(site)
            if reference and site.store == identity[0] and path in _referenced_paths(other, reference):
                site.name = identity[1]
        return [link.summary() for link in _file_links(by_kind, known_tables) if link.identity == identity]

    def links(self, path: str, identity: Identity) -> list[dict[str, Any]]:
        """The links of every file but `path` to the named index `identity`, by path."""
        if not is_named(identity):
            return []
        special = set(self._schema_files.get((identity[0], path), ()))
        known_tables = self.known_tables
        if identity[0] == "pgvector" and identity[1] not in known_tables:
            known_tables = known_tables | {identity[1]}
            special |= self._sql_files.get(identity[1], set())
        base = self._links.get(identity, {})
        found: list[dict[str, Any]] = []
        for other in sorted(set(base) | special):
            if other == path:
                continue
            if other in special:
                found.extend(self._relinked(other, path, identity, known_tables))
            else:
                found.extend(_copy(summary) for summary in base[other])
        return found


def project_links(context: ProjectContext) -> ProjectLinks | None:
    project = context.project
    return None if project is None else project.derived("rag.links", ProjectLinks)


def embedding_sites(context: ProjectContext) -> list[Site]:
    """Every embedding site of the project, derived once per project index."""
    project = context.project
    if project is None:
        return []

    def build(index: ProjectIndex) -> list[Site]:
        return _derive_sites(index.sites(EMBEDDING)).get(EMBEDDING, [])

    return project.derived("rag.embeddings", build)


def unranked_retrieval(context: ProjectContext) -> list[FactSite]:
    """Retrieval sites whose store does not rank its own results, once per project index."""
    project = context.project
    if project is None:
        return []

    def build(index: ProjectIndex) -> list[FactSite]:
        return [site for site in index.sites(RETRIEVAL) if not site.value("reranks")]

    return project.derived("rag.unranked", build)
