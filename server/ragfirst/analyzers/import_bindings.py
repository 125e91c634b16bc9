"""What the imports of the project's own modules bind, and what the link must give them.

Alone, a file records each import that may name a project module (`project_imports`) and
binds nothing from it; analysed again with the link's environment (engine/python_link.py),
it binds each imported name to the value the module's summary describes.

`from module import *`: which names it brings is known only once the module is linked, so
alone a file cannot tell `encode_pdf` from a star import from a name it never defines. It
records the import as `(module, "*")` and counts it used, and the values that read it as
carrying it (import_labels.py), wherever a name no scope binds is read. With the link's
environment, the star binds what the module's summary offers at the import: the names of
a literal `__all__` (which the summary carries), else those not starting with `_`. Only
names the file has not bound before (a summary may hold a name Python would not bind
there: one deleted, one bound under `if __name__ == "__main__":`), and nothing when the
file has two star imports of project modules (which one binds a name depends on what
each defines, and a summary holds only what rules use: the user's own `client =
LocalClient()` is not in it). A later definition in the file wins, as in Python.

A mixin of PythonAnalyzer.
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING, Any

from ragfirst.analyzers.python_exports import decode
from ragfirst.analyzers.python_values import EMPTY_LABELS, Labels, Lit, ModuleVal, Scope, Value

if TYPE_CHECKING:
    from ragfirst.analyzers.python_analyzer import PythonAnalyzer

STAR = "*"
ALL = "__all__"


class ImportBindings:
    _stars: Labels = EMPTY_LABELS  # the file's star imports of possible project modules
    _star_count = 0  # how many it has in all (`_count_stars`)

    def _project_import(self: PythonAnalyzer, module: str, name: str) -> None:
        """Record an import that may name a module of the project (the link resolves it)."""
        if not _may_be_project(module):
            return
        if (module, name) not in self._seen_imports:
            self._seen_imports.add((module, name))
            self.facts.project_imports.append((module, name))

    def _note_import(
        self: PythonAnalyzer, local: str, module: str, name: str | None, imported: Value
    ) -> None:
        """Remember how a module-level name was imported, for the module's summary."""
        self._reexports.pop(local, None)
        self._external_names.discard(local)
        if imported is not None:
            return  # bound from the project's summary: exported like a value of its own
        if name is not None and (module, name) in self._seen_imports:
            self._reexports[local] = (module, name)
        self._external_names.add(local)

    def _imported(self: PythonAnalyzer, module: str, name: str) -> Value:
        descriptor = self.environment.get((module, name))
        return decode(descriptor) if descriptor is not None else None

    def _star_import(self: PythonAnalyzer, module: str, scope: Scope) -> None:
        """`from module import *` (at module level: Python allows it nowhere else)."""
        self._project_import(module, STAR)
        key = (module, STAR)
        if key not in self._seen_imports or self._sdk_root(module):
            return  # the standard library, or a package rules name: no project module
        self._stars = self._stars | {key}
        self._used.add(key)  # what it brings is this module's too: re-exported (`__init__`)
        if self._log is None:
            self._log = []  # values are labelled from the file's first project import on
        linked = self._imported(module, STAR)
        if not isinstance(linked, ModuleVal) or self._star_count > 1:
            # Two star imports of project modules: which one binds a name depends on what
            # each defines, and a summary holds only what rules use (`client =
            # LocalClient()` is not in it): none is trusted.
            return
        declared = linked.names.get(ALL)
        listed = declared.value if isinstance(declared, Lit) and isinstance(declared.value, list) else None
        for name, value in linked.names.items():
            if (
                value is None
                or name == ALL
                or (name not in listed if listed is not None else name.startswith("_"))
            ):
                continue
            if name in scope.names:
                continue  # a binding of the file's own stays (a summary may miss what the
                # module really binds there: `del`, `if __name__ == "__main__":`)
            scope.names[name] = value
            self._import_keys[name] = key
            self._seed(name, key, scope)
            if scope is self.module_scope:
                self._note_import(name, module, None, value)

    def _count_stars(self: PythonAnalyzer, body: list[ast.stmt]) -> int:
        """The star imports of possible project modules in a module's statements (at its
        top level, and in its `if`, `try` and `with` blocks: nowhere else can they stand)."""
        count = 0
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.names and node.names[0].name == STAR:
                module = "." * node.level + (node.module or "")
                count += _may_be_project(module) and not self._sdk_root(module)
            elif isinstance(node, (ast.If, ast.Try, ast.TryStar, ast.With, ast.AsyncWith)):
                for block in ("body", "orelse", "finalbody"):
                    count += self._count_stars(getattr(node, block, []))
                for handler in getattr(node, "handlers", []):
                    count += self._count_stars(handler.body)
        return count

    def _export_all(self: PythonAnalyzer, summary: dict[str, Any]) -> None:
        """Put the module's `__all__` in its summary when it is a literal list or tuple of
        names: what a star import of it takes. (Without one, a star takes the public names
        the summary holds.)"""
        value = self.module_scope.names.get("__all__")
        names = value.value if isinstance(value, Lit) else None
        if isinstance(names, (list, tuple)) and all(isinstance(name, str) for name in names):
            summary[ALL] = {"l": list(names)}

    def _unbound_name(self: PythonAnalyzer) -> None:
        """A name no scope binds was read: it may be one a star import brings."""
        stars = self._stars  # (each is counted used where it stands: `_star_import`)
        if stars and self._log is not None:
            self._log.append(stars)


def _may_be_project(module: str) -> bool:
    """Could `module` be the project's own (neither the standard library nor `__future__`;
    relative imports always may)?"""
    root = module.split(".", 1)[0]
    return not root or not (root in sys.stdlib_module_names or root == "__future__")
