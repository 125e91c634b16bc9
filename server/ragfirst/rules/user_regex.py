"""Regular expressions from rule files, compiled with RE2 (linear time, never backtracks).

A rule pack may come from the repository being scanned (a pull request's own config), so
its regexes are untrusted input: with Python's backtracking `re`, `(a+)+$` against a
string from the scanned code takes exponential time. RE2 guarantees time linear in the
text; it has no lookarounds or backreferences, and a rule that uses them gets a one-line
error naming the file and position.

Linear is not enough when a pack brings thousands of regexes and the file a 100 KB
string: each search costs about (text length x program size), and 3,000 of them ran
over 120 s. So while the engine analyses a file (`regex_budget()`), every rule pack has
a work budget for that file, PACK_BUDGET units of (characters searched x RE2 program
size). A search that would exceed it is not run (no match), and the pack is listed in
the budget's `exceeded`, which the engine reports as one RF000 naming the pack. The
cost model is deterministic: the same file and rules give the same findings, cached or
not. Built-in rules never come near it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
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


PACK_BUDGET = 4_000_000_000
"""Work units (characters searched x program size) per rule pack per file: 40,000
searches of a 1,000-character value by a 100-instruction program."""


REGEX_BUDGET_MESSAGE = (
    "its regexes exceeded the work budget on this file; the rest of its regex tests here were"
    " skipped (fewer or simpler `matches:` patterns avoid this)"
)


@dataclass(slots=True)
class RegexBudget:
    """The work left per pack for the file being analysed, and the packs that ran out."""

    spent: dict[str, int] = field(default_factory=dict)
    exceeded: list[str] = field(default_factory=list)


_LOCAL = threading.local()  # the language server lints in worker threads


@contextlib.contextmanager
def regex_budget() -> Iterator[RegexBudget]:
    """Budget every rule regex searched inside the block (one file's analysis)."""
    budget = RegexBudget()
    outer = getattr(_LOCAL, "budget", None)
    _LOCAL.budget = budget
    try:
        yield budget
    finally:
        _LOCAL.budget = outer


class BudgetedRegex:
    """An RE2 pattern that charges its searches to its pack's budget (if one is open)."""

    __slots__ = ("_regex", "_weight", "source")

    def __init__(self, regex: re2._Regexp, source: str) -> None:
        self._regex = regex
        self._weight = max(int(regex.programsize), 1)
        self.source = source

    @property
    def pattern(self) -> str:
        return self._regex.pattern

    def search(self, text: str) -> object | None:
        budget: RegexBudget | None = getattr(_LOCAL, "budget", None)
        if budget is not None:
            spent = budget.spent.get(self.source, 0) + len(text) * self._weight
            if spent > PACK_BUDGET:
                if self.source not in budget.exceeded:
                    budget.exceeded.append(self.source)
                return None
            budget.spent[self.source] = spent
        return self._regex.search(text)


def compile_user_regex(text: str, source: str = "") -> SearchPattern:
    """Compile a rule file's regex, or raise UserRegexError with RE2's reason. `source`
    names the pack whose budget its searches are charged to."""
    try:
        return BudgetedRegex(re2.compile(text, _OPTIONS), source)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", errors="replace")
        raise UserRegexError(
            f"{reason} (rule regexes use RE2 syntax: no lookarounds or backreferences)"
        ) from None
