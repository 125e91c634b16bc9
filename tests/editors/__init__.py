"""Real editors (Neovim, Emacs + Eglot) driving `ragfirst server` through the shipped configs."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

FINE_TUNE = (
    "from openai import OpenAI\n"
    "\n"
    "client = OpenAI()\n"
    'job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")\n'
)


def make_project(root: Path) -> Path:
    """A small project: a root marker and one file with an RF101 finding on line 4."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0.1.0"\n', encoding="utf-8")
    (root / "train.py").write_text(FINE_TUNE, encoding="utf-8")
    return root
