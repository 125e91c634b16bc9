"""Jupyter notebooks: code cells are one Python module, findings land on their cell.

Each case builds a notebook as Jupyter writes it (JSON, one source line per list item) and
lints it through the same engine as the CLI and the server."""

from __future__ import annotations

import json
import secrets
import string
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import _ENGINES, ids, lint

from ragfirst.cli.main import main
from ragfirst.config.settings import Settings

MARKER = "T3Blbk" + "FJ"  # the middle of every OpenAI key (kept split: this file is no leak)


def openai_key() -> str:
    alphabet = string.ascii_letters + string.digits
    part = lambda: "".join(secrets.choice(alphabet) for _ in range(74))  # noqa: E731
    return f"sk-proj-{part()}{MARKER}{part()}"


def code(source: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": outputs or [],
        "source": textwrap.dedent(source).strip("\n").splitlines(keepends=True),
    }


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": textwrap.dedent(source).splitlines(True)}


def notebook(*cells: dict[str, Any], language: str = "python", **extra: Any) -> str:
    document = {
        "cells": list(cells),
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
        **extra,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def lint_nb(text: str, **kwargs: Any):
    return lint(text, path="train.ipynb", **kwargs)


def where(findings, rule_id: str) -> list[tuple[int | None, int, int]]:
    """(cell, line, 1-based column) of each active finding of one rule."""
    return [
        (f.cell.cell if f.cell else None, f.span.start_line, f.span.start_col + 1)
        for f in findings
        if f.rule_id == rule_id and not f.suppressed
    ]


SFT = """\
from trl import SFTTrainer
trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=ds)
trainer.train()
"""


# -- cells are one module ----------------------------------------------------------------


def test_client_made_in_one_cell_is_resolved_in_another():
    text = notebook(
        markdown("# Fine-tune\n"),
        code("from openai import OpenAI\nclient = OpenAI()\n"),
        code("print('unrelated')\n"),
        code(
            'job = client.fine_tuning.jobs.create(training_file="file-abc", model="gpt-4o-mini-2024-07-18")\n'
        ),
    )
    assert where(lint_nb(text), "RF101") == [(4, 1, 7)]


def test_markdown_and_raw_cells_naming_trainers_never_fire():
    text = notebook(
        markdown("We call `SFTTrainer(model)` and `client.fine_tuning.jobs.create()` below.\n"),
        {
            "cell_type": "raw",
            "metadata": {},
            "source": ["from trl import SFTTrainer\n", "SFTTrainer(model=m)\n"],
        },
        code("import os\nprint(os.getcwd())\n"),
    )
    assert ids(lint_nb(text)) == []


def test_a_look_alike_in_code_does_not_fire():
    text = notebook(code("class SFTTrainer:\n    def train(self): ...\n"), code("SFTTrainer().train()\n"))
    assert ids(lint_nb(text)) == []


def test_cell_numbers_count_markdown_cells_and_lines_are_inside_the_cell():
    text = notebook(markdown("intro"), markdown("more"), code("import os\n\n" + SFT))
    assert where(lint_nb(text), "RF102") == [(3, 4, 11)]


# -- IPython syntax -----------------------------------------------------------------------


def test_ipython_syntax_does_not_break_analysis():
    text = notebook(
        code("%matplotlib inline\n%load_ext autoreload\n!nvidia-smi\nfiles = !ls data\nx = %env HOME\n"),
        code("%%capture\n!pip install -q trl\n"),
        code("%%bash\nset -e\necho 'not python: ((('\n"),
        code("%%writefile helper.py\ndef broken(:\n"),
        code("from trl import SFTTrainer\nSFTTrainer?\n??SFTTrainer\n"),
        code("import asyncio\nawait asyncio.sleep(0)\nasync with lock:\n    pass\n"),
        code(
            'if True:\n    !echo hi\n    %time x = 1\nprompt = """What is RAG?\n!important: answer %d\n"""\n'
        ),
        code("trainer = SFTTrainer(model='m', train_dataset=ds)\n%time trainer.train()\n"),
    )
    findings = lint_nb(text)
    assert [f for f in findings if f.rule_id == "RF000"] == []
    assert where(findings, "RF102") == [(8, 1, 11)]


def test_a_timed_call_is_still_analysed():
    text = notebook(code("from trl import SFTTrainer\n%time SFTTrainer(model='m').train()\n"))
    assert where(lint_nb(text), "RF102") == [(1, 2, 7)]


def test_a_cell_with_a_syntax_error_costs_only_itself():
    text = notebook(code("def broken(:\n    pass\n"), code(SFT))
    findings = lint_nb(text)
    assert where(findings, "RF000") == [(1, 1, 12)]
    assert "cell 1" in next(f.message for f in findings if f.rule_id == "RF000")
    assert where(findings, "RF102") == [(2, 2, 11)]


def test_invalid_escapes_in_a_cell_print_no_warning(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning the parse lets out fails the test
        findings = lint_nb(notebook(code('import re\npattern = re.compile("\\d+\\.")\n' + SFT)))
    assert where(findings, "RF102") == [(1, 4, 11)]
    assert "Warning" not in capfd.readouterr().err


def test_a_notebook_of_another_language_is_not_read_as_python():
    text = notebook(code("library(trl)\nSFTTrainer <- function(x) x\n"), language="R")
    assert ids(lint_nb(text)) == []


# -- pip installs are a manifest -----------------------------------------------------------


def test_pip_installs_count_for_rf501_once_per_package():
    text = notebook(
        code("!pip install trl==0.12 'peft>=0.10' -U --index-url https://example.org/simple\n"),
        code("%pip install -q trl unsloth\n"),
        code("%%bash\npython -m pip install deepspeed\n"),
    )
    findings = lint_nb(text)
    names = sorted(f.data["captures"]["name"] for f in findings if f.rule_id == "RF501")
    assert names == ["deepspeed", "peft", "trl", "unsloth"]
    assert (1, 1, 14) in where(findings, "RF501")  # trl, at its first install


def test_an_install_of_inference_libraries_only_is_not_training():
    text = notebook(code("!pip install openai peft accelerate\n"), code("import openai\n"))
    assert "RF501" not in ids(lint_nb(text))


def test_pip_in_a_string_or_comment_is_no_install():
    text = notebook(code('cmd = """\n!pip install trl\n"""\n# !pip install unsloth\n'))
    assert "RF501" not in ids(lint_nb(text))


# -- secrets in outputs -----------------------------------------------------------------------


def test_a_key_printed_in_an_output_is_rf404_with_its_cell_and_redacted():
    key = openai_key()
    stream = {
        "name": "stdout",
        "output_type": "stream",
        "text": [f"environ({{'OPENAI_API_KEY': '{key}'}})\n"],
    }
    result = {
        "output_type": "execute_result",
        "execution_count": 1,
        "metadata": {},
        "data": {"text/plain": [f"'{key}'"], "image/png": "iVBORw0KGgo" + "A" * 5000},
    }
    text = notebook(
        markdown("setup"), code("import os\nprint(os.environ)\n", [stream]), code("x\n", [result])
    )
    findings = [f for f in lint_nb(text) if f.rule_id == "RF404"]
    assert [(f.cell.cell, f.cell.output) for f in findings] == [(2, True), (3, True)]
    assert all(key not in f.message and key not in f.snippet for f in findings)
    assert "output" in findings[0].message


def test_code_in_an_output_is_never_analysed():
    stream = {
        "name": "stdout",
        "output_type": "stream",
        "text": ["from trl import SFTTrainer\n", "SFTTrainer(m)\n"],
    }
    html = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": ["<pre>SFTTrainer(m)</pre>"]},
    }
    text = notebook(code("print(1)\n", [stream, html]))
    assert ids(lint_nb(text)) == []


# -- suppressions ----------------------------------------------------------------------------


def test_a_suppression_comment_in_a_cell_silences_its_line():
    text = notebook(
        code(
            "from trl import SFTTrainer\n"
            "trainer = SFTTrainer(model='m')  # ragfirst: ignore[RF102] -- 40k labelled pairs, ADR-7\n"
        )
    )
    findings = lint_nb(text)
    assert ids(findings) == []
    assert [f.suppression_reason for f in findings if f.suppressed] == ["40k labelled pairs, ADR-7"]


def test_a_file_level_suppression_in_the_first_code_cell_covers_every_cell():
    text = notebook(
        markdown("title"),
        code("# ragfirst: ignore-file[RF102,RF501] -- this notebook is the approved training run\n"),
        code("!pip install trl\n"),
        code(SFT),
    )
    assert ids(lint_nb(text)) == []


def test_a_suppression_after_a_shell_line_counts():
    text = notebook(code("!pip install trl  # ragfirst: ignore[RF501] -- training is this repo's job\n"))
    findings = lint_nb(text)
    assert ids(findings) == [] and [f.rule_id for f in findings if f.suppressed] == ["RF501"]


def test_an_unused_suppression_in_a_cell_is_reported_in_that_cell():
    text = notebook(markdown("x"), code("import os  # ragfirst: ignore[RF102] -- stale\n"))
    assert where(lint_nb(text), "RF001") == [(2, 1, 12)]


# -- malformed notebooks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"cells": [\n  {"cell_type": "code",\n', "invalid notebook JSON", 3),
        ('{"metadata": {}, "nbformat": 4}', "no `cells` list", 1),
        ('["not", "a", "notebook"]', "top level is not a JSON object", 1),
        ('{"cells": {}, "nbformat": 4}', "`cells` is not a list", 1),
        ('{"cells": [], "nbformat": 5}', "nbformat 5 is not supported", 1),
        ("", "invalid notebook JSON", 1),
    ],
)
def test_a_file_that_is_not_a_notebook_gives_one_rf000(text, message, line):
    findings = lint_nb(text)
    assert [f.rule_id for f in findings] == ["RF000"]
    assert message in findings[0].message and findings[0].span.start_line == line
    assert findings[0].cell is None


