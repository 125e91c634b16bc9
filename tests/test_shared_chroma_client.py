"""A Chroma client built in one module and used in another (issue 26's review of the link gate).

`chromadb.*().get_collection().query` has a wildcard where the name taken from the package
stands (`PersistentClient`, `HttpClient`, ...), so its trigger has no group for it. The
prefilter's project chains took the trigger's second group (`get_collection`) for that
name and dropped it, which left `query` alone: no chain. A module that only uses a shared
client (`from app.db import client`) was then never parsed, and the project's retrieval
site was missing from every project message and RAG check.
"""

from __future__ import annotations

import textwrap

from ragfirst.config.settings import Settings
from ragfirst.engine.engine import Engine
from ragfirst.engine.python_prefilter import project_trigger_groups
from ragfirst.engine.runner import lint_sources
from ragfirst.rules.loader import load_ruleset
from ragfirst.rules.model import CallMatcher, FactDefinition, RuleSet
from ragfirst.rules.patterns import compile_pattern

CHROMA_QUERY = (
    frozenset({"create_collection", "get_collection", "get_or_create_collection"}),
    frozenset({"query"}),
)

DB = """\
import chromadb

client = chromadb.PersistentClient(path="index")
"""

SEARCH = """\
from app.db import client


def search(question: str):
    docs = client.get_collection("docs")
    return docs.query(query_texts=[question], n_results=3)
"""


def _lint(db: str, search: str) -> list:
    sources = {
        "app/__init__.py": "",
        "app/db.py": textwrap.dedent(db),
        "app/search.py": textwrap.dedent(search),
    }
    return lint_sources(sources, Settings(ignore=("RF107", "RF406")))


def test_a_shared_chroma_client_is_a_retrieval_site_where_it_is_used():
    found = [(f.rule_id, f.path, f.span.start_line) for f in _lint(DB, SEARCH)]
    assert ("RF304", "app/search.py", 5) in found


def test_the_same_calls_on_a_class_of_the_users_own_are_not_retrieval():
    db = """\
        class Store:
            def get_collection(self, name):
                return self

            def query(self, **kwargs):
                return []


        client = Store()
        """
    assert [f for f in _lint(db, SEARCH) if f.rule_id.startswith("RF3")] == []


def test_a_one_name_wildcard_after_the_package_is_not_the_entry():
    assert compile_pattern("chromadb.*().get_collection().query").entry_wildcard
    assert compile_pattern("chromadb.Persistent*().get_collection().query").entry_wildcard
    assert not compile_pattern("openai.OpenAI().chat.completions.create").entry_wildcard
    # `**` may stand for no name at all: the next group may then be the one taken.
    assert not compile_pattern("weaviate.**.collections.get").entry_wildcard
    assert not compile_pattern("chromadb.*").entry_wildcard  # nothing after it
    assert not compile_pattern("builtins.*.read").entry_wildcard  # no package


def _facts(*patterns: str) -> RuleSet:
    matchers = {"python": tuple(CallMatcher(calls=(compile_pattern(p),)) for p in patterns)}
    return RuleSet([], [FactDefinition("retrieval", "a store", matchers, "test")])


def test_a_trigger_a_named_entry_pattern_also_has_is_not_taken_for_a_wildcard_one():
    alone = _facts("store.*().open_table().search")
    assert alone.wildcard_entry_triggers("python") == {
        compile_pattern("store.*().open_table().search").triggers
    }
    both = _facts("store.*().open_table().search", "store.open_table().search")
    assert both.wildcard_entry_triggers("python") == frozenset()
    assert alone.wildcard_entry_triggers("javascript") == frozenset()


def test_the_builtin_rules_gain_the_chroma_chain_and_lose_none():
    ruleset = load_ruleset()
    triggers = Engine(ruleset).requirements("python")
    before = set(project_trigger_groups(triggers))
    after = set(project_trigger_groups(triggers, ruleset.wildcard_entry_triggers("python")))
    assert CHROMA_QUERY not in before
    assert CHROMA_QUERY in after
    assert before <= after  # no file that passed the gate before is skipped now
