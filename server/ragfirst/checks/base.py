"""The contract between the engine and a named check."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ragfirst.analyzers.facts import FileFacts
from ragfirst.engine.finalize_memo import FinalizeMemo
from ragfirst.model import Severity, Span
from ragfirst.source import SourceText

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.data.data_files import DataFiles
    from ragfirst.engine.project import ProjectIndex
    from ragfirst.rules.model import Rule


@dataclass(slots=True)
class CheckContext:
    path: str
    source: SourceText
    facts: FileFacts
    # The SDK packages whose own code the file is (engine/library_code.py): not a user of them.
    own_packages: frozenset[str] = frozenset()


@dataclass(slots=True)
class CheckMatch:
    span: Span
    captures: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ProjectContext:
    """What the project phase may use beyond one file's bytes: other files (confined to
    `root`), the date, the settings. Kept out of the per-file phase so that phase stays
    pure and cacheable by content hash."""

    base_dir: Path  # finding paths are relative to this directory
    root: Path  # no read outside it
    today: dt.date
    settings: Settings
    data_files: DataFiles
    project: ProjectIndex | None = None  # every file's facts, for cross-file checks
    # Real paths and manifests asked for again and again: kept as long as the context (one
    # run of the CLI; one request of the language server, so an edit is seen by the next).
    memo: FinalizeMemo = field(default_factory=FinalizeMemo)


@dataclass(slots=True)
class Resolution:
    """A check's project-phase verdict on one match: final captures, severity, extras."""

    captures: dict[str, str]
    severity: Severity | None = None
    data: dict[str, Any] = field(default_factory=dict)


class ResolvingCheck(Protocol):
    """A check whose matches need the project phase (data files, dates) to be judged."""

    def resolve(
        self, rule: Rule, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        """None drops the match (e.g. enough examples after all)."""


class Check(Protocol):
    name: str

    def validate(self, params: dict[str, Any]) -> str | None:
        """A one-line problem with the params from the rule file, or None."""

    def triggers(self, params: dict[str, Any]) -> set[str]:
        """Words a file must contain for this check to find anything (for the prefilter)."""

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]: ...

    # Optional: `constant_readers(params, language) -> CallReaders`, which calls' arguments
    # it reads (engine/constant_readers.py); a check without it is taken to read every call.


@dataclass(frozen=True, slots=True)
class SubstringTriggers:
    """Prefilter words for checks that look for substrings rather than tokens (API keys):
    a file passes when it contains one of `prefixes` (as they are) and `confirm` matches,
    or one of `lowered` (in the lower-cased text) and, in code, `literal` matches (in
    config files values need no quotes, so `literal` is not required there)."""

    prefixes: tuple[str, ...]
    confirm: re.Pattern[str] | None
    lowered: tuple[str, ...]
    literal: re.Pattern[str] | None  # group 1 is the value
    literal_test: Callable[[str], bool] | None = None  # a value `literal` found must pass it
    # Whether the check looks in an SDK's own package (engine/library_code.py): a key is
    # reported wherever it is; a model id the SDK names is the SDK's business (RF406).
    library_code: bool = True
    # In code, the literal must start within this many characters after one of `lowered`
    # (None: anywhere): a key is given to the name before it (an assignment, a keyword, a
    # dict key), not found in a docstring's ``"api_key"`` and an id 3,000 characters on.
    literal_within: int | None = None

    def has_literal(self, text: str) -> bool:
        if self.literal is None:
            return True
        test, within = self.literal_test, self.literal_within
        reach = within + max(map(len, self.lowered), default=0) if within is not None else 0
        for found in self.literal.finditer(text):  # (literals that pass are rare: tested first)
            if test is not None and not test(found.group(1)):
                continue
            if within is None:
                return True
            before = text[max(0, found.start() - reach) : found.start()].lower()
            if any(word in before for word in self.lowered):
                return True
        return False
