"""RF201-RF203 and RF107 end to end: data files written to tmp_path, the real pipeline
(discovery, engine, project phase) run over them, and exact rule ids, lines and message
fragments checked. RF107 runs with a fixed clock (engine directly, or RAGFIRST_TODAY).

Snippets start right after the opening quotes (`\"\"\"\\`), so the first code line is
line 1 and the expected line numbers can be read off the snippet.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import os
import pathlib
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from ragfirst.checks.base import ProjectContext
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.data.data_files import DataFiles, ResolvedData
from ragfirst.engine.engine import Engine
from ragfirst.engine.project import ProjectIndex
from ragfirst.engine.runner import lint_paths
from ragfirst.model import Finding, Severity
from ragfirst.rules.loader import load_ruleset

DATA_RULES = ("RF201", "RF202", "RF203")
MIB = 1024 * 1024


# ============================================================================================
# helpers
# ============================================================================================


def chat(index: int, user: str | None = None, assistant: str | None = None) -> dict:
    """A well-formed chat example, unique per index (so no duplicate findings)."""
    return {
        "messages": [
            {"role": "user", "content": user if user is not None else f"Question {index}?"},
            {"role": "assistant", "content": assistant if assistant is not None else f"Answer {index}."},
        ]
    }


def jsonl(records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def chat_file(count: int) -> str:
    return jsonl(chat(i) for i in range(count))


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if relative.endswith(".py") else content, "utf-8")


def run_project(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    *,
    pyproject: str | None = None,
    today: str = "2026-06-01",
) -> list[Finding]:
    """Write `files` under `root` (a project marked by ragfirst.toml, or by `pyproject`),
    then run the CLI's pipeline over it from inside `root`."""
    root.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("RAGFIRST_TODAY", today)
    write_files(root, files)
    if pyproject is None:
        (root / "ragfirst.toml").write_text("", encoding="utf-8")
    else:
        (root / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
    return [f for f in lint_paths([root], ConfigResolver()).findings if not f.suppressed]


def of(findings: list[Finding], rule_id: str, path: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id and (path is None or f.path == path)]


def one(findings: list[Finding], rule_id: str, path: str | None = None) -> Finding:
    found = of(findings, rule_id, path)
    assert len(found) == 1, [(f.rule_id, f.path, f.span.start_line, f.message) for f in findings]
    return found[0]


def where(findings: list[Finding], rule_id: str, path: str) -> list[tuple[int, str]]:
    return [(f.span.start_line, f.message) for f in of(findings, rule_id, path)]


def pinned_options(**options: dict) -> str:
    lines = ["[tool.ragfirst]"]
    for rule_id, values in options.items():
        lines.append(f"[tool.ragfirst.options.{rule_id}]")
        lines += [f"{name} = {json.dumps(value)}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


# The canonical OpenAI upload-then-train script: the training call is on line 5.
OPENAI_UPLOAD = """\
from openai import OpenAI

client = OpenAI()
upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
"""

# A local TRL trainer fed by load_dataset: the trainer call is on line 5.
SFT_LOCAL = """\
from datasets import load_dataset
from trl import SFTTrainer

ds = load_dataset("json", data_files="data/train.jsonl", split="train")
trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=ds)
"""


# ============================================================================================
# 1. Finding the data: each resolution form
# ============================================================================================

RESOLUTION_FORMS = {
    "files-create-open-feeds-job": (
        OPENAI_UPLOAD,
        5,
    ),
    "module-level-constant": (
        """\
        from openai import OpenAI

        TRAIN_PATH = "data/train.jsonl"


        def main():
            client = OpenAI()
            upload = client.files.create(file=open(TRAIN_PATH, "rb"), purpose="fine-tune")
            client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
        """,
        9,
    ),
    "pathlib-join-of-literals": (
        """\
        import pathlib

        from openai import OpenAI

        client = OpenAI()
        path = pathlib.Path("data") / "train.jsonl"
        upload = client.files.create(file=open(path, "rb"), purpose="fine-tune")
        client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
        """,
        8,
    ),
    "with-open-as-handle": (
        """\
        from openai import OpenAI

        client = OpenAI()
        with open("data/train.jsonl", "rb") as fh:
            upload = client.files.create(file=fh, purpose="fine-tune")
        client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
        """,
        6,
    ),
    "os-path-join": (
        """\
        import os

        from openai import OpenAI

        client = OpenAI()
        upload = client.files.create(file=open(os.path.join("data", "train.jsonl"), "rb"), purpose="fine-tune")
        client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
        """,
        7,
    ),
}


@pytest.mark.parametrize("form", list(RESOLUTION_FORMS))
def test_openai_resolution_forms_find_the_data_file(form, tmp_path, monkeypatch):
    code, line = RESOLUTION_FORMS[form]
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": chat_file(7)})
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == line
    assert rf201.message.startswith(
        "Training data data/train.jsonl has 7 examples: OpenAI rejects fewer than 10"
    )
    assert rf201.severity == Severity.ERROR
    assert rf201.data["inlay"] == "7 examples"
    # Well-formed data: no RF202 anywhere; the model is priced, so there is an estimate.
    assert not of(findings, "RF202")
    assert [f.span.start_line for f in of(findings, "RF203", "train.py")] == [line]


def test_path_relative_to_file_in_a_subdirectory(tmp_path, monkeypatch):
    code = """\
    from pathlib import Path

    from openai import OpenAI

    client = OpenAI()
    upload = client.files.create(file=open(Path(__file__).parent / "data" / "train.jsonl", "rb"), purpose="fine-tune")
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
    """
    findings = run_project(
        tmp_path,
        monkeypatch,
        {
            "jobs/train.py": code,
            "jobs/data/train.jsonl": chat_file(7),
            "data/train.jsonl": chat_file(3),  # a decoy at the root: must not be the one counted
        },
    )
    rf201 = one(findings, "RF201", "jobs/train.py")
    assert rf201.span.start_line == 7
    assert "Training data jobs/data/train.jsonl has 7 examples" in rf201.message


def test_load_dataset_string_feeds_sft_trainer(tmp_path, monkeypatch):
    findings = run_project(tmp_path, monkeypatch, {"train.py": SFT_LOCAL, "data/train.jsonl": chat_file(7)})
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == 5
    assert "Training data data/train.jsonl has 7 examples" in rf201.message


def test_load_dataset_dict_of_splits_uses_the_train_split(tmp_path, monkeypatch):
    code = """\
    from datasets import load_dataset
    from trl import SFTTrainer

    ds = load_dataset("json", data_files={"train": "data/train.jsonl", "test": "data/test.jsonl"})
    trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=ds)
    """
    findings = run_project(
        tmp_path,
        monkeypatch,
        {"train.py": code, "data/train.jsonl": chat_file(7), "data/test.jsonl": chat_file(3)},
    )
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == 5
    assert "Training data data/train.jsonl has 7 examples" in rf201.message


def test_load_dataset_dict_subscripted_train_split(tmp_path, monkeypatch):
    code = """\
    from datasets import load_dataset
    from trl import SFTTrainer

    ds = load_dataset("json", data_files={"train": "data/train.jsonl", "test": "data/test.jsonl"})
    trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=ds["train"])
    """
    findings = run_project(
        tmp_path,
        monkeypatch,
        {"train.py": code, "data/train.jsonl": chat_file(7), "data/test.jsonl": chat_file(3)},
    )
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == 5
    assert "Training data data/train.jsonl has 7 examples" in rf201.message


def test_uploaded_file_id_is_not_a_data_file(tmp_path, monkeypatch):
    code = """\
    from openai import OpenAI

    client = OpenAI()
    client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
    """
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": chat_file(3)})
    assert not [f for f in findings if f.rule_id in DATA_RULES and f.path == "train.py"]
    assert of(findings, "RF101", "train.py")  # the call itself was recognised


def test_missing_data_file_gives_no_data_finding(tmp_path, monkeypatch):
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD})
    assert not [f for f in findings if f.rule_id in DATA_RULES]
    assert of(findings, "RF101", "train.py")