def test_a_bad_cell_is_reported_and_the_rest_is_analysed():
    text = notebook(
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": 42},
        "just a string",
        code(SFT),
    )
    findings = lint_nb(text)
    assert where(findings, "RF000") == [(1, 1, 1), (2, 1, 1)]
    assert "`source` is neither a string nor a list" in findings[0].message
    assert findings[0].cell.file_span.start_line > 1  # the cell's place in the JSON file
    assert where(findings, "RF102") == [(3, 2, 11)]


def test_nbformat_3_is_read():
    document = {
        "nbformat": 3,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "markdown", "source": ["SFTTrainer"]},
                    {"cell_type": "code", "language": "python", "input": SFT.splitlines(True), "outputs": []},
                ]
            }
        ],
    }
    assert where(lint_nb(json.dumps(document, indent=1)), "RF102") == [(2, 2, 11)]


def test_a_source_given_as_one_string_maps_to_its_lines():
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "import os\n" + SFT}
    findings = lint_nb(notebook(cell))
    assert where(findings, "RF102") == [(1, 3, 11)]
    # One JSON line holds the whole string: the file column counts the escaped text before.
    file_span = next(f.cell.file_span for f in findings if f.rule_id == "RF102")
    line = notebook(cell).splitlines()[file_span.start_line - 1]
    assert line[file_span.start_col :].startswith("SFTTrainer(")


