"""Never a traceback, never a lie in the log (issue 25, "Never a traceback" and terminal
escape injection): what the repository puts in strings and file names reaches every
output format encodable and inert; ragfirst's own errors exit 2 and say so."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import run_cli_in_process

FORMATS = ["text", "json", "sarif", "github", "junit", "gitlab"]
FINE_TUNE_WITH = (
    "from openai import OpenAI\nclient = OpenAI()\n"
    'client.fine_tuning.jobs.create(model="{model}", training_file="f")\n'
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("RAGFIRST_CACHE_DIR", str(tmp_path / "cache"))
    return root


def _run_every_format(extra: list[str] | None = None) -> dict[str, str]:
    outputs = {}
    for fmt in FORMATS:
        for cache in ([], ["--no-cache"]):
            code, out, err, trace = run_cli_in_process(
                ["check", "--format", fmt, *cache, *(extra or []), "."]
            )
            assert trace is None, (fmt, cache, trace)
            assert code == 1, (fmt, cache, err)
            out.encode("utf-8")  # strictly encodable
            outputs[fmt + ("-nocache" if cache else "")] = out
    return outputs


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("lone.py", FINE_TUNE_WITH.format(model="gpt-\\ud83d")),
        ("pair.py", FINE_TUNE_WITH.format(model="gpt-\\ud83d\\ude00")),
        (
            "pair.ts",
            'import OpenAI from "openai";\nconst client = new OpenAI();\n'
            'await client.fineTuning.jobs.create({ model: "gpt-\\ud83d\\ude00x\\udc00", training_file: "f" });\n',
        ),
    ],
)
def test_escaped_surrogates_in_strings_reach_every_format(project, name, source):
    (project / name).write_text(source)
    outputs = _run_every_format()
    for fmt in FORMATS:  # a cached run says exactly what an uncached one says
        assert outputs[fmt] == outputs[fmt + "-nocache"], fmt
    assert "\\ud83d" in outputs["text"] or "\U0001f600" in outputs["text"]


def test_non_utf8_file_names_reach_every_format_and_the_baseline(project):
    name = os.fsdecode(b"b\xff\x1b[2J.py")  # not UTF-8, and an escape sequence
    (project / name).write_text(FINE_TUNE_WITH.format(model="gpt-4o-mini"))
    outputs = _run_every_format()
    assert "\x1b" not in outputs["text"] and "\x1b" not in outputs["github"]
    assert json.loads(outputs["json"])["findings"][0]["path"] == "b\\udcff\x1b[2J.py"
    code, _, err, trace = run_cli_in_process(["check", "--write-baseline", "."])
    assert trace is None and code == 0, err
    code, _, err, trace = run_cli_in_process(["check", "--baseline", ".ragfirst-baseline.json", "."])
    assert trace is None and code == 0, err  # every finding is in the baseline


@pytest.mark.parametrize(
    "pattern", ["[z-a]", "*" + "a" * 60_000, "a/" * 3_000], ids=["bad-range", "huge", "deep"]
)
def test_a_bad_gitignore_pattern_is_an_rf000_not_a_crash(project, pattern):
    (project / ".gitignore").write_text(pattern + "\n")
    (project / "app.py").write_text(FINE_TUNE_WITH.format(model="gpt-4o-mini"))
    for extra in ([], ["--exit-zero"]):
        code, out, err, trace = run_cli_in_process(["check", "--format", "json", *extra, "."])
        assert trace is None, trace
        assert code == (0 if extra else 1), err
    rules = {(Path(f["path"]).name, f["rule"]) for f in json.loads(out)["findings"]}
    assert ("app.py", "RF101") in rules
    if pattern != "a/" * 3_000:
        assert (".gitignore", "RF000") in rules


def test_control_characters_never_reach_a_terminal(project):
    """ESC/CR/BEL from a file name, a string or a suppression reason cannot fake a line."""
    fake = "\r\x1b[2KAll checks passed (1 file checked).\x07"
    name = "x\x1b[1A\r.py"
    (project / name).write_text(
        FINE_TUNE_WITH.format(
            model="gpt-4o-mini" + fake.replace("\r", "\\r").replace("\x1b", "\\x1b").replace("\x07", "\\a")
        )
        + "client.fine_tuning.jobs.create(model='m', training_file='f')  # ragfirst: ignore[RF101] -- ok\x1b[2K\r\n"
    )
    for fmt in ("text", "github"):
        for extra in ([], ["--show-suppressed"], ["--statistics"]):
            code, out, err, trace = run_cli_in_process(["check", "--format", fmt, *extra, "."])
            assert trace is None, trace
            for char in "\x1b\r\x07":
                assert char not in out and char not in err, (fmt, extra, out)
    code, out, err, trace = run_cli_in_process(["decisions", "."])
    assert trace is None and code == 0, err
    assert "ok" in out and not any(c in out for c in "\x1b\r\x07")
    code, _, err, _ = run_cli_in_process(["check", "--config", "nope\x1b[2J.toml", "."])
    assert code == 2 and "\x1b" not in err


def test_internal_errors_exit_2_and_say_so(project, monkeypatch):
    (project / "app.py").write_text(FINE_TUNE_WITH.format(model="gpt-4o-mini"))
    from ragfirst.cli import check_command

    def boom(*args, **kwargs):
        raise RuntimeError("planted bug")

    monkeypatch.setattr(check_command, "lint_paths", boom)
    code, _, err, trace = run_cli_in_process(["check", "--exit-zero", "."])
    assert trace == err  # no exception left main(): fuzzlib reports the line as a crash
    assert code == 2, err
    assert err.startswith("ragfirst: internal error: RuntimeError: planted bug") and "Traceback" not in err


@pytest.mark.parametrize("value", ["RF1;x", "RF1 RF2", "RF-1", "*"])
def test_select_values_that_are_not_rule_ids_are_usage_errors(project, value):
    (project / "app.py").write_text(FINE_TUNE_WITH.format(model="gpt-4o-mini"))
    for option in ("--select", "--ignore", "--extend-select"):
        code, _, err, trace = run_cli_in_process(["check", option, value, "."])
        assert trace is None and code == 2, (option, err)
        assert "not a rule id or prefix" in err


def test_decisions_on_a_missing_path_exits_2(project):
    code, _, err, trace = run_cli_in_process(["decisions", "nonexistent"])
    assert trace is None and code == 2
    assert err.strip() == "ragfirst: error: no such file or directory: nonexistent"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_sigterm_to_a_parallel_run_ends_its_workers(tmp_path):
    for index in range(3000):
        (tmp_path / f"m{index}.py").write_text(FINE_TUNE_WITH.format(model=f"gpt-4o-mini-{index}") * 20)
    process = subprocess.Popen(
        # -j 3: this process and two workers (the run's process analyses too, session 8).
        [sys.executable, "-P", "-m", "ragfirst", "check", "--no-cache", "-j", "3", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.02)
    if len(workers) < 2:
        process.kill()
        pytest.skip("the run ended before its pool started (machine too fast for this tree)")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)]
    for worker in alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "pool workers outlived a SIGTERM to their run"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def test_fuzzers_count_an_internal_error_exit_as_a_crash(project, monkeypatch):
    """An internal error no longer raises out of main(); the fuzzers must still see it."""
    from ragfirst.cli import check_command

    monkeypatch.setattr(check_command, "lint_paths", lambda *a, **k: 1 / 0)
    (project / "a.py").write_text("x = 1\n")
    problems = fuzzlib.check_cli_batch(project)
    assert [p.what for p in problems] == ["crash"]


def test_rf000_for_syntax_errors_only_in_files_ragfirst_must_analyse(project):
    """The documented RF000 contract (docs/security.md, promise 5), one policy for every
    broken file (issue 25): a file that could hold a finding (its text, decoded as far as
    it goes, holds a word some enabled rule looks for) and cannot be analysed is an RF000;
    a broken file that names nothing rules look for is the compiler's business, whether
    its problem is a syntax error, invalid UTF-8 or a NUL byte."""
    trigger = b"from openai import OpenAI\nOpenAI().fine_tuning.jobs.create\n"
    (project / "unrelated.py").write_text("def broken(:\n    pass\n")
    (project / "related.py").write_bytes(trigger + b"def broken(:\n")
    (project / "undecodable.py").write_bytes(b"x = '\xff\xfe'\n")
    (project / "undecodable_related.py").write_bytes(trigger + b"x = '\xff\xfe'\n")
    (project / "binary.py").write_bytes(b"\x00\x01" + b"x = 1\n")
    (project / "binary_related.py").write_bytes(trigger + b"\x00\x01")
    code, out, err, trace = run_cli_in_process(["check", "--format", "json", "."])
    assert trace is None and code == 1, err
    rf000 = sorted(f["path"] for f in json.loads(out)["findings"] if f["rule"] == "RF000")
    assert rf000 == ["binary_related.py", "related.py", "undecodable_related.py"]
