"""The Python link parses only the modules whose summaries can change a finding (issue 26).

- a module the prefilter skipped is parsed for its summary only if it may bind a name an
  importer asks for to an SDK value (engine/link_gate.py: whole words, never substrings);
- a file that names no trigger of its own (`via_project`) is analysed again only when an
  SDK value reaches it; imported constants alone cannot give it a finding.

Every case checks the findings (nothing lost) and counts the analyses (the work saved)."""

from __future__ import annotations

import textwrap

import pytest
from tests.conftest import ids

from ragfirst.analyzers.python_exports import Vocabulary
from ragfirst.config.settings import Settings
from ragfirst.engine import link_gate
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.link_gate import (
    PROJECT_FORCE,
    asked_names,
    may_export_sdk_value,
    project_imports,
    sdk_force,
)
from ragfirst.engine.project_model import link_project
from ragfirst.engine.runner import lint_sources
from ragfirst.engine.serialize import dump_analysis, load_analysis
from ragfirst.rules.loader import load_ruleset

UNCAPPED = 'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'
VOCABULARY = Vocabulary.of(
    {
        "google.ai.Client().generate",
        "openai.OpenAI().chat.completions.create",
        "torch.nn.parallel.DistributedDataParallel",
    }
)
ROOTS = frozenset({"openai", "torch", "google"})


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


