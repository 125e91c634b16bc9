"""Chunked parsing (the language server's edits): the same tree as `ast.parse` of the whole
text, or the same syntax error, and only changed top-level statements parsed again."""

from __future__ import annotations

import ast
import random
import textwrap
from pathlib import Path

import pytest

from ragfirst.analyzers.python_chunks import (
    _TRIPLE,
    ChunkedParser,
    _chunks_by_line,
    reusing_unchanged_statements,
    top_level_chunks,
    triple_quotes,
)
from ragfirst.engine.engine import Engine
from ragfirst.rules.loader import load_ruleset

REPO = Path(__file__).resolve().parents[1]

EDGE_CASES = {
    "docstring-with-column-0-lines": '"""Title.\n\nimport os\ndef not_code():\n"""\nimport os\nx = 1\n',
    "decorators": "import functools\n@functools.cache\n@other\ndef f():\n    return 1\n\n\n@dataclass\nclass C:\n    x: int\n",
    "if-else-at-top": "import sys\nif sys.version_info > (3,):\n    A = 1\nelif True:\n    A = 2\nelse:\n    A = 3\nB = A\n",
    "try-except-finally": "try:\n    import torch\nexcept ImportError:\n    torch = None\nelse:\n    pass\nfinally:\n    x = 1\ny = 2\n",
    "backslash": "x = 1 + \\\n2\ny = 3\n",
    "brackets-at-column-0": "CONFIG = dict(\na=1,\nb=2,\n)\nz = CONFIG\n",
    "triple-quote-in-comment": "# a stray \"\"\" here\nx = 1\ndef f():\n    return '''\nbody\n'''\ny = 2\n",
    "comment-at-column-0-in-body": "def f():\n    a = 1\n# note\n    return a\ng = f\n",
    "single-statement": "x = 1\n",
    "empty": "",
    "crlf": "import os\r\ndef f():\r\n    return os\r\nx = f()\r\n",
    "form-feed-line": "x = 1\n\f\ndef f():\n    return 1\ny = 2\n",
    "line-separator-in-comment": "import os\n# note\u2028x = os.system('boom')\ny = 2\n",
    "other-splitlines-breaks": "a = 1  # \x0b \x1c \x85 \u2029\nb = 2\n",
    "closing-bracket-at-column-0": "__all__ = [\n    'a',\n]\nx = call(\n    1,\n)\ny = 2\n",
}


def dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_the_tree_is_the_whole_text_tree(text):
    assert dump(ChunkedParser().parse(text)) == dump(ast.parse(text))


