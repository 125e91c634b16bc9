"""The link step for Python: names imported from the project's own modules, resolved.

Each file's analysis (pure, cached) records the imports that may name project modules and
a summary of what the module offers (python_exports.py). Linking:

1. maps each import to a project file as Python would find it: relative imports from the
   importing file's package; absolute ones from the importing file's directory (a script's
   `sys.path[0]`), the directory above its top package, the project root and `src/`;
2. builds each importing file's *environment* from the summaries of the modules it
   imports, in dependency order (a module that itself imports from the project is linked
   first; an import cycle is cut where it closes);
3. re-analyses a file with its environment when that binds anything, so its calls and
   arguments resolve exactly as if the client or constant were defined in it; every rule,
   check and project fact then works unchanged.

Constants are read only where they can change a finding. The file analysed alone says
which of its imports reach an argument some rule reads (`constant_imports`: `model=
CHAT_MODEL` in a call a rule matches; engine/constant_readers.py), which matter only if
their value holds a text (`text_imports`: SQL with a `vector(` column), and what each of
its module-level names depends on (`name_imports`). The link asks those imports for their
constants and the others for SDK values only; a module an importer asks for a name its own
summary lacks (it may compute it from an imported constant: `DEFAULT = CHAT_MODEL`) reads
the constants of the imports that name depends on, and grows that set if another importer
needs more (`_read`). A client that reaches a file changes its calls' names: it reads the
constants of every import its calls are given but a builtin's (`client_imports`). An
import asked only for a text is first asked of its modules' texts: if no module its value
can be computed from may spell the needle, it is not parsed for it (text_closure.py).
Before this, one file reading constants made every module it reached be
analysed again with all their imports' constants (a library's classes on its base
classes: 716 of 816 re-analyses on the second bench corpus, none changing a finding).

A module imported by others but skipped by the prefilter (a settings module names no SDK)
is analysed for its summary on demand. A file that names no trigger but may reach an SDK
through the project's modules (`from app.deps import client`, then a method chain) is left
to the link unparsed (`deferred`), with the imports its text names: parsed only when one of
them offers an SDK value (`reached`); until then, to its importers, a skipped module. An
SDK's own package (engine/library_code.py) is never linked. Unknown or ambiguous imports
bind nothing.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ragfirst.analyzers.python_exports import Descriptor, Environment, has_sdk_value
from ragfirst.data.data_files import FILE_MARKER
from ragfirst.engine.engine import ANALYSIS_ERROR, FileAnalysis
from ragfirst.engine.library_code import INIT_FILES, package_directories, top_packages
from ragfirst.engine.link_gate import PROJECT_FORCE, sdk_force
from ragfirst.engine.project import is_notebook
from ragfirst.engine.text_closure import TextClosures

PYTHON_SUFFIXES = (".py", ".pyi")
MAX_DEPTH = 32  # import chains followed while linking one file (deeper: left unlinked)
_ANY_NAME, _UNPARSABLE = "<any>", "<unparsable>"  # what a skipped module was declined for
_UNSPELT = "<unspelt>"  # + a name: declined because it does not spell it (for any ask)
SUMMARY_ONLY = "all"  # `Engine.analyze(force=...)`: parse, compute the summary, match no rule

Reading = frozenset[tuple[str, str]]  # imports whose constants a link reads (ALL: every one)

Reanalyze = Callable[[str, "Environment | None", "bool | str"], "FileAnalysis | None"]
"""(path, environment, force) -> the file's analysis with that environment, or None when it
cannot be read any more. `force` as in `Engine.analyze`."""


class ModuleIndex:
    """Which project file an import names, from the set of the project's Python files.

    Files are known by their display path (the key of their analysis) and located by their
    real path (`locations`; absolute, POSIX), so that resolution does not depend on where
    the command was run from or which paths were passed."""

    def __init__(
        self,
        paths: Iterable[str],
        root: str,
        locations: dict[str, str] | None = None,
        libraries: frozenset[str] = frozenset(),
    ) -> None:
        locations = locations or {}
        self.libraries = libraries  # packages rules name: code inside them is not linked
        self._shown: dict[str, str] = {}  # real path -> display path
        for path in paths:
            if path.endswith(PYTHON_SUFFIXES):
                self._shown[posixpath.normpath(locations.get(path, path))] = path
        self._real = {shown: real for real, shown in self._shown.items()}
        # Every directory and module name of the project's files: an absolute import whose
        # first name is none of them (`torch.nn`, `numpy`) names no project file.
        self._names = {part for real in self._shown for part in real.split("/")}
        self._names.update(
            name.rsplit(".", 1)[0] for name in list(self._names) if name.endswith(PYTHON_SUFFIXES)
        )
        self.root = posixpath.normpath(root) if root else ""
        self._packages = package_directories(self._shown)
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._directories: dict[str, str] = {}  # importer -> the real directory it is in
        self._library_dirs: dict[str, bool] = {}  # directory -> inside an SDK's package
        self._library_files: dict[str, bool] = {}  # display path -> inside an SDK's package
        self._search_roots: dict[str, list[str]] = {}  # directory -> its search roots

    def add_file(self, shown: str, real: str) -> None:
        """A Python file that appeared after the index was built (the language server)."""
        self._shown[real] = shown
        self._real[shown] = real
        parts = real.split("/")
        self._names.update(parts)
        self._names.add(parts[-1].rsplit(".", 1)[0])

    def locate(self, shown: str, real: str) -> None:
        """Where a file that imports but is no module is (a notebook: a kernel runs in the
        notebook's directory, so its imports resolve from there)."""
        self._real[shown] = real
        self._directories.pop(shown, None)

    def remove_file(self, shown: str) -> None:
        """A file that went (the language server)."""
        real = self._real.pop(shown, None)
        if real is not None:
            self._shown.pop(real, None)
        self._directories.pop(shown, None)

    def is_library_code(self, shown: str) -> bool:
        """A file inside a package that rules name (`trl/trainer/sft.py`): the library's own
        implementation, which is not a user of it."""
        if not self.libraries:
            return False
        found = self._library_files.get(shown)
        if found is None:
            directory = posixpath.dirname(self._real.get(shown, shown))
            found = self._library_dirs.get(directory)
            if found is None:
                found = self._library_dirs[directory] = self._library_directory(directory)
            self._library_files[shown] = found
        return found

    def _library_directory(self, directory: str) -> bool:
        """Inside a top-level package named like an SDK (engine/library_code.py)?"""
        return not self.libraries.isdisjoint(top_packages(directory, self._packages, self.root))

    def resolve(self, importer: str, module: str) -> str | None:
        """The display path of the file `import module` in `importer` loads, or None (not
        the project's). A notebook's relative import loads nothing: its kernel runs it as
        `__main__`, no package ("attempted relative import with no known parent package")."""
        if module.startswith(".") and is_notebook(importer):
            return None
        directory = self._directories.get(importer)
        if directory is None:
            real = self._real.get(importer, importer)
            directory = self._directories[importer] = posixpath.dirname(real)
        key = (directory, module)  # the answer depends on the importer's directory only
        found = self._resolved.get(key, _UNRESOLVED)
        if found is _UNRESOLVED:
            found = self._resolved[key] = self.resolve_in(directory, module)
        return found  # type: ignore[return-value]

    def resolve_in(self, directory: str, module: str) -> str | None:
        """What `import module` names from a file in `directory` (a real path), unremembered."""
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            base = directory
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            rest = module[level:]
            if rest and rest.rpartition(".")[2] not in self._names:
                return None  # no file or package of the project has that name
            return self._find(posixpath.join(base, *rest.split(".")) if rest else base)
        parts = module.split(".")
        if parts[0] not in self._names or parts[-1] not in self._names:
            return None  # no file or package of the project has that name
        for search_root in self._roots_of(directory):
            found = self._find(posixpath.join(search_root, *parts))
            if found is not None:
                return found
        return None

    def _roots_of(self, directory: str) -> list[str]:
        """Where absolute imports are searched from a file in `directory`: the directory,
        the top of the packages it is in, the project root and its `src/`."""
        known = self._search_roots.get(directory)
        if known is not None:
            return known
        top = directory
        while top in self._packages:
            parent = posixpath.dirname(top)
            if parent == top:
                break
            top = parent
        roots = [directory, top, self.root, posixpath.join(self.root, "src")]
        known = self._search_roots[directory] = list(dict.fromkeys(roots))
        return known

    def _find(self, target: str) -> str | None:
        target = posixpath.normpath(target) if target else target
        # A normalized target gives normalized candidates, but for "." and "/"
        again = target in ("", ".") or target.endswith("/")
        for candidate in (f"{target}.py", f"{target}/__init__.py", f"{target}.pyi", f"{target}/__init__.pyi"):
            shown = self._shown.get(posixpath.normpath(candidate) if again else candidate)
            if shown is not None:
                return shown
        return None


_UNRESOLVED = object()  # not asked yet (None: asked, and no project file)


def _is_init(path: str) -> bool:
    return path.endswith(_INIT_ENDINGS) and posixpath.basename(path) in INIT_FILES


_INIT_ENDINGS = tuple(INIT_FILES)


@dataclass(slots=True)
class LinkResult:
    """The linked analyses (those that changed) and the project's import edges."""

    analyses: dict[str, FileAnalysis] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (importer, imported file)
    environments: dict[str, str] = field(default_factory=dict)  # path -> environment digest
    summaries: dict[str, dict[str, Descriptor]] = field(default_factory=dict)  # final, by module


class PythonLinker:
    """Links one project's Python files (see the module docstring)."""

    def __init__(
        self, analyses: Mapping[str, FileAnalysis], index: ModuleIndex, reanalyze: Reanalyze
    ) -> None:
        self.analyses = analyses
        self.index = index
        self.reanalyze = reanalyze
        self.result = LinkResult()
        self._final: dict[str, FileAnalysis] = {}
        self._summaries: dict[tuple[str, bool], dict[str, Descriptor]] = {}
        # The imports whose constants each file's final analysis read (ALL: every one).
        self._read: dict[str, Reading] = {}
        self._forced: dict[str, FileAnalysis] = {}  # skipped by the prefilter, parsed for summaries
        self._declined: dict[str, tuple[set[str], FileAnalysis]] = {}  # gate said no (to names)
        self._visiting: set[str] = set()
        self._paths: dict[int, tuple[Any, bool]] = {}  # id -> (descriptor, carries a path)
        self._sdk: dict[int, tuple[Any, bool]] = {}  # id -> (descriptor, leads to an SDK value)
        # Files the prefilter left to the link (`deferred`): parsed once an import of
        # theirs offers an SDK value, else None.
        self._reached: dict[str, FileAnalysis | None] = {}
        # Import closures that cannot hold a needle (`_texts_needed`): None in a linker
        # whose caches an incremental link keeps, which would have to note every module of
        # a closure as read by the importer (incremental_link.RecordingLinker).
        self.texts: TextClosures | None = TextClosures(reanalyze, self._import_targets)

    @classmethod
    def over_summaries(cls, summaries: dict[str, dict[str, Descriptor]], index: ModuleIndex) -> PythonLinker:
        """A linker over the final summaries of an earlier link: for the environment of one
        edited file, without relinking the project."""
        linker = cls({}, index, lambda *_: None)
        for path, summary in summaries.items():
            linker._summaries[(path, True)] = linker._summaries[(path, False)] = summary
            linker._read[path] = ALL  # final: linked with every constant it needed
        return linker

    def link(self) -> LinkResult:
        for path in list(self.analyses):  # (a load's files: each read here first, in order)
            self.link_own(path, self.analyses[path])
        for path, analysis in self.analyses.items():  # which files reach which (boundaries)
            for module in import_modules(analysis):
                target = self.index.resolve(path, module)
                if target is not None:
                    self.result.edges.append((path, target))
        return self.result

    def link_own(self, path: str, analysis: FileAnalysis) -> None:
        """Link a file for its own findings: one that imports project modules it reads, or
        one the prefilter left to the link that an SDK value reaches (`reached`)."""
        if analysis.used_imports or (
            deferred(analysis)
            and not self.index.is_library_code(path)
            and self.reached(path, analysis, 0) is not None
        ):
            self.final(path, 0)

    def reached(self, path: str, analysis: FileAnalysis, depth: int) -> FileAnalysis | None:
        """A file the prefilter left to the link (`deferred`), parsed when one of its
        imports offers an SDK value (its own link then decides what reaches it); None when
        none does: to its importers it is then a module the prefilter skipped."""
        if path in self._reached:
            return self._reached[path]
        found = None
        if self._imports_offer_sdk(path, analysis.deferred_imports or [], depth):
            found = self.reanalyze(path, None, PROJECT_FORCE)
            if found is not None and _failed(found):
                self.result.analyses[path] = found  # its syntax error is reported, as before
        self._reached[path] = found
        return found

    def final(
        self, path: str, depth: int, constants: bool = False, wanted: str | None = None
    ) -> FileAnalysis | None:
        """The file's analysis with its environment (linking what it imports first).
        `constants`: an importer wants its literal constants too, not only SDK values;
        `wanted`: the name that importer takes from it (None: the whole module)."""
        done = self._final.get(path)
        if done is not None and (
            not constants or _covers(self._read.get(path, NONE), self._needed(path, wanted))
        ):
            return done
        analysis = self.analyses.get(path)
        if path in self._visiting or depth > MAX_DEPTH or self.index.is_library_code(path):
            return analysis  # an import cycle, or a library's own code: as analysed alone
        if analysis is not None and deferred(analysis):
            analysis = self.reached(path, analysis, depth) or analysis
        if path in self._forced:
            analysis = self._forced[path]
        elif analysis is None or (not analysis.parsed and not _failed(analysis)):
            # Imported by another module but skipped by the prefilter: its summary is wanted
            # (its findings stay those of the file on its own: the prefilter found nothing).
            # Constants are read only for an importer whose calls they can fill in; else it
            # is parsed only if it may bind a name asked for to an SDK value (link_gate.py).
            analysis = self._skipped(path, constants, wanted, depth)
            if analysis is None or not analysis.parsed:
                return analysis
        # A module the prefilter skipped has no finding whatever its imports bind (no rule
        # can match in it): it is linked for its summary only, and analysed for it only.
        forced = path in self._forced
        self._visiting.add(path)
        try:
            # Constants of the imports an importer's name depends on, of those that reach
            # what a rule reads here, and of those an earlier link of the file read.
            needed = _needed(analysis, wanted) if constants else NONE
            read = _joined(self._read.get(path, NONE), needed, _constant_imports(analysis, forced))
            environment = self.environment(path, analysis.used_imports, depth, read)
            if analysis.text_imports and read is not ALL:
                texts = self._texts_needed(path, analysis, depth, read)
                if texts:  # their values may hold what a rule looks for (SQL's `vector(`)
                    read = _joined(read, texts)
                    environment = self.environment(path, analysis.used_imports, depth, read)
            if read is not ALL and not forced and self._binds_sdk_value(environment):
                # A client reaches the file: its calls' names change, and every constant
                # they are given (a model name) may matter as it does in any other file;
                # not those only a builtin is given (`isinstance(self, Mixin)`).
                clients = _joined(read, frozenset(analysis.client_imports))
                if clients != read:
                    read = clients
                    environment = self.environment(path, analysis.used_imports, depth, read)
        finally:
            self._visiting.discard(path)
        # Analysed again when what it reads constants of binds something (a binding of
        # another import's reaches nothing a rule reads), or when a client reaches it.
        if environment and (_binds_read(environment, read) or self._binds_sdk_value(environment)):
            linked = self.reanalyze(path, environment, SUMMARY_ONLY if forced else False)
            if linked is not None:
                analysis = linked
                self.result.analyses[path] = linked
                self.result.environments[path] = environment_digest(environment)
        previous = self._read.get(path, NONE)
        if (previous is ALL) != (read is ALL) or previous != read:
            self._read[path] = read
        self._final[path] = analysis
        return analysis

    def _alone(self, path: str) -> FileAnalysis | None:
        """The module as analysed without its environment (parsed for importers, if the
        prefilter skipped it)."""
        return self._forced.get(path) or self._reached.get(path) or self.analyses.get(path)

    def _texts_needed(self, path: str, analysis: FileAnalysis, depth: int, read: Reading) -> Reading:
        """The imports whose constants matter only if they hold a text (`text_imports`)
        and do: each is asked for its value with constants (a settings module is small;
        the file that imports it may not be)."""
        found: set[tuple[str, str]] = set()
        for needle, keys in analysis.text_imports.items():
            for key in keys:
                if key in read or key in found:
                    continue
                if self.texts is not None and not self.texts.may_hold(
                    self._import_targets(path, f"{key[0]}:{key[1]}"), needle
                ):
                    continue  # no module its value can be computed from spells the needle
                if _holds_text(self._imported(path, key[0], key[1], depth, True), needle):
                    found.add(key)
        return frozenset(found)

    def _needed(self, path: str, wanted: str | None) -> Reading:
        """`_needed` of the module as analysed alone (ALL while a skipped one is not parsed)."""
        alone = self._alone(path)
        return ALL if alone is None or not alone.parsed else _needed(alone, wanted)

    def _skipped(self, path: str, constants: bool, wanted: str | None, depth: int = 0) -> FileAnalysis | None:
        """A skipped module parsed for its summary, or as analysed alone when the gate
        says it cannot offer what is asked (remembered per name asked)."""
        declined = self._declined.get(path)
        asked = wanted if wanted is not None else _ANY_NAME
        if declined is not None and (
            not declined[0].isdisjoint((_UNPARSABLE, _UNSPELT + asked))
            or (not constants and not declined[0].isdisjoint((asked, _ANY_NAME)))
        ):
            return declined[1]
        if constants:  # its constants: parsed if it spells the name asked (link_gate.py)
            force: str | bool = SUMMARY_ONLY if wanted is None else f"{SUMMARY_ONLY}:{wanted}"
        else:
            force = sdk_force(frozenset({wanted}) if wanted is not None else None)
        analysis = self.reanalyze(path, None, force)
        if analysis is None:
            return None
        if not analysis.parsed and analysis.deferred_imports:
            # Only its imports of project modules could give it an SDK value: parsed if one
            # of them offers one, else declined whatever name is asked (link_gate.py).
            if self._imports_offer_sdk(path, analysis.deferred_imports, depth):
                parsed = self.reanalyze(path, None, SUMMARY_ONLY)
                if parsed is None:
                    return None
                analysis = parsed
            else:
                asked = _ANY_NAME
        if not analysis.parsed:  # the gate said no, or (with "all") it does not parse
            if constants:
                asked = _UNPARSABLE if _failed(analysis) or wanted is None else _UNSPELT + asked
            self._declined.setdefault(path, (set(), analysis))[0].add(asked)
            return analysis
        self._declined.pop(path, None)
        self._forced[path] = analysis  # parsed: whatever the name, the same analysis
        return analysis

    def _imports_offer_sdk(self, path: str, imports: list[str], depth: int) -> bool:
        """Does one of these imports ("module:name") of a skipped module bind an SDK value
        (asked of the project's modules as the module's own link would ask them)?"""
        self._visiting.add(path)
        try:
            for item in imports:
                module, _, name = item.partition(":")
                found = self._imported(path, module, name, depth + 1, False)
                if found is not None and self._has_sdk_value(found):
                    return True
            return False
        finally:
            self._visiting.discard(path)

    def environment(
        self,
        path: str,
        imports: list[tuple[str, str]],
        depth: int = 0,
        constants: bool | Reading = True,
    ) -> Environment:
        """What `path`'s imports of project modules bind (from their final summaries), with
        the constants of all of them (True, ALL), of none (False), or of those named."""
        environment: Environment = {}
        every = constants is True or constants is ALL
        for module, name in imports:
            wanted = every or (not isinstance(constants, bool) and (module, name) in constants)
            descriptor = self._imported(path, module, name, depth, wanted)
            if descriptor is not None:
                environment[(module, name)] = descriptor
        return environment

    def _imported(
        self, importer: str, module: str, name: str, depth: int, constants: bool
    ) -> Descriptor | None:
        if depth > MAX_DEPTH:
            return None  # a chain of re-exports longer than the link follows: left unlinked
        target = self.index.resolve(importer, module)
        if target is not None and self.index.is_library_code(target):
            return None  # the SDK's own package, vendored or being checked: it stays the SDK
        descriptor: Descriptor | None = None
        if target is not None and name in ("", "*"):  # the whole module, or all it offers
            descriptor = self._module(importer, target, depth, constants)
        elif target is not None:
            found = self._reexported(target, name, depth, constants)
            if found is None:
                found = self._summary(target, depth, constants, name).get(name)
            descriptor = self._rebased(found, target, importer) if found is not None else None
        if descriptor is None:
            submodule = self._package_submodule(importer, module, name, target)
            if submodule is not None:
                descriptor = self._module(importer, submodule, depth, constants)
        return descriptor

    def _package_submodule(self, importer: str, module: str, name: str, target: str | None) -> str | None:
        """`from app import deps`: the submodule of the package a name may be (a module
        file has none; neither has an import of the whole module)."""
        if name in ("", "*") or (target is not None and not _is_init(target)):
            return None
        return self.index.resolve(importer, submodule_spec(module, name))

    def _import_targets(self, importer: str, spec: str) -> list[str]:
        """The project files an import ("module:name") reads, as `_imported` finds them:
        the module (not an SDK's own), and the submodule a package's name may be."""
        module, _, name = spec.partition(":")
        target = self.index.resolve(importer, module)
        if target is not None and self.index.is_library_code(target):
            return []
        submodule = self._package_submodule(importer, module, name, target)
        return [found for found in (target, submodule) if found is not None]

    def _reexported(self, target: str, name: str, depth: int, constants: bool) -> Descriptor | None:
        """A name the target only re-exports (`from .settings import MODEL` in a package's
        `__init__.py`), asked with constants: taken from the module it names, without
        linking the target again with its imports' constants."""
        if not constants or target in self._visiting:
            return None
        alone = self._alone(target)
        if alone is not None and deferred(alone):
            alone = self.reached(target, alone, depth) or alone
        if alone is not None and not alone.parsed and not _failed(alone):
            alone = self._skipped(target, True, name, depth)  # skipped: parsed for its constants
        if alone is None or not alone.parsed or name in (alone.summary or {}) or name not in alone.reexports:
            return None
        module, imported = alone.reexports[name]
        self._visiting.add(target)
        try:
            found = self._imported(target, module, imported, depth + 1, constants)
        finally:
            self._visiting.discard(target)
        return found

    def _summary(
        self, target: str, depth: int, constants: bool, wanted: str | None = None
    ) -> dict[str, Descriptor]:
        """The target module's final summary, with the names it re-exports."""
        needed = self._needed(target, wanted) if constants else NONE
        constants = bool(needed)  # else its own name: the same with or without constants
        key = (target, constants)
        known = self._summaries.get(key)
        if known is not None and (not constants or _covers(self._read.get(target, NONE), needed)):
            return known
        if target in self._visiting:
            return {}
        linked = self.final(target, depth + 1, constants, wanted)
        if linked is not None and not linked.parsed and target in self._declined:
            return {}  # not parsed for this name: another importer may ask for another
        if constants and not self._read.get(target):  # parsed just now, and it has the name
            constants, key = False, (target, False)
        summary = dict(linked.summary or {}) if linked is not None else {}
        if linked is not None and linked.reexports:
            self._visiting.add(target)
            try:
                for name, (module, imported) in linked.reexports.items():
                    if name not in summary:  # with constants: only the name asked (others
                        # asked later with constants take them in `_reexported`)
                        deep = constants and (wanted is None or name == wanted)
                        found = self._imported(target, module, imported, depth + 1, deep)
                        if found is not None:
                            summary[name] = found
            finally:
                self._visiting.discard(target)
        self._summaries[key] = summary
        if summary and (constants or target not in self.result.summaries):
            self.result.summaries[target] = summary
        return summary

    def _module(self, importer: str, target: str, depth: int, constants: bool) -> Descriptor | None:
        summary = self._summary(target, depth, constants)
        if not summary:
            return None
        if not self._carries_path(summary):
            return {"m": summary}  # summaries are never modified: shared, not copied
        return {"m": {name: self._rebased(value, target, importer) for name, value in summary.items()}}

    def _rebased(self, descriptor: Descriptor, module_file: str, importer: str) -> Descriptor:
        """`_rebased`, skipping the walk for a descriptor that carries no path (most)."""
        if not isinstance(descriptor, dict) or not self._carries_path(descriptor):
            return descriptor
        return _rebased(descriptor, module_file, importer)

    def _binds_sdk_value(self, environment: Environment) -> bool:
        return any(self._has_sdk_value(descriptor) for descriptor in environment.values())

    def _has_sdk_value(self, descriptor: Descriptor) -> bool:
        """`has_sdk_value`, remembered per descriptor object (shared by every importer;
        an environment is asked again each time a module is linked)."""
        return _by_object(self._sdk, descriptor, has_sdk_value)

    def _carries_path(self, value: dict[str, Any]) -> bool:
        """Does this descriptor (or summary) hold a path relative to its module's file
        anywhere inside? Remembered per object: summaries and descriptors are shared by
        every importer and never modified (86k `_rebased` calls per warm run of corpus b)."""
        return _by_object(self._paths, value, _holds_path)


def _by_object(memo: dict[int, tuple[Any, bool]], value: Any, compute: Callable[[Any], bool]) -> bool:
    """`compute(value)`, remembered by the object's identity (kept alive in `memo`, so an
    id is never reused while its answer is held)."""
    known = memo.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    found = compute(value)
    memo[id(value)] = (value, found)
    return found


def submodule_spec(module: str, name: str) -> str:
    """`from app import deps` may name the submodule `app.deps` (`from . import x`: `.x`)."""
    return f"{module}.{name}" if module.strip(".") else module + name


def _lacks(analysis: FileAnalysis, wanted: str | None) -> bool:
    """Must the module be linked with its imports' constants for an importer that asks it
    for `wanted` with constants? Not when its own summary holds the name: a literal is
    exported only when fully known, and a class or a factory keeps the constants of its own
    module; nor for a name it only re-exports (`_reexported` takes it, with constants, from
    the module it names). Yes for a name it lacks (it may compute it from an imported
    constant) and for an importer of the whole module (None: it may read any name)."""
    if wanted is None:
        return True
    return wanted not in (analysis.summary or {}) and wanted not in analysis.reexports


class _All(frozenset):  # type: ignore[type-arg]
    """Every import (an importer of the whole module, a file a client reaches)."""

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


ALL: Reading = _All()
NONE: Reading = frozenset()


def _covers(read: Reading, needed: Reading) -> bool:
    return read is ALL or (needed is not ALL and needed <= read)


def _joined(*parts: Reading) -> Reading:
    if any(part is ALL for part in parts):
        return ALL
    return frozenset().union(*parts)


def _needed(analysis: FileAnalysis, wanted: str | None) -> Reading:
    """The imports whose constants the module must read for an importer that asks it for
    `wanted` with constants: none when its own summary holds the name (`_lacks`), those
    the name's value may depend on (analyzers/import_labels.py) when it lacks it, every one
    for an importer of the whole module (None: it may read any name)."""
    if not _lacks(analysis, wanted):
        return NONE
    if wanted is None:
        return ALL
    return frozenset(analysis.name_imports.get(wanted, ()))


def _constant_imports(analysis: FileAnalysis, forced: bool = False) -> frozenset[tuple[str, str]]:
    """The imports whose constants can change what rules see in this file: those that
    reach an argument a rule reads (`model=CHAT_MODEL` matches nothing until the constant
    is known; engine/constant_readers.py), as the file analysed alone says.

    None for a file that names no trigger of its own (`via_project`, or `forced`: skipped
    and parsed for its summary): a constant changes no call's name, so no rule can match
    there unless an SDK value is imported too (`final` then reads the constants its calls
    are given: `client_imports`)."""
    if not analysis.parsed or analysis.via_project or forced:
        return frozenset()
    return frozenset(analysis.constant_imports)


def _binds_read(environment: Environment, read: Reading) -> bool:
    if read is ALL:
        return True
    return any(key in environment for key in read)


def _holds_text(value: Any, needle: str) -> bool:
    """A string holding `needle` (case-insensitive) anywhere in a descriptor."""
    if isinstance(value, str):
        return needle in value.lower()
    if isinstance(value, dict):
        return any(_holds_text(item, needle) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_text(item, needle) for item in value)
    return False


def deferred(analysis: FileAnalysis) -> bool:
    """A file the prefilter left to the link: no trigger of its own, but imports that may
    pass it an SDK value (`deferred_imports`); not parsed yet."""
    return analysis.via_project and not analysis.parsed and analysis.deferred_imports is not None


def import_modules(analysis: FileAnalysis) -> list[str]:
    """The modules a file imports that may be the project's (its import edges): as parsed,
    or as read from the text of a file the prefilter left to the link."""
    if deferred(analysis):
        return [spec.partition(":")[0] for spec in analysis.deferred_imports or ()]
    return [module for module, _ in analysis.project_imports]


def _failed(analysis: FileAnalysis) -> bool:
    return any(match.rule_id == ANALYSIS_ERROR for match in analysis.matches)


def _holds_path(value: Any) -> bool:
    """A `__file__`-relative path anywhere in a descriptor, or in a summary's values."""
    if not isinstance(value, dict):
        return False
    path = value.get("p")
    if isinstance(path, str) and path.startswith(FILE_MARKER):
        return True
    return any(_holds_path(item) for item in value.values() if isinstance(item, dict))


def _rebased(descriptor: Descriptor, module_file: str, importer: str) -> Descriptor:
    """A path relative to `__file__` in the module, made relative to the importer's file."""
    if not isinstance(descriptor, dict):
        return descriptor
    path = descriptor.get("p")
    if isinstance(path, str) and path.startswith(FILE_MARKER):
        target = posixpath.normpath(module_file + path[len(FILE_MARKER) :])
        relative = posixpath.relpath(target, importer) if target else target
        return {**descriptor, "p": f"{FILE_MARKER}/{relative}"}
    rebased = {}
    changed = False  # descriptors are never modified: one without a path inside is shared
    for key, value in descriptor.items():
        if key in ("f", "i", "c") and isinstance(value, dict):
            rebased[key] = _rebased(value, module_file, importer)
        elif key in ("a", "m") and isinstance(value, dict):
            items = {k: _rebased(v, module_file, importer) for k, v in value.items()}
            same = all(items[k] is v for k, v in value.items())
            rebased[key] = value if same else items
        else:
            rebased[key] = value
        changed = changed or rebased[key] is not value
    return rebased if changed else descriptor


def environment_digest(environment: Environment) -> str:
    """A stable key for an environment (part of the cache key of a linked analysis)."""
    items = sorted([list(key), value] for key, value in environment.items())
    text = json.dumps(items, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
