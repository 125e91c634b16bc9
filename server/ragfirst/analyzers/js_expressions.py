"""Expressions of the JS/TS analyzer (a mixin of `JsAnalyzer`): names, literals, templates,
member and subscript access (and the environment reads they make), objects, arrays and
operators, each evaluated to a value of js_values.py."""

from __future__ import annotations

import re
from typing import Any

import tree_sitter

from ragfirst.analyzers.facts import UNKNOWN, EnvReadFact
from ragfirst.analyzers.js_parsing import FUNCTION_NODES
from ragfirst.analyzers.js_values import (
    Arr,
    ClassVal,
    InstVal,
    Lit,
    Obj,
    Scope,
    Sym,
    Value,
    is_nullish,
    literal_of,
)
from ragfirst.data.data_files import FILE_MARKER

ENV_OBJECT_MODULES = frozenset({"$env/dynamic/public", "$env/dynamic/private"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class JsExpressions:
    """Needs `JsAnalyzer`'s `eval`, `span`, `facts`, `_function_value`, `_new_function`,
    `_maybe_secret` and `_analyze_function`."""

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
                parts.append(unescape(child.text.decode()))
        return "".join(parts)

    def _template(self, node: tree_sitter.Node, scope: Scope) -> Value:
        parts: list[str] = []
        known = True
        for child in node.named_children:
            kind = child.type
            if kind == "string_fragment":
                parts.append(child.text.decode())
            elif kind == "escape_sequence":
                parts.append(unescape(child.text.decode()))
            elif kind == "template_substitution":
                inner = child.named_children
                value = literal_of(self.eval(inner[0], scope)) if inner else UNKNOWN
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    parts.append(value if isinstance(value, str) else js_number_text(value))
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
            return js_number_text(value) if value is not UNKNOWN else None
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
                if value_node is not None and value_node.type in FUNCTION_NODES:
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
            return _known_or(left, right)
        if op == "&&":
            return right
        if op == "+":
            a, b = literal_of(left), literal_of(right)
            if isinstance(a, str) and isinstance(b, (str, int, float)) and not isinstance(b, bool):
                return Lit(a + (b if isinstance(b, str) else js_number_text(b)))
            if isinstance(b, str) and isinstance(a, (int, float)) and not isinstance(a, bool):
                return Lit(js_number_text(a) + b)
            if is_number(a) and is_number(b):
                return Lit(a + b)
        return None

    def _ternary(self, node: tree_sitter.Node, scope: Scope) -> Value:
        self.eval(node.child_by_field_name("condition"), scope)
        consequence = self.eval(node.child_by_field_name("consequence"), scope)
        alternative = self.eval(node.child_by_field_name("alternative"), scope)
        if is_nullish(consequence):
            return _known_or(consequence, alternative)
        return consequence

    def _unary(self, node: tree_sitter.Node, scope: Scope) -> Value:
        operand = literal_of(self.eval(node.child_by_field_name("argument"), scope))
        operator = node.child_by_field_name("operator")
        op = operator.type if operator is not None else ""
        if op == "-" and is_number(operand):
            return Lit(-operand)
        if op == "+" and is_number(operand):
            return Lit(operand)
        if op == "void":
            return Lit(None)
        return None


def _known_or(first: Value, fallback: Value) -> Value:
    """`first` unless it is nullish, else `fallback`, but a value we cannot know (None) is
    not traded for an explicit `undefined`/`null`: `max_tokens: n ? n : undefined` and
    `n ?? undefined` hold the caller's cap when there is one (chat-ui's
    `max_tokens: typeof maxTokens === "number" ? maxTokens : undefined`), like `max_tokens: n`."""
    if first is None and isinstance(fallback, Lit) and fallback.value is None:
        return None
    return fallback if is_nullish(first) else first


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def js_number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unescape(text: str) -> str:
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
