"""A warm run after some files changed (issue 26: the run developers make all day): its
report is the report of a run without the cache, whatever changed between the two cached
runs; the run manifest (engine/run_manifest.py) records what the run stat'ed, and skips
recording at once when a file changed too recently for it to answer a later run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import TEAM_PACK
from ragfirst.cli.main import main
from ragfirst.config.settings import ConfigResolver
from ragfirst.engine import run_manifest, runner, walk_record
from ragfirst.engine.cache import AnalysisCache, stat_signature
from ragfirst.engine.run_manifest import RunInputs, RunManifest
from ragfirst.engine.walk_record import WalkRecord

TRAIN = """\
from openai import OpenAI

client = OpenAI()
upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
"""
KEY = 'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-' + "a8Kd93jfLq0PzXv7Tn2R" * 4 + '")\n'
UNCAPPED = """\
from openai import OpenAI

client = OpenAI()
reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
"""
CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"
USES_CLIENT = """\
from .shared import client

reply = client.chat.completions.create(model="gpt-4o", messages=[])
"""


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory):
    """Two projects (one with a package whose modules import each other), data, configs;
    the racy window off (files count as settled at once)."""
    for module in ("cache", "run_snapshot", "run_manifest"):
        monkeypatch.setattr(f"ragfirst.engine.{module}.RACY_SECONDS", 0)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-20")
    (tmp_path / "ragfirst.toml").write_text('exclude = ["data"]\n')
    (tmp_path / ".gitignore").write_text("# nothing yet\n")
    app = tmp_path / "app"
    (app / "pkg").mkdir(parents=True)
    (app / "train.py").write_text(TRAIN)
    (app / "keys.py").write_text(KEY)
    (app / "pkg" / "__init__.py").write_text("")
    (app / "pkg" / "shared.py").write_text(CLIENT)
    (app / "pkg" / "use.py").write_text(USES_CLIENT)
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "other"\n\n[tool.ragfirst]\nignore = []\n')
    (other / "chat.py").write_text(UNCAPPED)
    (tmp_path / "data").mkdir()
    rows = [{"messages": [{"role": "user", "content": f"Q{i}"}]} for i in range(7)]
    (tmp_path / "data" / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path, tmp_path_factory.mktemp("cache")


def report(capsys, cache: Path, *options: str) -> dict:
    code = main(["check", "--exit-zero", "--format", "json", "--cache-dir", str(cache), *options, "."])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def _rename(root: Path) -> None:
    (root / "app" / "keys.py").rename(root / "app" / "secrets_in_code.py")


def _edit_config_in_tree(root: Path) -> None:
    # Content only (same directory entries): seen through the probe the listing recorded.
    (root / "other" / "pyproject.toml").write_text(
        '[project]\nname = "other"\n\n[tool.ragfirst]\nignore = ["RF401"]\n'
    )


def _pack(root: Path) -> None:
    (root / "packs").mkdir(exist_ok=True)
    (root / "packs" / "team.yaml").write_text(TEAM_PACK)
    (root / "ragfirst.toml").write_text('exclude = ["data", "packs"]\nrules = ["packs"]\n')


def _pack_changed(root: Path) -> None:
    (root / "packs" / "team.yaml").write_text(TEAM_PACK.replace("warning", "error"))


EDITS = [
    ("content of a checked file", lambda root: (root / "app" / "train.py").write_text(TRAIN + KEY)),
    ("an imported module", lambda root: (root / "app" / "pkg" / "shared.py").write_text("client = None\n")),
    ("a new file", lambda root: (root / "app" / "more.py").write_text(KEY)),
    ("a deleted file", lambda root: (root / "app" / "more.py").unlink()),
    ("a renamed file", _rename),
    ("a config's content", _edit_config_in_tree),
    (
        "a config above",
        lambda root: (root / "ragfirst.toml").write_text('exclude = ["data"]\nignore = ["RF404"]\n'),
    ),
    ("a .gitignore", lambda root: (root / ".gitignore").write_text("other/\n")),
    ("a new project marker", lambda root: (root / "app" / "pkg" / "setup.py").write_text("")),
    ("a data file", lambda root: (root / "data" / "train.jsonl").write_text('{"messages": []}\n' * 12)),
    ("a rule pack named", _pack),
    ("a rule pack's content", _pack_changed),
]


def test_every_edit_between_cached_runs_gives_the_report_of_a_run_without_cache(tree, capsys):
    root, cache = tree
    report(capsys, cache)  # fills the cache and records the manifest
    report(capsys, cache)  # answered by the manifest
    for what, edit in EDITS:
        edit(root)
        cached = report(capsys, cache)
        assert cached == report(capsys, cache, "--no-cache"), what
        assert report(capsys, cache) == cached, what  # the next warm run, from the manifest


def test_the_edits_change_the_report(tree, capsys):
    """The scenarios above are not vacuous: each changes what a run reports."""
    root, cache = tree
    before = report(capsys, cache, "--no-cache")
    for what, edit in EDITS:
        edit(root)
        after = report(capsys, cache, "--no-cache")
        if what != "a deleted file":  # it takes back "a new file"
            assert after != before, what
        before = after


def _manifest(tmp_path: Path, started_ns: int) -> RunManifest:
    return RunManifest(AnalysisCache(tmp_path / "cache", namespace="test"), "manifest:test", started_ns)


def test_nothing_is_stat_ed_when_a_file_changed_just_before_the_run(tmp_path, monkeypatch):
    """Such a manifest could never answer (RACY_SECONDS): it is not recorded, and the
    run does not stat every file and probe its directories to find that out."""
    checked = tmp_path / "a.py"
    checked.write_text("x = 1\n")
    signature = stat_signature(checked)
    calls: list[str] = []
    monkeypatch.setattr(run_manifest, "_signature", lambda path, *rest: calls.append(path))
    manifest = _manifest(tmp_path, time.time_ns())
    inputs = RunInputs([str(checked)], {}, [signature], max(signature[1], signature[2]))
    walk = WalkRecord([str(tmp_path)], [], {str(tmp_path): ["pyproject.toml"]})
    assert manifest.store(inputs, walk, [str(tmp_path)], [], [], 1, 1, "", None) is False
    assert calls == []


def test_a_file_that_changed_while_the_run_read_it_is_a_miss_next_time(tmp_path, monkeypatch):
    """The manifest records each file's signature as the run took it before reading: the
    findings came from that version, so a later version must not be answered with them
    (re-stat-ing at the end recorded the new version's signature)."""
    monkeypatch.setattr(run_manifest, "RACY_SECONDS", 0)
    checked = tmp_path / "a.py"
    checked.write_text("x = 1\n")
    taken = stat_signature(checked)
    checked.write_text("x = 22\n")  # after the run stat'ed it, before it stored the manifest
    manifest = _manifest(tmp_path, time.time_ns())
    inputs = RunInputs([str(checked)], {}, [taken], max(taken[1], taken[2]))
    assert manifest.store(inputs, WalkRecord(), [str(checked)], [], [], 1, 1, "", None)
    assert manifest.lookup() is None
    # The same run with the signature of what is on disk now is answered.
    now = stat_signature(checked)
    inputs = RunInputs([str(checked)], {}, [now], max(now[1], now[2]))
    assert manifest.store(inputs, WalkRecord(), [str(checked)], [], [], 1, 1, "", None)
    assert manifest.lookup() is not None


def test_the_walk_records_the_probed_names_its_listings_hold(tmp_path):
    from ragfirst.engine.discovery import discover_files

    (tmp_path / "sub").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / ".gitignore").write_text("")
    (tmp_path / "sub" / "a.py").write_text("")
    (tmp_path / "sub" / "notes.txt").write_text("")
    resolver = ConfigResolver()
    with walk_record.recording() as walk:
        list(discover_files([tmp_path], resolver.for_directory, lambda name: name.endswith(".py")))
    assert walk.listed == [str(tmp_path), str(tmp_path / "sub")]
    assert walk.present == {str(tmp_path): [".gitignore", "pyproject.toml"]}


