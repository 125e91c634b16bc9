"""The Python side of the prefilter: what a file's text must hold for a rule to match.

Three cheap questions, asked before or instead of tokenizing a whole file:

* the gate: does the text contain anything a trigger needs? One RE2 scan (a DFA, linear
  in the text and independent of how many words there are). It answers only "certainly
  not" or "maybe": a "maybe" goes on to the exact token test in `Engine.passes_prefilter`.
  In a tree of library code about half the files stop here.
* which words of module paths does the file import (`import a.b`, `from a.b import c`)?
* which candidate names does it spell as an attribute, an imported name or a string?

Python's `re` finds a pattern that starts with a literal (`from`, `import`) with a fast
scan for that literal; a leading `^`, `\\b` or alternation makes it try every position,
ten to twenty times slower on a large file. The patterns here start with literals and
check what precedes a match in Python.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

import re2

from ragfirst.checks.base import SubstringTriggers
from ragfirst.rules.patterns import MARKS, ROOT_MARK, Trigger

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


def build_gate(triggers: list[Trigger], substrings: list[SubstringTriggers]) -> re2._Regexp | None:
    """One RE2 pattern that matches every text the exact prefilter could let through: per
    trigger, its root words in an import statement (or, without a root, the words of one
    group anywhere), every key prefix, every key-like name in any case. None when a
    trigger has no words (anything may match)."""
    roots: set[str] = set()
    anywhere: set[str] = set()
    for trigger in triggers:
        if not trigger:
            return None
        rooted = [group for group in trigger if any(word.startswith(ROOT_MARK) for word in group)]
        if rooted:
            roots.update(word.lstrip(MARKS) for word in rooted[0])
        else:  # any group will do (all must be present); the longest words are the rarest
            group = max(trigger, key=lambda g: min(len(word) for word in g))
            anywhere.update(word.lstrip(MARKS) for word in group)
    parts: list[str] = []
    if roots:
        names = _alternation(roots)
        # `[^\s;]*`, not `[\w.]*`: RE2's \w is ASCII, Python's is not (`from ä.peft import`).
        # A backslash may continue the statement onto the next line (also after `from`).
        parts.append(rf"(?m)(?:^|;)[ \t]*(?:from|import)(?:[^\n;\\]|\\\r?\n|\\)*\b(?:{names})\b")
    if anywhere:
        # No \b before: the token test finds `Trainer` in `9Trainer` (a token starts at a
        # letter), and RE2's \b is ASCII-only.
        parts.append(rf"(?:{_alternation(anywhere)})\b")
    prefixes = {prefix for found in substrings for prefix in found.prefixes}
    if prefixes:
        parts.append(_alternation(prefixes))
    lowered = {word for found in substrings for word in found.lowered}
    if lowered:
        parts.append(rf"(?i:{_alternation(lowered)})")
    if not parts:
        return None
    return re2.compile("|".join(f"(?:{part})" for part in parts), _OPTIONS)


def _alternation(words: set[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


# `from a.b import` and `import a.b as c, d`; a match counts only at the start of a
# statement (after indentation, as in `if TYPE_CHECKING:` blocks, or after `;`).
GAP = r"(?:[ \t]|\\\r?\n)"  # blanks, or a backslash continuing the line
_FROM = re.compile(rf"from{GAP}+([\w.]+){GAP}+import\b")
IMPORT_MODULES = re.compile(rf"import{GAP}+([\w., \t]+(?:\\\r?\n[\w., \t]*)*)")
_WORD = re.compile(r"\w+")


def imported_among(text: str, candidates: set[str] | frozenset[str]) -> set[str]:
    """The `candidates` that are words of a module path the file imports (what a name can
    be rooted at): the prefilter's few SDK package names a file spells (`torch`, `openai`).
    An import whose text holds none of them is not split into words, and the scan stops
    once every one is found (a file that uses `torch` usually imports it near its top).
    Splitting every import of such files was a fifth of the prefilter's time on bench
    corpus b (tests/test_prefilter_floor.py keeps that as the reference, `imported_words`)."""
    left = set(candidates)
    found: set[str] = set()
    for pattern in (_FROM, IMPORT_MODULES):
        for match in pattern.finditer(text):
            listed = match.group(1)
            if not any(word in listed for word in left) or not _starts_statement(text, match.start()):
                continue
            hit = left.intersection(_WORD.findall(listed))
            if hit:
                found |= hit
                left -= hit
                if not left:
                    return found
    return found


def _starts_statement(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    before = text[line_start:at].rstrip(" \t")
    return before == "" or before.endswith(";")


# Every name of a `from ... import` statement, also a parenthesised or continued one.
# A parenthesised list may hold comments (with brackets of their own) and CRLF lines.
FROM_IMPORT_NAMES = re.compile(
    rf"from{GAP}+([\w.]+){GAP}+import{GAP}*(\((?:[^)#]|#[^\n]*)*\)|(?:[^\n;\\]|\\\r?\n|\\)*)"
)
"""(the module, the names) of a `from ... import`."""


def attribute_words(
    text: str,
    candidates: set[str] | frozenset[str],
    pattern: re.Pattern[str] | None,
    spelt: set[str] | None = None,
) -> set[str]:
    """The candidates the text spells as an attribute (`.jobs`, also after a line break
    in a parenthesised chain), as a string (`getattr(client, "jobs")`) or as a name in a
    `from ... import` statement. `pattern` is `attribute_pattern` of every word that may
    be asked about; or `spelt`, the words an `AttributeScan` found spelt so."""
    if spelt is None:
        assert pattern is not None
        spelt = set(pattern.findall(text))
    found = set(candidates.intersection(spelt))
    missing = candidates - found
    if missing:
        for _, names in FROM_IMPORT_NAMES.findall(text):
            found.update(missing.intersection(_WORD.findall(names)))
    return found


def attribute_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """A dot or quote, then one of `words` (factored by prefix: Python's `re` tries an
    alternation one branch at a time)."""
    return re.compile(rf"""[."'][\s\\]*({trie_regex(set(words))})\b""")


