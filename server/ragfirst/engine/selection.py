"""`--select` narrows the per-file phase: a run that reports a few rules analyses for those.

Without it every file was analysed for every rule, and the rules a run does not report
were dropped only when findings were made: `ragfirst check --select RF101` parsed every
file that names any trigger of any rule or fact (4,116 of 7,212 JS/TS files of the
TypeScript bench corpus, against 34 that name RF101's or its message's facts). A narrowed
engine (`Engine(ruleset, only=ids)`) takes its prefilter triggers and matchers from the
enabled rules, and from the project facts they read: the kinds their project messages
name (RF101: `retrieval`), and all facts when an enabled rule is a check (the RAG checks
resolve against the project's fact sites and declare no finer need). It still knows every
rule (suppressions naming other rules, rule lists, the own-package policy's SDK roots).

Narrowing is off when RF000 is enabled: "a file is broken" is reported only for files that
could hold some finding, and that must not depend on the selection. The CLI turns it on
(`EngineCache.narrow`); the analyses of a narrowed engine are cached under their own key
(`selection_tag`), never under the full run's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ragfirst.rules.model import RuleSet

if TYPE_CHECKING:
    from ragfirst.config.settings import Settings
    from ragfirst.engine.engine import Engine

ANALYSIS_ERROR = "RF000"


def enabled_rules(ruleset: RuleSet, settings: Settings) -> frozenset[str] | None:
    """The ids a narrowed engine analyses for, or None when it would analyse for all (every
    rule enabled, or RF000 enabled: see the module docstring)."""
    if settings.is_enabled(ANALYSIS_ERROR):
        return None
    only = frozenset(rule.id for rule in ruleset.rules if settings.is_enabled(rule.id))
    return None if len(only) == len(ruleset.rules) else only


def narrowed(ruleset: RuleSet, only: frozenset[str]) -> RuleSet:
    """The rules in `only` and the facts they read."""
    rules = [rule for rule in ruleset.rules if rule.id in only]
    if any(rule.check is not None for rule in rules):
        return RuleSet(rules, ruleset.facts)
    kinds = {rule.project_message.fact for rule in rules if rule.project_message is not None}
    return RuleSet(rules, [fact for fact in ruleset.facts if fact.kind in kinds])


def selection_tag(settings: Settings) -> str:
    """What a cache key adds for the analyses of a narrowed engine of these settings
    (empty for settings that enable every rule: the full run's key)."""
    off = tuple(sorted(rule for rule, level in settings.severity.items() if level == "off"))
    if settings.select == ("",) and not settings.ignore and not off:
        return ""
    return f"\0only:{settings.select}|{settings.ignore}|{off}"


def narrowed_engine(
    engine: Engine, settings: Settings, known: dict[tuple[int, frozenset[str]], Engine]
) -> Engine:
    """`engine` narrowed to what `settings` enable (itself when nothing is to narrow);
    `known` holds the narrowed engines built so far, by full engine and ids."""
    only = enabled_rules(engine.ruleset, settings)
    if only is None:
        return engine
    key = (id(engine), only)
    found = known.get(key)
    if found is None:
        from ragfirst.engine.engine import Engine

        found = known[key] = Engine(engine.ruleset, only=only)
    return found
