"""The project model: names resolved across the project's own modules (Python and
TypeScript), the same findings whatever paths are passed, and project boundaries.

Each case is a small project: which file holds the client, the constant or the data path,
which file uses it, and what fires (or must not) where it is used."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from tests.conftest import ids

from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine.runner import lint_sources
from ragfirst.model import Finding

FINE_TUNE_CALL = 'client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")\n'
UNCAPPED = 'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'


def lint(code: str, path: str, lifecycle: bool = False, **files: str) -> list[Finding]:
    """Lint `code` as `path` in an in-memory project of `files` (path -> text), through
    the same workspace and link step as the language server; the findings in `path`."""
    sources = {path: textwrap.dedent(code), **{name: textwrap.dedent(text) for name, text in files.items()}}
    settings = Settings() if lifecycle else Settings(ignore=("RF107", "RF406"))
    return [f for f in lint_sources(sources, settings) if f.path == path]


def route(imports: str, *calls: str) -> str:
    return textwrap.dedent(imports) + "".join(calls)


# -- Python: export and import forms --------------------------------------------------------

DEPS = """\
from functools import lru_cache

from openai import AsyncOpenAI, OpenAI

client = OpenAI()


@lru_cache
def get_client() -> OpenAI:
    return OpenAI()


@lru_cache(maxsize=1)
def get_async():
    return AsyncOpenAI()


class LLMService:
    def __init__(self):
        self.client = OpenAI()

    def raw(self):
        return self.client
