"""The display fixes of a file that changed elsewhere (fixes/fix_cache.py): an RF401 fix of
a Python call is found by its statement (text, place, what the fix reads of the finding)
without computing it again, so a warm run after a few files changed does not import
libcst for it; a change to the statement, its place or its finding computes it again, and
every fix shown is the one a run without the cache shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_python
from ragfirst.cli.main import main

UNCAPPED = """\
from openai import OpenAI

client = OpenAI()


def ask(question):
    reply = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": question}],
    )
    return reply
"""
IN_A_HEADER = """\
from openai import OpenAI

client = OpenAI()
if client: client.chat.completions.create(model="gpt-4o", messages=[])
"""


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory, settled_at_once):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-20")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "chat.py").write_text(UNCAPPED)
    (tmp_path / "app" / "header.py").write_text(IN_A_HEADER)
    return tmp_path, tmp_path_factory.mktemp("cache")


@pytest.fixture
def computed(monkeypatch):
    """(path, rule) of every fix computed, not taken from a cache."""
    calls: list[tuple[str, str]] = []
    from ragfirst.fixes import apply

    real = apply.fix_for

    def counting(finding, text):
        calls.append((finding.path, finding.rule_id))
        return real(finding, text)

    monkeypatch.setattr(apply, "fix_for", counting)
    return calls


def report(capsys, cache, *options: str) -> dict:
    assert main(["check", "--exit-zero", "--format", "json", "--cache-dir", str(cache), *options, "app"]) == 0
    return json.loads(capsys.readouterr().out)


def rf401_fixes(found: dict) -> list:
    return [(f["path"], f["start"], f["fix"]) for f in found["findings"] if f["rule"] == "RF401"]


def test_a_file_changed_elsewhere_keeps_its_rf401_fix(tree, capsys, computed):
    root, cache = tree
    first = report(capsys, cache)
    assert ("app/chat.py", "RF401") in computed and rf401_fixes(first)[0][2] is not None
    with (root / "app" / "chat.py").open("a") as handle:
        handle.write("\n\nANSWER = 42\n")  # below the call: the statement stays where it was
    computed.clear()
    after = report(capsys, cache)
    assert ("app/chat.py", "RF401") not in computed
    assert after == report(capsys, cache, "--no-cache")


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda text: "# a line above\n" + text, id="the statement moved"),
        pytest.param(
            lambda text: text.replace('model="gpt-4o"', 'model="gpt-4o-mini"'), id="the call changed"
        ),
        pytest.param(lambda text: text.replace("}],\n    )", "}]\n    )"), id="no trailing comma"),
        pytest.param(
            lambda text: text.replace("    reply =", "  reply =").replace("\n    ", "\n  "), id="indent"
        ),
    ],
)
def test_a_change_to_the_statement_or_its_place_computes_the_fix_again(tree, capsys, computed, edit):
    root, cache = tree
    report(capsys, cache)
    path = root / "app" / "chat.py"
    path.write_text(edit(path.read_text()))
    computed.clear()
    after = report(capsys, cache)
    assert ("app/chat.py", "RF401") in computed
    assert after == report(capsys, cache, "--no-cache")
    assert rf401_fixes(after)


def test_a_call_in_a_compound_statement_is_not_keyed_by_its_statement(tree, capsys, computed):
    """`if x: call()` is parsed with its whole file: its fix may depend on all of it."""
    root, cache = tree
    report(capsys, cache)
    path = root / "app" / "header.py"
    path.write_text(path.read_text() + "\nANSWER = 42\n")
    computed.clear()
    after = report(capsys, cache)
    assert ("app/header.py", "RF401") in computed
    assert after == report(capsys, cache, "--no-cache")


def test_the_warm_run_after_an_edit_elsewhere_does_not_import_libcst(tree):
    root, cache = tree
    probe = (
        "import sys, json\n"
        "import ragfirst.engine.run_manifest as m, ragfirst.engine.cache as c, ragfirst.engine.run_snapshot as s\n"
        "m.RACY_SECONDS = c.RACY_SECONDS = s.RACY_SECONDS = 0\n"
        "from ragfirst.cli.main import main\n"
        f"argv = ['check', '--exit-zero', '--format', 'json', '--cache-dir', {str(cache)!r}, 'app/chat.py']\n"
        "main(argv)\n"
        "open('app/chat.py', 'a').write('\\nANSWER = 42\\n')\n"
        "for name in [n for n in sys.modules if n.startswith(('ragfirst', 'libcst'))]:\n"
        "    del sys.modules[name]\n"
        "import ragfirst.engine.run_manifest as m, ragfirst.engine.cache as c, ragfirst.engine.run_snapshot as s\n"
        "m.RACY_SECONDS = c.RACY_SECONDS = s.RACY_SECONDS = 0\n"
        "from ragfirst.cli.main import main\n"
        "main(argv)\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.startswith('libcst'))), file=sys.stderr)\n"
    )
    done = run_python(probe, root)
    assert '"fix": {' in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_an_rf303_fix_is_kept_too_and_follows_its_chunk_size(tree, capsys, computed):
    """RF303's fix reads the call and the finding's `rag` facts (size, overlap)."""
    root, cache = tree
    sample = Path(__file__).resolve().parents[1] / "samples" / "rag-app" / "app" / "ingest.py"
    path = root / "app" / "ingest.py"
    path.write_text(sample.read_text())
    first = report(capsys, cache)
    assert any(f["rule"] == "RF303" and f["fix"] for f in first["findings"])
    path.write_text(path.read_text() + "\n\nANSWER = 42\n")
    computed.clear()
    after = report(capsys, cache)
    assert ("app/ingest.py", "RF303") not in computed
    assert after == report(capsys, cache, "--no-cache")
    path.write_text(path.read_text().replace("chunk_size=1200", "chunk_size=800"))
    computed.clear()
    changed = report(capsys, cache)
    assert ("app/ingest.py", "RF303") in computed
    assert changed == report(capsys, cache, "--no-cache")
    assert "chunk_overlap=80" in json.dumps(changed)


@pytest.mark.parametrize("options", [("--timings",), ("--show-fixes",)], ids=["timings", "show-fixes"])
def test_a_run_without_a_manifest_takes_its_fixes_from_the_fix_cache_too(tree, capsys, computed, options):
    """`--timings`, `--show-fixes`, SARIF and `--diff` take the full run, never the
    manifest: with a cache, their fixes come from the fix cache as a manifest run's do
    (cli/check_command.py), and they are the fixes a run without the cache shows."""
    first = report(capsys, tree[1], *options)
    assert ("app/chat.py", "RF401") in computed and rf401_fixes(first)[0][2] is not None
    computed.clear()
    again = report(capsys, tree[1], *options)
    assert computed == []
    assert again == first == report(capsys, tree[1], "--no-cache")


def test_a_sarif_run_takes_its_fixes_from_the_fix_cache(tree, capsys, computed):
    def sarif(*options: str) -> dict:
        argv = ["check", "--exit-zero", "--format", "sarif", *options, "app"]
        assert main(argv) == 0
        return json.loads(capsys.readouterr().out)

    first = sarif("--cache-dir", str(tree[1]))
    assert ("app/chat.py", "RF401") in computed
    computed.clear()
    again = sarif("--cache-dir", str(tree[1]))
    assert computed == []
    assert again == first == sarif("--no-cache")
    assert '"fixes"' in json.dumps(again)
