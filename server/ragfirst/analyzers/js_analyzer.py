"""JavaScript/TypeScript analyzer: one tree-sitter parse, one walk, the same facts as Python.

Files: .js .mjs .cjs .jsx (the JavaScript grammar, JSX included), .ts .mts .cts (the
TypeScript grammar), .tsx (TSX), and the `<script>` blocks of .vue and .svelte files
(`lang="ts"` selects TypeScript); positions always point into the original file.

Qualified names follow the Python analyzer's convention, so that one pattern style fits
both languages (`()` means "an instance of / the result of calling"):

- `import OpenAI from "openai"` and `const OpenAI = require("openai")` bind the module's
  default export, `openai.default`; `new OpenAI()` is `openai.default()`. A member of a
  default binding reaches the module's named export (`fs.createReadStream`,
  `OpenAI.toFile` -> `openai.toFile`), as it does for CommonJS modules at runtime;
- `import { OpenAI as O } from "openai"` and `const { OpenAI } = require("openai")`:
  `openai.OpenAI`; `import * as ai from "ai"` and `await import("ai")`: the module, `ai`;
- scoped packages keep their spelling as the first segment
  (`@pinecone-database/pinecone.Pinecone()`); `node:` prefixes and the `.js` extension of
  a package subpath are dropped (`node:fs` -> `fs`);
- relative imports and project aliases (`./lib/openai`, `@/lib/openai`, `~/x`, `#x`) name
  the project's own modules: their bindings are rooted at `@local<k>` (k indexes
  `FileFacts.local_modules`) and resolved across files by the engine, through what that
  module exports (`FileFacts.exports`: `export const openai = new OpenAI()` records
  `openai -> openai.default()`);
- `new X()` and `X()` both give `<X>()`; `await`, parentheses, optional chaining and the
  TypeScript wrappers `as`, `satisfies`, `!` and `<T>x` are transparent.

Values (like the Python analyzer's): `Sym` (something from outside the file), `Lit`
(literals), `Obj`/`Arr` (object and array literals, so that `const body = {...}` passed
later still has known properties), and the file's own functions, classes and instances,
so that a client stored in a class field resolves in its methods while a user's own
class named `OpenAI` never becomes the SDK.
"""

from __future__ import annotations

import posixpath
import re
import threading
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from ragfirst.analyzers.facts import (
    LOCAL_ROOT,
    UNKNOWN,
    ArgFact,
    CallFact,
    CommentFact,
    EnvReadFact,
    FileFacts,
    ImportFact,
    StringFact,
    SyntaxErrorFact,
)
from ragfirst.analyzers.js_grammar_gaps import parse_filling_gaps
from ragfirst.analyzers.js_suffixes import EMBEDDED_SUFFIXES
from ragfirst.data.data_files import FILE_MARKER, join_path
from ragfirst.data.secrets import looks_like_context_secret
from ragfirst.model import Span
from ragfirst.source import SourceText

# Declaration files hold types only: nothing runs, so there is nothing to analyse.
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
MAX_LITERAL_DEPTH = 16
MAX_CALL_DEPTH = 16
SECRET_MIN_LENGTH = 20  # shorter literals cannot be API keys of any listed format

# openai-node's `client.withOptions({...})` returns the same resource tree.
TRANSPARENT_METHODS = frozenset({"withOptions"})
# Calls whose result is "that file" for data-file resolution (like Python's open()).
FILE_READERS = frozenset(
    {
        "fs.createReadStream",
        "fs.readFileSync",
        "fs.openAsBlob",
        "fs.openSync",
        "fs.promises.readFile",
        "fs.promises.open",
        "fs/promises.readFile",
        "fs/promises.open",
        "openai.toFile",
        "openai/uploads.toFile",
    }
)
PATH_JOINS = frozenset(
    {
        "path.join",
        "path.resolve",
        "path.posix.join",
        "path.posix.resolve",
        "path/posix.join",
        "path/posix.resolve",
    }
)
PATH_DIRNAMES = frozenset({"path.dirname", "path.posix.dirname", "path/posix.dirname"})
FILE_URL_TO_PATH = frozenset({"url.fileURLToPath"})
# SvelteKit modules whose every name is an environment variable (`$env/dynamic/*` export `env`).
ENV_MODULES = frozenset({"$env/static/public", "$env/static/private"})
ENV_OBJECT_MODULES = frozenset({"$env/dynamic/public", "$env/dynamic/private"})