def test_one_engine_lookup_per_settings_not_per_file(tmp_path, monkeypatch):
    """Files ask per file; the engine cache answers by the settings object, so settings are
    hashed and compared by value once per object (EngineCache._by_value), not per file."""
    for index in range(30):
        (tmp_path / f"m{index}.py").write_text(CLIENT)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ragfirst.toml").write_text('ignore = ["RF404"]\n')
    (tmp_path / "sub" / "k.py").write_text(KEY)
    from ragfirst.engine.engines import EngineCache

    asked: list[object] = []
    real = EngineCache._by_value

    def counting(self, settings, validate=True):
        asked.append(settings)
        return real(self, settings, validate)

    monkeypatch.setattr(EngineCache, "_by_value", counting)
    result = runner.lint_paths([tmp_path], ConfigResolver())
    assert result.files_checked == 32  # with sub/ragfirst.toml
    assert len(asked) == 2  # the root's settings and sub/'s


def test_engines_by_settings_object_are_the_engines_by_value(tmp_path):
    """The identity memo answers as the by-value cache would: equal settings read again
    (another object) get the same engine, without validating again; `clear` forgets both;
    settings asked without validation are never remembered."""
    (tmp_path / "ragfirst.toml").write_text('ignore = ["RF404"]\n')
    from ragfirst.config.settings import settings_from_file
    from ragfirst.engine.engines import EngineCache

    engines = EngineCache()
    first, again = (settings_from_file(tmp_path / "ragfirst.toml") for _ in range(2))
    assert first == again and first is not again
    engine = engines.for_settings(first)
    assert engines.for_settings(first) is engine
    assert engines.for_settings(again) is engine
    assert engines.entries() == 1
    engines.clear()
    assert engines.for_settings(first) is not engine
    fresh = EngineCache()
    fresh.for_settings(first, validate=False)
    assert fresh.entries() == 0 and not fresh._by_object


def test_the_table_age_note_is_printed_once_by_the_run_that_records_it(tree, capsys, monkeypatch):
    """Worked out once for the manifest and the run's own stderr (it was computed twice)."""
    _, cache = tree
    monkeypatch.setenv("RAGFIRST_TODAY", "2031-01-01")  # every table is old by then
    calls: list[int] = []
    from ragfirst.data import table_age  # check_render imports it where used

    original = table_age.staleness_notice

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(table_age, "staleness_notice", counting)
    for _ in range(2):  # the full run, then the one its manifest answers
        assert main(["check", "--exit-zero", "--format", "json", "--cache-dir", str(cache), "."]) == 0
        err = capsys.readouterr().err
        assert err.count("data tables last checked") == 1
    assert calls == [1]
