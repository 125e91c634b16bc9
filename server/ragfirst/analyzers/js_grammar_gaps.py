"""Valid JS/TS that the tree-sitter grammars reject, rewritten so they parse.

tree-sitter's grammars lag the language and JSX in a few places that real projects use
every day: a bare `&` in JSX text or in an attribute's string, a keyword as a JSX name (`<Skeleton.default>`, the SVG
attribute `in=`), import attributes (`assert { type: "json" }`), invalid escapes in tagged
templates (`String.raw`), `import("x").T<U>` types. Node, TypeScript and every bundler
accept them, so they must not become RF000. Each rewrite is applied only inside an ERROR
node whose shape is the gap's, keeps the byte length and every newline (all positions stay
where they were) and never touches code that is analysed for meaning (names of JSX tags and
attributes, types, the raw text of a template).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import tree_sitter

MAX_ROUNDS = 8
"""Rewrite-and-reparse rounds per piece of code (one gap is usually fixed per round)."""

_KEYWORDS = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "enum",
        "await",
        "implements",
        "package",
        "protected",
        "interface",
        "private",
        "public",
    ]
)
_JSX_MEMBER_TAG = re.compile(rb"</?\s*[A-Za-z_$][\w$]*((?:\.[A-Za-z_$][\w$]*)+)")
_JSX_ATTRIBUTE = re.compile(rb"(?<=\s)([a-z]+)(?=\s*=\s*[\"'{])")
_IMPORT_ATTRIBUTES = re.compile(rb"((?:\"[^\"\n]*\"|'[^'\n]*')\s*)((?:assert|with)\s*\{[^{}]*\})")
_IMPORT_TYPE = re.compile(rb"\bimport\s*\(\s*(\"[^\"\n]*\"|'[^'\n]*')\s*\)(?=\s*\.)")

Rewrite = tuple[int, int, bytes]  # start byte, end byte, replacement of the same length


def _error_nodes(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """ERROR nodes, nested ones included."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error:
            yield node  # and the errors inside it: the gap may be a nested one
        stack.extend(reversed([c for c in node.children if c.has_error]))


