"""Every editor setup names every kind of file the engine reads (issue 24): the configs'
file kinds are generated from the analyzer registry, and this test fails when they drift."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from ragfirst.analyzers.registry import LANGUAGES, LanguageSpec
from ragfirst.lsp.watchers import file_globs

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "gen_editor_configs.py"


def load_script():
    spec = importlib.util.spec_from_file_location("gen_editor_configs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_editor_configs", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_generated_editor_configs_are_up_to_date():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_registry_suffix_and_name_is_watched():
    globs = set(file_globs())
    for spec in LANGUAGES:
        for suffix in spec.suffixes:
            assert f"**/*{suffix}" in globs
        for name in spec.filenames:
            assert f"**/{name}" in globs
    assert {"**/pyproject.toml", "**/ragfirst.toml", "**/.ragfirst.toml"} <= globs


def test_a_new_registry_language_without_editor_names_stops_the_generator(monkeypatch):
    module = load_script()
    monkeypatch.setattr(module, "LANGUAGES", [*LANGUAGES, LanguageSpec("prompty", suffixes=(".prompty",))])
    with pytest.raises(SystemExit, match="prompty"):
        module.names()


def test_generated_kinds_reach_each_editor():
    selector = (REPO / "editors/vscode/src/selector.ts").read_text()
    for pattern in ("'**/*.sql'", "'**/.env'", "'**/*.jsonl'", "'**/*.ipynb'", "'**/*.cfg'"):
        assert pattern in selector
    for lua in ("lsp/ragfirst.lua", "ragfirst_start.lua", "ragfirst_legacy.lua", "ragfirst_lspconfig.lua"):
        text = (REPO / "editors/neovim" / lua).read_text()
        assert "'sql'," in text and "'jsonl'," in text and "'dosini'," in text, lua
    assert '(sql-mode :language-id "sql")' in (REPO / "editors/emacs/ragfirst-eglot.el").read_text()
    assert "source.sql" in (REPO / "editors/sublime/LSP-ragfirst.sublime-settings").read_text()