"""


@pytest.mark.parametrize(
    ("imports", "call", "rule"),
    [
        ("from app.deps import client\n", UNCAPPED, "RF401"),
        ("from app.deps import client\n", FINE_TUNE_CALL, "RF101"),
        ("from app.deps import client as llm\n", UNCAPPED.replace("client.", "llm."), "RF401"),
        ("from app.deps import get_client\n", UNCAPPED.replace("client.", "get_client()."), "RF401"),
        ("import app.deps\n", UNCAPPED.replace("client.", "app.deps.client."), "RF401"),
        ("import app.deps as deps\n", UNCAPPED.replace("client.", "deps.client."), "RF401"),
        ("from app import deps\n", UNCAPPED.replace("client.", "deps.client."), "RF401"),
        ("from app.deps import LLMService\n", UNCAPPED.replace("client.", "LLMService().client."), "RF401"),
        ("from app.deps import LLMService\n", UNCAPPED.replace("client.", "LLMService().raw()."), "RF401"),
        ("from .deps import client\n", UNCAPPED, "RF401"),
        ("from app import client\n", UNCAPPED, "RF401"),  # re-exported by app/__init__.py
    ],
    ids=[
        "module-client",
        "module-client-fine-tune",
        "import-as",
        "lru-cache-factory",
        "import-dotted",
        "import-dotted-as",
        "from-package-import-module",
        "class-init-attribute",
        "method-returns-client",
        "relative-import",
        "reexport-through-init",
    ],
)
def test_python_calls_through_project_modules_resolve(imports, call, rule):
    findings = lint(
        route(imports, call),
        path="app/routes.py",
        **{"app/__init__.py": "from .deps import client\n"},
        **{"app/deps.py": DEPS},
    )
    assert ids(findings) == [rule]


@pytest.mark.parametrize(("package", "expected"), [("app/__init__.py", ["RF401"]), ("app.py", [])])
def test_from_module_import_name_is_a_submodule_only_of_a_package(package, expected):
    """`from app import deps` loads `app/deps.py` when `app` is a package; when `app` is a
    module file (`app.py`, which Python finds first), `deps` is only its attribute."""
    findings = lint(
        route("from app import deps\n", UNCAPPED.replace("client.", "deps.client.")),
        path="routes.py",
        **{package: "VERSION = 1\n", "app/deps.py": DEPS},
    )
    assert ids(findings) == expected


def test_fastapi_depends_provider_and_annotation():
    code = """\
        from fastapi import Depends

        from app.deps import get_async
        from openai import AsyncOpenAI


        async def chat(question: str, llm=Depends(get_async)):
            return await llm.chat.completions.create(model="gpt-4o-mini", messages=[])


        async def answer(llm: AsyncOpenAI):
            return await llm.chat.completions.create(model="gpt-4o-mini", messages=[])
        """
    findings = lint(code, path="app/routes.py", **{"app/deps.py": DEPS})
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("RF401", 8), ("RF401", 12)]


def test_module_alone_and_through_an_import_agree():
    """The same call gets the same findings whether its client is built in the file or
    imported (lifecycle, hyperparameters, project-aware message)."""
    local = lint(
        "from openai import OpenAI\nclient = OpenAI()\n"
        + FINE_TUNE_CALL.replace(")", ", hyperparameters={'n_epochs': 3})"),
        path="app/tune.py",
        lifecycle=True,
    )
    imported = lint(
        "from app.deps import client\n" + FINE_TUNE_CALL.replace(")", ", hyperparameters={'n_epochs': 3})"),
        path="app/tune.py",
        lifecycle=True,
        **{"app/deps.py": DEPS},
    )
    assert sorted(ids(local)) == sorted(ids(imported)) == ["RF101", "RF106", "RF107", "RF406"]
    assert [f.message for f in local] == [f.message for f in imported]


# -- Python: look-alikes that must not fire -------------------------------------------------


def test_users_own_class_named_openai_in_another_module_is_not_the_sdk():
    own = """\
        class OpenAI:
            def __init__(self):
                self.chat = None
        client = OpenAI()
        """
    findings = lint(
        "from app.llm import client, OpenAI\n" + UNCAPPED + "OpenAI().chat.completions.create()\n",
        path="app/routes.py",
        **{"app/llm.py": own},
    )
    assert ids(findings) == []


def test_factory_returning_something_else_does_not_fire():
    scheduler = """\
        from apscheduler.schedulers.background import BackgroundScheduler

        def get_client():
            return BackgroundScheduler()
        """
    code = "from app.jobs import get_client\nget_client().fine_tuning.jobs.create(model='x', training_file='y')\n"
    assert ids(lint(code, path="app/routes.py", **{"app/jobs.py": scheduler})) == []


def test_name_from_a_module_outside_the_project_binds_nothing():
    code = "from somelib.deps import client\n" + UNCAPPED
    assert ids(lint(code, path="app/routes.py")) == []


def test_name_the_module_does_not_export_binds_nothing():
    code = "from app.deps import missing\n" + UNCAPPED.replace("client.", "missing.")
    assert ids(lint(code, path="app/routes.py", **{"app/deps.py": DEPS})) == []


def test_import_cycle_is_cut_not_followed_forever():
    first = "from app.b import thing\nfrom openai import OpenAI\nclient = OpenAI()\n"
    second = "from app.a import client\nthing = client\n"
    code = "from app.b import thing\n" + UNCAPPED.replace("client.", "thing.")
    assert ids(lint(code, path="app/routes.py", **{"app/a.py": first}, **{"app/b.py": second})) == ["RF401"]


def test_key_like_constants_are_never_exported():
    """A module's summary travels through the cache: a key must never be in it."""
    from ragfirst.analyzers.python_analyzer import analyze_python
    from ragfirst.analyzers.python_exports import Vocabulary
    from ragfirst.source import SourceText

    key = "sk-proj-" + "Ab3_" * 14 + "Ab" + "T3BlbkFJ" + "Zq9x" * 14 + "Zq"  # an OpenAI project key
    facts = analyze_python(
        SourceText(f'API_KEY = "{key}"\nDEFAULT = "{key}"\nMODEL = "gpt-4o"\n'),
        "settings.py",
        vocabulary=Vocabulary.of({"openai.OpenAI().chat.completions.create"}),
    )
    assert facts.summary == {"MODEL": {"l": "gpt-4o"}}


# -- constants flow across modules ------------------------------------------------------------

SETTINGS = """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    docs_model: str = "text-embedding-3-large"
    query_model: str = "text-embedding-3-small"


settings = Settings()
INDEX = "support"
DIMENSION = 1536
"""


def test_rf302_with_models_set_in_a_settings_module():
    ingest = """\
        from pinecone import Pinecone
        from openai import OpenAI
        from app.settings import settings, INDEX

        index = Pinecone().Index(INDEX)
        vectors = OpenAI().embeddings.create(model=settings.docs_model, input=["a"])
        index.upsert(vectors=[("1", vectors.data[0].embedding)])
        """
    query = """\
        from pinecone import Pinecone
        from openai import OpenAI
        from app.settings import settings, INDEX

        index = Pinecone().Index(INDEX)
        vector = OpenAI().embeddings.create(model=settings.query_model, input="q")
        index.query(vector=vector.data[0].embedding, top_k=3)
        """
    findings = lint(query, path="app/query.py", **{"app/ingest.py": ingest}, **{"app/settings.py": SETTINGS})
    rf302 = [f for f in findings if f.rule_id == "RF302"]
    assert len(rf302) == 1
    assert "text-embedding-3-small" in rf302[0].message and "text-embedding-3-large" in rf302[0].message


