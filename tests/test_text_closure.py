"""Issue 26: the link reads an import's constants for a text given first to a call (SQL with
a pgvector column) only when a module its value can be computed from may spell such a
text (engine/text_needles.py, engine/text_closure.py); and a client reaching a file reads
the constants its calls are given, not those only a builtin is given
(engine/constant_readers.py `by_any_call`).

Positive cases keep their findings (the column two modules away, a type ending a literal,
a class attribute); negative ones show the link doing less (counted with `--timings`)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.cli.main import main
from ragfirst.engine.constant_readers import reached_imports
from ragfirst.engine.engine import Engine
from ragfirst.engine.text_closure import CLOSURE_BUDGET, TextClosures
from ragfirst.engine.text_needles import may_spell
from ragfirst.rules.loader import load_ruleset
from ragfirst.source import SourceText

SPELLS = [
    ("a column in a statement", 'DDL = "CREATE TABLE t (id int, e vector(3))"\n'),
    ("another case and a blank", 'DDL = "create table t (e VECTOR (3))"\n'),
    ("halfvec", "DDL = 'CREATE TABLE t (e halfvec(3))'\n"),
    ("sparsevec, schema-qualified", 'DDL = "CREATE TABLE t (e extensions.sparsevec(3))"\n'),
    ("a type that ends a literal", 'COLUMN = "vector"\n'),
    ("a type and blanks that end one", 'COLUMN = "embedding vector "\n'),
    ("an escaped blank", 'DDL = "CREATE TABLE t (e vector\\t(3))"\n'),
    ("an escape before it", 'DDL = "CREATE TABLE t (embedding\\tvector(3))"\n'),
    ("an octal escape before it", 'DDL = "CREATE TABLE t (embedding\\040vector(3))"\n'),
    ("an f-string's literal part", 'DDL = f"CREATE TABLE t (e vector({DIM}))"\n'),
    ("a call's argument", 'db.migrate("CREATE TABLE t (e vector(3))")\n'),
    ("a literal after a docstring", '"""Vectors."""\nDDL = "CREATE TABLE t (e vector(3))"\n'),
    ("a module that does not parse", 'DDL = "CREATE TABLE t (e vector(3))"\ndef broken(:\n'),
]

NOT_SPELT = [
    ("a docstring", '"""Each item keeps a random vector (noise)."""\n'),
    ("a function's docstring", 'def f():\n    """A "multi vector"-compatible prompt."""\n'),
    ("a comment", "x = 1  # vector(3)\n"),
    ("a longer name", 'x = lora_magnitude_vector("a")\n'),
    ("a word that goes on", 'x = vectorize("a")\n'),
    ("prose in a string", 'LABEL = "a vector store"\n'),
    ("a function named so", "def vector(n):\n    return [0] * n\n\nv = vector(3)\n"),
    ("nothing", "x = 1\n"),
]


@pytest.mark.parametrize(("label", "code"), SPELLS, ids=[label for label, _ in SPELLS])
def test_a_literal_that_may_hold_a_vector_column_is_found(label: str, code: str) -> None:
    assert may_spell(code.encode(), "vector")


@pytest.mark.parametrize(("label", "code"), NOT_SPELT, ids=[label for label, _ in NOT_SPELT])
def test_text_no_value_can_hold_a_column_of_is_not(label: str, code: str) -> None:
    assert not may_spell(code.encode(), "vector")


def test_other_needles_are_found_anywhere_in_any_case() -> None:
    assert may_spell(b"# MATCH here\n", "match")
    assert not may_spell(b"x = 1\n", "match")
    assert may_spell(b"x = 1\n", "kind")  # `k`: the Kelvin sign lowers to it, maybe


def test_a_closure_holds_the_needle_if_one_module_in_it_may() -> None:
    """a -> b -> c (spells), d -> e (clean); a cycle e -> d is followed once."""
    texts = {
        "a": (["b"], False),
        "b": (["c"], False),
        "c": ([], True),
        "d": (["e"], False),
        "e": (["d"], False),
    }
    asked: list[str] = []

    class Probe:
        def __init__(self, imports: list[str], spells: bool) -> None:
            self.deferred_imports, self.spells_needle = imports, spells

    def probe(path: str, _environment: None, force: str) -> Probe:
        assert force == "text:vector"
        asked.append(path)
        return Probe(*texts[path])

    closures = TextClosures(probe, lambda _importer, spec: [spec])
    assert closures.may_hold(["a"], "vector")
    assert not closures.may_hold(["d"], "vector")
    assert closures.may_hold(["b"], "vector") and not closures.may_hold(["e"], "vector")
    assert sorted(asked) == ["a", "b", "c", "d", "e"]  # each module read once
    assert not closures.may_hold([], "vector")


def test_a_closure_larger_than_the_budget_may_hold_the_needle() -> None:
    """A walk reads at most `CLOSURE_BUDGET` modules: past that, "maybe" (the link then
    parses the module for its constants, as it did before it read texts)."""

    class Clean:
        spells_needle = False

        def __init__(self, imports: list[str]) -> None:
            self.deferred_imports = imports

    def chain(length: int) -> TextClosures:
        def probe(path: str, _environment: None, _force: str) -> Clean:
            number = int(path)
            return Clean([str(number + 1)] if number + 1 < length else [])

        return TextClosures(probe, lambda _importer, spec: [spec])

    assert not chain(CLOSURE_BUDGET).may_hold(["0"], "vector")
    longer = chain(CLOSURE_BUDGET + 10)
    assert longer.may_hold(["0"], "vector")
    assert longer.may_hold(["1"], "vector")
    assert not longer.may_hold([str(CLOSURE_BUDGET)], "vector")  # its own closure is short


# -- the link -------------------------------------------------------------------------------

PROJECT = {"pyproject.toml": '[project]\nname = "demo"\n', "app/__init__.py": ""}

INGEST = """\
    import psycopg
    from sentence_transformers import SentenceTransformer
    from app.settings import DDL
    from app.mixins import Store

    conn = psycopg.connect("dbname=rag")
    db = Migrations(conn)
    db.migrate(DDL)
    db.migrate(Store.DDL)
    model = SentenceTransformer("all-MiniLM-L6-v2")
    conn.execute("INSERT INTO items (embedding) VALUES (%s)", (model.encode("x").tolist(),))
    """

SQL = "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, embedding {type}(1536))"


def run(
    tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str], rules: str = "RF3"
) -> tuple[list, dict]:
    """The findings of `rules` (rule, path, line) and the link's counters of a cold `--jobs 1`
    run."""
    for name, text in {**PROJECT, **files}.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    main(
        ["check", str(tmp_path), "--no-cache", "--jobs", "1", "--format", "json", "--exit-zero", "--timings"]
    )
    captured = capsys.readouterr()
    findings = json.loads(captured.out)["findings"]
    found = sorted(
        (f["rule"], Path(f["path"]).relative_to(tmp_path).as_posix(), f["start"]["line"])
        for f in findings
        if f["rule"].startswith(rules)
    )
    counts = {
        m["name"]: int(m["n"])
        for m in re.finditer(r"^\s+(?P<name>link: [^\n]*?)\s+(?P<n>\d+)$", captured.err, re.M)
    }
    return found, counts


PARSED = "link: parsed for a summary (prefilter-skipped)"
READ = "link: read for a text its importers' values may hold"


def test_a_column_two_modules_away_or_in_a_class_still_reaches_rf301(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The type is a constant of a third module, joined into the statement by `settings`;
    the other statement is a class attribute, in a module whose docstring says "vector"."""
    files = {
        "app/kinds.py": 'COLUMN = "vector"\n',
        "app/settings.py": (
            "from app.kinds import COLUMN\n\n"
            f'DDL = "{SQL.format(type="vector").split("vector(")[0]}" + COLUMN + "(1536))"\n'
        ),
        "app/mixins.py": (
            '"""Stores: each keeps a random vector (noise) per item."""\n\n\n'
            f'class Store:\n    DDL = "{SQL.format(type="vector")}"\n'
        ),
        "app/ingest.py": INGEST,
    }
    found, _ = run(tmp_path, files, capsys)
    assert found == [("RF301", "app/ingest.py", 8), ("RF301", "app/ingest.py", 9)]


