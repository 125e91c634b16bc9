"""Which prefilter-skipped modules the Python link must parse for their summaries.

A module the prefilter skipped names no trigger, so its own findings are known (none);
the link parses it only when an importer may take an SDK value from it (a client, a
factory, a class). That needs two things of its text, both tested on whole words:

- it *offers the name asked for*: one of the names the importers take from it (`from
  app.deps import client` asks for `client`) is spelt in it, or it re-exports with
  `import *`. An importer of the whole module (`import app.deps`) asks for any name;
- it *reaches* an SDK: it imports a package rules name (the analyzer makes SDK values
  only from imports: `openai` in a docstring or in `"openai/clip-vit-large-patch14"` makes
  none) and spells one of that package's entries (`openai` and `OpenAI`; `torch`, `nn`
  and `parallel`, or `nn` used as a value of its own, since rules reach `torch.nn` only
  through `parallel`), or it imports one of the project's own modules that offers an SDK
  value (a client built elsewhere and passed on: `from .models import llm_client`). The
  text gives the imports that may be the project's (`project_imports`: relative ones, and
  packages that are neither the standard library nor an SDK); the link resolves them and
  asks those modules for their summaries, and parses this one only if one of them holds
  an SDK value.

Both are "certainly not" tests: a module that fails one cannot bind that name to an SDK
value. Matching words, never substrings: `ai` is not in `fairseq`, `nn` not in `inner`.
Imports are read from the text wherever they stand (in a function, after `if x:`, in a
docstring): more candidates than the module has, never fewer.
"""

from __future__ import annotations

import bisect
import keyword
import re
import sys
from typing import TYPE_CHECKING

from ragfirst.engine.python_prefilter import FROM_IMPORT_NAMES, IMPORT_MODULES, whole_words
from ragfirst.engine.word_scan import WholeWords, utf8

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Vocabulary

SDK_FORCE = "sdk"  # `Engine.analyze(force=...)`: "sdk", or "sdk:name,name" for names asked
# `Engine.analyze(force=...)`: parse a file the prefilter deferred to the link (it names no
# trigger, but an SDK value may reach it through the project's modules), rules not tried.
PROJECT_FORCE = "project"
_WORD = re.compile(r"[A-Za-z_]\w*", re.ASCII)


def sdk_force(names: frozenset[str] | None) -> str:
    """The `force` value that asks for a module's summary for these names (None: any)."""
    if not names:
        return SDK_FORCE
    return f"{SDK_FORCE}:{','.join(sorted(names))}"


def asked_names(force: str) -> frozenset[str] | None:
    """The names a `sdk_force` value asks for (None: any name)."""
    _, _, listed = force.partition(":")
    names = frozenset(name for name in listed.split(",") if name)
    return names or None


def may_export_sdk_value(
    text: str,
    names: frozenset[str] | None,
    vocabulary: Vocabulary,
    roots: frozenset[str],
) -> bool | list[str]:
    """Could this module bind one of `names` (any, when None) to an SDK value? True or
    False; or, when only the project's modules it imports could give it one, those
    imports (`project_imports`) for the link to decide."""
    if not offers_names(text, names):
        return False
    packages, project = _imports(text, roots)
    imported = packages.intersection(vocabulary.roots)
    if imported:  # (most modules import no SDK package)
        spelt = _vocabulary_words(vocabulary, frozenset(imported)).found(text, utf8(text))  # one pass
        for root, entries in vocabulary.entries_by_root:
            if root in imported and not spelt.isdisjoint(entries):
                return True
        for root, entry, after in vocabulary.module_entries:
            # `torch.nn` leads to a rule only through `parallel`: a module that takes
            # neither that (`nn.parallel`; not `tensor-parallel` in a comment) nor `nn` as a
            # value of its own (`x = torch.nn`, `getattr(torch, "nn")`) cannot make one
            # (`nn.Linear`, `from torch import nn` make none).
            if (
                root in imported
                and entry in spelt
                and (any(word in spelt and _follows(text, word) for word in after) or _bare(text, entry))
            ):
                return True
    return project or False


_SCANS: dict[tuple[Vocabulary, frozenset[str]], WholeWords] = {}


