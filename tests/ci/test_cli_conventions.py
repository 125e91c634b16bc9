"""Issue 22: colour, progress, introspection and statistics as ruff/ESLint users expect."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from ragfirst.cli import progress as cli_progress
from ragfirst.cli.color import use_colour
from ragfirst.engine import progress

from .conftest import FINE_TUNE, run, write

ESC = "\x1b["


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# -- colour --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "environ", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, False, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_decision(choice, environ, tty, expected):
    stream = _Terminal() if tty else io.StringIO()
    assert use_colour(choice, stream, environ) is expected


def _run_in_pty(args: list[str], cwd: Path, extra_env: dict[str, str]) -> str:
    """`ragfirst check` with stdout and stderr on a pseudo-terminal, as a user sees it."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra_env)
    main, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ragfirst", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=60)
    finally:
        os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_and_force_color_under_a_pseudo_terminal(project):
    write(project, "train.py", FINE_TUNE)
    args = ["check", ".", "--select", "RF101", "--no-cache"]
    assert ESC in _run_in_pty(args, project, {})
    assert ESC not in _run_in_pty(args, project, {"NO_COLOR": "1"})
    assert ESC not in _run_in_pty([*args, "--color", "never"], project, {})
    piped = subprocess.run(
        [sys.executable, "-m", "ragfirst", *args],
        cwd=project,
        env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, "FORCE_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ESC in piped.stdout  # FORCE_COLOR: colour in a CI log that is not a terminal
    assert (
        ESC
        in subprocess.run(
            [sys.executable, "-m", "ragfirst", *args, "--color", "always"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )


# -- progress ------------------------------------------------------------------------


def test_progress_line_only_after_the_delay_and_erased_at_the_end():
    now = [0.0]
    stream = _Terminal()
    line = cli_progress.ProgressLine(stream, clock=lambda: now[0])
    line(10, 4000)
    assert stream.getvalue() == ""  # a short run shows nothing
    now[0] = 2.0
    line(1000, 4000)
    assert "1000/4000 files analysed, 500/s" in stream.getvalue()
    line.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_is_silent_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli_progress, "DELAY", 0.0)
    monkeypatch.setattr(cli_progress, "INTERVAL", 0.0)
    piped = io.StringIO()
    with cli_progress.progress_on_terminal(piped):
        progress.start(3)
        progress.advance(3)
    assert piped.getvalue() == ""
    terminal = _Terminal()
    with cli_progress.progress_on_terminal(terminal):
        progress.start(3)
        progress.advance(3)
    assert "3/3 files analysed" in terminal.getvalue()
    quiet = _Terminal()
    with cli_progress.progress_on_terminal(quiet, enabled=False):  # --no-progress
        progress.start(1)
        progress.advance(1)
    monkeypatch.setenv("CI", "true")
    with cli_progress.progress_on_terminal(quiet):  # a CI log, even on a pseudo-terminal (act)
        progress.start(1)
        progress.advance(1)
    assert quiet.getvalue() == ""


def test_progress_counts_a_real_run(project, monkeypatch):
    """The engine reports every analysed file, serial and in a pool."""
    for index in range(5):
        write(project, f"m{index}.py", FINE_TUNE)
    seen: list[tuple[int, int]] = []
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    for jobs in (1, 2):
        seen.clear()
        with progress.watching(lambda done, total: seen.append((done, total))):
            lint_paths([Path(".")], ConfigResolver(), jobs=jobs)
        assert seen[-1] == (5, 5), (jobs, seen)


# -- introspection -------------------------------------------------------------------


def test_show_settings_names_the_config_and_each_source(project, capsys):
    write(
        project,
        "pyproject.toml",
        '[tool.ragfirst]\nselect = ["RF1"]\n[tool.ragfirst.per-file-ignores]\n"scripts/" = ["RF101"]\n',
    )
    write(project, "scripts/train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", "--show-settings", "scripts/train.py", "--ignore", "RF107")
    assert code == 0
    assert f"config: {project / 'pyproject.toml'}" in out
    assert 'select            = ["RF1"]  # config' in out
    assert 'ignore            = ["RF107"]  # command line or environment' in out
    assert "respect-gitignore = true  # default" in out
    assert "per-file-ignores here: RF101" in out
    code, out, _ = run(capsys, "check", "--show-settings", "scripts/train.py", "--format", "json")
    data = json.loads(out)
    assert data["settings"]["per-file-ignores"] == {"value": {"scripts/": ["RF101"]}, "from": "config"}
    assert data["checked"] == "yes"


def test_show_files_lists_checked_and_skipped_with_reasons(project, capsys):
    write(project, ".gitignore", "generated/\n")
    write(project, "pyproject.toml", '[tool.ragfirst]\nextend-exclude = ["legacy/"]\n')
    write(project, "app/a.py", "print(1)\n")
    write(project, "legacy/old.py", "print(1)\n")
    write(project, "generated/g.py", "print(1)\n")
    write(project, "node_modules/x/index.js", "x\n")
    (project / ".git").mkdir()
    code, out, _ = run(capsys, "check", "--show-files", ".")
    assert code == 0
    lines = out.splitlines()
    assert "./app/a.py" in lines
    assert "  ./legacy/  excluded (legacy/)" in lines
    assert "  ./generated/  gitignored" in lines
    assert "  ./node_modules/  excluded (node_modules)" in lines
    assert not any(".git/" in line for line in lines)  # never worth a line
    assert not any(line.endswith("old.py") for line in lines)


# -- statistics ----------------------------------------------------------------------


def test_statistics_in_json_are_counts(project, capsys):
    write(project, "train.py", FINE_TUNE)
    code, out, _ = run(capsys, "check", ".", "--select", "RF101", "--statistics", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {"code": "RF101", "name": "hosted-fine-tuning", "severity": "warning", "count": 1}
    ]


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_statistics_with_other_formats_is_refused(project, capsys, fmt):
    code, out, err = run(capsys, "check", ".", "--statistics", "--format", fmt)
    assert code == 2 and out == ""
    assert f"cannot be combined with --format {fmt}" in err


# -- ranges --------------------------------------------------------------------------

LITELLM = "# proxy\nmodel_list:\n  - model_name: gpt-4.1\n    litellm_params:\n      model: openai/gpt-4.1\n"


def test_rf403_covers_the_key_in_every_format(project, capsys):
    write(project, "proxy/config.yaml", LITELLM)
    _, out, _ = run(capsys, "check", ".", "--select", "RF403", "--format", "json", "--no-cache")
    (finding,) = json.loads(out)["findings"]
    assert (finding["start"], finding["end"]) == ({"line": 2, "column": 1}, {"line": 2, "column": 11})
    _, out, _ = run(capsys, "check", ".", "--select", "RF403", "--format", "sarif")
    region = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 11}
    _, out, _ = run(capsys, "check", ".", "--select", "RF403", "--format", "github")
    assert "line=2,col=1,endLine=2,endColumn=11" in out


@pytest.mark.parametrize(
    ("analyze", "text", "expected"),
    [
        ("json", '{\n  "model_list": [{"x": 1}]\n}\n', (2, 2, 2, 14)),
        ("yaml", "'model_list':\n  - x: 1\n", (1, 0, 1, 12)),
        ("yaml", "model_list:\n  - x: 1\n", (1, 0, 1, 10)),
        ("toml", "[tool.x]\nmodel_list = [1]\n", (2, 0, 2, 10)),
    ],
)
def test_config_keys_are_ranges_quoted_or_not(analyze, text, expected):
    from ragfirst.analyzers import config_analyzer
    from ragfirst.source import SourceText

    facts = getattr(config_analyzer, f"analyze_{analyze}")(SourceText(text), f"c.{analyze}")
    entry = next(e for e in facts.entries if e.path[-1] == "model_list")
    span = entry.span
    assert (span.start_line, span.start_col, span.end_line, span.end_col) == expected
    items = [e for e in facts.entries if isinstance(e.path[-1], int)]
    assert all(e.span.start_col == e.span.end_col for e in items)  # list items stay points


def test_rf404_in_a_config_value_covers_its_key(project, capsys):
    key = "sk-proj-" + "Zq8Lm3Nv7Rt2Xw9Pb4Kc6Hd1Jf5Gs0Ye8Ua3Ti7Ro2We4Qy"
    write(project, "settings.json", f'{{\n  "openai_api_key": "{key}"\n}}\n')
    _, out, _ = run(capsys, "check", ".", "--select", "RF404", "--format", "json", "--no-cache")
    (finding,) = json.loads(out)["findings"]
    assert finding["start"]["line"] == 2
    assert finding["end"]["column"] > finding["start"]["column"]


def test_rf404_in_a_notebook_output_has_a_real_file_range(capsys, monkeypatch):
    """A key printed in a cell's output has no place in the cell's code: the JSON report
    gives its range in the .ipynb text (`file_start`/`file_end`), as SARIF does."""
    monkeypatch.chdir(Path(__file__).resolve().parents[2] / "samples")
    _, out, _ = run(
        capsys, "check", "colab-lora-notebook", "--select", "RF404", "--format", "json", "--no-cache"
    )
    (finding,) = json.loads(out)["findings"]
    assert finding["in_output"] is True
    assert finding["file_start"]["line"] == finding["file_end"]["line"]
    assert finding["file_end"]["column"] - finding["file_start"]["column"] > 20
