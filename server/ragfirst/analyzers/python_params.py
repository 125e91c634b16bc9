"""What a function's parameters hold before its body runs: injected or annotated values.

A mixin of PythonAnalyzer (python_analyzer.py), apart because it is its own concern: FastAPI
dependencies (`client = Depends(get_client)`) and annotations (`client: AsyncOpenAI`) are
how many services hand a client to a route.
"""

from __future__ import annotations

import ast
from typing import Any

from ragfirst.analyzers.python_values import ClassVal, ExternalFunc, FuncVal, InstVal, Scope, Sym, Value


class ParameterValues:
    """Needs the analyzer's `_resolve_quietly`, `_resolve_quietly_expr`, `_analyze_function`."""

    _resolve_quietly: Any
    _resolve_quietly_expr: Any
    _analyze_function: Any

    def _injected(self, default: ast.expr, scope: Scope) -> Value:
        """`client = Depends(get_client)`: FastAPI passes what the provider returns."""
        if not (isinstance(default, ast.Call) and default.args):
            return None
        marker = (
            self._resolve_quietly(default.func, scope)
            if isinstance(default.func, (ast.Name, ast.Attribute))
            else None
        )
        if not (isinstance(marker, Sym) and marker.qualname.rsplit(".", 1)[-1] == "Depends"):
            return None
        if not marker.qualname.startswith("fastapi."):
            return None
        provider = self._resolve_quietly_expr(default.args[0], scope)
        if isinstance(provider, FuncVal):
            return self._analyze_function(provider, None)
        if isinstance(provider, ExternalFunc):
            return provider.returns
        return None

    def _from_annotation(self, annotation: ast.expr | None, scope: Scope) -> Value:
        """`client: OpenAI` makes `client` an OpenAI instance (dependency-injected clients)."""
        if annotation is None:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            for side in (annotation.left, annotation.right):
                if not (isinstance(side, ast.Constant) and side.value is None):
                    return self._from_annotation(side, scope)
            return None
        if isinstance(annotation, ast.Subscript):
            # Optional[X], Union[X, None], Annotated[X, ...]: the first non-None member.
            container = (
                self._resolve_quietly(annotation.value, scope)
                if isinstance(annotation.value, (ast.Name, ast.Attribute))
                else None
            )
            name = container.qualname.rsplit(".", 1)[-1] if isinstance(container, Sym) else ""
            if name in ("Optional", "Union", "Annotated"):
                members = (
                    annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
                )
                for member in members:
                    if not (isinstance(member, ast.Constant) and member.value is None):
                        return self._from_annotation(member, scope)
            return None
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            value = self._resolve_quietly(annotation, scope)
            if isinstance(value, Sym):
                return Sym(value.qualname + "()")
            if isinstance(value, ClassVal):
                return InstVal(value)
        return None