# -- the gate, on text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("from openai import OpenAI\nclient = OpenAI()\n", frozenset({"client"}), True),
        ("from openai import OpenAI\nclient = OpenAI()\n", None, True),
        # entry names count as whole words only: `ai` in `fairseq`, `nn` in `inner`
        ("import os\ninner = os.sep\nclient = 'fairseq'\n", frozenset({"client"}), False),
        ("from google import ai\nlayer = ai.Client()\n", frozenset({"layer"}), True),
        # the name asked for is not spelt: the module cannot bind it
        ("from openai import OpenAI\nclient = OpenAI()\n", frozenset({"helpers"}), False),
        ("from openai import OpenAI\nclient = OpenAI()\n", frozenset({"cli"}), False),
        # ... unless it re-exports with a star
        ("from .models import *\n", frozenset({"client"}), [".models:"]),
        ("try: from .models import*\nexcept ImportError: pass\n", frozenset({"client"}), [".models:"]),
        ("import os; from .models import *\n", frozenset({"client"}), [".models:"]),
        # a client built in another project module, passed on under another name: the
        # link asks that module (the import, as "module:name")
        (
            "from .models import default_llm as llm_handle\n",
            frozenset({"llm_handle"}),
            [".models:default_llm"],
        ),
        # no entry and only the standard library and SDKs imported: nothing to pass on
        ("import os\nimport torch\nllm_handle = os.environ\n", frozenset({"llm_handle"}), False),
        # an entry counts only with its own package: `nn` of torch, `ai` of google
        ("import os\nnn = 3\nai = os.sep\nclient = 1\n", frozenset({"client"}), False),
        ("import google.ai as ai\nclient = ai.Client()\n", frozenset({"client"}), True),
        ("from openai import nn\nclient = nn\n", frozenset({"client"}), False),
        # torch's `nn` leads to a rule only through `parallel`: `nn.Linear` makes no SDK value
        ("import torch\nfrom torch import nn\nlayer = nn.Linear(2, 2)  # not nn itself\n", None, False),
        ('"""Uses torch.nn."""\nimport torch\nlayer = torch.nn.Linear(2, 2)\n', None, False),
        ("from torch import nn\nfrom torch.nn.parallel import DistributedDataParallel as DDP\n", None, True),
        # `parallel` counts where code can take it from `nn`: an attribute, an import list,
        # a getattr's string; not in a comment or in prose (diffusers: `tensor-parallel`)
        ("import torch\nfrom torch import nn\nddp = nn.parallel.DistributedDataParallel\n", None, True),
        ("import torch\nfrom torch import nn\nddp = nn . parallel\n", None, True),
        ("import torch\nfrom torch.nn import Module, parallel as p\n", None, True),
        ("import torch\nfrom torch.nn import (\n    Module,\n    parallel,\n)\n", None, True),
        ("import torch\nfrom torch.nn import parallel\n", None, True),
        ('import torch\nfrom torch import nn\np = getattr(nn, "parallel")\n', None, True),
        ("import torch\nfrom torch.nn import *\nddp = parallel.DistributedDataParallel\n", None, True),
        ("from torch import nn\nfrom .common import *\nddp = parallel.DistributedDataParallel\n", None, True),
        # ... whatever comments, line ends and blanks stand between (review of session 15)
        ("import torch\nfrom torch.nn import (\n    Module,  # base class\n    parallel,\n)\n", None, True),
        ("import torch\nfrom torch.nn import (\n    # the DDP wrapper\n    parallel,\n)\n", None, True),
        ("import torch\nfrom torch.nn import (  #\n    parallel,\n)\n", None, True),
        ("import torch\nfrom torch import nn\np = (nn.  # the wrapper\n     parallel)\n", None, True),
        ("import torch\rfrom torch import nn\rx = 1  # hi\rp = nn.parallel\r", None, True),
        ("import torch\nfrom torch import nn\np = nn.\x0cparallel\n", None, True),
        ('import torch\nfrom torch import nn\nDOC = """\nsee #1 """; p = nn.parallel\n', None, True),
        ('import torch\nfrom torch import nn\nDOC = "a\\\n#b"; p = nn.parallel\n', None, True),
        ("import torch\nfrom torch.nn import*\nddp = parallel.DistributedDataParallel\n", None, True),
        (
            "import torch\nfrom torch.nn import \\\n    *\nddp = parallel.DistributedDataParallel\n",
            None,
            True,
        ),
        (
            "import torch\nfrom torch import nn\nlayer = nn.Linear(2, 2)  # tensor-parallel plan\n",
            None,
            False,
        ),
        (
            "import torch\nfrom torch import nn\nlayer = nn.Linear(2, 2)  # (parallel attention)\n",
            None,
            False,
        ),
        ('import torch\nfrom torch import nn\n# is often called a "parallel" block\n', None, False),
        ('import torch\nfrom torch import nn\n"""Runs in parallel."""\n', None, False),
        (
            "import torch\nfrom torch import nn\nparallel = 4\nwidth = parallel + nn.Linear(2, 2)\n",
            None,
            False,
        ),
        # ... or the module itself, as a value: an alias, a getattr, after a `;`
        ("import torch\nnn_module = torch.nn\n", None, True),
        ('import torch\nmodule = getattr(torch, "nn")\n', None, True),
        ("from torch import nn; alias = nn\n", None, True),
        ('import torch\nx = "#"; y = torch.nn\n', None, True),
        # the package must be imported (the analyzer makes SDK values only from imports):
        # spelt in a docstring or a model id with an entry word, it makes none
        ('"""Like openai.OpenAI()."""\nclient = OpenAI\n', None, False),
        ('MODEL = "openai/clip-vit-large-patch14"\nembeddings = make(MODEL)\n', None, False),
        ('MODEL = "openai/clip"\nimport openai\nclient = openai.OpenAI()\n', None, True),
        ("def load():\n    import openai\n    return openai.OpenAI()\nclient = load()\n", None, True),
        ("try: from openai import OpenAI\nexcept ImportError: pass\nclient = OpenAI()\n", None, True),
        ("import os, openai as oa\nclient = oa.OpenAI()\n", None, True),
        ("from openai.lib._old import OpenAI\nclient = OpenAI()\n", None, True),
        ("from myopenai import OpenAI\nclient = OpenAI()\n", None, ["myopenai:OpenAI"]),
    ],
)
def test_gate_on_text(text, names, expected):
    assert may_export_sdk_value(text, names, VOCABULARY, ROOTS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = nn\n", True),
        ("layer = nn.Linear(2, 2)\n", False),  # an attribute of the module
        ("layer = nn . Linear(2, 2)\n", False),
        ("from torch import nn\n", False),
        ("inner = 1\nnnn = 2\nann = 3\n", False),  # inside other words only
        ("x = a9nn\ny = nn9\nz = _nn\n", False),
        ("x = 9nn\n", False),  # `9nn`: no word boundary before `nn` either
        ("x = 1  # nn\n", False),  # a comment
        ('x = "#"; y = nn\n', True),  # a `#` inside a string is no comment
        ("x = (nn)\n", True),
        ("nn\n", True),
        ("x = énn\n", False),  # a non-ASCII letter is a word character
        ('"""Shards nn layers."""\n', False),  # prose: Python has no `NAME NAME`
        ("x = nn if ok else None\n", True),  # a keyword may follow a name
        ("layers = [nn for nn in stack]\n", True),
        ("x = (nn, y)\n", True),
    ],
)
def test_a_bare_module_name_is_a_whole_word_not_taken_an_attribute_of(text, expected):
    from ragfirst.engine.link_gate import _bare

    assert _bare(text, "nn") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from .models import a, b as c\n", [".models:a", ".models:b"]),
        ("from . import (a,  # one, two\n    b as bee)\n", [".:a", ".:b"]),
        ("from app.deps import *\n", ["app.deps:"]),
        ("import app.deps.x as d, os, numpy as np\n", ["app:", "app.deps:", "app.deps.x:", "numpy:"]),
        ("def f():\n    if x: from app import client\n", ["app:client"]),  # wherever it stands
        ("from app \\\n    import client\n", ["app:client"]),
        (
            "import os\nfrom openai import OpenAI\nfrom torch import nn\nfrom __future__ import annotations\n",
            [],
        ),
    ],
)
def test_the_imports_that_may_be_the_projects(text, expected):
    assert project_imports(text, ROOTS) == expected


