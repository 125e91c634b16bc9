"""Syntax-only helpers of the Python analyzer: a callee's dotted text, and the file's
comments (python_analyzer.py keeps the walk and the value model)."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from ragfirst.analyzers.facts import CommentFact
from ragfirst.source import SourceText


def dotted_text(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(dotted_text(node.func) + "()")
    else:
        parts.append("?")
    return ".".join(reversed(parts))


_SUPPRESSION_MARKER = re.compile(r"ragfirst\s*:", re.IGNORECASE)


def has_marker(source: SourceText) -> bool:
    """A `ragfirst:` comment may be in the file (a case-insensitive search of the whole
    text is slow; in ASCII text, lower-casing finds every spelling the regex would)."""
    if source.is_ascii and "ragfirst" not in source.text.lower():
        return False
    return _SUPPRESSION_MARKER.search(source.text) is not None


def collect_comments(source: SourceText) -> list[CommentFact]:
    """Real comments only (a `#` inside a string is not one), via the tokenizer."""
    comments: list[CommentFact] = []
    try:
        # The tokenizer's readline splits on "\n" only: feed it the same lines as SourceText
        # (CRLF and lone CR too), so comment positions match every other position.
        tokens = tokenize.generate_tokens(io.StringIO("\n".join(source.lines)).readline)
        for token in tokens:
            if token.type == tokenize.COMMENT:
                line, col = token.start
                before = source.line(line)[:col]
                comments.append(CommentFact(line, col, token.string[1:].strip(), not before.strip()))
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments
