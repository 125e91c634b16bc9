"""A Python syntax error is RF000 at the error (where `ast.parse` of the whole file puts it)
and the statements that parse on their own are still analysed (issue 19)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from tests.conftest import ids, lint

from ragfirst.analyzers.python_recovery import recover_module

ASK = """\
def ask(q):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
"""


def positions(findings, rule: str) -> list[tuple[int, int]]:
    return [(f.span.start_line, f.span.start_col) for f in findings if f.rule_id == rule]


def whole_file_error(code: str) -> tuple[int, int]:
    with pytest.raises(SyntaxError) as caught:
        ast.parse(code)
    return caught.value.lineno, caught.value.offset - 1


def test_an_unclosed_call_hides_nothing_after_it():
    code = "from openai import OpenAI\nclient = OpenAI()\njob = client.fine_tuning.jobs.create(\n\n" + ASK
    findings = lint(code, path="app.py")
    assert sorted(ids(findings)) == ["RF000", "RF401"]
    assert positions(findings, "RF000") == [whole_file_error(code)] == [(3, 36)]
    assert positions(findings, "RF401") == [(6, 11)]


def test_a_broken_statement_before_a_valid_one_in_the_middle_of_the_file():
    code = (
        textwrap.dedent(
            """\
        from openai import OpenAI
        client = OpenAI()

        def broken(:
            pass

        """
        )
        + ASK
    )
    findings = lint(code, path="app.py")
    assert sorted(ids(findings)) == ["RF000", "RF401"]
    assert positions(findings, "RF000") == [whole_file_error(code)]


def test_a_client_built_in_the_broken_statement_is_not_guessed():
    """Precision: the name the broken statement would have bound is unknown, not an SDK."""
    code = "from openai import OpenAI\nclient = OpenAI(\n\n" + ASK
    assert ids(lint(code, path="app.py")) == ["RF000"]


def test_an_unclosed_triple_quoted_string_swallows_the_rest():
    code = 'from openai import OpenAI\nclient = OpenAI()\nDOC = """never closed\n\n' + ASK
    assert ids(lint(code, path="app.py")) == ["RF000"]


def test_valid_files_are_unchanged():
    code = "from openai import OpenAI\nclient = OpenAI()\n\n" + ASK
    assert ids(lint(code, path="app.py")) == ["RF401"]


def test_a_suppression_after_the_error_still_applies():
    code = (
        "from openai import OpenAI\nclient = OpenAI()\nx = (\n\n"
        "def ask(q):\n"
        "    # ragfirst: ignore[RF401] -- a capped proxy bills us\n"
        '    return client.chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    assert ids(lint(code, path="app.py")) == ["RF000"]


def test_recover_module_keeps_real_line_numbers_and_order():
    code = "a = 1\nb = (\nc = 3\n\ndef f():\n    return 4\n"
    tree = recover_module(code, "<test>")
    assert [(type(s).__name__, s.lineno) for s in tree.body] == [
        ("Assign", 1),
        ("Assign", 3),
        ("FunctionDef", 5),
    ]


def test_newer_fstrings_in_the_rest_of_a_broken_file_are_analysed():
    code = (
        "from openai import OpenAI\nx = (\n\n"
        'row = {"q": 1}\n'
        'OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"{row["q"]}")\n'
    )
    assert sorted(ids(lint(code, path="app.py"))) == ["RF000", "RF101"]
