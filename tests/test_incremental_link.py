"""An incremental relink (engine/incremental_link.py) gives what a full link gives.

Two workspaces take the same sequence of edits, as the language server makes them
(`update` a file's bytes, or `remove` it, then `relink`): one links incrementally, the
other is made to link every project fully. After every edit the findings of every file,
the summaries, the environments and the project index must be the same.
"""

from __future__ import annotations

import random

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine import incremental_link
from ragfirst.engine.file_ids import FileKey
from ragfirst.engine.python_link import ModuleIndex, PythonLinker
from ragfirst.engine.runner import EngineCache, default_context
from ragfirst.engine.workspace import Workspace

SETTINGS = Settings()
ENGINE = EngineCache().for_settings(SETTINGS)

PYTHON = {
    "app/__init__.py": "from .deps import client\n",
    "app/deps.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
    "app/settings.py": 'CHAT_MODEL = "gpt-4o-mini"\nBASE_MODEL = "gpt-4o-mini-2024-07-18"\nDIM = 1536\n',
    "app/config.py": "from .settings import CHAT_MODEL as MODEL\n",
    "app/routes.py": (
        "from app.settings import CHAT_MODEL\nfrom app.deps import client\n\n"
        "def chat(q):\n    return client.chat.completions.create(model=CHAT_MODEL, messages=[])\n"
    ),
    "app/other.py": (
        "from app.config import MODEL\nfrom app import client\n\n"
        "client.chat.completions.create(model=MODEL, messages=[], max_tokens=5)\n"
    ),
    "app/tune.py": (
        "from app import client\nfrom app.settings import BASE_MODEL\n\n"
        "client.fine_tuning.jobs.create(model=BASE_MODEL, training_file='file-abc')\n"
    ),
    "app/util.py": "from app.settings import DIM\n\nSIZE = DIM * 2\n",
    "app/factory.py": (
        "from functools import lru_cache\nfrom openai import OpenAI\n\n"
        "@lru_cache\ndef get_client():\n    return OpenAI()\n"
    ),
    "app/jobs.py": (
        "from app.factory import get_client\nfrom app.util import SIZE\nfrom app import settings\n\n"
        "get_client().chat.completions.create(model=settings.CHAT_MODEL, messages=[])\n"
    ),
    "scripts/plain.py": "import os\n\nprint(os.getcwd())\n",
    "train.jsonl": '{"messages": [{"role": "user", "content": "hi"}]}\n',
}

TYPESCRIPT = {
    "package.json": '{"name": "web", "dependencies": {"openai": "4.0.0"}}\n',
    "lib/openai.ts": 'import OpenAI from "openai";\n\nexport const openai = new OpenAI();\n',
    "lib/index.ts": 'export { openai } from "./openai";\n',
    "lib/models.ts": 'export const MODEL = "gpt-4o-mini";\n',
    "app/api/chat/route.ts": (
        'import { openai } from "@/lib";\nimport { MODEL } from "@/lib/models";\n\n'
        "await openai.chat.completions.create({ model: MODEL, messages: [] });\n"
    ),
    "app/api/other/route.ts": (
        'import { openai } from "../../../lib/openai";\n\n'
        'await openai.chat.completions.create({ model: "gpt-4", messages: [], max_tokens: 5 });\n'
    ),
    "app/page.tsx": "export default function Page() {\n  return <div>hello</div>;\n}\n",
    "app.py": (
        "from app.settings import CHAT_MODEL\nfrom openai import OpenAI\n\n"
        "OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[])\n"
    ),
    "app/settings.py": 'CHAT_MODEL = "gpt-4"\n',
}


