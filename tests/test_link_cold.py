"""The cross-module link's cost in a cold run (issues 17 and 26).

- The link's parse of a module the prefilter skipped computes its summary only (no rule
  can match in it): counted, and the finding that needs its constant still named.
- `ragfirst check --timings` shows the link's share of the run and its work."""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.cli.main import main
from ragfirst.engine import engine as engine_module
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.project_model import link_project
from ragfirst.rules.loader import load_ruleset


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def _link(engine: Engine, files: dict[str, str]) -> tuple[list[tuple[str, str]], dict[str, FileAnalysis]]:
    """Link an in-memory project: the (path, kind) of every analysis the link asked for,
    and the linked analyses."""
    data = {path: textwrap.dedent(text).encode() for path, text in files.items()}
    alone = {path: engine.analyze(path, raw) for path, raw in data.items()}
    asked: list[tuple[str, str]] = []

    def reanalyze(path, environment, force):
        analysis = engine.analyze(path, data[path], environment=environment, force=force)
        asked.append((path, "environment" if environment else f"force:{force}"))
        return analysis

    result = link_project(alone, "", reanalyze)
    return asked, {**alone, **result.analyses}


SETTINGS = 'CHAT_MODEL = "gpt-3.5-turbo"\nDEBUG = True\nVERSION = "1.4"\n'
HEAD = "from openai import OpenAI\nfrom app.settings import CHAT_MODEL, DEBUG, VERSION\n\nclient = OpenAI()\n"


def _messages(analysis: FileAnalysis, rule: str) -> list[str]:
    return [" ".join(match.captures.values()) for match in analysis.matches if match.rule_id == rule]


# -- the work the link saves, and the findings it keeps ----------------------------------


def test_a_skipped_module_is_parsed_for_its_summary_without_matching_rules(engine, monkeypatch):
    matched: list[str] = []
    original = engine_module.Engine._match

    def counting(self, analysis, *args):
        matched.append(analysis.path)
        return original(self, analysis, *args)

    monkeypatch.setattr(engine_module.Engine, "_match", counting)
    settings = 'BASE_MODEL = "davinci-002"\nTRAINING_FILE = "file-abc"\n'  # names no trigger
    code = (
        "from openai import OpenAI\nfrom app.settings import BASE_MODEL, TRAINING_FILE\n\n"
        "OpenAI().fine_tuning.jobs.create(model=BASE_MODEL, training_file=TRAINING_FILE)\n"
    )
    asked, analyses = _link(engine, {"app/settings.py": settings, "app/train.py": code})
    assert (
        "app/settings.py",
        "force:all:BASE_MODEL",
    ) in asked  # skipped by the prefilter, parsed by the link
    assert "app/settings.py" not in matched
    assert matched.count("app/train.py") == 2  # alone, then with the constants
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))


# -- --timings ----------------------------------------------------------------------------


