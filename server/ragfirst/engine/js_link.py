"""JS/TS modules the prefilter skipped but another file imports: analysed after all.

The prefilter passes a JS/TS file only when it names a trigger's words, or imports a
project module and names the rest of a trigger (`chat`, `completions`, `create`). A module
that only passes a client along (`export { openai } from "./openai"` in lib/index.ts)
names neither, yet the route that imports it needs its exports. Before issue 26 no JS/TS
pattern could skip any file (one had no trigger), so every module was parsed; now the link
step parses exactly the skipped modules that some import may name, transitively, with
`force` (as the Python link does for the modules its imports reach). Every candidate an
import may name is parsed, so resolution over the modules with exports (local_modules.py)
picks what it picked when every file was parsed.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ragfirst.analyzers.facts import local_module_index
from ragfirst.analyzers.registry import language_spec
from ragfirst.engine.local_modules import ModuleSuffixes, _candidates

if TYPE_CHECKING:
    from ragfirst.engine.engine import FileAnalysis
    from ragfirst.engine.python_link import Reanalyze


def _specs(analysis: FileAnalysis, every_import: bool) -> set[str]:
    """The project modules whose exports this file's resolution may read: those its calls
    go through, and those its own exports pass on (`@local<k>` values); with
    `every_import`, every project module it imports (the import edges of boundaries)."""
    specs = {local.module for local in analysis.local_calls if local.module}
    exports = analysis.exports
    if exports is not None and every_import:
        specs.update(exports.imports)
    elif exports is not None:
        for qualname in exports.exports.values():
            index = local_module_index(qualname)
            if index is not None and index < len(exports.imports):
                specs.add(exports.imports[index])
    return specs


def _named(importer: str, spec: str, paths: set[str], suffixes: ModuleSuffixes) -> set[str]:
    """Every JS/TS file `spec` may name from `importer` (relative: each Node/TS candidate
    that exists; alias: each file whose path ends in a candidate)."""
    if spec.startswith("."):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        return {candidate for candidate in _candidates(base) if candidate in paths}
    rest = (spec[2:] if spec.startswith(("@/", "~/")) else spec[1:]).strip("/")
    return suffixes.ending_in(set(_candidates(rest))) if rest else set()


def analyse_imported_modules(
    analyses: dict[str, FileAnalysis],
    reanalyze: Reanalyze,
    changed: dict[str, FileAnalysis],
    boundaries: bool = False,
) -> None:
    """Parse (with `force`) the skipped JS/TS files that an import of the project may name,
    following their own imports; the new analyses go into `analyses` and `changed`.

    With `boundaries` (a project of loose folders: files share facts only along imports)
    the import edges must be those of a run that parsed every file, so every skipped JS/TS
    file is parsed, as before issue 26 (such projects are rare: a manifest or a ragfirst
    config makes one project without boundaries)."""
    skipped = {
        path
        for path, analysis in analyses.items()
        if not analysis.parsed and analysis.exports is None and _is_script(path)
    }
    if not skipped:
        return
    paths = {path for path in analyses if _is_script(path)}
    suffixes = ModuleSuffixes(paths)
    todo = [
        (path, spec) for path, analysis in analyses.items() for spec in sorted(_specs(analysis, boundaries))
    ]

    def parse(target: str) -> None:
        skipped.discard(target)
        found = reanalyze(target, None, True)
        if found is not None:
            analyses[target] = changed[target] = found
            todo.extend((target, nested) for nested in sorted(_specs(found, boundaries)))

    if boundaries:
        for path in sorted(skipped):
            if path in skipped:
                parse(path)
    while todo:
        importer, spec = todo.pop()
        for target in sorted(_named(importer, spec, paths, suffixes) & skipped):
            parse(target)


def _is_script(path: str) -> bool:
    spec = language_spec(path)
    return spec is not None and spec.facts_language == "javascript" and bool(spec.prefilter)
