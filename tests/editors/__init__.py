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

# Issue 24, bug 7: an RF405 finding inside JSX children (a .tsx page, or .jsx where the
# editor has no TSX mode), suppressed with the quick fix.
JSX_PAGE = (
    '"use client";\n'
    'import OpenAI from "openai";\n'
    "\n"
    "export default function Page() {\n"
    "  return (\n"
    "    <div>\n"
    "      {new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true }).models.list() && null}\n"
    "    </div>\n"
    "  );\n"
    "}\n"
)


def check_jsx_suppression(lines: list[str], context: str) -> None:
    """The suppression is one JSX comment line above the finding's line, inside <div>."""
    comment = [n for n, line in enumerate(lines) if "ragfirst: ignore[RF405]" in line]
    assert len(comment) == 1, context + f"no single suppression line: {lines}"
    line = lines[comment[0]].strip()
    assert line.startswith("{/* ragfirst: ignore[RF405]") and line.endswith("*/}"), context + repr(line)
    assert lines[comment[0] - 1].strip() == "<div>", context + f"not inside the JSX children: {lines}"
    assert "NEXT_PUBLIC_OPENAI_API_KEY" in lines[comment[0] + 1], context + f"not above the finding: {lines}"
