"""Issue 26: project-level checks are linear in the project.

The RAG check's project phase used to derive every file's sites again for every index it
resolved (O(sites²)). These tests count the work (site derivations), not the time, so they
hold on a loaded machine, and check that the one-per-project index is dropped when a
file's facts change (the language server edits the project one file at a time).
"""

from __future__ import annotations

import pytest

from ragfirst.checks import rag_file_model, rag_project, rag_sites
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
    original = rag_sites.derive

    def counting(site: rag_sites.Site, values: object) -> rag_sites.Site:
        nonlocal calls
        calls += 1
        return original(site, values)  # type: ignore[arg-type]

    monkeypatch.setattr(rag_file_model, "derive", counting)
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


def _scan(spec_rest: str, modules: dict[str, object]) -> str | None:
    """The alias resolution before issue 26: every module scanned per import (reference)."""
    from ragfirst.engine.local_modules import _candidates

    wanted = set(_candidates(spec_rest))
    found = [p for p in modules if any(p == c or p.endswith("/" + c) for c in wanted)]
    return found[0] if len(found) == 1 else None


def test_alias_lookup_agrees_with_the_scan() -> None:
    from ragfirst.engine.local_modules import ModuleExports, ModuleSuffixes, resolve_module

    paths = [
        "src/lib/openai.ts",
        "lib/openai.ts",  # `@/lib/openai` is ambiguous between these two: unresolved
        "app/lib/ai/index.ts",
        "packages/web/src/lib/ai.tsx",
        "packages/api/src/ai.mjs",
        "x/openai.js",
        "deep/a/b/c/client.ts",
        "client.ts",
        "not-lib/ai.ts",
    ]
    modules = {p: ModuleExports({}, []) for p in paths}
    suffixes = ModuleSuffixes(modules)
    specs = [
        "@/lib/openai",
        "@/src/lib/openai",
        "~/lib/ai",
        "#src/ai.mjs",
        "@/openai.js",
        "@/x/openai",
        "@/c/client",
        "@/client",
        "@/ai",
        "@/lib/ai/index",
        "@/",
        "#",
        "@/missing",
    ]
    for spec in specs:
        rest = (spec[2:] if spec.startswith(("@/", "~/")) else spec[1:]).strip("/")
        expected = _scan(rest, modules) if rest else None
        assert resolve_module("app/page.ts", spec, modules, suffixes) == expected, spec
        assert resolve_module("app/page.ts", spec, modules) == expected, spec


def test_a_project_link_builds_the_alias_index_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from ragfirst.engine import local_modules

    built = 0
    original = local_modules.ModuleSuffixes.__init__

    def counting(self: local_modules.ModuleSuffixes, paths: object) -> None:
        nonlocal built
        built += 1
        original(self, paths)

    monkeypatch.setattr(local_modules.ModuleSuffixes, "__init__", counting)
    client = 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n'
    files = {f"lib/client{n}.ts": client for n in range(30)}
    for n in range(30):
        files[f"app/route{n}.ts"] = (
            f'import {{ openai }} from "@/lib/client{n}";\n'
            'export const go = () => openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n'
        )
    settings = Settings()
    findings = lint_sources(files, settings, _ENGINES.for_settings(settings))
    assert sum(f.rule_id == "RF401" for f in findings) == 30  # every route reached its client
    assert built <= 3, built  # the link step and the finalize phase, not once per import