class Pair:
    """Two workspaces over the same files: `incremental` relinks as the server does, `full`
    links every project fully each time."""

    def __init__(self, files: dict[str, str], one_project: bool = True) -> None:
        self.texts = {FileKey("", path): text.encode() for path, text in files.items()}
        self.incremental = Workspace(self.texts.get)
        self.incremental.incremental = True
        self.full = Workspace(self.texts.get)  # links fully, as the CLI does ...
        self.full.text_closures = False  # ... and as the server does (its environments)
        for workspace in (self.incremental, self.full):  # False: boundaries by imports
            workspace.project("", one_project)
        for key, data in self.texts.items():
            for workspace in (self.incremental, self.full):
                workspace.update(key, data, SETTINGS, ENGINE)
        self.relink()

    def relink(self) -> None:
        self.incremental.relink()
        self.full.relink()

    def edit(self, path: str, text: str | None) -> None:
        key = FileKey("", path)
        if text is None:
            self.texts.pop(key, None)
            for workspace in (self.incremental, self.full):
                workspace.remove(key)
        else:
            self.texts[key] = text.encode()
            for workspace in (self.incremental, self.full):
                workspace.update(key, self.texts[key], SETTINGS, ENGINE)
        self.relink()

    def assert_same(self, step: str = "") -> None:
        context = default_context(SETTINGS)
        for key in self.texts:
            mine = self.incremental.findings_for(key, context)
            reference = self.full.findings_for(key, context)
            assert mine == reference, f"{step}: findings of {key.id}"
            assert self.incremental.files[key].environment == self.full.files[key].environment, step
        for root, state in self.full.projects.items():
            mine_state = self.incremental.projects[root]
            assert mine_state.summaries == state.summaries, f"{step}: summaries"
            assert mine_state.index.environments == state.index.environments, f"{step}: environments"
            assert mine_state.index.fingerprint() == state.index.fingerprint(), f"{step}: index"

    def rule_ids(self, path: str) -> list[str]:
        findings = self.incremental.findings_for(FileKey("", path), default_context(SETTINGS))
        return sorted(finding.rule_id for finding in findings)


def _edits(files: dict[str, str], rng: random.Random, count: int) -> list[tuple[str, str | None]]:
    """A sequence of edits a user could make: change a constant, add or remove an export,
    add an import, break the syntax, delete a file and bring it back."""
    current = dict(files)
    edits: list[tuple[str, str | None]] = []
    models = ["gpt-4", "gpt-4o-mini", "o1", "gpt-4o-mini-2024-07-18", "text-embedding-3-small"]
    for step in range(count):
        path = rng.choice(sorted(files))
        text = current.get(path)
        python = path.endswith(".py")
        script = path.endswith((".ts", ".tsx"))
        kind = rng.choice(
            ["constant", "constant", "export", "unexport", "import", "syntax", "empty", "delete"]
        )
        if text is None:
            new: str | None = files[path]  # deleted earlier: it comes back
        elif kind == "constant" and any(f'"{m}"' in text for m in models):
            old = next(m for m in models if f'"{m}"' in text)
            new = text.replace(f'"{old}"', f'"{rng.choice(models)}"', 1)
        elif kind == "export" and (python or script):
            line = f'EXTRA_{step} = "{rng.choice(models)}"\n'
            new = text + (line if python else f"export const {line}")
        elif kind == "unexport" and text.count("\n") > 1:
            new = "".join(text.splitlines(keepends=True)[:-1])
        elif kind == "import" and python:
            new = (
                rng.choice(
                    [
                        "from app.settings import CHAT_MODEL\n",
                        "from app import client\n",
                        "import app.deps\n",
                        "from app.deps import *\n",
                        "from openai import OpenAI\n",
                        "from .settings import DIM\n",
                        "from app.util import SIZE\n\nLIMIT = SIZE\n",
                        "from app.config import MODEL\nfrom app.deps import client\n\nclient.embeddings.create(model=MODEL, input=[])\n",
                    ]
                )
                + text
            )
        elif kind == "import" and script:
            new = 'import { openai } from "@/lib/openai";\n' + text
        elif kind == "syntax":
            new = text + ("def broken(:\n" if python else "export const = ;\n")
        elif kind == "empty":
            new = ""
        elif kind == "delete":
            new = None
        else:
            new = text + "\n"
        if new is None:
            current.pop(path, None)
        else:
            current[path] = new
        edits.append((path, new))
    return edits


