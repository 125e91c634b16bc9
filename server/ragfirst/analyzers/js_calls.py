"""Calls in the JS/TS analyzer (a mixin of `JsAnalyzer`): each call becomes a `CallFact`
(qualname, arguments, the options object's properties as keyword arguments), and its result
a value: the file's own functions run on demand, paths and file readers keep their files."""

from __future__ import annotations

import posixpath

import tree_sitter

from ragfirst.analyzers.facts import ArgFact, CallFact
from ragfirst.analyzers.js_modules import default_binding, module_name
from ragfirst.analyzers.js_parsing import TRANSPARENT_NODES
from ragfirst.analyzers.js_values import (
    Arr,
    ClassVal,
    FuncVal,
    InstVal,
    Lit,
    Obj,
    Scope,
    Sym,
    Value,
    callee_qualname,
    literal_of,
)
from ragfirst.data.data_files import FILE_MARKER, join_path

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


class JsCalls:
    """Needs `JsAnalyzer`'s `eval`, `span`, `facts`, `_generic`, `_attribute`,
    `_string_text`, `_record_import`, `_local_root` and `_analyze_function`."""

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
                return default_binding(module)
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
        if func.type == "member_expression" and func.text == b"Object.assign":
            self._assigned_into(args_node, scope)
        qualname = callee_qualname(callee)
        index = len(self.facts.calls)
        if qualname is not None or func.type in ("member_expression", "subscript_expression"):
            self.facts.calls.append(
                CallFact(
                    index=index,
                    qualname=qualname,
                    tail=dotted_text(func),
                    span=self.span(func),
                    full_span=self.span(node),
                    args=args,
                    kwargs=kwargs,
                    star_args=star_args,
                    star_kwargs=star_kwargs,
                    scope=scope.function_scope().qualname,
                    receiver_qualname=callee_qualname(receiver),
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

    def _assigned_into(self, args_node: tree_sitter.Node | None, scope: Scope) -> None:
        """`Object.assign(opts, more)`: `opts` gains properties this analysis does not
        follow, so a call given `opts` later may have any option (say a cap): its options
        are open, as after a spread of an unknown object."""
        if scope.lookup("Object")[0] or args_node is None or not args_node.named_children:
            return  # a local `Object`: not the built-in
        target = args_node.named_children[0]
        if target.type in ("identifier", "member_expression"):
            value = self.eval(target, scope)  # a name or property read: nothing is recorded
            if isinstance(value, Obj):
                value.open = True

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


def dotted_text(node: tree_sitter.Node) -> str:
    parts: list[str] = []
    while node.type in ("member_expression", "subscript_expression", *TRANSPARENT_NODES):
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
        parts.append((dotted_text(inner) if inner is not None else "?") + "()")
    else:
        parts.append("?")
    return ".".join(reversed(parts))
