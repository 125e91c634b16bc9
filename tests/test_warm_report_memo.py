"""A warm run keeps the report it printed with its manifest (cli/warm_check.py): the next
identical run prints it as it is, without decoding or rendering the findings; other report
options, a new manifest, a baseline or a damaged memo never reuse it."""

from __future__ import annotations

import json

import pytest

from conftest import record_calls, run_python
from ragfirst.cli import warm_check
from ragfirst.cli.main import build_parser, main
from ragfirst.engine import finding_codec, run_manifest
from ragfirst.engine.run_manifest import RunManifest

KEY = 'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-' + "a8Kd93jfLq0PzXv7Tn2R" * 4 + '")\n'
TRAIN = (
    "from openai import OpenAI\n\nOpenAI().fine_tuning.jobs.create(training_file='f', model='gpt-4o-mini')\n"
)


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory, settled_at_once):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "keys.py").write_text(KEY)
    (tmp_path / "app" / "train.py").write_text(TRAIN)
    return tmp_path, tmp_path_factory.mktemp("cache")


def _check(capsys, cache, *options: str) -> tuple[int, str]:
    code = main(["check", *options, "--cache-dir", str(cache), "app"])
    return code, capsys.readouterr().out


def _decodes(monkeypatch) -> list[tuple[object, ...]]:
    """The findings a run decodes from its manifest (run_manifest: if it binds the name)."""
    return record_calls(monkeypatch, finding_codec, "load_finding", run_manifest)


def _manifest(cache, *options: str) -> RunManifest:
    args = build_parser().parse_args(["check", *options, "--cache-dir", str(cache), "app"])
    manifest = warm_check.manifest_for(args)
    assert isinstance(manifest, RunManifest)
    return manifest


@pytest.mark.parametrize(
    "options",
    [
        ("--format", "json"),
        ("--format", "json", "--exit-zero"),
        (),
        ("--color", "always"),
        ("--statistics",),
        ("--format", "json", "--statistics"),
    ],
    ids=["json", "json-exit-zero", "text", "text-coloured", "statistics", "json-statistics"],
)
def test_the_third_identical_run_prints_the_kept_report(tree, capsys, monkeypatch, options):
    _, cache = tree
    full = _check(capsys, cache, *options)  # records the manifest
    warm = _check(capsys, cache, *options)  # answered by it: renders, keeps the report
    decoded = _decodes(monkeypatch)
    assert _check(capsys, cache, *options) == warm == full
    assert decoded == []  # printed as kept
    assert full[0] == (0 if "--exit-zero" in options else 1)


def test_other_report_options_render_their_own_report(tree, capsys, monkeypatch):
    _, cache = tree
    uncached = {
        options: _check(capsys, cache, "--no-cache", *options)
        for options in [("--format", "json"), (), ("--severity-threshold", "error"), ("--quiet",)]
    }
    _check(capsys, cache, "--format", "json")
    _check(capsys, cache, "--format", "json")  # keeps the JSON report
    for options, expected in uncached.items():
        assert _check(capsys, cache, *options) == expected, options
    decoded = _decodes(monkeypatch)
    assert _check(capsys, cache, "--quiet") == uncached[("--quiet",)]
    assert decoded == []  # the last options' report is the one kept


def test_a_new_manifest_never_prints_the_report_of_the_old_one(tree, capsys):
    root, cache = tree
    _check(capsys, cache, "--format", "json")
    first = _check(capsys, cache, "--format", "json")
    (root / "app" / "train.py").write_text("x = 1\n")  # its finding is gone
    _check(capsys, cache, "--format", "json")  # a full run, a new manifest
    again = _check(capsys, cache, "--format", "json")
    assert again != first
    assert {f["rule"] for f in json.loads(again[1])["findings"]} < {
        f["rule"] for f in json.loads(first[1])["findings"]
    }
    assert again == _check(capsys, cache, "--no-cache", "--format", "json")


def test_a_run_with_a_baseline_renders_its_report(tree, capsys, monkeypatch):
    root, cache = tree
    baseline = root / "baseline.json"
    assert main(["check", "--no-cache", "--baseline", str(baseline), "--write-baseline", "app"]) == 0
    (root / "app" / "more.py").write_text(KEY.replace("client", "other"))
    capsys.readouterr()
    _check(capsys, cache, "--baseline", str(baseline))
    _check(capsys, cache, "--baseline", str(baseline))
    baseline.write_text(json.dumps({"version": 1, "findings": []}))  # the baseline changed
    decoded = _decodes(monkeypatch)
    code, out = _check(capsys, cache, "--baseline", str(baseline))
    assert decoded  # rendered again: the baseline is read every run
    assert (code, out) == _check(capsys, cache, "--no-cache", "--baseline", str(baseline))