def test_timings_show_the_link_and_its_work(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text('BASE_MODEL = "davinci-002"\n')  # names no trigger
    code = "from openai import OpenAI\nfrom app.settings import BASE_MODEL\n\nOpenAI().fine_tuning.jobs.create(model=BASE_MODEL)\n"
    (tmp_path / "app" / "train.py").write_text(code)
    main(
        ["check", str(tmp_path), "--no-cache", "--jobs", "1", "--timings", "--exit-zero", "--format", "json"]
    )
    err = capsys.readouterr().err
    for phase in ("discover and plan", "read and analyse", "link (cross-module)", "finalize", "total"):
        assert phase in err
    assert "link: analysed again with its imports" in err
    assert "link: parsed for a summary (prefilter-skipped)" in err


def test_timings_on_a_warm_run_take_the_full_path(tmp_path, capsys):
    """A run its manifest could answer still times its phases when asked (warm_check.py)."""
    (tmp_path / "a.py").write_text("from openai import OpenAI\nOpenAI().fine_tuning.jobs.create(model='x')\n")
    cache = ["--cache-dir", str(tmp_path / ".cache"), "--exit-zero"]
    main(["check", str(tmp_path / "a.py"), *cache])
    main(["check", str(tmp_path / "a.py"), *cache])  # answered by the run manifest
    capsys.readouterr()
    main(["check", str(tmp_path / "a.py"), *cache, "--timings"])
    captured = capsys.readouterr()
    assert "RF101" in captured.out and "total" in captured.err


def test_no_timings_without_the_option(tmp_path, capsys):
    (tmp_path / "a.py").write_text("x = 1\n")
    main(["check", str(tmp_path), "--no-cache", "--exit-zero"])
    assert "timings" not in capsys.readouterr().err


def test_the_bench_reads_the_link_share_of_a_timings_table():
    import sys
    from pathlib import Path

    from ragfirst.engine.timings import Recording

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from link_share import goal, link_share

    recording = Recording()
    recording.phases = {"read and analyse": [9.0, 9.5], "link (cross-module)": [1.5, 1.6]}
    recording.counts = {"link: analysed again with its imports": 12}
    share = link_share(recording.render())
    assert share is not None and share["counts"]["link: analysed again with its imports"] == 12
    assert 0.13 < share["share"] < 0.16  # 1.5 of 10.5 and the report's few milliseconds
    assert goal(share)["holds"] is False
    assert goal(None)["holds"] is None


def _counts(err: str) -> dict[str, int]:
    """The count lines of a --timings table: label -> count."""
    counts = {}
    for line in err.splitlines():
        label, _, number = line.strip().rpartition(" ")
        if label.startswith(("link:", "files parsed")) and number.isdigit():
            counts[label.strip()] = int(number)
    return counts


def test_the_links_analyses_are_read_from_the_cache_by_the_next_run(tmp_path, capsys):
    """A run after a change elsewhere takes the link's analyses (a file with what its
    imports bind, a skipped module's summary) from the on-disk cache: none is made again."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text('BASE_MODEL = "davinci-002"\n')
    code = "from openai import OpenAI\nfrom app.settings import BASE_MODEL\n\nOpenAI().fine_tuning.jobs.create(model=BASE_MODEL)\n"
    (tmp_path / "app" / "train.py").write_text(code)
    (tmp_path / "other.py").write_text("x = 1\n")
    args = [
        "check",
        str(tmp_path),
        "--cache-dir",
        str(tmp_path / ".cache"),
        "--jobs",
        "1",
        "--timings",
        "--exit-zero",
    ]
    main(args)
    first = _counts(capsys.readouterr().err)
    made = {label: n for label, n in first.items() if label.startswith("link:") and "cache" not in label}
    assert sum(made.values()) >= 1, first  # the link analysed something itself
    (tmp_path / "other.py").write_text("x = 2\n")  # a change elsewhere: no run snapshot answers
    main(args)
    second = _counts(capsys.readouterr().err)
    again = {
        label: n
        for label, n in second.items()
        if label.startswith("link:") and "cache" not in label and "remembered" not in label
    }
    assert not any(again.values()), second
    assert any("from the cache" in label for label in second), second


# -- constants computed in other modules: an importer's constants, and what it costs -----

TUNE_WITH = (
    "from openai import OpenAI\nfrom app.{module} import {name}\n\n"
    "OpenAI().fine_tuning.jobs.create(model={name}, training_file='file-abc')\n"
)


def _chain(length: int) -> dict[str, str]:
    """app/m0.py defines the model; m1 .. m{length-1} each compute it from the one before
    (`M1 = M0`); train.py reads the last: the constant crosses `length` modules."""
    files = {"app/__init__.py": "", "app/m0.py": 'M0 = "davinci-002"\n'}
    for n in range(1, length):
        files[f"app/m{n}.py"] = f"from app.m{n - 1} import M{n - 1}\n\nM{n} = M{n - 1}\n"
    files["app/train.py"] = TUNE_WITH.format(module=f"m{length - 1}", name=f"M{length - 1}")
    return files


@pytest.mark.parametrize("length", [1, 2, 3, 6])
def test_a_constant_computed_through_a_chain_of_modules_reaches_the_call(engine, length):
    asked, analyses = _link(engine, _chain(length))
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))
    # each module in the chain computes the name asked from its import: each is linked
    linked = {path for path, kind in asked if kind == "environment"}
    assert linked >= {f"app/m{n}.py" for n in range(1, length)}


def test_a_re_export_is_resolved_with_constants(engine):
    files = _chain(3)
    files["app/__init__.py"] = "from app.m2 import M2\n"
    files["app/train.py"] = TUNE_WITH.replace("app.{module}", "app").format(name="M2")
    _, analyses = _link(engine, files)
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))


def test_a_name_the_module_defines_itself_does_not_link_that_module_for_constants(engine):
    """train.py reads MODEL from app/models.py, which defines it as a literal but also
    computes OTHER from another module: models.py is not analysed again for train.py (its
    MODEL is the same either way); asked for OTHER, it is."""
    files = {
        "app/__init__.py": "",
        "app/base.py": 'BASE = "babbage-002"\n',
        "app/models.py": 'from app.base import BASE\n\nMODEL = "davinci-002"\nOTHER = BASE\n',
        "app/train.py": TUNE_WITH.format(module="models", name="MODEL"),
    }
    asked, analyses = _link(engine, files)
    assert ("app/models.py", "environment") not in asked
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))
    files["app/train.py"] = TUNE_WITH.format(module="models", name="OTHER")
    asked, analyses = _link(engine, files)
    assert ("app/models.py", "environment") in asked
    assert any("babbage-002" in message for message in _messages(analyses["app/train.py"], "RF101"))


def test_a_class_the_module_defines_keeps_its_own_constants_without_a_link(engine):
    """Settings is defined in settings.py with a literal model; the module also imports
    from another project module, which the importer's use of Settings does not need."""
    files = {
        "app/__init__.py": "",
        "app/log.py": "LEVEL = 'info'\n",
        "app/settings.py": (
            "from app.log import LEVEL\n\n"
            "class Settings:\n    model = 'davinci-002'\n    level = LEVEL\n\nsettings = Settings()\n"
        ),
        "app/train.py": (
            "from openai import OpenAI\nfrom app.settings import settings\n\n"
            "OpenAI().fine_tuning.jobs.create(model=settings.model, training_file='file-abc')\n"
        ),
    }
    asked, analyses = _link(engine, files)
    assert ("app/settings.py", "environment") not in asked
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))


