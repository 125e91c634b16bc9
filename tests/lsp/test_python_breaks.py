"""lsp/python_breaks.py: the legal comment lines of a Python document, computed per
top-level statement and re-used across edits, are exactly those of the whole text."""

from __future__ import annotations

import textwrap

import pytest

from ragfirst.fixes.comment_positions import line_breaks
from ragfirst.fixes.suppression_comments import document_lines
from ragfirst.lsp.python_breaks import PythonBreaks

CASES = {
    "strings and continuations": '''\
        import openai

        PROMPT = """first
        second
        """

        def f(x):
            total = 1 + \\
                2
            return openai.chat.completions.create(model="gpt-4o", messages=[
                {"role": "user", "content": x},
            ])

        class C:
            doc = \'\'\'a
        b\'\'\'
        ''',
    # a column-0 line inside brackets: the split there does not tokenize alone
    "bracket split": """\
        CONFIG = dict(
        a=1,
        )
        x = 2
        """,
    # a triple quote inside a comment pairs delimiters wrongly
    "quote in comment": '''\
        # a stray """ in a comment
        s = """x
        y"""
        z = 3
        ''',
    "half typed": """\
        def f(:
            pass
        y = (
        """,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_breaks_as_the_whole_text(name):
    lines = document_lines(textwrap.dedent(CASES[name]))
    assert PythonBreaks().breaks(lines) == line_breaks(lines, "python")


def test_an_edit_tokenizes_only_the_statement_it_changed():
    body = "".join(f"def f{n}(x):\n    s = '''a\nb'''\n    return x\n\n" for n in range(50))
    breaks = PythonBreaks()
    first = breaks.breaks(document_lines(body))
    assert breaks.tokenized == 50 and first == line_breaks(document_lines(body), "python")
    edited = body.replace("def f10(x):\n", "def f10(x):\n    y = 1\n")  # one statement, lines shift
    again = breaks.breaks(document_lines(edited))
    assert breaks.tokenized == 51
    assert again == line_breaks(document_lines(edited), "python")
    assert again != first  # the breaks below the edit moved down a line