# ============================================================================================
# 2. RF201: counts at, below and above the thresholds
# ============================================================================================


@pytest.mark.parametrize(("count", "fires"), [(9_999, True), (10_000, False), (10_001, False)])
def test_rf201_default_threshold_of_ten_thousand(count, fires, tmp_path, monkeypatch):
    findings = run_project(
        tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": chat_file(count)}
    )
    rf201 = of(findings, "RF201")
    if not fires:
        assert rf201 == []
        return
    (finding,) = rf201
    assert (finding.path, finding.span.start_line, finding.severity) == ("train.py", 5, Severity.WARNING)
    assert finding.message.startswith(
        "Training data data/train.jsonl has 9,999 examples: 10,000+ high-quality pairs"
    )
    assert finding.data["inlay"] == "9,999 examples"


def test_rf201_warns_well_below_the_default(tmp_path, monkeypatch):
    findings = run_project(
        tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": chat_file(20)}
    )
    finding = one(findings, "RF201", "train.py")
    assert finding.severity == Severity.WARNING
    assert finding.message == (
        "Training data data/train.jsonl has 20 examples: 10,000+ high-quality pairs are the bar for "
        "fine-tuning to beat retrieval; 1,000 is the floor (OpenAI's own minimum is 10)."
    )


def test_rf201_local_trainer_names_no_provider_minimum(tmp_path, monkeypatch):
    """The guide's numbers stay; a provider minimum is stated only where there is one."""
    code = """\
    from datasets import load_dataset
    from trl import SFTTrainer

    SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=load_dataset("json", data_files="data/train.jsonl"))
    """
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": chat_file(20)})
    finding = one(findings, "RF201", "train.py")
    assert finding.message.endswith("1,000 is the floor.")
    assert "own minimum" not in finding.message


@pytest.mark.parametrize(("count", "expected"), [(4, Severity.WARNING), (5, None), (6, None)])
def test_rf201_min_examples_option_for_a_local_trainer(count, expected, tmp_path, monkeypatch):
    """A local trainer has no provider minimum: below the configured threshold is a warning."""
    findings = run_project(
        tmp_path,
        monkeypatch,
        {"train.py": SFT_LOCAL, "data/train.jsonl": chat_file(count)},
        pyproject=pinned_options(RF201={"min-examples": 5}),
    )
    rf201 = of(findings, "RF201")
    if expected is None:
        assert rf201 == []
        return
    (finding,) = rf201
    assert (finding.path, finding.span.start_line, finding.severity) == ("train.py", 5, expected)
    assert finding.message.startswith("Training data data/train.jsonl has 4 examples: 5+ high-quality pairs")


def test_rf201_min_examples_option_in_ragfirst_toml(tmp_path, monkeypatch):
    """ragfirst.toml is the [tool.ragfirst] table itself: options go under [options.RF201]."""
    files = {
        "train.py": SFT_LOCAL,
        "data/train.jsonl": chat_file(5),
        "ragfirst.toml": "[options.RF201]\nmin-examples = 5\n",
    }
    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, files)
    findings = lint_paths([tmp_path], ConfigResolver()).findings
    assert of(findings, "RF201") == []
    (tmp_path / "data/train.jsonl").write_text(chat_file(4), encoding="utf-8")
    findings = lint_paths([tmp_path], ConfigResolver()).findings
    assert [(f.span.start_line, f.severity) for f in of(findings, "RF201", "train.py")] == [
        (5, Severity.WARNING)
    ]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(9, Severity.ERROR), (10, Severity.WARNING), (11, Severity.WARNING), (12, None)],
)
def test_rf201_openai_hard_minimum_of_ten(count, expected, tmp_path, monkeypatch):
    """Below OpenAI's minimum of 10 is an error; at 10 it is only below the threshold."""
    findings = run_project(
        tmp_path,
        monkeypatch,
        {"train.py": OPENAI_UPLOAD, "data/train.jsonl": chat_file(count)},
        pyproject=pinned_options(RF201={"min-examples": 12}),
    )
    rf201 = of(findings, "RF201")
    if expected is None:
        assert rf201 == []
        return
    (finding,) = rf201
    assert (finding.path, finding.span.start_line, finding.severity) == ("train.py", 5, expected)
    assert f"Training data data/train.jsonl has {count} examples: " in finding.message
    if expected == Severity.ERROR:
        assert "OpenAI rejects fewer than 10" in finding.message
    else:
        assert "12+ high-quality pairs" in finding.message


def test_rf201_local_trainer_below_ten_is_only_a_warning(tmp_path, monkeypatch):
    findings = run_project(tmp_path, monkeypatch, {"train.py": SFT_LOCAL, "data/train.jsonl": chat_file(3)})
    finding = one(findings, "RF201", "train.py")
    assert finding.severity == Severity.WARNING
    assert "has 3 examples: 10,000+ high-quality pairs" in finding.message
    assert "rejects" not in finding.message
    assert not of(findings, "RF203")  # no hosted price for a local trainer