def test_big_image_outputs_cost_little(tmp_path):
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR" + "A" * 4_000_000}}
    big = notebook(code(SFT, [image]))
    small = notebook(code(SFT))
    assert len(big) > 4_000_000

    engine = _ENGINES.for_settings(Settings())

    def cost(text: str) -> float:
        data = text.encode()
        start = time.perf_counter()
        for _ in range(5):
            analysis = engine.analyze("train.ipynb", data, max_bytes=len(data))
        assert [m.rule_id for m in analysis.matches] == ["RF102"]
        return (time.perf_counter() - start) / 5

    cost(small)  # warm the engine
    # Seconds: decoding 4 MB of UTF-8 and finding the string's end, nothing per character.
    assert cost(big) < cost(small) + 0.03


# -- through the CLI, every format ------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    key = openai_key()
    stream = {"name": "stdout", "output_type": "stream", "text": [f"key={key}\n"]}
    (tmp_path / "train.ipynb").write_text(
        notebook(markdown("# LoRA"), code("!pip install trl\n"), code(SFT, [stream])), encoding="utf-8"
    )
    (tmp_path / "key.txt").write_text(key)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_cli_text_prints_ruffs_cell_positions(project, capsys):
    code, out = run(capsys, "check", "--no-cache", ".")
    assert code == 1
    assert "train.ipynb:cell 2:1:14: RF501" in out
    assert "train.ipynb:cell 3:2:11: RF102" in out
    assert "train.ipynb:cell 3:1:1: RF404" in out
    assert (project / "key.txt").read_text() not in out


