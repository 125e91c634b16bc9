"""Which analyzer reads which file, and how.

Adding a language means adding one `LanguageSpec` here: the engine, discovery, the CLI and
the language server all ask this registry, so every front end covers the same files.
"""

from __future__ import annotations

import fnmatch

from ragfirst.analyzers.config_languages import CONFIG_LANGUAGES
from ragfirst.analyzers.js_analyzer import SUFFIXES as JS_SUFFIXES
from ragfirst.analyzers.js_analyzer import analyze_js
from ragfirst.analyzers.manifests import is_requirements_file
from ragfirst.analyzers.python_analyzer import analyze_python
from ragfirst.analyzers.registry_types import LanguageSpec, TextAnalyzer
from ragfirst.analyzers.sql_analyzer import analyze_sql

__all__ = ["LANGUAGES", "LanguageSpec", "TextAnalyzer", "language_of", "language_spec", "register"]

LANGUAGES: list[LanguageSpec] = [
    LanguageSpec("python", suffixes=(".py", ".pyi"), analyze=analyze_python, comment_prefix="#"),
    LanguageSpec("jsonl", suffixes=(".jsonl",), prefilter=False, data_file=True),
    # JavaScript and TypeScript, incl. .vue/.svelte <script> blocks: one fact language.
    LanguageSpec(
        "javascript",
        suffixes=JS_SUFFIXES,
        analyze=analyze_js,
        comment_prefix="//",
        binary_foreign_suffixes=(".ts",),
    ),
    *CONFIG_LANGUAGES,
    LanguageSpec("sql", suffixes=(".sql",), analyze=analyze_sql, prefilter=True, comment_prefix="--"),
]


def register(spec: LanguageSpec) -> None:
    """Add (or replace) a language; later registrations win for the same name."""
    LANGUAGES[:] = [existing for existing in LANGUAGES if existing.name != spec.name]
    LANGUAGES.append(spec)


def language_spec(path: str) -> LanguageSpec | None:
    name = path.rsplit("/", 1)[-1]
    if is_requirements_file(path):  # also requirements/train.txt and dev-requirements.txt
        return next((spec for spec in LANGUAGES if spec.name == "requirements"), None)
    # Exact file names (package.json, requirements.txt) win over suffixes (.json, .txt).
    for spec in LANGUAGES:
        if spec.filenames and any(fnmatch.fnmatch(name, pattern) for pattern in spec.filenames):
            return spec
    for spec in LANGUAGES:
        if spec.suffixes and name.lower().endswith(spec.suffixes):
            return spec
    return None


def language_of(path: str) -> str | None:
    spec = language_spec(path)
    return spec.name if spec else None