# Nodes that only carry types (or nothing) at runtime: never walked.
_SKIP = frozenset(
    {
        "comment",
        "hash_bang_line",
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "abstract_method_signature",
        "method_signature",
        "property_signature",
        "index_signature",
        "function_signature",
        "regex",
        "empty_statement",
        "debugger_statement",
        "break_statement",
        "continue_statement",
        "property_identifier",
        "private_property_identifier",
        "statement_identifier",
        "type_identifier",
        "predefined_type",
        "import",
        "meta_property",
        "jsx_text",
        "html_comment",
        "string_fragment",
        "escape_sequence",
    }
)
_TYPE_ONLY = frozenset(
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
_TRANSPARENT = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    }
)
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_CLASSES = frozenset({"class", "class_declaration", "abstract_class_declaration"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# Attributes may quote a `>`: `<script setup lang="ts" generic="T extends Map<K, V>">`.
_SCRIPT_BLOCK = re.compile(
    rb"""<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>(.*?)</script\s*>""", re.IGNORECASE | re.DOTALL
)
_LANG_ATTR = re.compile(rb"""\blang\s*=\s*["']?([A-Za-z]+)""", re.IGNORECASE)
_NEWLINES = re.compile(rb"\r\n|\r|\n")
_MODULE_EXTENSION = re.compile(r"\.(?:m|c)?js$")


# -- values ------------------------------------------------------------------------------


@dataclass(slots=True)
class Sym:
    qualname: str
    origin: int | None = None  # CallFact index that produced this value
    path: str | None = None  # a literal filesystem path (a read stream of a data file)
    module: str | None = None  # set on a default binding: `.x` reaches the module's export x


@dataclass(slots=True)
class Lit:
    value: Any


@dataclass(slots=True)
class _Deferred:
    """An exported module-level name, looked up once the whole module has run."""

    name: str


@dataclass(slots=True)
class Obj:
    """An object literal: property values, and the nodes they came from (for spans)."""

    props: dict[str, Value] = field(default_factory=dict)
    nodes: dict[str, tree_sitter.Node] = field(default_factory=dict)
    open: bool = False  # a spread or computed key we could not resolve


@dataclass(slots=True)
class Arr:
    items: list[Value]


@dataclass(slots=True)
class FuncVal:
    node: tree_sitter.Node
    scope: Scope
    qualname: str
    owner: ClassVal | None = None
    arrow: bool = False
    getter: bool = False
    analyzed: bool = False
    in_progress: bool = False
    returns: Value = None


@dataclass(slots=True)
class ClassVal:
    name: str
    bases: list[Value]
    attrs: dict[str, Value] = field(default_factory=dict)  # static fields and methods
    instance_attrs: dict[str, Value] = field(default_factory=dict)
    methods: dict[str, FuncVal] = field(default_factory=dict)

    def external_base(self) -> str | None:
        for base in self.bases:
            if isinstance(base, Sym):
                return base.qualname
            if isinstance(base, ClassVal):
                found = base.external_base()
                if found:
                    return found
        return None

    def lookup(self, name: str, static: bool) -> Value:
        found = self.attrs.get(name) if static else self.instance_attrs.get(name)
        if found is not None:
            return found
        for base in self.bases:
            if isinstance(base, ClassVal):
                found = base.lookup(name, static)
                if found is not None:
                    return found
        return None

    def find_method(self, name: str) -> FuncVal | None:
        if name in self.methods:
            return self.methods[name]
        for base in self.bases:
            if isinstance(base, ClassVal):
                found = base.find_method(name)
                if found is not None:
                    return found
        return None


@dataclass(slots=True)
class InstVal:
    cls: ClassVal


Value = Sym | Lit | Obj | Arr | FuncVal | ClassVal | InstVal | None


class Scope:
    __slots__ = ("function", "names", "parent", "qualname", "returns")

    def __init__(self, parent: Scope | None, qualname: str, function: bool) -> None:
        self.parent = parent
        self.names: dict[str, Value] = {}
        self.qualname = qualname
        self.function = function  # a function (or module) scope: `var` and `return` land here
        self.returns: list[Value] = []

    def lookup(self, name: str) -> tuple[bool, Value]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None

    def declaring(self, name: str) -> Scope | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope
            scope = scope.parent
        return None

    def function_scope(self) -> Scope:
        scope = self
        while not scope.function and scope.parent is not None:
            scope = scope.parent
        return scope


def literal_of(value: Value, _path: tuple[int, ...] = ()) -> Any:
    """The Python literal a value stands for (UNKNOWN inside where it is not a literal)."""
    if isinstance(value, Lit):
        return value.value
    if not isinstance(value, (Obj, Arr)):
        return UNKNOWN
    # `one.two = two; two.one = one` makes cycles; deep nesting is not a literal anyone reads.
    if id(value) in _path or len(_path) >= MAX_LITERAL_DEPTH:
        return UNKNOWN
    inner = (*_path, id(value))
    if isinstance(value, Obj):
        return {key: literal_of(item, inner) for key, item in value.props.items()}
    return [literal_of(item, inner) for item in value.items]


def _is_nullish(value: Value) -> bool:
    return value is None or (isinstance(value, Lit) and value.value is None)


def module_name(spec: str) -> str | None:
    """The qualname root for an import specifier; None for the project's own modules."""
    if not spec or spec.startswith((".", "/", "@/", "~", "#")) or "://" in spec:
        return None
    if spec.startswith("node:"):
        spec = spec[5:]
    elif spec.startswith("npm:"):  # Deno: npm:openai@4/sub
        spec = spec[4:]
        scoped = spec.startswith("@")
        head, slash, rest = spec.partition("/") if not scoped else (spec, "", "")
        if scoped:
            scope_part, _, remainder = spec.partition("/")
            name, slash, rest = remainder.partition("/")
            head = scope_part + "/" + name.split("@", 1)[0]
        else:
            head = head.split("@", 1)[0]
        spec = head + slash + rest
    parts = spec.split("/")
    package_len = 2 if spec.startswith("@") else 1
    if len(parts) > package_len:  # a subpath: `@mistralai/mistralai/funcs/x.js`
        spec = _MODULE_EXTENSION.sub("", spec)
    return spec or None


def _callee_qualname(value: Value) -> str | None:
    if isinstance(value, Sym):
        return value.qualname
    if isinstance(value, ClassVal):
        # Constructing a user subclass of an SDK class constructs that SDK class.
        return value.external_base()
    return None


# -- parsers -----------------------------------------------------------------------------

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


def _comment_query(dialect: str) -> tree_sitter.Query:
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
        if parent.type in _TYPE_ONLY:
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
            and previous.type in _TYPE_ONLY
            and bool(named)
            and all(child.type in _TYPE_NODES for child in named)
        )
    return False


def _syntax_error(root: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((node for node in _error_nodes(root) if not _in_type_code(node)), None)


# -- the analyzer ------------------------------------------------------------------------


class JsAnalyzer:
    """Walks one file (or the script blocks of one component); `analyze` returns its facts."""

    def __init__(self, source: SourceText, data: bytes | None = None) -> None:
        self.source = source
        self.data = source.text.encode("utf-8") if data is None else data
        self.line_starts = [0] + [m.end() for m in _NEWLINES.finditer(self.data)]
        self.base = 0  # byte offset of the block being walked within the file
        self.facts = FileFacts(language="javascript")
        self.module_scope = Scope(None, "<module>", True)
        self._pending: deque[tuple[FuncVal, Value]] = deque()
        self._exported: dict[str, Value | _Deferred] = {}  # exported name -> value (or local name)
        self._hoisted: set[int] = set()
        self._active = 0  # functions being analysed on demand (a call reached them)
        self._dispatch = {
            "program": self._block_in_place,
            "statement_block": self._block,
            "class_static_block": self._generic,
            "expression_statement": self._generic,
            "lexical_declaration": self._declaration,
            "variable_declaration": self._declaration,
            "function_declaration": self._function_declaration,
            "generator_function_declaration": self._function_declaration,
            "class_declaration": self._class_node,
            "abstract_class_declaration": self._class_node,
            "class": self._class_node,
            "import_statement": self._import_statement,
            "export_statement": self._export_statement,
            "return_statement": self._return,
            "for_in_statement": self._for_in,
            "for_statement": self._for,
            "catch_clause": self._catch,
            "identifier": self._identifier,
            "shorthand_property_identifier": self._identifier,
            "this": self._this,
            "undefined": self._undefined,
            "null": self._undefined,
            "true": self._true,
            "false": self._false,
            "string": self._string_value,
            "template_string": self._template,
            "number": self._number,
            "member_expression": self._member,
            "subscript_expression": self._subscript,
            "call_expression": self._call,
            "new_expression": self._call,
            "binary_expression": self._binary,
            "ternary_expression": self._ternary,
            "unary_expression": self._unary,
            "assignment_expression": self._assignment,
            "augmented_assignment_expression": self._augmented,
            "object": self._object,
            "array": self._array,
            "sequence_expression": self._sequence,
            "type_assertion": self._type_assertion,
            "internal_module": self._skip,
            "module": self._skip,
            "enum_declaration": self._skip,
        }
        for name in _TRANSPARENT:
            self._dispatch[name] = self._transparent
        for name in _FUNCTIONS:
            self._dispatch[name] = self._function_expression
        for name in _SKIP:
            self._dispatch[name] = self._skip

    # -- entry points ------------------------------------------------------------------

    def analyze(self, path: str) -> FileFacts:
        lowered = path.lower()
        if lowered.endswith(DECLARATION_SUFFIXES):
            return self.facts
        if lowered.endswith(".ts") and self.data.lstrip()[:5] in (b"<?xml", b"<!DOC"):
            return self.facts  # a Qt Linguist translation file, not TypeScript
        if lowered.endswith(EMBEDDED_SUFFIXES):
            for start, end, dialect in script_blocks(self.data):
                self.run(self.data[start:end], start, dialect)
        else:
            self.run(self.data, 0, dialect_for(path))
        self._drain_pending()
        self._record_exports()
        return self.facts

    def run(self, code: bytes, base: int, dialect: str) -> None:
        """Parse one piece of code (the file or a script block at byte `base`) and walk it."""
        self.base = base
        self._hoisted.clear()  # node ids are only unique within one tree
        tree, code = parse_filling_gaps(_parser(dialect), code, dialect)
        root = tree.root_node
        bad = _syntax_error(root) if root.has_error else None
        if bad is not None and not self.facts.syntax_errors:  # one RF000 a file, as for Python
            # tree-sitter recovers: the error is reported where it is and the rest of the
            # tree is still analysed (one typo must not hide the file's other findings).
            line, col = self.position(bad.start_byte)
            if bad.is_missing:
                message = f"syntax error: missing {bad.type!r}"
            else:
                snippet = (bad.text or b"").decode("utf-8", errors="replace").strip().splitlines()
                shown = snippet[0][:40] if snippet else ""
                message = f"syntax error: unexpected {shown!r}" if shown else "syntax error"
            self.facts.syntax_errors.append(SyntaxErrorFact(message, line, col))
        self._collect_comments(root, dialect)
        self.eval(root, self.module_scope)
        self._drain_pending()

    def _drain_pending(self) -> None:
        # Function bodies run after the code around them, as they do at runtime, so that
        # module-level names assigned after a function is defined are visible inside it.
        while self._pending:
            func, this_value = self._pending.popleft()
            self._analyze_function(func, this_value)

    # -- positions and comments --------------------------------------------------------

    def position(self, byte: int) -> tuple[int, int]:
        offset = byte + self.base
        line = bisect_right(self.line_starts, offset)
        return line, self.source.char_col(line, offset - self.line_starts[line - 1])

    def span(self, node: tree_sitter.Node) -> Span:
        start_line, start_col = self.position(node.start_byte)
        end_line, end_col = self.position(node.end_byte)
        return Span(start_line, start_col, end_line, end_col)

    def _collect_comments(self, root: tree_sitter.Node, dialect: str) -> None:
        cursor = tree_sitter.QueryCursor(_comment_query(dialect))
        nodes = cursor.captures(root).get("comment", [])
        for node in sorted(nodes, key=lambda n: n.start_byte):
            raw = (node.text or b"").decode("utf-8", errors="replace")
            if raw.startswith("//"):
                text = raw[2:]
            elif raw.startswith("/*"):
                body = raw[2:-2] if raw.endswith("*/") else raw[2:]
                # JSDoc-style lines start with `*`: keep only what they say.
                text = "\n".join(part.strip().lstrip("*").strip() for part in body.split("\n"))
            else:
                text = raw
            line, col = self.position(node.start_byte)
            before = self.source.line(line)[:col].strip()
            # `{/* ... */}` in JSX stands alone on its line as much as a `//` comment does.
            self.facts.comments.append(CommentFact(line, col, text.strip(), before in ("", "{")))

    # -- walking -----------------------------------------------------------------------

    def eval(self, node: tree_sitter.Node | None, scope: Scope) -> Value:
        if node is None:
            return None
        handler = self._dispatch.get(node.type)
        if handler is not None:
            return handler(node, scope)
        return self._generic(node, scope)

    def _generic(self, node: tree_sitter.Node, scope: Scope) -> Value:
        for child in node.named_children:
            self.eval(child, scope)
        return None

    def _skip(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return None

    def _hoist(self, children: list[tree_sitter.Node], scope: Scope) -> None:
        """Function declarations are visible in their whole block, before their line."""
        for child in children:
            target = child
            if child.type == "export_statement":
                target = child.child_by_field_name("declaration")
                if target is None:
                    continue
            if target.type in ("function_declaration", "generator_function_declaration"):
                self._define_declared_function(target, scope)
                self._hoisted.add(target.id)

    def _block_in_place(self, node: tree_sitter.Node, scope: Scope) -> Value:
        children = node.named_children
        self._hoist(children, scope)
        for child in children:
            self.eval(child, scope)
        return None

    def _block(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return self._block_in_place(node, Scope(scope, scope.qualname, False))

    def _declaration(self, node: tree_sitter.Node, scope: Scope) -> Value:
        target = scope.function_scope() if node.type == "variable_declaration" else scope
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value_node = declarator.child_by_field_name("value")
            if value_node is not None and value_node.type in _FUNCTIONS and name is not None:
                value = self._function_value(value_node, scope, name.text.decode())
            elif value_node is not None and value_node.type == "class":
                value = self._class_node(value_node, scope, bind_name=name.text.decode() if name else None)
            else:
                value = self.eval(value_node, scope)
            if _is_nullish(value):
                annotated = self._from_type(declarator.child_by_field_name("type"), scope)
                if annotated is not None:
                    value = annotated
            if name is not None:
                self._bind_pattern(name, value, target, declare=True)
        return None

    # -- binding -----------------------------------------------------------------------

    def _bind_pattern(self, pattern: tree_sitter.Node, value: Value, scope: Scope, declare: bool) -> None:
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            name = pattern.text.decode()
            self._maybe_secret(value, pattern, name)
            if declare:
                scope.names[name] = value
            else:
                owner = scope.declaring(name) or self.module_scope
                owner.names[name] = value
        elif kind == "object_pattern":
            for child in pattern.named_children:
                ctype = child.type
                if ctype == "shorthand_property_identifier_pattern":
                    self._bind_pattern(child, self._attribute(value, child.text.decode()), scope, declare)
                elif ctype == "pair_pattern":
                    key = self._property_key(child.child_by_field_name("key"), scope)
                    item = self._attribute(value, key) if key is not None else None
                    target = child.child_by_field_name("value")
                    if target is not None:
                        self._bind_pattern(target, item, scope, declare)
                elif ctype == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    default = self.eval(child.child_by_field_name("right"), scope)
                    if left is not None:
                        item = self._attribute(value, left.text.decode())
                        self._bind_pattern(left, default if item is None else item, scope, declare)
                elif ctype == "rest_pattern":
                    for inner in child.named_children:
                        self._bind_pattern(inner, None, scope, declare)
        elif kind == "array_pattern":
            items = value.items if isinstance(value, Arr) else []
            for position, child in enumerate(pattern.named_children):
                item = items[position] if position < len(items) else None
                if child.type == "rest_pattern":
                    item = None
                    child = child.named_children[0] if child.named_children else child
                self._bind_pattern(child, item, scope, declare)
        elif kind == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            default = self.eval(pattern.child_by_field_name("right"), scope)
            if left is not None:
                self._bind_pattern(left, default if value is None else value, scope, declare)
        elif kind == "rest_pattern":
            for inner in pattern.named_children:
                self._bind_pattern(inner, None, scope, declare)
        elif kind in ("member_expression", "subscript_expression"):
            self._assign_member(pattern, value, scope)
        elif kind in ("non_null_expression", "parenthesized_expression", "as_expression"):
            inner = pattern.named_children
            if inner:
                self._bind_pattern(inner[0], value, scope, declare)

    def _maybe_secret(self, value: Value, node: tree_sitter.Node, name: str) -> None:
        """A random literal given to a key-like name (RF404 finds known key formats in the
        file's text itself; this catches keys with no known prefix)."""
        if (
            isinstance(value, Lit)
            and isinstance(value.value, str)
            and len(value.value) >= SECRET_MIN_LENGTH
            and looks_like_context_secret(name, value.value)
        ):
            self.facts.strings.append(StringFact(value.value, self.span(node), name))

    def _assign_member(self, target: tree_sitter.Node, value: Value, scope: Scope) -> None:
        owner = self.eval(target.child_by_field_name("object"), scope)
        if target.type == "member_expression":
            prop = target.child_by_field_name("property")
            name = prop.text.decode() if prop is not None else None
        else:
            name_value = literal_of(self.eval(target.child_by_field_name("index"), scope))
            name = name_value if isinstance(name_value, str) else None
        if name is None:
            return
        if isinstance(owner, InstVal):
            owner.cls.instance_attrs[name] = value
        elif isinstance(owner, ClassVal):
            owner.attrs[name] = value
        elif isinstance(owner, Obj):
            owner.props[name] = value
            owner.nodes.pop(name, None)

    def _assignment(self, node: tree_sitter.Node, scope: Scope) -> Value:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if right is not None and right.type in _FUNCTIONS and left is not None and left.type == "identifier":
            value = self._function_value(right, scope, left.text.decode())
        else:
            value = self.eval(right, scope)
        if left is not None:
            self._bind_pattern(left, value, scope, declare=False)
        return value

    def _augmented(self, node: tree_sitter.Node, scope: Scope) -> Value:
        left = node.child_by_field_name("left")
        operator = node.child_by_field_name("operator")
        value = self.eval(node.child_by_field_name("right"), scope)
        if left is None:
            return None
        op = operator.text.decode() if operator is not None else ""
        if op in ("??=", "||="):  # `client ??= new OpenAI()`: lazy initialisation
            current = self.eval(left, scope)
            result = value if _is_nullish(current) else current
        else:
            result = None
        self._bind_pattern(left, result, scope, declare=False)
        return result

    # -- functions and classes ---------------------------------------------------------

    def _define_declared_function(self, node: tree_sitter.Node, scope: Scope) -> FuncVal:
        name_node = node.child_by_field_name("name")
        name = name_node.text.decode() if name_node is not None else "default"
        func = self._new_function(node, scope, name)
        scope.names[name] = func
        return func

    def _function_declaration(self, node: tree_sitter.Node, scope: Scope) -> Value:
        if node.id in self._hoisted:
            return None
        return self._define_declared_function(node, scope)

    def _function_expression(self, node: tree_sitter.Node, scope: Scope) -> Value:
        name_node = node.child_by_field_name("name")
        return self._function_value(node, scope, name_node.text.decode() if name_node is not None else None)

    def _function_value(self, node: tree_sitter.Node, scope: Scope, name: str | None) -> FuncVal:
        return self._new_function(node, scope, name)

    def _new_function(self, node: tree_sitter.Node, scope: Scope, name: str | None) -> FuncVal:
        prefix = "" if scope.qualname == "<module>" else scope.qualname + "."
        qualname = prefix + name if name else scope.qualname
        func = FuncVal(node, scope, qualname, arrow=node.type == "arrow_function")
        self._pending.append((func, None))
        return func

    def _analyze_function(self, func: FuncVal, this_value: Value) -> Value:
        if func.analyzed or func.in_progress:
            return func.returns
        if self._active >= MAX_CALL_DEPTH:
            # A call chain this deep (a compiler's sources) is left to the queue: every
            # function is analysed from there anyway, only its return value is not used.
            return None
        self._active += 1
        try:
            return self._analyze_function_body(func, this_value)
        finally:
            self._active -= 1

    def _analyze_function_body(self, func: FuncVal, this_value: Value) -> Value:
        func.in_progress = True
        scope = Scope(func.scope, func.qualname, True)
        if not func.arrow:
            scope.names["this"] = this_value
        node = func.node
        params = node.child_by_field_name("parameters")
        if params is not None:
            for param in params.named_children:
                self._parameter(param, scope, func, this_value)
        else:
            single = node.child_by_field_name("parameter")  # `x => ...`
            if single is not None:
                scope.names[single.text.decode()] = None
        body = node.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            self._block_in_place(body, scope)
        elif body is not None:
            scope.returns.append(self.eval(body, scope))
        func.returns = next((value for value in scope.returns if not _is_nullish(value)), None)
        func.analyzed = True
        func.in_progress = False
        return func.returns

    def _parameter(self, param: tree_sitter.Node, scope: Scope, func: FuncVal, this_value: Value) -> None:
        kind = param.type
        if kind in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            value = self._from_type(param.child_by_field_name("type"), scope)
            default = param.child_by_field_name("value")
            if default is not None:
                default_value = self.eval(default, scope)
                if value is None:
                    value = default_value
            if pattern is None:
                return
            self._bind_pattern(pattern, value, scope, declare=True)
            is_property = any(
                child.type in ("accessibility_modifier", "readonly", "override_modifier")
                for child in param.children
            )
            if is_property and isinstance(this_value, InstVal) and pattern.type == "identifier":
                this_value.cls.instance_attrs[pattern.text.decode()] = value
        elif kind in ("comment", "decorator"):
            if kind == "decorator":
                self._generic(param, scope)
        else:
            self._bind_pattern(param, None, scope, declare=True)

    def _from_type(self, node: tree_sitter.Node | None, scope: Scope) -> Value:
        """`client: OpenAI` makes `client` an OpenAI instance (dependency-injected clients)."""
        if node is None:
            return None
        kind = node.type
        if kind in ("type_annotation", "parenthesized_type"):
            inner = node.named_children
            return self._from_type(inner[0], scope) if inner else None
        if kind == "union_type":
            for member in node.named_children:
                value = self._from_type(member, scope)
                if value is not None:
                    return value
            return None
        if kind in ("type_identifier", "nested_type_identifier", "identifier"):
            parts = node.text.decode().split(".")
            found, value = scope.lookup(parts[0])
            if not found:
                return None
            for part in parts[1:]:
                value = self._attribute(value, part)
            if isinstance(value, Sym):
                return Sym(value.qualname + "()")
            if isinstance(value, ClassVal):
                return InstVal(value)
        return None

    def _class_node(self, node: tree_sitter.Node, scope: Scope, bind_name: str | None = None) -> Value:
        name_node = node.child_by_field_name("name")
        name = name_node.text.decode() if name_node is not None else (bind_name or "default")
        bases: list[Value] = []
        for child in node.named_children:
            if child.type == "class_heritage":
                for heritage in child.named_children:
                    if heritage.type == "extends_clause":
                        bases.append(self.eval(heritage.child_by_field_name("value"), scope))
                    elif heritage.type != "implements_clause":
                        bases.append(self.eval(heritage, scope))
            elif child.type == "decorator":
                self._generic(child, scope)
        cls = ClassVal(name, bases)
        if name_node is not None and node.type != "class":
            scope.names[name] = cls
        prefix = "" if scope.qualname == "<module>" else scope.qualname + "."
        class_qualname = prefix + name
        instance_scope = Scope(scope, class_qualname, True)
        instance_scope.names["this"] = InstVal(cls)
        static_scope = Scope(scope, class_qualname, True)
        static_scope.names["this"] = cls
        if name_node is not None and node.type == "class":
            static_scope.names[name] = cls  # a named class expression sees its own name
        body = node.child_by_field_name("body")
        methods: list[tuple[FuncVal, bool]] = []
        for member in body.named_children if body is not None else ():
            kind = member.type
            if kind == "method_definition":
                name_child = member.child_by_field_name("name")
                method_name = name_child.text.decode() if name_child is not None else "?"
                static = any(c.type == "static" for c in member.children)
                getter = any(c.type == "get" for c in member.children)
                func = FuncVal(member, scope, f"{class_qualname}.{method_name}", owner=cls, getter=getter)
                for decorator in member.named_children:
                    if decorator.type == "decorator":
                        self._generic(decorator, scope)
                if static:
                    cls.attrs[method_name] = func
                else:
                    cls.methods[method_name] = func
                methods.append((func, static))
            elif kind in ("public_field_definition", "field_definition"):
                name_child = member.child_by_field_name("name") or member.child_by_field_name("property")
                if name_child is None:
                    continue
                field_name = name_child.text.decode()
                static = any(c.type == "static" for c in member.children)
                value_node = member.child_by_field_name("value")
                field_scope = static_scope if static else instance_scope
                if value_node is not None and value_node.type in _FUNCTIONS:
                    value = self._function_value(value_node, field_scope, field_name)
                else:
                    value = self.eval(value_node, field_scope)
                if _is_nullish(value):
                    annotated = self._from_type(member.child_by_field_name("type"), scope)
                    value = annotated if annotated is not None else value
                (cls.attrs if static else cls.instance_attrs)[field_name] = value
                self._maybe_secret(value, name_child, field_name)
                for decorator in member.named_children:
                    if decorator.type == "decorator":
                        self._generic(decorator, scope)
            elif kind == "class_static_block":
                self.eval(member.child_by_field_name("body"), static_scope)
            elif kind == "decorator":
                self._generic(member, scope)
        # The constructor first, so the fields it sets are known in the other methods.
        methods.sort(key=lambda item: item[0].qualname.rsplit(".", 1)[-1] != "constructor")
        for func, static in methods:
            self._pending.append((func, cls if static else InstVal(cls)))
        return cls

    # -- imports and exports -----------------------------------------------------------

    def _import_statement(self, node: tree_sitter.Node, scope: Scope) -> Value:
        source = node.child_by_field_name("source")
        for child in node.named_children:
            if child.type == "import_require_clause":  # TypeScript `import x = require("m")`
                spec = self._string_text(child.child_by_field_name("source"))
                self._record_import(spec, node)
                name = child.named_children[0] if child.named_children else None
                module = module_name(spec) if spec else None
                if name is not None and name.type == "identifier":
                    scope.names[name.text.decode()] = _default_binding(module)
                return None
        spec = self._string_text(source)
        if spec is None:
            return None
        self._record_import(spec, node)
        module = module_name(spec)
        local_root = self._local_root(spec) if module is None else None
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type == "identifier":
                    scope.names[item.text.decode()] = (
                        Sym(f"{local_root}.default") if local_root else _default_binding(module)
                    )
                elif item.type == "namespace_import":
                    for ident in item.named_children:
                        if ident.type == "identifier":
                            root = module or local_root
                            scope.names[ident.text.decode()] = Sym(root) if root else None
                elif item.type == "named_imports":
                    for spec_node in item.named_children:
                        if spec_node.type != "import_specifier":
                            continue
                        imported = spec_node.child_by_field_name("name")
                        alias = spec_node.child_by_field_name("alias")
                        if imported is None:
                            continue
                        imported_name = self._name_text(imported)
                        local = self._name_text(alias) if alias is not None else imported_name
                        if module in ENV_MODULES:
                            self.facts.env_reads.append(
                                EnvReadFact(imported_name, module, self.span(imported))
                            )
                        if module is None:
                            root = self._local_root(spec)
                            scope.names[local] = Sym(f"{root}.{imported_name}") if root else None
                        elif imported_name == "default":
                            scope.names[local] = _default_binding(module)
                        else:
                            scope.names[local] = Sym(f"{module}.{imported_name}")
        return None

    def _export_statement(self, node: tree_sitter.Node, scope: Scope) -> Value:
        source = node.child_by_field_name("source")
        if source is not None:
            spec = self._string_text(source)
            if spec is not None:
                self._record_import(spec, node)
                root = module_name(spec) or self._local_root(spec)
                for exported, imported in self._export_names(node):  # export { x as y } from "m"
                    if root is not None and exported != "*":
                        self._exported[exported] = Sym(f"{root}.{imported}")
            return None
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            value = self.eval(declaration, scope)
            for name in self._declared_names(declaration):
                self._exported[name] = _Deferred(name)
            return value
        value = node.child_by_field_name("value")
        if value is not None:
            if value.type in _FUNCTIONS:
                func = self._function_value(value, scope, "default")
                self._exported["default"] = func
                return func
            result = self.eval(value, scope)
            self._exported["default"] = result
            return result
        for exported, local in self._export_names(node):  # export { client as openai }
            self._exported[exported] = _Deferred(local)
        return self._generic(node, scope)

    def _export_names(self, node: tree_sitter.Node) -> list[tuple[str, str]]:
        """(exported, local) pairs of an `export { a as b }` clause."""
        pairs = []
        for clause in node.named_children:
            if clause.type != "export_clause":
                continue
            for spec_node in clause.named_children:
                if spec_node.type != "export_specifier":
                    continue
                name = spec_node.child_by_field_name("name")
                alias = spec_node.child_by_field_name("alias")
                if name is not None:
                    local = self._name_text(name)
                    pairs.append((self._name_text(alias) if alias is not None else local, local))
        return pairs

    @staticmethod
    def _declared_names(declaration: tree_sitter.Node) -> list[str]:
        """Names an exported declaration binds (`const a = .., b = ..`, a function, a class)."""
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            names = []
            for declarator in declaration.named_children:
                target = (
                    declarator.child_by_field_name("name")
                    if declarator.type == "variable_declarator"
                    else None
                )
                if target is not None and target.type == "identifier":
                    names.append(target.text.decode())
            return names
        name = declaration.child_by_field_name("name")
        return [name.text.decode()] if name is not None else []

    def _local_root(self, spec: str) -> str | None:
        """`@local<k>` for a specifier naming the project's own module (relative or alias)."""
        if not spec.startswith((".", "@/", "~/", "#")) or "://" in spec:
            return None
        if spec not in self.facts.local_modules:
            self.facts.local_modules.append(spec)
        return f"{LOCAL_ROOT}{self.facts.local_modules.index(spec)}"

    def _record_exports(self) -> None:
        """What this module exports, as qualnames other files can resolve their imports to."""
        for name, value in self._exported.items():
            if isinstance(value, _Deferred):
                found, value = self.module_scope.lookup(value.name)
                if not found:
                    continue
            if isinstance(value, FuncVal):
                if not value.analyzed and not value.in_progress:
                    self._analyze_function(value, None)
                returned = _callee_qualname(value.returns)
                if returned is not None:
                    self.facts.exports[f"{name}()"] = returned
                continue
            if isinstance(value, InstVal):
                base = value.cls.external_base()
                if base is not None:
                    self.facts.exports[name] = f"{base}()"
                continue
            qualname = _callee_qualname(value)
            if qualname is not None:
                self.facts.exports[name] = qualname

    def _record_import(self, spec: str, node: tree_sitter.Node) -> None:
        self.facts.imports.append(ImportFact(spec, self.span(node)))

    def _name_text(self, node: tree_sitter.Node) -> str:
        if node.type == "string":
            return self._string_text(node) or ""
        return node.text.decode()

    # -- statements with their own scope -----------------------------------------------

    def _return(self, node: tree_sitter.Node, scope: Scope) -> Value:
        children = node.named_children
        value = self.eval(children[0], scope) if children else Lit(None)
        scope.function_scope().returns.append(value)
        return None

    def _for_in(self, node: tree_sitter.Node, scope: Scope) -> Value:
        inner = Scope(scope, scope.qualname, False)
        self.eval(node.child_by_field_name("right"), scope)
        left = node.child_by_field_name("left")
        if left is not None:
            declares = node.child_by_field_name("kind") is not None
            self._bind_pattern(left, None, inner, declare=declares)
        self.eval(node.child_by_field_name("body"), inner)
        return None

    def _for(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return self._generic(node, Scope(scope, scope.qualname, False))

    def _catch(self, node: tree_sitter.Node, scope: Scope) -> Value:
        inner = Scope(scope, scope.qualname, False)
        parameter = node.child_by_field_name("parameter")
        if parameter is not None:
            self._bind_pattern(parameter, None, inner, declare=True)
        self.eval(node.child_by_field_name("body"), inner)
        return None

    # -- expressions -------------------------------------------------------------------

    def _identifier(self, node: tree_sitter.Node, scope: Scope) -> Value:
        name = node.text.decode()
        found, value = scope.lookup(name)
        if found:
            return value
        if name == "undefined":
            return Lit(None)
        if name == "__filename":
            return Lit(FILE_MARKER)
        if name == "__dirname":
            return Lit(FILE_MARKER + "/..")
        return None

    def _this(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return scope.lookup("this")[1]

    def _undefined(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return Lit(None)

    def _true(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return Lit(True)

    def _false(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return Lit(False)

    def _string_value(self, node: tree_sitter.Node, scope: Scope) -> Value:
        return Lit(self._string_text(node))

    def _string_text(self, node: tree_sitter.Node | None) -> str | None:
        if node is None:
            return None
        if node.type != "string":
            return None
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(child.text.decode())
            elif child.type == "escape_sequence":
                parts.append(_unescape(child.text.decode()))
        return "".join(parts)

    def _template(self, node: tree_sitter.Node, scope: Scope) -> Value:
        parts: list[str] = []
        known = True
        for child in node.named_children:
            kind = child.type
            if kind == "string_fragment":
                parts.append(child.text.decode())
            elif kind == "escape_sequence":
                parts.append(_unescape(child.text.decode()))
            elif kind == "template_substitution":
                inner = child.named_children
                value = literal_of(self.eval(inner[0], scope)) if inner else UNKNOWN
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    parts.append(value if isinstance(value, str) else _js_number_text(value))
                else:
                    known = False
        return Lit("".join(parts)) if known else None

    def _number(self, node: tree_sitter.Node, scope: Scope) -> Value:
        text = node.text.decode().replace("_", "").lower().rstrip("n")
        try:
            if text.startswith(("0x", "0o", "0b")):
                return Lit(int(text, 0))
            if re.fullmatch(r"\d+", text):
                return Lit(int(text))
            return Lit(float(text))
        except ValueError:
            return None

    def _transparent(self, node: tree_sitter.Node, scope: Scope) -> Value:
        children = node.named_children
        if not children:
            return None
        value = self.eval(children[0], scope)
        for extra in children[1:]:
            self.eval(extra, scope)
        return value

    def _type_assertion(self, node: tree_sitter.Node, scope: Scope) -> Value:
        children = [c for c in node.named_children if c.type != "type_arguments"]
        return self.eval(children[-1], scope) if children else None

    def _sequence(self, node: tree_sitter.Node, scope: Scope) -> Value:
        value: Value = None
        for child in node.named_children:
            value = self.eval(child, scope)
        return value

    def _member(self, node: tree_sitter.Node, scope: Scope) -> Value:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is not None and prop is not None:
            self._env_read(obj, prop.text.decode(), prop, scope)
        if obj is not None and obj.type == "meta_property" and prop is not None:
            name = prop.text.decode()  # import.meta.url / .dirname / .filename
            return {
                "url": Lit(FILE_MARKER),
                "filename": Lit(FILE_MARKER),
                "dirname": Lit(FILE_MARKER + "/.."),
            }.get(name)
        owner = self.eval(obj, scope)
        if prop is None:
            return None
        return self._attribute(owner, prop.text.decode())

    def _subscript(self, node: tree_sitter.Node, scope: Scope) -> Value:
        owner = self.eval(node.child_by_field_name("object"), scope)
        index = node.child_by_field_name("index")
        key = literal_of(self.eval(index, scope))
        if isinstance(key, str) and index is not None:
            self._env_read(node.child_by_field_name("object"), key, index, scope)
        if isinstance(key, str):
            return self._attribute(owner, key)
        if isinstance(owner, Arr) and isinstance(key, int) and not isinstance(key, bool):
            return owner.items[key] if 0 <= key < len(owner.items) else None
        if isinstance(owner, Sym):
            return Sym(f"{owner.qualname}[]", owner.origin, owner.path)
        return None

    def _env_read(
        self, obj: tree_sitter.Node | None, name: str, name_node: tree_sitter.Node, scope: Scope
    ) -> None:
        """Record `process.env.NAME`, `import.meta.env.NAME` and `env.NAME` of SvelteKit's
        `$env/dynamic/*` (bundlers inline some of these into browser code by name)."""
        while obj is not None and obj.type in ("parenthesized_expression", "non_null_expression"):
            obj = obj.named_children[0] if obj.named_children else None
        if obj is None:
            return
        source = None
        if obj.type == "member_expression":
            inner = obj.child_by_field_name("object")
            prop = obj.child_by_field_name("property")
            if inner is not None and prop is not None and prop.text == b"env":
                if inner.type == "meta_property":
                    source = "import.meta.env"
                elif (
                    inner.type == "identifier" and inner.text == b"process" and not scope.lookup("process")[0]
                ):
                    source = "process.env"
        elif obj.type == "identifier":
            value = scope.lookup(obj.text.decode())[1]
            if isinstance(value, Sym) and value.qualname.endswith(".env"):
                module = value.qualname[: -len(".env")]
                if module in ENV_OBJECT_MODULES:
                    source = module
        if source is not None:
            self.facts.env_reads.append(EnvReadFact(name, source, self.span(name_node)))

    def _attribute(self, owner: Value, attr: str | None) -> Value:
        if attr is None or owner is None:
            return None
        if isinstance(owner, Sym):
            if owner.module is not None:
                # A default binding: `.default` is itself, other members are the module's
                # named exports (CommonJS interop; SDK classes carry them as statics too).
                return owner if attr == "default" else Sym(f"{owner.module}.{attr}")
            return Sym(f"{owner.qualname}.{attr}", owner.origin)
        if isinstance(owner, Obj):
            return owner.props.get(attr)
        if isinstance(owner, InstVal):
            value = owner.cls.lookup(attr, static=False)
            if value is not None:
                return value
            method = owner.cls.find_method(attr)
            if method is not None:
                if method.getter:
                    return self._analyze_function(method, owner)
                return method
            base = owner.cls.external_base()
            return Sym(f"{base}().{attr}") if base else None
        if isinstance(owner, ClassVal):
            value = owner.lookup(attr, static=True)
            if value is not None:
                return value
            base = owner.external_base()
            return Sym(f"{base}.{attr}") if base else None
        return None

    def _property_key(self, node: tree_sitter.Node | None, scope: Scope) -> str | None:
        if node is None:
            return None
        kind = node.type
        if kind in ("property_identifier", "identifier", "private_property_identifier"):
            return node.text.decode()
        if kind == "string":
            return self._string_text(node)
        if kind == "number":
            value = literal_of(self._number(node, scope))
            return _js_number_text(value) if value is not UNKNOWN else None
        if kind == "computed_property_name":
            inner = node.named_children
            value = literal_of(self.eval(inner[0], scope)) if inner else UNKNOWN
            return value if isinstance(value, str) else None
        return None

    def _object(self, node: tree_sitter.Node, scope: Scope) -> Value:
        obj = Obj()
        for child in node.named_children:
            kind = child.type
            if kind == "pair":
                key = self._property_key(child.child_by_field_name("key"), scope)
                value_node = child.child_by_field_name("value")
                if value_node is not None and value_node.type in _FUNCTIONS:
                    value = self._function_value(value_node, scope, key)
                else:
                    value = self.eval(value_node, scope)
                if key is None:
                    obj.open = True
                elif value_node is not None:
                    self._maybe_secret(value, value_node, key)
                    obj.props[key] = value
                    obj.nodes[key] = value_node
            elif kind == "shorthand_property_identifier":
                name = child.text.decode()
                obj.props[name] = self._identifier(child, scope)
                obj.nodes[name] = child
            elif kind == "spread_element":
                inner = child.named_children
                spread = self.eval(inner[0], scope) if inner else None
                if isinstance(spread, Obj):
                    obj.props.update(spread.props)
                    obj.nodes.update(spread.nodes)
                    obj.open = obj.open or spread.open
                else:
                    obj.open = True
            elif kind == "method_definition":
                key = self._property_key(child.child_by_field_name("name"), scope)
                func = self._new_function(child, scope, key)
                if key is not None:
                    obj.props[key] = func
                    obj.nodes[key] = child
        return obj

    def _array(self, node: tree_sitter.Node, scope: Scope) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            value = self.eval(child, scope)
            items.append(None if child.type == "spread_element" else value)
        return Arr(items)

    def _binary(self, node: tree_sitter.Node, scope: Scope) -> Value:
        left = self.eval(node.child_by_field_name("left"), scope)
        right = self.eval(node.child_by_field_name("right"), scope)
        operator = node.child_by_field_name("operator")
        op = operator.type if operator is not None else ""
        if op in ("||", "??"):
            return right if _is_nullish(left) else left
        if op == "&&":
            return right
        if op == "+":
            a, b = literal_of(left), literal_of(right)
            if isinstance(a, str) and isinstance(b, (str, int, float)) and not isinstance(b, bool):
                return Lit(a + (b if isinstance(b, str) else _js_number_text(b)))
            if isinstance(b, str) and isinstance(a, (int, float)) and not isinstance(a, bool):
                return Lit(_js_number_text(a) + b)
            if _is_number(a) and _is_number(b):
                return Lit(a + b)
        return None

    def _ternary(self, node: tree_sitter.Node, scope: Scope) -> Value:
        self.eval(node.child_by_field_name("condition"), scope)
        consequence = self.eval(node.child_by_field_name("consequence"), scope)
        alternative = self.eval(node.child_by_field_name("alternative"), scope)
        return alternative if _is_nullish(consequence) else consequence

    def _unary(self, node: tree_sitter.Node, scope: Scope) -> Value:
        operand = literal_of(self.eval(node.child_by_field_name("argument"), scope))
        operator = node.child_by_field_name("operator")
        op = operator.type if operator is not None else ""
        if op == "-" and _is_number(operand):
            return Lit(-operand)
        if op == "+" and _is_number(operand):
            return Lit(operand)
        if op == "void":
            return Lit(None)
        return None

    # -- calls -------------------------------------------------------------------------

    def _call(self, node: tree_sitter.Node, scope: Scope) -> Value:
        is_new = node.type == "new_expression"
        func = node.child_by_field_name("constructor" if is_new else "function")
        args_node = node.child_by_field_name("arguments")
        if func is None:
            return self._generic(node, scope)
        while func.type in ("parenthesized_expression", "non_null_expression") and func.named_children:
            func = func.named_children[0]
        if not is_new and func.type == "import":
            return self._dynamic_import(node, args_node, scope)
        if not is_new and func.type == "identifier" and func.text == b"require":
            found, _ = scope.lookup("require")
            spec = self._single_string_arg(args_node)
            if not found and spec is not None:
                self._record_import(spec, node)
                module = module_name(spec)
                if module is None:  # CommonJS: the exports object of the project's module
                    root = self._local_root(spec)
                    return Sym(root) if root else None
                return _default_binding(module)
        receiver: Value = None
        if func.type == "member_expression" and func.child_by_field_name("object") is not None:
            obj = func.child_by_field_name("object")
            prop = func.child_by_field_name("property")
            if obj.type == "meta_property":
                callee = self.eval(func, scope)
            else:
                receiver = self.eval(obj, scope)
                callee = self._attribute(receiver, prop.text.decode() if prop is not None else None)
        else:
            callee = self.eval(func, scope)
        args, kwargs, star_args, star_kwargs = self._arguments(args_node, scope)
        qualname = _callee_qualname(callee)
        index = len(self.facts.calls)
        if qualname is not None or func.type in ("member_expression", "subscript_expression"):
            self.facts.calls.append(
                CallFact(
                    index=index,
                    qualname=qualname,
                    tail=_dotted_text(func),
                    span=self.span(func),
                    full_span=self.span(node),
                    args=args,
                    kwargs=kwargs,
                    star_args=star_args,
                    star_kwargs=star_kwargs,
                    scope=scope.function_scope().qualname,
                    receiver_qualname=_callee_qualname(receiver),
                    receiver_origin=getattr(receiver, "origin", None),
                )
            )
        elif self._is_file_url(func, scope, is_new, args):
            # `new URL("./data/train.jsonl", import.meta.url)`: a file next to this module.
            return Lit(join_path(FILE_MARKER + "/..", args[0].value))
        return self._call_result(func, callee, qualname, index, args)

    @staticmethod
    def _is_file_url(func: tree_sitter.Node, scope: Scope, is_new: bool, args: list[ArgFact]) -> bool:
        return (
            is_new
            and func.type == "identifier"
            and func.text == b"URL"
            and not scope.lookup("URL")[0]
            and len(args) >= 2
            and args[1].value == FILE_MARKER
            and isinstance(args[0].value, str)
        )

    def _call_result(
        self, func: tree_sitter.Node, callee: Value, qualname: str | None, index: int, args: list[ArgFact]
    ) -> Value:
        if isinstance(callee, FuncVal):
            if callee.owner is not None and not callee.analyzed:
                return self._analyze_function(callee, InstVal(callee.owner))
            return self._analyze_function(callee, None)
        if isinstance(callee, ClassVal):
            instance = InstVal(callee)
            constructor = callee.find_method("constructor")
            if constructor is not None and not constructor.analyzed:
                # Fields set in the constructor must be known where the instance is used,
                # even at module level before the deferred method bodies run.
                self._analyze_function(constructor, instance)
            return instance
        if isinstance(callee, Sym) and qualname is not None:
            if func.type == "member_expression":
                prop = func.child_by_field_name("property")
                if prop is not None and prop.text.decode() in TRANSPARENT_METHODS:
                    receiver = qualname.rsplit(".", 1)[0]
                    return Sym(receiver, callee.origin)
            literals = [arg.value for arg in args]
            if qualname in PATH_JOINS:
                if literals and all(isinstance(v, str) for v in literals):
                    return Lit(join_path(*literals))
            elif qualname in PATH_DIRNAMES:
                if literals and isinstance(literals[0], str):
                    first = literals[0]
                    return Lit(first + "/.." if first.startswith(FILE_MARKER) else posixpath.dirname(first))
            elif qualname in FILE_URL_TO_PATH:
                if literals and isinstance(literals[0], str):
                    return Lit(literals[0])
            elif qualname in FILE_READERS:
                path = literals[0] if literals and isinstance(literals[0], str) else None
                return Sym(f"{qualname}()", index, path)
            return Sym(f"{qualname}()", index)
        return None

    def _dynamic_import(
        self, node: tree_sitter.Node, args_node: tree_sitter.Node | None, scope: Scope
    ) -> Value:
        spec = self._single_string_arg(args_node)
        if args_node is not None:
            self._generic(args_node, scope)
        if spec is None:
            return None
        self._record_import(spec, node)
        module = module_name(spec) or self._local_root(spec)
        return Sym(module) if module else None

    def _single_string_arg(self, args_node: tree_sitter.Node | None) -> str | None:
        if args_node is None or args_node.type != "arguments":
            return None
        children = [c for c in args_node.named_children if c.type != "comment"]
        if len(children) != 1:
            return None
        child = children[0]
        if child.type == "string":
            return self._string_text(child)
        if child.type == "template_string" and all(
            c.type in ("string_fragment", "escape_sequence") for c in child.named_children
        ):
            return "".join(c.text.decode() for c in child.named_children)
        return None

    def _arguments(
        self, args_node: tree_sitter.Node | None, scope: Scope
    ) -> tuple[list[ArgFact], dict[str, ArgFact], bool, bool]:
        args: list[ArgFact] = []
        kwargs: dict[str, ArgFact] = {}
        star_args = star_kwargs = False
        if args_node is None:
            return args, kwargs, star_args, star_kwargs
        if args_node.type != "arguments":  # a tagged template
            self.eval(args_node, scope)
            return args, kwargs, star_args, star_kwargs
        has_object = False
        opaque = False
        for child in args_node.named_children:
            kind = child.type
            if kind == "comment":
                continue
            if kind == "spread_element":
                star_args = True
                self._generic(child, scope)
                continue
            value = self.eval(child, scope)
            args.append(self._arg(child, value))
            if isinstance(value, Obj):
                # JS calls take one options object: its properties are the keyword arguments
                # (the first object wins: openai-node's second object is request options).
                has_object = True
                star_kwargs = star_kwargs or value.open
                for key, item in value.props.items():
                    if key not in kwargs:
                        item_node = value.nodes.get(key)
                        kwargs[key] = (
                            self._arg(item_node, item)
                            if item_node is not None
                            else ArgFact(span=self.span(child), value=literal_of(item))
                        )
            elif not isinstance(value, (Lit, Arr, FuncVal)):
                opaque = True  # a variable or call result may be the options object
        if opaque and not has_object:
            star_kwargs = True
        return args, kwargs, star_args, star_kwargs

    def _arg(self, node: tree_sitter.Node, value: Value) -> ArgFact:
        arg = ArgFact(span=self.span(node))
        if isinstance(value, Sym):
            arg.qualname = value.qualname
            arg.origin = value.origin
            if value.path is not None:
                arg.value = value.path
        else:
            arg.value = literal_of(value)
        return arg


def _default_binding(module: str | None) -> Value:
    return Sym(f"{module}.default", module=module) if module else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _js_number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unescape(text: str) -> str:
    if len(text) < 2 or text[0] != "\\":
        return text
    char = text[1]
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char in "xu":
        digits = text[2:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return text
    if char in "\r\n":  # a line continuation
        return ""
    return text[1:]


def _dotted_text(node: tree_sitter.Node) -> str:
    parts: list[str] = []
    while node.type in ("member_expression", "subscript_expression", *_TRANSPARENT):
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            parts.append(prop.text.decode() if prop is not None else "?")
            node = node.child_by_field_name("object")
        elif node.type == "subscript_expression":
            parts.append("[]")
            node = node.child_by_field_name("object")
        else:
            children = node.named_children
            if not children:
                break
            node = children[0]
        if node is None:
            parts.append("?")
            return ".".join(reversed(parts))
    if node.type in ("identifier", "this", "super"):
        parts.append(node.text.decode())
    elif node.type in ("call_expression", "new_expression"):
        inner = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        parts.append((_dotted_text(inner) if inner is not None else "?") + "()")
    else:
        parts.append("?")
    return ".".join(reversed(parts))


def analyze_js(source: SourceText, filename: str) -> FileFacts:
    """Facts of one JS/TS file, or of a .vue/.svelte file's script blocks.

    A syntax error becomes a `SyntaxErrorFact` (RF000 at the error); the rest is analysed."""
    return JsAnalyzer(source).analyze(filename)
