"""`ragfirst test-rules PATH...`: built-in packs pass; a team's pack is tested the same
way, and a wrong annotation, position or fixed text fails with a message naming the
example's place in its pack."""

from __future__ import annotations

import pytest

from conftest import REPO_ROOT
from ragfirst.cli.main import main

PACK = """\
version: 1
rules:
  - id: TEAM001
    name: no-gpt-35-fine-tuning
    severity: warning
    summary: Fine-tuning gpt-3.5-turbo, which our platform team has retired.
    message: "Fine-tuning {arg.model}: use the platform's retrieval service instead."
    guide: guide/when-to-fine-tune.md#hosted-fine-tuning
    match:
      python:
        - call: "openai.{OpenAI,AsyncOpenAI}().fine_tuning.jobs.create"
          args:
            - {name: model, matches: "^gpt-3\\\\.5"}
    examples:
      fire:
        - expect: [EXPECT]
          code: |
            from openai import OpenAI
            # ruleid: TEAM001
            OpenAI().fine_tuning.jobs.create(model="gpt-3.5-turbo", training_file="f")
            # ok: TEAM001
            OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini", training_file="f")
      pass:
        - code: |
            from openai import OpenAI
            OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini", training_file="f")
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["test-rules", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_built_in_packs_pass(capsys):
    code, out, _ = run(capsys, str(REPO_ROOT / "rules" / "packs"))
    assert code == 0, out
    assert out.strip().endswith("all passed")


def test_a_team_pack_passes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.yaml").write_text(PACK.replace("EXPECT", '"3:1"'), encoding="utf-8")
    code, out, _ = run(capsys, "team.yaml")
    assert code == 0, out
    assert "Tested 2 example(s) of 1 rule(s): all passed" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"3:1"', '"4:1"', "expected TEAM001 at 4:1, found at 3:1"),
        ("# ruleid: TEAM001", "# ok: TEAM001", "`ok: TEAM001` says line 3 does not fire, but it does"),
        ("# ok: TEAM001", "# ruleid: TEAM001", "`ruleid: TEAM001` says line 5 fires, but it does not"),
        (
            'model="gpt-4.1-mini", training_file="f")\n"""',
            'model="gpt-3.5-turbo", training_file="f")\n"""',
            "TEAM001 must not fire, but it fired at 2:1",
        ),
    ],
)
def test_a_wrong_annotation_fails_clearly(tmp_path, capsys, monkeypatch, old, new, message):
    monkeypatch.chdir(tmp_path)
    source = PACK.replace("EXPECT", '"3:1"') + '"""'
    assert source.count(old) == 1, old
    text = source.replace(old, new)[: -len('"""')]
    (tmp_path / "team.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "team.yaml")
    assert code == 1
    assert message in out, out
    assert "team.yaml:" in out and "1 failed" in out


def test_a_wrong_fixed_text_fails_with_a_diff(tmp_path, capsys, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    spend = (REPO_ROOT / "rules" / "packs" / "spend.yaml").read_text(encoding="utf-8")
    wrong = spend.replace(
        "max_completion_tokens=4096)\n          fix-safety",
        "max_completion_tokens=999)\n          fix-safety",
        1,
    )
    assert wrong != spend
    Path("packs").mkdir()
    Path("packs/spend.yaml").write_text(wrong, encoding="utf-8")
    # A copy of a built-in pack duplicates its ids: test it the way a fork would, renamed.
    import re

    renamed = re.sub(r"\bid: RF(\d{3})", r"id: XX\1", wrong)
    Path("packs/spend.yaml").write_text(renamed, encoding="utf-8")
    code, out, _ = run(capsys, "packs/spend.yaml")
    assert code == 1
    assert "the fixed code differs from `fixed:`" in out and "max_completion_tokens=999" in out


def test_missing_path_is_a_usage_error(capsys):
    code, _, err = run(capsys, "no/such/pack.yaml")
    assert code == 2 and "no such file" in err
