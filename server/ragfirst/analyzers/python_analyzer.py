"""Python analyzer: one `ast` parse, one walk, facts with resolved qualified names.

Why `ast` and not libcst here: on 3,817 real files `ast.parse` takes 3.7 s and libcst with
its qualified-name metadata 295 s (issue 2's measurements). The resolution this tool needs
is narrow (imports, aliases, assignments, `self.` attributes, factory functions), so it is
done in this module's own single pass. libcst stays the tool for anything that edits code.

Resolution model: every expression evaluates to a value (python_values.py): a symbol from
outside the project, a literal, or the file's own functions, classes and instances. Names
imported from the project's other modules are bound from their summaries (the `environment`
the link step computes, python_exports.py), so a client built in `app/deps.py` resolves in
the route that imports it exactly as if it were built there.
"""

from __future__ import annotations

import ast
import builtins
from typing import Any

from ragfirst.analyzers.facts import (
    UNKNOWN,
    ArgFact,
    CallFact,
    FileFacts,
    ImportFact,
    StringFact,
    SyntaxErrorFact,
)
from ragfirst.analyzers.import_bindings import ImportBindings
from ragfirst.analyzers.import_labels import RETURNED, ImportLabels, value_labels
from ragfirst.analyzers.python_chunks import current_parser
from ragfirst.analyzers.python_exports import Environment, Vocabulary, summarize
from ragfirst.analyzers.python_params import ParameterValues
from ragfirst.analyzers.python_recovery import error_position, parse_python, recover_module
from ragfirst.analyzers.python_syntax import collect_comments, dotted_text, has_marker
from ragfirst.analyzers.python_values import (
    EMPTY_LABELS,
    PATH_CALLS,
    ClassVal,
    ExternalFunc,
    FuncVal,
    InstVal,
    Labels,
    Lit,
    ModuleVal,
    Scope,
    Sym,
    Value,
    built_here,
    callee_qualname,
    is_none,
    literal_of,
    module_chain,
)
from ragfirst.data.data_files import FILE_MARKER, join_path
from ragfirst.data.secrets import looks_like_context_secret
from ragfirst.model import Span
from ragfirst.source import SourceText

# Stainless-generated SDKs (openai, anthropic, together, fireworks, ...) expose the same
# resource tree behind these accessors; they do not change what a call does.
TRANSPARENT_ATTRIBUTES = frozenset({"with_raw_response", "with_streaming_response"})
TRANSPARENT_METHODS = frozenset({"with_options", "copy"})
_BUILTIN_NAMES = frozenset(dir(builtins))
SECRET_MIN_LENGTH = 20  # shorter literals cannot be API keys of any listed format
# pathlib methods whose result is still "that file" for data-file resolution.
PATH_PRESERVING_METHODS = frozenset({"resolve", "absolute", "expanduser", "open", "with_suffix"})


