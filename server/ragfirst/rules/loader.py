"""Load rule packs from YAML, validate them against the schema, compile matchers.

A bad rule file is one `RuleFileError` naming file:line:col; it never becomes a traceback.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any

from ragfirst.checks.registry import CHECKS
from ragfirst.model import Severity
from ragfirst.positioned_yaml import PositionedYaml, YamlError, load_positioned
from ragfirst.resources import builtin_rules_dir
from ragfirst.rules import pack_cache
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.model import (
    ANY_LANGUAGE,
    ArgCondition,
    CallMatcher,
    CheckSpec,
    ConfigMatcher,
    DependencyMatcher,
    Example,
    FactDefinition,
    FileCall,
    ProjectMessage,
    Rule,
    RuleOption,
    RuleSet,
)
from ragfirst.rules.patterns import NamePattern, PatternError, Trigger, compile_pattern, word_trigger
from ragfirst.rules.schema import PACK
from ragfirst.rules.user_regex import SearchPattern, UserRegexError, compile_user_regex

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The pack validator, built (and jsonschema imported) only when a team's pack is read."""
    import jsonschema

    return jsonschema.Draft202012Validator(PACK)


def packs_cached_in(directory: Path | None) -> AbstractContextManager[None]:
    """Packs (and data tables) parsed while this is active are looked up in, and added
    to, the cache file of `directory` (a run with an analysis cache; None: none)."""
    return pack_cache.cached_in(directory)


def builtin_pack_paths() -> list[Path]:
    return sorted((builtin_rules_dir() / "packs").glob("*.yaml"))


def load_ruleset(extra_paths: Iterable[str | os.PathLike[str]] = ()) -> RuleSet:
    """Built-in packs plus the user's own; ids must be unique across all of them."""
    rules: list[Rule] = []
    facts: list[FactDefinition] = []
    pack_files = [(path, True) for path in builtin_pack_paths()]
    for extra in extra_paths:
        extra_path = Path(extra)
        if extra_path.is_dir():
            pack_files.extend((p, False) for p in sorted(extra_path.glob("*.y*ml")))
        else:
            pack_files.append((extra_path, False))
    seen: dict[str, Rule] = {}
    for path, builtin in pack_files:
        pack_rules, pack_facts = load_builtin_pack(path) if builtin else load_pack(path)
        for rule in pack_rules:
            if rule.id in seen:
                first = seen[rule.id]
                raise RuleFileError(
                    str(path),
                    rule.line,
                    1,
                    f"duplicate rule id {rule.id} (first defined at {first.source}:{first.line})",
                )
            seen[rule.id] = rule
        rules.extend(pack_rules)
        facts.extend(pack_facts)
    return RuleSet(rules, facts)


@lru_cache(maxsize=32)
def load_builtin_pack(path: Path) -> tuple[list[Rule], list[FactDefinition]]:
    """A pack shipped with ragfirst, parsed once per process (the rule set and the RAG
    check's fact definitions both read project-facts.yaml). Treat the result as read-only."""
    return load_pack(path, builtin=True)


