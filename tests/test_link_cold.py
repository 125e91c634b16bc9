"""The cross-module link's cost in a cold run (issues 17 and 26).

- A file is analysed again with the constants it imports only when one of them can reach
  an argument of a call (analyzers/python_reads.py): directly, through a local name, an
  attribute, a function's return value or a key-like name. A constant read only in a test
  or a log line changes nothing a rule sees.
- The link's parse of a module the prefilter skipped computes its summary only (no rule
  can match in it).
- `ragfirst check --timings` shows the link's share of the run.

Every case counts the analyses the link asked for (the work saved) and, where a finding
depends on it, checks the finding (nothing lost)."""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.cli.main import main
from ragfirst.engine import engine as engine_module
from ragfirst.engine.engine import Engine, FileAnalysis
from ragfirst.engine.project_model import link_project
from ragfirst.rules.loader import load_ruleset
from ragfirst.source import SourceText


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


# -- which imports reach an argument ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fed"),
    [
        ("def ask():\n    return client.chat.completions.create(model=CHAT_MODEL, messages=[])\n", True),
        (
            "def ask():\n    model = CHAT_MODEL\n    return client.chat.completions.create(model=model)\n",
            True,
        ),
        (
            "class Bot:\n    def __init__(self):\n        self.model = CHAT_MODEL\n\n"
            "    def ask(self):\n        return client.chat.completions.create(model=self.model)\n",
            True,
        ),
        (
            "def pick():\n    return CHAT_MODEL\n\n"
            "def ask():\n    return client.chat.completions.create(model=pick())\n",
            True,
        ),
        ("def ask(model=CHAT_MODEL):\n    return client.chat.completions.create(model=model)\n", True),
        ("def ask():\n    return [client.chat.completions.create(model=m) for m in (CHAT_MODEL,)]\n", True),
        ("PARAMS = {'model': CHAT_MODEL}\nclient.chat.completions.create(**PARAMS)\n", True),
        # read, but never where a call takes it
        ("if DEBUG:\n    pass\nassert CHAT_MODEL\n", False),
        ("def version():\n    return VERSION == '1'\n", False),
    ],
)
def test_an_import_reaches_an_argument(body, fed):
    facts = analyze_python(SourceText(HEAD + body), "app/chat.py")
    reached = {name for _, name in facts.fed_imports}
    assert ("CHAT_MODEL" in reached) is fed, facts.fed_imports
    assert "DEBUG" not in reached


def test_a_constant_given_to_a_key_like_name_counts_as_read():
    """The secrets check reads what a key-like name is given, not only arguments."""
    facts = analyze_python(
        SourceText("from app.settings import TOKEN_VALUE\nAPI_KEY = TOKEN_VALUE\n"), "a.py"
    )
    assert facts.fed_imports == [("app.settings", "TOKEN_VALUE")]


# -- the work the link saves, and the findings it keeps ----------------------------------


def test_a_constant_no_call_reads_is_not_analysed_again(engine):
    code = HEAD + (
        "if DEBUG:\n    print('debug')\n\n"
        "def ask():\n    return client.chat.completions.create(model='gpt-4o', messages=[], max_tokens=5)\n"
    )
    asked, _ = _link(engine, {"app/settings.py": SETTINGS, "app/chat.py": code})
    assert [kind for path, kind in asked if path == "app/chat.py"] == []


def test_a_constant_passed_as_the_model_is_analysed_again_and_named(engine):
    code = HEAD + (
        "def ask():\n    model = CHAT_MODEL\n"
        "    return client.chat.completions.create(model=model, messages=[], max_tokens=5)\n"
    )
    asked, analyses = _link(engine, {"app/settings.py": SETTINGS, "app/chat.py": code})
    assert [kind for path, kind in asked if path == "app/chat.py"] == ["environment"]
    assert any("gpt-3.5-turbo" in message for message in _messages(analyses["app/chat.py"], "RF406"))


def test_a_module_whose_constant_reads_no_import_is_not_linked_for_constants(engine):
    """`app/chat.py` wants `CHAT_MODEL`; `app/settings.py` imports other things, but its
    `CHAT_MODEL` is a literal: it is not analysed again with its own imports' constants."""
    files = {
        "app/defaults.py": "TIMEOUT = 30\n",
        "app/settings.py": "from app.defaults import TIMEOUT\n\nCHAT_MODEL = 'gpt-3.5-turbo'\nLIMIT = TIMEOUT * 2\n",
        "app/chat.py": "from openai import OpenAI\nfrom app.settings import CHAT_MODEL\n\n"
        "OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=5)\n",
    }
    asked, analyses = _link(engine, files)
    assert ("app/settings.py", "environment") not in asked, asked
    assert any("gpt-3.5-turbo" in message for message in _messages(analyses["app/chat.py"], "RF406"))


def test_a_derived_constant_still_reaches_its_importer(engine):
    files = {
        "app/defaults.py": 'FAMILY = "gpt-3.5"\n',
        "app/settings.py": "from app.defaults import FAMILY\n\nCHAT_MODEL = FAMILY + '-turbo'\n",
        "app/chat.py": "from openai import OpenAI\nfrom app.settings import CHAT_MODEL\n\n"
        "OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=5)\n",
    }
    asked, analyses = _link(engine, files)
    assert ("app/settings.py", "environment") in asked
    assert any("gpt-3.5-turbo" in message for message in _messages(analyses["app/chat.py"], "RF406"))


def test_a_skipped_module_is_parsed_for_its_summary_without_matching_rules(engine, monkeypatch):
    matched: list[str] = []
    original = engine_module.Engine._match

    def counting(self, analysis, facts, source):
        matched.append(analysis.path)
        return original(self, analysis, facts, source)

    monkeypatch.setattr(engine_module.Engine, "_match", counting)
    settings = 'BASE_MODEL = "davinci-002"\nTRAINING_FILE = "file-abc"\n'  # names no trigger
    code = (
        "from openai import OpenAI\nfrom app.settings import BASE_MODEL, TRAINING_FILE\n\n"
        "OpenAI().fine_tuning.jobs.create(model=BASE_MODEL, training_file=TRAINING_FILE)\n"
    )
    asked, analyses = _link(engine, {"app/settings.py": settings, "app/train.py": code})
    assert ("app/settings.py", "force:all") in asked  # skipped by the prefilter, parsed by the link
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