def test_cli_json_gives_the_cell_apart(project, capsys):
    _, out = run(capsys, "check", "--no-cache", "--format", "json", ".")
    findings = {f["rule"]: f for f in json.loads(out)["findings"]}
    assert findings["RF102"]["cell"] == 3
    assert findings["RF102"]["start"] == {"line": 2, "column": 11}
    lines = (project / "train.ipynb").read_text().splitlines()
    start = findings["RF102"]["file_start"]
    assert lines[start["line"] - 1][start["column"] - 1 :].startswith("SFTTrainer(")
    assert findings["RF404"]["in_output"] is True
    key_at = findings["RF404"]["file_start"]  # the printed line in the JSON text
    assert (project / "key.txt").read_text() in lines[key_at["line"] - 1]
    assert (project / "key.txt").read_text() not in out


def test_cli_sarif_points_at_the_json_line_and_names_the_cell(project, capsys):
    _, out = run(capsys, "check", "--no-cache", "--format", "sarif", ".")
    results = {r["ruleId"]: r for r in json.loads(out)["runs"][0]["results"]}
    result = results["RF102"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = (project / "train.ipynb").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 :].startswith("SFTTrainer(")
    assert result["properties"]["ragfirst/cell"] == 3
    assert result["properties"]["ragfirst/cellRegion"]["startLine"] == 2
    assert result["message"]["text"].endswith("[cell 3:2:11]")
    assert (project / "key.txt").read_text() not in out


def test_cli_github_gitlab_junit_carry_the_file_line_and_the_cell(project, capsys):
    lines = (project / "train.ipynb").read_text().splitlines()
    json_line = next(i for i, text in enumerate(lines, 1) if "SFTTrainer(model" in text)
    _, out = run(capsys, "check", "--no-cache", "--format", "github", ".")
    annotation = next(line for line in out.splitlines() if "RF102" in line)
    assert f"line={json_line}," in annotation and "[cell 3:2:11]" in annotation
    _, out = run(capsys, "check", "--no-cache", "--format", "gitlab", ".")
    issue = next(i for i in json.loads(out) if i["check_name"] == "RF102")
    assert issue["location"]["lines"]["begin"] == json_line and "[cell 3:2:11]" in issue["description"]
    _, out = run(capsys, "check", "--no-cache", "--format", "junit", ".")
    assert f'name="RF102 local-fine-tuning at cell 3:2:11" file="train.ipynb" line="{json_line}"' in out
    assert (project / "key.txt").read_text() not in out


def test_cli_cached_run_keeps_cell_positions(project, capsys, tmp_path_factory):
    cache = str(tmp_path_factory.mktemp("cache"))
    _, first = run(capsys, "check", "--cache-dir", cache, ".")
    _, second = run(capsys, "check", "--cache-dir", cache, ".")
    assert first == second and "cell 3:2:11: RF102" in second


def test_cli_broken_notebook_is_one_line_and_the_run_goes_on(project, capsys):
    (project / "broken.ipynb").write_text('{"cells": [\n', encoding="utf-8")
    code, out = run(capsys, "check", "--no-cache", ".")
    assert code == 1
    assert [line for line in out.splitlines() if "broken.ipynb" in line] == [
        "broken.ipynb:2:1: RF000 [error] invalid notebook JSON: unexpected end of input"
    ]
    assert "cell 3:2:11: RF102" in out


