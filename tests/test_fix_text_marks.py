"""The text output marks what `--fix` would fix with `[*]` after the code and ends with
ruff's fixable line; unsafe fixes count only with `--unsafe-fixes`, display-only never."""

from __future__ import annotations

import pytest

from ragfirst.cli.main import main

CHAT = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])\n'
)
SPLITTER = (  # RF303: an unsafe fix
    "from langchain_text_splitters import RecursiveCharacterTextSplitter\n\n"
    "splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)\n"
)
TRAIN = (  # RF101: no fix
    "from openai import AzureOpenAI\n\n"
    'AzureOpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="f")\n'
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    (tmp_path / "ragfirst.toml").write_text("", encoding="utf-8")
    (tmp_path / "chat.py").write_text(CHAT, encoding="utf-8")
    (tmp_path / "split.py").write_text(SPLITTER, encoding="utf-8")
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    return tmp_path


def line_of(out: str, rule: str) -> str:
    return next(line for line in out.splitlines() if f" {rule} " in line)


def test_safe_fixes_are_marked_unsafe_and_unfixable_ones_are_not(project, capsys):
    _, out, err = run(capsys, ".")
    assert " RF401 [*] [warning] " in line_of(out, "RF401")
    assert "[*]" not in line_of(out, "RF303")  # unsafe: not applied by --fix
    assert "[*]" not in line_of(out, "RF101")  # no fix
    assert out.splitlines()[-1] == "[*] 1 fixable with --fix (1 more with --unsafe-fixes)."
    assert err == ""


def test_with_unsafe_fixes_the_unsafe_ones_are_marked_and_counted(project, capsys):
    _, out, _ = run(capsys, "--unsafe-fixes", ".")
    assert "[*]" in line_of(out, "RF303") and "[*]" in line_of(out, "RF401")
    assert out.splitlines()[-1] == "[*] 2 fixable with --fix."


def test_after_fix_only_the_hidden_ones_are_mentioned(project, capsys):
    _, out, _ = run(capsys, "--fix", ".")
    assert "RF401" not in out
    assert out.splitlines()[-1] == "No fixes available with --fix (1 more with --unsafe-fixes)."
    _, out, _ = run(capsys, "--fix", "--unsafe-fixes", ".")
    assert "RF303" not in out and "fixable with" not in out and "No fixes" not in out


def test_display_only_fixes_are_not_marked(project, capsys):
    for name in ("split.py", "chat.py", "train.py"):
        (project / name).unlink()
    # RF405: a key exposed to the browser; its fix (move the call to the server) is display-only.
    (project / "page.tsx").write_text(
        '"use client";\nimport OpenAI from "openai";\n'
        "export const client = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY,"
        " dangerouslyAllowBrowser: true });\n",
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "--format", "json", ".")
    assert '"safety": "display-only"' in out
    _, out, _ = run(capsys, ".")
    assert "RF405" in out and "[*]" not in out and "fixable with" not in out


def test_quiet_statistics_and_suppressed_findings_carry_no_marks(project, capsys):
    _, out, _ = run(capsys, "--quiet", ".")
    assert "fixable with" not in out and " RF401 [*] " in out  # marks stay, the summary goes
    _, out, _ = run(capsys, "--statistics", ".")
    assert "[*]" not in out and "fixable with" not in out
    (project / "chat.py").write_text(
        CHAT.replace("messages=[])", "messages=[])  # ragfirst: ignore[RF401] -- a demo"), encoding="utf-8"
    )
    _, out, _ = run(capsys, "--show-suppressed", ".")
    assert "[*]" not in line_of(out, "RF401")