def test_force_carries_the_names_asked_for():
    assert asked_names(sdk_force(frozenset({"b", "a"}))) == frozenset({"a", "b"})
    assert asked_names(sdk_force(None)) is None
    assert asked_names("sdk") is None


def test_via_project_survives_the_cache(engine):
    """A file that can reach an SDK only through the project's modules is left to the
    link: not parsed, its imports read from the text."""
    code = "from app.deps import client\n" + UNCAPPED
    analysis = engine.analyze("app/routes.py", code.encode())
    assert not analysis.parsed and analysis.via_project
    assert analysis.deferred_imports == ["app.deps:client"]
    loaded = load_analysis(dump_analysis(analysis))
    assert loaded.via_project and loaded.deferred_imports == ["app.deps:client"]
    direct = engine.analyze(
        "app/deps.py", b"from openai import OpenAI\nclient = OpenAI()\n" + UNCAPPED.encode()
    )
    assert direct.parsed and not direct.via_project


def test_no_rule_is_tried_on_a_via_project_file_until_a_client_reaches_it(engine, monkeypatch):
    """The prefilter found no trigger in it, so alone no rule can match there: it is not
    parsed until the link finds an import of it offering an SDK value; then it is parsed
    for its imports (no matcher run) and analysed again, rules and all, with them."""
    matched: list[str] = []
    original = Engine._match

    def spy(self, analysis, *args):
        matched.append(analysis.path)
        return original(self, analysis, *args)

    monkeypatch.setattr(Engine, "_match", spy)
    code = "from app.deps import client\n" + UNCAPPED
    analysis = engine.analyze("app/routes.py", code.encode())
    assert not analysis.parsed and analysis.via_project
    reached = engine.analyze("app/routes.py", code.encode(), force=PROJECT_FORCE)
    assert reached.parsed and reached.via_project
    assert reached.used_imports == [("app.deps", "client")]
    assert matched == []
    files = {"app/deps.py": "from openai import OpenAI\nclient = OpenAI()\n"}
    assert ids(lint(code, "app/routes.py", **files)) == ["RF401"]
    assert "app/routes.py" in matched


