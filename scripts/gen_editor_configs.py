"""Write the file kinds of every editor setup from the analyzer registry (issue 24).

    python scripts/gen_editor_configs.py          # rewrite the generated regions
    python scripts/gen_editor_configs.py --check  # exit 1 when a file is out of date

The engine reads the kinds of file `ragfirst.analyzers.registry.LANGUAGES` names (its
suffixes and file names); the server watches exactly those (`lsp/watchers.py`). Each
editor names files its own way (VS Code language ids and glob patterns, Neovim file
types, Emacs major modes, Sublime scopes, Zed and Helix language names): `EDITOR_NAMES`
below gives them for each registry language, and a language added to the registry
without an entry here stops this script (and tests/test_editor_configs.py). Only the
region between the `BEGIN generated file kinds` and `END generated file kinds` lines
of each file is written.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "server"))

from ragfirst.analyzers.registry import LANGUAGES  # noqa: E402
from ragfirst.lsp.watchers import file_globs  # noqa: E402


@dataclass(frozen=True)
class Names:
    vscode: tuple[str, ...] = ()  # VS Code language ids
    neovim: tuple[str, ...] = ()  # Neovim 'filetype' values
    emacs: tuple[str, ...] = ()  # major mode, or "mode:language-id"; derived modes first
    sublime: tuple[str, ...] = ()  # base scopes
    zed: tuple[tuple[str, str], ...] = ()  # (Zed language name, LSP language id)
    helix: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, its default servers)


# Where each name was checked (issue 24), December 2026:
# - VS Code: the "Known language identifiers" table of microsoft/vscode-docs
#   docs/languages/identifiers.md (python, javascript, javascriptreact, typescript,
#   typescriptreact, vue, json, jsonc, yaml, ini, sql); built-in extensions of
#   microsoft/vscode: extensions/dotenv/package.json ("dotenv"), extensions/json/package.json
#   ("jsonl", added by microsoft/vscode#183035). Not checked here: "toml" (Even Better TOML),
#   "svelte" (Svelte for VS Code), "pip-requirements" (the Python extension) come from
#   extensions.
# - Neovim: neovim/neovim runtime/lua/vim/filetype.lua: py -> python, jsx -> javascriptreact,
#   tsx -> typescriptreact, vue, svelte, yaml, json, jsonc, jsonl, toml, sql (detect.sql),
#   ini -> dosini, setup.cfg -> dosini, *.cfg -> cfg (detect.cfg), requirements.txt /
#   *-requirements.txt / *.pip -> requirements, .env -> sh (`env = detect.sh`). Neovim 0.7.2
#   (Debian 12) gives .jsonl no file type and requirements.txt `text`: only newer releases
#   attach ragfirst to those by file type.
# - Emacs: auto-mode-alist of Emacs 28.2 (run here): .sql -> sql-mode, .toml ->
#   conf-toml-mode, .json and .jsx -> js-mode, .ini and setup.cfg -> conf-mode, which picks
#   conf-unix-mode for `[section]` + `key = value` text (conf-windows-mode for `;` comments);
#   .env, .jsonl, .vue, .svelte, .ts and requirements.txt have no mode of their own in 28.
#   Not checked here: the Emacs 29 tree-sitter modes (python-ts-mode, js-ts-mode,
#   typescript-ts-mode, tsx-ts-mode, json-ts-mode, yaml-ts-mode, toml-ts-mode, js-json-mode)
#   and the MELPA modes (jsonl-mode, dotenv-mode, pip-requirements-mode, rjsx-mode, js2-mode,
#   typescript-mode, vue-mode, svelte-mode, yaml-mode, json-mode).
# - Zed: `name` in zed-industries/zed crates/languages/src/*/config.toml (Python, JavaScript
#   covering .jsx, TypeScript, TSX, JSON, JSONC, JSONL, YAML), extensions/svelte and
#   extensions/toml (Svelte, TOML), zed-extensions/vue (Vue.js), zed-extensions/sql (SQL).
#   Not checked here: "INI" (a community extension).
# - Helix: helix-editor/helix languages.toml (commit 079a789, 2026-07-23): python (default
#   servers ty, ruff, jedi, pylsp, zuban), javascript, jsx, typescript, tsx, vue (vuels),
#   svelte (svelteserver), yaml, json (which also takes .jsonl and .ipynb), jsonc, toml
#   (taplo, tombi), env, ini (also .cfg), pip-requirements, sql.
# - Sublime: source.jsx/source.tsx from the default JavaScript package's JSX/TSX syntaxes;
#   source.requirementstxt as the requirementstxt package reads it. Not checked here:
#   source.dotenv, source.ini, source.toml, text.html.vue, text.html.svelte (packages).
EDITOR_NAMES: dict[str, Names] = {
    "python": Names(
        vscode=("python",),
        neovim=("python",),
        emacs=("python-mode", "python-ts-mode:python"),
        sublime=("source.python",),
        zed=(("Python", "python"),),
        helix=(("python", ("ty", "ruff", "jedi", "pylsp", "zuban")),),
    ),
    # Notebooks: VS Code sends their cells (notebook sync); elsewhere the .ipynb is JSON.
    "notebook": Names(),
    # Helix reads .jsonl as its "json" language (below).
    "jsonl": Names(
        vscode=("jsonl",), neovim=("jsonl",), emacs=("jsonl-mode:jsonl",), zed=(("JSONL", "jsonl"),)
    ),
    "javascript": Names(
        vscode=("javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte"),
        neovim=("javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte"),
        emacs=(
            "js-json-mode:json",  # derives from js-mode: listed before it (first match wins)
            "rjsx-mode:javascriptreact",
            "js2-mode:javascript",
            "js-ts-mode:javascript",
            "js-mode:javascript",
            "typescript-mode",
            "typescript-ts-mode:typescript",
            "tsx-ts-mode:typescriptreact",
            "vue-mode:vue",
            "svelte-mode:svelte",
        ),
        sublime=("source.js", "source.jsx", "source.ts", "source.tsx", "text.html.vue", "text.html.svelte"),
        zed=(
            ("JavaScript", "javascript"),
            ("TypeScript", "typescript"),
            ("TSX", "typescriptreact"),
            ("Vue.js", "vue"),
            ("Svelte", "svelte"),
        ),
        helix=(
            ("javascript", ("typescript-language-server",)),
            ("jsx", ("typescript-language-server",)),
            ("typescript", ("typescript-language-server",)),
            ("tsx", ("typescript-language-server",)),
            ("vue", ("vuels",)),
            ("svelte", ("svelteserver",)),
        ),
    ),
    "yaml": Names(
        vscode=("yaml",),
        neovim=("yaml",),
        emacs=("yaml-mode", "yaml-ts-mode:yaml"),
        sublime=("source.yaml",),
        zed=(("YAML", "yaml"),),
        helix=(("yaml", ("yaml-language-server", "ansible-language-server")),),
    ),
    "json": Names(
        vscode=("json", "jsonc"),
        neovim=("json", "jsonc"),
        emacs=("json-mode", "json-ts-mode:json"),
        sublime=("source.json",),
        zed=(("JSON", "json"), ("JSONC", "jsonc")),
        helix=(("json", ("vscode-json-language-server",)), ("jsonc", ("vscode-json-language-server",))),
    ),
    "toml": Names(
        vscode=("toml",),
        neovim=("toml",),
        emacs=("conf-toml-mode:toml", "toml-ts-mode:toml"),
        sublime=("source.toml",),
        zed=(("TOML", "toml"),),
        helix=(("toml", ("taplo", "tombi")),),
    ),
    # Neovim gives `.env` files the `sh` file type: ragfirst lints only the .env ones.
    "dotenv": Names(
        vscode=("dotenv",),
        neovim=("sh",),
        emacs=("dotenv-mode:dotenv",),
        sublime=("source.dotenv",),
        helix=(("env", ()),),
    ),
    "ini": Names(
        vscode=("ini",),
        neovim=("dosini", "cfg"),
        emacs=("conf-unix-mode:ini", "conf-windows-mode:ini"),  # conf-mode picks one by content
        sublime=("source.ini",),
        zed=(("INI", "ini"),),
        helix=(("ini", ()),),
    ),
    "requirements": Names(
        vscode=("pip-requirements",),
        neovim=("requirements",),
        emacs=("pip-requirements-mode:pip-requirements",),
        sublime=("source.requirementstxt",),
        helix=(("pip-requirements", ()),),
    ),
    "sql": Names(
        vscode=("sql",),
        neovim=("sql",),
        emacs=("sql-mode:sql",),
        sublime=("source.sql",),
        zed=(("SQL", "sql"),),
        helix=(("sql", ()),),
    ),
}


def names() -> list[Names]:
    missing = [spec.name for spec in LANGUAGES if spec.name not in EDITOR_NAMES]
    if missing:
        raise SystemExit(
            f"gen_editor_configs: no editor names for registry language(s) {', '.join(missing)}; "
            "add them to EDITOR_NAMES in scripts/gen_editor_configs.py"
        )
    return [EDITOR_NAMES[spec.name] for spec in LANGUAGES]


def _all(attribute: str) -> list:
    seen: list = []
    for entry in names():
        for value in getattr(entry, attribute):
            if value not in seen:
                seen.append(value)
    return seen


# -- renderers: the lines of each generated region ----------------------------------------


def vscode_selector() -> list[str]:
    lines = ["/** Languages identified by VS Code language id (built in or from a common extension). */"]
    lines.append("export const LINTED_LANGUAGES: readonly string[] = [")
    lines += [f"  '{language}'," for language in _all("vscode")]
    lines += [
        "];",
        "",
        "/**",
        " * File patterns for every kind of file the engine reads, so each is linted even when",
        " * no extension contributes a language for it.",
        " */",
        "export const LINTED_PATTERNS: readonly string[] = [",
    ]
    lines += [f"  '{pattern}'," for pattern in file_globs()]
    lines.append("];")
    return lines


def lua_filetypes(indent: str) -> list[str]:
    return [f"{indent}'{filetype}'," for filetype in _all("neovim")]


def emacs_modes() -> list[str]:
    lines = []
    for mode in _all("emacs"):
        name, _, language = mode.partition(":")
        lines.append(f'    ({name} :language-id "{language}")' if language else f"    {name}")
    return lines


def sublime_selector() -> list[str]:
    return [f'      "selector": "{" | ".join(_all("sublime"))}",']


def zed_extension() -> list[str]:
    pairs = _all("zed")
    lines = ["[language_servers.ragfirst]", 'name = "ragfirst"']
    lines.append("languages = [" + ", ".join(f'"{name}"' for name, _ in pairs) + "]")
    lines += ["", "[language_servers.ragfirst.language_ids]"]
    lines += [f'"{name}" = "{language}"' for name, language in pairs]
    return lines


def zed_settings() -> list[str]:
    pairs = _all("zed")
    return [
        f'    "{name}": {{ "language_servers": ["ragfirst", "..."] }}' + ("," if i < len(pairs) - 1 else "")
        for i, (name, _) in enumerate(pairs)
    ]


def helix_languages() -> list[str]:
    lines: list[str] = []
    for name, servers in _all("helix"):
        listed = ", ".join(f'"{server}"' for server in (*servers, "ragfirst"))
        lines += ["[[language]]", f'name = "{name}"', f"language-servers = [{listed}]", ""]
    return lines[:-1]


TARGETS = [
    ("editors/vscode/src/selector.ts", vscode_selector),
    ("editors/neovim/lsp/ragfirst.lua", lambda: lua_filetypes("    ")),
    ("editors/neovim/ragfirst_start.lua", lambda: lua_filetypes("  ")),
    ("editors/neovim/ragfirst_legacy.lua", lambda: lua_filetypes("  ")),
    ("editors/neovim/ragfirst_lspconfig.lua", lambda: lua_filetypes("  ")),
    ("editors/emacs/ragfirst-eglot.el", emacs_modes),
    ("editors/sublime/LSP-ragfirst.sublime-settings", sublime_selector),
    ("editors/zed/extension.toml", zed_extension),
    ("editors/zed/settings.json", zed_settings),
    ("editors/helix/languages.toml", helix_languages),
]

_REGION = re.compile(
    r"(?P<begin>^[^\n]*BEGIN generated file kinds[^\n]*\n)(?P<body>.*?)(?P<end>^[^\n]*END generated file kinds)",
    re.MULTILINE | re.DOTALL,
)


def vscode_package(path: Path) -> str:
    """package.json has no comments: its `activationEvents` are written whole."""
    import json

    manifest = json.loads(path.read_text(encoding="utf-8"))
    events = [f"onLanguage:{language}" for language in _all("vscode")]
    events += ["onNotebook:jupyter-notebook"]
    events += [
        f"workspaceContains:{pattern}"
        for pattern in ("**/pyproject.toml", "**/ragfirst.toml", "**/requirements*.txt", "**/*.jsonl")
    ]
    manifest["activationEvents"] = events
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def render(path: Path, lines: list[str]) -> str:
    text = path.read_text(encoding="utf-8")
    match = _REGION.search(text)
    if match is None:
        raise SystemExit(f"gen_editor_configs: {path}: no 'BEGIN generated file kinds' region")
    body = "\n".join(lines) + "\n"
    return text[: match.start("body")] + body + text[match.end("body") :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report files that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for relative, renderer in [*TARGETS, ("editors/vscode/package.json", None)]:
        path = REPO / relative
        new = vscode_package(path) if renderer is None else render(path, renderer())
        if new != path.read_text(encoding="utf-8"):
            stale.append(relative)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print("out of date (run scripts/gen_editor_configs.py):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    if not args.check:
        print(f"{len(stale)} file(s) rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
