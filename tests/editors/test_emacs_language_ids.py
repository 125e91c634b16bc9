"""The language id real Eglot sends for every mode of editors/emacs/ragfirst-eglot.el.

tests/editors/eglot_language_ids.el asks Eglot's own `eglot--lookup-mode' (Emacs 28 +
elpa-eglot 1.9 here) which id a buffer of each listed mode gets; the modes this Emacs
lacks are defined with the parents their sources give (json-mode derives from js-mode,
so listed after js-mode it was sent as "javascript"). Skipped only when Emacs or Eglot
is not installed (scripts/install_editor_test_deps.sh installs them).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from tests.editors import REPO_ROOT
from tests.editors.test_emacs_eglot import emacs_with_eglot

CONFIG = REPO_ROOT / "editors" / "emacs" / "ragfirst-eglot.el"
PROBE = Path(__file__).with_name("eglot_language_ids.el")


def eglot_ids(tmp_path: Path, config: Path) -> dict[str, str | None]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    emacs = emacs_with_eglot(home)
    if emacs is None:
        pytest.skip("emacs with eglot is not installed (bash scripts/install_editor_test_deps.sh)")
    proc = subprocess.run(
        [emacs, "--batch", "-q", "-l", str(config), "-l", str(PROBE)],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def declared_ids() -> dict[str, str]:
    text = CONFIG.read_text(encoding="utf-8")
    region = text[text.index("BEGIN generated file kinds") : text.index("END generated file kinds")]
    ids = {}
    for line in region.splitlines()[1:]:
        line = line.strip()
        if line.startswith("("):
            mode, _, language = line.strip("()").partition(" :language-id ")
            ids[mode] = language.strip('"')
        elif line and not line.startswith(";;"):
            ids[line] = line.removesuffix("-mode")
    return ids


def test_eglot_sends_every_listed_mode_its_own_language_id(tmp_path: Path) -> None:
    declared = declared_ids()
    assert declared["json-mode"] == "json" and declared["jsonl-mode"] == "jsonl"
    assert eglot_ids(tmp_path, CONFIG) == declared


def test_a_parent_listed_before_its_child_takes_the_childs_buffers(tmp_path: Path) -> None:
    # The same probe fails for a list with js-mode before json-mode (the order before
    # this test): Eglot sends "javascript" for a json-mode buffer.
    text = CONFIG.read_text(encoding="utf-8")
    moved = text.replace("    json-mode\n", "").replace(
        '    (js-mode :language-id "javascript")\n',
        '    (js-mode :language-id "javascript")\n    json-mode\n',
    )
    assert moved != text
    config = tmp_path / "ragfirst-eglot.el"
    config.write_text(moved, encoding="utf-8")
    assert eglot_ids(tmp_path, config)["json-mode"] == "javascript"
