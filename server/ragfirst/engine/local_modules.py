"""Calls through the project's own JS/TS modules, resolved across files.

`import { openai } from "@/lib/openai"` in a route, and `export const openai = new OpenAI()`
in lib/openai.ts: the route's `openai.chat.completions.create(...)` is openai-node's call.
The JS analyzer roots such names at `@local<k>` (the k-th project module the file imports)
and records what each module exports. A file's calls through its project imports are kept
with its analysis (`LocalCall`); the project index keeps every module's exports; at
finalize the engine rewrites each kept call to the qualname its import resolves to and
matches it like any other call. Resolution needs the exporting file only, so the per-file
phase stays pure and cacheable.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, ArgFact, CallFact, FileFacts, local_module_index
from ragfirst.model import Span

# What `import "./openai"` may name on disk (TypeScript also lets `./openai.js` name openai.ts).
MODULE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte")
_JS_EXTENSIONS = (".js", ".jsx", ".mjs", ".cjs")
MAX_CHAIN = 4  # re-exports followed (lib/index.ts re-exporting lib/openai.ts, ...)


@dataclass(slots=True)
class LocalCall:
    """A call whose callee is reached through a project module: `module` as imported, and
    the call with its qualname relative to that module (`openai.chat.completions.create`).

    With `module` empty it is a call of the file that such a call's arguments come from
    (`fs.createReadStream("data/train.jsonl")` behind `training_file: upload.id`), kept at
    its index so checks can follow arguments back to a data file as in the file itself."""

    module: str
    call: CallFact
    snippet: str = ""


@dataclass(slots=True)
class ModuleExports:
    exports: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)  # what `@local<k>` in exports refers to


MAX_ORIGIN_DEPTH = 4  # producers of producers of arguments kept with the local calls


def local_calls(facts: FileFacts, snippet_of: Any) -> list[LocalCall]:
    """The calls of `facts` rooted at a project module, with their source line's snippet,
    and the calls their arguments come from."""
    found = []
    for call in facts.calls:
        if call.qualname is None:
            continue
        index = local_module_index(call.qualname)
        if index is None or index >= len(facts.local_modules):
            continue
        _, _, relative = call.qualname.partition(".")
        if not relative:
            continue
        found.append(
            LocalCall(facts.local_modules[index], replace(call, qualname=relative), snippet_of(call.span))
        )
    kept = {local.call.index for local in found}
    frontier = [local.call for local in found]
    for _ in range(MAX_ORIGIN_DEPTH):
        producers = []
        for call in frontier:
            for arg in (*call.args, *call.kwargs.values()):
                origin = arg.origin
                if origin is not None and origin not in kept and 0 <= origin < len(facts.calls):
                    kept.add(origin)
                    producer = facts.calls[origin]
                    producers.append(producer)
                    found.append(LocalCall("", producer, ""))
        frontier = producers
    return found


def calls_by_index(calls: list[CallFact]) -> list[CallFact]:
    """`calls` placed at their original indexes (argument origins point there); the gaps
    hold calls that match nothing."""
    size = max((call.index for call in calls), default=-1) + 1
    placed = [
        CallFact(index=i, qualname=None, tail="", span=Span.point(1, 0), full_span=Span.point(1, 0))
        for i in range(size)
    ]
    for call in calls:
        placed[call.index] = call
    return placed


class ModuleSuffixes:
    """Module paths by every path suffix that starts after a `/` (and the whole path): an
    aliased import (`@/lib/openai`) is a lookup here, built once per project, instead of a
    scan of every module per import (quadratic on a large TS tree; issue 26)."""

    def __init__(self, paths: Any) -> None:
        # The paths as they are now (a caller's dict may change later); each index is built
        # on its first question: most projects ask only one kind (issue 26, session 8).
        self._paths: set[str] = set(paths)
        self._by_suffix: dict[str, list[str]] | None = None
        self._by_stem: dict[str, set[str]] | None = None

    def named_from(self, base: str) -> set[str]:
        """The paths among these that `_candidates(base)` names (a relative import's
        targets), from an index of every path by its stems: a few lookups instead of
        forty membership tests per import (equal to the scan: tests/test_ts_speed_lookups.py)."""
        if self._by_stem is None:
            self._by_stem = _stem_index(self._paths)
        found = {base} if base in self._paths else set()
        found.update(self._by_stem.get(base, ()))
        if base.endswith(_JS_EXTENSIONS):  # `./openai.js` may be openai.ts
            found.update(self._by_stem.get(base.rsplit(".", 1)[0], ()))
        return found

    def ending_in(self, candidates: set[str]) -> set[str]:
        """The paths equal to a candidate or ending in `/` + a candidate."""
        if self._by_suffix is None:
            self._by_suffix = _suffix_index(self._paths)
        found: set[str] = set()
        for candidate in candidates:
            found.update(self._by_suffix.get(candidate, ()))
        return found


def _suffix_index(paths: set[str]) -> dict[str, list[str]]:
    """Each path under itself and every suffix of it that starts after a `/`."""
    by_suffix: dict[str, list[str]] = {}
    for path in paths:
        by_suffix.setdefault(path, []).append(path)
        start = path.find("/")
        while start != -1:
            by_suffix.setdefault(path[start + 1 :], []).append(path)
            start = path.find("/", start + 1)
    return by_suffix


def _stem_index(paths: set[str]) -> dict[str, set[str]]:
    """Each path under every stem a candidate may add a suffix to: `a/b.ts` under `a/b`,
    `a/index.ts` under `a/index` and `a` (under each module suffix it ends in)."""
    by_stem: dict[str, set[str]] = {}
    for path in paths:
        for suffix in MODULE_SUFFIXES:
            if path.endswith(suffix):
                stem = path[: -len(suffix)]
                by_stem.setdefault(stem, set()).add(path)
                if stem.endswith("/index"):
                    by_stem.setdefault(stem[: -len("/index")], set()).add(path)
    return by_stem


def resolve_module(
    importer: str, spec: str, modules: dict[str, ModuleExports], suffixes: ModuleSuffixes | None = None
) -> str | None:
    """The file (as in `modules`, display paths) that `spec` imported from `importer` names.

    Relative specifiers are resolved as Node and TypeScript do (extension, then index);
    aliases (`@/lib/openai`, `~/lib/openai`, `#lib/openai`) by the unique module whose path
    ends in the aliased path, since their mapping lives in a tsconfig we do not read.
    `suffixes` (ModuleSuffixes of `modules`) makes that a lookup; callers resolving many
    imports build it once."""
    if spec.startswith("."):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        for candidate in _candidates(base):
            if candidate in modules:
                return candidate
        return None
    rest = spec[2:] if spec.startswith(("@/", "~/")) else spec[1:]
    rest = rest.strip("/")
    if not rest:
        return None
    wanted = set(_candidates(rest))
    matches = (suffixes or ModuleSuffixes(modules)).ending_in(wanted)
    return next(iter(matches)) if len(matches) == 1 else None


def _candidates(base: str) -> list[str]:
    stems = [base]
    if base.endswith(_JS_EXTENSIONS):  # `./openai.js` may be openai.ts
        stems.append(base.rsplit(".", 1)[0])
    found = [base]
    for stem in stems:
        found.extend(stem + suffix for suffix in MODULE_SUFFIXES)
        found.extend(f"{stem}/index{suffix}" for suffix in MODULE_SUFFIXES)
    return found


def resolve_qualname(
    importer: str,
    spec: str,
    relative: str,
    modules: dict[str, ModuleExports],
    depth: int = 0,
    suffixes: ModuleSuffixes | None = None,
) -> str | None:
    """The qualname `relative` (a name in module `spec`) stands for, or None when the module
    or the export is unknown (then the call is left alone: precision first)."""
    if depth > MAX_CHAIN:
        return None
    target = resolve_module(importer, spec, modules, suffixes)
    if target is None:
        return None
    module = modules[target]
    head, dot, tail = relative.partition(".")
    name = head[:-2] if head.endswith("()") else head
    if head in module.exports:
        resolved = module.exports[head]
    elif name in module.exports:
        resolved = module.exports[name] + ("()" if head.endswith("()") else "")
    else:
        return None
    qualname = resolved + dot + tail
    index = local_module_index(qualname)
    if index is None:
        return qualname
    if index >= len(module.imports):
        return None
    _, _, rest = qualname.partition(".")
    return (
        resolve_qualname(target, module.imports[index], rest, modules, depth + 1, suffixes) if rest else None
    )


# -- plain data for the cache and the process pool (JSON, never pickle) --------------------

_UNKNOWN_MARK = {"$unknown": 1}


def _value(value: Any) -> Any:
    if value is UNKNOWN:
        return _UNKNOWN_MARK
    if isinstance(value, dict):
        return {"$dict": [[str(k), _value(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _UNKNOWN_MARK


def _unvalue(data: Any) -> Any:
    if isinstance(data, dict):
        if "$dict" in data:
            return {k: _unvalue(v) for k, v in data["$dict"]}
        return UNKNOWN
    if isinstance(data, list):
        return [_unvalue(v) for v in data]
    return data


def _span(span: Span) -> list[int]:
    return [span.start_line, span.start_col, span.end_line, span.end_col]


def _arg(arg: ArgFact) -> list[Any]:
    return [_span(arg.span), _value(arg.value), arg.qualname, arg.origin]


def _unarg(data: list[Any]) -> ArgFact:
    span, value, qualname, *origin = data
    return ArgFact(Span(*span), _unvalue(value), qualname, origin[0] if origin else None)


def dump_local_call(local: LocalCall) -> dict[str, Any]:
    call = local.call
    return {
        "module": local.module,
        "snippet": local.snippet,
        "qualname": call.qualname,
        "tail": call.tail,
        "span": _span(call.span),
        "full_span": _span(call.full_span),
        "args": [_arg(a) for a in call.args],
        "kwargs": [[name, _arg(a)] for name, a in call.kwargs.items()],
        "star": [call.star_args, call.star_kwargs],
        "scope": call.scope,
        "index": call.index,
    }


def load_local_call(data: dict[str, Any]) -> LocalCall:
    call = CallFact(
        index=int(data.get("index", 0)),
        qualname=data["qualname"],
        tail=data["tail"],
        span=Span(*data["span"]),
        full_span=Span(*data["full_span"]),
        args=[_unarg(a) for a in data["args"]],
        kwargs={name: _unarg(a) for name, a in data["kwargs"]},
        star_args=bool(data["star"][0]),
        star_kwargs=bool(data["star"][1]),
        scope=data["scope"],
    )
    return LocalCall(data["module"], call, data["snippet"])
