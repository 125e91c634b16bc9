"""Could a module's own string literals make a value that holds a needle a rule looks for?

The link reads an import's constants for a text given first to a call only if the value
holds a needle (`text_imports`, engine/constant_readers.py): SQL with a pgvector column,
for the RAG check. Finding out means parsing the imported module for its constants, and
the modules its name depends on; a module imported by hundreds of files (a library's
mixins, its `Features`) is parsed although nothing in it can be such a text. A value can
only hold what some literal of the modules it is computed from spells, so a module is
asked only when one module of its import closure may spell it (python_link.py
`TextClosures`). This is the per-module test.

For the pgvector needle the value matters only with a column type in it (`vector(1536)`,
`halfvec(3)`: analyzers/sql_analyzer.py `_TYPE`), so a literal must spell a type followed
by `(` or end after it (`"vector" + "(3)"`). The text is scanned first; a module that may
spell one is parsed and its literals tested, docstrings left out (no value holds a bare
string statement: diffusers' "random vector (stochastic centering)"). Other needles: the
needle anywhere in the text, in any case. Both say "maybe" when unsure (a module that
does not parse, an escape before or after the type: `"\\tvector\\x28"`), never "no"
wrongly but for a type spelt across literals (`"vec" + "tor(3)"`, `"vec" "tor(3)"`), with
an escape inside its name (`"\\x76ector(3)"`) or computed by the program.
"""

from __future__ import annotations

import ast
import re

from ragfirst.analyzers.sql_analyzer import VECTOR_TYPES

VECTOR_NEEDLE = "vector"  # the RAG check's needle (checks/rag.py `constant_readers`)
# A column type in a literal's value: followed by `(` in it, or ending it.
_TYPE_IN_VALUE = re.compile(rf"\b(?:{'|'.join(VECTOR_TYPES)})[ \t]*(?:\(|\Z)", re.IGNORECASE)
_BLANK = b" \t"
_AFTER_TYPE = b"(\"'\\"  # `(`; a quote ending the literal; a backslash (an escape, a continuation)


def may_spell(data: bytes, needle: str) -> bool:
    """May a literal of this module (its bytes, decoded as `text`) make a value that holds
    `needle` (lower case) where the rule that asks for it looks?"""
    if needle == VECTOR_NEEDLE:
        return _may_spell_vector_type(data)
    # Only `İ` and the Kelvin sign lower to ASCII letters (`i`, `k`): other needles are
    # found in the bytes lowered as ASCII
    if not needle.isascii() or "i" in needle or "k" in needle:
        return True
    return needle.encode() in data.lower()


def _may_spell_vector_type(data: bytes) -> bool:
    # ASCII case only: a type name is ASCII (a byte of another character before one is
    # taken as a word's end: more candidates, never fewer)
    lowered = data.lower()
    if not any(_type_spelt(lowered, name.encode()) for name in VECTOR_TYPES):
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # unsure: maybe
    return _literal_spells_type(tree)


_BACKSLASH = ord("\\")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _type_spelt(lowered: bytes, name: bytes) -> bool:
    """Is `name` spelt as a word (or after an escape: `\\tvector`, `\\x20vector`) followed,
    past blanks, by `(`, a quote or a backslash?"""
    at = lowered.find(name)
    while at >= 0:
        end = at + len(name)
        while end < len(lowered) and lowered[end] in _BLANK:
            end += 1
        if end < len(lowered) and lowered[end] in _AFTER_TYPE and _word_starts(lowered, at):
            return True
        at = lowered.find(name, at + 1)
    return False


def _word_starts(lowered: bytes, at: int) -> bool:
    """Does a word start at `at` in the value the source spells? Not after a letter, digit
    or `_`, unless those follow a backslash: an escape (`\\t`, `\\x20`, `\\u00a0`) is
    one character of the value, a blank or another."""
    start = at
    while start > 0 and lowered[start - 1] in _WORD_BYTES:
        start -= 1
    return start == at or (start > 0 and lowered[start - 1] == _BACKSLASH)


def _literal_spells_type(tree: ast.AST) -> bool:
    """Does a string literal other than a bare string statement spell a column type?"""
    statements: set[int] = set()
    literals: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                literals.append(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            statements.add(id(node.value))
    return any(id(node) not in statements and _TYPE_IN_VALUE.search(node.value) for node in literals)
