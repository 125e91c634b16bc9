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
from ragfirst.engine.runner import default_context, lint_sources
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


# -- the SDK's own package: its calls of itself are no SDK calls -----------------------------

OWN_CALL = "from openai import OpenAI\n\nOpenAI().chat.completions.create(model='gpt-4o-mini', messages=[])\n"
OTHER_SDK = (
    "from mistralai import Mistral\n\nMistral().chat.complete(model='mistral-small-latest', messages=[])\n"
    + OWN_CALL
)


def _findings(files: dict[str, str]) -> list[tuple[str, str]]:
    findings = lint_sources(files, Settings(ignore=("RF107", "RF406")))
    return sorted((f.path, f.rule_id) for f in findings)


def test_the_sdks_own_package_calling_itself_is_not_a_use_of_it():
    files = {"openai/__init__.py": "", "openai/lib/__init__.py": "", "openai/lib/helpers.py": OWN_CALL}
    assert _findings(files) == []
    # the same module in an app's provider sub-package is the app's call of the SDK
    app = {
        "app/__init__.py": "",
        "app/providers/__init__.py": "",
        "app/providers/openai/__init__.py": "",
        "app/providers/openai/helpers.py": OWN_CALL,
    }
    assert _findings(app) == [("app/providers/openai/helpers.py", "RF401")]


def test_the_sdks_own_package_calling_another_sdk_is_analysed_as_anywhere():
    """Only its own name binds nothing there: the uncapped Mistral call is reported, the
    package's call of itself is not."""
    files = {"openai/__init__.py": "", "openai/lib/__init__.py": "", "openai/lib/both.py": OTHER_SDK}
    findings = lint_sources(files, Settings(ignore=("RF107", "RF406")))
    assert [(f.path, f.rule_id, f.span.start_line) for f in findings] == [("openai/lib/both.py", "RF401", 3)]
    assert "Mistral" in findings[0].message


def test_a_file_of_the_sdks_own_package_is_not_parsed_for_its_own_name():
    engine = Engine(load_ruleset([]))
    own = engine.analyze("openai/lib/helpers.py", OWN_CALL.encode(), own_packages=frozenset({"openai"}))
    assert not own.parsed  # the prefilter: `openai` roots nothing in openai's own code
    alone = engine.analyze("openai/lib/helpers.py", OWN_CALL.encode())
    assert alone.parsed and [match.rule_id for match in alone.matches] == ["RF401"]


def test_a_package_made_or_unmade_by_an_init_file_moves_the_findings():
    """The workspace (the server's model) follows `__init__.py` files coming and going:
    `vendor/openai/` is a top-level package (the SDK's own code) until `vendor/` becomes a
    package (then it is `vendor.openai`, code of the app's)."""
    from ragfirst.engine.file_ids import FileKey
    from ragfirst.engine.workspace import Workspace

    files = {"vendor/openai/__init__.py": b"", "vendor/openai/helpers.py": OWN_CALL.encode()}
    workspace = Workspace(lambda key: files.get(key.id))
    settings = Settings(ignore=("RF107", "RF406"))
    engine = workspace.engine_for(settings)

    def rules() -> list[str]:
        workspace.relink()
        context = default_context(settings)
        return [f.rule_id for key in list(workspace.files) for f in workspace.findings_for(key, context)]

    for name, data in files.items():
        workspace.update(FileKey("", name), data, settings, engine)
    assert rules() == []
    files["vendor/__init__.py"] = b""
    workspace.update(FileKey("", "vendor/__init__.py"), b"", settings, engine)
    assert rules() == ["RF401"]
    del files["vendor/__init__.py"]
    workspace.remove(FileKey("", "vendor/__init__.py"))
    assert rules() == []