def _in_jsx(node: tree_sitter.Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in ("jsx_element", "jsx_fragment")


def _bare_ampersand(node: tree_sitter.Node, code: bytes) -> list[Rewrite]:
    """`<p>Save & Close</p>`: React renders the `&` as text; the grammar wants `&amp;`."""
    first = node.children[0] if node.children else None
    if first is None or first.type != "&" or not _in_jsx(node):
        return []
    return [(first.start_byte, first.end_byte, b" ")]


def _attribute_ampersand(node: tree_sitter.Node, code: bytes) -> list[Rewrite]:
    """`<a href="/x?a=1&b=2">`: a JSX attribute string holds any `&` (only `&name;` is a
    character reference); the grammar rejects one that starts no reference. The `&`
    becomes a space (a query string's separator is no value a rule reads)."""
    string = node.parent
    if string is None or string.type != "string" or code[node.start_byte : node.start_byte + 1] != b"&":
        return []
    attribute = string.parent
    if attribute is None or attribute.type != "jsx_attribute":
        return []
    return [(node.start_byte, node.start_byte + 1, b" ")]


def _region(node: tree_sitter.Node) -> tuple[int, int]:
    """The error and what it broke: its parent statement or element (not the whole file),
    or the named sibling before it (`let x: T | import("y").Z<number>` errs at `<number>`)."""
    parent = node.parent
    if parent is not None and parent.type not in ("program", "statement_block", "ERROR"):
        return parent.start_byte, parent.end_byte
    previous = node.prev_named_sibling
    start = previous.start_byte if previous is not None else node.start_byte
    return start, node.end_byte


def _keyword_jsx_names(node: tree_sitter.Node, code: bytes) -> list[Rewrite]:
    """`<Skeleton.default>`, `<feBlend in="x">`: keywords are valid JSX names. Capitalised
    they are identifiers of the same length (tag and attribute names are never analysed)."""
    start, end = _region(node)
    text = code[start:end]
    if b"<" not in text:
        return []
    rewrites = []
    for match in _JSX_MEMBER_TAG.finditer(text):
        offset = match.start(1)
        for part in match.group(1).split(b".")[1:]:
            offset += 1
            if part.decode("ascii", errors="ignore") in _KEYWORDS:
                rewrites.append((start + offset, start + offset + 1, part[:1].upper()))
            offset += len(part)
    for match in _JSX_ATTRIBUTE.finditer(text):
        word = match.group(1)
        if word.decode("ascii") in _KEYWORDS and b"<" in text[: match.start()]:
            rewrites.append((start + match.start(1), start + match.start(1) + 1, word[:1].upper()))
    return rewrites


def _import_attributes(node: tree_sitter.Node, code: bytes) -> list[Rewrite]:
    """`import d from "./d.json" assert { type: "json" }` (the older spelling of `with`) and
    `export { default } from "./d.json" with { type: "json" }`: the attributes are blanked
    (they say how to load the module, not what it is)."""
    start, end = _region(node)
    text = code[start : end + 200]  # the error may stop at the clause's `{`
    if b"import" not in text and b"export" not in text:
        return []
    rewrites = []
    for match in _IMPORT_ATTRIBUTES.finditer(text):
        clause = match.group(2)
        blank = bytes(b if b in b"\r\n" else 0x20 for b in clause)
        rewrites.append((start + match.start(2), start + match.end(2), blank))
    return rewrites


def _tagged_template_escape(node: tree_sitter.Node, code: bytes) -> list[Rewrite]:
    """String.raw`C:\\unicode\\x`: a tagged template may hold any escape (ES2018); only an
    untagged template with `\\u{zz}` is a real error. The backslash becomes a slash."""
    template = node.parent
    if template is None or template.type != "template_string":
        return []
    call = template.parent
    if call is None or call.type != "call_expression" or call.child_by_field_name("arguments") != template:
        return []
    start = node.start_byte
    text = code[start : node.end_byte]
    return [(start + index, start + index + 1, b"/") for index, byte in enumerate(text) if byte == 0x5C]


def _import_types(code: bytes) -> list[Rewrite]:
    """`role: import("./x").T["role"]`, `(a: import("./x").T<U>)`: types the grammar cannot
    read in every position, and its recovery may put the error lines away from them. In a
    file that has errors, each `import("./x")` in a type position (after `:`, `<`, `,`,
    `|`, `&`) becomes an identifier of the same length (types are not analysed; a dynamic
    `import()` in an expression follows `=`, `(`, `await` or `return`, never these)."""
    rewrites = []
    for match in _IMPORT_TYPE.finditer(code):
        before = code[max(0, match.start() - 200) : match.start()].rstrip()
        if before.endswith((b":", b"<", b",", b"|", b"&")) and not before.endswith((b"||", b"&&", b"?:")):
            rewrites.append((match.start(), match.end(), b"_" * (match.end() - match.start())))
    return rewrites


_GAPS: tuple[Callable[[tree_sitter.Node, bytes], list[Rewrite]], ...] = (
    _bare_ampersand,
    _attribute_ampersand,
    _keyword_jsx_names,
    _import_attributes,
    _tagged_template_escape,
)


def rewrites_for(root: tree_sitter.Node, code: bytes, dialect: str) -> list[Rewrite]:
    """The rewrites that fill the grammar gaps found in this tree's ERROR nodes."""
    found: list[Rewrite] = []
    for node in _error_nodes(root):
        for gap in _GAPS:
            if gap in (_bare_ampersand, _attribute_ampersand, _keyword_jsx_names) and dialect == "typescript":
                continue  # .ts files have no JSX
            found.extend(gap(node, code))
    if dialect in ("typescript", "tsx") and root.has_error:
        found.extend(_import_types(code))
    return found


def apply(code: bytes, rewrites: list[Rewrite]) -> bytes:
    """The code with each rewrite applied (all keep their length and their line breaks:
    positions do not move)."""
    buffer = bytearray(code)
    for start, end, replacement in rewrites:
        if len(replacement) == end - start and all(
            kept == new for kept, new in zip(code[start:end], replacement, strict=True) if kept in b"\r\n"
        ):
            buffer[start:end] = replacement
    return bytes(buffer)


def parse_filling_gaps(
    parser: tree_sitter.Parser, code: bytes, dialect: str
) -> tuple[tree_sitter.Tree, bytes]:
    """Parse; while ERROR nodes have the shape of a known grammar gap, rewrite and reparse.
    Returns the final tree and the bytes it was parsed from (same length as `code`)."""
    tree = parser.parse(code)
    for _ in range(MAX_ROUNDS):
        if not tree.root_node.has_error:
            break
        rewrites = rewrites_for(tree.root_node, code, dialect)
        patched = apply(code, rewrites)
        if patched == code:
            break
        code = patched
        tree = parser.parse(code)
    return tree, code
