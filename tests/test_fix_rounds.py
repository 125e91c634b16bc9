"""`--fix-diff` and the editor's fix-all run the same bounded rounds as `--fix` (apply,
re-analyse, repeat): the preview shows exactly the bytes `--fix` then writes."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from ragfirst.cli.main import main

# Two rounds for one finding: the old name is renamed first, then its `None` gets a value.
TWO_ROUNDS_PY = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="o3", messages=[], max_tokens=None)\n'
)
TWO_ROUNDS_TS = (
    'import OpenAI from "openai";\nconst client = new OpenAI();\n'
    'const r = await client.chat.completions.create({ model: "o3", messages: [], max_tokens: null });\n'
)
# RF404's fix (an import at the top and the literal) spans the RF401 call: they overlap,
# so the RF401 cap lands in round one and the key in round two (with --unsafe-fixes).
OVERLAPPING = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])\n'
    'other = OpenAI(api_key="sk-proj-a8Kd93jfLq0PzXv7Tn2RbWc4YhM1eGs6")\n'
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
    return tmp_path


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def unified(before: dict[str, bytes], after: dict[str, bytes]) -> str:
    out = []
    for name in sorted(after):
        if before.get(name) == after[name]:
            continue
        lines = difflib.unified_diff(
            before.get(name, b"").decode().splitlines(keepends=True),
            after[name].decode().splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
        out.append("".join(lines))
    return "".join(out)


@pytest.mark.parametrize("unsafe", [False, True])
def test_the_preview_is_what_fix_writes(project, capsys, unsafe):
    (project / "app.py").write_text(TWO_ROUNDS_PY, encoding="utf-8")
    (project / "route.ts").write_text(TWO_ROUNDS_TS, encoding="utf-8")
    (project / "keys.py").write_text(OVERLAPPING, encoding="utf-8")
    (project / ".env.example").write_text("OPENAI_MODEL=\n", encoding="utf-8")
    flags = ["--unsafe-fixes"] if unsafe else []
    before = tree(project)
    code, preview, _ = run(capsys, "--fix-diff", *flags, ".")
    assert code == 1
    assert tree(project) == before  # nothing written
    run(capsys, "--fix", *flags, ".")
    after = tree(project)
    assert preview == unified(before, after)
    # Both rounds are in it: the rename and then the value.
    assert "max_completion_tokens=4096)" in after["app.py"].decode()
    assert "max_completion_tokens: 4096 }" in after["route.ts"].decode()
    keys = after["keys.py"].decode()
    assert "messages=[], max_completion_tokens=4096)" in keys
    assert ('os.environ["API_KEY"]' in keys) is unsafe
    assert (after[".env.example"] == b"OPENAI_MODEL=\nAPI_KEY=\n") is unsafe
    # Settled: neither a preview nor a fix has anything left to do.
    assert run(capsys, "--fix-diff", *flags, ".")[1] == ""


def test_one_round_alone_would_have_missed_the_second():
    # Guards the test above: the second round is real (one round leaves `=None`).
    from conftest import lint
    from ragfirst.fixes.apply import fix_text

    once = fix_text("app.py", TWO_ROUNDS_PY, lint(TWO_ROUNDS_PY, "app.py"), unsafe=False).text
    assert "max_completion_tokens=None" in once


def test_the_preview_counts_what_is_left_after_its_rounds(project, capsys):
    (project / "keys.py").write_text(OVERLAPPING, encoding="utf-8")
    _, _, err = run(capsys, "--fix-diff", ".")
    assert "would fix 1 finding(s) in 1 file(s)" in err
    assert "1 more fixable with --unsafe-fixes" in err  # the key, on the previewed text


def test_the_samples_preview_equals_the_samples_fix(tmp_path, monkeypatch, capsys):
    from conftest import REPO_ROOT

    copy = tmp_path / "samples"
    shutil.copytree(REPO_ROOT / "samples", copy)
    monkeypatch.chdir(copy)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    before = tree(copy)
    _, preview, _ = run(capsys, "--fix-diff", "--unsafe-fixes", ".")
    assert tree(copy) == before
    run(capsys, "--fix", "--unsafe-fixes", ".")
    assert preview and preview == unified(before, tree(copy))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\r\nb\r\nc", "a\r\nb2\r\nx\r\nc"),  # CRLF, no final newline
        ("one\n", "zero\none\ntwo\n"),
        ("x = 1\ny = 2\n", "y = 2\n"),
        ("", "new\n"),
    ],
)
def test_several_rounds_become_edits_of_the_original_text(old, new):
    from ragfirst.fixes.text_edits import apply_edits, diff_edits

    assert apply_edits(old, diff_edits(old, new)) == new
    assert diff_edits(old, old) == []
