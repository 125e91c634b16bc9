"""The project index: facts from every file that project-aware rules need.

Files contribute `FactSite`s (e.g. "retrieval is set up in src/rag.py:12"). The index is
rebuilt after the parallel per-file phase in the CLI, and updated one file at a time by
the language server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ragfirst.engine.local_modules import ModuleExports, ModuleSuffixes

T = TypeVar("T")


@dataclass(frozen=True, slots=True, order=True)
class FactSite:
    kind: str
    path: str
    line: int
    label: str
    captures: tuple[tuple[str, str], ...] = ()  # the matched call's values (model, dimension, ...)

    def value(self, name: str) -> str | None:
        return dict(self.captures).get(name)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def is_notebook(path: str) -> bool:
    return path[-6:].lower() == ".ipynb"


class ProjectIndex:
    """Every file's facts; `components` (project_model.py) says which files may share them:
    a file's checks see the facts of its own component only (`view`)."""

    # What a finding calls the files it looked through ("No retrieval found in this
    # project"): a notebook that shares facts with no other file is a "notebook" (`view`).
    scope = "project"

    def __init__(self) -> None:
        self._by_file: dict[str, list[FactSite]] = {}
        self.modules: dict[str, ModuleExports] = {}  # JS/TS modules' exports, by file
        self.components: dict[str, int] | None = None  # None: every file shares every fact
        # What the link bound in each file (python_link.environment_digest by path): a file
        # whose bytes did not change still changes when what it imports does.
        self.environments: dict[str, str] = {}
        self._sites: dict[str, list[FactSite]] = {}
        self._views: dict[int, ProjectIndex] = {}
        self._derived: dict[str, Any] = {}
        self._suffixes: list[ModuleSuffixes] = []  # of `modules`; views share it (and modules)
        # One application's notebooks, for its incremental boundaries
        # (project_model.refresh_application_components): listed for these members.
        self.notebook_members: tuple[int, int] | None = None
        self.notebooks: tuple[str, ...] = ()
        self.notebook_joins: frozenset[str] | None = None  # those that join the application

    def set_components(self, components: dict[str, int] | None) -> None:
        self.components = components
        self._views.clear()
        self._derived.pop("component sizes", None)

    def view(self, path: str) -> ProjectIndex:
        """The facts `path` may use: its component's (the whole project without boundaries)."""
        if self.components is None:
            return self
        number = self.components.get(path)
        if number is None:
            number = -1  # a file the boundaries do not know (an unsaved buffer): alone
        if not self._views:
            self._partition(self.components)
        view = self._views.get(number)
        if view is None:
            view = self._views[number] = ProjectIndex()
            view.modules, view._suffixes = self.modules, self._suffixes
        if is_notebook(path) and view.scope == "project" and self._alone(number):
            view.scope = "notebook"  # (its view is its own: no other file has its number)
        return view

    def _alone(self, number: int) -> bool:
        """Is `number` the component of one file only (or of none known: -1)?"""
        sizes = self._derived.get("component sizes")
        if sizes is None:
            sizes = self._derived["component sizes"] = {}
            for member in (self.components or {}).values():
                sizes[member] = sizes.get(member, 0) + 1
        return sizes.get(number, 0) <= 1

    def _partition(self, components: dict[str, int]) -> None:
        """Every component's view in one pass over the files (one pass per component was
        O(files x components) on a tree of many small projects; issue 26)."""
        for path, sites in self._by_file.items():
            number = components.get(path, -2)
            view = self._views.get(number)
            if view is None:
                view = self._views[number] = ProjectIndex()
                view.modules, view._suffixes = self.modules, self._suffixes
            view._by_file[path] = sites

    def fingerprint(self) -> str:
        """Changes whenever a fact or an export that any file's findings may use changes."""
        digest = hashlib.sha256()
        digest.update(repr(sorted((self.components or {}).items())).encode())
        digest.update(repr(sorted(self.environments.items())).encode())
        for path in sorted(self._by_file):
            digest.update(repr((path, self._by_file[path])).encode())
        for path in sorted(self.modules):
            module = self.modules[path]
            digest.update(repr((path, sorted(module.exports.items()), module.imports)).encode())
        return digest.hexdigest()

    def set_file(self, path: str, sites: list[FactSite], exports: ModuleExports | None = None) -> bool:
        """Replace one file's facts (and exports); True when the project's facts changed."""
        old = self._by_file.get(path, [])
        self._sites.clear()
        self._views.clear()
        self._derived.clear()
        self._suffixes.clear()
        if sites:
            self._by_file[path] = sorted(sites)
        else:
            self._by_file.pop(path, None)
        old_exports = self.modules.pop(path, None)
        if exports is not None:
            self.modules[path] = exports
        return sorted(old) != sorted(sites) or old_exports != exports

    def remove_file(self, path: str) -> bool:
        return self.set_file(path, [])

    def sites(self, kind: str) -> list[FactSite]:
        found = self._sites.get(kind)
        if found is None:
            found = self._sites[kind] = sorted(
                site for sites in self._by_file.values() for site in sites if site.kind == kind
            )
        return list(found)

    def module_suffixes(self) -> ModuleSuffixes:
        """`modules` by path suffix (aliased JS/TS imports), once until a module changes."""
        if not self._suffixes:
            self._suffixes.append(ModuleSuffixes(self.modules))
        return self._suffixes[0]

    def derived(self, key: str, build: Callable[[ProjectIndex], T]) -> T:
        """`build(self)`, computed once until a file's facts change: a project-level check
        indexes the project's sites once per finalize instead of once per match (issue 26)."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[no-any-return]

    def kinds(self) -> set[str]:
        return {site.kind for sites in self._by_file.values() for site in sites}

    def describe(self, kind: str) -> dict[str, str]:
        """Template values for project-aware messages."""
        self.sites(kind)
        sites = self._sites[kind]  # read only: no copy per finding
        if not sites:
            return {}
        first = sites[0]
        more = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
        return {
            "fact_site": first.where(),
            "fact_label": first.label,
            "fact_sites": f"{first.label} at {first.where()}{more}",
            "fact_count": str(len(sites)),
        }
