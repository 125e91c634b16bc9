"""Tree-sitter set-up for the JS/TS analyzer: grammars, parsers, the comment query, the
`<script>` blocks of components, and which parse errors make a file's RF000.

Grammars and queries are created once per process on first use (under a lock: language-
server worker threads may race there); parsers are per thread (not thread-safe).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

TYPE_ONLY_NODES = frozenset(
    {"type_alias_declaration", "interface_declaration", "ambient_declaration", "type_annotation"}
)
_TYPE_NODES = frozenset(
    {
        "type_parameters",
        "type_parameter",
        "type_arguments",
        "type_identifier",
        "predefined_type",
        "generic_type",
    }
)
# Expression wrappers the analyzer sees through (their first child is the value).
TRANSPARENT_NODES = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    }
)
FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
# Attributes may quote a `>`: `<script setup lang="ts" generic="T extends Map<K, V>">`.
_SCRIPT_BLOCK = re.compile(
    rb"""<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>(.*?)</script\s*>""", re.IGNORECASE | re.DOTALL
)
_LANG_ATTR = re.compile(rb"""\blang\s*=\s*["']?([A-Za-z]+)""", re.IGNORECASE)

_LANGUAGES: dict[str, tree_sitter.Language] = {}
_COMMENT_QUERIES: dict[str, tree_sitter.Query] = {}
_LOCAL = threading.local()
_INIT_LOCK = threading.Lock()


def _language(dialect: str) -> tree_sitter.Language:
    language = _LANGUAGES.get(dialect)
    if language is not None:
        return language
    with _INIT_LOCK:
        language = _LANGUAGES.get(dialect)  # another thread may have finished meanwhile
        if language is None:
            if dialect == "typescript":
                capsule = tree_sitter_typescript.language_typescript()
            elif dialect == "tsx":
                capsule = tree_sitter_typescript.language_tsx()
            else:
                capsule = tree_sitter_javascript.language()
            language = tree_sitter.Language(capsule)
            # The query first: a thread that finds the language without the lock also
            # reads its comment query (a KeyError in a language-server worker otherwise).
            _COMMENT_QUERIES[dialect] = tree_sitter.Query(language, "(comment) @comment")
            _LANGUAGES[dialect] = language
    return language


def comment_query(dialect: str) -> tree_sitter.Query:
    """The comment query of a dialect (created with its grammar on first use)."""
    query = _COMMENT_QUERIES.get(dialect)
    if query is None:
        _language(dialect)
        query = _COMMENT_QUERIES[dialect]
    return query


def _parser(dialect: str) -> tree_sitter.Parser:
    # Parsers are not thread-safe; the language server analyses in worker threads.
    parsers = getattr(_LOCAL, "parsers", None)
    if parsers is None:
        parsers = _LOCAL.parsers = {}
    parser = parsers.get(dialect)
    if parser is None:
        parser = parsers[dialect] = tree_sitter.Parser(_language(dialect))
    return parser


def dialect_for(path: str) -> str:
    lowered = path.lower()
    if lowered.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    if lowered.endswith(".tsx"):
        return "tsx"
    return "javascript"


def script_blocks(data: bytes) -> list[tuple[int, int, str]]:
    """(start byte, end byte, dialect) of each `<script>` block's content."""
    blocks = []
    for match in _SCRIPT_BLOCK.finditer(data):
        attrs = match.group(1)
        if re.search(rb"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        lang = _LANG_ATTR.search(attrs)
        kind = lang.group(1).lower() if lang else b"js"
        dialect = {b"ts": "typescript", b"typescript": "typescript", b"tsx": "tsx"}.get(kind, "javascript")
        blocks.append((match.start(2), match.end(2), dialect))
    return blocks


def _error_nodes(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """ERROR and MISSING nodes in document order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))


def _in_type_code(node: tree_sitter.Node) -> bool:
    """An error inside (or right after) a type-only declaration: the grammars have gaps
    there (`type T<R> = import("m").X<R>`) and that code is never analysed, so it is no
    reason to refuse the file."""
    parent = node.parent
    while parent is not None and parent.type not in ("program", "statement_block"):
        if parent.type in TYPE_ONLY_NODES:
            return True
        parent = parent.parent
    if node.is_error and node.parent is not None and node.parent.type == "export_statement":
        # `export type * from "./types"` (TypeScript 5.0) is not in the grammar yet.
        return [child.type for child in node.children] == ["type"]
    if node.is_error:
        previous = node.prev_named_sibling
        named = node.named_children
        return (
            previous is not None
            and previous.type in TYPE_ONLY_NODES
            and bool(named)
            and all(child.type in _TYPE_NODES for child in named)
        )
    return False


def syntax_error(root: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((node for node in _error_nodes(root) if not _in_type_code(node)), None)