def _vocabulary_words(vocabulary: Vocabulary, roots: frozenset[str]) -> WholeWords:
    """The RE2 set of every word the SDK test may look for in a module that imports these
    SDK packages (built once per set: a module imports one or two; a smaller set's
    automaton also scans faster)."""
    key = (vocabulary, roots)
    scan = _SCANS.get(key)
    if scan is None:
        words = {word for root, entries in vocabulary.entries_by_root if root in roots for word in entries}
        for root, entry, after in vocabulary.module_entries:
            if root in roots:
                words.add(entry)
                words.update(after)
        if len(_SCANS) > 256:  # (a bound: rule packs and odd import mixes)
            _SCANS.clear()
        scan = _SCANS[key] = WholeWords(words)
    return scan


def offers_names(text: str, names: frozenset[str] | None) -> bool:
    """Could the module define one of `names` (any, when None)? Not unless it spells one
    as a whole word or re-exports with `import *` (a submodule of the same name is found
    by the link without the package's summary)."""
    if names is None:
        return True
    return any(_spelt(text, name) for name in names) or _star_import(text)


def _spelt(text: str, name: str) -> bool:
    """Does `name` stand in the text as a whole word (python_prefilter.whole_words)?"""
    return next(whole_words(text, name), None) is not None


_WORD_CHAR = re.compile(r"\w")


def _bare(text: str, word: str) -> bool:
    """Is `word` used other than as a module whose attribute is taken (`nn.Module`) or
    imported (`from torch import nn`)? A comment does not count; a string does; prose does
    not: a name followed by another name that is no keyword (`distributed training` in a
    docstring) is never code, Python has no `NAME NAME`."""
    # The word first (not `\b`): a pattern that starts with a literal is searched for
    # with a fast substring scan; the word boundary before it is tested here.
    for found in re.finditer(rf"{re.escape(word)}(?!\w)(?![ \t]*\.)", text):
        if found.start() > 0 and _WORD_CHAR.match(text, found.start() - 1):
            continue
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        line = text[start : end if end >= 0 else len(text)]
        if line.lstrip().startswith(("from ", "import ")) and ";" not in line:
            continue
        if _in_comment(text, found.start()):
            continue
        following = _NEXT_NAME.match(text, found.end())
        if following is not None and not _is_keyword(following.group(1)):
            continue
        return True
    return False


def _follows(text: str, word: str) -> bool:
    """Could `word` be taken from a submodule here (`nn.parallel`, `from torch.nn import
    parallel`, `getattr(nn, "parallel")`)? Only after a `.`, in an import list (after
    `import`, `,` or `(`) or quoted, whatever blanks, line breaks and comments stand
    between; never in a comment nor in prose (`tensor-parallel`, `in parallel`). After a
    star import (of the package, or of a module that may have imported the word from
    it), anywhere it is spelt."""
    spelt = False
    for at in whole_words(text, word):
        spelt = True
        if _in_comment(text, at):
            continue
        last = _code_before(text, at)
        if (last >= 0 and text[last] in ".,(\"'") or (
            last >= 5
            and text.startswith("import", last - 5)
            and (last < 6 or not _WORD_CHAR.match(text[last - 6]))
        ):
            return True
    return spelt and _star_import(text)


_BLANKS = " \t\r\n\f\v\\"


def _code_before(text: str, at: int) -> int:
    """Where the code before `at` ends: past blanks, line breaks, continuations and the
    comments at the end of the lines before (-1 at the start of the text)."""
    last = at - 1
    while True:
        while last >= 0 and text[last] in _BLANKS:
            last -= 1
        if last < 0 or not _in_comment(text, last):
            return last
        last = text.find("#", _line_start(text, last), last + 1) - 1


def _in_comment(text: str, at: int) -> bool:
    """Is the character at `at` a `#`, or after one on its line, that starts a comment?
    Not when a quote stands before the `#` on the line, when the line before ends with a
    backslash, nor when the line starts inside a triple-quoted string (an odd number of
    them before it): there the `#` may be in a string, and the word is taken as code,
    which is safe."""
    start = _line_start(text, at)
    hash_at = text.find("#", start, at + 1)
    if hash_at < 0 or "'" in text[start:hash_at] or '"' in text[start:hash_at]:
        return False
    if text.endswith(("\\\n", "\\\r\n", "\\\r"), 0, start):
        return False  # a line continued with a backslash: maybe inside a string
    return _triple_quotes_before(text, start) % 2 == 0


