"""JS/TS edits through tree-sitter node ranges: find the call a finding points at, then
insert, rename or replace inside its options object by the byte ranges of its nodes.

Plain JS/TS modules (`.js`, `.ts`, `.tsx`, ...) are parsed as they are. A Vue or Svelte
component is parsed as its `<script>` blocks with every other character turned into a
space (line breaks kept): every line and column is the component's own, so an edit found
in that text applies to the component unchanged (`source_for`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter

from ragfirst.analyzers.js_analyzer import _parser, dialect_for
from ragfirst.fixes.text_edits import EditError, line_starts, offset, span_of
from ragfirst.model import Span, TextEdit

_CALLS = ("call_expression", "new_expression")
PLAIN_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
COMPONENT_SUFFIXES = (".vue", ".svelte")
_NOT_A_BREAK = re.compile(r"[^\r\n]")


@dataclass(frozen=True, slots=True)
class JsCall:
    text: str
    data: bytes
    node: tree_sitter.Node
    options_node: tree_sitter.Node | None = None  # an object defined elsewhere (`shared_options`)

    def span(self, node: tree_sitter.Node) -> Span:
        return self.span_bytes(node.start_byte, node.end_byte)

    def span_bytes(self, begin: int, end: int) -> Span:
        return span_of(self.text, self._char(begin), self._char(end))

    def _char(self, byte: int) -> int:
        return byte_columns(self.text).to_char(byte)

    def options(self) -> tree_sitter.Node | None:
        """The call's first object-literal argument (`create({...})`, `new ChatOpenAI({...})`)."""
        if self.options_node is not None:
            return self.options_node
        args = self.node.child_by_field_name("arguments")
        if args is None:
            return None
        for child in args.named_children:
            if child.type == "object":
                return child
        return None

    def entry(self, name: str) -> tree_sitter.Node | None:
        obj = self.options()
        if obj is None:
            return None
        for child in obj.named_children:
            key = child.child_by_field_name("key") if child.type == "pair" else None
            if key is not None and _key_text(key, self.data) == name:
                return child
            if child.type == "shorthand_property_identifier" and _node_text(child, self.data) == name:
                return child
        return None

    @property
    def spread(self) -> bool:
        obj = self.options()
        return obj is not None and any(c.type == "spread_element" for c in obj.named_children)


def _node_text(node: tree_sitter.Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def _key_text(key: tree_sitter.Node, data: bytes) -> str:
    return _node_text(key, data).strip("'\"")


def plain_module(path: str) -> bool:
    return path.lower().endswith(PLAIN_SUFFIXES)


def editable(path: str) -> bool:
    """A JS/TS file whose code this module edits: a module, or a component's scripts."""
    return path.lower().endswith(PLAIN_SUFFIXES + COMPONENT_SUFFIXES)


def source_for(text: str, path: str) -> tuple[str, str] | None:
    """The text to parse for `path` and the path that names its dialect: a module as it
    is; a component as its script blocks in place (`App.vue.ts` for `lang="ts"`); None
    for anything else."""
    if plain_module(path):
        return text, path
    if not path.lower().endswith(COMPONENT_SUFFIXES):
        return None
    return _component_scripts(text, path)


@lru_cache(maxsize=4)
def _component_scripts(text: str, path: str) -> tuple[str, str] | None:
    from ragfirst.analyzers.js_analyzer import script_blocks

    data = text.encode("utf-8", errors="surrogatepass")
    blocks = script_blocks(data)
    if not blocks:
        return None
    masked: list[str] = []
    cursor = 0
    for start, end, _dialect in blocks:
        masked.append(_NOT_A_BREAK.sub(" ", data[cursor:start].decode("utf-8", errors="replace")))
        masked.append(data[start:end].decode("utf-8", errors="replace"))
        cursor = end
    masked.append(_NOT_A_BREAK.sub(" ", data[cursor:].decode("utf-8", errors="replace")))
    dialects = {dialect for _, _, dialect in blocks}
    suffix = ".tsx" if "tsx" in dialects else ".ts" if "typescript" in dialects else ".js"
    return "".join(masked), path + suffix


@lru_cache(maxsize=4)
def parse(text: str, path: str) -> tuple[bytes, tree_sitter.Tree]:
    """The text's UTF-8 bytes and tree, kept for the last few texts: every finding of a
    file (1,100 in a minified bundle) asks for the same tree."""
    data = text.encode("utf-8")
    return data, _parser(dialect_for(path)).parse(data)


class _ByteColumns:
    """String offset <-> UTF-8 byte offset in O(log n): only non-ASCII characters shift
    them, so their places and the running count of extra bytes are kept."""

    def __init__(self, text: str) -> None:
        self.chars: list[int] = []
        self.bytes: list[int] = []
        self.extra: list[int] = []
        total = 0
        for match in _NON_ASCII.finditer(text):
            self.chars.append(match.start())
            self.bytes.append(match.start() + total)
            total += len(match.group().encode("utf-8", errors="surrogatepass")) - 1
            self.extra.append(total)

    def to_byte(self, char: int) -> int:
        index = bisect_left(self.chars, char)
        return char + (self.extra[index - 1] if index else 0)

    def to_char(self, byte: int) -> int:
        index = bisect_left(self.bytes, byte)
        return byte - (self.extra[index - 1] if index else 0)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4)
def byte_columns(text: str) -> _ByteColumns:
    return _ByteColumns(text)


