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

This module holds the walk (statements, bindings, functions and classes); the value model
is js_values.py, the tree-sitter set-up js_parsing.py, and `JsAnalyzer` takes imports and
exports, expressions and calls from its mixins in js_modules.py, js_expressions.py and
js_calls.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque

import tree_sitter

from ragfirst.analyzers.facts import (
    CommentFact,
    FileFacts,
    StringFact,
    SyntaxErrorFact,
)
from ragfirst.analyzers.js_calls import JsCalls
from ragfirst.analyzers.js_expressions import JsExpressions
from ragfirst.analyzers.js_grammar_gaps import parse_filling_gaps
from ragfirst.analyzers.js_modules import JsModules, module_name
from ragfirst.analyzers.js_parsing import (
    FUNCTION_NODES,
    TRANSPARENT_NODES,
    _parser,
    comment_query,
    dialect_for,
    script_blocks,
    syntax_error,
)
from ragfirst.analyzers.js_suffixes import EMBEDDED_SUFFIXES
from ragfirst.analyzers.js_values import (
    Arr,
    ClassVal,
    Deferred,
    FuncVal,
    InstVal,
    Lit,
    Obj,
    Scope,
    Sym,
    Value,
    is_nullish,
    literal_of,
)
from ragfirst.data.secrets import is_public_field, looks_like_context_secret
from ragfirst.model import Span
from ragfirst.source import SourceText

__all__ = ["JsAnalyzer", "analyze_js", "dialect_for", "module_name", "script_blocks"]

# Declaration files hold types only: nothing runs, so there is nothing to analyse.
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
MAX_CALL_DEPTH = 16
SECRET_MIN_LENGTH = 20  # shorter literals cannot be API keys of any listed format

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
_CLASSES = frozenset({"class", "class_declaration", "abstract_class_declaration"})
_NEWLINES = re.compile(rb"\r\n|\r|\n")


# -- the analyzer ------------------------------------------------------------------------


class JsAnalyzer(JsCalls, JsExpressions, JsModules):
    """Walks one file (or the script blocks of one component); `analyze` returns its facts."""

    def __init__(self, source: SourceText, data: bytes | None = None) -> None:
        self.source = source
        self.data = source.text.encode("utf-8") if data is None else data
        self.line_starts = [0] + [m.end() for m in _NEWLINES.finditer(self.data)]
        self.base = 0  # byte offset of the block being walked within the file
        self.facts = FileFacts(language="javascript")
        self.module_scope = Scope(None, "<module>", True)
        self._pending: deque[tuple[FuncVal, Value]] = deque()
        self._exported: dict[str, Value | Deferred] = {}  # exported name -> value (or local name)
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
        for name in TRANSPARENT_NODES:
            self._dispatch[name] = self._transparent
        for name in FUNCTION_NODES:
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
        bad = syntax_error(root) if root.has_error else None
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
        cursor = tree_sitter.QueryCursor(comment_query(dialect))
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
            if value_node is not None and value_node.type in FUNCTION_NODES and name is not None:
                value = self._function_value(value_node, scope, name.text.decode())
            elif value_node is not None and value_node.type == "class":
                value = self._class_node(value_node, scope, bind_name=name.text.decode() if name else None)
            else:
                value = self.eval(value_node, scope)
            if is_nullish(value):
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
            and not is_public_field(_object_path(node, name), _sibling_keys(node))
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
        if (
            right is not None
            and right.type in FUNCTION_NODES
            and left is not None
            and left.type == "identifier"
        ):
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
            result = value if is_nullish(current) else current
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
        func.returns = next((value for value in scope.returns if not is_nullish(value)), None)
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
                if value_node is not None and value_node.type in FUNCTION_NODES:
                    value = self._function_value(value_node, field_scope, field_name)
                else:
                    value = self.eval(value_node, field_scope)
                if is_nullish(value):
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


def analyze_js(source: SourceText, filename: str) -> FileFacts:
    """Facts of one JS/TS file, or of a .vue/.svelte file's script blocks.

    A syntax error becomes a `SyntaxErrorFact` (RF000 at the error); the rest is analysed."""
    return JsAnalyzer(source).analyze(filename)


def _object_path(node: tree_sitter.Node, name: str) -> tuple[str, ...]:
    """The keys of the object literals around a property value, outermost first:
    `{algolia: {apiKey: "..."}}` gives `("algolia", "apiKey")` (at most four deep)."""
    path = [name]
    pair = node.parent
    while pair is not None and pair.type == "pair" and len(path) < 4:
        obj = pair.parent
        outer = obj.parent if obj is not None and obj.type == "object" else None
        key = outer.child_by_field_name("key") if outer is not None and outer.type == "pair" else None
        if key is None:
            break
        path.insert(0, key.text.decode().strip("'\"`"))
        pair = outer
    return tuple(path)


def _sibling_keys(node: tree_sitter.Node) -> set[str]:
    """The keys of the object literal a property value sits in (`appId`, `indexName`)."""
    pair = node.parent
    obj = pair.parent if pair is not None and pair.type == "pair" else None
    if obj is None or obj.type != "object":
        return set()
    keys = set()
    for child in obj.named_children:
        key = child.child_by_field_name("key") if child.type == "pair" else child
        if key is not None and child.type in ("pair", "shorthand_property_identifier"):
            keys.add(key.text.decode().strip("'\"`"))
    return keys