def test_modules_that_cannot_spell_a_column_are_read_not_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Neither imported value can hold a column: their modules (and the one `settings`
    imports) are read for their text, none is parsed for its constants (before: both)."""
    files = {
        "app/kinds.py": 'COLUMN = "text"\n',
        "app/settings.py": 'from app.kinds import COLUMN\n\nDDL = "CREATE TABLE items (body " + COLUMN + ")"\n',
        "app/mixins.py": (
            '"""Stores: each keeps a random vector (noise) per item."""\n\n\n'
            'class Store:\n    DDL = "CREATE TABLE items (body text)"\n'
        ),
        "app/ingest.py": INGEST,
    }
    found, counts = run(tmp_path, files, capsys)
    assert found == []
    assert counts.get(PARSED, 0) == 0
    assert counts.get(READ, 0) == 3
    assert counts.get("link: analysed again with its imports", 0) == 0


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset())


def test_a_builtin_given_a_constant_is_not_read_when_a_client_reaches_the_file(engine: Engine) -> None:
    code = "from app.settings import LIMIT\nif len(LIMIT) and isinstance(LIMIT, int):\n    pass\n"
    facts = analyze_python(SourceText(code), "app/route.py", vocabulary=engine.vocabulary())
    assert reached_imports(facts, engine.constant_readers("python")).by_any_call == []
    facts = analyze_python(
        SourceText(code + "db.trim(LIMIT)\n"), "app/route.py", vocabulary=engine.vocabulary()
    )
    assert reached_imports(facts, engine.constant_readers("python")).by_any_call == [
        ("app.settings", "LIMIT")
    ]


def test_a_client_reaching_a_file_reads_the_constants_its_calls_are_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`route.py` has no trigger of its own: the client comes from `deps.py`. The model
    constant reaches RF406 (its call); the size only `len` is given is not read: `sizes.py`
    is not parsed (before: every constant of the file was)."""
    files = {
        "app/deps.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "app/settings.py": 'CHAT_MODEL = "gpt-4"\n',
        "app/sizes.py": "LIMITS = [1, 2]\n",
        "app/route.py": """\
            from app.deps import client
            from app.settings import CHAT_MODEL
            from app.sizes import LIMITS

            if len(LIMITS):
                client.chat.completions.create(model=CHAT_MODEL, messages=[], max_tokens=5)
            """,
    }
    found, counts = run(tmp_path, files, capsys, "RF406")
    assert found == [("RF406", "app/route.py", 6)]
    assert counts.get(PARSED, 0) == 1  # settings.py only