def test_rf201_blank_lines_are_not_counted(tmp_path, monkeypatch):
    lines = chat_file(9).splitlines(keepends=True)
    data = "\n" + "".join(line + ("\n   \n" if i % 2 else "") for i, line in enumerate(lines)) + "\n\n"
    assert data.count("\n") > 18
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data})
    finding = one(findings, "RF201", "train.py")
    assert finding.severity == Severity.ERROR
    assert "Training data data/train.jsonl has 9 examples" in finding.message
    assert not of(findings, "RF202")


# ============================================================================================
# 3. RF202: every schema error kind, in the data file and summarised on the call
# ============================================================================================

GOOD = json.dumps(chat(0))
GOOD_PREFERENCE = json.dumps(
    {
        "input": {"messages": [{"role": "user", "content": "x"}]},
        "preferred_output": [{"role": "assistant", "content": "a"}],
        "non_preferred_output": [{"role": "assistant", "content": "b"}],
    }
)


def _messages(*messages: dict) -> str:
    return json.dumps({"messages": list(messages)})


# kind -> (data lines, line of the problem, the in-file message fragment, problems on the call)
SCHEMA_ERRORS = {
    "invalid-json": ([GOOD, '{"messages": [{"role": "user"'], 2, "invalid JSON: ", 1),
    "not-an-object": ([GOOD, '["user", "Hi"]'], 2, "each line must be a JSON object", 1),
    "unknown-role": (
        [GOOD, _messages({"role": "bot", "content": "Hi"}, {"role": "assistant", "content": "Hello"})],
        2,
        "messages[0] has role 'bot'; expected one of assistant, developer, function, system, tool, user",
        1,
    ),
    "ends-with-user": (
        [
            GOOD,
            _messages(
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "And?"},
            ),
        ],
        2,
        "the last message must be from the assistant (found 'user')",
        1,
    ),
    "no-assistant-message": (
        [GOOD, _messages({"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"})],
        2,
        "no assistant message to learn from",
        2,  # it also ends with the user
    ),
    "content-wrong-type": (
        [GOOD, _messages({"role": "user", "content": "Hi"}, {"role": "assistant", "content": 42})],
        2,
        "messages[1] content must be a string or a list of parts",
        1,
    ),
    "weight-on-user": (
        [
            GOOD,
            _messages({"role": "user", "content": "Hi", "weight": 1}, {"role": "assistant", "content": "Yo"}),
        ],
        2,
        "messages[0] has a weight but only assistant messages may",
        1,
    ),
    "weight-not-0-or-1": (
        [
            GOOD,
            _messages(
                {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo", "weight": 0.5}
            ),
        ],
        2,
        "messages[1] weight must be 0 or 1",
        1,
    ),
    "preference-missing-input": (
        [
            GOOD_PREFERENCE,
            json.dumps(
                {
                    "preferred_output": [{"role": "assistant", "content": "a"}],
                    "non_preferred_output": [{"role": "assistant", "content": "b"}],
                }
            ),
        ],
        2,
        "preference examples need an 'input' object with 'messages'",
        1,
    ),
    "preference-missing-non-preferred": (
        [
            GOOD_PREFERENCE,
            json.dumps(
                {
                    "input": {"messages": [{"role": "user", "content": "y"}]},
                    "preferred_output": [{"role": "assistant", "content": "a"}],
                }
            ),
        ],
        2,
        "non_preferred_output must be a non-empty list of messages",
        1,
    ),
    "completion-non-string-prompt": (
        [
            json.dumps({"prompt": "Hi", "completion": "Hello"}),
            json.dumps({"prompt": 5, "completion": "Five"}),
        ],
        2,
        "'prompt' must be a string",
        1,
    ),
    "mixed-formats": (
        [GOOD, json.dumps({"prompt": "Hi", "completion": "Hello"})],
        2,
        "completion example in a chat file: one file must use one format",
        1,
    ),
    "duplicate": (
        [GOOD, json.dumps(chat(1)), GOOD],
        3,
        "duplicate of line 1: the same example counts twice (drop the copy, unless the repeat is on purpose)",
        1,
    ),
}


@pytest.mark.parametrize("kind", list(SCHEMA_ERRORS))
def test_rf202_schema_error_on_its_line_and_on_the_call(kind, tmp_path, monkeypatch):
    lines, line, fragment, problem_count = SCHEMA_ERRORS[kind]
    findings = run_project(
        tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": jsonl(lines)}
    )
    in_file = where(findings, "RF202", "data/train.jsonl")
    if kind == "no-assistant-message":
        # Read alone, a prompt with no answer may belong to an RL or evaluation set (issue
        # 19): the file does not report it; the SFT job that names the file does.
        assert in_file == []
    else:
        assert len(in_file) == 1, in_file
        assert in_file[0][0] == line
        assert fragment in in_file[0][1]
    on_call = one(findings, "RF202", "train.py")
    assert on_call.span.start_line == 5
    assert on_call.severity == Severity.ERROR
    assert on_call.message.startswith(
        f"data/train.jsonl has {problem_count} problem(s) the provider would reject or that weaken training;"
        f" first: line {line}: "
    )
    if problem_count == 1:
        assert fragment in on_call.message


def test_rf202_several_problems_on_one_line_are_joined(tmp_path, monkeypatch):
    data = jsonl(
        [GOOD, _messages({"role": "user", "content": "Hi", "weight": 1}, {"role": "bot", "content": 3})]
    )
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data})
    ((line, message),) = where(findings, "RF202", "data/train.jsonl")
    assert line == 2
    assert "messages[0] has a weight but only assistant messages may" in message
    assert "messages[1] has role 'bot'" in message
    assert "messages[1] content must be a string or a list of parts" in message
    assert "the last message must be from the assistant (found 'bot')" in message
    assert "; " in message


def test_rf202_in_file_without_a_training_call(tmp_path, monkeypatch):
    """The data file gets its diagnostics even when no code uses it (opened in the editor)."""
    cut_off = _messages(
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Yo"},
        {"role": "user", "content": "What now?"},
    )
    data = jsonl([GOOD, cut_off])
    findings = run_project(tmp_path, monkeypatch, {"data/train.jsonl": data})
    assert [(f.span.start_line, f.severity) for f in of(findings, "RF202", "data/train.jsonl")] == [
        (2, Severity.ERROR)
    ]
    span = one(findings, "RF202").span
    assert (span.start_col, span.end_line, span.end_col) == (
        0,
        2,
        len(cut_off),
    )