@pytest.mark.parametrize(
    ("code", "deferred"),
    [
        # the standard library's `collections`, imported: no client's `.collections` there
        ("from collections import OrderedDict\nfrom app.store import db\ndb.get('x')\n", False),
        ("import collections.abc\nfrom app.store import db\ndb.get('x')\n", False),
        ("import os, collections\nfrom app.store import db\ndb.get('x')\n", False),
        # a client's `collections` (weaviate's `client.collections.get`), stdlib import or not
        ("from app.store import client\nclient.collections.get('Docs')\n", True),
        (
            "from collections import OrderedDict\nfrom app.store import client\n"
            "client.collections.get('Docs')\n",
            True,
        ),
        # a project module's `collections`, imported under that name (or bound by `as`)
        ("from app.store import collections\ncollections.get('Docs')\n", True),
        ("import app.store as collections\ncollections.get('Docs')\n", True),
    ],
)
def test_a_trigger_word_spelt_only_as_an_imported_stdlib_module_defers_nothing(engine, code, deferred):
    """A project trigger's words must stand where a value's attribute can: `collections`
    in `from collections import OrderedDict` names the standard library's module (29 of the
    second bench corpus's 336 modules left to the link, 113 of 736 in the 18 repositories)."""
    analysis = engine.analyze("app/search.py", code.encode())
    assert not analysis.parsed
    assert analysis.via_project is deferred


# -- findings through the link ------------------------------------------------------------


def lint(code: str, path: str, **files: str):
    sources = {path: textwrap.dedent(code), **{name: textwrap.dedent(text) for name, text in files.items()}}
    return [f for f in lint_sources(sources, Settings(ignore=("RF107", "RF406"))) if f.path == path]


def test_a_client_passed_on_under_another_name_by_a_skipped_module_still_fires():
    files = {
        "app/models.py": "from openai import OpenAI\ndefault_llm = OpenAI()\n",
        "app/registry.py": "from .models import default_llm as llm_handle\n",  # names no SDK entry
    }
    code = "from app.registry import llm_handle\n" + UNCAPPED.replace("client.", "llm_handle.")
    assert ids(lint(code, "app/routes.py", **files)) == ["RF401"]


def test_constants_reach_a_file_that_gets_its_client_from_the_project():
    """The file names no trigger; once a client reaches it, the model constant of the
    settings module (skipped, named by no trigger) is read as in any other file."""
    files = {
        "app/deps.py": "from openai import OpenAI\nclient = OpenAI()\n",
        "app/settings.py": 'BASE_MODEL = "davinci-002"\nTRAINING_FILE = "file-abc"\n',
    }
    code = (
        "from app.deps import client\nfrom app.settings import BASE_MODEL, TRAINING_FILE\n"
        "client.fine_tuning.jobs.create(model=BASE_MODEL, training_file=TRAINING_FILE)\n"
    )
    findings = lint(code, "app/admin.py", **files)
    assert ids(findings) == ["RF101"]
    assert "davinci-002" in findings[0].message


# -- the work saved -----------------------------------------------------------------------


def _link(engine: Engine, files: dict[str, str]) -> tuple[list[tuple[str, str]], dict[str, FileAnalysis]]:
    """Link an in-memory project; the (path, kind) of every analysis the link asked for."""
    data = {path: textwrap.dedent(text).encode() for path, text in files.items()}
    alone = {path: engine.analyze(path, raw) for path, raw in data.items()}
    asked: list[tuple[str, str]] = []

    def reanalyze(path, environment, force):
        analysis = engine.analyze(path, data[path], environment=environment, force=force)
        kind = "environment" if environment else f"force:{force}"
        asked.append((path, kind + (":parsed" if analysis.parsed else "")))
        return analysis

    result = link_project(alone, "", reanalyze)
    return asked, {**alone, **result.analyses}


