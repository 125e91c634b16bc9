"""Issue 17 (the link's cost): a file is analysed again with its imports' constants only
where they can reach something a rule reads.

Three parts, each tested here: the analyzer labels values with the project imports they
may carry (analyzers/import_labels.py); the engine keeps the imports whose labels reach a
call argument a rule reads (engine/constant_readers.py); the link reads those imports'
constants, and a module asked for a name reads only the imports that name depends on
(engine/python_link.py). Positive cases must keep their findings; negative cases show the
link doing less (counted with `--timings`)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from ragfirst.analyzers.facts import UNKNOWN
from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.cli.main import main
from ragfirst.config.settings import Settings
from ragfirst.engine.constant_readers import reached_imports
from ragfirst.engine.engine import Engine
from ragfirst.engine.runner import lint_sources
from ragfirst.rules.loader import load_ruleset
from ragfirst.source import SourceText

SETTINGS_KEY = ("app.settings", "MODEL")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def facts_of(code: str, engine: Engine):
    return analyze_python(SourceText(textwrap.dedent(code)), "app/route.py", vocabulary=engine.vocabulary())


def reach_of(code: str, engine: Engine, tail: str) -> dict[str, set[tuple[str, str]]]:
    """What the call written `tail` carries, per part (callee, argument position, keyword)."""
    facts = facts_of(code, engine)
    found = [facts.import_reach.get(call.index, {}) for call in facts.calls if call.tail == tail]
    assert found, f"no call {tail}"
    return {key: set(labels) for key, labels in found[-1].items()}


# -- the analyzer's labels ---------------------------------------------------------------------

LABELLED = [
    ("a keyword argument", "from app.settings import MODEL\nclient.chat.completions.create(model=MODEL)\n"),
    (
        "through a local name",
        "from app.settings import MODEL\nm = MODEL\nclient.chat.completions.create(model=m)\n",
    ),
    (
        "through a concatenation",
        "from app.settings import MODEL\nclient.chat.completions.create(model=MODEL + '-mini')\n",
    ),
    (
        "through an `if` expression's branch",
        "from app.settings import MODEL\nclient.chat.completions.create(model=MODEL if fast else 'x')\n",
    ),
    (
        "through a negated number",
        "from app.settings import MODEL\nclient.chat.completions.create(model=-MODEL)\n",
    ),
    (
        "through a container",
        "from app.settings import MODEL\nkw = {'model': MODEL}\nclient.chat.completions.create(**kw)\n",
    ),
    (
        "through `self` set in __init__",
        "from app.settings import MODEL\n"
        "class Bot:\n"
        "    def __init__(self):\n"
        "        self.model = MODEL\n"
        "    def ask(self):\n"
        "        return client.chat.completions.create(model=self.model)\n",
    ),
    (
        "through a function's return",
        "from app.settings import MODEL\n"
        "def pick():\n"
        "    return MODEL\n"
        "client.chat.completions.create(model=pick())\n",
    ),
    (
        "through a relative import",
        "from .settings import MODEL\nclient.chat.completions.create(model=MODEL)\n",
    ),
]


@pytest.mark.parametrize(("label", "code"), LABELLED, ids=[case[0] for case in LABELLED])
def test_an_imported_constant_is_followed_to_the_call(label: str, code: str, engine: Engine) -> None:
    code = "from openai import OpenAI\nclient = OpenAI()\n" + code
    parts = reach_of(code, engine, "client.chat.completions.create")
    carried = set().union(*(labels for key, labels in parts.items() if key != "callee"))
    module = ".settings" if "from .settings" in code else "app.settings"
    assert (module, "MODEL") in carried


def test_an_attribute_of_an_imported_base_carries_the_base(engine: Engine) -> None:
    code = """\
        from openai import OpenAI
        from app.base import BaseService

        client = OpenAI()

        class Service(BaseService):
            def ask(self):
                return client.chat.completions.create(model=self.model)
        """
    assert reach_of(code, engine, "client.chat.completions.create")["model"] == {("app.base", "BaseService")}


def test_an_injected_or_annotated_parameter_carries_its_provider(engine: Engine) -> None:
    code = """\
        from fastapi import Depends
        from openai import OpenAI
        from app.config import Settings, get_settings

        client = OpenAI()

        def route(settings: Settings = Depends(get_settings)):
            return client.chat.completions.create(model=settings.chat_model)
        """
    assert ("app.config", "Settings") in reach_of(code, engine, "client.chat.completions.create")["model"]


NOT_LABELLED = [
    ("a literal", "client.chat.completions.create(model='gpt-4o')\n"),
    (
        "a name bound again",
        "from app.settings import MODEL\nMODEL = 'gpt-4o'\nclient.chat.completions.create(model=MODEL)\n",
    ),
    ("a standard-library module", "import os\nclient.chat.completions.create(model=os.environ['M'])\n"),
    (
        "a local parameter (calls do not flow into parameters)",
        "from app.settings import MODEL\n"
        "def ask(model):\n"
        "    return client.chat.completions.create(model=model)\n"
        "ask(MODEL)\n",
    ),
    # Values the analyzer makes None whatever the names they read are bound to: a constant
    # the link binds there cannot change what a rule reads (import_labels `_forget`).
    ("a comparison", "from app.settings import MODEL\nclient.chat.completions.create(model=MODEL == 'x')\n"),
    (
        "an `if` expression's test",
        "from app.settings import FAST\nclient.chat.completions.create(model='a' if FAST else 'b')\n",
    ),
    ("`not`", "from app.settings import MODEL\nclient.chat.completions.create(model=not MODEL)\n"),
    ("a lambda", "from app.settings import MODEL\nclient.chat.completions.create(model=lambda: MODEL)\n"),
    (
        "a comprehension",
        "from app.settings import MODELS\nclient.chat.completions.create(model=[m for m in MODELS])\n",
    ),
    (
        "an f-string",
        "from app.settings import MODEL\nclient.chat.completions.create(model=f'{MODEL}-mini')\n",
    ),
]


@pytest.mark.parametrize(("label", "code"), NOT_LABELLED, ids=[case[0] for case in NOT_LABELLED])
def test_a_value_no_import_reaches_carries_nothing(label: str, code: str, engine: Engine) -> None:
    code = "from openai import OpenAI\nclient = OpenAI()\n" + code
    parts = reach_of(code, engine, "client.chat.completions.create")
    assert {key: labels for key, labels in parts.items() if key != "callee"} == {}


@pytest.mark.parametrize(
    "expression", ["f'{MODEL}-mini'", "MODEL == 'x'", "not MODEL", "[m for m in MODEL]", "lambda: MODEL"]
)
def test_an_unlabelled_expression_stays_unknown_when_linked(expression: str, engine: Engine) -> None:
    """Why those carry nothing: with the constant bound the analyzer still gives no value
    (an f-string, a comparison...). If it learns to evaluate one, label it (import_labels)."""
    code = f"from openai import OpenAI\nfrom app.settings import MODEL\nclient = OpenAI()\nclient.chat.completions.create(model={expression})\n"
    environment = {("app.settings", "MODEL"): {"l": "gpt-4o"}}
    facts = analyze_python(SourceText(code), "app/route.py", environment, engine.vocabulary())
    (call,) = [call for call in facts.calls if call.tail == "client.chat.completions.create"]
    assert call.kwargs["model"].value in (None, UNKNOWN)


def test_a_linked_analysis_labels_as_one_alone(engine: Engine) -> None:
    """The link reads labels from files analysed alone; the server compares an edit's
    analysis (with the last link's environment) with the one before it: both label alike."""
    code = "from app.settings import MODEL\nm = MODEL\nclient.chat.completions.create(model=m)\n"
    alone = facts_of(code, engine)
    environment = {SETTINGS_KEY: {"l": "gpt-4o"}}
    linked = analyze_python(
        SourceText(code), "app/route.py", environment=environment, vocabulary=engine.vocabulary()
    )
    assert linked.import_reach == alone.import_reach and linked.name_reach == alone.name_reach
    assert linked.name_reach["m"] == {SETTINGS_KEY}


def test_module_names_say_what_they_depend_on(engine: Engine) -> None:
    facts = facts_of(
        """\
        from app.base import CHAT_MODEL, Base
        from app import limits

        DEFAULT = CHAT_MODEL
        TIMEOUT = 30

        def pick():
            return limits.MAX_TOKENS

        class Service(Base):
            retries = 3
        """,
        engine,
    )
    assert facts.name_reach["DEFAULT"] == {("app.base", "CHAT_MODEL")}
    assert facts.name_reach["pick"] == {("app", "limits")}
    assert facts.name_reach["Service"] == {("app.base", "Base")}
    assert "TIMEOUT" not in facts.name_reach


# -- what the rules read --------------------------------------------------------------------


def reached(code: str, engine: Engine):
    return reached_imports(facts_of(code, engine), engine.constant_readers("python"))


def test_a_rule_read_argument_needs_the_constant(engine: Engine) -> None:
    found = reached(
        "from openai import OpenAI\nfrom app.settings import MODEL\n"
        "OpenAI().chat.completions.create(model=MODEL, messages=[])\n",
        engine,
    )
    assert SETTINGS_KEY in found.always


@pytest.mark.parametrize(
    "call",
    [
        "requests.get(MODEL, timeout=5)",  # no rule reads requests, and the text test is not SQL
        "logging.getLogger(__name__).info('%s', MODEL)",
        "os.path.join(MODEL, 'cache')",
    ],
)
def test_an_argument_no_rule_reads_needs_no_constant(call: str, engine: Engine) -> None:
    code = f"import os, logging, requests\nfrom app.settings import MODEL\n{call}\n"
    found = reached(code, engine)
    assert SETTINGS_KEY not in found.always


def test_keywords_any_call_may_be_read_by(engine: Engine) -> None:
    """`model=` (RF406's model ids) and key-like names (RF404) are read on any call."""
    for keyword in ("model", "api_key"):
        found = reached(f"from app.settings import MODEL\nfactory.make_client({keyword}=MODEL)\n", engine)
        assert SETTINGS_KEY in found.always, keyword


def test_getattr_reads_the_name_it_is_given_not_its_object(engine: Engine) -> None:
    """`getattr(client, NAME)` names the attribute by a constant (the call's name may
    change); its object reaches a rule only through what is done with the result."""
    named = reached("from app.settings import MODEL\nfn = getattr(client, MODEL)\n", engine)
    assert SETTINGS_KEY in named.always
    holder = reached("from app.settings import MODEL\nvalue = getattr(MODEL, 'name', None)\n", engine)
    assert SETTINGS_KEY not in holder.always
    used = reached(
        "from openai import OpenAI\nfrom app.settings import MODEL\n"
        "OpenAI().chat.completions.create(model=getattr(MODEL, 'chat'), messages=[])\n",
        engine,
    )
    assert SETTINGS_KEY in used.always  # getattr's result carries its object's import


@pytest.mark.parametrize(
    ("call", "carried"),
    [
        ("summarize(MODEL)", False),  # the file's own function: analysed once, whatever it is given
        ("Bot(MODEL)", False),  # the file's own class
        ("len(MODEL)", False),
        ("pathlib.Path(MODEL)", True),  # a path built from the constant
        ("os.path.join(MODEL, 'x')", True),
        ("getattr(MODEL, 'chat')", True),
    ],
)
def test_a_call_result_carries_its_arguments_only_where_computed_from_them(
    call: str, carried: bool, engine: Engine
) -> None:
    code = (
        "import os, pathlib\nfrom openai import OpenAI\nfrom app.settings import MODEL\n"
        "def summarize(text):\n    return 'x'\n"
        "class Bot:\n    pass\n"
        f"OpenAI().chat.completions.create(model={call}, messages=[])\n"
    )
    assert (SETTINGS_KEY in reached(code, engine).always) is carried


def test_a_display_given_first_is_never_sql_text(engine: Engine) -> None:
    """The `vector(n)` column any call may be given first is a string: a list, a dict or
    a comprehension written there never is, whatever the link binds in it."""
    listed = reached("from app.settings import MODEL\nregistry.register([('a', MODEL)])\n", engine)
    assert SETTINGS_KEY not in listed.if_text and SETTINGS_KEY not in listed.always
    named = reached("from app.settings import MODEL\nregistry.register(MODEL)\n", engine)
    assert SETTINGS_KEY in named.if_text
    executed = reached("from app.settings import MODEL\ncur.execute([MODEL])\n", engine)
    assert SETTINGS_KEY in executed.always  # what `.execute()` runs is read, in any shape


def test_what_star_arguments_hold_is_not_read(engine: Engine) -> None:
    """Rules see that a call has `**kwargs`, never what they hold: a constant spread into a
    call is not linked in (the call itself, with a literal model, still is read)."""
    code = (
        "from openai import OpenAI\nfrom app.settings import MODEL, PARAMS\n"
        "OpenAI().chat.completions.create(*MODEL, **PARAMS, model='gpt-4o')\n"
        "factory.make_client(**PARAMS)\n"
    )
    found = reached(code, engine)
    assert ("app.settings", "PARAMS") not in found.always
    assert SETTINGS_KEY not in found.always


def test_sql_the_statement_an_execute_runs_and_a_vector_column_anywhere(engine: Engine) -> None:
    executed = reached("from app.settings import MODEL\ncur.execute(MODEL)\n", engine)
    assert SETTINGS_KEY in executed.always
    anywhere = reached("from app.settings import MODEL\ndb.migrate(MODEL)\n", engine)
    assert SETTINGS_KEY not in anywhere.always
    assert SETTINGS_KEY in anywhere.if_text and anywhere.needles == ("vector",)


# -- the link ---------------------------------------------------------------------------------

INGEST = """\
    import psycopg
    from sentence_transformers import SentenceTransformer
    from app.settings import DDL

    conn = psycopg.connect("dbname=rag")
    db = Migrations(conn)
    db.migrate(DDL)
    model = SentenceTransformer("all-MiniLM-L6-v2")
    conn.execute("INSERT INTO items (embedding) VALUES (%s)", (model.encode("x").tolist(),))
    """


def test_a_vector_column_in_an_imported_constant_still_reaches_rf301() -> None:
    settings = 'DDL = "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, embedding vector(1536))"\n'
    sources = {"app/ingest.py": textwrap.dedent(INGEST), "app/settings.py": settings, "app/__init__.py": ""}
    findings = [f for f in lint_sources(sources, Settings()) if f.rule_id == "RF301"]
    assert [(f.path, f.span.start_line) for f in findings] == [("app/ingest.py", 7)]


PROJECT = {"pyproject.toml": '[project]\nname = "demo"\n', "app/__init__.py": ""}


def rule_ids(root: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    main(["check", str(root), "--no-cache", "--format", "json", "--exit-zero"])
    return {finding["rule"] for finding in json.loads(capsys.readouterr().out)["findings"]}


def link_counts(tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    main(["check", str(tmp_path), "--no-cache", "--jobs", "1", "--quiet", "--exit-zero", "--timings"])
    err = capsys.readouterr().err
    return {
        m["name"]: int(m["n"]) for m in re.finditer(r"^\s+(?P<name>link: [^\n]*?)\s+(?P<n>\d+)$", err, re.M)
    }


def test_a_constant_no_rule_reads_is_not_linked_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file has a finding of its own and reads imported constants, but only where no
    rule looks (a path join; a statement with no `vector(` column): it is not analysed
    again (before: it was, once)."""
    files = {
        **PROJECT,
        "app/settings.py": 'CACHE_DIR = "/tmp/cache"\nDDL = "CREATE TABLE items (id int)"\n',
        "app/cache.py": """\
            import os
            from openai import OpenAI
            from app.settings import CACHE_DIR, DDL

            client = OpenAI()
            path = os.path.join(CACHE_DIR, "answers")
            db.migrate(DDL)
            client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=50)
            """,
    }
    counts = link_counts(tmp_path, files, capsys)
    assert counts.get("link: analysed again with its imports", 0) == 0


def test_a_constant_a_rule_reads_is_linked_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        **PROJECT,
        "app/settings.py": 'CHAT_MODEL = "gpt-4"\n',
        "app/route.py": """\
            from openai import OpenAI
            from app.settings import CHAT_MODEL

            OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=50)
            """,
    }
    counts = link_counts(tmp_path, files, capsys)
    assert counts.get("link: analysed again with its imports", 0) == 1
    assert "RF406" in rule_ids(tmp_path, capsys)


def test_a_module_asked_for_one_name_reads_only_what_that_name_depends_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`defaults.CHAT_MODEL` is computed from `base.PREFIX`; `defaults` also imports
    `paths.ROOT` for a name the route never asks: `paths` is not parsed for its constants."""
    files = {
        **PROJECT,
        "app/base.py": 'PREFIX = "gpt-4"\n',
        "app/paths.py": 'ROOT = "/srv"\n',
        "app/defaults.py": """\
            from app.base import PREFIX
            from app.paths import ROOT

            CHAT_MODEL = PREFIX
            DATA = ROOT + "/data"
            """,
        "app/route.py": """\
            from openai import OpenAI
            from app.defaults import CHAT_MODEL

            OpenAI().chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=50)
            """,
    }
    counts = link_counts(tmp_path, files, capsys)
    # defaults.py (base.py names a model id: analysed on its own); paths.py is not parsed
    assert counts.get("link: parsed for a summary (prefilter-skipped)", 0) == 1
    assert "RF406" in rule_ids(tmp_path, capsys)


def test_a_name_read_in_two_statements_labels_both(engine: Engine) -> None:
    """Each statement's labels are its own reads: the second of two that read the same
    imported name carries it too."""
    code = """\
        from openai import OpenAI
        from app.settings import MODEL

        first = MODEL
        second = MODEL
        OpenAI().chat.completions.create(model=second)
        """
    facts = facts_of(code, engine)
    assert facts.name_reach["first"] == facts.name_reach["second"] == {SETTINGS_KEY}
