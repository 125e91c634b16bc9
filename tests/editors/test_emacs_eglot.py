"""editors/emacs/ragfirst-eglot.el, driven in a real `emacs --batch` with Eglot.

tests/editors/eglot_driver.el opens a file with an RF101 finding through the shipped
`eglot-server-programs' entry, waits for the diagnostic in Flymake, applies the
"Suppress RF101 on this line (with reason)" code action and waits for the re-lint, then
checks issue 24's bugs 1, 2, 5 and 7 (a suppression inside JSX children of a .jsx buffer:
Emacs 28 has no TSX mode); it reports to a JSON file read here.

Skipped only when Emacs or Eglot is not installed (scripts/install_editor_test_deps.sh
installs Debian's emacs-nox and elpa-eglot; Emacs 29+ has Eglot built in).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.editors import FINE_TUNE, JSX_PAGE, REPO_ROOT, check_jsx_suppression, make_project

DRIVER = Path(__file__).with_name("eglot_driver.el")
CONFIG = REPO_ROOT / "editors" / "emacs" / "ragfirst-eglot.el"
WAIT_S = 30


def emacs_with_eglot(home: Path) -> str | None:
    emacs = shutil.which("emacs")
    if emacs is None:
        return None
    # -q, not -Q: Debian's site-start puts its elpa-* packages (elpa-eglot) on the load path
    probe = subprocess.run(
        [emacs, "--batch", "-q", "--eval", "(require 'eglot)"],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=60,
    )
    return emacs if probe.returncode == 0 else None


def test_emacs_eglot_quick_fix_roundtrip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    emacs = emacs_with_eglot(home)
    if emacs is None:
        pytest.skip(
            "emacs with eglot is not installed "
            "(bash scripts/install_editor_test_deps.sh installs emacs-nox and elpa-eglot)"
        )
    project = make_project(tmp_path / "project")
    # Issue 24's bugs 1 and 2: a saved file whose line differs from the buffer's, and a
    # file that changes on disk while the editor is open.
    (project / "broken.py").write_text("import openai\né = '" + "é" * 40 + "'\n", encoding="utf-8")
    (project / "tune.py").write_text(FINE_TUNE, encoding="utf-8")
    (project / "rag.py").write_text("x = 1\n", encoding="utf-8")
    (project / "page.jsx").write_text(JSX_PAGE, encoding="utf-8")  # bug 7 (Emacs 28: no TSX mode)
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "HOME": str(home),
        "RAGFIRST_TEST_FILE": str(project / "train.py"),
        "RAGFIRST_TEST_OUT": str(out),
        "RAGFIRST_TEST_CMD": json.dumps([sys.executable, "-m", "ragfirst", "server"]),
        "RAGFIRST_TEST_TIMEOUT_S": str(WAIT_S),
    }
    command = [emacs, "--batch", "-q", "-l", str(CONFIG), "-l", str(DRIVER)]
    started = time.monotonic()
    try:
        proc = subprocess.run(
            command, env=env, cwd=project, capture_output=True, text=True, timeout=4 * WAIT_S
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"Emacs did not finish in {exc.timeout:.0f} s")
    elapsed = time.monotonic() - started
    output = f"exit {proc.returncode} after {elapsed:.1f} s\nstdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
    assert out.is_file(), f"Emacs wrote no result\n{output}"
    result = json.loads(out.read_text(encoding="utf-8"))
    context = (
        f"[Emacs {result.get('emacs_version')}, {result.get('eglot_library')}] steps {result.get('steps')}\n"
    )
    assert result["ok"] is True, context + f"{result.get('error')}\n{output}"
    assert result["major_mode"] == "python-mode", context

    before = [d for d in result["diagnostics_before"] if d["code"] == "RF101"]
    assert before, context + f"no RF101 in {result['diagnostics_before']}"
    assert before[0]["source"] == "ragfirst", context
    assert before[0]["line"] == 3, context + f"RF101 not on line 4: {before}"  # 0-based

    assert "Suppress RF101 on this line (with reason)" in result["action_titles"], context
    lines = result["lines_after_fix"]
    assert lines[3].startswith("# ragfirst: ignore[RF101]"), context + f"line 4 is {lines[3]!r}"
    assert lines[4] == FINE_TUNE.splitlines()[3], context + f"the call moved oddly: {lines}"

    after = [d for d in result["diagnostics_after"] if d["code"] == "RF101"]
    assert not after, context + f"RF101 still reported after the fix: {after}"
    assert result["steps"][-1] == "server stopped", context

    # bug 5: Eglot gets the URL back (no showDocument, no null answer)
    assert result["open_guide"] == {"success": False, "url": "https://ragfirst.invalid/guide"}, context
    # bug 1: the `$` of the buffer's line 2 (Eglot negotiates its own position encoding:
    # the line is ASCII, so every encoding gives 37)
    assert result["syntax_error"] == {"line": 1, "character": 37}, context + str(result)
    # bug 2: the retrieval written to rag.py on disk reaches tune.py's finding
    assert "No retrieval found" in result["rf101_before"], context + str(result)
    assert "rag.py:3" in result["rf101_after"], context + str(result)
    # bug 7: the suppression inside JSX children is a JSX comment, and it suppresses
    assert result["jsx_mode"] == "js-mode" and result["jsx_line"] == 6, context + str(result)
    check_jsx_suppression(list(result["jsx_lines_after_fix"]), context)
    assert result["jsx_relinted"] is True, context + "RF405 still reported after the fix"
