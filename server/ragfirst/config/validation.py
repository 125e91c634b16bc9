"""Rule ids and option values in a config or on the command line, checked against the rules.

A typo must fail loudly (DESIGN.md): `--select RF999` or `severity = {RF10l = "error"}`
selecting nothing would print "All checks passed". The schema in settings.py checks the
shape of a config; what needs the rules themselves (which ids exist, which options a rule
declares and of what type) is checked here, once the rules of that config are loaded:
one located error, exit 2, naming the closest real id or option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ragfirst.config.settings import ConfigError, Settings, read_config_table
from ragfirst.rules.errors import RuleFileError
from ragfirst.rules.model import RuleOption, RuleSet

ALL = "ALL"
"""ruff's spelling of every rule; the empty prefix inside ragfirst."""


class ConfigValueError(ConfigError, RuleFileError):
    """A config naming a rule or option that does not exist, or an option of the wrong
    type. Raised when the config's rules are loaded (engine creation), where front ends
    already report a broken rule pack: hence a RuleFileError too."""


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _number(code: str) -> int:
    digits = re.sub(r"\D", "", code)
    return int(digits) if digits else 0


def closest(code: str, known: Iterable[str], prefixes: bool = True) -> str | None:
    """The real id (or prefix, for a prefix where prefixes are allowed) nearest to `code`:
    fewest edits, then nearest number (RF4O4 -> RF404, RF999 -> RF502)."""
    candidates = set()
    for rule_id in known:
        candidates.add(rule_id)
        if prefixes and len(code) < len(rule_id):
            candidates.add(rule_id[: max(len(code), 2)])
    if not candidates:
        return None
    return min(candidates, key=lambda c: (_distance(code, c), abs(_number(code) - _number(c)), c))


def is_known_code(code: str, known: Iterable[str]) -> bool:
    """A rule id or a prefix of one (`RF4`, `RF40`, `RF404`); `ALL` and `` select every rule."""
    return code in ("", ALL) or any(rule_id.startswith(code) for rule_id in known)


def unknown_code_message(code: str, known: Iterable[str], where: str) -> str:
    known = list(known)
    near = closest(code, known)
    hint = f"; the closest real one is {near}" if near else ""
    return f"{where}: {code!r} is not a rule id or prefix{hint} (`ragfirst rules` lists them)"


def check_cli_codes(flags: dict[str, list[str] | None], settings: Iterable[Settings]) -> str | None:
    """The first unknown code among `--select` and friends, as one error line (else None).
    The rules are loaded only when a flag names codes: ids of the built-in rules and of the
    packs of these configs (the ones that apply to the paths checked)."""
    if not any(flags.values()):
        return None
    known = sorted(known_ids(settings))
    for flag, codes in flags.items():
        for code in codes or ():
            if not is_known_code(code, known):
                return unknown_code_message(code, known, flag)
    return None


def _locate(text: str, *words: str) -> tuple[int, int]:
    """Best-effort line and column of `words` appearing in this order in the TOML text
    (tomllib keeps no positions): the first word's first occurrence, then the next after it."""
    start, found = 0, None
    for word in words:
        match = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])").search(text, start)
        if match is None:
            break
        found, start = match.start(), match.end()
    if found is None:
        return 1, 1
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def _option_problem(name: str, option: RuleOption, value: Any) -> str | None:
    """Why `value` does not fit the option's declared type (from its default) and bounds."""
    default = option.default
    if isinstance(default, bool):
        fits, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int | float):
        fits, kind = isinstance(value, int | float) and not isinstance(value, bool), "a number"
    elif isinstance(default, str):
        fits, kind = isinstance(value, str), "a string"
    else:
        return None
    if not fits:
        return f"must be {kind} (default {default!r}), got {value!r}"
    if option.minimum is not None and value < option.minimum:
        return f"must be at least {option.minimum:g}, got {value!r}"
    if option.maximum is not None and value > option.maximum:
        return f"must be at most {option.maximum:g}, got {value!r}"
    return None


def _config_codes(table: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(where, code) for every rule id or prefix the config names."""
    for key in ("select", "extend-select", "ignore", "test-code-rules"):
        for code in table.get(key, ()):
            yield key, code
    for key in ("severity", "options", "guide-urls"):
        for code in table.get(key, {}):
            yield key, code
    for pattern, codes in table.get("per-file-ignores", {}).items():
        for code in codes if isinstance(codes, list) else ():
            yield f"per-file-ignores.{pattern!r}", code


def validate_config(settings: Settings, ruleset: RuleSet) -> None:
    """Raise one located ConfigValueError for the first unknown id, option or bad value in
    the config that `settings` came from (nothing to check for the defaults)."""
    path = settings.config_path
    if path is None:
        return
    # The table the settings were made from (read again only for settings made elsewhere).
    table, text = settings.source or read_config_table(path, inside=path.parent)
    if not table:
        return
    known = [rule.id for rule in ruleset.rules]
    # Keys matched against a whole rule id (a prefix there would silently match nothing).
    exact = ("severity", "options", "guide-urls", "test-code-rules")
    for where, code in _config_codes(table):
        ok = code in known if where in exact else is_known_code(code, known)
        if not ok:
            line, col = _locate(text, code)
            near = closest(code, known, prefixes=where not in exact)
            hint = f"; the closest real one is {near}" if near else ""
            what = "rule id" if where in exact else "rule id or prefix"
            raise ConfigValueError(str(path), line, col, f"{where}: {code!r} is not a {what}{hint}")
    for rule_id, values in table.get("options", {}).items():
        rule = ruleset.get(rule_id)
        assert rule is not None  # checked above
        for name, value in values.items():
            option = rule.options.get(name)
            line, col = _locate(text, rule_id, name)
            if option is None:
                declared = ", ".join(sorted(rule.options)) or "none"
                near = closest(name, rule.options, prefixes=False) if rule.options else None
                hint = f"; did you mean {near!r}?" if near else ""
                raise ConfigValueError(
                    str(path),
                    line,
                    col,
                    f"options.{rule_id}: {rule_id} has no option {name!r}{hint} (its options: {declared})",
                )
            problem = _option_problem(name, option, value)
            if problem:
                raise ConfigValueError(str(path), line, col, f"options.{rule_id}.{name} {problem}")


def known_ids(settings_list: Iterable[Settings]) -> set[str]:
    """Every rule id of the built-in rules and of these configs' own packs."""
    from ragfirst.rules.loader import load_ruleset

    ids: set[str] = set()
    packs: set[tuple[Path, ...]] = {()}
    packs.update(settings.extra_rules for settings in settings_list)
    for extra in packs:
        ids.update(rule.id for rule in load_ruleset(extra).rules)
    return ids