_COUNTED_ASKS = 4  # per text: then its triple quotes are found once (a file of comments)
_last_quotes: tuple[str, int, list[int] | None] = ("", 0, None)


def _triple_quotes_before(text: str, start: int) -> int:
    """How many triple quotes stand before `start`: counted where asked (most texts are
    asked once or twice), then, for a text asked more, from their places found once. (The
    two spellings share no character: the counts add up to a left-to-right scan's.)"""
    global _last_quotes
    memo = _last_quotes  # (one read: the server's two lint threads may replace it)
    asked, places = (memo[1] + 1, memo[2]) if memo[0] is text else (1, None)
    if places is None and asked > _COUNTED_ASKS:
        places = [found.start() for found in _TRIPLE_QUOTE.finditer(text)]
    _last_quotes = (text, asked, places)
    if places is not None:
        return bisect.bisect_left(places, start)
    return text.count('"""', 0, start) + text.count("'''", 0, start)


_TRIPLE_QUOTE = re.compile("\"\"\"|'''")


def _line_start(text: str, at: int) -> int:
    return max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1


def _star_import(text: str) -> bool:
    """Is there a star import (`from x import *`, also `import*`, after `try:` or `;`, or
    continued with a backslash)? Anywhere in the text, a docstring too: over-counting only
    parses more."""
    return _ANY_STAR_IMPORT.search(text) is not None


_ANY_STAR_IMPORT = re.compile(r"import[ \t]*(?:\\\r?\n[ \t]*)?\*")


_NEXT_NAME = re.compile(r"[ \t]+([^\W\d]\w*)")


def _is_keyword(name: str) -> bool:
    return keyword.iskeyword(name) or keyword.issoftkeyword(name)


_ITEM = re.compile(r"([A-Za-z_][\w.]*|\*)")
_COMMENT = re.compile(r"#[^\n]*")


def project_imports(text: str, sdk_roots: frozenset[str]) -> list[str]:
    """The imports that may name the project's own modules, as "module:name" ("module:"
    for a whole module or a star import): relative ones, and absolute ones whose package
    is neither the standard library nor one rules name."""
    return _imports(text, sdk_roots)[1]


def _imports(text: str, sdk_roots: frozenset[str]) -> tuple[set[str], list[str]]:
    """(the first names of every module the text may import, `project_imports`), from one
    scan. The first: the analyzer makes an SDK value only from an import (`import openai`,
    `from openai.types import X`, also in a function or after `try:`), so a module that
    spells `openai` in a docstring or a model id (`"openai/clip-vit-large-patch14"`)
    without importing it makes none of its own. Over-counting is safe: it only parses."""
    packages: set[str] = set()
    found: dict[str, None] = {}
    from_keywords = set()  # where the `import` of a `from ... import` stands
    for match in FROM_IMPORT_NAMES.finditer(text):
        from_keywords.add(text.find("import", match.end(1)))
        module = match.group(1)
        packages.add(module.split(".", 1)[0])
        if not _may_be_project(module, sdk_roots):
            continue
        listed = _COMMENT.sub("", match.group(2)).replace("\\", " ").strip().strip("()")
        for item in listed.split(","):
            name = _ITEM.match(item.strip())
            if name is not None:
                found[f"{module}:{'' if name.group(1) == '*' else name.group(1)}"] = None
    for match in IMPORT_MODULES.finditer(text):
        packages.update(_WORD.findall(match.group(1)))  # also `import` in a `from` line: safe
        if match.start() in from_keywords:
            continue  # the `import` of a `from ... import`
        for item in match.group(1).replace("\\", " ").split(","):
            module = item.split()[0] if item.split() else ""
            if module and _may_be_project(module, sdk_roots):
                parts = module.split(".")
                for end in range(1, len(parts) + 1):  # `import a.b` binds `a` and loads `a.b`
                    found[".".join(parts[:end]) + ":"] = None
    return packages, list(found)


def _may_be_project(module: str, sdk_roots: frozenset[str]) -> bool:
    if module.startswith("."):
        return True
    root = module.split(".", 1)[0]
    return (
        bool(root) and root not in sdk_roots and root not in sys.stdlib_module_names and root != "__future__"
    )
