"""The engine: `analyze` one file's bytes (pure, cacheable), then `finalize` with the
project index and the file's settings into findings.

The split is what lets the CLI analyze files in a process pool and merge project facts
afterwards, and lets the language server re-analyze only the document that changed.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragfirst.analyzers.errors import AnalysisError
from ragfirst.analyzers.facts import CallFact, FileFacts, local_module_index
from ragfirst.analyzers.jsonl_analyzer import analyze_jsonl
from ragfirst.analyzers.registry import language_spec
from ragfirst.checks.base import CheckContext, ProjectContext, Resolution
from ragfirst.checks.registry import CHECKS
from ragfirst.config import per_file_ignores
from ragfirst.config.settings import Settings
from ragfirst.data.secrets import redact, redact_text
from ragfirst.engine import own_package, read_overlay, test_code
from ragfirst.engine.constant_readers import (
    BUILTIN_READERS,
    EVERY_CALL,
    ReaderIndex,
    matcher_readers,
    reached_imports,
)
from ragfirst.engine.engine_prefilter import _UNBUILT, DEFER, PARSE, SKIP, EnginePrefilter  # noqa: F401 (PARSE: re-exported)
from ragfirst.engine.js_link import import_hints
from ragfirst.engine.link_gate import PROJECT_FORCE, project_imports
from ragfirst.engine.local_modules import (
    LocalCall,
    ModuleExports,
    calls_by_index,
    local_calls,
    resolve_qualname,
)
from ragfirst.engine.matching import (
    MatcherIndex,
    match_calls,
    match_config,
    match_dependencies,
    match_possible_calls,
    render_template,
)
from ragfirst.engine.outbound import clean_analysis, clean_finding, clean_text, escape_surrogates
from ragfirst.engine.project import FactSite, ProjectIndex
from ragfirst.engine.python_coding import decode_python, decoded_as_utf8
from ragfirst.engine.selection import narrowed
from ragfirst.engine.suppressions import Suppression, parse_suppressions
from ragfirst.engine.text_closure import TEXT_FORCE
from ragfirst.engine.word_scan import SubstringGate, WordScan
from ragfirst.model import Finding, Span
from ragfirst.resources import package_data_dir
from ragfirst.rules.model import Rule, RuleSet
from ragfirst.rules.patterns import ATTR_MARK, MARKS, ROOT_MARK, Trigger, word_trigger
from ragfirst.rules.user_regex import REGEX_BUDGET_MESSAGE, regex_budget
from ragfirst.source import DecodeError, SourceText, decode_source

if TYPE_CHECKING:
    from ragfirst.analyzers.notebook_module import CellMap
    from ragfirst.analyzers.python_exports import Environment, Vocabulary

ANALYSIS_ERROR = "RF000"

UNUSED_SUPPRESSION = "RF001"
SUPPRESSION_WITHOUT_REASON = "RF002"


@dataclass(slots=True)
class RawMatch:
    """A rule hit before config, project context and suppressions are applied."""

    rule_id: str
    span: Span
    captures: dict[str, str] = field(default_factory=dict)
    snippet: str = ""


@dataclass(slots=True)
class FileAnalysis:
    path: str
    matches: list[RawMatch] = field(default_factory=list)
    fact_sites: list[FactSite] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    parsed: bool = False  # False when the prefilter skipped the file or it failed to parse
    local_calls: list[LocalCall] = field(default_factory=list)  # calls through project modules
    exports: ModuleExports | None = None  # a JS/TS module's exports, for other files' imports
    # Python: what the module offers its importers, and the imports that may name project
    # modules (module as written, name); the link step (python_link.py) joins them.
    summary: dict[str, Any] | None = None
    project_imports: list[tuple[str, str]] = field(default_factory=list)
    reexports: dict[str, list[str]] = field(default_factory=dict)  # name -> [module, name]
    used_imports: list[tuple[str, str]] = field(default_factory=list)  # imports the code reads
    # Of those, the ones whose constants may change what a rule reads (constant_readers.py).
    constant_imports: list[tuple[str, str]] = field(default_factory=list)
    # ... and those whose constants matter only if they hold a text (needle -> imports)
    text_imports: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # ... and those whose constants matter once a client reaches the file (its calls' names
    # change): those any call but a builtin's reaches (constant_readers.py)
    client_imports: list[tuple[str, str]] = field(default_factory=list)
    # Module-level names -> the imports their value may depend on (analyzers/import_labels.py).
    name_imports: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Parsed only because it may reach an SDK through the project's modules: imported
    # constants alone cannot give it a finding (python_link.py).
    via_project: bool = False
    notebook: CellMap | None = None  # a notebook's module lines -> cells (engine/notebooks.py)
    # A JS/TS file the prefilter deferred (or a link's hints): its imports that matter. A
    # Python module the link asked for SDK values: the project imports that decide it
    # ("module:name"; link_gate.project_imports).
    deferred_imports: list[str] | None = None
    # The link's text probe (engine/text_closure.py): may the module's literals spell the
    # needle asked (engine/text_needles.py)? Its project imports are `deferred_imports`.
    spells_needle: bool = False


class Engine(EnginePrefilter):
    def __init__(self, ruleset: RuleSet, only: frozenset[str] | None = None) -> None:
        """`only`: analyse for these rules alone (engine/selection.py: `--select`); the
        engine still knows every rule of `ruleset`."""
        self.ruleset = ruleset
        self.only = only
        active = ruleset if only is None else narrowed(ruleset, only)
        self._active = active
        self._requirements = list(active.triggers() | {word_trigger("ragfirst")})
        self._requirements_by_language: dict[str, list[Trigger]] = {}
        self._trigger_index: dict[str | None, dict[str, list[Trigger]]] = {}
        self._gate: Any = _UNBUILT
        self._attributes: re.Pattern[str] | None = None
        self._local: frozenset[str] | None = None
        self._module_roots: Any = _UNBUILT
        self._words_by_language: dict[str | None, frozenset[str]] = {}
        self._project_gate: Any = _UNBUILT
        self._vocabulary: Vocabulary | None = None
        self._project_groups: list[tuple[frozenset[str], ...]] = []
        # Checks that look for substrings, not tokens (API keys); one entry per check.
        checks = {CHECKS.get(rule.check.name) for rule in active.rules if rule.check}
        self._substring_checks = [check for check in checks if hasattr(check, "trigger_substrings")]
        self._substrings: SubstringGate | None = None  # built on first use (`_substring_gate`)
        self._scans: dict[str | None, WordScan] = {}
        self._matcher_indexes: dict[str, MatcherIndex] = {}
        self._constant_readers: dict[str, ReaderIndex] = {}
        self._always = any(not trigger for trigger in self._requirements)
        # Whole tokens only ("Trainer" is not in "SFTTrainer"): a file's tokens are found
        # with one regex pass (runs of word characters and `-`, as in `together-ai`) and
        # looked up in this set, which is several times faster than searching for the words.
        marked = {word for trigger in self._requirements for group in trigger for word in group}
        self._words = frozenset(word.lstrip(MARKS) for word in marked)
        # Python packages only: a JS module's name (`@ai-sdk/mistral`) is no Python package,
        # and these words decide which folders are a library's own code.
        self._root_words = frozenset(
            word[len(ROOT_MARK) :]
            for trigger in self.ruleset.triggers("python")
            for group in trigger
            for word in group
            if word.startswith(ROOT_MARK)
        )
        self._attr_words = frozenset(w[len(ATTR_MARK) :] for w in marked if w.startswith(ATTR_MARK))

    # -- per-file phase (pure: same bytes, same rules -> same result) --------------------

    def analyze(
        self,
        path: str,
        data: bytes,
        max_bytes: int | None = None,
        environment: Environment | None = None,
        force: bool | str = False,
        own_packages: frozenset[str] = frozenset(),
    ) -> FileAnalysis:
        """One file's analysis. `environment` binds the names it imports from the project's
        modules (Python; from the link step); `force` parses it even when the prefilter
        finds nothing (a module others import: its summary is wanted), or with "sdk" only
        if it imports a package rules name (it may export a client); "project" parses a
        file the prefilter left to the link (`via_project`), once an SDK value reaches it.
        `own_packages`: the SDK packages whose own code the file is (library_code.py)."""
        analysis = FileAnalysis(path)
        spec = language_spec(path)
        if spec is None:
            return analysis
        if spec.data_file:
            return self._analyze_data_file(analysis, data, max_bytes)
        if max_bytes is not None and len(data) > max_bytes:
            size = len(data) / (1024 * 1024)
            self.record_error(analysis, f"file too large to analyse ({size:.1f} MiB; max-file-size)", 1, 0)
            return analysis
        foreign = spec.binary_foreign_suffixes and path.lower().endswith(spec.binary_foreign_suffixes)
        if foreign and b"\0" in data[:8192]:
            return analysis  # e.g. an MPEG transport stream named .ts: not ours to report
        try:
            text = decode_python(data) if spec.facts_language == "python" else decode_source(data)
        except DecodeError as exc:
            if (
                spec.prefilter
                and not force
                and not environment
                and not self._may_hold_findings(data, spec, path, own_packages)
            ):
                return analysis  # a broken file with nothing rules look for: as a syntax error is
            self.record_error(analysis, str(exc), exc.line, exc.col)
            return analysis
        if spec.prefilter and isinstance(data, bytes) and _utf8_of_text(data, spec.facts_language):
            self._known_utf8(text, data)  # what the scans read (engine_prefilter.py)
        if isinstance(force, str) and force.startswith(f"{TEXT_FORCE}:"):
            if spec.facts_language == "python" and spec.name != "notebook":  # (else: maybe)
                from ragfirst.engine.text_needles import may_spell  # only links that ask

                analysis.spells_needle = may_spell(data, force[len(TEXT_FORCE) + 1 :])
                if not analysis.spells_needle:  # (else the link asks no further)
                    analysis.deferred_imports = project_imports(text, frozenset())
            return analysis
        # The link's summary parse of a module the prefilter skipped (python_link.py): no
        # rule can match in it, so only what it offers importers is computed.
        summary_only = isinstance(force, str) and force.startswith(("all", "sdk"))
        if isinstance(force, str) and force.startswith("all:") and not self._offers_names(text, force):
            return analysis  # it does not spell the name asked: it cannot define it
        if isinstance(force, str) and force.startswith("sdk"):
            gate = self._may_export_sdk_value(text, force)
            if isinstance(gate, list):  # only its project imports could give it an SDK value
                analysis.deferred_imports = gate  # the link asks them (python_link.py)
                return analysis
            force = gate
        if spec.name == "notebook":
            from ragfirst.engine.notebooks import analyze_notebook  # only runs that meet a notebook

            try:
                return analyze_notebook(self, analysis, text, environment)
            except (RecursionError, MemoryError):
                self.record_error(analysis, "notebook nested too deeply to analyse", 1, 0)
                return analysis
            except Exception as exc:  # a bug of ours must not stop the run or hide other files
                self.record_error(analysis, internal_error("analysing this notebook", exc), 1, 0)
                return analysis
        if force == "hints":  # what the link asks of a skipped module (js_link.py)
            analysis.deferred_imports = import_hints(text, self.module_roots())
            return analysis
        if spec.prefilter and not force and not environment:
            verdict = self._verdict(text, spec.loose_prefilter, spec.facts_language, own_packages)
            if verdict is DEFER:
                analysis.deferred_imports = import_hints(text, self.module_roots())
                return analysis
            if verdict is SKIP:
                python = spec.facts_language == "python" and not spec.loose_prefilter
                # (An SDK's own code is not linked: library_code.py.)
                if python and not own_packages and self._may_reach_project(text, path):
                    # It can reach an SDK only through the project's modules: not parsed
                    # unless the link finds one of its imports offering an SDK value.
                    analysis.via_project = True
                    # Every import but the standard library's, as the analyzer records them:
                    # they are also its import edges (project boundaries).
                    analysis.deferred_imports = project_imports(text, frozenset())
                return analysis
        if force == PROJECT_FORCE:  # such a file, reached (python_link.py): parsed
            analysis.via_project = True  # no trigger of its own: no rule tried until linked
        source = SourceText(text)
        try:
            assert spec.analyze is not None
            if spec.facts_language == "python":
                facts = spec.analyze(
                    source,
                    path,
                    environment=environment,
                    vocabulary=self.vocabulary(),
                    own_packages=own_packages,
                )
            else:
                facts = spec.analyze(source, path)
        except AnalysisError as exc:
            self.record_error(analysis, exc.message, exc.line, exc.col, source)
            return analysis
        except SyntaxError as exc:
            line = exc.lineno or 1
            col = max((exc.offset or 1) - 1, 0)
            self.record_error(analysis, f"syntax error: {exc.msg}", line, col, source)
            return analysis
        except (RecursionError, MemoryError):
            self.record_error(analysis, "file nested too deeply to analyse", 1, 0, source)
            return analysis
        except Exception as exc:  # a bug of ours must not stop the run or hide other files
            self.record_error(analysis, internal_error("analysing this file", exc), 1, 0, source)
            return analysis
        analysis.parsed = True
        for error in facts.syntax_errors:  # recovered from: reported, the rest still analysed
            self.record_error(analysis, error.message, error.line, error.col, source)
        if (summary_only or analysis.via_project) and facts.language == "python":
            # No rule can match a file the prefilter skipped (a `via_project` one is parsed
            # for what it offers importers and the names it reads; if the link binds an SDK
            # value in it, it is analysed again with it, rules and all: with the constants
            # its calls are given, `client_imports`).
            if analysis.via_project:
                self.python_links(analysis, facts)
            else:
                _python_links(analysis, facts)
            return clean_analysis(analysis, set())
        with regex_budget() as budget:  # a pack's regexes get a work budget per file
            secrets = self._match(analysis, facts, source, own_packages)
        facts.tree = None  # the rules have matched (the tree is the largest part of the facts)
        for pack in budget.exceeded:
            self.record_error(analysis, f"rule pack {pack}: {REGEX_BUDGET_MESSAGE}", 1, 0)
        analysis.suppressions = parse_suppressions(facts.comments, source)
        if facts.local_modules:
            analysis.local_calls = local_calls(facts, lambda span: _snippet(source, span, secrets))
        if facts.exports:
            analysis.exports = ModuleExports(dict(facts.exports), list(facts.local_modules))
        if facts.language == "python":
            self.python_links(analysis, facts)
        return clean_analysis(analysis, secrets)  # the one outbound boundary (outbound.py)

    def python_links(self, analysis: FileAnalysis, facts: FileFacts) -> None:
        """What the link reads of a Python file or notebook it may bind imports in: the
        imports it uses, and those whose constants reach what a rule reads."""
        _python_links(analysis, facts)
        if facts.import_reach:
            reached = reached_imports(facts, self.constant_readers("python"))
            analysis.constant_imports = reached.always
            analysis.client_imports = reached.by_any_call
            if reached.if_text:
                analysis.text_imports = {needle: reached.if_text for needle in reached.needles}

    def _analyze_data_file(self, analysis: FileAnalysis, data: bytes, max_bytes: int | None) -> FileAnalysis:
        """Training data can be large: analyse the first `max_bytes` instead of refusing it."""
        truncated = max_bytes is not None and len(data) > max_bytes
        chunk = data[:max_bytes] if truncated else data
        if b"\0" in chunk[:8192]:
            self.record_error(analysis, "binary file (NUL byte found); not analysed", 1, 0)
            return analysis
        facts = analyze_jsonl(chunk, truncated)
        if facts.data_summary is None:
            return analysis
        analysis.parsed = True
        with regex_budget() as budget:
            secrets = self._match(analysis, facts, SourceText(chunk.decode("utf-8", errors="replace")))
        for pack in budget.exceeded:
            self.record_error(analysis, f"rule pack {pack}: {REGEX_BUDGET_MESSAGE}", 1, 0)
        return clean_analysis(analysis, secrets)

    def record_error(
        self, analysis: FileAnalysis, message: str, line: int, col: int, source: SourceText | None = None
    ) -> None:
        snippet = redact_text(source.line(line).strip()) if source else ""
        error = {"error": clean_text(message)}
        analysis.matches.append(
            RawMatch(ANALYSIS_ERROR, Span.point(line, col), error, escape_surrogates(snippet))
        )

    def _match(
        self,
        analysis: FileAnalysis,
        facts: FileFacts,
        source: SourceText,
        own_packages: frozenset[str] = frozenset(),
    ) -> set[str]:
        """Rule hits and fact sites of one file; returns the secrets found in it (raw, for
        redacting other snippets of the file; never stored). `own_packages`: the SDKs whose
        own code the file is (their checks may look away: `CheckContext.own_packages`)."""
        seen: set[tuple[str, Span]] = set()
        hits: list[tuple[str, Span, dict[str, str]]] = []
        possible = self._matcher_index(facts.language).possible(facts)
        for rule in self._active.rules:
            rule_hits: list[tuple[Span, dict[str, str]]] = []
            for matcher in rule.matchers.get(facts.language, ()):
                if id(matcher) in possible:
                    rule_hits.extend(
                        (span, captures) for span, captures, _ in match_possible_calls(matcher, facts)
                    )
            if facts.language == "config":
                for config_matcher in rule.config:
                    rule_hits.extend(match_config(config_matcher, facts, analysis.path))
                for dependency_matcher in rule.dependencies:
                    rule_hits.extend(match_dependencies(dependency_matcher, facts, analysis.path))
            if rule.check is not None:
                check = CHECKS[rule.check.name]
                context = CheckContext(analysis.path, source, facts, own_packages)
                try:
                    check_matches = check.run(context, rule.check.params)
                except Exception as exc:  # one broken check costs its own findings only
                    self.record_error(analysis, internal_error(f"running {rule.id}", exc), 1, 0, source)
                    check_matches = []
                # `_check` marks matches that come from the check (they may need resolving).
                rule_hits.extend((m.span, {**m.captures, "_check": "1"}) for m in check_matches)
            for span, captures in rule_hits:
                if (rule.id, span) not in seen:  # two matchers of one rule on one call: one finding
                    seen.add((rule.id, span))
                    hits.append((rule.id, span, captures))
        # Secret values found anywhere in the file are redacted from every snippet (snippets
        # feed fingerprints, caches and some outputs), and the raw value is never kept.
        secrets = {captures.pop("_secret") for _, _, captures in hits if "_secret" in captures}
        for rule_id, span, captures in hits:
            analysis.matches.append(RawMatch(rule_id, span, captures, _snippet(source, span, secrets)))
        for fact in self._active.facts:
            for matcher in fact.matchers.get(facts.language, ()):
                if id(matcher) not in possible:
                    continue
                for span, captures, _ in match_possible_calls(matcher, facts):
                    label = render_template(fact.label, captures)
                    analysis.fact_sites.append(
                        FactSite(
                            fact.kind, analysis.path, span.start_line, label, tuple(sorted(captures.items()))
                        )
                    )
        return secrets

    def constant_readers(self, language: str) -> ReaderIndex:
        """What the active rules read of a file's calls, indexed (built on first use)."""
        index = self._constant_readers.get(language)
        if index is None:
            readers = BUILTIN_READERS
            for rule in self._active.rules:
                for matcher in rule.matchers.get(language, ()):
                    readers = readers.union(matcher_readers(matcher))
                if rule.check is not None:
                    declare = getattr(CHECKS[rule.check.name], "constant_readers", None)
                    readers = readers.union(declare(rule.check.params, language) if declare else EVERY_CALL)
            for fact in self._active.facts:
                for matcher in fact.matchers.get(language, ()):
                    readers = readers.union(matcher_readers(matcher))
            index = self._constant_readers[language] = ReaderIndex(readers)
        return index

    def _matcher_index(self, language: str) -> MatcherIndex:
        """The call matchers of every active rule and fact for one language, indexed by
        the call names they can match (built on first use)."""
        index = self._matcher_indexes.get(language)
        if index is None:
            matchers = [
                matcher
                for owner in (*self._active.rules, *self._active.facts)
                for matcher in owner.matchers.get(language, ())
            ]
            index = self._matcher_indexes[language] = MatcherIndex(matchers)
        return index

    def _local_matches(self, analysis: FileAnalysis, project: ProjectIndex) -> list[RawMatch]:
        """Matches of the calls this file makes through project modules, resolved with the
        exports the project index holds now (the language server's index changes)."""
        if not analysis.local_calls or not project.modules:
            return []
        resolved: list[CallFact] = []
        context: list[CallFact] = []  # the calls resolved calls' arguments come from
        snippets: dict[int, str] = {}
        for local in analysis.local_calls:
            if not local.module:
                context.append(local.call)
                continue
            qualname = resolve_qualname(
                analysis.path,
                local.module,
                local.call.qualname,
                project.modules,
                0,
                project.module_suffixes(),
            )
            if qualname is None or local_module_index(qualname) is not None:
                continue
            snippets[local.call.index] = local.snippet
            resolved.append(replace(local.call, qualname=qualname))
        if not resolved:
            return []
        facts = FileFacts(language="javascript", calls=calls_by_index([*context, *resolved]))
        matches: list[RawMatch] = []
        seen = {(m.rule_id, m.span) for m in analysis.matches}
        for rule in self._active.rules:
            hits = [
                (span, captures, call.index)
                for matcher in rule.matchers.get("javascript", ())
                for span, captures, call in match_calls(matcher, facts)
                if call is not None and call.index in snippets
            ]
            check = CHECKS.get(rule.check.name) if rule.check else None
            if check is not None and getattr(check, "runs_on_calls", False):
                # Checks that read only the calls (lifecycle, training data) judge a call
                # resolved through a project module exactly as one built in the file.
                check_context = CheckContext(analysis.path, SourceText(""), facts)
                for found in check.run(check_context, rule.check.params):
                    call_index = next((c.index for c in resolved if c.span == found.span), -1)
                    if call_index in snippets:
                        hits.append((found.span, {**found.captures, "_check": "1"}, call_index))
            for span, captures, call_index in hits:
                if (rule.id, span) in seen:
                    continue
                seen.add((rule.id, span))
                matches.append(RawMatch(rule.id, span, captures, snippets.get(call_index, "")))
        return matches

    # -- finalize: config, project context, suppressions ------------------------------

    def finalize(
        self,
        analysis: FileAnalysis,
        project: ProjectIndex,
        settings: Settings,
        context: ProjectContext | None = None,
    ) -> list[Finding]:
        if not analysis.matches and not analysis.local_calls and not analysis.suppressions:
            return []  # most files of a large tree
        project = project.view(analysis.path)  # the facts this file may share (boundaries)
        findings: list[Finding] = []
        for match in [*analysis.matches, *self._local_matches(analysis, project)]:
            rule = self.ruleset.get(match.rule_id)
            if rule is None or not settings.is_enabled(rule.id):
                continue
            resolution = None
            check = CHECKS.get(rule.check.name) if rule.check else None
            if check is not None and hasattr(check, "resolve") and match.captures.get("_check") == "1":
                context = context or default_context(settings)
                context.project = project
                try:
                    resolution = check.resolve(rule, dict(match.captures), analysis.path, context)
                except Exception as exc:  # keep the other findings of this file
                    error = RawMatch(
                        ANALYSIS_ERROR, match.span, {"error": internal_error(f"resolving {rule.id}", exc)}
                    )
                    findings.append(
                        self._finding(
                            self.ruleset.get(ANALYSIS_ERROR) or rule, error, analysis.path, project, settings
                        )
                    )
                    continue
                if resolution is None:
                    continue
            findings.append(self._finding(rule, match, analysis.path, project, settings, resolution))
        self._apply_suppressions(analysis, findings, settings)
        findings = test_code.policy(findings, analysis.path, settings)  # tests are no decisions
        base_dir, root = (
            (context.base_dir, context.root) if context else (Path.cwd(), settings.root or Path.cwd())
        )
        findings = own_package.policy(
            findings, analysis.path, base_dir, root, self.ruleset, context.memo if context else None
        )  # a library's own
        findings = per_file_ignores.policy(findings, analysis.path, settings, base_dir)
        if analysis.notebook is not None:
            from ragfirst.engine.notebooks import place_in_cells

            place_in_cells(findings, analysis.notebook)
        for finding in findings:
            clean_finding(finding)  # the one outbound boundary (outbound.py)
        findings.sort(key=Finding.sort_key)
        return findings

    def _finding(
        self,
        rule: Rule,
        match: RawMatch,
        path: str,
        project: ProjectIndex,
        settings: Settings,
        resolution: Resolution | None = None,
    ) -> Finding:
        captures = resolution.captures if resolution else match.captures
        values: dict[str, str] = {k: v for k, v in captures.items() if not k.startswith("_")}
        for name, option in rule.options.items():
            values[f"option.{name}"] = str(settings.option(rule.id, name, option.default))
        message = render_template(rule.message, values)
        data: dict[str, Any] = {"captures": values.copy()}
        if resolution is not None:
            data.update(resolution.data)
        if rule.project_message is not None:
            described = project.describe(rule.project_message.fact)
            variant = rule.project_message.present if described else rule.project_message.absent
            scope = {"scope": project.scope}  # "project", or "notebook" for one alone
            message = f"{message} {render_template(variant, {**values, **described, **scope})}"
            if described:
                data["project"] = described
        default = resolution.severity if resolution and resolution.severity else rule.severity
        return Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            severity=settings.severity_for(rule.id, default),
            message=message,
            path=path,
            span=match.span,
            guide_url=self.guide_url(rule, settings),
            data=data,
            snippet=match.snippet,
        )

    def guide_url(self, rule: Rule, settings: Settings) -> str:
        if rule.id in settings.guide_urls:
            return settings.guide_urls[rule.id]
        if settings.guide_url:
            return settings.guide_url.rstrip("/") + "/" + rule.guide
        return docs_uri(rule.guide)

    def _apply_suppressions(
        self, analysis: FileAnalysis, findings: list[Finding], settings: Settings
    ) -> None:
        if not analysis.suppressions:
            return
        for finding in findings:
            if finding.rule_id == ANALYSIS_ERROR:
                continue
            for suppression in analysis.suppressions:
                if suppression.covers(finding.rule_id, finding.span.start_line):
                    finding.suppressed = True
                    finding.suppression_reason = suppression.reason
                    suppression.used_codes.add(finding.rule_id)
                    break
        for suppression in analysis.suppressions:
            self._suppression_findings(analysis.path, suppression, findings, settings)

    def _suppression_findings(
        self, path: str, suppression: Suppression, findings: list[Finding], settings: Settings
    ) -> None:
        def add(rule_id: str, message: str, remove: list[str] | None = None) -> None:
            # `remove`: the codes a fix drops from the comment (None: the whole comment).
            rule = self.ruleset.get(rule_id)
            if rule is None or not settings.is_enabled(rule_id):
                return
            findings.append(
                Finding(
                    rule_id=rule_id,
                    rule_name=rule.name,
                    severity=settings.severity_for(rule_id, rule.severity),
                    message=message,
                    path=path,
                    span=suppression.span,
                    guide_url=self.guide_url(rule, settings),
                    snippet=f"suppression:{suppression.codes}",
                    data={"remove": remove} if rule_id == UNUSED_SUPPRESSION else {},
                )
            )

        for code in suppression.bad_codes:
            add(UNUSED_SUPPRESSION, f"suppression names {code!r}, which is not a rule id", [code])
        if suppression.codes is None:
            if not suppression.used_codes:
                add(UNUSED_SUPPRESSION, "suppression matches no finding; remove it")
        else:
            unused = [
                c
                for c in suppression.codes
                if c not in suppression.used_codes and self._known_enabled(c, settings)
            ]
            unknown = [c for c in suppression.codes if self.ruleset.get(c) is None]
            for code in unknown:
                add(UNUSED_SUPPRESSION, f"suppression names unknown rule {code}", [code])
            if unused:
                add(
                    UNUSED_SUPPRESSION,
                    f"unused suppression of {', '.join(unused)}: nothing here fires it any more",
                    unused,
                )
        if settings.require_reason and not suppression.reason:
            add(
                SUPPRESSION_WITHOUT_REASON,
                "suppression has no reason; add one after `--` (this project requires a reason)",
            )

    def _known_enabled(self, code: str, settings: Settings) -> bool:
        return self.ruleset.get(code) is not None and settings.is_enabled(code)