def test_the_tree_is_the_whole_text_tree_for_this_repository():
    parser = ChunkedParser()
    files = sorted((REPO / "server").rglob("*.py")) + sorted((REPO / "samples").rglob("*.py"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert dump(parser.parse(text)) == dump(ast.parse(text)), path


@pytest.mark.parametrize(
    "text",
    [
        "import os\ndef f(:\n    pass\nx = 1\n",
        "x = 1\ndef f():\n    return (\n",
        'x = 1\ny = """never closed\nz = 2\n',
        "def f():\n  a = 1\n    b = 2\n",
    ],
    ids=["bad-def", "unclosed-bracket", "unclosed-string", "bad-indent"],
)
def test_a_syntax_error_is_the_whole_text_error(text):
    with pytest.raises(SyntaxError) as expected:
        ast.parse(text)
    with pytest.raises(SyntaxError) as got:
        ChunkedParser().parse(text)
    assert (got.value.msg, got.value.lineno, got.value.offset) == (
        expected.value.msg,
        expected.value.lineno,
        expected.value.offset,
    )


DOCUMENT = textwrap.dedent(
    '''\
    """Service.

    Lines of a docstring start in column 0 too.
    """
    from openai import OpenAI

    client = OpenAI()


    def tune(path):
        return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=path)


    def helper(x):
        return x + 1


    class Store:
        def get(self, key):
            return key
    '''
)


def test_an_edit_parses_only_the_statement_it_changed():
    parser = ChunkedParser()
    parser.parse(DOCUMENT)
    chunks = len(top_level_chunks(DOCUMENT))
    assert parser.parsed == chunks
    parser.parse(DOCUMENT.replace("return x + 1", "return x + 2"))
    assert parser.parsed == chunks + 1


def test_closing_brackets_in_column_0_do_not_split_statements():
    text = "__all__ = [\n    'a',\n]\nx = call(\n    1,\n)\ny = 2\n"
    assert [start for start, _ in top_level_chunks(text)] == [1, 4, 7]
    parser = ChunkedParser()
    parser.parse(text)
    assert parser.parsed == 3  # every piece parsed on its own: no whole-text fallback


def test_the_cache_is_bounded():
    parser = ChunkedParser(max_chunks=3)
    for n in range(10):
        parser.parse(DOCUMENT.replace("x + 1", f"x + {n}"))
    assert len(parser._trees) <= 3


def test_the_engine_gives_the_same_analysis_through_the_chunked_parser():
    engine = Engine(load_ruleset())
    parser = ChunkedParser()
    for text in (DOCUMENT, DOCUMENT.replace("gpt-4o-mini", "gpt-4.1-mini"), DOCUMENT + "def broken(:\n"):
        plain = engine.analyze("app.py", text.encode())
        with reusing_unchanged_statements(parser):
            chunked = engine.analyze("app.py", text.encode())
        assert [(m.rule_id, m.span, m.captures) for m in chunked.matches] == [
            (m.rule_id, m.span, m.captures) for m in plain.matches
        ]
        assert chunked.fact_sites == plain.fact_sites
    assert parser.parsed > 0


def _split_texts() -> list[str]:
    texts = [text for text in EDGE_CASES.values() if "\r" not in text]
    texts += [
        path.read_text(encoding="utf-8") for path in sorted((REPO / "server" / "ragfirst").rglob("*.py"))
    ]
    texts += [path.read_text(encoding="utf-8") for path in sorted((REPO / "samples").rglob("*.py"))]
    texts += [text.rstrip("\n") for text in texts] + [text[len(text) // 3 :] for text in texts]
    lines = ["def f():", "    x = 1", "@dec", "else:", "elif x:", "except E:", "finally:", "elsewhere = 1"]
    lines += [
        '"""',
        "'''",
        "# c",
        ")",
        "]",
        "}",
        "",
        "\f",
        "\vx",
        "class A:",
        "\t z",
        "e",
        "@",
        " @d",
        "x = '''a",
    ]
    pick = random.Random(24)
    for _ in range(3000):
        chosen = [pick.choice(lines) for _ in range(pick.randint(0, 12))]
        texts.append("\n".join(chosen) + pick.choice(["", "\n", "\n\n"]))
    return texts


def test_the_fast_split_is_the_line_by_line_split():
    """top_level_chunks looks only at lines that can start a statement (one regex pass);
    it must split every text exactly as the line-by-line loop does."""
    for text in _split_texts():
        assert top_level_chunks(text) == _chunks_by_line(text), text[:200]


def test_node_memos_give_the_same_analysis_edit_after_edit():
    """Through the chunked parser a node's span and callee text are kept on the re-used
    node; edit after edit (lines moving, the file turning ASCII and back), the analysis
    is the one a plain parse gives."""
    engine = Engine(load_ruleset())
    parser = ChunkedParser()
    document = (
        DOCUMENT + '\n\ndef label():\n    return client.chat.completions.create(model="gpt-4o", x="é")\n'
    )
    edits = [
        document,
        document.replace('x="é"', 'x="e"'),  # the file is ASCII now; other statements re-used
        "import os\n" + document,  # every statement moves down a line: new trees
        "import os\n" + document.replace("gpt-4o-mini", "gpt-4.1-mini"),
        document,
    ]
    for text in edits:
        plain = engine.analyze("app.py", text.encode())
        with reusing_unchanged_statements(parser):
            chunked = engine.analyze("app.py", text.encode())
        assert repr(chunked) == repr(plain)
    assert parser.parsed < sum(len(top_level_chunks(text)) for text in edits)  # trees were re-used


def test_triple_quotes_are_found_as_the_regex_finds_them():
    pick = random.Random(26)
    texts = [text for text in EDGE_CASES.values()] + ['""""""', "''''", '"""\'\'\'"""', "'''\"\"\"'''x"]
    for _ in range(20000):
        texts.append(
            "".join(pick.choice(['"', "'", "a", "\n", '"""', "'''"]) for _ in range(pick.randint(0, 20)))
        )
    for text in texts:
        assert list(triple_quotes(text)) == [(m.start(), m.group()) for m in _TRIPLE.finditer(text)], text