class PythonAnalyzer(ParameterValues, ImportLabels, ImportBindings):
    """Walks one module. Create one per file; `analyze` returns its facts."""

    # SDK packages this file is part of (engine/library_code.py): their imports bind nothing
    own_packages: frozenset[str] = frozenset()

    def __init__(
        self,
        source: SourceText,
        module_name: str = "__main__",
        environment: Environment | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.source = source
        self.module_name = module_name
        self.environment = environment or {}
        self.vocabulary = vocabulary  # what rules name: which SDK values a summary exports
        self.facts = FileFacts(language="python")
        self._seen_imports: set[tuple[str, str]] = set()
        # Module-level names bound by importing another package (`import torch`): not this
        # module's to export. And names bound by importing a project module: re-exports
        # the link step completes from that module's summary.
        self._external_names: set[str] = set()
        self._reexports: dict[str, tuple[str, str]] = {}
        # Which names bound by possible project imports the code reads: only those can
        # change what a rule sees when the link binds them.
        self._import_keys: dict[str, tuple[str, str]] = {}
        self._used: set[tuple[str, str]] = set()
        self._scopes: list[Scope] = []
        self._classes: list[ClassVal] = []
        self.module_scope = self._new_scope(None, "<module>")
        self._pending: list[tuple[FuncVal, Value]] = []
        self._results: dict[int, Value] = {}  # id(ast.Call) -> its value, while the tree lives
        self._object_attrs: dict[tuple[str, int | None, str], Value] = {}  # set on outside objects
        # Alone (no environment), values are labelled with the project imports they may
        # carry, from the first such import on (import_labels.py).
        self._log: list[Labels] | None = None  # None: no label yet (import_labels.py)
        parser = current_parser()  # trees shared between edits, or between the link's analyses
        self._keep_spans = parser is not None and parser.shares_trees

    def _new_scope(self, parent: Scope | None, qualname: str) -> Scope:
        scope = Scope(parent, qualname)
        self._scopes.append(scope)
        return scope

    # -- entry point -------------------------------------------------------------------

    def analyze(self, tree: ast.Module) -> FileFacts:
        # `__file__` carries a marker path so `Path(__file__).parent / "data"` resolves
        # relative to this file when a rule looks for the data file it names.
        self.module_scope.names["__file__"] = Lit(FILE_MARKER)
        self._star_count = self._count_stars(tree.body)  # (import_bindings.py)
        self._block(tree.body, self.module_scope)
        self._drain_pending()
        self.facts.used_imports = sorted(self._used)
        if self._log is not None:
            scope = self.module_scope
            for name, value in scope.names.items():
                labels = value_labels(scope, name, value)
                if labels:
                    self.facts.name_reach[name] = labels
        if self.vocabulary is not None:
            names = {k: v for k, v in self.module_scope.names.items() if k not in self._external_names}
            self.facts.summary = summarize(names, self.vocabulary)
            self.facts.reexports = {name: list(origin) for name, origin in self._reexports.items()}
            self._export_all(self.facts.summary)  # (import_bindings.py)
        if has_marker(self.source):
            self.facts.comments = collect_comments(self.source)
        # Functions and their defining scopes refer to each other; breaking the cycles here
        # frees the file's values and syntax tree at once instead of at the next full GC.
        self._results.clear()
        for scope in self._scopes:
            scope.names.clear()
            scope.returns.clear()
        for cls in self._classes:  # methods point back at their class
            cls.methods.clear()
            cls.attrs.clear()
            cls.instance_attrs.clear()
        return self.facts

    def _drain_pending(self) -> None:
        # Function bodies run after the module body, as they do at runtime, so that
        # module-level names assigned after a `def` are visible inside it.
        while self._pending:
            func, self_value = self._pending.pop(0)
            self._analyze_function(func, self_value)

    # -- positions ---------------------------------------------------------------------

    def span(self, node: ast.AST) -> Span:
        if self._keep_spans:
            # The language server re-uses the trees of unchanged statements (python_chunks):
            # a node's span depends on that statement's text only, so it is kept on the node.
            found = getattr(node, "_ragfirst_span", None)
            if found is None:
                found = node._ragfirst_span = self._span(node)  # type: ignore[attr-defined]
            return found  # type: ignore[no-any-return]
        return self._span(node)

    def _tail(self, func: ast.expr) -> str:
        """A callee's dotted text (kept on the node like its span)."""
        if not self._keep_spans:
            return dotted_text(func)
        found = getattr(func, "_ragfirst_tail", None)
        if found is None:
            found = func._ragfirst_tail = dotted_text(func)  # type: ignore[attr-defined]
        return found  # type: ignore[no-any-return]

    def _span(self, node: ast.AST) -> Span:
        start_line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno or start_line  # type: ignore[attr-defined]
        if self.source.is_ascii:  # most files: no conversion per line
            return Span(start_line, node.col_offset, end_line, node.end_col_offset or 0)  # type: ignore[attr-defined]
        return Span(
            start_line,
            self.source.char_col(start_line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.source.char_col(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    # -- statements --------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self._stmt(stmt, scope)

    def _stmt(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, ast.Expr):
            self.eval(node.value, scope)
        elif isinstance(node, ast.Assign):
            value, labels = self._labelled(node.value, scope)
            for target in node.targets:
                self._bind(target, value, scope, labels)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                value, labels = self._labelled(node.value, scope)
                self._bind(node.target, value, scope, labels)
            elif isinstance(node.target, ast.Name):
                mark = self._mark()
                value = self._from_annotation(node.annotation, scope)
                if node.target.id not in scope.names:  # (a declaration: what it annotates)
                    scope.names[node.target.id] = value
                    self._label_name(node.target.id, scope, self._since(mark))
        elif isinstance(node, ast.AugAssign):
            self.eval(node.value, scope)
            self._bind(node.target, None, scope)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.facts.imports.append(ImportFact(alias.name, self.span(node)))
                self._project_import(alias.name, "")
                imported = self._imported(alias.name, "")
                local = alias.asname or alias.name.split(".")[0]
                self._import_keys[local] = (alias.name, "")
                self._seed(local, (alias.name, ""), scope)
                if scope is self.module_scope:
                    self._note_import(local, alias.name, "" if alias.asname else None, imported)
                if alias.asname:
                    scope.names[alias.asname] = self._sdk_name(alias.name, imported)
                else:
                    root = alias.name.split(".")[0]
                    if imported is None:
                        scope.names[root] = self._sdk_name(root)
                    else:  # `import app.deps`: `app` leads to the project module
                        scope.names[root] = module_chain(scope.names.get(root), alias.name, imported)
        elif isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            self.facts.imports.append(ImportFact(module, self.span(node)))
            for alias in node.names:
                if alias.name == "*":
                    self._star_import(module, scope)  # (import_bindings.py)
                    continue
                if node.level == 0:  # `from torchtune import training` imports a submodule
                    self.facts.imports.append(ImportFact(f"{module}.{alias.name}", self.span(node)))
                local = alias.asname or alias.name
                self._project_import(module, alias.name)
                imported = self._imported(module, alias.name)
                self._import_keys[local] = (module, alias.name)
                self._seed(local, (module, alias.name), scope)
                if scope is self.module_scope:
                    self._note_import(local, module, alias.name, imported)
                if imported is not None:  # a name of the project's own module, from its summary
                    scope.names[local] = imported
                else:
                    # Relative imports the link could not resolve stay unknown: they name the
                    # user's own modules.
                    scope.names[local] = self._sdk_name(f"{module}.{alias.name}") if node.level == 0 else None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._define_function(node, scope, owner=None)
        elif isinstance(node, ast.ClassDef):
            self._define_class(node, scope)
        elif isinstance(node, ast.Return):
            if node.value is None:
                scope.returns.append(Lit(None))
            else:
                value, labels = self._labelled(node.value, scope)
                scope.returns.append(value)
                if labels:
                    scope.labels[RETURNED] = scope.labels.get(RETURNED, labels) | labels
        elif isinstance(node, (ast.If, ast.While)):
            self.eval(node.test, scope)
            self._block(node.body, scope)
            self._block(node.orelse, scope)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.eval(node.iter, scope)
            self._bind(node.target, None, scope)
            self._block(node.body, scope)
            self._block(node.orelse, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value, labels = self._labelled(item.context_expr, scope)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, value, scope, labels)
            self._block(node.body, scope)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            self._block(node.body, scope)
            for handler in node.handlers:
                if handler.type is not None:
                    self.eval(handler.type, scope)
                if handler.name:
                    scope.names[handler.name] = None
                self._block(handler.body, scope)
            self._block(node.orelse, scope)
            self._block(node.finalbody, scope)
        elif isinstance(node, ast.Match):
            self.eval(node.subject, scope)
            for case in node.cases:
                if case.guard is not None:
                    self.eval(case.guard, scope)
                self._block(case.body, scope)
        elif isinstance(node, (ast.Raise, ast.Assert, ast.Delete)):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.eval(child, scope)
        # Pass, Break, Continue, Global, Nonlocal, TypeAlias: nothing to resolve.

    def _maybe_secret(self, text: str, node: ast.AST, name: str) -> None:
        """A random literal given to a key-like name (RF404 finds known key formats in the
        file's text itself; this catches keys with no known prefix)."""
        if looks_like_context_secret(name, text):
            self.facts.strings.append(StringFact(text, self.span(node), name))

    def _sdk_name(self, qualname: str, bound: Value = None) -> Value:
        """What an absolute import binds: a project module's value (`bound`), else the
        package's name, or nothing known in the package's own code (`own_packages`)."""
        if bound is not None:
            return bound
        return None if qualname.split(".", 1)[0] in self.own_packages else Sym(qualname)

    def _rebound(self, name: str, scope: Scope) -> None:
        """A module-level name assigned or defined: no longer what an import bound."""
        if scope is self.module_scope:
            self._reexports.pop(name, None)
            self._external_names.discard(name)

    def _bind(self, target: ast.expr, value: Value, scope: Scope, labels: Labels = EMPTY_LABELS) -> None:
        if isinstance(target, ast.Name):
            self._rebound(target.id, scope)
            if labels or scope.labels:
                self._label_name(target.id, scope, labels)
            if (
                isinstance(value, Lit)
                and isinstance(value.value, str)
                and len(value.value) >= SECRET_MIN_LENGTH
            ):
                self._maybe_secret(value.value, target, target.id)
            scope.names[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, None, scope)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None, scope)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, scope)
            cls = owner.cls if isinstance(owner, InstVal) else owner if isinstance(owner, ClassVal) else None
            if cls is not None and labels:
                cls.attr_labels[target.attr] = cls.attr_labels.get(target.attr, labels) | labels
            if isinstance(owner, InstVal):
                owner.cls.instance_attrs[target.attr] = value
            elif isinstance(owner, ClassVal):
                owner.attrs[target.attr] = value
            elif isinstance(owner, Sym) and built_here(value):  # `bp.client = OpenAI()` (a blueprint)
                self._object_attrs[(owner.qualname, owner.origin, target.attr)] = value
        elif isinstance(target, ast.Subscript):
            self.eval(target.value, scope)
            self.eval(target.slice, scope)

    def _define_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, owner: ClassVal | None
    ) -> FuncVal:
        for decorator in node.decorator_list:
            self.eval(decorator, scope)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.eval(default, scope)
        prefix = "" if scope.qualname == "<module>" else scope.qualname + "."
        func = FuncVal(node, scope, prefix + node.name, owner=owner)
        if owner is None:
            self._rebound(node.name, scope)
            if scope.labels:  # what it returns: `func.labels`
                self._label_name(node.name, scope, EMPTY_LABELS)
            scope.names[node.name] = func
            self._pending.append((func, None))
        return func

    def _define_class(self, node: ast.ClassDef, scope: Scope) -> None:
        mark = self._mark()
        bases = [self.eval(base, scope) for base in node.bases]
        for keyword in node.keywords:
            self.eval(keyword.value, scope)
        for decorator in node.decorator_list:
            self.eval(decorator, scope)
        cls = ClassVal(node.name, bases)
        cls.base_labels = self._since(mark).union(*(b.base_labels for b in bases if isinstance(b, ClassVal)))
        self._classes.append(cls)
        class_scope = self._new_scope(scope, f"{scope.qualname}.{node.name}".removeprefix("<module>."))
        # Methods close over the enclosing scope, not the class body (Python semantics).
        method_parent = scope
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = self._define_function(stmt, method_parent, owner=cls)
                method.qualname = f"{class_scope.qualname}.{stmt.name}"
                cls.methods[stmt.name] = method
            else:
                self._stmt(stmt, class_scope)
        cls.attrs.update(class_scope.names)
        for name, labels in class_scope.labels.items():
            cls.attr_labels[name] = cls.attr_labels.get(name, labels) | labels
        self._rebound(node.name, scope)
        if cls.base_labels or scope.labels:
            self._label_name(node.name, scope, cls.base_labels)
        scope.names[node.name] = cls
        # `__init__` first, so attributes it sets are known in the other methods.
        ordered = sorted(cls.methods.values(), key=lambda m: m.node.name != "__init__")
        for method in ordered:
            self._pending.append((method, InstVal(cls)))

    def _analyze_function(self, func: FuncVal, self_value: Value) -> Value:
        if not (func.analyzed or func.in_progress):
            outer = self._log
            if outer is not None:
                self._log = []  # the body's reads are its own
            self._run_function(func, self_value)
            if outer is not None or self._log is not None:
                self._log = outer if outer is not None else []
        if func.labels:  # what calling it gives carries what it returns
            self._note(func.labels)
        return func.returns

    def _run_function(self, func: FuncVal, self_value: Value) -> None:
        func.in_progress = True
        scope = self._new_scope(func.scope, func.qualname)
        args = func.node.args
        positional = [*args.posonlyargs, *args.args]
        decorators = {d.id for d in func.node.decorator_list if isinstance(d, ast.Name)}
        is_static, is_classmethod = "staticmethod" in decorators, "classmethod" in decorators
        defaults: dict[str, ast.expr] = {}
        for arg, default in zip(
            positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
        ):
            defaults[arg.arg] = default
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                defaults[arg.arg] = kw_default
        for position, arg in enumerate([*positional, *args.kwonlyargs]):
            if position == 0 and func.owner is not None and not is_static:
                scope.names[arg.arg] = func.owner if is_classmethod else (self_value or InstVal(func.owner))
            else:
                mark = self._mark() if self._log is not None else -1
                value = self._from_annotation(arg.annotation, scope)
                if value is None and arg.arg in defaults:
                    value = self._injected(defaults[arg.arg], func.scope)
                scope.names[arg.arg] = value
                if mark >= 0:
                    self._label_name(arg.arg, scope, self._since(mark))
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                scope.names[extra.arg] = None
        self._block(func.node.body, scope)
        func.returns = next((value for value in scope.returns if value is not None), None)
        func.labels = scope.labels.get(RETURNED, EMPTY_LABELS)
        func.analyzed = True
        func.in_progress = False

    def _resolve_quietly(self, node: ast.expr, scope: Scope) -> Value:
        """Resolve a dotted name without recording facts (annotations are not calls)."""
        if isinstance(node, ast.Name):
            found, value = scope.lookup(node.id)
            if self._log is not None:
                self._note_name(node.id, scope)
            return value if found else None
        if isinstance(node, ast.Attribute):
            return self._attribute(self._resolve_quietly(node.value, scope), node.attr)
        if isinstance(node, ast.Call):  # `X(...).send_message`: X(...) was just evaluated
            return self._results.get(id(node))
        return None

    # -- expressions -------------------------------------------------------------------

    def eval(self, node: ast.expr | None, scope: Scope) -> Value:
        # The four kinds that are most of any file, by exact type (ast.parse makes no
        # subclasses of them); every other kind takes the isinstance chain below.
        kind = type(node)
        if kind is ast.Name:
            return self._name(node, scope)  # type: ignore[arg-type]
        if kind is ast.Constant:
            return Lit(node.value)  # type: ignore[union-attr]
        if kind is ast.Attribute:
            return self._attribute(self.eval(node.value, scope), node.attr)  # type: ignore[union-attr]
        if kind is ast.Call:
            return self._call(node, scope)  # type: ignore[arg-type]
        if node is None:
            return None
        if isinstance(node, ast.Await):
            return self.eval(node.value, scope)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [literal_of(self.eval(element, scope)) for element in node.elts]
            return Lit(items if not isinstance(node, ast.Tuple) else tuple(items))
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, val in zip(node.keys, node.values, strict=True):
                key_value = literal_of(self.eval(key, scope)) if key is not None else UNKNOWN
                item = literal_of(self.eval(val, scope))
                if key_value is not UNKNOWN and isinstance(key_value, (str, int, float, bool)):
                    result[key_value] = item
                    if (
                        isinstance(key_value, str)
                        and isinstance(item, str)
                        and len(item) >= SECRET_MIN_LENGTH
                    ):
                        self._maybe_secret(item, val, key_value)  # {"x-api-key": "..."}
            return Lit(result)
        if isinstance(node, ast.Subscript):
            container = self.eval(node.value, scope)
            key = literal_of(self.eval(node.slice, scope))
            if isinstance(container, Lit) and key is not UNKNOWN:
                try:
                    return Lit(container.value[key])
                except (KeyError, IndexError, TypeError):
                    return None
            if isinstance(container, Sym):
                # `ds["train"]` is still "what load_dataset returned": keep the origin for
                # data flow, with a qualname no call pattern matches.
                return Sym(f"{container.qualname}[]", container.origin, container.path)
            return None
        if isinstance(node, ast.BinOp):
            return self._binop(node, scope)
        if isinstance(node, ast.BoolOp):
            values = [self.eval(value, scope) for value in node.values]
            found = next((value for value in values if value is not None), None)
            if is_none(found) and any(v is None for v in values):
                return None  # `n or None`: unknown, not None
            return found
        if isinstance(node, ast.IfExp):
            mark = self._mark()
            self.eval(node.test, scope)
            self._forget(mark)  # the value is a branch's, whatever the test read
            body = self.eval(node.body, scope)
            orelse = self.eval(node.orelse, scope)
            if (body is None and is_none(orelse)) or (orelse is None and is_none(body)):
                return None  # `n if n else None`: a value when known, so not "None"
            return body if body is not None else orelse
        if isinstance(node, ast.NamedExpr):
            value, labels = self._labelled(node.value, scope)
            self._bind(node.target, value, scope, labels)
            return value
        mark = self._mark()  # below, a value that is None whatever is read carries nothing
        if isinstance(node, ast.Lambda):
            inner = self._new_scope(scope, scope.qualname)
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                inner.names[arg.arg] = None
            self.eval(node.body, inner)
            return self._forget(mark)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = self._new_scope(scope, scope.qualname)
            for generator in node.generators:
                self.eval(generator.iter, inner)
                self._bind(generator.target, None, inner)
                for condition in generator.ifs:
                    self.eval(condition, inner)
            if isinstance(node, ast.DictComp):
                self.eval(node.key, inner)
                self.eval(node.value, inner)
            else:
                self.eval(node.elt, inner)
            return self._forget(mark)
        if isinstance(node, ast.UnaryOp):
            operand = literal_of(self.eval(node.operand, scope))
            if isinstance(node.op, ast.USub):  # `-DIM`: a number once linked
                return Lit(-operand) if isinstance(operand, (int, float)) else None
            return self._forget(mark)
        for child in ast.iter_child_nodes(node):  # a comparison, an f-string, ...
            if isinstance(child, ast.expr):
                self.eval(child, scope)
        return self._forget(mark)

    def _name(self, node: ast.Name, scope: Scope) -> Value:
        name = node.id
        while scope is not None:  # Scope.lookup, inlined: names are a third of all nodes
            names = scope.names
            if name in names:
                key = self._import_keys.get(name)
                if key is not None:
                    self._used.add(key)
                log = self._log
                if log is not None:
                    labels = scope.labels.get(name)
                    if labels:
                        log.append(labels)
                return names[name]
            scope = scope.parent  # type: ignore[assignment]
        if name in _BUILTIN_NAMES:
            return Sym(f"builtins.{name}")
        self._unbound_name()  # it may come from a star import (import_bindings.py)
        return None

    def _binop(self, node: ast.BinOp, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        right_literal = literal_of(right)
        if isinstance(node.op, ast.Add):
            left_literal = literal_of(left)
            if isinstance(left_literal, str) and isinstance(right_literal, str):
                return Lit(left_literal + right_literal)
        is_path_join = isinstance(node.op, ast.Div) and isinstance(left, Sym) and left.path is not None
        if is_path_join and isinstance(right_literal, str):
            return Sym(left.qualname, left.origin, join_path(left.path, right_literal))
        return None

    def _attribute(self, owner: Value, attr: str) -> Value:
        if isinstance(owner, ModuleVal):
            return owner.names.get(attr)
        if isinstance(owner, Sym):
            if attr in TRANSPARENT_ATTRIBUTES:
                return owner
            stored = self._object_attrs.get((owner.qualname, owner.origin, attr))
            if stored is not None:
                return stored
            path = None
            if owner.path is not None:
                if attr == "parent":
                    path = owner.path + "/.."
                elif attr in PATH_PRESERVING_METHODS:
                    path = owner.path
            return Sym(f"{owner.qualname}.{attr}", owner.origin, path)
        if isinstance(owner, (InstVal, ClassVal)):
            cls = owner.cls if isinstance(owner, InstVal) else owner
            if self._log is not None:
                self._note(cls.labels_of(attr))
            value = cls.lookup(attr)
            if value is not None:
                return value
            method = cls.find_method(attr)
            if method is not None:
                return method
            if cls.base_labels:  # not the file's: an imported base's, perhaps
                self._note(cls.base_labels)
            base = cls.external_base()
            if not base:
                return None
            return Sym(f"{base}().{attr}") if isinstance(owner, InstVal) else Sym(f"{base}.{attr}")
        return None

    def _call(self, node: ast.Call, scope: Scope) -> Value:
        parts: dict[str, Labels] | None = None  # what the callee and each argument carry
        if self._log is not None:
            parts = {}
            callee, args, kwargs, star_args, star_kwargs = self._tracked_call(node, scope, parts)
        else:
            callee = self.eval(node.func, scope)
            args = [self._arg(arg, scope) for arg in node.args if not isinstance(arg, ast.Starred)]
            star_args = len(args) != len(node.args)
            if star_args:  # evaluated after the others, as before
                for arg in node.args:
                    if isinstance(arg, ast.Starred):
                        self.eval(arg.value, scope)
            kwargs: dict[str, ArgFact] = {}
            star_kwargs = False
            for keyword in node.keywords:
                if keyword.arg is None:
                    star_kwargs = True
                    self.eval(keyword.value, scope)
                else:
                    kwargs[keyword.arg] = self._arg(keyword.value, scope)

        qualname = callee_qualname(callee)
        index = len(self.facts.calls)
        log, self._log = self._log, None  # its names were read (and labelled) just above
        owner = (  # what the method is called on (`client.chat.completions` for `.create`)
            self._resolve_quietly_expr(node.func.value, scope)
            if isinstance(node.func, ast.Attribute)
            else None
        )
        self._log = log
        receiver = callee_qualname(owner)
        receiver_origin = getattr(owner, "origin", None) if receiver else None
        if qualname is not None or isinstance(node.func, ast.Attribute):
            if parts:
                self.facts.import_reach[index] = parts
            self.facts.calls.append(
                CallFact(
                    index=index,
                    qualname=qualname,
                    tail=self._tail(node.func),
                    span=self.span(node.func),
                    full_span=self.span(node),
                    args=args,
                    kwargs=kwargs,
                    star_args=star_args,
                    star_kwargs=star_kwargs,
                    scope=scope.qualname,
                    receiver_qualname=receiver,
                    receiver_origin=receiver_origin,
                )
            )
        result = self._call_result(node, callee, qualname, index, args, scope)
        self._results[id(node)] = result  # a chained call's receiver (`create(...).send()`)
        return result

    def _resolve_quietly_expr(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call)):
            return self._resolve_quietly(node, scope)
        return None

    def _call_result(
        self,
        node: ast.Call,
        callee: Value,
        qualname: str | None,
        index: int,
        args: list[ArgFact],
        scope: Scope,
    ) -> Value:
        if isinstance(callee, ExternalFunc):
            return callee.returns
        if isinstance(callee, FuncVal):
            if callee.owner is not None and not callee.analyzed:
                return self._analyze_function(callee, InstVal(callee.owner))
            return self._analyze_function(callee, None)
        if isinstance(callee, ClassVal):
            instance = InstVal(callee)
            init = callee.find_method("__init__")
            if init is not None and not init.analyzed:
                # Attributes set in __init__ must be known where the instance is used,
                # even at module level before the deferred method bodies run.
                self._analyze_function(init, instance)
            return instance
        if isinstance(callee, Sym):
            if isinstance(node.func, ast.Attribute) and node.func.attr in TRANSPARENT_METHODS:
                receiver = callee.qualname.rsplit(".", 1)[0]
                return Sym(receiver, callee.origin)
            if callee.qualname == "builtins.getattr" and len(args) >= 2:
                return self._getattr(node, scope)
            path = callee.path  # a method of a path value (`.resolve()`, `.open()`) keeps it
            if callee.qualname in PATH_CALLS:
                literals = (
                    [a.value for a in args[:1]]
                    if callee.qualname == "builtins.open"
                    else [a.value for a in args]
                )
                if literals and all(isinstance(v, str) for v in literals):
                    path = join_path(*literals)
            elif callee.qualname == "os.path.join":
                literals = [a.value for a in args]
                if literals and all(isinstance(v, str) for v in literals):
                    return Lit(join_path(*literals))
            return Sym(f"{qualname}()", index, path)
        return None

    def _getattr(self, node: ast.Call, scope: Scope) -> Value:
        # getattr(obj, "name") is obj.name when the name is a literal; the object was
        # already evaluated as an argument, so re-resolve it quietly.
        obj_node, name_node = node.args[0], node.args[1]
        if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str):
            owner = self._resolve_quietly_expr(obj_node, scope)
            return self._attribute(owner, name_node.value)
        return None

    def _arg(self, node: ast.expr, scope: Scope) -> ArgFact:
        value = self.eval(node, scope)
        arg = ArgFact(span=self.span(node))
        if isinstance(value, Lit):
            arg.value = value.value
        elif isinstance(value, Sym):
            arg.qualname = value.qualname
            arg.origin = value.origin
            if value.path is not None:
                arg.value = value.path
        return arg


def analyze_python(
    source: SourceText,
    filename: str,
    environment: Environment | None = None,
    vocabulary: Vocabulary | None = None,
    own_packages: frozenset[str] = frozenset(),
) -> FileFacts:
    error: SyntaxError | None = None
    try:
        tree = parse_python(source, filename)
    except SyntaxError as exc:  # RF000 at the error; the statements that parse are analysed
        tree, error = recover_module(source.text), exc
    analyzer = PythonAnalyzer(source, environment=environment, vocabulary=vocabulary)
    analyzer.own_packages = own_packages
    facts = analyzer.analyze(tree)
    facts.imports = [f for f in facts.imports if f.module.split(".", 1)[0] not in own_packages]
    facts.tree = tree if error is None else None  # (a tree in parts: checks parse again)
    if error is not None:
        line, col = error_position(error)
        facts.syntax_errors.append(SyntaxErrorFact(f"syntax error: {error.msg}", line, col))
    return facts
