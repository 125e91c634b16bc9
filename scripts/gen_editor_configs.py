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


# Where each name was checked (issue 24), December 2026. "repo path @commit" is the
# stored snapshot that was read (search tool); names an editor cannot have are in GAPS.
# - VS Code: the "Known language identifiers" table of microsoft/vscode-docs
#   docs/languages/identifiers.md (python, javascript, javascriptreact, typescript,
#   typescriptreact, vue, json, jsonc, yaml, ini, sql); built-in extensions of
#   microsoft/vscode: extensions/dotenv/package.json ("dotenv"), extensions/json/package.json
#   ("jsonl", added by microsoft/vscode#183035). From extensions, each package.json's
#   contributes.languages[].id: "toml" in tamasfe/taplo editors/vscode/package.json
#   @b673b44 (Even Better TOML 0.21.2: .toml, Cargo.lock, uv.lock); "svelte" in
#   sveltejs/language-tools packages/svelte-vscode/package.json @092af38 (.svelte);
#   "pip-requirements" in microsoft/vscode-python package.json @757def8 (requirements.txt,
#   requirements.in, constraints.txt, **/*requirements*.{txt, in}, **/requirements/*.txt).
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
#   Tree-sitter modes, `define-derived-mode` in emacs-mirror/emacs: python-ts-mode
#   (lisp/progmodes/python.el @00df456), js-ts-mode and js-json-mode (derived from js-mode)
#   (lisp/progmodes/js.el @0006245), typescript-ts-mode and tsx-ts-mode, which Emacs 30 also
#   makes children of typescript-mode and tsx-mode (typescript-ts-mode.el @01464fc),
#   json-ts-mode (json-ts-mode.el @03c0cb8; its 2026 text adds json-mode as a parent),
#   yaml-ts-mode (lisp/textmodes/yaml-ts-mode.el @0805972), toml-ts-mode (toml-ts-mode.el
#   @03892d4). Packages, by their MELPA recipes (melpa/melpa recipes/* @fa4a6c0) and their
#   sources: dotenv-mode (preetpalS/emacs-dotenv-mode dotenv-mode.el @e3701bf),
#   pip-requirements-mode (Wilfred/pip-requirements.el @31e0dc6), rjsx-mode derived from
#   js2-mode (felipeochoa/rjsx-mode @b697fe4), js2-mode derived from js-mode (mooz/js2-mode
#   @e0c3028), typescript-mode (emacs-typescript/typescript.el @481df3a), vue-mode
#   (AdamNiederer/vue-mode @4853d97) and svelte-mode (leafOfTree/svelte-mode @ac8fba9) derived
#   from html-mode, yaml-mode (yoshiki/yaml-mode @96ef020), json-mode derived from
#   javascript-mode, i.e. js-mode, and jsonc-mode from json-mode (json-emacs/json-mode
#   @466d5b5). jsonl-mode is NOT on MELPA (its "jsonl" recipe, ebpa/jsonl.el, defines no
#   mode): shegeley/emacs-jsonl-mode (GitHub only, 2026) defines it derived from
#   js-json-mode, and several users' configs define their own, derived from json-mode or
#   json-ts-mode; it is kept for those (unverified as a package name). Eglot
#   (lisp/progmodes/eglot.el, `eglot--lookup-mode`) serves every mode of an entry and, for a
#   buffer, sends the language id of the FIRST mode of the entry that the buffer's mode
#   derives from (`provided-mode-derived-p`), else the mode's name without "-mode" (newer
#   Eglot: without "-ts-mode"): so a derived mode must come before its parents
#   (EMACS_PARENTS below orders them; json-mode after js-mode was sent as "javascript").
#   Eglot's own default `eglot-server-programs' (eglot.el, 2026 text) likewise lists
#   (js-json-mode json-mode json-ts-mode jsonc-mode) before its js-mode entry.
# - Zed: `name` in zed-industries/zed crates/languages/src/*/config.toml (Python, JavaScript
#   covering .jsx, TypeScript, TSX, JSON, JSONC, JSONL, YAML), extensions/svelte and
#   extensions/toml (Svelte, TOML), zed-extensions/vue (Vue.js), zed-extensions/sql (SQL).
#   Community extensions, as zed-industries/extensions extensions.toml @f92f1ba lists them:
#   "ini" (bajrangCoder/zed-ini languages/ini/config.toml, every stored version, e.g.
#   @b8821a1: lower case; "INI" was wrong), "env" (zarifpour/zed-env languages/env/config.toml
#   @e3157c3), "Python requirements" and "Python constraints"
#   (dargor/zed-python-requirements languages/*/config.toml @8216e06).
# - Helix: helix-editor/helix languages.toml (commit 079a789, 2026-07-23): python (default
#   servers ty, ruff, jedi, pylsp, zuban), javascript, jsx, typescript, tsx, vue (vuels),
#   svelte (svelteserver), yaml, json (which also takes .jsonl and .ipynb), jsonc, toml
#   (taplo, tombi), env, ini (also .cfg), pip-requirements, sql.
# - Sublime: source.jsx/source.tsx from the default JavaScript package's JSX/TSX syntaxes;
#   the `scope:` (or tmLanguage scopeName) of each package Package Control lists
#   (wbond/package_control_channel repository/*.json @301fff1): source.env from DotENV
#   (zaynali53/DotENV DotENV.tmLanguage @556c58d; "source.dotenv" was wrong), source.ini
#   from INI (jwortmann/ini-syntax INI.sublime-syntax @ff39922), source.toml from TOML
#   (jasonwilliams/sublime_toml_highlighting @f5a57e8), text.html.vue from Vue
#   (SublimeText/Vue "Vue Component.sublime-syntax" @bb68aa4; LSP-volar's selector too),
#   text.html.svelte from Svelte (corneliusio/svelte-sublime Svelte.sublime-syntax @603fba7;
#   LSP-svelte's selector too), source.requirementstxt from requirementstxt
#   (wuub/requirementstxt requirementstxt.tmLanguage @775e6dd).
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
        emacs=("jsonc-mode:jsonc", "json-mode", "json-ts-mode:json", "js-json-mode:json"),
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
        sublime=("source.env",),
        zed=(("env", "dotenv"),),
        helix=(("env", ()),),
    ),
    "ini": Names(
        vscode=("ini",),
        neovim=("dosini", "cfg"),
        emacs=("conf-unix-mode:ini", "conf-windows-mode:ini"),  # conf-mode picks one by content
        sublime=("source.ini",),
        zed=(("ini", "ini"),),
        helix=(("ini", ()),),
    ),
    "requirements": Names(
        vscode=("pip-requirements",),
        neovim=("requirements",),
        emacs=("pip-requirements-mode:pip-requirements",),
        sublime=("source.requirementstxt",),
        zed=(("Python requirements", "pip-requirements"), ("Python constraints", "pip-requirements")),
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


# Each Emacs mode's parents that are (or may be) in the list, from the sources above:
# Eglot sends the id of the first listed mode a buffer's mode derives from, so every mode
# must come before its ancestors (`emacs_modes` orders them; the test checks each id).
EMACS_PARENTS: dict[str, tuple[str, ...]] = {
    "jsonl-mode": ("js-json-mode", "json-mode", "json-ts-mode"),  # the variants seen
    "jsonc-mode": ("json-mode",),
    "json-mode": ("js-mode",),  # (define-derived-mode json-mode javascript-mode ...)
    "json-ts-mode": ("json-mode",),  # derived-mode-add-parents (Emacs 31 text)
    "js-json-mode": ("js-mode",),
    "rjsx-mode": ("js2-mode",),
    "js2-mode": ("js-mode",),
    "js-ts-mode": ("js-mode",),  # some configs add it (derived-mode-add-parents)
    "typescript-ts-mode": ("typescript-mode",),  # Emacs 30+
    "python-ts-mode": ("python-mode",),  # some configs add it
    "yaml-ts-mode": ("yaml-mode",),  # some configs add it
}

# File kinds an editor has no name for, and why (the test requires a name or a reason).
GAPS: dict[str, dict[str, str]] = {
    "vscode": {"notebook": "cells come by notebook sync (onNotebook) and the **/*.ipynb pattern"},
    "neovim": {"notebook": "Neovim opens .ipynb as json: ragfirst reads it by its path"},
    "emacs": {"notebook": "Emacs maps no mode to .ipynb; one opened in a listed JSON mode is served"},
    "sublime": {
        "notebook": "Sublime's JSON syntax takes .ipynb (source.json)",
        "jsonl": "no JSONL syntax in Sublime's packages: open .jsonl with the JSON syntax",
    },
    "zed": {"notebook": "no notebook language among Zed's (not checked: whether it opens .ipynb as JSON)"},
    "helix": {
        "notebook": "Helix's json language takes .ipynb",
        "jsonl": "Helix's json language takes .jsonl",
    },
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


def _ancestors(mode: str) -> set[str]:
    seen: set[str] = set()
    todo = list(EMACS_PARENTS.get(mode, ()))
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo += EMACS_PARENTS.get(parent, ())
    return seen


def emacs_order() -> list[str]:
    """The registry's Emacs entries as listed, except that each mode's descendants (in
    EMACS_PARENTS) are moved up to just before it."""
    entries = _all("emacs")
    ordered: list[str] = []
    placing: list[str] = []

    def place(entry: str) -> None:
        if entry in ordered:
            return
        if entry in placing:
            raise SystemExit(f"gen_editor_configs: EMACS_PARENTS has a cycle through {entry}")
        placing.append(entry)
        name = entry.partition(":")[0]
        for other in entries:
            if name in _ancestors(other.partition(":")[0]):
                place(other)
        placing.remove(entry)
        ordered.append(entry)

    for entry in entries:
        place(entry)
    return ordered


def eglot_language_id(mode: str, entries: list[str]) -> str | None:
    """The id Eglot sends for a buffer in `mode`: that of the first entry the mode is or
    derives from (eglot.el `eglot--languageId`), else None (not served)."""
    lineage = {mode} | _ancestors(mode)
    for entry in entries:
        name, _, language = entry.partition(":")
        if name in lineage:
            return language or name.removesuffix("-mode")
    return None


def emacs_modes(indent: str = "    ") -> list[str]:
    lines = []
    for mode in emacs_order():
        name, _, language = mode.partition(":")
        lines.append(f'{indent}({name} :language-id "{language}")' if language else f"{indent}{name}")
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
    # the snippets the READMEs show
    ("editors/emacs/README.md", lambda: emacs_modes(" " * 18)),
    ("editors/sublime/README.md", sublime_selector),
    ("editors/zed/README.md", zed_settings),
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