def test_a_cached_analysis_follows_the_packages(tmp_path, monkeypatch, capsys):
    """The cache keys an analysis by the packages that hold the file: a run after the
    folder above became a package does not reuse the analysis made as the SDK's own code."""
    import json

    from ragfirst.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ragfirst.toml").write_text("")
    (tmp_path / "vendor" / "openai").mkdir(parents=True)
    (tmp_path / "vendor" / "openai" / "__init__.py").write_text("")
    (tmp_path / "vendor" / "openai" / "helpers.py").write_text(OWN_CALL)
    cache = tmp_path / ".cache"

    def rules() -> list[str]:
        main(
            ["check", "--format", "json", "--exit-zero", "--cache-dir", str(cache), "--ignore", "RF406", "."]
        )
        return sorted(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])

    assert rules() == []
    (tmp_path / "vendor" / "__init__.py").write_text("")
    assert rules() == ["RF401"]


def test_a_file_loaded_later_takes_the_packages_the_workspace_knows(tmp_path):
    """The server loads files found on disk later in small batches: a new module of the
    SDK's own package is its code although its batch holds no `__init__.py`."""
    from ragfirst.engine.file_ids import FileKey
    from ragfirst.engine.workspace import Workspace
    from ragfirst.engine.workspace_load import PlannedFile

    root = tmp_path.as_posix()
    (tmp_path / "openai").mkdir()
    (tmp_path / "openai" / "__init__.py").write_text("")
    (tmp_path / "openai" / "helpers.py").write_text(OWN_CALL)
    settings = Settings(ignore=("RF107", "RF406"))
    workspace = Workspace()
    engine = workspace.engine_for(settings)
    init = FileKey(root, "openai/__init__.py")
    workspace.update(init, b"", settings, engine)
    workspace.relink()  # the package is known before the batch comes
    helpers = FileKey(root, "openai/helpers.py")
    workspace.paths[helpers] = tmp_path / "openai" / "helpers.py"
    workspace.load([PlannedFile(tmp_path / "openai" / "helpers.py", helpers, settings, engine)])
    workspace.relink()
    assert workspace.files[helpers].packages == frozenset({"openai"})
    assert workspace.findings_for(helpers, default_context(settings)) == []


# -- RF406 in the SDK's own package: the SDK's model ids are its business ---------------------

RETIRED = "gpt-3.5-turbo-0125"
OWN_LIST = f'ChatModel = Literal["gpt-4o", "{RETIRED}"]\n'
MISTRAL_CALL = f"from mistralai import Mistral\n\nMistral().chat.complete(model='{RETIRED}', messages=[])\n"


def test_an_sdks_own_model_ids_are_not_parsed_for_nor_reported():
    """openai's own `Literal` lists and defaults name retiring models for its users: the
    prefilter does not parse its files for them, and RF406 does not report one in a file
    of the package parsed for another reason; the same call in the app is reported."""
    engine = Engine(load_ruleset([]))
    own = frozenset({"openai"})
    assert not engine.analyze("openai/types/chat_model.py", OWN_LIST.encode(), own_packages=own).parsed
    assert engine.analyze("app/chat_model.py", OWN_LIST.encode()).parsed  # the substring lets it in
    files = {
        "openai/__init__.py": "",
        "openai/lib/__init__.py": "",
        "openai/lib/bridge.py": MISTRAL_CALL,
        "app/bridge.py": MISTRAL_CALL,
    }
    findings = lint_sources(files, Settings(ignore=("RF107",)))
    assert sorted((f.path, f.rule_id) for f in findings) == [
        ("app/bridge.py", "RF401"),
        ("app/bridge.py", "RF406"),
        ("openai/lib/bridge.py", "RF401"),  # another SDK's call, analysed as anywhere
    ]


def test_a_key_in_an_sdks_own_package_is_still_reported():
    """Only RF406 looks away from an SDK's own code: a hard-coded key is a key anywhere."""
    key = 'API_KEY = "sk-proj-' + "a1B2c3D4e5F6g7H8i9J0" * 3 + '"\n'
    engine = Engine(load_ruleset([]))
    found = engine.analyze("openai/lib/keys.py", key.encode(), own_packages=frozenset({"openai"}))
    assert found.parsed and [m.rule_id for m in found.matches] == ["RF404"]
