"""Imports and exports of the JS/TS analyzer (a mixin of `JsAnalyzer`).

Package imports bind qualnames rooted at the package (`openai.default`, `openai.OpenAI`);
the project's own modules bind `@local<k>` roots that the engine resolves across files
through each module's `FileFacts.exports`, which `_record_exports` fills.
"""

from __future__ import annotations

import re

import tree_sitter

from ragfirst.analyzers.facts import LOCAL_ROOT, EnvReadFact, ImportFact
from ragfirst.analyzers.js_parsing import FUNCTION_NODES
from ragfirst.analyzers.js_values import (
    Deferred,
    FuncVal,
    InstVal,
    Scope,
    Sym,
    Value,
    callee_qualname,
)

# SvelteKit modules whose every name is an environment variable (`$env/dynamic/*` export `env`).
ENV_MODULES = frozenset({"$env/static/public", "$env/static/private"})
_MODULE_EXTENSION = re.compile(r"\.(?:m|c)?js$")


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


def default_binding(module: str | None) -> Value:
    return Sym(f"{module}.default", module=module) if module else None


class JsModules:
    """`import`/`export`/`require` bindings; needs `JsAnalyzer`'s `eval`, `span`, `facts`,
    `module_scope`, `_exported`, `_string_text` and `_analyze_function`."""

    def _import_statement(self, node: tree_sitter.Node, scope: Scope) -> Value:
        source = node.child_by_field_name("source")
        for child in node.named_children:
            if child.type == "import_require_clause":  # TypeScript `import x = require("m")`
                spec = self._string_text(child.child_by_field_name("source"))
                self._record_import(spec, node)
                name = child.named_children[0] if child.named_children else None
                module = module_name(spec) if spec else None
                if name is not None and name.type == "identifier":
                    scope.names[name.text.decode()] = default_binding(module)
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
                        Sym(f"{local_root}.default") if local_root else default_binding(module)
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
                            scope.names[local] = default_binding(module)
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
                self._exported[name] = Deferred(name)
            return value
        value = node.child_by_field_name("value")
        if value is not None:
            if value.type in FUNCTION_NODES:
                func = self._function_value(value, scope, "default")
                self._exported["default"] = func
                return func
            result = self.eval(value, scope)
            self._exported["default"] = result
            return result
        for exported, local in self._export_names(node):  # export { client as openai }
            self._exported[exported] = Deferred(local)
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
            if isinstance(value, Deferred):
                found, value = self.module_scope.lookup(value.name)
                if not found:
                    continue
            if isinstance(value, FuncVal):
                if not value.analyzed and not value.in_progress:
                    self._analyze_function(value, None)
                returned = callee_qualname(value.returns)
                if returned is not None:
                    self.facts.exports[f"{name}()"] = returned
                continue
            if isinstance(value, InstVal):
                base = value.cls.external_base()
                if base is not None:
                    self.facts.exports[name] = f"{base}()"
                continue
            qualname = callee_qualname(value)
            if qualname is not None:
                self.facts.exports[name] = qualname

    def _record_import(self, spec: str, node: tree_sitter.Node) -> None:
        self.facts.imports.append(ImportFact(spec, self.span(node)))

    def _name_text(self, node: tree_sitter.Node) -> str:
        if node.type == "string":
            return self._string_text(node) or ""
        return node.text.decode()