def test_rf202_example_over_the_token_limit_option_on_the_call(tmp_path, monkeypatch):
    long_answer = "x" * 400  # 400 + 2 characters -> about 101 tokens
    data = jsonl([GOOD, chat(1, user="Hi", assistant=long_answer), json.dumps(chat(2))])
    findings = run_project(
        tmp_path,
        monkeypatch,
        {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data},
        pyproject=pinned_options(RF202={"max-example-tokens": 50}),
    )
    on_call = one(findings, "RF202", "train.py")
    assert on_call.span.start_line == 5
    assert on_call.message == (
        "data/train.jsonl has 1 problem(s) the provider would reject or that weaken training;"
        " first: line 2: about 101 tokens, over the 50-token example limit"
    )


def test_rf202_example_over_the_default_token_limit_in_the_data_file(tmp_path, monkeypatch):
    """Default max-example-tokens is 65,536: a 300,000-character example is about 75,000 tokens."""
    data = jsonl([GOOD, chat(1, user="Hi", assistant="y" * 299_998)])
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data})
    on_call = one(findings, "RF202", "train.py")
    assert "first: line 2: about 75,000 tokens, over the 65,536-token example limit" in on_call.message
    in_file = where(findings, "RF202", "data/train.jsonl")
    assert [line for line, _ in in_file] == [2], in_file
    assert "about 75,000 tokens, over the 65,536-token example limit" in in_file[0][1]


def test_rf202_more_problems_than_the_cap(tmp_path, monkeypatch):
    """Lines 2-26 are all invalid: the first 20 are shown, then "and 5 more problems"."""
    data = jsonl([GOOD, *[f'{{"broken": {i}' for i in range(25)]])
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data})
    in_file = where(findings, "RF202", "data/train.jsonl")
    per_line = [(line, message) for line, message in in_file if not message.startswith("and ")]
    assert [line for line, _ in per_line] == list(range(2, 22))
    assert all(message.startswith("invalid JSON: ") for _, message in per_line)
    more = [(line, message) for line, message in in_file if message.startswith("and ")]
    assert more == [(21, "and 5 more problems after this line")]
    on_call = one(findings, "RF202", "train.py")
    assert on_call.message.startswith("data/train.jsonl has 25 problem(s)")
    assert "first: line 2: invalid JSON" in on_call.message


def test_rf202_leaves_non_training_jsonl_alone(tmp_path, monkeypatch):
    logs = '{"event": "login", "user": 1}\nnot json at all\n{"event": "logout", "user": 1}\n'
    findings = run_project(tmp_path, monkeypatch, {"logs/events.jsonl": logs})
    assert [f for f in findings if f.path == "logs/events.jsonl"] == []


def test_rf202_leaves_a_config_document_named_jsonl_alone(tmp_path, monkeypatch):
    """onyx's CloudFormation `onyx_config.jsonl` is one JSON document with comments, not
    JSON Lines: its first line does not parse, but the whole file is a config, not examples."""
    config = '{\n  // Naming\n  "OnyxNamespace": "onyx",\n\n  "AWSRegion": "us-east-2",\n  "HostedZoneId": ""  // Route 53\n}\n'
    plain = '{\n  "Environment": "production",\n  "Replicas": 2\n}\n'
    findings = run_project(
        tmp_path, monkeypatch, {"deploy/onyx_config.jsonl": config, "deploy/plain.jsonl": plain}
    )
    assert [(f.path, f.span.start_line) for f in findings if f.path.startswith("deploy/")] == []


def test_rf202_still_on_training_examples_pretty_printed_into_jsonl(tmp_path, monkeypatch):
    """A provider reads one example per line: chat examples pretty-printed as a JSON array
    (or one indented example) are rejected, so each broken line is still reported."""
    examples = json.dumps([json.loads(GOOD), json.loads(GOOD)], indent=2) + "\n"
    one_example = json.dumps(json.loads(GOOD), indent=2) + "\n"
    broken = '{\n  "messages": [\n'
    files = {"data/train.jsonl": examples, "data/one.jsonl": one_example, "data/broken.jsonl": broken}
    findings = run_project(tmp_path, monkeypatch, files)
    for path in files:
        assert where(findings, "RF202", path), path


def test_rf202_valid_formats_have_no_problems(tmp_path, monkeypatch):
    data = jsonl(
        [
            _messages(
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!", "weight": 1},
            ),
            _messages(
                {"role": "user", "content": [{"type": "text", "text": "Bye"}]},
                {"role": "assistant", "content": "Bye!", "weight": 0},
                {"role": "user", "content": "Really?"},
                {"role": "assistant", "content": "Really."},
            ),
        ]
    )
    findings = run_project(
        tmp_path,
        monkeypatch,
        {
            "train.py": OPENAI_UPLOAD,
            "data/train.jsonl": data,
            "data/dpo.jsonl": jsonl([GOOD_PREFERENCE]),
            "data/legacy.jsonl": jsonl(
                [{"prompt": "a", "completion": "b"}, {"prompt": "c", "completion": "d"}]
            ),
        },
    )
    assert of(findings, "RF202") == []


# ============================================================================================
# 4. Memory and size: a 2 GB (sparse) data file
# ============================================================================================

SPARSE_SIZE = 2 * 1024**3
SPARSE_LINES = 5


def _sparse_training_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(chat_file(SPARSE_LINES).encode())
        handle.truncate(SPARSE_SIZE)  # the rest: NUL bytes, no newline
    assert path.stat().st_size == SPARSE_SIZE


def test_two_gigabyte_file_is_counted_as_a_lower_bound(tmp_path, monkeypatch):
    _sparse_training_file(tmp_path / "data/train.jsonl")
    start = time.monotonic()
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD})
    elapsed = time.monotonic() - start
    assert elapsed < 10, f"{elapsed:.1f}s"
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == 5
    assert "Training data data/train.jsonl has at least 5 examples" in rf201.message
    # A lower bound below OpenAI's minimum is not proof of rejection: a warning, not an error.
    assert rf201.severity == Severity.WARNING
    assert rf201.data["inlay"] == "at least 5 examples"
    rf203 = one(findings, "RF203", "train.py")
    assert rf203.data["estimate"].startswith("at least ≈ ")


