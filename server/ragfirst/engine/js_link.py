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

Files the prefilter *deferred* (issue 26: they name a trigger's called method and import a
project module, but no whole trigger: `jobs.create(...)` in a file importing `./client`)
are parsed here only if a project module they import may pass an SDK value on: one whose
analysis exports something, or an unparsed one that imports a package a trigger names or,
transitively, such a module (read from its import hints: `import_hints`, `force="hints"`).
A value from an SDK reaches another module only through imports and exports (the analyzer
binds qualnames nowhere else), so a deferred file none of whose imports can lead to a
package holds no finding. On the TypeScript bench corpus 1,863 of 4,116 files that the
prefilter passed were such files; most import nothing that leads to an SDK.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ragfirst.analyzers.facts import local_module_index
from ragfirst.analyzers.registry import language_spec
from ragfirst.engine.local_modules import ModuleSuffixes, _candidates
from ragfirst.rules.model import ANY_LANGUAGE, RuleSet
from ragfirst.rules.patterns import ROOT_MARK

# Import specifiers: `from "x"`, `import "x"`, `import("x")`, `require("x")` (and `export
# ... from "x"`); template-literal specifiers hold no interpolation in a static import.
# A match inside a longer word (`datafrom "x"`) only adds a hint: no `\b`, which would make
# Python's `re` try every position (four times slower here).
_IMPORT_SPEC = re.compile(r"""(?:from|import|require)\s*\(?\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`$\n]*)`)""")
_IMPORT_KEYWORDS = ("from", "import", "require")
_AFTER_KEYWORD = re.compile(r"""\s*\(?\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`$\n]*)`)""")
_SPEC_WORD = re.compile(r"[A-Za-z_][\w-]*", re.ASCII)
_LOCAL_PREFIXES = (".", "@/", "~/", "#")


@dataclass(frozen=True, slots=True)
class ModuleRoots:
    """Where the values come from that reach a trigger of several words (the only ones a
    file can reach through the project's modules): packages by exact name (a pattern's
    first segment, `openai`, `@qdrant/js-client-rest`), and words of the names of packages
    a pattern's wildcard first segment may be (`@langchain/community/vectorstores/*`)."""

    names: frozenset[str]
    words: frozenset[str]

    def holds(self, spec: str) -> bool:
        from ragfirst.analyzers.js_modules import module_name  # only runs with JS/TS files

        return module_name(spec) in self.names or not self.words.isdisjoint(_SPEC_WORD.findall(spec))


def module_roots(ruleset: RuleSet) -> ModuleRoots | None:
    """The roots of the JS/TS patterns of several literal segments in `ruleset`, and of
    the checks' JS/TS triggers of several words; None when one has no literal root."""
    names: set[str] = set()
    words: set[str] = set()
    patterns = [
        pattern
        for item in (*ruleset.rules, *ruleset.facts)
        for matcher in item.matchers.get("javascript", ())
        for pattern in (*matcher.calls, *matcher.imports)
    ]
    triggers = [pattern.triggers for pattern in patterns if "*" in (pattern.text.split(".", 1)[0])]
    names.update(
        name
        for pattern in patterns
        if len(pattern.triggers) > 1 and pattern.first_names is not None
        for name in pattern.first_names
    )
    for rule in ruleset.rules:
        if rule.check is not None:
            triggers.extend(rule.language_triggers.get("javascript", ()))
            triggers.extend(rule.language_triggers.get(ANY_LANGUAGE, ()))
    for trigger in triggers:
        if len(trigger) > 1:
            found = {word[len(ROOT_MARK) :] for group in trigger for word in group if word[:1] == ROOT_MARK}
            if not found:
                return None
            words.update(found)
    return ModuleRoots(frozenset(names), frozenset(words))


def import_hints(text: str, roots: ModuleRoots | None) -> list[str]:
    """The imports of a module that may lead to an SDK value: the project's own modules
    (relative or alias specifiers), and the packages `roots` holds (None: every package)."""
    hints: list[str] = []
    for spec in import_specifiers(text):
        wanted = spec.startswith(_LOCAL_PREFIXES) or roots is None or roots.holds(spec)
        if wanted and spec not in hints:
            hints.append(spec)
    return hints


