"""Regular expressions from rule files, compiled with RE2 (linear time, never backtracks).

A rule pack may come from the repository being scanned (a pull request's own config), so
its regexes are untrusted input: with Python's backtracking `re`, `(a+)+$` against a
string from the scanned code takes exponential time. RE2 guarantees time linear in the
text; it has no lookarounds or backreferences, and a rule that uses them gets a one-line
error naming the file and position.
"""

from __future__ import annotations

from typing import Protocol

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are ours to report, not written to stderr by RE2


class SearchPattern(Protocol):
    """What the matchers use of a compiled rule regex."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str) -> object | None: ...


class UserRegexError(ValueError):
    pass


def compile_user_regex(text: str) -> SearchPattern:
    """Compile a rule file's regex, or raise UserRegexError with RE2's reason."""
    try:
        return re2.compile(text, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", errors="replace")
        raise UserRegexError(
            f"{reason} (rule regexes use RE2 syntax: no lookarounds or backreferences)"
        ) from None