class AttributeScan:
    """`attribute_pattern`'s words found in one RE2 pass over an ASCII text's bytes: a set
    of one pattern per word, so no match is built for the many `.`s and quotes of a file.
    On ASCII text it finds what `attribute_pattern` does: `\\s` is spelt out as Python's
    str `\\s` is on ASCII (with `\\v` and `\\x1c`-`\\x1f`, which RE2's `\\s` lacks), and
    `\\b` is the same on ASCII; a word is an identifier, so matches cannot hide one another
    (tests/test_prefilter.py compares the two)."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = sorted(words)
        self._set: Any = None
        if self.words:
            self._set = re2.Set.SearchSet(_OPTIONS)
            for word in self.words:
                self._set.Add(r"""[."'][\t\n\x0b\x0c\r \x1c-\x1f\\]*""" + re2.escape(word) + r"\b")
            self._set.Compile()

    def found(self, encoded: bytes) -> set[str]:
        hits = self._set.Match(encoded) if self._set is not None else None
        return {self.words[i] for i in hits} if hits else set()


def substring_pattern(words: tuple[str, ...], before: str = "", ignore_case: bool = False) -> re2._Regexp:
    """An RE2 search for any of `words` (as they are, or in any case), after `before`."""
    flags = "i" if ignore_case else ""
    return re2.compile(f"{before}(?{flags}:{_alternation(set(words))})", _OPTIONS)


