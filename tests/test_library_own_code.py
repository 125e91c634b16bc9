"""An SDK package's own modules are library code: the link does not link them, and the
project path does not parse them (a file that can reach an SDK only through the project's
modules is left to the link, which skips library code). Only a *top-level* package named
like an SDK is one (`import openai` from inside it finds it): an app's provider sub-package
(`app/providers/openai/`) is the app's code, linked like any other."""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine
from ragfirst.engine.project_model import link_project
from ragfirst.engine.python_link import ModuleIndex
from ragfirst.engine.runner import lint_sources
from ragfirst.rules.loader import load_ruleset

LIBRARIES = frozenset({"transformers", "openai", "trl", "ai"})
UNCAPPED = 'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'


def _index(paths: list[str]) -> ModuleIndex:
    return ModuleIndex(paths, "", libraries=LIBRARIES)


@pytest.mark.parametrize(
    ("paths", "module"),
    [
        (  # a wheel unpacked in a corpus: its top package, below a folder that is none
            [
                "transformers-5.24.0/transformers/__init__.py",
                "transformers-5.24.0/transformers/models/__init__.py",
                "transformers-5.24.0/transformers/models/bert.py",
            ],
            "transformers-5.24.0/transformers/models/bert.py",
        ),
        (["src/openai/__init__.py", "src/openai/resources/chat.py"], "src/openai/resources/chat.py"),
        (["vendor/openai/__init__.py", "vendor/openai/_client.py"], "vendor/openai/_client.py"),
        (["trl/__init__.py", "trl/trainer/__init__.py", "trl/trainer/sft.py"], "trl/trainer/sft.py"),
    ],
)
def test_a_top_level_sdk_package_is_library_code(paths, module):
    assert _index(paths).is_library_code(module)


@pytest.mark.parametrize(
    ("paths", "module"),
    [
        (  # `app.providers.openai`: `import openai` from inside finds the SDK, not it
            [
                "app/__init__.py",
                "app/providers/__init__.py",
                "app/providers/openai/__init__.py",
                "app/providers/openai/client.py",
            ],
            "app/providers/openai/client.py",
        ),
        (["app/ai/ask.py", "app/ai/clients.py"], "app/ai/ask.py"),  # a folder, no package
        (["app/openai.py", "app/__init__.py"], "app/openai.py"),  # a module's own name
        (["app/trl/__init__.py", "app/__init__.py", "app/trl/run.py"], "app/trl/run.py"),
    ],
)
def test_user_code_is_not_library_code(paths, module):
    assert not _index(paths).is_library_code(module)


PROVIDERS = {
    "app/__init__.py": "",
    "app/providers/__init__.py": "",
    "app/providers/openai/__init__.py": "",
    "app/providers/openai/config.py": "MODEL = 'x'\n",
    "app/providers/openai/client.py": (
        "from openai import OpenAI\nfrom .config import MODEL\nclient = OpenAI()\n" + UNCAPPED
    ),
    "app/providers/openai/service.py": "from .client import client\n" + UNCAPPED,
    "app/routes.py": "from app.providers.openai.client import client\n" + UNCAPPED,
}


def test_a_client_from_an_apps_provider_sub_package_reaches_its_users():
    """Once taken for the SDK's own code, which is never linked: the client built in
    `app/providers/openai/client.py` reached neither the sibling module nor the route."""
    findings = lint_sources(PROVIDERS, Settings(ignore=("RF107", "RF406")))
    assert sorted((f.path, f.rule_id) for f in findings) == [
        ("app/providers/openai/client.py", "RF401"),
        ("app/providers/openai/service.py", "RF401"),
        ("app/routes.py", "RF401"),
    ]


def test_an_sdk_packages_own_module_is_never_parsed_for_the_project_path():
    """A module of the SDK's own top-level package that uses a client of its own package
    (`from .._client import client`, then a method chain) is left to the link, which does
    not link library code: it is not parsed at all."""
    files = {
        "openai/__init__.py": "",
        "openai/_client.py": "from .resources import Chat\nclient = Chat()\n",
        "openai/lib/__init__.py": "",
        "openai/lib/helpers.py": "from .._client import client\n" + UNCAPPED,
    }
    engine = Engine(load_ruleset([]))
    data = {path: textwrap.dedent(text).encode() for path, text in files.items()}
    alone = {path: engine.analyze(path, raw) for path, raw in data.items()}
    helper = alone["openai/lib/helpers.py"]
    assert helper.via_project and not helper.parsed
    asked: list[tuple[str, object]] = []

    def reanalyze(path, environment, force):
        asked.append((path, force))
        return engine.analyze(path, data[path], environment=environment, force=force)

    link_project(alone, "", reanalyze, libraries=engine.sdk_roots())
    assert [path for path, _ in asked if path == "openai/lib/helpers.py"] == []
