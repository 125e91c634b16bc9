"""The run manifest keeps its findings apart from its inputs (format 3): a run one of
whose inputs changed decodes the inputs only, not the findings (half of corpus a's 2.5 MB
manifest); a manifest whose findings part is damaged is a miss."""

from __future__ import annotations

import json

import pytest

from ragfirst.cli import check_command, warm_check
from ragfirst.cli.main import build_parser, main
from ragfirst.engine import run_manifest
from ragfirst.engine.run_manifest import RunManifest

KEY = 'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-' + "a8Kd93jfLq0PzXv7Tn2R" * 4 + '")\n'


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory, settled_at_once):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    for index in range(5):
        (tmp_path / "app" / f"k{index}.py").write_text(KEY)
    return tmp_path, tmp_path_factory.mktemp("cache")


def _check(capsys, cache) -> str:
    assert main(["check", "--exit-zero", "--format", "json", "--cache-dir", str(cache), "app"]) == 0
    return capsys.readouterr().out


def _manifest(cache) -> RunManifest:
    args = build_parser().parse_args(["check", "--format", "json", "--cache-dir", str(cache), "app"])
    manifest = warm_check.manifest_for(args)
    assert isinstance(manifest, RunManifest)
    return manifest


def test_a_changed_input_decodes_no_finding(tree, capsys, monkeypatch):
    root, cache = tree
    _check(capsys, cache)
    manifest = _manifest(cache)
    stored = manifest.cache.get_run(manifest.scope)
    assert stored is not None
    decoded: list[int] = []
    real = run_manifest.json.loads

    def counting(text, *args, **kwargs):
        decoded.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(run_manifest.json, "loads", counting)
    (root / "app" / "k0.py").write_text(KEY + "# changed\n")
    assert manifest.lookup() is None
    assert decoded and max(decoded) < len(stored) - 1000  # the findings part was not decoded


def test_an_unchanged_tree_is_answered_with_every_finding(tree, capsys, monkeypatch):
    _, cache = tree
    first = _check(capsys, cache)
    runs: list[int] = []
    real = check_command.lint_paths
    monkeypatch.setattr(check_command, "lint_paths", lambda *a, **k: runs.append(1) or real(*a, **k))
    assert _check(capsys, cache) == first
    assert runs == []  # answered by the manifest
    assert len(json.loads(first)["findings"]) >= 5


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace("\n", " ", 1),  # no line between the parts
        lambda text: text.split("\n", 1)[0] + "\n[{",  # a truncated findings part
        lambda text: text.split("\n", 1)[0] + '\n[["x"]]',  # findings of another shape
    ],
)
def test_a_damaged_findings_part_is_a_miss(tree, capsys, monkeypatch, damage):
    _, cache = tree
    first = _check(capsys, cache)
    manifest = _manifest(cache)
    stored = manifest.cache.get_run(manifest.scope)
    assert stored is not None and stored.count("\n") == 1
    manifest.cache.put_run(manifest.scope, damage(stored))
    runs: list[int] = []
    real = check_command.lint_paths
    monkeypatch.setattr(check_command, "lint_paths", lambda *a, **k: runs.append(1) or real(*a, **k))
    assert _check(capsys, cache) == first
    assert runs == [1]  # the check ran
