"""Generated and vendored code is not the user's code (issue 19): build output, bundles
and minified files are skipped by default, counted in the summary, and can be included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragfirst.cli.main import main
from ragfirst.engine.skipped import is_minified_text

CALL = 'import OpenAI from "openai";\nnew OpenAI().chat.completions.create({ model: "gpt-4o" });\n'
MINIFIED = (
    'import OpenAI from "openai";' + 'var a=new OpenAI();a.chat.completions.create({model:"gpt-4o"});' * 100
)


@pytest.fixture
def run(capsys, monkeypatch):
    def run_in(directory: Path, *args: str) -> tuple[int, str]:
        monkeypatch.chdir(directory)
        code = main(["check", "--no-cache", *args])
        return code, capsys.readouterr().out

    return run_in


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for relative in (
        ".next/static/chunks/page.js",
        "out/index.js",
        "dist/index.js",
        "build/index.js",
        "_next/static/chunks/main.js",
        ".yarn/cache/x.js",
        "node_modules/openai/index.js",
        "public/vendor.min.js",
        "public/app.bundle.js",
        "public/pdf.standalone.js",
        "src/app.js",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(CALL)
    (tmp_path / "public/chunk.js").write_text(MINIFIED)
    return tmp_path


def test_generated_and_vendored_code_is_skipped_and_counted(tree: Path, run):
    code, out = run(tree, ".")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines() if "RF401" in line] == ["src/app.js"]
    skipped = next(line for line in out.splitlines() if line.startswith("Skipped"))
    assert "Skipped 11 paths" in skipped
    for reason in ("(.next)", "(out)", "(dist)", "(build)", "(_next)", "(.yarn)", "(node_modules)"):
        assert reason in skipped
    assert "(*.min.js)" in skipped and "(*.bundle.js)" in skipped and "(*.standalone.js)" in skipped
    assert "1 minified" in skipped


def test_gitignored_files_are_skipped_and_counted(tmp_path: Path, run):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\nlocal.js\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated/api.js").write_text(CALL)
    (tmp_path / "local.js").write_text(CALL)
    (tmp_path / "app.js").write_text(CALL)
    _, out = run(tmp_path, ".")
    assert [line.split(":")[0] for line in out.splitlines() if "RF401" in line] == ["app.js"]
    assert "2 gitignored" in out


def test_they_can_be_included(tree: Path, run):
    (tree / "ragfirst.toml").write_text("exclude = []\nskip-minified = false\nrespect-gitignore = false\n")
    _, out = run(tree, ".")
    flagged = {line.split(":")[0] for line in out.splitlines() if "RF401" in line}
    assert {
        "dist/index.js",
        "node_modules/openai/index.js",
        "public/chunk.js",
        "public/vendor.min.js",
    } <= flagged
    assert "Skipped" not in out


def test_a_file_named_on_the_command_line_is_checked(tree: Path, run):
    _, out = run(tree, "public/chunk.js")
    assert "public/chunk.js:1:" in out


def test_nothing_skipped_says_nothing(tmp_path: Path, run):
    (tmp_path / "app.js").write_text(CALL)
    _, out = run(tmp_path, ".")
    assert "Skipped" not in out


def test_minified_is_judged_by_line_length():
    assert is_minified_text(MINIFIED.encode())
    hand_written = (
        "const x = 1;\n" * 200 + 'const logo = "data:image/png;base64,' + "A" * 1500 + '";\n'
    ).encode()
    assert not is_minified_text(hand_written)  # one long data line among short ones
    assert not is_minified_text(b"short\n")
