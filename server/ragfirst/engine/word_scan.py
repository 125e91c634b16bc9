"""The prefilter's scans of a file's text: which trigger words it spells as whole tokens,
and whether it holds a substring a check looks for (API keys, model ids).

- `WordScan`: one RE2 set of every trigger word of a language, matched in one pass over
  the text (a DFA: linear in the text, no Python-level loop over words or tokens). A word
  counts where the prefilter's tokenizer (`[A-Za-z_][\\w-]*`, ASCII) would find it as a
  whole token. The set runs on the text's UTF-8 bytes with every `-` turned into `0`: the
  tokenizer's token characters are then exactly RE2's ASCII word characters, and a token
  is `\\b[0-9]*WORD\\b` (the digits are what the tokenizer skips before a letter), which
  RE2 matches with zero-width tests. (The earlier set spelt the boundaries as characters,
  `(?:^|[^A-Za-z0-9_-])[0-9-]*WORD`, and its DFA cost four times a whole pass to build.)
  `a-b` and `a0b` are one token after the change, so a word holding `-` or `0` that the set
  reports is confirmed in the text itself. Property-tested equal to the tokenizer, and
  equal on every file of the TypeScript and Python bench corpora.
- `SubstringGate`: the checks' substrings, searched in the whole text (RE2), not in its
  distinct tokens: a match in the text is a superset (a token starts after a character
  that is not a letter, so `(?:^|[^A-Za-z])` before a prefix finds every prefix the
  token search found), so no file that passed before is skipped now.

Python files first meet the RE2 gate (python_prefilter.py), then the same word scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import re2

from ragfirst.checks.base import SubstringTriggers
from ragfirst.engine.python_prefilter import substring_pattern, whole_words
from ragfirst.engine.re2_superset import superset_gate

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 64 << 20  # a set's DFA states: built as texts need them
# The tokenizer's token characters, once `-` is written `0`, are RE2's word characters.
_DASH_AS_DIGIT = bytes.maketrans(b"-", b"0")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class WordScan:
    """Which of `words` a text holds as whole tokens."""

    def __init__(self, words: Iterable[str]) -> None:
        # Only what the tokenizer can return (`a.b`, `3d` or `é` never is a token).
        self.words = sorted({word for word in words if _WORD.fullmatch(word)})
        # Words the set may report for another token (`a-b` for `a0b`): checked in the text.
        self._confirm = frozenset(i for i, word in enumerate(self.words) if "-" in word or "0" in word)
        self._set: Any = None
        if self.words:
            self._set = re2.Set.SearchSet(_OPTIONS)
            for word in self.words:
                self._set.Add(r"\b[0-9]*" + re2.escape(word.replace("-", "0")) + r"\b")
            self._set.Compile()

    def found(self, text: str, encoded: bytes | None = None) -> set[str]:
        """`encoded`: the text's UTF-8 bytes (`utf8`), when the caller has them."""
        if self._set is None:
            return set()
        hits = self._set.Match((encoded if encoded is not None else utf8(text)).translate(_DASH_AS_DIGIT))
        if not hits:
            return set()
        words = self.words
        return {words[i] for i in hits if i not in self._confirm or is_token(text, words[i])}


class WholeWords:
    """Which of `words` (identifiers) a text spells as whole words, as
    `python_prefilter.whole_words` finds them (no ASCII letter, digit or `_` on either
    side), in one RE2 pass over its UTF-8 bytes (RE2's `\\b` is ASCII's: a non-ASCII
    letter bounds a word in both) instead of a substring scan per word: a word that is
    absent costs a whole scan of the text each (link_gate.py asks 10-20 per module)."""

    def __init__(self, words: Iterable[str]) -> None:
        words = {word for word in words if word}
        self.words = sorted(word for word in words if _IDENTIFIER.fullmatch(word))
        # Others (a rule pack's odd pattern): where `\\b` would differ, found by substring.
        self._others = sorted(words.difference(self.words))
        self._set: Any = None
        if self.words:
            self._set = re2.Set.SearchSet(_OPTIONS)
            for word in self.words:
                self._set.Add(r"\b" + re2.escape(word) + r"\b")
            self._set.Compile()

    def found(self, text: str, encoded: bytes) -> set[str]:
        """`encoded`: the text's UTF-8 bytes (`utf8`)."""
        hits = self._set.Match(encoded) if self._set is not None else None
        found = {self.words[i] for i in hits} if hits else set()
        if self._others:
            found.update(word for word in self._others if next(whole_words(text, word), None) is not None)
        return found


def utf8(text: str) -> bytes:
    """What the RE2 scans read: the text's UTF-8 bytes (the RE2 wrapper would encode a str
    at every search; one encoding serves every scan of a file)."""
    return text.encode("utf-8", "surrogatepass")


def is_token(text: str, word: str) -> bool:
    """Does the tokenizer find `word` (which starts with a letter or `_`) in `text`? At an
    occurrence, no token character may follow, and before it only digits and dashes may
    stand back to a character that is not a token character (or the start)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if end == len(text) or text[end] not in _TOKEN_CHAR:
            start = at
            while start and text[start - 1] in "0123456789-":
                start -= 1
            if not start or text[start - 1] not in _TOKEN_CHAR:
                return True
        at = text.find(word, at + 1)
    return False


class SubstringGate:
    """The substrings checks look for (`SubstringTriggers`, one per check): every prefix
    and key-like-name search in one RE2 set (one pass over the text says which hold), and
    each check's `confirm` regex behind its RE2 translation (re2_superset.py), which only
    lets through texts the Python regex may match."""

    def __init__(self, triggers: list[SubstringTriggers]) -> None:
        self.triggers = triggers
        self._patterns: list[tuple[int | None, SubstringTriggers, int | None, Any]] = []
        self._set: Any = None
        sources: list[str] = []
        for found in triggers:
            prefixes = substring_pattern(found.prefixes, r"(?:^|[^A-Za-z])") if found.prefixes else None
            lowered = substring_pattern(found.lowered, ignore_case=True) if found.lowered else None
            ids = []
            for pattern in (prefixes, lowered):
                ids.append(len(sources) if pattern is not None else None)
                if pattern is not None:
                    sources.append(pattern.pattern)
            self._patterns.append((ids[0], found, ids[1], superset_gate(found.confirm)))
        if sources:
            self._set = re2.Set.SearchSet(_OPTIONS)
            for source in sources:
                self._set.Add(source)
            self._set.Compile()

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def hit(self, text: str, loose: bool, encoded: bytes | None = None, library_code: bool = False) -> bool:
        """A key prefix confirmed by a whole key format, or a key-like name and (in code,
        not `loose` config files) a literal that may be a key. `encoded`: `utf8(text)`;
        `library_code`: the text is an SDK's own code (only the checks that look there)."""
        if self._set is None:
            return False
        data = encoded if encoded is not None else utf8(text)
        held = self._set.Match(data)
        if not held:
            return False
        for prefixes, substrings, lowered, gate in self._patterns:
            if library_code and not substrings.library_code:
                continue
            confirm = substrings.confirm
            if prefixes in held and (
                confirm is None or ((gate is None or gate.search(data)) and confirm.search(text))
            ):
                return True
            if lowered in held and (loose or substrings.has_literal(text)):
                return True
        return False