@pytest.mark.parametrize("report_format", ["github", "gitlab"])
def test_a_ci_log_format_is_rendered_every_run(tree, capsys, monkeypatch, report_format):
    """A CI runner acts on some lines of its log (GitHub's workflow commands): those formats
    are never printed from a kept report."""
    _, cache = tree
    full = _check(capsys, cache, "--format", report_format)
    _check(capsys, cache, "--format", report_format)
    decoded = _decodes(monkeypatch)
    assert _check(capsys, cache, "--format", report_format) == full
    assert decoded  # rendered from the findings
    manifest = _manifest(cache, "--format", report_format)
    assert manifest.cache.get_run(manifest.scope + ":report") is None  # nothing kept


def test_a_report_no_reporter_writes_is_not_kept(tree, capsys, monkeypatch):
    _, cache = tree
    _check(capsys, cache, "--format", "json")
    monkeypatch.setattr(warm_check, "render", lambda *args: "\x1b[2J{}\n")
    _check(capsys, cache, "--format", "json")
    manifest = _manifest(cache, "--format", "json")
    assert manifest.cache.get_run(manifest.scope + ":report") is None


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "not json\nreport",
        '{"taken": "x", "options": 1, "exit": 0}\nreport',
        '{"taken": 1}',
        "[" * 100_000 + "\nreport",
        'TAKEN_OPTIONS, "exit": 1e400}\nreport',
        'TAKEN_OPTIONS, "exit": 256}\nreport',
        'TAKEN_OPTIONS, "exit": true}\nreport',
    ],
    ids=[
        "empty",
        "not-json",
        "wrong-types",
        "no-report",
        "deeply-nested",
        "huge-exit",
        "exit-256",
        "exit-bool",
    ],
)
def test_a_damaged_memo_is_a_miss(tree, capsys, damage):
    _, cache = tree
    _check(capsys, cache, "--format", "json")
    expected = _check(capsys, cache, "--format", "json")
    manifest = _manifest(cache, "--format", "json")
    stored = manifest.cache.get_run(manifest.scope + ":report")
    assert stored is not None
    header = json.loads(stored.split("\n", 1)[0])
    kept = json.dumps({"taken": header["taken"], "options": header["options"]})[:-1]
    manifest.cache.put_run(manifest.scope + ":report", damage.replace("TAKEN_OPTIONS", kept))
    assert _check(capsys, cache, "--format", "json") == expected
    assert _check(capsys, cache, "--format", "json") == expected  # kept again, and printed


def test_the_kept_report_is_printed_without_the_findings_model(tmp_path):
    """Neither the findings' classes nor `dataclasses` are imported to print a kept report."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text(KEY)
    probe = (
        "import sys, json\n"
        "from ragfirst.engine import cache, run_manifest\n"
        "cache.RACY_SECONDS = run_manifest.RACY_SECONDS = 0  # the files were just written\n"
        "from ragfirst.cli.main import main\n"
        f"main(['check', '--cache-dir', {str(tmp_path / 'cache')!r}, '--exit-zero', '--format', 'json', '.'])\n"
        "print(json.dumps(sorted(n for n in ('ragfirst.model', 'dataclasses', 'secrets') if n in sys.modules)),"
        " file=sys.stderr)\n"
    )
    full = run_python(probe, tree)
    assert json.loads(full.stderr.strip().splitlines()[-1]) != []  # the long way: all of them
    run_python(probe, tree)  # answered by the manifest: renders the report, keeps it
    printed = run_python(probe, tree)
    assert json.loads(printed.stderr.strip().splitlines()[-1]) == []
    assert printed.stdout == full.stdout and len(json.loads(printed.stdout)["findings"]) >= 1


@pytest.mark.parametrize(
    ("options", "planted"),
    [
        (("--format", "json"), "{}\x1b]0;owned\x07\n"),  # a terminal title
        (("--format", "json"), "All checks passed.\r\n"),  # a line overwritten
        ((), "All checks passed.\x1b[2J\n"),  # not a colour
        ((), "app/keys.py:1:1 \u202eRF404\n"),  # a bidirectional override, raw in text
        (("--color", "always"), "\x1b[31mRF404\x1b[0m \x9b2J\n"),  # a C1 control
        (("--color", "always"), "\x1b[8mAll checks passed.\x1b[0m\n"),  # not one of its colours
    ],
    ids=["json-osc", "json-cr", "text-esc", "text-bidi", "colour-c1", "colour-conceal"],
)
def test_a_kept_report_no_reporter_could_write_is_rendered_again(tree, capsys, options, planted):
    """A planted or hand-edited memo with the right manifest and options is still not
    printed when it holds what the reporters never write raw."""
    _, cache = tree
    _check(capsys, cache, *options)
    expected = _check(capsys, cache, *options)
    manifest = _manifest(cache, *options)
    stored = manifest.cache.get_run(manifest.scope + ":report")
    assert stored is not None
    header = stored.split("\n", 1)[0]
    manifest.cache.put_run(manifest.scope + ":report", header + "\n" + planted)
    assert _check(capsys, cache, *options) == expected
