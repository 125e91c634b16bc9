"""A library is not its user, and one decision is one finding (issue 19): findings about
the checked project's own package are dropped; RF501 fires once per package per manifest;
an import-matched rule once per file; a constraints file adds nothing."""

from __future__ import annotations

from pathlib import Path

from ragfirst.config.settings import ConfigResolver
from ragfirst.engine.runner import lint_paths

SFT = """\
from trl import SFTConfig, SFTTrainer
trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=[], args=SFTConfig(output_dir="o"))
"""


def check(root: Path, files: dict[str, str], *paths: str) -> list[tuple[str, str, int]]:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (root / ".git").mkdir(exist_ok=True)
    targets = [root / p for p in paths] if paths else [root]
    result = lint_paths(targets, ConfigResolver())
    return sorted((f.rule_id, Path(f.path).name, f.span.start_line) for f in result.active)


def test_the_library_itself_is_not_a_user_of_it(tmp_path: Path):
    files = {
        "pyproject.toml": '[project]\nname = "trl"\ndependencies = ["accelerate>=1.4"]\n',
        "examples/sft.py": SFT,
        "trl/trainer/loop.py": "import accelerate\nacc = accelerate.Accelerator()\nacc.backward(loss)\n",
    }
    assert [r for r, _, _ in check(tmp_path, files)] == []


def test_the_same_code_in_an_application_is_reported(tmp_path: Path):
    files = {"pyproject.toml": '[project]\nname = "support-bot"\n', "train.py": SFT}
    assert ("RF102", "train.py", 2) in check(tmp_path, files)


def test_own_package_is_found_from_a_single_file_too(tmp_path: Path):
    # The project root is the config's directory (else the directory checked): manifests
    # between the file and it are read, never any above it.
    files = {
        "pyproject.toml": '[project]\nname = "trl"\n\n[tool.ragfirst]\nselect = ["RF"]\n',
        "examples/sft.py": SFT,
    }
    assert check(tmp_path, files, "examples/sft.py") == []


