"""Which calls' arguments the rules read: where an imported constant can change a finding.

The link analyses a file again with its imports' constants (python_link.py). A constant
can only change what a rule sees where it reaches something a rule reads: the arguments of
a call a matcher or a check looks at (`model=CHAT_MODEL`), a keyword any call may be given
(`api_key=`, `model=`), the SQL a call runs. Matchers say which calls they read by their
name patterns; each check declares its own (`Check.constant_readers`), and a check that
declares nothing is taken to read every call. Together with what each call carries
(analyzers/import_labels.py) this gives the imports whose constants the file needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ragfirst.analyzers.facts import FileFacts
from ragfirst.analyzers.import_labels import FIRST_NOT_TEXT
from ragfirst.rules.model import CallMatcher
from ragfirst.rules.patterns import NamePattern

ImportKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class CallReaders:
    """What rules read of a file's calls, beyond the calls' names."""

    patterns: frozenset[NamePattern] = frozenset()  # calls named so: all their arguments
    every_call: bool = False  # every call, resolved or not: all arguments
    keywords: frozenset[str] = frozenset()  # these keyword arguments of any call
    keyword_test: Callable[[str], bool] | None = None  # and those whose name passes this
    first_positional: bool = False  # the first positional argument of any call
    # ... of any call, where only a string holding one of these (lower-cased) matters
    # (a `vector(n)` column in SQL): the link looks at the imported value first
    positional_needles: frozenset[str] = frozenset()
    sql_tails: frozenset[str] = frozenset()  # calls written so (`.execute`): their first argument
    # (call, argument position) where a constant names what the call gives: `getattr(obj,
    # NAME)` (its object's value reaches a rule through what is done with the result)
    naming_arguments: frozenset[tuple[str, str]] = frozenset()

    @staticmethod
    def of_patterns(patterns: Iterable[NamePattern], **extra: Any) -> CallReaders:
        return CallReaders(frozenset(patterns), **extra)

    def union(self, other: CallReaders) -> CallReaders:
        tests = [test for test in (self.keyword_test, other.keyword_test) if test is not None]
        keyword_test = None
        if len(tests) == 1:
            keyword_test = tests[0]
        elif tests:
            first, second = tests
            keyword_test = lambda name: first(name) or second(name)  # noqa: E731
        return CallReaders(
            self.patterns | other.patterns,
            self.every_call or other.every_call,
            self.keywords | other.keywords,
            keyword_test,
            self.first_positional or other.first_positional,
            self.positional_needles | other.positional_needles,
            self.sql_tails | other.sql_tails,
            self.naming_arguments | other.naming_arguments,
        )


class ReaderIndex:
    """Readers with their patterns by the names they can match, for exact tests per call
    (built once per engine and language: `Engine.constant_readers`)."""

    def __init__(self, readers: CallReaders) -> None:
        self.readers = readers
        self.by_last: dict[str, list[NamePattern]] = {}
        self.by_first: dict[str, list[NamePattern]] = {}
        self.nameless: list[NamePattern] = []
        # Last names of patterns whose first segment is a wildcard: the only ones a name the
        # link resolves to a project value (not an SDK one) can come to match.
        self.wild_lasts: set[str] = set()
        for pattern in readers.patterns:
            if pattern.last_names is not None:
                for name in pattern.last_names:
                    self.by_last.setdefault(name, []).append(pattern)
                if pattern.first_names is None:
                    self.wild_lasts |= pattern.last_names
            elif pattern.first_names is not None:
                for name in pattern.first_names:
                    self.by_first.setdefault(name, []).append(pattern)
            else:
                self.nameless.append(pattern)

    def matches(self, qualname: str) -> bool:
        candidates = (
            *self.by_last.get(qualname.rsplit(".", 1)[-1], ()),
            *self.by_first.get(qualname.split(".", 1)[0], ()),
            *self.nameless,
        )
        return any(pattern.matches(qualname) for pattern in candidates)


def matcher_readers(matcher: CallMatcher) -> CallReaders:
    """A call matcher reads the arguments of the calls its patterns name (conditions,
    captures), and of other calls of the file only where it tests their arguments
    (`file-calls` with `args`); the call that built a receiver is read through the receiver
    (its client carries what built it)."""
    tested = (f.pattern for f in (*matcher.file_calls, *matcher.not_file_calls) if f.args)
    return CallReaders.of_patterns((*matcher.calls, *tested))


EVERY_CALL = CallReaders(every_call=True)
# `*args` / `**kwargs`: rules see that a call has them, never what they hold (the analyzer
# does not spread them into the call's arguments), so no constant in them is read.
UNREAD = ("*", "**")
BUILTINS = "builtins."
FIRST = ("0", FIRST_NOT_TEXT)  # the first argument, and the same written as a display
# `getattr(client, NAME)` resolves an attribute by a constant: the call's name may change.
BUILTIN_READERS = CallReaders(naming_arguments=frozenset({("builtins.getattr", "1")}))


@dataclass(frozen=True, slots=True)
class Reached:
    """The imports whose constants may change what a rule reads: `always`, and `if_text`
    only if the value holds one of `needles` (the link looks at the value first)."""

    always: list[ImportKey]
    if_text: list[ImportKey]
    needles: tuple[str, ...]
    # Those a call reaches whose name the link may change: every call's but a builtin's
    # (`isinstance(self, Mixin)` stays `builtins.isinstance` whatever the imports bind).
    # What a client reaching the file makes its constants read (python_link.py).
    by_any_call: list[ImportKey]


def reached_imports(facts: FileFacts, index: ReaderIndex) -> Reached:
    """The imports whose constants may change what a rule reads in `facts`, sorted.

    A call is read when a reader's pattern matches its name; a call whose callee carries an
    import may be named otherwise once linked: with an SDK value the link reads the
    constants of every call but a builtin's (`by_any_call`; python_link.py), with a project
    value only a pattern whose first segment is a wildcard can come to match, by the last
    name written."""
    reached: set[ImportKey] = set()
    if_text: set[ImportKey] = set()
    by_any_call: set[ImportKey] = set()
    calls = facts.calls
    readers = index.readers
    keyword_test = readers.keyword_test
    first = readers.first_positional
    naming = readers.naming_arguments
    for number, parts in facts.import_reach.items():
        call = calls[number]
        qualname = call.qualname
        written = call.tail.rsplit(".", 1)[-1]
        if qualname is None or not qualname.startswith(BUILTINS):
            for key, labels in parts.items():
                if key not in UNREAD:
                    by_any_call |= labels
        read = readers.every_call
        if not read and qualname is not None:
            read = index.matches(qualname)
        if not read and "callee" in parts:
            read = written in index.wild_lasts
        if read:
            for key, labels in parts.items():
                if key not in UNREAD:
                    reached |= labels
            continue
        for key, labels in parts.items():
            if key == "callee" or key in UNREAD:
                continue
            if (qualname, key) in naming or (key in FIRST and (first or written in readers.sql_tails)):
                reached |= labels
            elif key == "0" and readers.positional_needles:
                if_text |= labels
            elif (
                key not in FIRST
                and not key.isdigit()
                and (key in readers.keywords or (keyword_test is not None and keyword_test(key)))
            ):
                reached |= labels
    return Reached(
        sorted(reached),
        sorted(if_text - reached),
        tuple(sorted(readers.positional_needles)),
        sorted(by_any_call | reached),
    )
