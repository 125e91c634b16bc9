"""Which names a Python module imports reach an argument of one of its calls, directly or
through the names, attributes and function results they flow into.

The link gives a file the constants its imports bind (a model name in `app/settings.py`)
and analyses it again with them. A constant changes no call's name and no receiver (an
SDK value does; the link treats those apart): it only fills in an argument. So a file that
takes nothing but constants from the project needs that second analysis, for its own
findings, only when one of those constants can reach an argument of a call. This module
answers "can reach" without knowing any value: the analyzer reports the *reads* of each
expression (names, and `.attr` for attributes), every binding records which reads flow
into which names (`x = CONFIG.model`, `self.model = x`, `for m in MODELS`, a default, a
`return`), and `fed_imports` closes over those flows from each imported name.

Names are matched by spelling across the whole module (a `model` in one function and
another in a second are one name): more imports count as reaching a call than do, never
fewer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ragfirst.analyzers.facts import FileFacts
from ragfirst.data.secrets import secret_rules


class ReadTracker:
    """Reads per expression on a stack (an argument's reads are also its enclosing
    expression's; `top` is the innermost, None outside any), the flows between names, and
    what calls' arguments read."""

    __slots__ = ("_arguments", "_flows", "_key_like", "_stack", "top")

    def __init__(self) -> None:
        self.top: set[str] | None = None
        self._stack: list[set[str]] = []
        self._flows: list[tuple[set[str], list[str]]] = []  # (names read, names bound from them)
        self._arguments: set[str] = set()  # every name read in some call's arguments
        self._key_like: dict[str, bool] = {}

    def read(self, name: str) -> None:
        if self.top is not None:
            self.top.add(name)

    def open(self) -> None:
        self.top = set()
        self._stack.append(self.top)

    def close(self) -> set[str]:
        reads = self._stack.pop()
        self.top = self._stack[-1] if self._stack else None
        if self.top is not None:
            self.top |= reads
        return reads

    def arguments(self, reads: set[str]) -> None:
        """What one call's arguments read."""
        self._arguments |= reads

    def flow(self, targets: list[str], reads: set[str]) -> None:
        """Names bound from an expression that read `reads` (a plain name also as an
        attribute: a class-level `model = X` is read as `self.model`)."""
        if not reads or not targets:
            return
        bound = [*targets, *("." + target for target in targets if not target.startswith("."))]
        self._flows.append((reads, bound))
        if any(self._is_key_like(target) for target in targets):
            self._arguments |= reads  # `API_KEY = TOKEN`: the secrets check reads what a key-like name gets

    def _is_key_like(self, target: str) -> bool:
        found = self._key_like.get(target)
        if found is None:
            found = self._key_like[target] = bool(secret_rules().context_names.search(target.lstrip(".")))
        return found

    def record(
        self,
        facts: FileFacts,
        imports: dict[str, tuple[str, str]],
        used: set[tuple[str, str]],
        names: Iterable[str],
    ) -> None:
        """Put in `facts` the imports (of those `used`) that reach an argument, and which
        module-level `names` are bound from imports at all (what the summary offers that
        the imports' constants can change). `imports`: local name -> import."""
        reaching = self.reaching_arguments()
        facts.fed_imports = sorted({key for local, key in imports.items() if local in reaching} & used)
        derived = self.reached(set(imports))
        facts.import_derived = sorted(name for name in names if name in derived)

    def reaching_arguments(self) -> set[str]:
        """Every name that reaches some call's argument, directly or through flows."""
        sources: dict[str, set[str]] = {}  # name bound -> names read where it is bound
        for reads, bound in self._flows:
            for name in bound:
                sources.setdefault(name, set()).update(reads)
        return _closure(self._arguments, sources)

    def reached(self, names: set[str]) -> set[str]:
        """`names` and every name bound, directly or not, from what reads them."""
        bound_from: dict[str, list[str]] = {}  # name read -> names bound from it
        for reads, bound in self._flows:
            for name in reads:
                bound_from.setdefault(name, []).extend(bound)
        return _closure(names, bound_from)


def _closure(start: set[str], edges: dict[str, set[str]] | dict[str, list[str]]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for name in edges.get(todo.pop(), ()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


BINDING_STATEMENTS = frozenset(
    {ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Return}
    | {ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef}
)
"""The statements `bound_names` can answer for (a set lookup before the call)."""


def bound_names(node: ast.stmt, scope_name: str) -> list[str] | None:
    """The names a statement binds from what it reads (None: it binds nothing that way).
    Inside a function or class, also the module-level name that holds it: a class whose
    attribute, or a function whose return value, reads an import is bound from it."""
    names = _bound_names(node, scope_name)
    if names is None or scope_name == "<module>":
        return names
    return [*names, scope_name.split(".", 1)[0]]


def _bound_names(node: ast.stmt, scope_name: str) -> list[str] | None:
    if isinstance(node, ast.ClassDef):
        return [node.name]  # its bases, decorators and class-level statements
    if isinstance(node, ast.Assign):
        return [name for target in node.targets for name in target_names(target)]
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        return target_names(node.target)
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [
            name for item in node.items if item.optional_vars for name in target_names(item.optional_vars)
        ]
    if isinstance(node, ast.Return):
        return [scope_name.rsplit(".", 1)[-1]]  # `get_model()` is what `get_model` returns
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = node.args
        return [arg.arg for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]]  # defaults
    return None


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds (`a`, `a, b`, `self.a` as `.a`, `d[k]` as `d`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return ["." + target.attr]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, ast.Subscript):
        return target_names(target.value)
    return []