def test_a_re_exported_name_is_taken_from_its_module_without_linking_the_package(engine):
    """`from app import MODEL`, with `app/__init__.py` re-exporting it (and importing other
    things): the constant comes from app/settings.py; `__init__.py` is not analysed again
    with its imports' constants for it (before: re-exports made the package be linked)."""
    files = {
        "app/__init__.py": "from app.settings import MODEL\nfrom app.log import LEVEL\n\nNAME = LEVEL + '-app'\n",
        "app/log.py": "LEVEL = 'info'\n",
        "app/settings.py": 'from app.log import LEVEL\n\nMODEL = "davinci-002"\n',
        "app/train.py": TUNE_WITH.replace("app.{module}", "app").format(name="MODEL"),
    }
    asked, analyses = _link(engine, files)
    assert ("app/__init__.py", "environment") not in asked
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))


def test_a_package_that_does_not_spell_the_name_asked_is_not_parsed_for_constants(engine):
    """`from app import settings` asks app/__init__.py for `settings` with constants; the
    package does not spell it, so it cannot define it: not parsed (the submodule is found
    without it). A package that does spell it is parsed."""
    files = {
        "app/__init__.py": 'VERSION = "1.0"\n',
        "app/settings.py": 'MODEL = "davinci-002"\n',
        "app/train.py": (
            "from openai import OpenAI\nfrom app import settings\n\n"
            "OpenAI().fine_tuning.jobs.create(model=settings.MODEL, training_file='file-abc')\n"
        ),
    }
    asked, analyses = _link(engine, files)
    assert ("app/__init__.py", "force:all:settings") in asked
    assert any("davinci-002" in message for message in _messages(analyses["app/train.py"], "RF101"))
    package = files["app/__init__.py"].encode()
    assert not engine.analyze("app/__init__.py", package, force="all:settings").parsed
    assert engine.analyze("app/__init__.py", b"settings = None\n", force="all:settings").parsed
    assert engine.analyze("app/__init__.py", b"from .impl import *\n", force="all:settings").parsed


def test_the_module_index_answers_names_no_project_file_has_without_searching():
    """An absolute import whose first name is no directory or module of the project
    (`torch.nn`, `numpy`) resolves to nothing at once; a project package named like a
    library (`src/torch/`) is still found, and so is a module added later (the server)."""
    from ragfirst.engine.python_link import ModuleIndex

    paths = ["/r/app/__init__.py", "/r/app/deps.py", "/r/src/torch/__init__.py", "/r/src/torch/nn.py"]
    index = ModuleIndex(paths, "/r")
    assert index.resolve("/r/app/deps.py", "numpy") is None
    assert index.resolve("/r/app/deps.py", "app.deps") == "/r/app/deps.py"
    assert index.resolve("/r/app/deps.py", "torch.nn") == "/r/src/torch/nn.py"
    assert index.resolve("/r/app/main.py", "newmod") is None
    index.add_file("/r/app/newmod.py", "/r/app/newmod.py")
    assert index.resolve_in("/r/app", "newmod") == "/r/app/newmod.py"


def test_the_module_index_answers_a_last_name_no_project_file_has_without_searching():
    """The submodule a package's imported name may be (`from app import logging`) is asked
    for every name a package is asked: an import whose last name is no directory or module
    of the project resolves to nothing without building paths, relative or absolute; one
    that is still resolves, a package (`__init__.py`) and a module added later included."""
    from ragfirst.engine.python_link import ModuleIndex

    paths = ["/r/app/__init__.py", "/r/app/deps.py", "/r/app/sub/__init__.py", "/r/app/sub/clients.py"]
    index = ModuleIndex(paths, "/r")
    assert index.resolve_in("/r/app", ".logging") is None
    assert index.resolve_in("/r/app/sub", "..sub.logging") is None
    assert index.resolve_in("/r/app", "app.sub.logging") is None
    assert index.resolve_in("/r/app/sub", ".clients") == "/r/app/sub/clients.py"
    assert index.resolve_in("/r/app/sub", "..sub") == "/r/app/sub/__init__.py"
    assert index.resolve_in("/r/app", "app.sub.clients") == "/r/app/sub/clients.py"
    assert index.resolve_in("/r/app/sub", "..") == "/r/app/__init__.py"
    index.add_file("/r/app/sub/logging.py", "/r/app/sub/logging.py")
    assert index.resolve_in("/r/app/sub", ".logging") == "/r/app/sub/logging.py"
    assert index.resolve_in("/r/app", "app.sub.logging") == "/r/app/sub/logging.py"
