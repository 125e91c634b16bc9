"""The suppression edits belong to the engine (`fixes/`): the CLI uses them without the
language server's package, and importing them loads neither tree-sitter nor libcst (the
server imports them at start-up; issue 24's budget)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "server" / "ragfirst"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_fix_engine_and_the_cli_do_not_import_the_language_server():
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for folder in ("fixes", "cli")
        for path in sorted((PACKAGE / folder).glob("*.py"))
        for name in _imports(path)
        if name.startswith("ragfirst.lsp") and not (folder == "cli" and name == "ragfirst.lsp.boot")
    ]
    assert offenders == []


def test_the_old_lsp_modules_are_gone():
    # Moved with `git mv`: one copy of the placement rules, in the engine.
    assert not (PACKAGE / "lsp" / "edits.py").exists()
    assert not (PACKAGE / "lsp" / "comment_positions.py").exists()
    assert (PACKAGE / "fixes" / "suppression_comments.py").is_file()


def test_importing_the_suppression_edits_loads_no_parser():
    code = (
        "import sys; before = set(sys.modules);"
        "import ragfirst.fixes.suppression_edits, ragfirst.fixes.suppression_comments,"
        " ragfirst.fixes.comment_positions, ragfirst.lsp.diagnostics;"
        "print(sorted(m for m in set(sys.modules) - before"
        " if m.split('.')[0] in ('tree_sitter', 'libcst') or m.startswith('ragfirst.lsp.server')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_add_suppressions_runs_without_the_language_server(tmp_path):
    (tmp_path / "ragfirst.toml").write_text("", encoding="utf-8")
    (tmp_path / "app.py").write_text(
        'from openai import OpenAI\n\nOpenAI().chat.completions.create(model="gpt-4.1-mini", messages=[])\n',
        encoding="utf-8",
    )
    code = (
        "import sys; from ragfirst.cli.main import main;"
        "code = main(['check', '--no-cache', '--add-suppressions', 'demo', '.']);"
        "print(code, sorted(m for m in sys.modules if m.startswith('ragfirst.lsp')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr
    assert "ragfirst: ignore[RF401] -- demo" in (tmp_path / "app.py").read_text(encoding="utf-8")