def trie_regex(words: set[str]) -> str:
    """An alternation of `words` factored by common prefixes (fast in Python's `re`)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends else "")

    return render(trie)


# -- files that reach an SDK through the project's own modules ---------------------------
#
# `from app.deps import client` then `client.chat.completions.create(...)`: the file names no
# SDK package, so the gate above rejects it. It is let through when it imports something
# that may be the project's own module (a relative import, or a package that is neither the
# standard library nor one any rule names) and holds the other words of some trigger; the
# link step then decides, with the imported module's summary, whether it reaches an SDK.


def project_trigger_groups(
    triggers: list[Trigger], wildcard_entry: frozenset[Trigger] = frozenset()
) -> list[tuple[frozenset[str], ...]]:
    """The method chain each rooted trigger asks for on an imported client: its groups after
    the package and the name taken from it (`openai` `OpenAI` | `chat` `completions`
    `create`), when two or more. The file that uses a shared client names neither the
    package nor the class; one word alone (`query`, `train`) is too common to let files
    through. (Trigger groups follow the pattern's segments in order.)

    `wildcard_entry` (`RuleSet.wildcard_entry_triggers`): triggers whose name taken from
    the package is a wildcard (`chromadb.*().get_collection().query`), so it has no group
    and the chain is every group after the package: `get_collection` `query`, where taking
    the second group for the name left `query` alone, and no chain (a shared Chroma client
    used in another module was never parsed). Only where that would drop the chain: a
    longer one is kept as it was, so no file that passed before is skipped now."""
    found = set()
    for trigger in triggers:
        rooted = [i for i, group in enumerate(trigger) if any(w.startswith(ROOT_MARK) for w in group)]
        if not rooted:
            continue
        entry = rooted[-1] + 1  # the class or function taken from the package
        rest = _chain(trigger, rooted, entry)
        if len(rest) < 2 and trigger in wildcard_entry:
            rest = _chain(trigger, rooted, None)
        # A call on an instance ends in a method (`create`, `query`), not a class name
        # (`transformers.trainer.Trainer` is a module path, not a chain on a client).
        if len(rest) >= 2 and all(word[:1].islower() for word in rest[-1]):
            found.add(rest)
    return sorted(found, key=lambda groups: sorted(map(sorted, groups)))


def _chain(trigger: Trigger, rooted: list[int], entry: int | None) -> tuple[frozenset[str], ...]:
    """The trigger's groups but the package's and the entry's, unmarked."""
    return tuple(
        frozenset(word.lstrip(MARKS) for word in group)
        for i, group in enumerate(trigger)
        if i not in rooted and i != entry
    )


def build_project_gate(groups: list[tuple[frozenset[str], ...]]) -> re2._Regexp | None:
    """RE2: the rarest group's words of every such trigger (a "certainly not" test)."""
    words: set[str] = set()
    for trigger in groups:
        words.update(max(trigger, key=lambda group: min(len(word) for word in group)))
    return re2.compile(rf"(?:{_alternation(words)})\b", _OPTIONS) if words else None


_IMPORT_ROOT = re.compile(rf"(?:from{GAP}+(\.+|[A-Za-z_]\w*)|import{GAP}+([A-Za-z_]\w*))")


def _imported_roots(text: str) -> Iterator[str]:
    """The first name (or the dots of a relative import) of each import statement."""
    for found in _IMPORT_ROOT.finditer(text):
        if _starts_statement(text, found.start()):
            yield found.group(1) or found.group(2)


def imports_project_candidate(text: str, sdk_roots: frozenset[str]) -> bool:
    """Does the file import something that may be a module of the project itself?"""
    for root in _imported_roots(text):
        if root.startswith("."):
            return True
        if root not in sdk_roots and root not in sys.stdlib_module_names and root != "__future__":
            return True
    return False


def spelt_outside_import_modules(text: str, word: str) -> bool:
    """Does `word` stand in the text as a whole token anywhere but as a module of an import
    statement (`from collections import OrderedDict`, `import collections.abc`)? There it
    names a module, never an attribute of a value: a project trigger's `collections` (a
    client's `client.collections.get`) is not in a file that only imports the standard
    library's. Counted everywhere else, a string or an `as` name included."""
    return any(not _in_import_module(text, start) for start in whole_words(text, word))


_IDENTIFIER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def whole_words(text: str, word: str) -> Iterator[int]:
    """Where `word` stands in the text as a whole word (no ASCII letter, digit or `_` on
    either side). A substring scan, far cheaper than splitting a large module into words."""
    start = text.find(word)
    size = len(text)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or text[start - 1] not in _IDENTIFIER_CHARS) and (
            end == size or text[end] not in _IDENTIFIER_CHARS
        ):
            yield start
        start = text.find(word, start + 1)


_FROM_MODULE = re.compile(r"from[ \t]+[\w.]*")  # what precedes a word of `from a.b import`
_IMPORT_MODULES = re.compile(r"import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*[\w.]*")  # ... of `import a, b`


def _in_import_module(text: str, at: int) -> bool:
    """Is the token at `at` in the module path of a one-line import statement? (An `as`
    name is a binding: it is not.)"""
    line_start = text.rfind("\n", 0, at) + 1
    head = text[line_start:at].lstrip(" \t")
    return bool(_FROM_MODULE.fullmatch(head) or _IMPORT_MODULES.fullmatch(head))
