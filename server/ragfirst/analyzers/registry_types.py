"""The description of one analysed file kind (kept apart so analyzers can import it)."""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ragfirst.analyzers.facts import FileFacts
from ragfirst.source import SourceText

TextAnalyzer = Callable[[SourceText, str], FileFacts]


class LazyAnalyzer:
    """An analyzer function imported on its first call (module and name, so it pickles)."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._function: Any = None

    def __call__(self, source: SourceText, filename: str, **options: Any) -> FileFacts:
        if self._function is None:
            self._function = getattr(importlib.import_module(self.module), self.name)
        return self._function(source, filename, **options)

    def __getstate__(self) -> dict[str, str]:
        return {"module": self.module, "name": self.name}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__init__(state["module"], state["name"])  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    name: str
    suffixes: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()  # exact names or fnmatch patterns (requirements*.txt)
    analyze: TextAnalyzer | None = None
    prefilter: bool = True  # parse only files that contain a rule's trigger words
    loose_prefilter: bool = False  # any one trigger word suffices (small config files)
    data_file: bool = False  # large data: analysed up to the size cap instead of refused
    comment_prefix: str | None = None
    binary_foreign_suffixes: tuple[
        str, ...
    ] = ()  # binary files with these suffixes are another format (.ts video)
    fact_language: str | None = None  # FileFacts.language it produces, when not `name`

    @property
    def facts_language(self) -> str:
        """Which rule matchers apply to this kind of file (all config kinds share `config`)."""
        return self.fact_language or self.name

    def claims(self, name: str) -> bool:
        lowered = name.lower()
        if lowered.endswith(self.suffixes):
            return True
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.filenames)
