"""Shared helpers: lint in-memory code with the same engine the CLI and server use."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from lsprotocol import types as lsp_types
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES

from ragfirst.config.settings import Settings
from ragfirst.engine.runner import EngineCache, lint_sources
from ragfirst.model import Finding

REPO_ROOT = Path(__file__).resolve().parents[1]
_ENGINES = EngineCache()
TEAM_PACK = """\
rules:
  - id: TEAM001
    name: no-legacy-client
    severity: warning
    summary: The team wraps the client.
    message: The team wraps the client.
    guide: guide/index.md
    match:
      python:
        - call: "openai.OpenAI"
"""
"""A rule pack of a team's own (tests that a run sees a pack named in a config change)."""


def lint(
    code: str,
    path: str = "example.py",
    settings: Settings | None = None,
    lifecycle: bool = False,
    **other_files: str,
) -> list[Finding]:
    """Lint `code` (dedented) as `path`, plus any other files of the same project.

    RF107's and RF406's findings depend on today's date, so they are left out unless
    `lifecycle=True`; tests/test_training_data.py and tests/test_retiring_models.py test
    them with a fixed clock."""
    files = {path: textwrap.dedent(code)}
    files.update({name.replace("__", "/"): textwrap.dedent(text) for name, text in other_files.items()})
    settings = settings or Settings()
    if not lifecycle:
        settings = replace(settings, ignore=(*settings.ignore, "RF107", "RF406"))
    return [f for f in lint_sources(files, settings, _ENGINES.for_settings(settings)) if f.path == path]


POOL_TRAIN = (
    "from openai import OpenAI\nclient = OpenAI()\n"
    "client.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f-{n}')\n"
)


def pool_items(count: int, every: int) -> list[tuple[str, bytes, int, frozenset[str]]]:
    """`count` in-memory files for a process pool's run (engine/parallel.py `Item`s): every
    `every`-th starts a fine-tuning job (a finding), the others hold a constant."""
    texts = [POOL_TRAIN.format(n=n) if n % every == 0 else f"VALUE = {n}\n" for n in range(count)]
    return [(f"f{n}.py", text.encode(), 1 << 20, frozenset()) for n, text in enumerate(texts)]


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh interpreter in `cwd` (what a module imports, or keeps imported,
    is seen only there); its output captured, a failure raised."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env={**os.environ}, check=True
    )


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings if not f.suppressed]


def lines_of(findings: list[Finding], rule_id: str) -> list[int]:
    return [f.span.start_line for f in findings if f.rule_id == rule_id and not f.suppressed]


def record_calls(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *also: object
) -> list[tuple[object, ...]]:
    """Wrap `owner.name` so that each call's positional arguments are recorded in the list
    returned; `also`: other modules that bound the same function by name."""
    calls: list[tuple[object, ...]] = []
    real = getattr(owner, name)

    def recording(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    for module in also:
        monkeypatch.setattr(module, name, recording, raising=False)
    return calls


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the test just wrote count as settled (engine/cache.py RACY_SECONDS off), so a
    run's manifest and snapshot answer the next run at once."""
    for module in ("cache", "run_snapshot", "run_manifest"):
        monkeypatch.setattr(f"ragfirst.engine.{module}.RACY_SECONDS", 0)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Tests never touch the user's real analysis cache."""
    import os

    os.environ["RAGFIRST_CACHE_DIR"] = str(tmp_path_factory.mktemp("ragfirst-cache"))
    yield


def _answer_inlay_hint_refresh(client: LanguageClient, params: object) -> None:
    """pytest-lsp's Neovim profiles advertise workspace/inlayHint/refresh but its client
    does not answer it (a real Neovim does); the language server sends it when project
    facts change (issue 24), so every test client answers it."""
    return None


DEFAULT_CLIENT_FEATURES.setdefault(lsp_types.WORKSPACE_INLAY_HINT_REFRESH, _answer_inlay_hint_refresh)