def test_two_gigabyte_file_summary_stays_within_a_memory_cap(tmp_path):
    path = tmp_path / "data/train.jsonl"
    _sparse_training_file(path)
    files = DataFiles(max_bytes=4 * MIB)
    data = files.resolve("data/train.jsonl", tmp_path / "train.py", tmp_path)
    assert data == ResolvedData(path.resolve(), "data/train.jsonl")
    tracemalloc.start()
    start = time.monotonic()
    try:
        summary = files.summary(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - start
    assert summary is not None
    assert summary.examples == SPARSE_LINES
    assert summary.lower_bound is True
    assert summary.bytes_read <= 4 * MIB
    assert peak < 16 * MIB, f"peak {peak / MIB:.1f} MiB"
    assert elapsed < 10, f"{elapsed:.1f}s"


def test_cap_bounds_a_huge_file_of_valid_lines(tmp_path):
    """Above the byte cap the count stops at the cap and says so."""
    path = tmp_path / "train.jsonl"
    line = (json.dumps(chat(0)) + "\n").encode()
    path.write_bytes(line * 1000)
    cap = len(line) * 100 + len(line) // 2  # 100 whole lines and half of the 101st
    summary = DataFiles(max_bytes=cap).summary(ResolvedData(path, "train.jsonl"))
    assert summary is not None
    assert (summary.examples, summary.lower_bound) == (100, True)
    full = DataFiles().summary(ResolvedData(path, "train.jsonl"))
    assert full is not None
    assert (full.examples, full.lower_bound) == (1000, False)


# ============================================================================================
# 5. Confinement: never read outside the project root
# ============================================================================================


class OpenSpy:
    """Records every path opened through Path.open or builtins.open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        real_path_open = pathlib.Path.open
        real_open = builtins.open

        def path_open(path, *args, **kwargs):
            self.paths.append(Path(path).resolve())
            return real_path_open(path, *args, **kwargs)

        def builtin_open(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)):
                self.paths.append(Path(file).resolve())
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", path_open)
        monkeypatch.setattr(builtins, "open", builtin_open)

    def opened(self, path: Path) -> bool:
        return path.resolve() in self.paths


def test_dotdot_path_outside_the_root_is_reported_not_read(tmp_path, monkeypatch):
    outside = tmp_path / "outside/train.jsonl"
    write_files(tmp_path, {"outside/train.jsonl": chat_file(3)})
    code = OPENAI_UPLOAD.replace("data/train.jsonl", "../outside/train.jsonl")
    spy = OpenSpy(monkeypatch)
    findings = run_project(tmp_path / "proj", monkeypatch, {"train.py": code})
    assert not spy.opened(outside)
    assert spy.opened(tmp_path / "proj/train.py")  # the spy does see reads
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.span.start_line == 5
    assert rf201.severity == Severity.INFO
    assert rf201.message == (
        "Training data ../outside/train.jsonl has an unknown number of examples:"
        " it points outside the project root, so it was not read."
    )
    assert "3 examples" not in rf201.message
    assert not of(findings, "RF202") and not of(findings, "RF203")


def test_absolute_path_outside_the_root_is_not_read(tmp_path, monkeypatch):
    outside = tmp_path / "outside/train.jsonl"
    write_files(tmp_path, {"outside/train.jsonl": chat_file(3)})
    code = OPENAI_UPLOAD.replace("data/train.jsonl", outside.as_posix())
    spy = OpenSpy(monkeypatch)
    findings = run_project(tmp_path / "proj", monkeypatch, {"train.py": code})
    assert not spy.opened(outside)
    rf201 = one(findings, "RF201", "train.py")
    assert "it points outside the project root, so it was not read" in rf201.message
    assert not of(findings, "RF202") and not of(findings, "RF203")


def test_symlink_out_of_the_root_is_not_read(tmp_path, monkeypatch):
    outside = tmp_path / "outside/train.jsonl"
    write_files(tmp_path, {"outside/train.jsonl": chat_file(3) + '{"messages": []}\n'})
    link = tmp_path / "proj/data/train.jsonl"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    spy = OpenSpy(monkeypatch)
    findings = run_project(tmp_path / "proj", monkeypatch, {"train.py": OPENAI_UPLOAD})
    assert not spy.opened(outside)
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.severity == Severity.INFO
    assert "Training data data/train.jsonl has an unknown number of examples" in rf201.message
    assert "it points outside the project root, so it was not read" in rf201.message
    # Discovery does not follow the link either: no diagnostics from the outside file.
    assert of(findings, "RF202") == []


def test_symlink_inside_the_root_is_read(tmp_path, monkeypatch):
    write_files(tmp_path / "proj", {"datasets/v2.jsonl": chat_file(3)})
    link = tmp_path / "proj/data/train.jsonl"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "proj/datasets/v2.jsonl")
    spy = OpenSpy(monkeypatch)
    findings = run_project(tmp_path / "proj", monkeypatch, {"train.py": OPENAI_UPLOAD})
    assert spy.opened(tmp_path / "proj/datasets/v2.jsonl")
    rf201 = one(findings, "RF201", "train.py")
    assert rf201.severity == Severity.ERROR
    # The file is named by where it really is, relative to the project root.
    assert "Training data datasets/v2.jsonl has 3 examples" in rf201.message


def test_resolve_refuses_escapes_directly(tmp_path):
    from ragfirst.data.data_files import OutsideRoot

    root = tmp_path / "proj"
    write_files(tmp_path, {"outside/train.jsonl": chat_file(1), "proj/data/train.jsonl": chat_file(1)})
    files = DataFiles()
    source = root / "train.py"
    assert files.resolve("data/train.jsonl", source, root) == ResolvedData(
        (root / "data/train.jsonl").resolve(), "data/train.jsonl"
    )
    with pytest.raises(OutsideRoot):
        files.resolve("../outside/train.jsonl", source, root)
    with pytest.raises(OutsideRoot):
        files.resolve("data/../../outside/train.jsonl", source, root)
    assert files.resolve("data/missing.jsonl", source, root) is None


# ============================================================================================
# 6. RF203: cost arithmetic against hand-computed values
# ============================================================================================


def _priced_file(examples: int = 1000) -> str:
    """Each example's message contents total exactly 2,000 characters: 500 tokens at chars/4."""
    records = []
    for i in range(examples):
        user = f"{i:04d}" + "u" * 996
        assistant = "a" * 1000
        assert len(user) + len(assistant) == 2000
        records.append(chat(i, user=user, assistant=assistant))
    return jsonl(records)


def _job(model: str, extra: str = "") -> str:
    return OPENAI_UPLOAD.replace(
        'model="gpt-4o-mini-2024-07-18", training_file=upload.id',
        f'model="{model}", training_file=upload.id{extra}',
    )


def test_rf203_reference_worked_example_default_three_epochs(tmp_path, monkeypatch):
    """1,000 x 500 tokens = 500,000 tokens; x 3 default epochs = 1.5M; x $25/1M = $37.50."""
    findings = run_project(
        tmp_path, monkeypatch, {"train.py": _job("gpt-4.1-2025-04-14"), "data/train.jsonl": _priced_file()}
    )
    rf203 = one(findings, "RF203", "train.py")
    assert rf203.span.start_line == 5
    assert rf203.severity == Severity.HINT
    estimate = rf203.data["estimate"]
    assert estimate.startswith("≈ 0.5M tokens x 3 epochs (assumed: ")
    assert "x $25.00/1M ≈ $37.50 (tokens ≈ characters/4; gpt-4.1-2025-04-14 price as of 2026-08)" in estimate
    assert rf203.data["inlay"] == "≈ $37.50 to train · 1,000 examples"
    assert rf203.message == (
        f"Estimated training cost for gpt-4.1-2025-04-14 on data/train.jsonl (1,000 examples): {estimate}."
    )
    assert rf203.data["captures"]["cost"] == "$37.50"


def test_rf203_explicit_epochs(tmp_path, monkeypatch):
    """500,000 tokens x 2 epochs = 1.0M; x $3/1M = $3.00."""
    code = _job("gpt-4o-mini-2024-07-18", ', hyperparameters={"n_epochs": 2}')
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    rf203 = one(findings, "RF203", "train.py")
    assert rf203.data["estimate"] == (
        "≈ 0.5M tokens x 2 epochs x $3.00/1M ≈ $3.00"
        " (tokens ≈ characters/4; gpt-4o-mini-2024-07-18 price as of 2026-08)"
    )
    assert rf203.data["inlay"] == "≈ $3.00 to train · 1,000 examples"
    assert "$3.00" in rf203.message


def test_rf203_model_alias_is_priced_as_the_snapshot(tmp_path, monkeypatch):
    """gpt-4.1 prices as gpt-4.1-2025-04-14: 500,000 tokens x 4 epochs x $25/1M = $50.00."""
    code = _job("gpt-4.1", ', hyperparameters={"n_epochs": 4}')
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    rf203 = one(findings, "RF203", "train.py")
    assert "x 4 epochs x $25.00/1M ≈ $50.00" in rf203.data["estimate"]
    assert rf203.message.startswith(
        "Estimated training cost for gpt-4.1 on data/train.jsonl (1,000 examples)"
    )


@pytest.mark.parametrize("model", ["gpt-4.1-nano-2025-04-14", "gpt-4.1-nano", "gpt-3.5-turbo"])
def test_rf203_says_a_retired_base_model_can_no_longer_be_trained(tmp_path, monkeypatch, model):
    code = _job(model, ', hyperparameters={"n_epochs": 2}')
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    estimate = one(findings, "RF203", "train.py").data["estimate"]
    assert (
        "can no longer be trained (its base model shut down on 2026-10-23), so this job would fail"
        in estimate
    )


def test_rf203_trainable_model_has_no_retirement_note(tmp_path, monkeypatch):
    code = _job("gpt-4.1-mini-2025-04-14", ', hyperparameters={"n_epochs": 2}')
    findings = run_project(tmp_path, monkeypatch, {"train.py": code, "data/train.jsonl": _priced_file()})
    assert "no longer be trained" not in one(findings, "RF203", "train.py").data["estimate"]


def test_rf203_unpriced_model_has_no_estimate(tmp_path, monkeypatch):
    findings = run_project(
        tmp_path, monkeypatch, {"train.py": _job("my-unpriced-model"), "data/train.jsonl": _priced_file(20)}
    )
    assert of(findings, "RF203") == []
    assert of(findings, "RF201", "train.py")  # the data was found and counted


# ============================================================================================
# 7. RF107: lifecycle with a fixed clock
# ============================================================================================

ENGINE = Engine(load_ruleset())

OPENAI_JOB = """\
from openai import OpenAI

client = OpenAI()
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
"""


def lifecycle_findings(
    tmp_path: Path, code: str, today: dt.date, settings: Settings | None = None
) -> list[Finding]:
    settings = settings or Settings()
    context = ProjectContext(
        base_dir=tmp_path, root=tmp_path, today=today, settings=settings, data_files=DataFiles()
    )
    analysis = ENGINE.analyze("train.py", textwrap.dedent(code).encode())
    return of(ENGINE.finalize(analysis, ProjectIndex(), settings, context), "RF107")


@pytest.mark.parametrize(
    ("today", "severity", "when"),
    [
        (dt.date(2026, 6, 1), Severity.INFO, "on 2027-01-06, in 219 days"),
        (dt.date(2026, 10, 7), Severity.INFO, "on 2027-01-06, in 91 days"),
        (dt.date(2026, 10, 8), Severity.WARNING, "on 2027-01-06, in 90 days"),
        (dt.date(2026, 11, 25), Severity.WARNING, "on 2027-01-06, in 42 days"),
        (dt.date(2027, 1, 6), Severity.WARNING, "on 2027-01-06, in 0 days"),
        (dt.date(2027, 1, 7), Severity.ERROR, "on 2027-01-06, 1 days ago"),
    ],
)
def test_rf107_openai_self_serve_fine_tuning_thresholds(tmp_path, today, severity, when):
    (finding,) = lifecycle_findings(tmp_path, OPENAI_JOB, today)
    assert (finding.path, finding.span.start_line, finding.severity) == ("train.py", 4, severity)
    assert finding.message.startswith(
        f"OpenAI self-serve fine-tuning stops accepting new fine-tuning jobs from anyone ({when}"
    )
    assert "Source: https://developers.openai.com/api/docs/deprecations" in finding.message
    assert finding.data["lifecycle"] == {
        "entry": "openai-self-serve-fine-tuning",
        "date": "2027-01-06",
        "days": (dt.date(2027, 1, 6) - today).days,
    }


def test_rf107_mentions_the_latest_milestone_already_passed(tmp_path):
    (early,) = lifecycle_findings(tmp_path, OPENAI_JOB, dt.date(2026, 6, 1))
    assert "since 2026-05-07, no new jobs for organisations that never fine-tuned" in early.message
    assert "past 60 days" not in early.message
    (late,) = lifecycle_findings(tmp_path, OPENAI_JOB, dt.date(2026, 11, 25))
    assert (
        "since 2026-07-02, no new jobs for organisations without fine-tuned-model inference"
        " in the past 60 days" in late.message
    )
    (before_any,) = lifecycle_findings(tmp_path, OPENAI_JOB, dt.date(2026, 1, 1))
    assert "since 2026" not in before_any.message


def test_rf107_warn_days_option(tmp_path):
    settings = Settings(options={"RF107": {"warn-days": 30}})
    (finding,) = lifecycle_findings(tmp_path, OPENAI_JOB, dt.date(2026, 11, 25), settings)
    assert finding.severity == Severity.INFO
    assert "in 42 days" in finding.message
    (near,) = lifecycle_findings(tmp_path, OPENAI_JOB, dt.date(2026, 12, 7), settings)
    assert near.severity == Severity.WARNING
    assert "in 30 days" in near.message


def test_rf107_cohere_fine_tuning_deprecated(tmp_path):
    code = """\
    import cohere

    co = cohere.ClientV2()
    co.finetuning.create_finetuned_model(request={"name": "support"})
    """
    (finding,) = lifecycle_findings(tmp_path, code, dt.date(2026, 6, 1))
    assert (finding.span.start_line, finding.severity) == (4, Severity.ERROR)
    assert finding.message.startswith("Cohere fine-tuning was deprecated (on 2025-09-15, 259 days ago)")
    assert "Source: https://docs.cohere.com/docs/fine-tuning" in finding.message


def test_rf107_trl_top_level_ppo_trainer(tmp_path):
    code = """\
    from trl import PPOTrainer

    PPOTrainer(args=None, model=None)
    """
    (finding,) = lifecycle_findings(tmp_path, code, dt.date(2026, 6, 1))
    assert (finding.span.start_line, finding.severity) == (3, Severity.ERROR)
    assert "were removed from the top level in trl 0.29.0" in finding.message
    assert "(on 2026-02-25, 96 days ago)" in finding.message
    (before,) = lifecycle_findings(tmp_path, code, dt.date(2025, 6, 1))
    assert before.severity == Severity.INFO


def test_rf107_trl_experimental_ppo_trainer_is_fine(tmp_path):
    code = """\
    from trl.experimental.ppo import PPOTrainer

    PPOTrainer(args=None, model=None)
    """
    assert lifecycle_findings(tmp_path, code, dt.date(2026, 6, 1)) == []


@pytest.mark.parametrize(
    "code",
    [
        "import torchtune.training\n",
        "from torchtune.training import FullModelHFCheckpointer\n",
    ],
)
def test_rf107_torchtune_without_a_date_is_info(tmp_path, code):
    for today in (dt.date(2026, 6, 1), dt.date(2030, 1, 1)):
        (finding,) = lifecycle_findings(tmp_path, code, today)
        assert (finding.span.start_line, finding.severity) == (1, Severity.INFO)
        assert finding.message.startswith("torchtune is no longer actively maintained (status: unmaintained)")
        assert "lifecycle" not in finding.data


AZURE_JOB = """\
from openai import AzureOpenAI

AzureOpenAI().fine_tuning.jobs.create(model="BASE", training_file="file-abc")
"""


@pytest.mark.parametrize(
    ("base", "training", "deployments"),
    [
        ("gpt-4o-mini", "2027-04-01", "2027-10-01"),
        ("gpt-4o-2024-08-06", "2027-04-01", "2027-10-01"),
        ("gpt-4.1-nano-2025-04-14", "2027-04-14", "2027-10-14"),
        ("o4-mini", "2027-04-16", "2027-10-16"),
    ],
)
def test_rf107_azure_openai_fine_tuning_retires_per_base_model(tmp_path, base, training, deployments):
    code = AZURE_JOB.replace("BASE", base)
    (far,) = lifecycle_findings(tmp_path, code, dt.date(2026, 12, 6))
    assert far.severity == Severity.INFO  # more than 90 days before the training date
    assert f"stops training no earlier than {training}" in far.message
    assert f"retire on {deployments}" in far.message
    (near,) = lifecycle_findings(tmp_path, code, dt.date(2027, 3, 1))
    assert near.severity == Severity.WARNING
    (past,) = lifecycle_findings(tmp_path, code, dt.date.fromisoformat(training) + dt.timedelta(days=1))
    assert past.severity == Severity.ERROR


@pytest.mark.parametrize("base", ["gpt-35-turbo-0125", "gpt-4o-2024-05-13x", "my-gpt-4o-mini", "gpt-5-mini"])
def test_rf107_azure_fine_tuning_of_other_base_models_is_not_dated(tmp_path, base):
    # Microsoft lists training dates for the three families only; the catch-all row is kept
    # for the record (no date to grade) and never reported.
    assert lifecycle_findings(tmp_path, AZURE_JOB.replace("BASE", base), dt.date(2027, 6, 1)) == []
    from ragfirst.data.tables import lifecycle

    (row,) = [e for e in lifecycle() if e.id == "azure-openai-fine-tuning"]
    assert row.retracted and not row.reported and row.date is None


def test_rf107_azure_rows_do_not_fire_on_openai_fine_tuning(tmp_path):
    code = AZURE_JOB.replace("AzureOpenAI", "OpenAI").replace("BASE", "gpt-4o-mini")
    found = lifecycle_findings(tmp_path, code, dt.date(2026, 12, 6))
    ids = {f.data.get("lifecycle", {}).get("entry") for f in found}
    assert ids == {"openai-self-serve-fine-tuning"}


BEDROCK_JOB = """\
import boto3

bedrock = boto3.client("bedrock")
bedrock.create_model_customization_job(jobName="j", customModelName="m", roleArn="arn", baseModelIdentifier="BASE", trainingDataConfig={"s3Uri": "s3://b/t.jsonl"}, outputDataConfig={"s3Uri": "s3://b/o"})
"""


def test_rf107_bedrock_claude_3_haiku_fine_tuning_ended(tmp_path):
    code = BEDROCK_JOB.replace("BASE", "anthropic.claude-3-haiku-20240307-v1:0:200k")
    (finding,) = lifecycle_findings(tmp_path, code, dt.date(2026, 12, 6))
    assert (finding.span.start_line, finding.severity) == (4, Severity.ERROR)
    assert finding.message.startswith("Claude 3 Haiku fine-tuning on Amazon Bedrock reached end of life")
    assert "(on 2026-09-10, 87 days ago)" in finding.message
    (before,) = lifecycle_findings(tmp_path, code, dt.date(2026, 8, 1))
    assert before.severity == Severity.WARNING


@pytest.mark.parametrize("base", ["amazon.nova-micro-v1:0", "meta.llama3-1-8b-instruct-v1:0"])
def test_rf107_bedrock_customization_of_other_models_is_not_on_that_path(tmp_path, base):
    assert lifecycle_findings(tmp_path, BEDROCK_JOB.replace("BASE", base), dt.date(2026, 12, 6)) == []


def test_rf107_mistral_fine_tuning_deprecated(tmp_path):
    code = """\
    from mistralai import Mistral

    Mistral().fine_tuning.jobs.create(model="open-mistral-7b", training_files=[{"file_id": "f"}])
    """
    (finding,) = lifecycle_findings(tmp_path, code, dt.date(2026, 12, 6))
    assert finding.severity == Severity.INFO
    assert finding.message.startswith(
        "Mistral's fine-tuning API is deprecated, with no replacement documented"
    )
    assert "docs.mistral.ai/resources/deprecated" in finding.message


def test_rf107_vertex_tuning_module_was_removed(tmp_path):
    code = """\
    from vertexai.tuning import sft

    sft.train(source_model="gemini-2.0-flash-001", train_dataset="gs://b/train.jsonl")
    """
    (finding,) = lifecycle_findings(tmp_path, code, dt.date(2026, 12, 6))
    assert finding.severity == Severity.ERROR
    assert "were removed from the Vertex AI SDK (deprecated 2025-06-24) (on 2026-06-24" in finding.message
    assert "scheduled" not in finding.message


def test_rf107_retracted_entry_never_fires(tmp_path, monkeypatch):
    """A shutdown the provider withdrew stays in the table for the record, silently."""
    import dataclasses

    from ragfirst.checks import lifecycle as lifecycle_check

    entries = lifecycle_check.lifecycle()
    retracted = tuple(
        dataclasses.replace(e, status="retracted") if e.id == "cohere-fine-tuning" else e for e in entries
    )
    monkeypatch.setattr(lifecycle_check, "lifecycle", lambda: retracted)
    code = """\
    import cohere

    cohere.ClientV2().finetuning.create_finetuned_model(request={"name": "support"})
    """
    assert lifecycle_findings(tmp_path, code, dt.date(2026, 6, 1)) == []
    monkeypatch.setattr(lifecycle_check, "lifecycle", lambda: entries)
    assert len(lifecycle_findings(tmp_path, code, dt.date(2026, 6, 1))) == 1


@pytest.mark.parametrize(
    ("today", "severity"),
    [("2026-06-01", Severity.INFO), ("2026-11-25", Severity.WARNING), ("2027-01-07", Severity.ERROR)],
)
def test_rf107_pipeline_uses_ragfirst_today(today, severity, tmp_path, monkeypatch):
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_JOB}, today=today)
    finding = one(findings, "RF107", "train.py")
    assert (finding.span.start_line, finding.severity) == (4, severity)
    assert "2027-01-06" in finding.message