def _python_links(analysis: FileAnalysis, facts: FileFacts) -> None:
    """What the link step reads of a Python module (python_link.py)."""
    analysis.summary = facts.summary
    analysis.project_imports = facts.project_imports
    analysis.reexports = facts.reexports
    analysis.used_imports = facts.used_imports
    analysis.name_imports = {name: sorted(labels) for name, labels in facts.name_reach.items()}


def _snippet(source: SourceText, span: Span, secrets: set[str]) -> str:
    """The span's first line, stripped, with every key in it (or found in the file) redacted."""
    snippet = redact_text(source.line(span.start_line).strip())
    for secret in secrets:
        snippet = snippet.replace(secret, redact(secret))
    return snippet


def internal_error(doing: str, exc: Exception) -> str:
    """One line for a bug of ours, with enough to report it; never a key (redacted)."""
    return redact_text(
        f"internal error while {doing}: {type(exc).__name__}: {exc} (a ragfirst bug; please report it)"
    )


def default_context(settings: Settings, base_dir: Path | None = None) -> ProjectContext:
    """The project context when a front end gives none: paths relative to the working
    directory, reads confined to the config root (or the working directory)."""
    from ragfirst.clock import today
    from ragfirst.data.data_files import shared_data_files

    base = (base_dir or Path.cwd()).resolve()
    root = (settings.root or base).resolve()
    return ProjectContext(
        base_dir=base, root=root, today=today(), settings=settings, data_files=shared_data_files()
    )