def test_cli_decisions_name_the_cell(project, capsys):
    (project / "train.ipynb").write_text(
        notebook(markdown("x"), code("!pip install trl  # ragfirst: ignore[RF501] -- training repo\n"))
    )
    _, out = run(capsys, "decisions", ".")
    assert "train.ipynb:cell 2:1: RF501 training-dependency: training repo" in out


# -- the samples -------------------------------------------------------------------------------------


def test_the_notebook_samples_show_what_samples_readme_says(monkeypatch):
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    samples = Path(__file__).resolve().parents[1] / "samples"
    monkeypatch.chdir(samples)
    result = lint_paths([Path("colab-lora-notebook"), Path("openai-finetune-notebook")], ConfigResolver())
    found = sorted(
        (f.path.split("/")[0], f.rule_id, f.cell.cell if f.cell else 0, f.suppressed) for f in result.findings
    )
    lora, oai = "colab-lora-notebook", "openai-finetune-notebook"
    assert found == sorted(
        [
            *[(lora, "RF501", 2, False)] * 5,  # unsloth, trl, peft, accelerate, bitsandbytes
            (lora, "RF104", 6, False),
            (lora, "RF404", 9, False),
            (lora, "RF102", 10, False),
            (lora, "RF106", 10, True),
            (oai, "RF401", 7, False),
            *[
                (oai, rule, 9, False)
                for rule in ("RF101", "RF106", "RF107", "RF201", "RF202", "RF203", "RF406")
            ],
        ]
    )


# -- the line rewriting itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("files = !ls\n", ["files = None"]),
        ("a, b = %sx echo 1 2\n", ["a, b = None"]),
        ("%timeit -n 3 f()\n", ["pass"]),
        ("%time f()\n", ["if 1: f()"]),  # columns kept: f() is where it was
        ("!pip install a \\\n    b\nx = 1\n", ["pass", "", "x = 1"]),
        ('s = "a\\"(" + f(\n    "?",\n)\n', ['s = "a\\"(" + f(', '    "?",', ")"]),
        ("x = 1  # what?\n", ["x = 1  # what?"]),
        ("obj.method?  # help\n", ["pass         # help"]),  # the comment keeps its column
        ("%%bash\npip install trl\n", ["", ""]),
        ("%%time\nx = 1\n", ["", "x = 1"]),
    ],
)
def test_ipython_lines_are_rewritten_in_place(cell, expected):
    from ragfirst.analyzers.ipython_syntax import rewrite_cell

    assert rewrite_cell(cell.splitlines()).lines == expected


def test_a_key_deep_in_a_long_printout_is_placed_on_its_json_line():
    key = openai_key()
    log = [f"step {i}: loss 0.{i}\n" for i in range(50)] + [f"OPENAI_API_KEY={key}\n", "done\n"]
    text = notebook(
        markdown("x"), code("print(os.environ)\n", [{"name": "stdout", "output_type": "stream", "text": log}])
    )
    [finding] = [f for f in lint_nb(text) if f.rule_id == "RF404"]
    assert finding.cell.cell == 2 and finding.cell.output
    json_line = text.splitlines()[finding.cell.file_span.start_line - 1]
    assert key in json_line and json_line.index(key) == finding.cell.file_span.start_col


def test_a_notebook_over_the_size_cap_is_one_rf000_not_a_crash():
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * 2_000_000}}
    settings = Settings(max_file_size=1_000_000)
    findings = lint_nb(notebook(code(SFT, [image])), settings=settings)
    assert [f.rule_id for f in findings] == ["RF000"] and "too large" in findings[0].message


def test_crlf_line_ends_in_the_json_keep_file_positions():
    text = notebook(markdown("x"), code(SFT)).replace("\n", "\r\n")
    [finding] = [f for f in lint_nb(text) if f.rule_id == "RF102"]
    assert (finding.cell.cell, finding.span.start_line) == (2, 2)
    json_line = text.split("\r\n")[finding.cell.file_span.start_line - 1]
    assert json_line[finding.cell.file_span.start_col :].startswith("SFTTrainer(")
