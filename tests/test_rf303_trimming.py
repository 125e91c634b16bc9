"""RF303 is about chunks that are embedded and retrieved: a splitter used only to keep the
first chunk of a text (trimming it to a length, as kotaemon trims its ReAct evidence) is not
reported; any other use keeps the finding (issue 19's precision target)."""

from __future__ import annotations

import textwrap

import pytest
from tests.conftest import lines_of, lint

HEAD = "from langchain_text_splitters import CharacterTextSplitter\n"

TRIMMING = {
    "local name, result read at [0]": """
        def trim(evidence, n):
            splitter = CharacterTextSplitter.from_tiktoken_encoder(chunk_size=n, chunk_overlap=0, separator=" ")
            texts = splitter.split_text(evidence)
            return texts[0]
        """,
    "direct [0]": """
        def trim(evidence, n):
            splitter = CharacterTextSplitter(chunk_size=n, chunk_overlap=0)
            return splitter.split_text(evidence)[0]
        """,
    "chained on the constructor": """
        def trim(evidence, n):
            return CharacterTextSplitter(chunk_size=n, chunk_overlap=0).split_text(evidence)[0]
        """,
    "callable attribute on self, [:1]": """
        class Pipeline:
            def __init__(self):
                self.trim_func = CharacterTextSplitter(chunk_size=300, chunk_overlap=0)

            def run(self, docs):
                return self.trim_func(docs)[:1]
        """,
    # (the tree is indexed a top-level statement at a time: these reach outside it)
    "module-level result read at [0] in another statement": """
        texts = CharacterTextSplitter(chunk_size=300, chunk_overlap=0).split_text(EVIDENCE)

        def head():
            return texts[0]
        """,
    "in a decorated function": """
        @cache
        def trim(evidence, n):
            return CharacterTextSplitter(chunk_size=n, chunk_overlap=0).split_text(evidence)[0]
        """,
}

CHUNKING = {
    "chunks iterated": """
        def chunks(text):
            splitter = CharacterTextSplitter(chunk_size=500, chunk_overlap=0)
            texts = splitter.split_text(text)
            return [t for t in texts]
        """,
    "[0] and the rest": """
        def chunks(text):
            splitter = CharacterTextSplitter(chunk_size=500, chunk_overlap=0)
            texts = splitter.split_text(text)
            print(texts[0])
            return texts
        """,
    "another index": """
        def chunks(text):
            splitter = CharacterTextSplitter(chunk_size=500, chunk_overlap=0)
            return splitter.split_text(text)[1]
        """,
    "passed to a pipeline": """
        def build(store, text):
            splitter = CharacterTextSplitter(chunk_size=500, chunk_overlap=0)
            store.add_texts(splitter.split_text(text))
            return splitter
        """,
    "module-level splitter": """
        splitter = CharacterTextSplitter(chunk_size=500, chunk_overlap=0)
        first = splitter.split_text("x")[0]
        """,
    "module-level result also read whole in another statement": """
        texts = CharacterTextSplitter(chunk_size=300, chunk_overlap=0).split_text(EVIDENCE)

        def head():
            return texts[0]

        def everything():
            return list(texts)
        """,
    "one use trims, another chunks": """
        class Pipeline:
            def __init__(self):
                self.splitter = CharacterTextSplitter(chunk_size=300, chunk_overlap=0)

            def head(self, text):
                return self.splitter.split_text(text)[0]

            def all(self, text):
                return self.splitter.split_text(text)
        """,
}


@pytest.mark.parametrize("code", TRIMMING.values(), ids=TRIMMING.keys())
def test_a_splitter_that_only_trims_is_not_rf303(code):
    assert lines_of(lint(HEAD + textwrap.dedent(code), path="agent.py"), "RF303") == []


@pytest.mark.parametrize("code", CHUNKING.values(), ids=CHUNKING.keys())
def test_a_splitter_that_chunks_is_still_rf303(code):
    assert len(lines_of(lint(HEAD + textwrap.dedent(code), path="ingest.py"), "RF303")) == 1
