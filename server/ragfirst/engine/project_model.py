"""The project model: where a project starts, which files share facts, and the link step.

- **Root.** A file's project is the directory of its ragfirst config when it has one, else
  the nearest directory above it holding a manifest (`pyproject.toml`, `setup.py`,
  `setup.cfg`, `package.json`, `requirements.txt`) or a VCS root (`.git`). Every file under
  that root contributes facts, whichever paths were asked for.
- **Boundaries.** Inside a project marked by a ragfirst config or a manifest every file
  shares facts (the migrations in `db/` and the code in `app/` are one application). A
  project marked only by its VCS root (a repository of loose folders, such as a cookbook of
  independent examples) is several: two files share a client, an index or a retrieval
  set-up only when one can reach the other: the same directory, the same top-level Python
  package, or an import (Python or JS/TS) between them, followed transitively.
- **Notebooks.** A notebook cannot be imported (it has no module name), and each one is
  usually a decision of its own (a course, a cookbook, a tutorial beside a library), so in
  every kind of project a notebook shares facts only through the project modules it
  imports as its kernel does, from the notebook's own directory (`kernel_finds`): it
  joins their component (with a manifest: the application's), and two notebooks that
  import one module share through it. Being in the same folder, importing the library a
  docs tutorial demonstrates (found elsewhere in the repository: the installed one), or
  naming the same table or collection does not join two files.
- **Link.** Python imports of the project's own modules (python_link.py) and JS/TS ones
  (local_modules.py) are resolved over the per-file analyses, before any file is finalized;
  a notebook's imports too (it imports, nothing imports it: a client made in `app/` is the
  SDK's client in its cells).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping

from ragfirst.engine.engine import FileAnalysis
from ragfirst.engine.js_link import analyse_imported_modules
from ragfirst.engine.local_modules import ModuleSuffixes, resolve_module
from ragfirst.engine.project import ProjectIndex, is_notebook
from ragfirst.engine.python_link import LinkResult, ModuleIndex, PythonLinker, Reanalyze


def link_project(
    analyses: Mapping[str, FileAnalysis],
    root: str,
    reanalyze: Reanalyze,
    locations: dict[str, str] | None = None,
    libraries: frozenset[str] = frozenset(),
    boundaries: bool = False,
    linker: Callable[[Mapping[str, FileAnalysis], ModuleIndex, Reanalyze], PythonLinker] = PythonLinker,
) -> LinkResult:
    """Link one project's files, keyed by display path; `locations` gives each one's real
    path (absolute, POSIX) and `root` is the project root's (without them, display paths
    stand for both: an in-memory project). Files inside packages named in `libraries` (the
    packages rules name) are a library's own code: not linked. `linker` makes the Python
    linker (incremental_link.Recorder keeps it for the next incremental link)."""
    index = ModuleIndex(analyses, root, locations, libraries)
    locate_notebooks(index, analyses, locations)
    # (a plain dict is copied: the linker's own; a load's files are read as the link asks)
    result = linker(dict(analyses) if isinstance(analyses, dict) else analyses, index, reanalyze).link()
    result.edges.extend(script_links(analyses, reanalyze, result.analyses, boundaries))
    return result


def locate_notebooks(index: ModuleIndex, paths: Iterable[str], locations: dict[str, str] | None) -> None:
    """The index locates the project's Python modules; a notebook is none (nothing imports
    it), but its own imports resolve from its directory (a kernel's working directory is
    the notebook's), so the link's import edges, the boundaries' only links of a notebook,
    need where it is."""
    if locations:
        for path in paths:
            if is_notebook(path) and path in locations:
                index.locate(path, posixpath.normpath(locations[path]))


def script_links(
    analyses: Mapping[str, FileAnalysis],
    reanalyze: Reanalyze,
    changed: dict[str, FileAnalysis],
    boundaries: bool,
) -> list[tuple[str, str]]:
    """The JS/TS part of a link: the modules the prefilter skipped, parsed for importers
    (into `changed`), and the import edges between the project's scripts."""
    analyses = dict(analyses)
    analyse_imported_modules(analyses, reanalyze, changed, boundaries)
    modules = {path: a.exports for path, a in analyses.items() if a.exports is not None}
    suffixes = ModuleSuffixes(modules)
    edges: list[tuple[str, str]] = []
    for path, analysis in analyses.items():  # JS/TS imports of the project's modules
        specs = {local.module for local in analysis.local_calls}
        if analysis.exports is not None:
            specs.update(analysis.exports.imports)
        for spec in specs:
            target = resolve_module(path, spec, modules, suffixes)
            if target is not None:
                edges.append((path, target))
    return edges


def kernel_finds(notebook: str, target: str) -> bool:
    """Does an import in `notebook` load the project's `target` when the notebook runs?
    Its kernel runs in the notebook's directory, which is first on `sys.path`: a module
    there (or in a package below it) is the project's. A package found elsewhere in the
    repository (the library a docs tutorial demonstrates, `import instructor` from
    `docs/tutorials/`) is the installed one: the notebook uses it and is no part of it."""
    directory = posixpath.dirname(notebook)
    return not directory or target.startswith(directory + "/")


def _joins(importer: str, imported: str) -> bool:
    """Does this import edge join two files' boundaries? (Any edge but a notebook's import
    of a module its kernel would not load from the project.)"""
    return not is_notebook(importer) or kernel_finds(importer, imported)


def components(paths: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Which files can reach each other: same directory, same top-level Python package, or
    an import between them (transitively); a notebook only through its imports.
    path -> component number."""
    paths = list(paths)
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[root_a] = root_b

    packages = {
        posixpath.dirname(p) for p in paths if posixpath.basename(p) in ("__init__.py", "__init__.pyi")
    }
    for path in paths:
        if is_notebook(path):
            continue  # joined by its imports only
        directory = posixpath.dirname(path)
        union(path, "dir:" + directory)
        top = directory
        while top in packages:
            union(path, "package:" + top)
            above = posixpath.dirname(top)  # not `parent`: that name is the union-find's map
            if above == top:
                break
            top = above
    for importer, imported in edges:
        if _joins(importer, imported):
            union(importer, imported)
    numbers: dict[str, int] = {}
    return {path: numbers.setdefault(find(path), len(numbers)) for path in paths}


def application_components(paths: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int] | None:
    """The boundaries of one application (a config or a manifest marks it): every file but
    its notebooks is one component; a notebook joins it when it imports one of the
    project's modules from its own directory (`kernel_finds`), else it is alone. None when
    there is no notebook (every file shares every fact, as before notebooks had
    boundaries)."""
    notebooks = [path for path in paths if is_notebook(path)]
    if not notebooks:
        return None
    joined = {
        importer for importer, imported in edges if is_notebook(importer) and _joins(importer, imported)
    }
    found: dict[str, int] = dict.fromkeys(paths, 0)
    for number, path in enumerate(sorted(set(notebooks) - joined), start=1):
        found[path] = number
    return found


def build_index(
    analyses: dict[str, FileAnalysis], edges: Iterable[tuple[str, str]], one_project: bool
) -> ProjectIndex:
    """The project index of linked analyses, with its boundaries."""
    index = ProjectIndex()
    for path, analysis in analyses.items():
        if analysis.fact_sites or analysis.exports is not None:
            index.set_file(path, analysis.fact_sites, analysis.exports)
    edges = list(edges)
    index.set_components(
        application_components(analyses, edges) if one_project else components(analyses, edges)
    )
    return index


def refresh_application_components(
    index: ProjectIndex, order: dict[str, int], edges: dict[str, list[str]], serial: int
) -> None:
    """After an incremental link of one application: a notebook that now imports one of
    the project's modules (or no longer does), or that came or went, moves its boundary.
    `order` and `serial` are the link state's files and its count of files added (they
    change when files come or go), `edges` its Python import edges by importer. An edit
    costs O(notebooks): the notebooks are listed again only when files came or went, and
    the boundaries are rebuilt only when a notebook's joining changed."""
    membership = (serial, len(order))
    if index.notebook_members != membership:
        index.notebook_members = membership
        index.notebooks = tuple(path for path in order if is_notebook(path))
        index.notebook_joins = None
    if not index.notebooks and index.components is None:
        return
    joins = frozenset(
        path for path in index.notebooks if any(_joins(path, target) for target in edges.get(path, ()))
    )
    if joins == index.notebook_joins:
        return
    index.notebook_joins = joins
    found = application_components(order, ((path, target) for path in joins for target in edges[path]))
    if found != index.components:
        index.set_components(found)