def call_at(text: str, path: str, span: Span) -> JsCall | None:
    """The call or `new` expression that starts where `span` starts and whose callee ends
    where it ends (a call finding's range is its callee)."""
    source = source_for(text, path)
    if source is None:
        return None
    text, path = source
    starts = line_starts(text)
    try:
        begin = offset(text, starts, span.start_line, span.start_col)
        end = offset(text, starts, span.end_line, span.end_col)
    except EditError:
        return None
    data, tree = parse(text, path)
    begin_byte = byte_columns(text).to_byte(begin)
    end_byte = byte_columns(text).to_byte(end)
    node = tree.root_node.descendant_for_byte_range(begin_byte, end_byte)
    while node is not None:
        if node.type in _CALLS:  # `new X(...)`: the finding's range is `X`, after `new`
            callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            if callee is not None and (callee.start_byte, callee.end_byte) == (begin_byte, end_byte):
                return JsCall(text, data, node)
        node = node.parent
    return None


def shared_options(call: JsCall) -> JsCall | None:
    """`const opts = {...}; generateText(opts)`: the call with `opts`'s object literal as
    its options, when the call's first argument is a name with exactly one definition in
    the file (one declarator, never assigned again) whose value is an object literal, and
    the name is used nowhere else than as the first argument of calls to the same function
    (`Object.assign(opts, ...)`, `opts.x = ...`, `{ ...opts }` or `setUp(opts)` might set
    a cap, or read an object a cap would change)."""
    if call.options() is not None:
        return None
    args = call.node.child_by_field_name("arguments")
    first = next((c for c in args.named_children if c.type != "comment"), None) if args else None
    if first is None or first.type != "identifier":
        return None
    name = _node_text(first, call.data)
    callee = call.node.child_by_field_name("function") or call.node.child_by_field_name("constructor")
    callee_text = _node_text(callee, call.data) if callee is not None else None
    values = []
    stack = [_root(call.node)]
    while stack:
        node = stack.pop()
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            if target is not None and _node_text(target, call.data) == name:
                values.append(node.child_by_field_name("value"))
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and _node_text(left, call.data) == name:
                return None  # assigned again: which object reaches the call is not one
        elif (
            node.type in ("identifier", "shorthand_property_identifier")
            and _node_text(node, call.data) == name
        ):
            if not _declared_or_passed(node, callee_text, call.data):
                return None
        elif node.type in ("formal_parameters", "required_parameter", "optional_parameter") and any(
            _node_text(c, call.data) == name for c in node.named_children if c.type == "identifier"
        ):
            return None  # a parameter of the same name shadows it somewhere
        stack.extend(node.named_children)
    if len(values) != 1 or values[0] is None or values[0].type != "object":
        return None
    return JsCall(call.text, call.data, call.node, values[0])


def _declared_or_passed(node: tree_sitter.Node, callee_text: str | None, data: bytes) -> bool:
    """Is this use of the name its declaration, or the first argument of a call to
    `callee_text`?"""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
        return True
    if parent.type != "arguments" or parent.named_children[0] != node:
        return False
    call = parent.parent
    function = (
        call.child_by_field_name("function") or call.child_by_field_name("constructor") if call else None
    )
    return function is not None and _node_text(function, data) == callee_text


def _root(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.parent is not None:
        node = node.parent
    return node


def add_property(call: JsCall, name: str, value_code: str) -> TextEdit | None:
    """Add `name: value` to the options object, after its last entry, on its own line when
    the entries are one per line."""
    obj = call.options()
    if obj is None:
        return None
    entries = obj.named_children
    entries = [e for e in entries if e.type != "comment"]
    if not entries:
        inner = obj.start_byte + 1
        return TextEdit(call.span_bytes(inner, obj.end_byte - 1), f" {name}: {value_code} ")
    last = entries[-1]
    if last.start_point.row > obj.start_point.row:
        line_start = call.data.rfind(b"\n", 0, last.start_byte) + 1
        indent = call.data[line_start : last.start_byte].decode("utf-8", errors="replace")
        if indent.strip():
            indent = ""
        after = call.data[last.end_byte : obj.end_byte]
        trailing = after.lstrip().startswith(b",")
        if trailing:
            comma = last.end_byte + after.index(b",") + 1
            return TextEdit(call.span_bytes(comma, comma), f"\n{indent}{name}: {value_code},")
        return TextEdit(call.span_bytes(last.end_byte, last.end_byte), f",\n{indent}{name}: {value_code}")
    return TextEdit(call.span_bytes(last.end_byte, last.end_byte), f", {name}: {value_code}")


def rename_property(call: JsCall, old: str, new: str) -> TextEdit | None:
    node = call.entry(old)
    if node is None:
        return None
    if node.type == "pair":
        key = node.child_by_field_name("key")
        return TextEdit(call.span(key), new) if key is not None else None
    return TextEdit(call.span(node), f"{new}: {old}")  # `{ maxTokens }` -> `{ maxOutputTokens: maxTokens }`


def replace_property_value(call: JsCall, name: str, value_code: str) -> TextEdit | None:
    node = call.entry(name)
    if node is None:
        return None
    if node.type == "pair":
        value = node.child_by_field_name("value")
        return TextEdit(call.span(value), value_code) if value is not None else None
    return TextEdit(call.span(node), f"{name}: {value_code}")


def js_parses(text: str, path: str) -> bool:
    source = source_for(text, path)
    if source is None:
        return True
    _, tree = parse(*source)
    return not tree.root_node.has_error