# ============================================================================================
# Cohere's chat format: roles System, User, Chatbot (session 12, cohere-ai/notebooks)
# ============================================================================================


def cohere_chat(index: int, *, last: str = "Chatbot") -> dict:
    return {
        "messages": [
            {"role": "System", "content": "You answer science questions."},
            {"role": "User", "content": f"Question {index}?"},
            {"role": last, "content": f"Answer {index}."},
        ]
    }


def test_rf202_cohere_chat_data_is_valid_in_the_file(tmp_path, monkeypatch):
    # cohere-ai/notebooks' scienceQA_train.jsonl and convfinqa-eval-chat.jsonl
    data = jsonl(cohere_chat(i) for i in range(3))
    assert of(run_project(tmp_path, monkeypatch, {"data/scienceQA_train.jsonl": data}), "RF202") == []


def test_rf202_cohere_chat_lowercase_roles_are_cohere_too(tmp_path, monkeypatch):
    records = [cohere_chat(i) for i in range(2)]
    for record in records:
        for message in record["messages"]:
            message["role"] = message["role"].lower()
    assert of(run_project(tmp_path, monkeypatch, {"data/train.jsonl": jsonl(records)}), "RF202") == []


def test_rf202_cohere_chat_ending_with_the_user_is_reported(tmp_path, monkeypatch):
    cut_off = cohere_chat(1)
    cut_off["messages"].append({"role": "User", "content": "And then?"})
    findings = run_project(tmp_path, monkeypatch, {"data/train.jsonl": jsonl([cohere_chat(0), cut_off])})
    ((line, message),) = where(findings, "RF202", "data/train.jsonl")
    assert line == 2
    assert "the last message must be from the Chatbot (found 'User')" in message