def test_manifests_above_the_project_root_are_not_read(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "trl"\n')
    files = {"app/train.py": SFT}
    assert ("RF102", "train.py", 2) in check(tmp_path / "app", files)


def test_own_extras_are_not_dependencies_and_each_package_is_one_finding(tmp_path: Path):
    pyproject = """\
[project]
name = "support-bot"
dependencies = ["trl>=0.18"]

[project.optional-dependencies]
colab = ["support-bot[train]", "trl", "peft"]
kaggle = ["support-bot[colab]", "trl", "peft"]
train = ["support_bot[colab]"]
"""
    findings = check(tmp_path, {"pyproject.toml": pyproject})
    assert findings == [("RF501", "pyproject.toml", 3), ("RF501", "pyproject.toml", 6)]  # trl, peft


def test_a_training_library_is_not_training_in_its_own_repo(tmp_path: Path):
    files = {
        "pyproject.toml": '[project]\nname = "unsloth"\ndependencies = ["trl", "peft"]\n',
        "examples/finetune.py": SFT,
        "unsloth/trainer.py": SFT,
        "studio/app.ts": 'import OpenAI from "openai";\nawait new OpenAI().chat.completions.create({ model: "gpt-4o" });\n',
    }
    assert check(tmp_path, files) == [("RF401", "app.ts", 2)]  # not training: still reported


def test_a_package_json_names_its_project_too(tmp_path: Path):
    from ragfirst.engine.own_package import own_names

    (tmp_path / "package.json").write_text('{"name": "openai", "version": "5.0.0"}')
    assert own_names(str(tmp_path)) == frozenset({"openai"})


def test_constraints_files_add_nothing(tmp_path: Path):
    files = {"constraints.txt": "trl==0.29.0\n", "requirements.txt": "trl==0.29.0\n"}
    assert check(tmp_path, files) == [("RF501", "requirements.txt", 1)]


def test_an_import_matched_rule_fires_once_per_file(tmp_path: Path):
    code = "from torchtune.training import a\nfrom torchtune.training import b\n"
    findings = check(tmp_path, {"pyproject.toml": '[project]\nname = "app"\n', "recipe.py": code})
    assert [(rule, line) for rule, _, line in findings if rule == "RF102"] == [("RF102", 1)]


def test_an_example_with_its_own_requirements_is_still_the_librarys(tmp_path: Path):
    """`peft/examples/sft/requirements.txt` makes the example a project root of its own
    (issue 17); it is still in peft's repository, so still peft's example."""
    files = {
        "pyproject.toml": '[project]\nname = "trl"\n',
        "examples/sft/requirements.txt": "trl>=0.12\ndatasets\n",
        "examples/sft/train.py": SFT,
    }
    assert check(tmp_path, files) == []
    assert check(tmp_path, files, "examples/sft/train.py") == []


def test_another_repository_inside_is_its_own(tmp_path: Path):
    """A repository nested in the library's folder (its own VCS root) is not the library."""
    files = {"pyproject.toml": '[project]\nname = "trl"\n', "vendor/app/train.py": SFT}
    (tmp_path / "vendor/app/.git").mkdir(parents=True)
    assert ("RF102", "train.py", 2) in check(tmp_path, files)


def test_a_renamed_project_is_seen_by_the_next_run_in_the_same_process(tmp_path: Path):
    """The manifests' names are remembered for one run (engine/finalize_memo.py), never
    for the process: the language server and callers running many checks see an edit."""
    files = {"pyproject.toml": '[project]\nname = "support-bot"\n', "train.py": SFT}
    assert ("RF102", "train.py", 2) in check(tmp_path, files)
    assert check(tmp_path, {"pyproject.toml": '[project]\nname = "trl"\n'}) == []
    assert ("RF102", "train.py", 2) in check(tmp_path, {"pyproject.toml": '[project]\nname = "app"\n'})


def test_a_repository_made_later_is_seen_by_the_next_run(tmp_path: Path):
    """Where the repository starts (its VCS marker) is remembered for one run too."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "trl"\n')
    inner = tmp_path / "vendor" / "app"
    inner.mkdir(parents=True)
    (inner / "train.py").write_text(SFT)
    assert check(tmp_path, {}) == []  # one repository: trl's example
    (inner / ".git").mkdir()
    assert ("RF102", "train.py", 2) in check(tmp_path, {})  # a repository of its own


def test_manifest_names_are_read_from_regular_files_only(tmp_path: Path):
    """own_names reads each manifest as `read_text` did, with fewer system calls: a
    directory, a FIFO (never opened: a writer waiting on it stays blocked) or an oversized
    file named like a manifest gives no name; a link to a manifest is followed; bytes that
    are not UTF-8 are replaced, not fatal; old-Mac `\\r` line ends still split lines."""
    import os
    import threading

    from ragfirst.engine.own_package import MAX_MANIFEST_BYTES, own_names

    (tmp_path / "pyproject.toml").mkdir()
    os.mkfifo(tmp_path / "setup.cfg")
    opened = threading.Event()

    def writer() -> None:
        with open(tmp_path / "setup.cfg", "w") as fifo:  # blocks until a reader opens it
            opened.set()
            fifo.write("[metadata]\nname = from-a-fifo\n")

    threading.Thread(target=writer, daemon=True).start()
    (tmp_path / "setup.py").write_text('setup(name="big")\n' + "#" * MAX_MANIFEST_BYTES)
    (tmp_path / "real.json").write_bytes(b'{"name": "web-app", "description": "\xff"}')
    (tmp_path / "package.json").symlink_to(tmp_path / "real.json")
    assert own_names(str(tmp_path)) == {"web-app"}
    assert not opened.wait(0.3)
    with open(tmp_path / "setup.cfg") as fifo:  # (the writer released)
        fifo.read()
    (tmp_path / "setup.py").write_text('setup(name="small")\n')
    assert own_names(str(tmp_path)) == {"web-app", "small"}
    os.remove(tmp_path / "setup.cfg")
    (tmp_path / "setup.cfg").write_bytes(b"[metadata]\rname = old-mac\r")
    assert own_names(str(tmp_path)) == {"web-app", "small", "old-mac"}


def test_a_manifest_linked_out_of_its_directory_is_not_read(tmp_path: Path):
    """Manifests are read as the repository's other small files are (safe_read): a link
    that leaves the directory names nothing."""
    from ragfirst.engine.own_package import own_names

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "pyproject.toml").write_text('[project]\nname = "not-this-one"\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    assert own_names(str(project)) == frozenset()
    (project / "pyproject.toml").unlink()
    (project / "pyproject.toml").write_text('[project]\nname = "this-one"\n')
    assert own_names(str(project)) == {"this-one"}
