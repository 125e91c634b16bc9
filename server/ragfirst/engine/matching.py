"""Match compiled YAML matchers against one file's facts."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, ArgFact, CallFact, ConfigEntry, FileFacts
from ragfirst.analyzers.manifests import CONSTRAINTS
from ragfirst.model import Span
from ragfirst.rules.model import ArgCondition, CallMatcher, ConfigMatcher, DependencyMatcher, FileCall
from ragfirst.rules.patterns import NamePattern

_MISSING = object()


def _find_arg(call: CallFact, condition: ArgCondition) -> ArgFact | None:
    if condition.name is not None and condition.name in call.kwargs:
        return call.kwargs[condition.name]
    if condition.position is not None and condition.position < len(call.args):
        return call.args[condition.position]
    return None


def _dig(value: Any, key: tuple[str, ...]) -> Any:
    for part in key:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif value is UNKNOWN:
            return UNKNOWN
        else:
            return _MISSING
    return value


def _has_value_other_than(value: Any, defaults: tuple[Any, ...]) -> bool:
    """A known value (or, in a dict/list, any known member) outside `defaults`."""
    if isinstance(value, dict):
        return any(_has_value_other_than(v, defaults) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_value_other_than(v, defaults) for v in value)
    return value is not UNKNOWN and value not in defaults


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return None
    return None


def value_holds(condition: ArgCondition, value: Any) -> bool:
    """The value tests of a condition (equals, in, matches, bounds) on a known value."""
    if value is UNKNOWN:
        return False
    if condition.has_equals and value != condition.equals:
        return False
    if condition.one_of is not None and value not in condition.one_of:
        return False
    if condition.not_one_of is not None and value in condition.not_one_of:
        return False
    if condition.regex is not None and not (isinstance(value, str) and condition.regex.search(value)):
        return False
    if condition.other_than is not None and not _has_value_other_than(value, condition.other_than):
        return False
    bounds = (condition.gt, condition.gte, condition.lt, condition.lte)
    if any(b is not None for b in bounds):
        number = _number(value)
        if number is None:
            return False
        if condition.gt is not None and not number > condition.gt:
            return False
        if condition.gte is not None and not number >= condition.gte:
            return False
        if condition.lt is not None and not number < condition.lt:
            return False
        if condition.lte is not None and not number <= condition.lte:
            return False
    return True


def condition_holds(call: CallFact, condition: ArgCondition) -> bool:
    """True only when the condition provably holds; unknown values never match."""
    arg = _find_arg(call, condition)
    value: Any = _MISSING if arg is None else arg.value
    if arg is not None and condition.key:
        value = _dig(arg.value, condition.key)
    elif arg is not None and value is UNKNOWN and arg.qualname and "()" not in arg.qualname:
        # An enum member (`types.TuningMethod.PREFERENCE_TUNING`) compares by its name.
        value = arg.qualname.rsplit(".", 1)[-1]
    unknowable = call.star_kwargs or (condition.position is not None and call.star_args)
    if condition.null_is_absent and value is None:
        value = _MISSING  # `max_tokens=None`, `maxTokens: undefined`: no value given
        arg = None
    if value is _MISSING:
        if unknowable and arg is None:
            return False  # `**kwargs` may carry it: neither present nor absent is provable
        return condition.present is False
    if condition.present is False:
        return False
    if condition.resolves_to:
        if arg is None or arg.qualname is None:
            return False
        if not any(p.matches(arg.qualname) for p in condition.resolves_to):
            return False
    has_value_test = (
        condition.has_equals
        or condition.one_of is not None
        or condition.not_one_of is not None
        or condition.regex is not None
        or condition.other_than is not None
        or any(b is not None for b in (condition.gt, condition.gte, condition.lt, condition.lte))
    )
    if not has_value_test:
        return True
    return value_holds(condition, value)


def receiver_builder(call: CallFact, facts: FileFacts) -> CallFact | None:
    """The call that built the object `call` is made on (`OpenAI(...)` for
    `client.chat.completions.create`), only when its qualified name is where the
    receiver's starts: an index from another file's facts never matches by accident."""
    origin = call.receiver_origin
    if origin is None or not 0 <= origin < len(facts.calls):
        return None
    builder = facts.calls[origin]
    receiver = call.receiver_qualname or ""
    if builder.qualname is None or not receiver.startswith(builder.qualname + "()"):
        return None
    return builder


MAX_BUILDERS = 4  # receiver levels looked through: client, model, chat, ...


def built_with(call: CallFact, facts: FileFacts, conditions: tuple[ArgCondition, ...]) -> bool:
    """Whether the call, or a call that built its receiver (the client constructor, and
    what built that: `getGenerativeModel({generationConfig}).startChat().sendMessage()`),
    passes an argument meeting one of `conditions` (a base URL on localhost, say)."""
    calls = [call]
    builder = receiver_builder(call, facts)
    while builder is not None and len(calls) <= MAX_BUILDERS and all(builder is not c for c in calls):
        calls.append(builder)
        builder = receiver_builder(builder, facts)
    return any(
        condition.present is not False and condition_holds(each, condition)
        for each in calls
        for condition in conditions
    )


def display_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is UNKNOWN:
        return "?"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {display_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _sets(value: Any) -> bool:
    """A value written in the code: a literal, or a literal dict/list with one literal leaf."""
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return any(_sets(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_sets(item) for item in value)
    return True


def call_captures(call: CallFact) -> dict[str, str]:
    qualname = call.qualname or call.tail
    short = qualname.rstrip("()").rsplit(".", 1)[-1].rstrip("()")
    captures = {"call": qualname, "callee": call.tail, "short": short}
    named = [(str(position), arg) for position, arg in enumerate(call.args)] + list(call.kwargs.items())
    for name, arg in named:  # positional arguments as `arg.0`, `arg.1`, ...
        if arg.is_literal:
            shown = display_value(arg.value)
            captures[f"arg.{name}"] = shown if len(shown) <= 80 else shown[:77] + "..."
    return captures


def match_calls(
    matcher: CallMatcher, facts: FileFacts
) -> Iterator[tuple[Span, dict[str, str], CallFact | None]]:
    """The calls (or, for an import matcher, the import) `matcher` reports in `facts`."""
    return _match_calls(matcher, facts) if can_match(matcher, facts) else iter(())


def match_possible_calls(
    matcher: CallMatcher, facts: FileFacts
) -> Iterator[tuple[Span, dict[str, str], CallFact | None]]:
    """`match_calls` for a matcher already known possible in the file (`MatcherIndex`)."""
    return _match_calls(matcher, facts)


class MatcherIndex:
    """Which of many call matchers may match a file (`can_match` of each), from the names
    of the file's resolved calls: one lookup per distinct name in the file instead of one
    test per matcher (an engine holds ~250 matchers; a file names a few of them)."""

    __slots__ = ("anything", "by_first", "by_last", "imports")

    def __init__(self, matchers: Iterable[CallMatcher]) -> None:
        self.imports: set[int] = set()  # import matchers: always possible
        self.anything: set[int] = set()  # a pattern without names: any resolved call
        self.by_last: dict[str, set[int]] = {}
        self.by_first: dict[str, set[int]] = {}
        for matcher in matchers:
            key = id(matcher)
            if matcher.imports:
                self.imports.add(key)
                continue
            names = CallNames(matcher.calls)
            if names.anything:
                self.anything.add(key)
            for name in names.lasts:
                self.by_last.setdefault(name, set()).add(key)
            for name in names.firsts:
                self.by_first.setdefault(name, set()).add(key)

    def possible(self, facts: FileFacts) -> set[int]:
        """The ids of the matchers `can_match` would accept for `facts`."""
        index = call_index(facts)
        found = set(self.imports)
        if index.resolved:
            found |= self.anything
        by_last, by_first = self.by_last, self.by_first
        for name in index.by_last:
            keys = by_last.get(name)
            if keys is not None:
                found |= keys
        for name in index.by_first:
            keys = by_first.get(name)
            if keys is not None:
                found |= keys
        return found


def can_match(matcher: CallMatcher, facts: FileFacts) -> bool:
    """False when `match_calls` certainly finds nothing: a call matcher none of whose
    patterns names a resolved call of the file (`CallNames`, one set test; most files hold
    a few of the rules' hundreds of matchers). A caller looping over many matchers asks
    this first and skips the rest of the work."""
    return bool(matcher.imports) or _call_names(matcher).in_file(call_index(facts))


def _match_calls(
    matcher: CallMatcher, facts: FileFacts
) -> Iterator[tuple[Span, dict[str, str], CallFact | None]]:
    if matcher.file_calls and not _file_calls_any(facts, matcher.file_calls):
        return
    if matcher.not_file_calls and _file_calls_any(facts, matcher.not_file_calls):
        return
    if matcher.imports:
        for fact in facts.imports:
            if any(p.matches(fact.module) or p.matches(fact.module.split(".")[0]) for p in matcher.imports):
                yield fact.span, {"module": fact.module, **matcher.capture}, None
                return  # one decision per file: its second `from torchtune...` is the same one
        return
    for call in candidate_calls(facts, matcher.calls):
        if not any(p.matches(call.qualname) for p in matcher.calls):
            continue
        if not all(condition_holds(call, condition) for condition in matcher.args):
            continue
        if matcher.unless_built_with and built_with(call, facts, matcher.unless_built_with):
            continue
        if matcher.in_function is not None and not matcher.in_function.search(call.scope):
            continue
        captures = call_captures(call)
        if matcher.any_arg:
            # Only values the code sets: `epochs=args.epochs` forwards someone else's choice.
            present = [
                name for name in matcher.any_arg if name in call.kwargs and _sets(call.kwargs[name].value)
            ]
            if not present:
                continue
            captures["args"] = ", ".join(
                f"{name}={display_value(call.kwargs[name].value)}" for name in present
            )
        captures.update({key: render_template(value, captures) for key, value in matcher.capture.items()})
        yield call.span, captures, call


def match_config(
    matcher: ConfigMatcher, facts: FileFacts, path: str
) -> Iterator[tuple[Span, dict[str, str]]]:
    """Config entries a matcher reports, document by document (multi-document YAML)."""
    name = path.rsplit("/", 1)[-1]
    if matcher.files and not any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in matcher.files):
        return
    if matcher.kinds and facts.config_kind not in matcher.kinds:
        return
    documents: dict[int, list[ConfigEntry]] = {}
    for entry in facts.entries:
        documents.setdefault(entry.document, []).append(entry)
    for entries in documents.values():
        dotted = [(entry, entry.dotted) for entry in entries]

        def first(patterns: tuple, dotted=dotted) -> ConfigEntry | None:
            return next((e for e, text in dotted if any(p.matches(text) for p in patterns)), None)

        anchors = [first((pattern,)) for pattern in matcher.has_keys]
        if any(anchor is None for anchor in anchors):
            continue
        if matcher.has_any_keys and first(matcher.has_any_keys) is None:
            continue
        base = {"file": name, **matcher.capture}
        if matcher.missing_keys:
            if first(matcher.missing_keys) is None:
                anchor = anchors[0] if anchors else None
                span = anchor.span if anchor else Span.point(1, 0)
                yield span, {**base, "key": anchor.dotted if anchor else ""}
            continue
        if not matcher.keys:
            anchor = anchors[0]
            yield anchor.span, {**base, "key": anchor.dotted, "value": display_value(anchor.value)[:80]}
            continue
        for entry, text in dotted:
            if not any(p.matches(text) for p in matcher.keys):
                continue
            if matcher.value is not None and not value_holds(matcher.value, entry.value):
                continue
            yield entry.span, {**base, "key": text, "value": display_value(entry.value)[:80]}


def match_dependencies(
    matcher: DependencyMatcher, facts: FileFacts, path: str
) -> Iterator[tuple[Span, dict[str, str]]]:
    names = {dependency.name for dependency in facts.dependencies}
    if matcher.requires_any and not (names & matcher.requires_any):
        return
    reported: set[str] = set()  # one decision per package per manifest, however many extras list it
    for dependency in facts.dependencies:
        if dependency.name not in matcher.names or dependency.name in reported:
            continue
        if dependency.group == CONSTRAINTS:
            continue  # pins a version; adds nothing
        if matcher.ecosystems and dependency.ecosystem not in matcher.ecosystems:
            continue
        reported.add(dependency.name)
        yield (
            dependency.span,
            {
                "name": dependency.name,
                "spec": dependency.spec,
                "group": dependency.group,
                "manifest": path.rsplit("/", 1)[-1],
                **matcher.capture,
            },
        )


class CallIndex:
    """A file's resolved calls by the first and the last segment of their names, so that a
    pattern is tested against the few calls that can match it instead of all of them."""

    __slots__ = ("by_first", "by_last", "facts", "resolved", "size")

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self.size = len(facts.calls)
        self.resolved: list[CallFact] = []
        self.by_first: dict[str, list[CallFact]] = {}
        self.by_last: dict[str, list[CallFact]] = {}
        for call in facts.calls:
            qualname = call.qualname
            if qualname is None:
                continue
            self.resolved.append(call)
            self.by_first.setdefault(qualname.split(".", 1)[0], []).append(call)
            self.by_last.setdefault(qualname.rsplit(".", 1)[-1], []).append(call)

    def candidates(self, patterns: tuple[NamePattern, ...] | list[NamePattern]) -> list[CallFact]:
        """The calls that may match one of `patterns`, in source order."""
        lists: list[list[CallFact]] = []
        for pattern in patterns:
            if pattern.last_names is not None:
                lists.extend(self.by_last[name] for name in pattern.last_names if name in self.by_last)
            elif pattern.first_names is not None:
                lists.extend(self.by_first[name] for name in pattern.first_names if name in self.by_first)
            else:
                return self.resolved
        if not lists:
            return []
        if len(lists) == 1:
            return lists[0]
        unique = {id(call): call for found in lists for call in found}
        return sorted(unique.values(), key=lambda call: call.index)


class CallNames:
    """How the calls a set of patterns can match are named (their last segments, else
    their first): a file none of whose resolved calls is named so has no candidate for
    them, which one set test says before any pattern is tried."""

    __slots__ = ("anything", "firsts", "lasts")

    def __init__(self, patterns: tuple[NamePattern, ...]) -> None:
        lasts: set[str] = set()
        firsts: set[str] = set()
        self.anything = False
        for pattern in patterns:
            if pattern.last_names is not None:
                lasts |= pattern.last_names
            elif pattern.first_names is not None:
                firsts |= pattern.first_names
            else:
                self.anything = True
        self.lasts = frozenset(lasts)
        self.firsts = frozenset(firsts)

    def in_file(self, index: CallIndex) -> bool:
        """Could `index.candidates(patterns)` be non-empty?"""
        if self.anything:
            return bool(index.resolved)
        return not self.lasts.isdisjoint(index.by_last) or not self.firsts.isdisjoint(index.by_first)


_NAMES: dict[int, tuple[CallMatcher, CallNames]] = {}  # by id, with the matcher (ids get reused)


def _call_names(matcher: CallMatcher) -> CallNames:
    cached = _NAMES.get(id(matcher))
    if cached is None or cached[0] is not matcher:
        if len(_NAMES) > 4096:  # rules loaded again and again (a server's config edits)
            _NAMES.clear()
        cached = _NAMES[id(matcher)] = (matcher, CallNames(matcher.calls))
    return cached[1]


_last_index: list[CallIndex] = []


def call_index(facts: FileFacts) -> CallIndex:
    """The index of `facts`, built once per file (the engine matches one file at a time).

    Facts are not changed once analysed; a changed call count still forces a rebuild."""
    cached = _last_index[0] if _last_index else None  # one read: safe beside other threads
    if cached is not None and cached.facts is facts and cached.size == len(facts.calls):
        return cached
    index = CallIndex(facts)
    _last_index[:] = [index]
    return index


def candidate_calls(
    facts: FileFacts, patterns: tuple[NamePattern, ...] | list[NamePattern]
) -> list[CallFact]:
    """Resolved calls of `facts` that may match one of `patterns` (a cheap superset)."""
    return call_index(facts).candidates(patterns)


def _file_calls_any(facts: FileFacts, wanted: tuple[FileCall, ...]) -> bool:
    patterns = [w.pattern for w in wanted]
    return any(
        w.pattern.matches(call.qualname) and all(condition_holds(call, c) for c in w.args)
        for call in candidate_calls(facts, patterns)
        for w in wanted
    )


_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z0-9_][A-Za-z0-9_.\-]*)(?:\|([^{}]*))?\}")


def render_template(template: str, values: dict[str, str]) -> str:
    """`{name}` or `{name|fallback}` substitution only: no attribute access, no format
    specs, nothing evaluated (rule files are data)."""
    return _TEMPLATE_FIELD.sub(
        lambda m: values.get(m.group(1), m.group(2) if m.group(2) is not None else "?"), template
    )