@pytest.mark.parametrize("files", [PYTHON, TYPESCRIPT], ids=["python", "typescript"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_relink_equals_a_full_link_after_every_edit(files, seed):
    pair = Pair(files)
    pair.assert_same("initial")
    before = incremental_link.COUNTERS.incremental
    for number, (path, text) in enumerate(_edits(files, random.Random(seed), 50)):
        pair.edit(path, text)
        pair.assert_same(f"edit {number}: {path} -> {text!r}")
    assert incremental_link.COUNTERS.incremental > before  # the sequence did link incrementally


def test_a_changed_constant_relinks_only_its_importers():
    pair = Pair(PYTHON)
    assert "RF406" not in pair.rule_ids("app/routes.py")
    full, incremental, affected = (
        incremental_link.COUNTERS.full,
        incremental_link.COUNTERS.incremental,
        incremental_link.COUNTERS.affected,
    )
    pair.edit("app/settings.py", PYTHON["app/settings.py"].replace('"gpt-4o-mini"', '"gpt-4"'))
    pair.assert_same()
    assert "RF406" in pair.rule_ids("app/routes.py")  # the importer sees the new value
    assert "RF406" in pair.rule_ids("app/other.py")  # through the re-export in config.py
    assert incremental_link.COUNTERS.incremental == incremental + 1
    assert incremental_link.COUNTERS.full == full + 1  # the reference workspace's only
    # settings.py and the files that read it, transitively (util.py: its DIM is never read);
    # not deps.py, factory.py, the package or the plain script
    relinked = incremental_link.COUNTERS.affected - affected
    assert relinked == len(
        {"app/settings.py", "app/config.py", "app/routes.py", "app/other.py", "app/jobs.py", "app/tune.py"}
    )


def test_an_edit_that_binds_nothing_new_links_one_file():
    pair = Pair(PYTHON)
    affected = incremental_link.COUNTERS.affected
    pair.edit(
        "scripts/plain.py",
        "import os\nfrom openai import OpenAI\n\nOpenAI().chat.completions.create(model='o1', messages=[])\n",
    )
    pair.assert_same()
    assert incremental_link.COUNTERS.affected - affected == 1
    assert "RF406" in pair.rule_ids("scripts/plain.py")


def test_new_file_and_deleted_file_link_fully_and_agree():
    pair = Pair(PYTHON)
    full = incremental_link.COUNTERS.full
    pair.edit(
        "app/extra.py",
        "from app.settings import CHAT_MODEL\nfrom app import client\n"
        "client.chat.completions.create(model=CHAT_MODEL, messages=[])\n",
    )
    pair.assert_same()
    pair.edit("app/settings.py", None)
    pair.assert_same()
    assert incremental_link.COUNTERS.full == full + 4  # both workspaces, both times


def test_every_python_linker_cache_is_seeded():
    """incremental_link copies PythonLinker's per-file caches by name: a new attribute of
    the linker must be added to its `_SEEDED` (or to LINKER_ATTRIBUTES, when it is not
    a per-file cache)."""
    linker = PythonLinker({}, ModuleIndex([], ""), lambda *_: None)
    assert set(vars(linker)) <= incremental_link.LINKER_ATTRIBUTES


MODELS = {
    "app/__init__.py": "",
    "app/deps.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
    "app/settings.py": 'CHAT_MODEL = "gpt-4"\n',
    "app/models.py": "from app.settings import CHAT_MODEL\n\nDEFAULT = CHAT_MODEL\n",  # skipped: no trigger
    "app/routes.py": (
        "from app.deps import client\nfrom app.models import DEFAULT\n\n"
        "client.chat.completions.create(model=DEFAULT, messages=[])\n"
    ),
    "app/plain.py": "from app.settings import CHAT_MODEL\n\nprint(CHAT_MODEL)\n",
}


def test_an_importer_that_stops_asking_a_linked_module_links_it_as_a_full_link_does():
    """models.py is parsed and linked only because routes.py asks it for DEFAULT; once
    routes.py no longer imports it (or is deleted), a full link leaves it unlinked, and so
    must an incremental one (it links fully: models.py's link depends on who asks)."""
    pair = Pair(MODELS)
    assert "RF406" in pair.rule_ids("app/routes.py")
    pair.edit(
        "app/routes.py",
        MODELS["app/routes.py"].replace("from app.models import DEFAULT\n", "DEFAULT = 'o1'\n"),
    )
    pair.assert_same()
    pair.edit("app/routes.py", MODELS["app/routes.py"])
    pair.assert_same()
    assert "RF406" in pair.rule_ids("app/routes.py")
    pair.edit("app/routes.py", None)  # deleted: models.py is asked by no file either
    pair.assert_same()


def test_typing_an_import_of_a_plain_constants_module_links_incrementally():
    """settings.py's link is the same whoever asks it (it imports nothing), and so is
    deps.py's (`from openai import OpenAI` names no project file): a file that starts or
    stops importing them is relinked alone."""
    pair = Pair(MODELS)
    full = incremental_link.COUNTERS.full
    typed = (
        "from app.settings import C\n",
        "from app.settings import CHAT\n",
        "from app.deps import client\n",
    )
    for text in (*typed, "print(1)\n"):
        pair.edit("app/plain.py", text + "print(CHAT_MODEL)\n")
        pair.assert_same(text)
    assert incremental_link.COUNTERS.full == full + 4  # the reference workspace's only


def test_a_cli_workspace_keeps_no_link_state():
    """`ragfirst check` links once: it keeps nothing for a next link (memory)."""
    pair = Pair(MODELS)
    assert all(state.link is None for state in pair.full.projects.values())
    assert all(state.link is not None for state in pair.incremental.projects.values())


def test_a_new_module_nothing_imports_and_its_removal_link_incrementally():
    """A file that no import finds (no cached resolution names it) comes and goes without
    a full link; one that an import was waiting for (`from app.extra import X` before
    app/extra.py existed) links fully."""
    pair = Pair(MODELS)
    full = incremental_link.COUNTERS.full
    new = "from app.settings import CHAT_MODEL\nfrom openai import OpenAI\n\nOpenAI().chat.completions.create(model=CHAT_MODEL, messages=[])\n"
    pair.edit("app/new.py", new)
    pair.assert_same()
    assert "RF406" in pair.rule_ids("app/new.py")
    pair.edit("app/new.py", None)
    pair.assert_same()
    assert incremental_link.COUNTERS.full == full + 2  # the reference workspace's only
    waiting = "from app.extra import MODEL\nfrom openai import OpenAI\n\nOpenAI().chat.completions.create(model=MODEL, messages=[])\n"
    pair.edit("app/plain.py", waiting)
    pair.assert_same()
    assert "RF406" not in pair.rule_ids("app/plain.py")
    full = incremental_link.COUNTERS.full
    pair.edit("app/extra.py", 'MODEL = "gpt-4"\n')  # plain.py's import now finds it
    pair.assert_same()
    assert "RF406" in pair.rule_ids("app/plain.py")
    assert incremental_link.COUNTERS.full == full + 2  # both workspaces


def test_a_file_edited_then_deleted_before_the_next_link():
    """Two changes between links (an edit, then the file's removal): the relink neither
    fails on the gone file nor differs from a full link."""
    pair = Pair(TYPESCRIPT)
    key = FileKey("", "app.py")  # a module nothing imports
    pair.texts[key] = pair.texts[key].replace(b"messages=[]", b"messages=[], n=2")
    for workspace in (pair.incremental, pair.full):
        workspace.update(key, pair.texts[key], SETTINGS, ENGINE)  # no relink in between
    pair.edit("app.py", None)
    pair.assert_same("edited, then deleted")


def test_boundaries_are_computed_again_only_when_an_import_or_a_file_changes(monkeypatch):
    """A project marked by nothing but its folder is split by imports (project_model.
    components, a walk over every file): an edit that changes no import edge keeps them."""
    pair = Pair(PYTHON, one_project=False)
    calls: list[int] = []
    real = incremental_link.components

    def counted(paths, edges):
        calls.append(1)
        return real(paths, edges)

    monkeypatch.setattr(incremental_link, "components", counted)
    for number in range(3):
        pair.edit("scripts/plain.py", f"import os\n\nprint(os.getcwd(), {number})\n")
        pair.assert_same(f"edit {number}")
    assert len(calls) == 1  # the first incremental link records what they came from
    incremental = incremental_link.COUNTERS.incremental
    pair.edit(
        "scripts/plain.py",
        "from app.settings import CHAT_MODEL\nfrom openai import OpenAI\n\n"
        "OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[])\n",
    )
    pair.assert_same("a new import")  # its boundaries are a full link's
    if incremental_link.COUNTERS.incremental > incremental:  # linked incrementally: computed again
        assert len(calls) == 2


def test_incremental_relink_equals_a_full_link_in_a_project_split_by_imports():
    """The same random edits in a project of loose folders (a bare repository): its
    boundaries, kept between edits that change no import, equal a full link's."""
    pair = Pair({**PYTHON, **TYPESCRIPT}, one_project=False)
    pair.assert_same("initial")
    for number, (path, text) in enumerate(_edits({**PYTHON, **TYPESCRIPT}, random.Random(7), 40)):
        pair.edit(path, text)
        pair.assert_same(f"edit {number}: {path} -> {text!r}")
