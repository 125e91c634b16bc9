"""Issue 22: install snippets that work before the first release, and a lean `make demo`.

No ragfirst release exists yet (no PyPI package, no tag), so a snippet that says
`pip install ragfirst`, `rev: v0.1.0` or `uses: ragfirst/ragfirst@v0.1.0` would fail on
the first day. Every snippet installs from the repository at a commit instead; the one
sentence that names the release forms says they do not work yet.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", REPO / "docs" / "ci.md", *sorted((REPO / "editors").rglob("README.md"))]
PAGES = [p for p in PAGES if "node_modules" not in p.parts]
_BLOCK = re.compile(r"```(?:sh|yaml|json|bash)?\n(.*?)```", re.DOTALL)
_RELEASE = re.compile(
    r"pip install (?:--\S+ )*ragfirst(?:$|\s|==)|pipx install ragfirst|rev: v\d|@v\d+\.\d+\.\d+"
)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(REPO)) for p in PAGES])
def test_no_snippet_installs_a_release_that_does_not_exist(page):
    text = page.read_text(encoding="utf-8")
    for block in _BLOCK.findall(text):
        assert not _RELEASE.search(block), f"{page.name}: {_RELEASE.search(block).group(0)!r} in a snippet"
    for line in text.splitlines():
        if _RELEASE.search(line) and "do not work" not in line and "Once a release" not in line:
            context = text[max(text.find(line) - 300, 0) : text.find(line) + len(line)]
            assert "no release" in context.lower() or "do not work" in context, f"{page.name}: {line}"


def test_every_git_install_snippet_pins_a_commit():
    for page in PAGES:
        for url in re.findall(
            r"git\+https://github\.com/ragfirst/ragfirst[^\s\"`]*", page.read_text(encoding="utf-8")
        ):
            assert url.endswith("@COMMIT_SHA"), (page.name, url)


def test_husky_lint_staged_recipe_is_documented():
    ci = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "## husky and lint-staged (JavaScript projects)" in ci
    assert '"lint-staged"' in ci and "npx lint-staged" in ci


def test_make_demo_installs_only_the_runtime():
    dry = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert installs == [".venv/bin/python -m pip install --quiet -e ."], dry
    test_run = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert "-e '.[test]'" in test_run.stdout
