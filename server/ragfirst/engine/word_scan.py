"""The prefilter's scans of a file's text: which trigger words it spells as whole tokens,
and whether it holds a substring a check looks for (API keys, model ids).

- `WordScan`: one RE2 set of every trigger word of a language, matched in one pass over
  the text (a DFA: linear in the text, no Python-level loop over words or tokens). A word
  counts where the prefilter's tokenizer (`[A-Za-z_][\\w-]*`, ASCII) would find it as a
  whole token: after the start or a character no token holds, then any run of digits and
  dashes (a token cannot start with those), and before a character no token holds. On
  the TypeScript bench corpus it finds exactly the words the tokenizer does, in every
  file, at a sixth of the cost.
- `SubstringGate`: the checks' substrings, searched in the whole text (RE2), not in its
  distinct tokens: a match in the text is a superset (a token starts after a character
  that is not a letter, so `(?:^|[^A-Za-z])` before a prefix finds every prefix the
  token search found), so no file that passed before is skipped now.

RE2 sets are not used for Python: its ~550 words build a DFA whose first pass over a
corpus costs more than the tokenizer; Python files keep the RE2 gate, then tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import re2

from ragfirst.checks.base import SubstringTriggers
from ragfirst.engine.python_prefilter import substring_pattern

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 64 << 20  # a set's DFA states: built as texts need them
# A token starts at a letter or `_`, after a character no token holds (then any digits and
# dashes the tokenizer skips), and ends before one.
_BEFORE = r"(?:^|[^A-Za-z0-9_-])[0-9-]*"
_AFTER = r"(?:[^A-Za-z0-9_-]|$)"


class WordScan:
    """Which of `words` a text holds as whole tokens."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))
        self._set: Any = None
        if self.words:
            self._set = re2.Set.SearchSet(_OPTIONS)
            for word in self.words:
                self._set.Add(_BEFORE + re2.escape(word) + _AFTER)
            self._set.Compile()

    def found(self, text: str) -> set[str]:
        if self._set is None:
            return set()
        hits = self._set.Match(text)
        return {self.words[index] for index in hits} if hits else set()


class SubstringGate:
    """The substrings checks look for (`SubstringTriggers`, one per check)."""

    def __init__(self, triggers: list[SubstringTriggers]) -> None:
        self.triggers = triggers
        self._patterns: list[tuple[Any, SubstringTriggers, Any]] = []
        for found in triggers:
            prefixes = substring_pattern(found.prefixes, r"(?:^|[^A-Za-z])") if found.prefixes else None
            lowered = substring_pattern(found.lowered, ignore_case=True) if found.lowered else None
            self._patterns.append((prefixes, found, lowered))

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def hit(self, text: str, loose: bool) -> bool:
        """A key prefix confirmed by a whole key format, or a key-like name and (in code,
        not `loose` config files) a literal that may be a key."""
        for prefixes, substrings, lowered in self._patterns:
            confirm = substrings.confirm
            if prefixes and prefixes.search(text) and (confirm is None or confirm.search(text)):
                return True
            if lowered and lowered.search(text) and (loose or substrings.has_literal(text)):
                return True
        return False
