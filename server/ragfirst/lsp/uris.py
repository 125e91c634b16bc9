"""Document URIs to the paths the engine knows: `file:` URIs, and `untitled:` buffers,
which get a file name from their `languageId` so the engine picks the right analyzer."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from ragfirst.config.settings import CONFIG_FILES

# LSP language identifiers (and common editor ones) -> a file name of that kind ({stem}:
# the buffer's name, `Untitled-1`).
UNTITLED_NAMES = {
    "python": "{stem}.py",
    "javascript": "{stem}.js",
    "javascriptreact": "{stem}.jsx",
    "typescript": "{stem}.ts",
    "typescriptreact": "{stem}.tsx",
    "vue": "{stem}.vue",
    "svelte": "{stem}.svelte",
    "yaml": "{stem}.yaml",
    "toml": "{stem}.toml",
    "json": "{stem}.json",
    "jsonc": "{stem}.jsonc",
    "jsonl": "{stem}.jsonl",
    "jsonlines": "{stem}.jsonl",
    "sql": "{stem}.sql",
    "ini": "{stem}.ini",
    "dotenv": "{stem}.env",
    "pip-requirements": "requirements-{stem}.txt",
    "requirements": "requirements-{stem}.txt",
}


def uri_to_path(uri: str) -> str:
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return uri
    return urllib.parse.unquote(parsed.path)


def is_untitled(uri: str) -> bool:
    return uri.startswith("untitled:")


def document_path(uri: str, language_id: str, folder: Path | None) -> Path | None:
    """The path the engine analyses a document as; None when ragfirst reads no such file
    (an untitled buffer of a language no analyzer reads, a URI of another scheme)."""
    if is_untitled(uri):
        name = UNTITLED_NAMES.get(language_id)
        if name is None:
            return None
        # Unique per buffer, in the first workspace folder (its settings apply).
        stem = urllib.parse.unquote(uri.split(":", 1)[1]).replace("/", "_") or "untitled"
        return (folder or Path.cwd()) / name.format(stem=stem)
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return None
    return Path(uri_to_path(uri))


def is_config_file(path: str) -> bool:
    return Path(path).name in CONFIG_FILES


def is_rule_pack(uri: str) -> bool:
    path = uri_to_path(uri)
    return path.endswith((".yaml", ".yml")) and "rules" in Path(path).parts
