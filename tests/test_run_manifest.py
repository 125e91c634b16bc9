"""The run manifest (engine/run_manifest.py): a `check` whose inputs did not change is
answered after a stat per input, without running the check; any change to a file, a
directory's entries, a config (here or above), a .gitignore, a rule pack, ragfirst's
version, the options or the day, or a data file a finding read, runs it again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import TEAM_PACK, run_python
from ragfirst.cli import check_command, warm_check
from ragfirst.cli.main import main
from ragfirst.config.settings import CONFIG_FILES
from ragfirst.engine import run_manifest
from ragfirst.engine.project_roots import MANIFESTS, VCS_MARKERS
from ragfirst.engine.run_manifest import PRESENCE_ONLY, PROBED_NAMES, RunManifest
from ragfirst.reporters.links import ENV_GUIDE_URL

TRAIN = """\
from openai import OpenAI

client = OpenAI()
upload = client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id)
"""
KEY = (
    'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-'
    + "a8Kd93jfLq0PzXv7Tn2RbWc4YhM1eGs6T3BlbkFJa8Kd93jfLq0PzXv7Tn2R"
    + '")\n'
)  # RF404, an unsafe fix


def examples(count: int) -> str:
    rows = [
        {"messages": [{"role": "user", "content": f"Q{i}?"}, {"role": "assistant", "content": f"A{i}."}]}
        for i in range(count)
    ]
    return "".join(json.dumps(row) + "\n" for row in rows)


@pytest.fixture
def tree(tmp_path, monkeypatch, tmp_path_factory, settled_at_once):
    """A project with the racy window off (files count as settled at once)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-20")
    (tmp_path / "ragfirst.toml").write_text('exclude = ["data"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "train.py").write_text(TRAIN)
    (tmp_path / "app" / "keys.py").write_text(KEY)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(examples(7))
    return tmp_path, tmp_path_factory.mktemp("cache")


@pytest.fixture
def runs(monkeypatch):
    """How many times the check itself ran (not when the manifest answered)."""
    calls: list[int] = []
    real = check_command.lint_paths

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(check_command, "lint_paths", counting)
    return calls


def check(capsys, cache: Path, *options: str, paths: tuple[str, ...] = ("app",)) -> str:
    code = main(["check", "--exit-zero", "--cache-dir", str(cache), *options, *paths])
    assert code == 0
    return capsys.readouterr().out


def rules(output: str) -> list[str]:
    return sorted(f["rule"] for f in json.loads(output)["findings"])


def test_an_unchanged_run_is_answered_with_the_same_report(tree, capsys, runs):
    _, cache = tree
    for options in (("--format", "json"), (), ("--statistics",), ("--format", "github")):
        first = check(capsys, cache, *options)
        assert check(capsys, cache, *options) == first
    # One run with the fixes the JSON and text reports show, one without (the others).
    assert len(runs) == 2
    assert "[*]" in check(capsys, cache, "--unsafe-fixes")  # the mark, from the stored fix
    assert '"fix": {' in check(capsys, cache, "--format", "json")
    assert len(runs) == 2


def test_the_answer_needs_neither_the_engine_nor_the_fixers(tree, tmp_path_factory):
    """In a process of its own: the warm path imports no analyzer, engine or libcst."""
    root, cache = tree
    probe = (
        "import sys, json\n"
        "import ragfirst.engine.run_manifest as m, ragfirst.engine.cache as c, ragfirst.engine.run_snapshot as s\n"
        "m.RACY_SECONDS = c.RACY_SECONDS = s.RACY_SECONDS = 0\n"
        "from ragfirst.cli.main import main\n"
        f"argv = ['check', '--exit-zero', '--format', 'json', '--cache-dir', {str(cache)!r}, 'app']\n"
        "main(argv); main(argv)\n"
        "before = set(sys.modules)\n"
        "for name in [n for n in sys.modules if n.startswith(('ragfirst', 'libcst', 'tree_sitter'))]:\n"
        "    del sys.modules[name]\n"
        "import ragfirst.engine.run_manifest as m\n"
        "m.RACY_SECONDS = 0\n"
        "from ragfirst.cli.main import main\n"
        "main(argv)\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.startswith(('ragfirst', 'libcst', 'tree_sitter')))), file=sys.stderr)\n"
    )
    done = run_python(probe, root)
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert "ragfirst.engine.run_manifest" in loaded
    heavy = [
        n for n in loaded if n.startswith(("libcst", "tree_sitter", "ragfirst.analyzers", "ragfirst.checks"))
    ]
    assert heavy == []
    assert "ragfirst.engine.engine" not in loaded and "ragfirst.config.settings" not in loaded


def test_a_rewrite_that_keeps_size_and_mtime_is_seen(tree, capsys, runs):
    """The ctime moves whatever the mtime says."""
    root, cache = tree
    check(capsys, cache, "--format", "json")
    path = root / "app" / "train.py"
    info = path.stat()
    path.write_text(TRAIN.replace("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-19"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    runs.clear()
    check(capsys, cache, "--format", "json")
    assert runs == [1]


def test_a_new_file_and_a_deleted_file_are_seen(tree, capsys, runs):
    root, cache = tree
    before = rules(check(capsys, cache, "--format", "json"))
    (root / "app" / "more.py").write_text(KEY)
    runs.clear()
    added = rules(check(capsys, cache, "--format", "json"))
    assert runs == [1] and added.count("RF404") == before.count("RF404") + 1
    (root / "app" / "more.py").unlink()
    assert rules(check(capsys, cache, "--format", "json")) == before
    assert runs == [1, 1]


def test_a_new_file_in_a_new_subdirectory_is_seen(tree, capsys):
    root, cache = tree
    before = rules(check(capsys, cache, "--format", "json"))
    (root / "app" / "sub").mkdir()
    check(capsys, cache, "--format", "json")
    (root / "app" / "sub" / "more.py").write_text(KEY)
    assert rules(check(capsys, cache, "--format", "json")).count("RF404") == before.count("RF404") + 1


def test_a_config_here_or_above_is_seen(tree, capsys):
    root, cache = tree
    assert "RF201" in rules(check(capsys, cache, "--format", "json"))
    (root / "ragfirst.toml").write_text('exclude = ["data"]\nignore = ["RF201"]\n')  # above `app`
    assert "RF201" not in rules(check(capsys, cache, "--format", "json"))
    assert "RF404" in rules(check(capsys, cache, "--format", "json"))
    (root / "app" / "ragfirst.toml").write_text('ignore = ["RF404"]\n')  # a new one, in the tree
    assert "RF404" not in rules(check(capsys, cache, "--format", "json"))


def test_a_config_in_a_directory_above_the_project_is_seen(tree, capsys):
    root, cache = tree
    (root / "ragfirst.toml").unlink()  # the settings come from further up now
    nested = root / "deep"
    (root / "app").rename(nested)
    (nested / "inner").mkdir()
    (nested / "inner" / "keys.py").write_text(KEY)
    before = rules(check(capsys, cache, "--format", "json", paths=("deep/inner",)))
    assert "RF404" in before
    (nested / "pyproject.toml").write_text('[tool.ragfirst]\nignore = ["RF404"]\n')
    assert "RF404" not in rules(check(capsys, cache, "--format", "json", paths=("deep/inner",)))


def test_a_gitignore_is_seen(tree, capsys):
    root, cache = tree
    (root / ".gitignore").write_text("# nothing yet\n")
    assert "RF404" in rules(check(capsys, cache, "--format", "json", paths=(".",)))
    (root / ".gitignore").write_text("app/keys.py\n")
    assert "RF404" not in rules(check(capsys, cache, "--format", "json", paths=(".",)))


def test_a_rule_pack_is_seen(tree, capsys):
    root, cache = tree
    (root / "packs").mkdir()
    (root / "packs" / "team.yaml").write_text(TEAM_PACK)
    (root / "ragfirst.toml").write_text('exclude = ["data", "packs"]\nrules = ["packs"]\n')
    assert "TEAM001" in rules(check(capsys, cache, "--format", "json"))
    (root / "packs" / "team.yaml").write_text(TEAM_PACK.replace("TEAM001", "TEAM002"))
    after = rules(check(capsys, cache, "--format", "json"))
    assert "TEAM002" in after and "TEAM001" not in after


def test_a_builtin_rule_file_is_seen(tree, capsys, runs, monkeypatch, tmp_path_factory):
    """A development install edits the built-in packs in place."""
    _, cache = tree
    builtin = tmp_path_factory.mktemp("rules")
    (builtin / "pack.yaml").write_text("rules: []\n")
    monkeypatch.setattr("ragfirst.resources.builtin_rules_dir", lambda: builtin)
    check(capsys, cache, "--format", "json")
    check(capsys, cache, "--format", "json")
    assert runs == [1]
    (builtin / "pack.yaml").write_text("rules: [] # edited\n")
    check(capsys, cache, "--format", "json")
    assert runs == [1, 1]


def test_another_version_python_day_option_or_guide_url_is_another_run(tree, capsys, runs, monkeypatch):
    _, cache = tree
    check(capsys, cache, "--format", "json")
    monkeypatch.setattr(run_manifest, "__version__", "99.0")
    check(capsys, cache, "--format", "json")
    monkeypatch.setattr(run_manifest.sys, "version", "3.99.0 (another interpreter)")
    check(capsys, cache, "--format", "json")
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-21")
    check(capsys, cache, "--format", "json")
    assert "RF404" not in rules(check(capsys, cache, "--format", "json", "--ignore", "RF404"))
    monkeypatch.setenv(ENV_GUIDE_URL, "https://example.com/docs/")
    assert "https://example.com/docs/" in check(capsys, cache, "--format", "json")
    assert len(runs) == 6


def test_a_data_file_a_finding_read_is_seen(tree, capsys):
    root, cache = tree
    assert "has 7 examples" in check(capsys, cache, "--format", "json")
    (root / "data" / "train.jsonl").write_text(examples(12))
    assert "has 12 examples" in check(capsys, cache, "--format", "json")


def test_files_changed_just_before_the_run_are_not_trusted(tree, capsys, runs, monkeypatch):
    """With the racy window on, files written a moment ago never answer the next run: a
    write within the same timestamp tick could hide behind an unchanged mtime."""
    _, cache = tree
    monkeypatch.setattr(run_manifest, "RACY_SECONDS", 2)
    check(capsys, cache, "--format", "json")
    check(capsys, cache, "--format", "json")
    assert runs == [1, 1]


def test_runs_that_change_files_or_need_the_rules_take_the_full_path(tree, capsys, runs):
    _, cache = tree
    check(capsys, cache, "--format", "json")
    for options in (("--format", "sarif"), ("--format", "junit"), ("--no-cache", "--format", "json")):
        runs.clear()
        check(capsys, cache, *options)
        check(capsys, cache, *options)
        assert runs == [1, 1], options


def test_a_damaged_manifest_is_a_miss(tree, capsys, runs):
    _, cache = tree
    first = check(capsys, cache, "--format", "json")
    args = (
        __import__("ragfirst.cli.main", fromlist=["build_parser"])
        .build_parser()
        .parse_args(["check", "--format", "json", "--cache-dir", str(cache), "app"])
    )
    manifest = warm_check.manifest_for(args)
    assert isinstance(manifest, RunManifest)
    manifest.cache.put_run(manifest.scope, '{"version": "1", "stats": [')
    assert check(capsys, cache, "--format", "json") == first
    assert runs == [1, 1]


def test_the_probed_names_are_the_configs_and_project_markers():
    assert set(CONFIG_FILES) | set(MANIFESTS) | {".gitignore"} == set(PROBED_NAMES)
    assert set(VCS_MARKERS) == set(PRESENCE_ONLY)  # a new `hg init` above moves project roots
    assert warm_check.ENV_GUIDE_URL == ENV_GUIDE_URL


@pytest.fixture
def fixes_computed(monkeypatch):
    """The findings whose fix was computed (not taken from the fix cache)."""
    calls: list[str] = []
    from ragfirst.fixes import apply

    real = apply.fix_for

    def counting(finding, text):
        calls.append(finding.path)
        return real(finding, text)

    monkeypatch.setattr(apply, "fix_for", counting)
    return calls


def test_fixes_of_unchanged_files_come_from_the_fix_cache(tree, capsys, fixes_computed):
    """When the manifest cannot answer (another file changed), the fixes of a file whose
    text and findings are the same are not computed again (fixes/fix_cache.py)."""
    root, cache = tree
    first = check(capsys, cache, "--format", "json")
    assert fixes_computed == ["app/keys.py"]
    (root / "app" / "util.py").write_text("VALUE = 1\n")
    fixes_computed.clear()
    after = json.loads(check(capsys, cache, "--format", "json"))
    assert after["findings"] == json.loads(first)["findings"]
    assert fixes_computed == []


def test_a_changed_file_gets_its_fixes_again(tree, capsys, fixes_computed):
    root, cache = tree
    check(capsys, cache, "--format", "json")
    moved = "# a line above\n" + KEY
    (root / "app" / "keys.py").write_text(moved)
    fixes_computed.clear()
    warm = json.loads(check(capsys, cache, "--format", "json"))
    assert fixes_computed == ["app/keys.py"]
    assert main(["check", "--exit-zero", "--no-cache", "--format", "json", "app"]) == 0
    assert warm == json.loads(capsys.readouterr().out)
    assert next(f["fix"] for f in warm["findings"] if f["rule"] == "RF404")["edits"]
