"""Facts an analyzer extracts from one file: calls with resolved names, imports, comments.

These are plain data (picklable, cacheable) so that the per-file phase can run in a
process pool and project-level rules can run after it over everyone's facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ragfirst.model import Span

if TYPE_CHECKING:
    from ragfirst.data.training_data import DataSummary


class _Unknown:
    """Marks a value we could not evaluate statically (inside literal dicts/lists too)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(slots=True)
class ArgFact:
    """One argument of a call: its literal value (or UNKNOWN) and what it resolves to."""

    span: Span
    value: Any = UNKNOWN
    qualname: str | None = None
    origin: int | None = None  # index of the CallFact whose result this argument is

    @property
    def is_literal(self) -> bool:
        return self.value is not UNKNOWN


@dataclass(slots=True)
class CallFact:
    """A call whose callee was resolved to a qualified name, or left with its text tail.

    `qualname` uses `()` for "an instance/result of": `openai.OpenAI().fine_tuning.jobs.create`.
    When the root name could not be resolved, `qualname` is None and `tail` keeps the dotted
    text (`loss.backward`) for checks that look at method names only.
    """

    index: int
    qualname: str | None
    tail: str
    span: Span  # the callee expression: where a diagnostic is shown
    full_span: Span  # the whole call including arguments
    args: list[ArgFact] = field(default_factory=list)
    kwargs: dict[str, ArgFact] = field(default_factory=dict)
    star_args: bool = False
    star_kwargs: bool = False
    scope: str = "<module>"  # the enclosing function, for checks that group by function
    receiver_qualname: str | None = None
    receiver_origin: int | None = None  # CallFact index that built the receiver (the client)


@dataclass(slots=True)
class ImportFact:
    module: str
    span: Span


@dataclass(slots=True)
class CommentFact:
    """A comment's text (without the leading marker) and where it starts."""

    line: int
    col: int
    text: str
    own_line: bool  # nothing but whitespace before it on its line


@dataclass(slots=True)
class ConfigEntry:
    """One key (or list item) of a config file, with where its key and value are."""

    path: tuple[str | int, ...]
    value: Any
    span: Span  # the key (for list items and the root: the value)
    document: int = 0  # the document of a multi-document YAML stream
    _dotted: str | None = field(default=None, repr=False, compare=False)

    @property
    def dotted(self) -> str:
        """`a.b.0.c`, computed once: every config matcher asks each entry for it (a 3 MB
        OpenAPI schema has 60,000 entries and a dozen matchers)."""
        if self._dotted is None:
            self._dotted = ".".join(str(part) for part in self.path)
        return self._dotted


@dataclass(slots=True)
class DependencyFact:
    """A dependency a manifest adds: normalised name (PEP 503 / npm), spec and place."""

    name: str
    spec: str
    span: Span
    group: str = "dependencies"
    ecosystem: str = "python"


@dataclass(slots=True)
class StringFact:
    """A string literal in code that looked like a secret to the cheap prefilter."""

    value: str
    span: Span
    context: str = ""  # the keyword/assignment name it was given to, when known


@dataclass(slots=True)
class EnvReadFact:
    """A read of a named environment variable in JS/TS: `process.env.NAME`,
    `import.meta.env.NAME`, or a name imported from SvelteKit's `$env/...` modules."""

    name: str
    source: str  # `process.env`, `import.meta.env`, `$env/static/public`, ...
    span: Span  # the variable's name


@dataclass(slots=True)
class SyntaxErrorFact:
    """A syntax error the parser recovered from: RF000 here, the rest of the file analysed."""

    message: str
    line: int
    col: int


@dataclass(slots=True)
class FileFacts:
    language: str
    calls: list[CallFact] = field(default_factory=list)
    imports: list[ImportFact] = field(default_factory=list)
    comments: list[CommentFact] = field(default_factory=list)
    data_summary: DataSummary | None = None  # JSONL training data files
    entries: list[ConfigEntry] = field(default_factory=list)  # config files
    dependencies: list[DependencyFact] = field(default_factory=list)  # manifests
    strings: list[StringFact] = field(default_factory=list)  # secret candidates in code
    env_reads: list[EnvReadFact] = field(default_factory=list)  # JS/TS environment variables
    config_kind: str | None = None  # yaml, json, toml, dotenv, ini, requirements
    # JS/TS modules of the project itself: what this file imports from them (a name bound
    # to `@local<k>.<export>` refers to local_modules[k]) and what it exports to them.
    local_modules: list[str] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)
    # Python: imports that may name the project's own modules, as (module as written, name
    # or "" for `import module`), and what this module offers importers (python_exports.py).
    project_imports: list[tuple[str, str]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    reexports: dict[str, list[str]] = field(default_factory=dict)  # name -> [module, name]
    used_imports: list[tuple[str, str]] = field(default_factory=list)  # of project_imports, read
    # Which of those each call's callee and arguments may carry (analyzers/import_labels.py):
    # call index -> {"callee" | position | keyword | "*" | "**": imports}.
    import_reach: dict[int, dict[str, frozenset[tuple[str, str]]]] = field(default_factory=dict)
    name_reach: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)  # module-level names
    syntax_errors: list[SyntaxErrorFact] = field(default_factory=list)  # recovered from
    # Python: the module's syntax tree while the rules match (a check that needs more than
    # the facts reads it instead of parsing the file again); None once they have, and for
    # a file that parsed only in parts.
    tree: Any = None


LOCAL_ROOT = "@local"
"""Qualnames rooted at `@local<k>` name an export of the project's own module
`FileFacts.local_modules[k]`; the engine resolves them across files (engine/local_modules.py)."""


def local_module_index(qualname: str) -> int | None:
    """k for a qualname rooted at `@local<k>`, else None."""
    if not qualname.startswith(LOCAL_ROOT):
        return None
    root = qualname.split(".", 1)[0][len(LOCAL_ROOT) :]
    return int(root) if root.isdigit() else None
