"""Valid notebook cells are never RF000 (issue 19's real-code check, run again with notebooks
analysed): PEP 701 f-strings on Python 3.11, and IPython's automagic (`pip install x` in a
one-line cell). What Jupyter itself rejects is still RF000."""

from __future__ import annotations

import ast

import pytest
from tests.conftest import ids
from tests.test_notebooks import SFT, code, lint_nb, notebook, where

from ragfirst.analyzers.newer_fstrings import with_older_quotes


def rf501_names(findings) -> list[str]:
    return sorted(f.data["captures"]["name"] for f in findings if f.rule_id == "RF501")


@pytest.mark.parametrize(
    "cell",
    [
        'rows = [{"q": 1}]\nprint(f"{rows[0]["q"]}")\n',
        'lines = ["a"]\nprint(f"\\n{\'\\n\'.join(lines)}")\n',
        "lines = ['a']\nprint(f\"{'\\t'.join(lines)} and {'\\\\'}\")\n",
    ],
    ids=["same quote", "backslash in a field", "two escapes"],
)
def test_pep701_fstrings_in_a_cell_are_not_rf000(cell):
    findings = lint_nb(notebook(code(cell), code(SFT)))
    assert "RF000" not in ids(findings)
    assert where(findings, "RF102") == [(2, 2, 11)]


def test_automagic_pip_in_a_one_line_cell_is_an_install():
    findings = lint_nb(notebook(code("pip install trl[all]==0.12 unsloth\n"), code(SFT)))
    assert "RF000" not in ids(findings)
    assert rf501_names(findings) == ["trl", "unsloth"]


@pytest.mark.parametrize("line", ["cd /content/repo\n", "ls -la\n", "conda install -y faiss-cpu\n"])
def test_other_automagics_in_a_one_line_cell_are_not_rf000(line):
    assert "RF000" not in ids(lint_nb(notebook(code(line), code(SFT))))


def test_automagic_needs_a_one_line_cell_as_in_ipython():
    """IPython applies automagic to one-line cells only: this cell fails in Jupyter too."""
    findings = lint_nb(notebook(code("# set up\npip install trl\n"), code(SFT)))
    assert where(findings, "RF000") == [(1, 2, 5)]


@pytest.mark.parametrize("line", ["pip = 3\n", "ls = ['a']\n", "cd(1)\n"])
def test_python_that_starts_with_a_magic_name_stays_python(line):
    findings = lint_nb(notebook(code(line), code(SFT)))
    assert "RF000" not in ids(findings) and "RF501" not in ids(findings)


def test_shell_commands_that_are_no_magic_are_still_rf000():
    findings = lint_nb(notebook(code('export MISTRAL_API_KEY="x"\n'), code(SFT)))
    assert where(findings, "RF000") == [(1, 1, 8)]


def test_blanked_escapes_keep_every_position():
    text = "x = f\"a{'\\n'.join(y)}b{'\\\\'}\"\n"
    rewritten = with_older_quotes(text)
    assert rewritten is not None and len(rewritten) == len(text)
    ast.parse(rewritten)


# -- found by the notebook fuzzer (issue 25) ------------------------------------------


def test_a_deeply_nested_one_line_cell_is_no_crash():
    cell = "pip " + "{" * 400 + "}" * 400 + "install openai\n"
    findings = lint_nb(notebook(code(cell), code(SFT)))
    assert where(findings, "RF102") == [(2, 2, 11)]


def test_a_line_split_over_two_source_items_keeps_file_positions_in_the_file():
    """nbformat ends every source item but the last with a newline; a hand-edited notebook
    may not, and a cell line then continues in the next JSON string (on another line)."""
    cell = code("x = 1\n")
    cell["source"] = ["%%bash\n", "\f", "\f", "python -m pip install deepspeed"]
    text = notebook(cell)
    findings = lint_nb(text)
    rf501 = [f for f in findings if f.rule_id == "RF501"]
    assert [(f.cell.cell, f.span.start_line, f.span.start_col) for f in rf501] == [(1, 2, 24)]
    file_lines = text.splitlines()
    span = rf501[0].cell.file_span
    assert span.start_col <= len(file_lines[span.start_line - 1])


# -- RF107 honours the notebook's own pins (the real-code sample) ---------------------

ORPO = "from trl import ORPOConfig, ORPOTrainer\ntrainer = ORPOTrainer(model=m, args=ORPOConfig(output_dir='o'))\n"


def test_rf107_honours_a_pin_in_the_notebooks_pip_line():
    pinned = notebook(code("!pip install -q unsloth trl==0.22.2\n"), code(ORPO))
    assert "RF107" not in ids(lint_nb(pinned, lifecycle=True))


@pytest.mark.parametrize("install", ["!pip install -q unsloth trl\n", "!pip install 'trl>=0.20'\n"])
def test_rf107_without_a_pin_below_the_change_still_fires(install):
    assert "RF107" in ids(lint_nb(notebook(code(install), code(ORPO)), lifecycle=True))


def test_a_finding_that_ends_in_a_later_source_item_keeps_a_forward_file_span():
    cell = code("x = 1\n")
    cell["source"] = ["!pip install -q tr", "l unsloth\n"]  # `trl` split over two items
    findings = lint_nb(notebook(cell))
    for finding in findings:
        span = finding.cell.file_span
        assert (span.start_line, span.start_col) <= (span.end_line, span.end_col), finding


def test_rf107_reads_the_last_install_of_a_package():
    """unslothai/notebooks: trl unpinned in a set-up cell, then pinned `--no-deps`."""
    cells = (
        code("!pip install --no-deps peft trl triton unsloth\n!pip install --no-deps trl==0.22.2\n"),
        code(ORPO),
    )
    assert "RF107" not in ids(lint_nb(notebook(*cells), lifecycle=True))
    upgraded = (code("!pip install trl==0.22.2\n!pip install -U trl\n"), code(ORPO))
    assert "RF107" in ids(lint_nb(notebook(*upgraded), lifecycle=True))
