"""Issue 26: project-level checks are linear in the project.

The RAG check's project phase used to derive every file's sites again for every index it
resolved (O(sites²)). These tests count the work (site derivations), not the time, so they
hold on a loaded machine, and check that the one-per-project index is dropped when a
file's facts change (the language server edits the project one file at a time).
"""

from __future__ import annotations

import pytest

from ragfirst.checks import rag
from ragfirst.config.settings import Settings
from ragfirst.engine.project import FactSite, ProjectIndex
from ragfirst.engine.runner import EngineCache, lint_sources

_ENGINES = EngineCache()

SETUP = """from pinecone import Pinecone
pc = Pinecone()
pc.create_index(name="docs-{n}", dimension=1536, metric="cosine")
"""
INGEST = """from openai import OpenAI
from pinecone import Pinecone
client = OpenAI()
index = Pinecone().Index("docs-{n}")

def ingest(chunks):
    response = client.embeddings.create(model="text-embedding-3-large", input=chunks)
    index.upsert(vectors=[(str(i), d.embedding, {{}}) for i, d in enumerate(response.data)])
"""


def services(count: int) -> dict[str, str]:
    files: dict[str, str] = {}
    for n in range(count):
        files[f"svc{n}/setup_index.py"] = SETUP.format(n=n)
        files[f"svc{n}/ingest.py"] = INGEST.format(n=n)
    return files


def derivations(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(sites derived, RF301 findings) for one lint of `files`."""
    calls = 0
    original = rag.derive

    def counting(site: rag.Site, values: object) -> rag.Site:
        nonlocal calls
        calls += 1
        return original(site, values)  # type: ignore[arg-type]

    monkeypatch.setattr(rag, "derive", counting)
    import ragfirst.checks.rag_project as rag_project

    monkeypatch.setattr(rag_project, "derive", counting)
    settings = Settings()
    findings = lint_sources(files, settings, _ENGINES.for_settings(settings))
    return calls, sum(1 for f in findings if f.rule_id == "RF301")


def test_rf301_across_files_is_linear_in_the_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    small, small_found = derivations(services(10), monkeypatch)
    large, large_found = derivations(services(40), monkeypatch)
    assert (small_found, large_found) == (10, 40)  # every index still linked to its filler
    # 4x the services: about 4x the derivations (per-site rescans gave 16x)
    assert large <= 5 * small, (small, large)


def test_the_link_index_is_rebuilt_when_a_file_changes() -> None:
    index = ProjectIndex()
    index.set_file("a.py", [FactSite("embedding", "a.py", 1, "x")])
    built: list[int] = []

    def build(project: ProjectIndex) -> int:
        built.append(1)
        return len(project.sites("embedding"))

    assert index.derived("k", build) == 1
    assert index.derived("k", build) == 1
    assert len(built) == 1  # once per project index
    index.set_file("b.py", [FactSite("embedding", "b.py", 2, "y")])
    assert index.derived("k", build) == 2
    assert len(built) == 2


def test_a_changed_model_changes_the_cross_file_finding() -> None:
    """The editor case: the cached links do not outlive the file that made them."""
    settings = Settings()
    engine = _ENGINES.for_settings(settings)
    files = services(2)
    assert sum(f.rule_id == "RF301" for f in lint_sources(files, settings, engine)) == 2
    files["svc1/ingest.py"] = files["svc1/ingest.py"].replace("3-large", "3-small")
    found = [f.path for f in lint_sources(files, settings, engine) if f.rule_id == "RF301"]
    assert found == ["svc0/setup_index.py"]
