"""Files that came or went since a project's last link, taken into the link state without
a full link (incremental_link.py), when no import resolves differently because of them.

A new module changes nothing for the other files unless one of their imports now finds it
(an `import utils` that found `../utils.py` and now finds `app/utils.py`, or found
nothing); a removed module, unless an import found it. The linker remembers every
resolution it made (`ModuleIndex`'s cache, keyed by directory and module): a new file is
checked against the cached resolutions that could name it (those whose last name is its
stem), a removed one against the files they found. A package's `__init__.py` also changes
which directories are packages (the search roots of every file below): always a full link.

A removed file no longer asks anything of the modules it imported: as for an edit
(incremental_link._python_relink), that is only taken incrementally when those modules'
links are the same whoever asks (`RecordingLinker.pure`).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ragfirst.engine.project_model import locate_notebooks
from ragfirst.engine.python_link import PYTHON_SUFFIXES

if TYPE_CHECKING:
    from ragfirst.engine.incremental_link import LinkState, _Members
    from ragfirst.engine.python_link import ModuleIndex
    from ragfirst.engine.workspace import ProjectState

_INIT = ("__init__.py", "__init__.pyi")
MAX_CHANGES = 32  # files come or gone between two links, above which a full link is cheaper


def membership_changed(state: ProjectState, link: LinkState, members: _Members) -> bool:
    """Take the files that came and went into `link`; False when a full link is needed
    (the link state may then be half updated: the full link replaces it)."""
    linker = link.linker
    index = linker.index
    came, went = sorted(link.came), sorted(link.went)
    link.came, link.went = set(), set()
    if len(came) + len(went) > MAX_CHANGES:
        return False  # a checkout, a folder indexed: each check scans the cached resolutions
    if any(posixpath.basename(file_id) in _INIT for file_id in (*came, *went)):
        return False
    if went and not _remove(state, link, went):
        return False
    for file_id in came:
        entry = members[file_id]
        if file_id.endswith(PYTHON_SUFFIXES) and not _add_module(index, file_id, entry.key.location):
            return False
        locate_notebooks(index, (file_id,), {file_id: entry.key.location})  # its import edges
        link.order[file_id] = link.serial
        link.serial += 1
        link.inputs[file_id] = entry.analysis
        link.finals[file_id] = None  # type: ignore[assignment]  # not linked yet: relinked now
        link.environments[file_id] = ""
        link.touched.add(file_id)
    state.modules = index  # the same files, locations and libraries as the link's
    return True


def _add_module(index: ModuleIndex, file_id: str, location: str) -> bool:
    """Add a Python file to the index; False if a cached resolution now finds it."""
    real = posixpath.normpath(location)
    index.add_file(file_id, real)
    stem = posixpath.splitext(posixpath.basename(real))[0]
    for (directory, module), found in list(index._resolved.items()):
        if module.rsplit(".", 1)[-1] == stem and index.resolve_in(directory, module) != found:
            return False
    return True


def _remove(state: ProjectState, link: LinkState, went: list[str]) -> bool:
    linker = link.linker
    index = linker.index
    gone = set(went)
    if not gone.isdisjoint(index._resolved.values()):
        return False  # an import found it: that file now binds something else, or nothing
    asked = set()
    for file_id in went:
        asked.update(target for target, _, _ in linker.demands.get(file_id, ()))
    if not all(linker.pure(target) for target in asked - gone):
        return False
    linker.forget(gone)
    for file_id in went:
        linker.analyses.pop(file_id, None)
        linker.demands.pop(file_id, None)
        for target in linker.reads.pop(file_id, set()):
            importers = link.importers.get(target, set())
            importers.discard(file_id)
            if not importers:
                state.summaries.pop(target, None)  # no file reads it any more
        link.importers.pop(file_id, None)
        index.remove_file(file_id)
        if file_id in link.scripts:
            link.scripts.remove(file_id)
            link.js_dirty = True
        for table in (link.inputs, link.finals, link.environments, link.order, link.python_edges):
            table.pop(file_id, None)
        link.js_edges.pop(file_id, None)
        state.summaries.pop(file_id, None)
        state.index.environments.pop(file_id, None)
    return True
