"""The config-file kinds ragfirst reads, for the analyzer registry."""

from __future__ import annotations

from ragfirst.analyzers.registry_types import LanguageSpec, LazyAnalyzer


def _config(name: str) -> LazyAnalyzer:
    return LazyAnalyzer("ragfirst.analyzers.config_analyzer", name)


analyze_dotenv = _config("analyze_dotenv")
analyze_ini = _config("analyze_ini")
analyze_json = _config("analyze_json")
analyze_requirements = _config("analyze_requirements")
analyze_toml = _config("analyze_toml")
analyze_yaml = _config("analyze_yaml")

CONFIG_LANGUAGES = [
    LanguageSpec(
        "yaml",
        suffixes=(".yaml", ".yml"),
        analyze=analyze_yaml,
        comment_prefix="#",
        loose_prefilter=True,
        fact_language="config",
    ),
    LanguageSpec(
        "json",
        suffixes=(".json", ".jsonc"),
        analyze=analyze_json,
        loose_prefilter=True,
        fact_language="config",
    ),
    LanguageSpec(
        "toml",
        suffixes=(".toml",),
        filenames=("Pipfile",),
        analyze=analyze_toml,
        comment_prefix="#",
        loose_prefilter=True,
        fact_language="config",
    ),
    LanguageSpec(
        "dotenv",
        filenames=(".env", ".env.*", "*.env"),
        analyze=analyze_dotenv,
        comment_prefix="#",
        fact_language="config",
        prefilter=False,
    ),
    LanguageSpec(
        "ini",
        suffixes=(".ini", ".cfg"),
        analyze=analyze_ini,
        comment_prefix="#",
        loose_prefilter=True,
        fact_language="config",
    ),
    LanguageSpec(
        "requirements",
        filenames=("requirements*.txt", "*requirements*.in", "requirements/*.txt", "constraints*.txt"),
        analyze=analyze_requirements,
        comment_prefix="#",
        fact_language="config",
        prefilter=False,
    ),
]