# -- the server ----------------------------------------------------------------------------

SERVER_FILES = {
    "app/__init__.py": "",
    "app/kinds.py": 'COLUMN = "text"\n',
    "app/settings.py": 'from app.kinds import COLUMN\n\nDDL = "CREATE TABLE items (embedding " + COLUMN + "(1536))"\n',
    "app/mixins.py": '"""A random vector (noise)."""\n\n\nclass Store:\n    DDL = "CREATE TABLE items (body text)"\n',
    "app/ingest.py": textwrap.dedent(INGEST),
}
EDITS = [
    ("app/kinds.py", 'COLUMN = "vector"\n'),  # settings.DDL now has a column
    ("app/mixins.py", f'class Store:\n    DDL = "{SQL.format(type="vector")}"\n'),
    ("app/kinds.py", 'COLUMN = "text"\n'),
    (
        "app/mixins.py",
        '"""A random vector (noise)."""\n\n\nclass Store:\n    DDL = "CREATE TABLE items (body text)"\n',
    ),
]


def test_the_server_finds_what_a_link_that_reads_texts_finds_through_edits() -> None:
    """The language server's linker (kept for incremental links) asks every import as
    before; a full link reads texts first. Their environments may differ, their findings
    may not, edit after edit."""
    from ragfirst.config.settings import Settings
    from ragfirst.engine.file_ids import FileKey
    from ragfirst.engine.runner import EngineCache, default_context
    from ragfirst.engine.workspace import Workspace

    settings = Settings()
    engine = EngineCache().for_settings(settings)
    texts = {FileKey("", path): text.encode() for path, text in SERVER_FILES.items()}
    server, cli = Workspace(texts.get), Workspace(texts.get)
    server.incremental = True
    for workspace in (server, cli):
        workspace.project("", True)
        for key, data in texts.items():
            workspace.update(key, data, settings, engine)
        workspace.relink()
    ingest = FileKey("", "app/ingest.py")
    # (the server parsed the three modules for their constants; the full link read them)
    assert set(server.projects[""].summaries) - set(cli.projects[""].summaries) == {
        "app/kinds.py",
        "app/settings.py",
        "app/mixins.py",
    }
    found = []
    for step, (path, text) in enumerate([("", ""), *EDITS]):
        if path:
            key = FileKey("", path)
            texts[key] = text.encode()
            for workspace in (server, cli):
                workspace.update(key, texts[key], settings, engine)
                workspace.relink()
        context = default_context(settings)
        for key in texts:
            mine, reference = server.findings_for(key, context), cli.findings_for(key, context)
            assert mine == reference, f"step {step}: {key.id}"
        found.append(
            sorted(f.span.start_line for f in server.findings_for(ingest, context) if f.rule_id == "RF301")
        )
    assert found == [[], [8], [8, 9], [9], []]
