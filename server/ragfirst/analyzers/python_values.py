"""The Python analyzer's value model: what an expression evaluates to.

- `Sym`: something from outside the project, by qualified name. `()` marks "an instance of /
  the result of calling": `openai.OpenAI().fine_tuning.jobs.create`.
- `Lit`: a Python literal (constants, and dicts/lists of them) - argument values for rules.
- `FuncVal`, `ClassVal`, `InstVal`: the file's own functions, classes and their instances,
  so that a client built in a factory or stored on `self` resolves where it is used, while
  a user's own class named `Trainer` never becomes `transformers.Trainer`.
- `ModuleVal`, `ExternalFunc`: another module of the project and its functions, rebuilt from
  that module's summary (python_exports.py) when this file imports them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN

Labels = frozenset[tuple[str, str]]  # project imports (module, name) a value may carry
EMPTY_LABELS: Labels = frozenset()


@dataclass(slots=True)
class Sym:
    qualname: str
    origin: int | None = None  # CallFact index that produced this value
    path: str | None = None  # a literal filesystem path carried by pathlib values


@dataclass(slots=True)
class Lit:
    value: Any


@dataclass(slots=True)
class FuncVal:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope
    qualname: str
    owner: ClassVal | None = None
    analyzed: bool = False
    in_progress: bool = False
    returns: Value = None
    labels: Labels = frozenset()  # the imports what it returns may carry (import_labels.py)


@dataclass(slots=True)
class ClassVal:
    name: str
    bases: list[Value]
    attrs: dict[str, Value] = field(default_factory=dict)
    instance_attrs: dict[str, Value] = field(default_factory=dict)
    methods: dict[str, FuncVal] = field(default_factory=dict)
    # The imports its attributes may carry, and its bases (an attribute found in no class of
    # the file comes from an imported base) (import_labels.py).
    attr_labels: dict[str, Labels] = field(default_factory=dict)
    base_labels: Labels = frozenset()

    def labels_of(self, name: str) -> Labels:
        """What attribute `name` may carry where the file assigns it (here or in a base)."""
        found = self.attr_labels.get(name, EMPTY_LABELS)
        for base in self.bases:
            if isinstance(base, ClassVal):
                found = found | base.labels_of(name)
        return found

    def external_base(self) -> str | None:
        """The first base class that comes from outside the file (for subclasses of SDK types)."""
        for base in self.bases:
            if isinstance(base, Sym):
                return base.qualname
            if isinstance(base, ClassVal):
                found = base.external_base()
                if found:
                    return found
        return None

    def lookup(self, name: str) -> Value:
        if name in self.instance_attrs:
            return self.instance_attrs[name]
        if name in self.attrs:
            return self.attrs[name]
        for base in self.bases:
            if isinstance(base, ClassVal):
                found = base.lookup(name)
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


@dataclass(slots=True)
class ModuleVal:
    """A module of the project imported whole (`from app import deps`, `import app.deps as d`)."""

    names: dict[str, Value] = field(default_factory=dict)


@dataclass(slots=True)
class ExternalFunc:
    """A function or method of another project module: only what calling it returns."""

    returns: Value = None


Value = Sym | Lit | FuncVal | ClassVal | InstVal | ModuleVal | ExternalFunc | None


class Scope:
    __slots__ = ("labels", "names", "parent", "qualname", "returns")

    def __init__(self, parent: Scope | None, qualname: str) -> None:
        self.parent = parent
        self.names: dict[str, Value] = {}
        self.qualname = qualname
        self.returns: list[Value] = []
        self.labels: dict[str, Labels] = {}  # name -> the imports its value may carry

    def lookup(self, name: str) -> tuple[bool, Value]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None


def literal_of(value: Value) -> Any:
    return value.value if isinstance(value, Lit) else UNKNOWN


def is_none(value: Value) -> bool:
    """The literal None (not an unknown value)."""
    return isinstance(value, Lit) and value.value is None


def module_chain(existing: Value, dotted: str, module: Value) -> Value:
    """The value `import a.b.c` binds to `a`: modules down to `c`, merged with what `a`
    already holds from another `import a.x`."""
    parts = dotted.split(".")
    root = existing if isinstance(existing, ModuleVal) else ModuleVal()
    node = root
    for part in parts[1:-1]:
        child = node.names.get(part)
        if not isinstance(child, ModuleVal):
            child = node.names[part] = ModuleVal()
        node = child
    if len(parts) == 1:
        return module
    node.names[parts[-1]] = module
    return root


def built_here(value: Value) -> bool:
    """An object built in this file (a call's result, an instance of its own class)."""
    return isinstance(value, InstVal) or (isinstance(value, Sym) and value.origin is not None)


def callee_qualname(value: Value) -> str | None:
    if isinstance(value, Sym):
        return value.qualname
    if isinstance(value, ClassVal):
        # Constructing a user subclass of an SDK class constructs that SDK class.
        return value.external_base()
    # The file's own functions and methods (incl. overrides in SDK subclasses) are user code.
    return None


# The calls whose result the analyzer computes from their arguments (a path, a joined
# path, `getattr`'s attribute): any other call's result is the callee's alone (the file's
# own functions are analysed once, whatever they are given), so it carries the callee's
# labels, not the arguments' (import_labels.py).
PATH_CALLS = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "builtins.open")
ARGUMENT_VALUED = frozenset({*PATH_CALLS, "os.path.join", "builtins.getattr"})