def test_rf301_with_the_dimension_set_in_a_settings_module():
    setup = """\
        from pinecone import Pinecone, ServerlessSpec
        from openai import OpenAI
        from app.settings import DIMENSION, INDEX, settings

        pc = Pinecone()
        pc.create_index(name=INDEX, dimension=DIMENSION, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
        index = pc.Index(INDEX)
        vectors = OpenAI().embeddings.create(model=settings.docs_model, input=["a"])
        index.upsert(vectors=[("1", vectors.data[0].embedding)])
        """
    findings = lint(setup, path="app/setup.py", **{"app/settings.py": SETTINGS})
    rf301 = [f for f in findings if f.rule_id == "RF301"]
    assert len(rf301) == 1 and "1536" in rf301[0].message and "3072" in rf301[0].message


# -- through the command line: real files ---------------------------------------------------


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path


def check_json(capsys, *args: str) -> list[dict]:
    code = main(["check", "--format", "json", "--no-cache", *args])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return json.loads(out)["findings"]


def summary(findings: list[dict], path: str | None = None) -> list[tuple[str, str, int]]:
    return sorted(
        (f["path"], f["rule"], f["start"]["line"]) for f in findings if path is None or f["path"] == path
    )


@pytest.fixture
def service(tmp_path, monkeypatch):
    """A FastAPI-shaped service: client and settings in shared modules, routes import them."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", '[project]\nname = "svc"\n')
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/deps.py", "from openai import OpenAI\n\nclient = OpenAI()\n")
    write(tmp_path, "app/settings.py", 'DATA = "data/train.jsonl"\nBASE = "gpt-4o-mini-2024-07-18"\n')
    write(
        tmp_path,
        "app/tune.py",
        """\
        from app.deps import client
        from app.settings import BASE, DATA

        upload = client.files.create(file=open(DATA, "rb"), purpose="fine-tune")
        client.fine_tuning.jobs.create(model=BASE, training_file=upload.id)
        """,
    )
    write(tmp_path, "app/chat.py", "from app.deps import client\n" + UNCAPPED)
    line = json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]})
    write(tmp_path, "data/train.jsonl", "\n".join([line] * 20) + "\n")
    return tmp_path


def test_data_file_and_base_model_from_a_settings_module(service, capsys, monkeypatch):
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-01")
    findings = check_json(capsys, ".")
    rules = {f["rule"] for f in findings if f["path"] == "app/tune.py"}
    assert {"RF101", "RF107", "RF201", "RF203"} <= rules
    rf201 = next(f for f in findings if f["rule"] == "RF201")
    assert "data/train.jsonl has 20 examples" in rf201["message"]
    assert summary(findings, "app/chat.py") == [("app/chat.py", "RF401", 2)]


def test_same_findings_whatever_paths_are_passed(service, capsys):
    whole = check_json(capsys, ".")
    for path in ("app/tune.py", "app/chat.py", "app/deps.py"):
        assert summary(check_json(capsys, path)) == summary(whole, path), path
    assert summary(check_json(capsys, "app/chat.py", "app/tune.py")) == sorted(
        summary(whole, "app/chat.py") + summary(whole, "app/tune.py")
    )


def test_check_from_inside_a_subdirectory_sees_the_whole_project(service, capsys, monkeypatch):
    """The project root is found from the manifest, not from the path that was passed."""
    monkeypatch.chdir(service / "app")
    findings = check_json(capsys, "chat.py")
    assert [(f["path"], f["rule"]) for f in findings] == [("chat.py", "RF401")]


def test_unused_suppression_is_decided_only_for_files_that_were_checked(service, capsys):
    write(
        service,
        "app/chat.py",
        "from app.deps import client\n"
        + UNCAPPED.rstrip("\n")
        + "  # ragfirst: ignore[RF401] -- capped by the gateway (ADR-3)\n",
    )
    for args in ((".",), ("app/chat.py",), ("app/deps.py",), ("app/deps.py", "app/chat.py")):
        findings = check_json(capsys, *args)
        assert [f["rule"] for f in findings if f["rule"] == "RF001"] == [], args


INGEST_LARGE = """\
    from qdrant_client import QdrantClient
    from openai import OpenAI

    vectors = OpenAI().embeddings.create(model="text-embedding-3-large", input=["a"])
    QdrantClient().upsert(collection_name="documents", points=vectors)
    """
QUERY_SMALL = """\
    from qdrant_client import QdrantClient
    from openai import OpenAI

    vector = OpenAI().embeddings.create(model="text-embedding-3-small", input="q")
    QdrantClient().query_points(collection_name="documents", query=vector)
    """


def test_independent_examples_in_a_bare_repository_do_not_share_facts(tmp_path, capsys, monkeypatch):
    """A cookbook of loose folders (no manifest, only a VCS root): each folder is its own
    project; with a manifest at the root, it is one application and they share."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    ingest, query = INGEST_LARGE, QUERY_SMALL
    write(tmp_path, "examples/a/ingest.py", ingest)
    write(tmp_path, "examples/b/query.py", query)
    assert [f for f in check_json(capsys, ".") if f["rule"] == "RF302"] == []
    write(tmp_path, "pyproject.toml", '[project]\nname = "one-app"\n')
    assert [f["path"] for f in check_json(capsys, ".") if f["rule"] == "RF302"] == ["examples/b/query.py"]