def load_pack(path: Path, builtin: bool = False) -> tuple[list[Rule], list[FactDefinition]]:
    display = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # FIFOs and devices: never opened
            raise RuleFileError(display, 1, 1, "a rule pack must be a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_RULE_FILE_BYTES + 1)
        if len(data) > MAX_RULE_FILE_BYTES:
            raise RuleFileError(display, 1, 1, "rule file larger than 2 MiB")
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(display, 1, 1, "rule file is not valid UTF-8") from None
    except OSError as exc:
        raise RuleFileError(display, 1, 1, f"cannot read rule file: {exc.strerror}") from None
    return parse_pack(text, display, builtin=builtin)


def parse_pack(text: str, display: str, builtin: bool = False) -> tuple[list[Rule], list[FactDefinition]]:
    for source in pack_cache.pack_sources(builtin):  # the shipped bundle, the run's cache
        cached = source.get(text)
        if cached is not None:
            try:
                return compile_pack(cached, display, builtin)
            except Exception:  # data that does not compile as its YAML did: parse the YAML
                source.discard(text)
    cache = pack_cache.active()
    try:
        doc = load_positioned(text)
    except YamlError as exc:
        raise RuleFileError(display, exc.line, exc.col + 1, exc.message) from None
    if cache is None:
        return compile_pack(doc, display, builtin)
    watched = pack_cache.watch(doc)  # which positions building the rules asks for
    compiled = compile_pack(watched, display, builtin)
    cache.put(text, watched)
    return compiled


def compile_pack(doc: PositionedYaml, display: str, builtin: bool) -> tuple[list[Rule], list[FactDefinition]]:
    if not isinstance(doc.data, dict):
        raise RuleFileError(display, 1, 1, "a rule pack is a mapping with a `rules:` list")
    # The packs shipped with ragfirst are validated by its tests (tests/test_rule_packs.py),
    # not on every start; every other pack is validated here.
    errors = (
        [] if builtin else sorted(_validator().iter_errors(doc.data), key=lambda e: list(e.absolute_path))
    )
    if errors:
        raise _schema_error(display, doc, errors[0])
    compiler = _Compiler(display, doc, builtin)
    rules = [compiler.rule(raw, index) for index, raw in enumerate(doc.data.get("rules", []))]
    facts = [compiler.fact(raw, index) for index, raw in enumerate(doc.data.get("facts", []))]
    return rules, facts


def _schema_error(display: str, doc: PositionedYaml, error: Any) -> RuleFileError:
    path = tuple(error.absolute_path)
    # Unknown keys: point at the offending key itself.
    if error.validator == "additionalProperties":
        found = re.findall(r"'([^']+)'", error.message)
        for key in found:
            if (*path, key) in doc.keys:
                line, col = doc.keys[(*path, key)]
                where = ".".join(str(p) for p in path) or "top level"
                return RuleFileError(display, line, col + 1, f"unknown key {key!r} in {where}")
    line, col = doc.position(path)
    where = ".".join(str(p) for p in path) or "top level"
    message = error.message
    if error.validator in ("oneOf", "anyOf") and error.context:
        message = "; ".join(sorted({sub.message for sub in error.context}))[:300]
    return RuleFileError(display, line, col + 1, f"{where}: {message}")


def matcher_triggers(matcher: CallMatcher) -> set[Trigger]:
    """What a file needs for `matcher` to match: one of its patterns' words and, when it
    requires `file-calls`, also the words of one of those."""
    own = {pattern.triggers for pattern in (*matcher.calls, *matcher.imports)}
    if not matcher.file_calls:
        return own
    return {tuple(dict.fromkeys((*mine, *needed.triggers))) for mine in own for needed in matcher.file_calls}


def _check_triggers(check: object, params: dict[str, Any]) -> dict[str, set[Trigger]]:
    """A check's triggers by fact language: a check returns full pattern triggers or plain
    words (one group each), either as one set (any language) or as a dict by language."""
    returned = check.triggers(params)  # type: ignore[attr-defined]
    by_language = returned if isinstance(returned, dict) else {ANY_LANGUAGE: returned}
    found: dict[str, set[Trigger]] = {}
    for language, items in by_language.items():
        found[language] = {word_trigger(item) if isinstance(item, str) else item for item in items}
    return found


class _Compiler:
    def __init__(self, display: str, doc: PositionedYaml, builtin: bool) -> None:
        self.display = display
        self.doc = doc
        self.builtin = builtin

    def error(self, path: tuple[str | int, ...], message: str) -> RuleFileError:
        line, col = self.doc.position(path)
        return RuleFileError(self.display, line, col + 1, message)

    def patterns(self, value: str | list[str], path: tuple[str | int, ...]) -> tuple[NamePattern, ...]:
        texts = [value] if isinstance(value, str) else value
        compiled = []
        for index, text in enumerate(texts):
            try:
                compiled.append(compile_pattern(text))
            except PatternError as exc:
                item_path = path if isinstance(value, str) else (*path, index)
                raise self.error(item_path, f"bad name pattern: {exc}") from None
        return tuple(compiled)

    def file_calls(self, value: Any, path: tuple[str | int, ...]) -> tuple[FileCall, ...]:
        """Name patterns, or `{call, args}` mappings (a call that counts only with those
        arguments)."""
        items = value if isinstance(value, list) else [value]
        compiled = []
        for index, item in enumerate(items):
            here = (*path, index) if isinstance(value, list) else path
            if isinstance(item, str):
                compiled.append(FileCall(self.patterns(item, here)[0]))
                continue
            conditions = tuple(
                self.arg_condition(cond, (*here, "args", n)) for n, cond in enumerate(item["args"])
            )
            compiled.append(FileCall(self.patterns(item["call"], (*here, "call"))[0], conditions))
        return tuple(compiled)

    def regex(self, text: str, path: tuple[str | int, ...]) -> SearchPattern:
        try:
            return compile_user_regex(text, self.display)
        except UserRegexError as exc:
            raise self.error(path, f"bad regular expression {text!r}: {exc}") from None

    def call_matchers(
        self, raw: list[dict[str, Any]], path: tuple[str | int, ...]
    ) -> tuple[CallMatcher, ...]:
        matchers = []
        for index, item in enumerate(raw):
            here = (*path, index)
            args = tuple(
                self.arg_condition(cond, (*here, "args", n)) for n, cond in enumerate(item.get("args", []))
            )
            matchers.append(
                CallMatcher(
                    calls=self.patterns(item["call"], (*here, "call")) if "call" in item else (),
                    imports=self.patterns(item["import"], (*here, "import")) if "import" in item else (),
                    args=args,
                    any_arg=tuple(item.get("any-arg", ())),
                    file_calls=self.file_calls(item["file-calls"], (*here, "file-calls"))
                    if "file-calls" in item
                    else (),
                    not_file_calls=self.file_calls(item["not-file-calls"], (*here, "not-file-calls"))
                    if "not-file-calls" in item
                    else (),
                    capture={str(k): str(v) for k, v in item.get("capture", {}).items()},
                    unless_built_with=tuple(
                        self.arg_condition(cond, (*here, "unless-built-with", n))
                        for n, cond in enumerate(item.get("unless-built-with", []))
                    ),
                    in_function=self.regex(item["in-function"], (*here, "in-function"))
                    if "in-function" in item
                    else None,
                )
            )
        return tuple(matchers)

    def language_matchers(
        self, raw: dict[str, list[dict[str, Any]]], path: tuple[str | int, ...]
    ) -> dict[str, tuple[CallMatcher, ...]]:
        return {
            language: self.call_matchers(items, (*path, language))
            for language, items in raw.items()
            if language not in ("config", "dependencies")
        }

    def config_matchers(
        self, raw: list[dict[str, Any]], path: tuple[str | int, ...]
    ) -> tuple[ConfigMatcher, ...]:
        def strings(value: Any) -> tuple[str, ...]:
            return (value,) if isinstance(value, str) else tuple(value or ())

        result = []
        for index, item in enumerate(raw):
            here = (*path, index)
            patterns = {
                key: self.patterns(list(strings(item[key])), (*here, key)) if key in item else ()
                for key in ("has-keys", "has-any-keys", "key", "missing-keys")
            }
            value = None
            if "value" in item:
                value = self.arg_condition({"name": "value", **item["value"]}, (*here, "value"))
            result.append(
                ConfigMatcher(
                    files=strings(item.get("files")),
                    kinds=tuple(item.get("kinds", ())),
                    has_keys=patterns["has-keys"],
                    has_any_keys=patterns["has-any-keys"],
                    keys=patterns["key"],
                    value=value,
                    missing_keys=patterns["missing-keys"],
                    capture={str(k): str(v) for k, v in item.get("capture", {}).items()},
                )
            )
        return tuple(result)

    @staticmethod
    def dependency_matchers(raw: list[dict[str, Any]]) -> tuple[DependencyMatcher, ...]:
        from ragfirst.analyzers.manifests import normalise

        return tuple(
            DependencyMatcher(
                names=frozenset(normalise(n) for n in item["names"]),
                requires_any=frozenset(normalise(n) for n in item.get("requires-any", ())),
                ecosystems=tuple(item.get("ecosystems", ())),
                capture={str(k): str(v) for k, v in item.get("capture", {}).items()},
            )
            for item in raw
        )

    def arg_condition(self, raw: dict[str, Any], path: tuple[str | int, ...]) -> ArgCondition:
        return ArgCondition(
            name=raw.get("name"),
            position=raw.get("position"),
            key=tuple(raw["key"].split(".")) if raw.get("key") else (),
            present=raw.get("present"),
            equals=raw.get("equals"),
            has_equals="equals" in raw,
            one_of=tuple(raw["in"]) if "in" in raw else None,
            not_one_of=tuple(raw["not-in"]) if "not-in" in raw else None,
            regex=self.regex(raw["matches"], (*path, "matches")) if "matches" in raw else None,
            other_than=tuple(raw["has-value-other-than"]) if "has-value-other-than" in raw else None,
            gt=raw.get("gt"),
            gte=raw.get("gte"),
            lt=raw.get("lt"),
            lte=raw.get("lte"),
            resolves_to=self.patterns(raw["resolves-to"], (*path, "resolves-to"))
            if "resolves-to" in raw
            else (),
            null_is_absent=bool(raw.get("null-is-absent", False)),
        )

    def examples(self, raw: list[Any], path: tuple[str | int, ...]) -> tuple[Example, ...]:
        result = []
        for index, item in enumerate(raw):
            line, _ = self.doc.position((*path, index))
            if isinstance(item, str):
                result.append(Example(code=item, line=line))
            else:
                result.append(
                    Example(
                        code=item["code"],
                        path=item.get("path", "example.py"),
                        note=item.get("note", ""),
                        files=dict(item.get("files", {})),
                        expect=tuple(item.get("expect", ())),
                        fixed=item.get("fixed"),
                        fix_safety=item.get("fix-safety"),
                        line=line,
                    )
                )
        return tuple(result)

    def rule(self, raw: dict[str, Any], index: int) -> Rule:
        path: tuple[str | int, ...] = ("rules", index)
        matchers = self.language_matchers(raw.get("match", {}), (*path, "match"))
        check = None
        if "check" in raw:
            name = raw["check"]["name"]
            if name not in CHECKS:
                known = ", ".join(sorted(CHECKS))
                raise self.error((*path, "check", "name"), f"unknown check {name!r} (known: {known})")
            params = dict(raw["check"].get("params", {}))
            problem = CHECKS[name].validate(params)
            if problem:
                raise self.error((*path, "check", "params"), f"check {name!r}: {problem}")
            check = CheckSpec(name, params)
        by_language: dict[str, set[Trigger]] = {
            ANY_LANGUAGE: {word_trigger(word) for word in raw.get("triggers", ())}
        }
        for language, language_matchers in matchers.items():
            for matcher in language_matchers:
                by_language.setdefault(language, set()).update(matcher_triggers(matcher))
        if check is not None:
            for language, found in _check_triggers(CHECKS[check.name], check.params).items():
                by_language.setdefault(language, set()).update(found)
        for config in raw.get("match", {}).get("config", []):
            for key in ("has-keys", "key"):
                texts = [config[key]] if isinstance(config.get(key), str) else config.get(key, [])
                for text in texts:
                    by_language.setdefault("config", set()).add(compile_pattern(text).triggers)
        for dependency in raw.get("match", {}).get("dependencies", []):
            by_language.setdefault("config", set()).update(
                word_trigger(name) for name in dependency["names"] if len(name) >= 2
            )
        triggers = set().union(*by_language.values())
        examples = raw.get("examples", {})
        project_message = None
        if "project-message" in raw:
            pm = raw["project-message"]
            project_message = ProjectMessage(pm["fact"], pm["present"], pm["absent"])
        line, _ = self.doc.position(path)
        return Rule(
            id=raw["id"],
            name=raw["name"],
            severity=Severity.parse(raw["severity"]),
            summary=raw["summary"].strip(),
            message=raw["message"].strip(),
            guide=raw["guide"],
            source=self.display,
            line=line,
            why=raw.get("why", "").strip(),
            fix=raw.get("fix", "").strip(),
            checklist=tuple(raw.get("checklist", ())),
            tags=tuple(raw.get("tags", ())),
            options={
                key: RuleOption(
                    value["default"], value["description"], value.get("minimum"), value.get("maximum")
                )
                for key, value in raw.get("options", {}).items()
            },
            project_message=project_message,
            matchers=matchers,
            config=self.config_matchers(raw.get("match", {}).get("config", []), (*path, "match", "config")),
            dependencies=self.dependency_matchers(raw.get("match", {}).get("dependencies", [])),
            check=check,
            fire_examples=self.examples(examples.get("fire", []), (*path, "examples", "fire")),
            pass_examples=self.examples(examples.get("pass", []), (*path, "examples", "pass")),
            triggers=tuple(sorted(triggers)),
            language_triggers={
                language: tuple(sorted(found)) for language, found in by_language.items() if found
            },
            builtin=self.builtin,
        )

    def fact(self, raw: dict[str, Any], index: int) -> FactDefinition:
        path = ("facts", index)
        return FactDefinition(
            kind=raw["kind"],
            label=raw["label"],
            matchers=self.language_matchers(raw["match"], (*path, "match")),
            source=self.display,
        )
