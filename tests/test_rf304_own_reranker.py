"""RF304 knows the project's own LLM reranker: an LLM call, resolved to its SDK, made inside
a function or class whose name says it reranks (issue 19). The name alone, or an LLM call
alone, is not a reranker."""

from __future__ import annotations

import textwrap

import pytest
from tests.conftest import lines_of, lint

RETRIEVAL = """\
import chromadb

collection = chromadb.PersistentClient(path="db").get_or_create_collection("docs")


def search(q):
    return collection.query(query_texts=[q], n_results=20)
"""

RERANKERS = {
    "method of a Reranker class (openai)": """
        from openai import OpenAI
        client = OpenAI()

        class LLMReranker:
            def score(self, query, doc):
                return client.chat.completions.create(model="gpt-4o-mini", max_completion_tokens=5, messages=[])
        """,
    "rerank_documents function (anthropic)": """
        import anthropic

        def rerank_documents(query, docs):
            return anthropic.Anthropic().messages.create(model="claude-haiku-4-5", max_tokens=50, messages=[])
        """,
    "_rerank helper in a pipeline (litellm)": """
        import litellm

        class Pipeline:
            def _rerank(self, query, docs):
                return litellm.completion(model="gpt-4o-mini", max_tokens=5, messages=[])
        """,
}

NOT_RERANKERS = {
    "an LLM call in a scorer that does not say it reranks": """
        from openai import OpenAI

        class LLMScorer:
            def score(self, query, doc):
                return OpenAI().chat.completions.create(model="gpt-4o-mini", max_completion_tokens=5, messages=[])
        """,
    "a rerank function that asks no LLM": """
        def rerank(docs):
            return sorted(docs, key=len)
        """,
    "a name that only contains the letters": """
        from openai import OpenAI

        def scoreRank(query):
            return OpenAI().chat.completions.create(model="gpt-4o-mini", max_completion_tokens=5, messages=[])
        """,
}


@pytest.mark.parametrize("code", RERANKERS.values(), ids=RERANKERS.keys())
def test_the_projects_own_llm_reranker_counts_as_reranking(code):
    findings = lint(RETRIEVAL, path="search.py", **{"rerank.py": textwrap.dedent(code)})
    assert lines_of(findings, "RF304") == []


@pytest.mark.parametrize("code", NOT_RERANKERS.values(), ids=NOT_RERANKERS.keys())
def test_other_functions_are_not_rerankers(code):
    findings = lint(RETRIEVAL, path="search.py", **{"other.py": textwrap.dedent(code)})
    assert lines_of(findings, "RF304") == [3]


def test_in_the_same_file():
    code = RETRIEVAL + textwrap.dedent(RERANKERS["method of a Reranker class (openai)"])
    assert lines_of(lint(code, path="search.py"), "RF304") == []