def test_rf202_cohere_and_openai_roles_mixed_are_reported(tmp_path, monkeypatch):
    # one record in each format: one file must use one format
    findings = run_project(tmp_path, monkeypatch, {"data/train.jsonl": jsonl([chat(0), cohere_chat(1)])})
    ((line, message),) = where(findings, "RF202", "data/train.jsonl")
    assert line == 2
    assert "cohere-chat example in a chat file" in message
    # and within one record: 'Chatbot' beside 'assistant' is no Cohere record
    mixed = _messages({"role": "User", "content": "Hi"}, {"role": "assistant", "content": "Yo"})
    findings = run_project(tmp_path / "b", monkeypatch, {"data/train.jsonl": jsonl([GOOD, mixed])})
    assert "messages[0] has role 'User'" in where(findings, "RF202", "data/train.jsonl")[0][1]


def test_rf202_openai_job_on_cohere_data_is_reported_on_the_call(tmp_path, monkeypatch):
    data = jsonl(cohere_chat(i) for i in range(20))
    findings = run_project(tmp_path, monkeypatch, {"train.py": OPENAI_UPLOAD, "data/train.jsonl": data})
    assert where(findings, "RF202", "data/train.jsonl") == []
    on_call = one(findings, "RF202", "train.py")
    assert "data/train.jsonl is in Cohere's chat format (roles System, User, Chatbot)" in on_call.message
    assert "rename the roles (Chatbot to assistant)" in on_call.message


def test_a_data_directory_linked_out_of_the_root_later_is_refused_by_the_next_run(tmp_path, monkeypatch):
    """Real paths are remembered for one run (engine/finalize_memo.py), never longer: the
    data directory replaced by a link out of the root is refused by the next run in the
    same process (the language server's, or a caller's)."""
    write_files(tmp_path, {"outside/train.jsonl": chat_file(3)})
    files = {"train.py": OPENAI_UPLOAD, "data/train.jsonl": chat_file(3)}
    first = one(run_project(tmp_path / "proj", monkeypatch, files), "RF201", "train.py")
    assert "data/train.jsonl has 3 examples" in first.message
    for entry in (tmp_path / "proj/data").iterdir():
        entry.unlink()
    (tmp_path / "proj/data").rmdir()
    (tmp_path / "proj/data").symlink_to(tmp_path / "outside", target_is_directory=True)
    second = one(
        run_project(tmp_path / "proj", monkeypatch, {"train.py": OPENAI_UPLOAD}), "RF201", "train.py"
    )
    assert "it points outside the project root, so it was not read" in second.message
