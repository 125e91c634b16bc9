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


EDITORS = ("vscode", "neovim", "emacs", "sublime", "zed", "helix")


def test_every_editor_names_every_registry_language_or_says_why():
    module = load_script()
    for spec in LANGUAGES:
        names = module.EDITOR_NAMES[spec.name]
        for editor in EDITORS:
            gap = module.GAPS.get(editor, {}).get(spec.name)
            if getattr(names, editor):
                assert gap is None, f"{editor} names {spec.name} but GAPS still says: {gap}"
            else:
                assert gap, f"{editor} has no name for {spec.name} and GAPS gives no reason"


def _region(path: Path) -> str:
    text = path.read_text()
    return text[text.index("BEGIN generated file kinds") : text.index("END generated file kinds")]


def test_every_name_is_in_its_editors_files():
    module = load_script()
    neovim = [
        REPO / "editors/neovim" / f
        for f in ("lsp/ragfirst.lua", "ragfirst_start.lua", "ragfirst_legacy.lua", "ragfirst_lspconfig.lua")
    ]
    vscode = _region(REPO / "editors/vscode/src/selector.ts")
    emacs = _region(REPO / "editors/emacs/ragfirst-eglot.el")
    sublime = _region(REPO / "editors/sublime/LSP-ragfirst.sublime-settings")
    zed = [_region(REPO / "editors/zed" / f) for f in ("extension.toml", "settings.json")]
    helix = _region(REPO / "editors/helix/languages.toml")
    for names in module.EDITOR_NAMES.values():
        for language in names.vscode:
            assert f"'{language}'," in vscode
        for filetype in names.neovim:
            assert all(f"'{filetype}'," in _region(path) for path in neovim), filetype
        for mode in names.emacs:
            name, _, language = mode.partition(":")
            assert (f'({name} :language-id "{language}")' if language else f"\n    {name}\n") in emacs
        for scope in names.sublime:
            assert f" {scope} " in sublime.replace('"', " ")
        for name, language in names.zed:
            assert f'"{name}" = "{language}"' in zed[0] and f'"{name}": {{' in zed[1]
        for language, _ in names.helix:
            assert f'name = "{language}"' in helix


def _generated_emacs_entries() -> list[str]:
    """The entries of ragfirst-eglot.el's mode list, in file order, as `mode[:id]`."""
    entries = []
    for line in _region(REPO / "editors/emacs/ragfirst-eglot.el").splitlines()[1:]:
        line = line.strip()
        if line.startswith("("):
            name, _, rest = line.strip("()").partition(" :language-id ")
            entries.append(f"{name}:{rest.strip(chr(34))}")
        elif line and not line.startswith(";;"):
            entries.append(line)
    return entries


def test_eglot_sends_each_listed_mode_its_own_language_id():
    # Eglot sends the id of the first listed mode a buffer's mode derives from: json-mode
    # derives from js-mode (MELPA json-mode), so after it, it would be sent "javascript".
    module = load_script()
    entries = _generated_emacs_entries()
    assert entries == module.emacs_order()
    for entry in entries:
        name, _, language = entry.partition(":")
        assert module.eglot_language_id(name, entries) == (language or name.removesuffix("-mode")), name
    assert module.eglot_language_id("json-mode", entries) == "json"
    assert module.eglot_language_id("jsonl-mode", entries) == "jsonl"
    assert module.eglot_language_id("rjsx-mode", entries) == "javascriptreact"


def test_a_parent_listed_first_would_take_its_childs_buffers():
    module = load_script()
    entries = ["js-mode:javascript", "json-mode", "js-json-mode:json"]
    assert module.eglot_language_id("json-mode", entries) == "javascript"
    assert module.eglot_language_id("js-json-mode", entries) == "javascript"
    assert module.eglot_language_id("conf-space-mode", entries) is None


def test_emacs_order_moves_descendants_before_their_parents(monkeypatch):
    module = load_script()
    monkeypatch.setattr(
        module, "_all", lambda attribute: ["js-mode:javascript", "yaml-mode", "json-mode", "jsonc-mode:jsonc"]
    )
    assert module.emacs_order() == ["jsonc-mode:jsonc", "json-mode", "js-mode:javascript", "yaml-mode"]
    monkeypatch.setitem(module.EMACS_PARENTS, "js-mode", ("jsonc-mode",))
    with pytest.raises(SystemExit, match="cycle"):
        module.emacs_order()