@lru_cache(maxsize=256)
def docs_uri(guide: str) -> str:
    """A file URI into the docs shipped with the package (works offline after install)."""
    page, _, anchor = guide.partition("#")
    uri = (package_data_dir("docs") / page).resolve().as_uri()
    return f"{uri}#{anchor}" if anchor else uri


def read_file_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """Read at most `limit + 1` bytes so an oversized file is detected without loading it.

    Opened without blocking and type-checked after opening (as `safe_read` does): a file
    swapped for a FIFO or a device after discovery raises OSError, never blocks."""
    staged = read_overlay.lookup(path)  # `check --fix-diff` re-linting unwritten fixes
    if staged is not None:
        return staged[: limit + 1]
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:  # plain `os.read`s: half the cost of a buffered file object per small file
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        parts, left, ask = [], limit + 1, info.st_size + 1  # one read, and one that sees the end
        while left > 0 and (part := os.read(fd, min(left, ask))):
            parts.append(part)
            left, ask = left - len(part), 1 << 16
        return b"".join(parts)
    finally:
        os.close(fd)


def _utf8_of_text(data: bytes, language: str | None) -> bool:
    """Is `data` the UTF-8 of the text decoded from it (source.decode_source: UTF-8, a BOM
    dropped; python_coding.decode_python: its coding cookie first)?"""
    if language == "python":
        return decoded_as_utf8(data)
    return not data.startswith(codecs.BOM_UTF8)
