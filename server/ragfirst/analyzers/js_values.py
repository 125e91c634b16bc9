"""The JS/TS analyzer's value model: what an expression evaluates to.

`Sym` (something from outside the file, by qualified name), `Lit` (literals), `Obj`/`Arr`
(object and array literals, so that `const body = {...}` passed later still has known
properties), and the file's own functions, classes and instances (`FuncVal`, `ClassVal`,
`InstVal`), so that a client stored in a class field resolves in its methods while a user's
own class named `OpenAI` never becomes the SDK. It mirrors python_values.py; the two stay
apart because their nodes, fields and lookup rules differ (JS statics, getters, arrows,
block scopes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tree_sitter

from ragfirst.analyzers.facts import UNKNOWN

MAX_LITERAL_DEPTH = 16


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
class Deferred:
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


def is_nullish(value: Value) -> bool:
    return value is None or (isinstance(value, Lit) and value.value is None)


def callee_qualname(value: Value) -> str | None:
    if isinstance(value, Sym):
        return value.qualname
    if isinstance(value, ClassVal):
        # Constructing a user subclass of an SDK class constructs that SDK class.
        return value.external_base()
    return None