def import_specifiers(text: str) -> list[str]:
    """`_IMPORT_SPEC.finditer(text)`'s specifiers, found faster: `str.find` jumps to each
    keyword (a C scan) and the rest of the pattern is matched there; the hits are taken in
    order without overlaps, as `finditer` takes them (tested equal on the TS corpus)."""
    hits: list[tuple[int, int, str]] = []
    for keyword in _IMPORT_KEYWORDS:
        at = text.find(keyword)
        while at >= 0:
            found = _AFTER_KEYWORD.match(text, at + len(keyword))
            if found is not None:
                hits.append((at, found.end(), found.group(1) or found.group(2) or found.group(3) or ""))
            at = text.find(keyword, at + 1)
    hits.sort()
    specs, end = [], 0
    for start, stop, spec in hits:
        if start >= end:  # `finditer` resumes after the previous match
            specs.append(spec)
            end = stop
    return specs


def _is_local(spec: str) -> bool:
    return spec.startswith(_LOCAL_PREFIXES) and "://" not in spec


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
        return suffixes.named_from(base)
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
    paths = {path for path in analyses if _is_script(path)}
    skipped = {path for path in paths if not analyses[path].parsed and analyses[path].exports is None}
    if not skipped:
        return
    deferred = sorted(path for path in skipped if analyses[path].deferred_imports is not None)
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
    for path in _reaching(
        [path for path in deferred if path in skipped], analyses, paths, suffixes, reanalyze
    ):
        if path in skipped:
            parse(path)
    while todo:
        importer, spec = todo.pop()
        for target in sorted(_named(importer, spec, paths, suffixes) & skipped):
            parse(target)


def _reaching(
    deferred: list[str],
    analyses: dict[str, FileAnalysis],
    paths: set[str],
    suffixes: ModuleSuffixes,
    reanalyze: Reanalyze,
) -> list[str]:
    """The deferred files that import a module which may pass an SDK value on: a parsed
    one exporting a package's value (or another module's that may), an unparsed one that
    imports a root package (or a module that may). One walk over the import graph the
    deferred files reach, one walk back from the holders: linear in the graph."""
    imports: dict[str, set[str]] = {}
    holders: set[str] = set()
    seen = set(deferred)
    stack = list(deferred)
    while stack:
        path = stack.pop()
        analysis = analyses[path]
        targets = imports[path] = set()
        if analysis.parsed or analysis.exports is not None:
            # Its exports say what it holds: a package's value, or another module's.
            exports = analysis.exports
            for qualname in exports.exports.values() if exports is not None else ():
                index = local_module_index(qualname)
                if index is None:
                    holders.add(path)
                elif exports is not None and index < len(exports.imports):
                    targets.update(_named(path, exports.imports[index], paths, suffixes))
            stack.extend(target for target in targets - seen)
            seen.update(targets)
            continue
        specs = analysis.deferred_imports
        if specs is None:
            hinted = reanalyze(path, None, "hints")
            specs = hinted.deferred_imports if hinted is not None else None
        if not specs:
            continue
        if any(not _is_local(spec) for spec in specs):
            holders.add(path)
        for spec in specs:
            if _is_local(spec):
                targets.update(_named(path, spec, paths, suffixes))
        for target in targets - seen:
            seen.add(target)
            stack.append(target)
    importers: dict[str, list[str]] = {}
    for path, targets in imports.items():
        for target in targets:
            importers.setdefault(target, []).append(path)
    passes_on = importers_of(holders, importers)
    return [path for path in deferred if not imports.get(path, set()).isdisjoint(passes_on)]


def importers_of(modules: Iterable[str], importers: Mapping[str, Iterable[str]]) -> set[str]:
    """`modules` and every file that imports one of them, transitively (`importers`: file ->
    the files that import it)."""
    found = set(modules)
    stack = list(found)
    while stack:
        for importer in importers.get(stack.pop(), ()):
            if importer not in found:
                found.add(importer)
                stack.append(importer)
    return found


def _is_script(path: str) -> bool:
    spec = language_spec(path)
    return spec is not None and spec.facts_language == "javascript" and bool(spec.prefilter)
