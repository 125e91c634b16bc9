"""Which project imports a value may carry: what the link must read constants for.

The link (engine/python_link.py) analyses a file again with the constants its imports bind
(`MODEL = "gpt-4o"` in `settings.py`). That changes a finding only where such a constant
reaches something a rule reads (engine/constant_readers.py). So the first analysis of a
file (no environment) labels its values with the project imports they may carry, along the
analyzer's own value flow: a name bound by such an import carries it; any expression
carries what the names it reads carry (`PREFIX + "-x"`, `CONFIG["model"]`; a call's
result carries its callee's, and its arguments' only for the calls whose result the
analyzer computes from them: `Path(...)`, `os.path.join`, `getattr`), except where its
value cannot depend on them (a comparison, an `if` expression's test, `not`, a lambda, a
comprehension, an f-string: the analyzer gives those no value, linked or not); a binding
carries its value's labels; an
attribute of the file's own class what was assigned to it; an attribute found in no class
of the file, its class's imported bases; a function what it returns. The linked analysis
takes the same paths with the imported values in place, so a value without a label cannot
change when the link binds constants.

A mixin of PythonAnalyzer. While an expression is evaluated, `_name` appends the labels of
each name it reads to a log; what an expression carries is the log since its start
(`_mark` / `_since`: no allocation for the many expressions that carry nothing). A
function body logs apart (what calling it gives: `FuncVal.labels`). No log (None) until
the file's first project import: a file without one pays nothing.
"""

from __future__ import annotations

import ast
from typing import Any

from ragfirst.analyzers.python_values import (
    ARGUMENT_VALUED,
    EMPTY_LABELS,
    ClassVal,
    FuncVal,
    InstVal,
    Labels,
    Scope,
    Sym,
)

RETURNED = "<return>"  # the key under which a function scope's labels hold its returns'
# The first argument's key when it is written as a display, which no binding makes a string
# (a reader of text given first to any call skips it: engine/constant_readers.py).
FIRST_NOT_TEXT = "0[]"
_NEVER_TEXT = frozenset(
    {
        ast.List,
        ast.Tuple,
        ast.Set,
        ast.Dict,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.Lambda,
    }
)


class ImportLabels:
    _log: list[Labels] | None
    eval: Any
    _arg: Any
    vocabulary: Any
    _seen_imports: set[tuple[str, str]]

    def _seed(self, local: str, key: tuple[str, str], scope: Scope) -> None:
        """A name bound by a possible project import carries that import (labels on), also
        where the link bound it to a value: a linked analysis labels as one alone does, so
        the server judges an edit the same either way (workspace.update)."""
        if key in self._seen_imports and not self._sdk_root(key[0]):
            if self._log is None:
                self._log = []
            scope.labels[local] = frozenset((key,))
        elif scope.labels:
            scope.labels.pop(local, None)

    def _sdk_root(self, module: str) -> bool:
        vocabulary = self.vocabulary
        return vocabulary is not None and module.split(".", 1)[0] in vocabulary.roots

    def _mark(self) -> int:
        log = self._log
        return -1 if log is None else len(log)

    def _since(self, mark: int) -> Labels:
        """What was read since `_mark` (it stays in the log: the enclosing expression's too)."""
        log = self._log
        if log is None or mark < 0 or len(log) == mark:
            return EMPTY_LABELS
        return frozenset().union(*log[mark:])

    def _forget(self, mark: int) -> None:
        """Drop what was read since `_mark`: the value read it but cannot depend on it (a
        comparison's bool, an `if` expression's test, a lambda), so a constant bound there
        by the link cannot change it. None, for `eval` to return."""
        if mark >= 0:
            del self._log[mark:]  # type: ignore[index]

    def _note(self, labels: Labels) -> None:
        if labels and self._log is not None:
            self._log.append(labels)

    def _labelled(self, node: Any, scope: Scope) -> tuple[Any, Labels]:
        """The node's value and the imports it may carry."""
        log = self._log
        if log is None:
            return self.eval(node, scope), EMPTY_LABELS
        mark = len(log)
        value = self.eval(node, scope)
        return value, (EMPTY_LABELS if len(log) == mark else frozenset().union(*log[mark:]))

    def _tracked_call(self, node: Any, scope: Scope, parts: dict[str, Labels]) -> tuple[Any, ...]:
        """A call's callee and arguments evaluated as `PythonAnalyzer._call` does, noting in
        `parts` what each carries ("callee", positions, keywords, "*", "**")."""
        log = self._log
        assert log is not None
        mark = len(log)
        callee = self.eval(node.func, scope)
        if len(log) != mark:
            parts["callee"] = frozenset().union(*log[mark:])
        after_callee = len(log)
        args = []
        starred = []
        for arg in node.args:
            if type(arg) is ast.Starred:
                starred.append(arg)
                continue
            mark = len(log)
            args.append(self._arg(arg, scope))
            if len(log) != mark:
                key = str(len(args) - 1)
                if key == "0" and type(arg) in _NEVER_TEXT:
                    key = FIRST_NOT_TEXT
                parts[key] = frozenset().union(*log[mark:])
        for arg in starred:  # evaluated after the others, as the analyzer does
            mark = len(log)
            self.eval(arg.value, scope)
            if len(log) != mark:
                parts["*"] = parts.get("*", EMPTY_LABELS).union(*log[mark:])
        kwargs = {}
        star_kwargs = False
        for keyword in node.keywords:
            mark = len(log)
            if keyword.arg is None:
                star_kwargs = True
                self.eval(keyword.value, scope)
                key = "**"
            else:
                kwargs[keyword.arg] = self._arg(keyword.value, scope)
                key = keyword.arg
            if len(log) != mark:
                parts[key] = parts.get(key, EMPTY_LABELS).union(*log[mark:])
        if not (isinstance(callee, Sym) and callee.qualname in ARGUMENT_VALUED):
            del log[after_callee:]  # the result is the callee's, whatever it is given
        return callee, args, kwargs, bool(starred), star_kwargs

    def _label_name(self, name: str, scope: Scope, labels: Labels) -> None:
        if labels:
            scope.labels[name] = labels
        elif scope.labels:
            scope.labels.pop(name, None)

    def _note_name(self, name: str, scope: Scope | None) -> None:
        """Note what `name` carries where it is found (a lookup that skips `_name`)."""
        while scope is not None:
            if name in scope.names:
                self._note(scope.labels.get(name, EMPTY_LABELS))
                return
            scope = scope.parent


def value_labels(scope: Scope, name: str, value: Any) -> Labels:
    """What a module-level name's summary may depend on: its own labels, a function's
    returns, a class's (or an instance's class's) bases, attributes and methods."""
    labels = scope.labels.get(name, EMPTY_LABELS)
    if isinstance(value, FuncVal):
        labels = labels | value.labels
    cls = value.cls if isinstance(value, InstVal) else value if isinstance(value, ClassVal) else None
    if cls is not None:
        labels = labels | cls.base_labels
        for found in cls.attr_labels.values():
            labels = labels | found
        for method in cls.methods.values():
            labels = labels | method.labels
    return labels
