"""Did relinking a project change what one of its documents sees?

When an edit changes what a module offers importers (a constant's value, an export), the
server relinks the project and lints the open documents again: other files may bind the
new values. The edited document itself was just linted against the index it updated in
place; linting it again only matters when the relink changed the facts of some other file
(a module that now binds the new value) or what the document's own imports bind. While
typing a module-level constant that other files do not use, that second lint of every
keystroke found the same findings, and ran in the worker pool beside the next edit's lint.
"""

from __future__ import annotations

from typing import Any

from ragfirst.engine.project import ProjectIndex


def seen_by(index: ProjectIndex, shown: str) -> tuple[Any, ...]:
    """What `shown`'s project-aware checks read from the index, besides its own facts."""
    others = {path: sites for path, sites in index._by_file.items() if path != shown}
    modules = {path: exports for path, exports in index.modules.items() if path != shown}
    return others, modules, index.components, index.environments.get(shown)