LIBRARY = {
    # a package's own modules: constants and helpers, no client anywhere
    "pkg/__init__.py": "",
    "pkg/constants.py": 'DEFAULT_SCHEDULE = "linear"\nWIDTH = 64\n',
    "pkg/utils.py": "from .constants import WIDTH\n\ndef helper():\n    return WIDTH * 2\n",
    # passes the prefilter only through the project path (a method chain after a client)
    "pkg/embed.py": (
        "from .constants import DEFAULT_SCHEDULE\nfrom .utils import helper\n\n"
        "def build(store):\n    return store.embeddings.create(input=DEFAULT_SCHEDULE, size=helper())\n"
    ),
}


def test_a_file_reached_by_no_client_is_not_analysed_again_for_constants(engine):
    asked, analyses = _link(engine, LIBRARY)
    assert analyses["pkg/embed.py"].via_project
    assert not analyses["pkg/embed.py"].parsed  # nothing reaches it: never parsed
    assert [kind for path, kind in asked if path == "pkg/embed.py"] == []
    # its imports were looked at for SDK values only, and none offers one
    assert all(kind.startswith("force:sdk") for _, kind in asked), asked


def test_a_module_that_does_not_spell_the_name_asked_for_is_not_parsed(engine):
    files = {
        "app/__init__.py": "VERSION = '1'\n",  # `from app import helpers` asks it for `helpers`
        "app/helpers.py": "WIDTH = 3\n",
        "app/main.py": "from app import helpers\n\ndef f(store):\n    return store.embeddings.create(input=helpers.WIDTH)\n",
    }
    asked, analyses = _link(engine, files)
    assert analyses["app/main.py"].via_project
    assert ("app/__init__.py", "force:sdk:helpers") in asked  # asked, and declined
    assert not any(kind.endswith(":parsed") for _, kind in asked), asked


def test_a_declined_module_is_parsed_when_another_name_is_asked_for(engine):
    files = {
        "app/__init__.py": "from openai import OpenAI\nclient = OpenAI()\n",
        "app/helpers.py": "WIDTH = 3\n",
        "app/main.py": "from app import helpers\n\ndef f(store):\n    return store.embeddings.create(input=helpers.WIDTH)\n",
        "app/chat.py": "from app import client\n" + UNCAPPED,
    }
    asked, _ = _link(engine, files)
    assert ("app/__init__.py", "force:sdk:helpers") in asked
    assert ("app/__init__.py", "force:sdk:client:parsed") in asked
    others = {k: v for k, v in files.items() if k != "app/chat.py"}
    assert ids(lint(files["app/chat.py"], "app/chat.py", **others)) == ["RF401"]


# -- a skipped module that could only pass on what its own imports offer -----------------

PASSED_ON = {
    "app/__init__.py": "",
    "app/models.py": "from openai import OpenAI\ndefault_llm = OpenAI()\n",
    "app/config.py": "TIMEOUT = 30\n",
    # names no SDK entry: only its project imports could give it an SDK value
    "app/registry.py": "import numpy\nfrom .{module} import {name} as llm_handle\n",
    "app/routes.py": "from app.registry import llm_handle\n" + UNCAPPED.replace("client.", "llm_handle."),
}


def _passed_on(module: str, name: str) -> dict[str, str]:
    return {path: text.format(module=module, name=name) for path, text in PASSED_ON.items()}


def test_a_module_whose_project_import_offers_a_client_is_parsed(engine):
    asked, analyses = _link(engine, _passed_on("models", "default_llm"))
    assert ("app/registry.py", "force:all:parsed") in asked
    assert "RF401" in {match.rule_id for match in analyses["app/routes.py"].matches}


