"""Compiled rules: what the loader builds from YAML and the matcher consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ragfirst.model import Severity
from ragfirst.rules.patterns import NamePattern, Trigger
from ragfirst.rules.user_regex import SearchPattern

ANY_LANGUAGE = "*"


@dataclass(frozen=True, slots=True)
class ArgCondition:
    name: str | None
    position: int | None
    key: tuple[str, ...] = ()
    present: bool | None = None
    equals: Any = None
    has_equals: bool = False
    one_of: tuple[Any, ...] | None = None
    not_one_of: tuple[Any, ...] | None = None
    regex: SearchPattern | None = None  # RE2: linear time on untrusted patterns
    other_than: tuple[Any, ...] | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    resolves_to: tuple[NamePattern, ...] = ()
    null_is_absent: bool = False  # `max_tokens=None` / `maxTokens: undefined` is no value

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"argument {self.position}"


@dataclass(frozen=True, slots=True)
class FileCall:
    """A call the file must (or must not) make elsewhere, optionally with argument
    conditions: `unsloth.FastModel.from_pretrained` loads a language model only when its
    `auto_model` is not a classifier head."""

    pattern: NamePattern
    args: tuple[ArgCondition, ...] = ()

    @property
    def text(self) -> str:
        return self.pattern.text

    @property
    def triggers(self) -> Trigger:
        return self.pattern.triggers


@dataclass(frozen=True, slots=True)
class CallMatcher:
    """Calls or imports in one language's facts, with argument conditions."""

    calls: tuple[NamePattern, ...] = ()
    imports: tuple[NamePattern, ...] = ()
    args: tuple[ArgCondition, ...] = ()
    any_arg: tuple[str, ...] = ()
    file_calls: tuple[FileCall, ...] = ()
    not_file_calls: tuple[FileCall, ...] = ()
    capture: dict[str, str] = field(default_factory=dict)
    # Skip a call when it, or the call that built its receiver (`OpenAI(base_url=...)` for
    # `client.chat.completions.create`), passes an argument that meets one of these.
    unless_built_with: tuple[ArgCondition, ...] = ()
    # Only calls made inside a function or class whose qualified name (`Reranker.score`)
    # this regex finds: what the project's own code is for, from what it is called.
    in_function: Any = None


@dataclass(frozen=True, slots=True)
class ConfigMatcher:
    """Keys and values of config files: `key` entries are reported; `has-keys` /
    `has-any-keys` recognise the kind of file; `missing-keys` reports their absence."""

    files: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    has_keys: tuple[NamePattern, ...] = ()
    has_any_keys: tuple[NamePattern, ...] = ()
    keys: tuple[NamePattern, ...] = ()
    value: ArgCondition | None = None
    missing_keys: tuple[NamePattern, ...] = ()
    capture: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DependencyMatcher:
    names: frozenset[str]
    requires_any: frozenset[str] = frozenset()
    ecosystems: tuple[str, ...] = ()
    capture: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectMessage:
    fact: str
    present: str
    absent: str


@dataclass(frozen=True, slots=True)
class CheckSpec:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Example:
    code: str
    path: str = "example.py"
    note: str = ""
    files: dict[str, str] = field(default_factory=dict)
    expect: tuple[str, ...] = ()  # "line:column" of every finding (rule tests)
    fixed: str | None = None  # the code after the rule's fixes
    fix_safety: str | None = None
    line: int = 0  # where the example is in its pack (rule-test messages)


@dataclass(frozen=True, slots=True)
class RuleOption:
    default: Any
    description: str
    minimum: float | None = None  # config/validation.py checks a team's value against these
    maximum: float | None = None


@dataclass(slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    message: str
    guide: str
    source: str  # the pack file it came from
    line: int = 1
    why: str = ""
    fix: str = ""
    checklist: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    options: dict[str, RuleOption] = field(default_factory=dict)
    project_message: ProjectMessage | None = None
    matchers: dict[str, tuple[CallMatcher, ...]] = field(default_factory=dict)  # by language
    config: tuple[ConfigMatcher, ...] = ()
    dependencies: tuple[DependencyMatcher, ...] = ()
    check: CheckSpec | None = None
    fire_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    # The same triggers by the fact language they can match in (`python`, `javascript`,
    # `sql`, `config`); ANY_LANGUAGE holds those that may match anywhere.
    language_triggers: dict[str, tuple[Trigger, ...]] = field(default_factory=dict)
    builtin: bool = True


@dataclass(slots=True)
class FactDefinition:
    """Project facts (e.g. "retrieval is set up here") that project-aware messages use."""

    kind: str
    label: str
    matchers: dict[str, tuple[CallMatcher, ...]]
    source: str


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    facts: list[FactDefinition]
    by_id: dict[str, Rule] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {rule.id: rule for rule in self.rules}

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)

    def triggers(self, language: str | None = None) -> set[Trigger]:
        """What a file must contain for some rule or fact to match in it: for one fact
        language (a Python file need not contain the words of SQL or config matchers), or
        for any language when `language` is None."""
        words: set[Trigger] = set()
        for rule in self.rules:
            if language is None:
                words.update(rule.triggers)
            else:
                words.update(rule.language_triggers.get(language, ()))
                words.update(rule.language_triggers.get(ANY_LANGUAGE, ()))
        for fact in self.facts:
            for fact_language, matchers in fact.matchers.items():
                if language is not None and fact_language != language:
                    continue
                for matcher in matchers:
                    for pattern in (*matcher.calls, *matcher.imports):
                        words.add(pattern.triggers)
        return words

    def wildcard_entry_triggers(self, language: str) -> frozenset[Trigger]:
        """The triggers, of one fact language's patterns, that only patterns whose
        package is followed by a one-name wildcard (`chromadb.*().get_collection`) have:
        their second group is a method on what that name built. A trigger another pattern
        has too (`a.b.c` and `a.*.b.c` both give `a`, `b`, `c`) is not one of them."""
        wildcard: set[Trigger] = set()
        named: set[Trigger] = set()
        sources = [rule.matchers.get(language, ()) for rule in self.rules]
        sources += [fact.matchers.get(language, ()) for fact in self.facts]
        for matchers in sources:
            for matcher in matchers:
                for pattern in (*matcher.calls, *matcher.imports):
                    (wildcard if pattern.entry_wildcard else named).add(pattern.triggers)
        return frozenset(wildcard - named)
