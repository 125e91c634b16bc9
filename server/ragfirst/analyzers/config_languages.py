"""The config-file kinds ragfirst reads, for the analyzer registry."""

from __future__ import annotations

from ragfirst.analyzers.config_analyzer import (
    analyze_dotenv,
    analyze_ini,
    analyze_json,
    analyze_requirements,
    analyze_toml,
    analyze_yaml,
)
from ragfirst.analyzers.registry_types import LanguageSpec

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
        "json", suffixes=(".json",), analyze=analyze_json, loose_prefilter=True, fact_language="config"
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
