"""Which analyzer reads which file, and how.

Adding a language means adding one `LanguageSpec` here: the engine, discovery, the CLI and
the language server all ask this registry, so every front end covers the same files.
"""

from __future__ import annotations

import fnmatch
import os
import re

from ragfirst.analyzers.config_languages import CONFIG_LANGUAGES
from ragfirst.analyzers.js_suffixes import SUFFIXES as JS_SUFFIXES
from ragfirst.analyzers.manifests import is_requirements_file
from ragfirst.analyzers.registry_types import LanguageSpec, LazyAnalyzer, TextAnalyzer

# Imported when the first file of their kind is analysed: a warm run analyses none, and
# the JS analyzer brings tree-sitter.
analyze_python = LazyAnalyzer("ragfirst.analyzers.python_analyzer", "analyze_python")
analyze_js = LazyAnalyzer("ragfirst.analyzers.js_analyzer", "analyze_js")
analyze_sql = LazyAnalyzer("ragfirst.analyzers.sql_analyzer", "analyze_sql")


__all__ = ["LANGUAGES", "LanguageSpec", "TextAnalyzer", "language_of", "language_spec", "register"]

LANGUAGES: list[LanguageSpec] = [
    LanguageSpec("python", suffixes=(".py", ".pyi"), analyze=analyze_python, comment_prefix="#"),
    # Jupyter notebooks: their code cells are one Python module (engine/notebooks.py).
    LanguageSpec("notebook", suffixes=(".ipynb",), comment_prefix="#", fact_language="python"),
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
    _FILENAME_PATTERNS.clear()
    _SUFFIX_TABLE.clear()
    _BY_NAME.clear()


_BY_NAME: dict[str, LanguageSpec | None] = {}
"""The spec of each file name seen (a file's name decides, but for requirements files):
a run asks about each file three times (discovery, analysis, the link)."""
_BY_NAME_MAX = 1 << 16
_FILENAME_PATTERNS: list[re.Pattern[str]] = []
_SUFFIX_TABLE: list[dict[str, LanguageSpec] | None] = []
"""The spec of each suffix, when every suffix is one `.xyz` (then a name's last suffix
decides); None when some suffix has two dots and the specs must be tried in order."""


def _suffix_table() -> dict[str, LanguageSpec] | None:
    if not _SUFFIX_TABLE:
        table: dict[str, LanguageSpec] | None = {}
        for spec in LANGUAGES:
            for suffix in spec.suffixes:
                if not suffix.startswith(".") or suffix.count(".") != 1:
                    table = None
                    break
                table.setdefault(suffix.lower(), spec)  # the first spec wins, as in the loop
            if table is None:
                break
        _SUFFIX_TABLE.append(table)
    return _SUFFIX_TABLE[0]


"""Every language's exact-name patterns as one regex: most files match none of them."""


def _any_filename_pattern() -> re.Pattern[str]:
    if not _FILENAME_PATTERNS:
        # fnmatch.fnmatch normalises the case of both sides (on Windows): so must this.
        patterns = [fnmatch.translate(os.path.normcase(p)) for spec in LANGUAGES for p in spec.filenames]
        _FILENAME_PATTERNS.append(re.compile("|".join(patterns) if patterns else r"(?!)"))
    return _FILENAME_PATTERNS[0]


def language_spec(path: str) -> LanguageSpec | None:
    name = path.rsplit("/", 1)[-1]
    if name in _BY_NAME:
        return _BY_NAME[name]
    spec = _language_spec(path, name)
    # A `.txt`/`.in` file is a requirements file by its path (requirements/train.txt): not kept.
    if not name.lower().endswith((".txt", ".in")):
        if len(_BY_NAME) >= _BY_NAME_MAX:
            _BY_NAME.clear()
        _BY_NAME[name] = spec
    return spec


def _language_spec(path: str, name: str) -> LanguageSpec | None:
    if is_requirements_file(path):  # also requirements/train.txt and dev-requirements.txt
        return next((spec for spec in LANGUAGES if spec.name == "requirements"), None)
    # Exact file names (package.json, requirements.txt) win over suffixes (.json, .txt).
    if _any_filename_pattern().match(os.path.normcase(name)):
        for spec in LANGUAGES:
            if spec.filenames and any(fnmatch.fnmatch(name, pattern) for pattern in spec.filenames):
                return spec
    lowered = name.lower()
    table = _suffix_table()
    if table is not None:
        dot = lowered.rfind(".")
        return table.get(lowered[dot:]) if dot >= 0 else None
    for spec in LANGUAGES:
        if spec.suffixes and lowered.endswith(spec.suffixes):
            return spec
    return None


def language_of(path: str) -> str | None:
    spec = language_spec(path)
    return spec.name if spec else None