def test_a_module_whose_project_imports_offer_no_sdk_value_is_not_parsed(engine):
    """registry.py imports `numpy` (not the project's) and a constant: nothing it can pass
    on is an SDK value, so it is not parsed (before: any import that was neither the
    standard library nor an SDK let it through)."""
    asked, analyses = _link(engine, _passed_on("config", "TIMEOUT"))
    assert [kind for path, kind in asked if path == "app/registry.py"] == ["force:sdk:llm_handle"]
    assert "RF401" not in {match.rule_id for match in analyses["app/routes.py"].matches}


def test_the_same_module_through_the_whole_pipeline():
    for module, name, expected in (("models", "default_llm", ["RF401"]), ("config", "TIMEOUT", [])):
        files = _passed_on(module, name)
        routes = files.pop("app/routes.py")
        assert ids(lint(routes, "app/routes.py", **files)) == expected


# -- files left to the link ---------------------------------------------------------------

DEPS = {"app/__init__.py": "", "app/deps.py": "from openai import OpenAI\nclient = OpenAI()\n"}


def test_a_file_left_to_the_link_is_parsed_once_a_client_reaches_it(engine):
    files = {**DEPS, "app/routes.py": "from app.deps import client\n" + UNCAPPED}
    asked, analyses = _link(engine, files)
    kinds = [kind for path, kind in asked if path == "app/routes.py"]
    assert kinds == [f"force:{PROJECT_FORCE}:parsed", "environment:parsed"]
    assert [match.rule_id for match in analyses["app/routes.py"].matches] == ["RF401"]


def test_a_file_left_to_the_link_keeps_its_findings_when_an_importer_reads_its_constants():
    """An importer that reads a constant of it links it first (it asks for the constant
    before the file's own link): the file is still linked for its own findings, not only
    parsed for the constant."""
    files = {
        **DEPS,
        "app/routes.py": 'from app.deps import client\nMODEL = "gpt-4o-mini"\n' + UNCAPPED,
    }
    importer = (  # its own client: it asks for the constant only (python_link._reexported)
        "from openai import OpenAI\nfrom app.routes import MODEL\n"
        "OpenAI().chat.completions.create(model=MODEL, messages=[])\n"
    )
    sources = {"app/a.py": importer, **files}
    findings = lint_sources(sources, Settings(ignore=("RF107", "RF406")))
    assert sorted((f.path, f.rule_id) for f in findings) == [
        ("app/a.py", "RF401"),
        ("app/routes.py", "RF401"),
    ]


def test_a_syntax_error_in_a_file_left_to_the_link_is_reported_once_it_is_parsed():
    broken = "from app.deps import client\n" + UNCAPPED + "def broken(:\n"
    reached = lint_sources({**DEPS, "app/routes.py": broken}, Settings())
    assert [(f.path, f.rule_id) for f in reached if f.rule_id == "RF000"] == [("app/routes.py", "RF000")]
    # no import of it offers an SDK value: it is not parsed, as a file the prefilter skips
    alone = lint_sources({"app/__init__.py": "", "app/routes.py": broken}, Settings())
    assert [f for f in alone if f.rule_id == "RF000"] == []


def test_a_hash_inside_triple_quotes_is_told_alike_when_counted_and_when_looked_up():
    """`_in_comment` counts the triple quotes before a line for a text's first asks and
    looks them up once found for the rest (a file of comments asks for every line)."""
    text = 'x = """\n# inside\n"""\n# outside\n' * 5
    hashes = [at for at, char in enumerate(text) if char == "#"]
    counted = []
    for at in hashes:
        link_gate._last_quotes = ("", 0, None)  # a first ask of this text each time
        counted.append(link_gate._in_comment(text, at))
    looked_up = [link_gate._in_comment(text, at) for at in hashes]
    assert link_gate._last_quotes[2] is not None  # asked more than `_COUNTED_ASKS` times
    assert counted == looked_up == [False, True] * 5