def test_packages_of_a_bare_repository_are_projects_of_their_own(tmp_path, capsys, monkeypatch):
    """A bare repository (a VCS root, no manifest) whose folders hold Python packages: a
    file and the top-level package it is in are one project, another package is another
    (found on gpt-researcher: the package walk crashed the run with an internal error)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    ingest, query = INGEST_LARGE, QUERY_SMALL
    for package in ("backend/server", "backend/server/retrievers", "tools/cli"):
        write(tmp_path, f"{package}/__init__.py", "")
    write(tmp_path, "backend/server/ingest.py", ingest)
    write(tmp_path, "backend/server/retrievers/query.py", query)
    write(tmp_path, "tools/cli/query.py", query)
    findings = [f["path"] for f in check_json(capsys, ".") if f["rule"] == "RF302"]
    assert findings == ["backend/server/retrievers/query.py"]  # one package, not the other


def test_components_follow_nested_packages():
    from ragfirst.engine.project_model import components

    paths = ["a/__init__.py", "a/b/__init__.py", "a/b/c.py", "a/d.py", "e/__init__.py", "e/f.py", "g/h.py"]
    found = components(paths, [])
    assert found["a/b/c.py"] == found["a/d.py"] == found["a/__init__.py"]
    assert found["e/f.py"] != found["a/d.py"]
    assert found["g/h.py"] not in (found["a/d.py"], found["e/f.py"])


def test_an_import_joins_folders_of_a_bare_repository(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        "shared/rag.py",
        "from pinecone import Pinecone\nindex = Pinecone().Index('docs')\nindex.query(vector=[0.1], top_k=3)\n",
    )
    write(
        tmp_path,
        "jobs/tune.py",
        "import shared.rag\nfrom openai import AzureOpenAI\nclient = AzureOpenAI()\n" + FINE_TUNE_CALL,
    )
    write(
        tmp_path, "other/tune.py", "from openai import AzureOpenAI\nclient = AzureOpenAI()\n" + FINE_TUNE_CALL
    )
    findings = {f["path"]: f["message"] for f in check_json(capsys, ".") if f["rule"] == "RF101"}
    assert "Retrieval is already set up" in findings["jobs/tune.py"]
    assert "No retrieval found" in findings["other/tune.py"]


# -- TypeScript: every check on a call resolved through a project module ----------------------


def test_typescript_client_from_an_alias_module_gets_every_training_check(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-01")
    write(tmp_path, "package.json", '{"name": "web", "dependencies": {"openai": "^5"}}')
    write(tmp_path, "lib/openai.ts", 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n')
    write(
        tmp_path,
        "app/api/tune/route.ts",
        """\
        import fs from "node:fs";
        import { openai } from "@/lib/openai";

        export async function POST() {
          const upload = await openai.files.create({ file: fs.createReadStream("data/train.jsonl"), purpose: "fine-tune" });
          return openai.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: upload.id });
        }
        """,
    )
    good = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    bad = {"messages": [{"role": "user", "content": "q"}]}
    write(tmp_path, "data/train.jsonl", "\n".join(json.dumps(r) for r in [good] * 11 + [bad]) + "\n")
    rules = {f["rule"] for f in check_json(capsys, ".") if f["path"] == "app/api/tune/route.ts"}
    assert {"RF101", "RF107", "RF201", "RF202", "RF203"} <= rules


def test_typescript_user_class_exported_as_openai_is_not_the_sdk(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "package.json", '{"name": "web"}')
    write(
        tmp_path,
        "lib/openai.ts",
        "class OpenAI { fineTuning = { jobs: { create() {} } } }\nexport const openai = new OpenAI();\n",
    )
    write(
        tmp_path,
        "app/route.ts",
        'import { openai } from "@/lib/openai";\nopenai.fineTuning.jobs.create({ model: "x", training_file: "y" });\n',
    )
    assert check_json(capsys, ".") == []


# -- parity over the samples ------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_dir())


def comparable(findings: list[dict], path: str) -> list[tuple]:
    return sorted(
        (f["rule"], f["start"]["line"], f["start"]["column"], f["message"], f["suppressed"])
        for f in findings
        if f["path"] == path
    )


@pytest.mark.parametrize("project", SAMPLES, ids=lambda p: p.name)
def test_check_file_equals_check_project_on_every_sample_file(project, capsys, monkeypatch):
    """`ragfirst check FILE` reports exactly what `ragfirst check PROJECT` reports on FILE."""
    from ragfirst.analyzers.registry import language_of

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-01")
    whole = check_json(capsys, project.relative_to(REPO).as_posix())
    files = sorted(p for p in project.rglob("*") if p.is_file() and language_of(p.name) is not None)
    assert files
    for file in files:
        shown = file.relative_to(REPO).as_posix()
        assert comparable(check_json(capsys, shown), shown) == comparable(whole, shown), shown


def test_a_warm_run_sees_a_change_in_the_module_a_file_imports(service, capsys, tmp_path):
    """The run snapshot reuses an unchanged file's findings only if what it imports did not
    change either: the route is unchanged, the base model set in app/settings.py is not."""
    import os
    import time

    cache = ["--cache-dir", str(tmp_path / "cache")]

    def rf101() -> list[str]:
        code = main(["check", "--format", "json", *cache, "app/tune.py"])
        out = capsys.readouterr().out
        assert code in (0, 1), out
        return [f["message"] for f in json.loads(out)["findings"] if f["rule"] == "RF101"]

    time.sleep(2.2)  # files written just now are "racy": their findings are never reused
    assert "on gpt-4o-mini-2024-07-18" in rf101()[0]
    settings = service / "app/settings.py"
    settings.write_text('DATA = "data/train.jsonl"\nBASE = "gpt-4.1-mini-2025-04-14"\n', encoding="utf-8")
    later = time.time() + 5
    os.utime(settings, (later, later))
    assert "on gpt-4.1-mini-2025-04-14" in rf101()[0]


def test_a_project_inside_a_folder_named_like_an_sdk_is_still_linked(tmp_path, capsys):
    """mistralai/cookbook keeps its examples under `mistral/`: the folders above a project
    root are not its code, so a name there (an SDK's root, `mistral`) does not make the
    project's files a library's own (the session-5 real-code check lost 2 RF401s)."""
    app = tmp_path / "mistral" / "agents" / "companion"
    (app / "tools").mkdir(parents=True)
    (app / "pyproject.toml").write_text('[project]\nname = "companion"\n')
    (app / "tools" / "configs.py").write_text(
        "import os\nfrom mistralai import Mistral\nclient = Mistral(api_key=os.environ['K'])\n"
    )
    (app / "tools" / "progress.py").write_text(
        "from .configs import client\n\n\ndef ask(q):\n"
        '    return client.chat.complete(model="mistral-medium-2505", messages=[])\n'
    )
    findings = check_json(capsys, str(app))
    assert [(Path(f["path"]).name, f["rule"]) for f in findings] == [("progress.py", "RF401")]


def test_a_folder_named_like_an_sdk_is_a_library_only_as_a_python_package(tmp_path, capsys):
    """A vendored `openai/` package (with `__init__.py`) is the SDK's own code and is not
    linked; an app's plain `openai/` folder of modules is the app's."""
    app = tmp_path / "app"
    (app / "openai").mkdir(parents=True)
    (app / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (app / "openai" / "clients.py").write_text("from mistralai import Mistral\nclient = Mistral()\n")
    (app / "openai" / "ask.py").write_text(
        "from clients import client\n\n\ndef ask(q):\n"
        '    return client.chat.complete(model="mistral-medium-2505", messages=[])\n'
    )
    assert [f["rule"] for f in check_json(capsys, str(app))] == ["RF401"]
    (app / "openai" / "__init__.py").write_text("")
    assert check_json(capsys, "--no-cache", str(app)) == []
