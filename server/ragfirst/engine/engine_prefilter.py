"""The engine's prefilter: could any rule match in a file's text (PARSE), only through
the project's modules (DEFER), or not at all (SKIP)? Text scans only, no parsing: this
decides which files are worth parsing, so it runs on every file and must stay cheap.

A mixin of `Engine` (engine.py), which sets the attributes it reads in `__init__`."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from ragfirst.engine.js_link import ModuleRoots, module_roots
from ragfirst.engine.python_prefilter import (
    AttributeScan,
    attribute_pattern,
    attribute_words,
    build_gate,
    build_project_gate,
    imported_among,
    imports_project_candidate,
    project_trigger_groups,
    spelt_outside_import_modules,
)
from ragfirst.engine.word_scan import SubstringGate, WordScan, utf8
from ragfirst.rules.model import RuleSet
from ragfirst.rules.patterns import ATTR_MARK, MARKS, ROOT_MARK, Trigger, word_trigger

if TYPE_CHECKING:
    from ragfirst.analyzers.python_exports import Vocabulary

PARSE, DEFER, SKIP = "parse", "defer", "skip"  # prefilter verdicts
# A token for the prefilter: a run of word characters and `-`. Starting at a letter or `_`
# can split `2Trainer` into `Trainer`, which only lets more files through, never fewer.
# ASCII word characters: a fifth faster than Unicode ones, and never fewer trigger words
# found (a token with a non-ASCII letter only splits into more tokens; trigger words are
# ASCII identifiers).
_TOKEN = re.compile(r"[A-Za-z_][\w-]*", re.ASCII)
# An import of the project's own JS/TS module (relative, or a `@/`, `~/` or `#` alias). No
# `\b`: three times faster in Python's `re`, and a match inside a word only defers a file.
_LOCAL_IMPORT = re.compile(r"""(?:from|import|require)\s*\(?\s*["'](?:\.{1,2}/|@/|~/|#)""")
_UNBUILT = object()
_STDLIB_MODULES = frozenset(sys.stdlib_module_names)


class EnginePrefilter:
    """Prefilter verdicts for `Engine`."""

    ruleset: RuleSet
    _active: RuleSet
    _requirements: list[Trigger]
    _requirements_by_language: dict[str, list[Trigger]]
    _trigger_index: dict[str | None, dict[str, list[Trigger]]]
    _gate: Any
    _attributes: re.Pattern[str] | None
    _local: frozenset[str] | None
    _module_roots: Any
    _words_by_language: dict[str | None, frozenset[str]]
    _project_gate: Any
    _vocabulary: Vocabulary | None
    _project_groups: list[tuple[frozenset[str], ...]]
    _substring_checks: list[Any]
    _substrings: SubstringGate | None
    _scans: dict[str | None, WordScan]
    _always: bool
    _words: frozenset[str]
    _root_words: frozenset[str]
    _attr_words: frozenset[str]
    # Built on first use (class defaults: engine.py's constructor need not know them).
    _python_scan: WordScan | None = None
    _last_python_words: tuple[str, frozenset[str]] | None = None
    _last_utf8: tuple[str, bytes] | None = None
    _attribute_set: AttributeScan | None = None
    _project_index: dict[str, list[tuple[frozenset[str], ...]]] | None = None
    _masks: dict[str | None, _TriggerMasks] | None = None

    @property
    def _trigger_masks(self) -> dict[str | None, _TriggerMasks]:
        if self._masks is None:
            self._masks = {}
        return self._masks

    def requirements(self, language: str | None) -> list[Trigger]:
        """The triggers that matter in files of one fact language (all when None); an
        empty list means that something may match in any file."""
        if language is None:
            return [] if self._always else [_unmarked(t) for t in self._requirements]
        found = self._requirements_by_language.get(language)
        if found is None:
            found = list(self._active.triggers(language) | {word_trigger("ragfirst")})
            if any(not trigger for trigger in found):
                found = []
            if language != "python":  # only Python's imports are checked for root words
                found = list(dict.fromkeys(_unmarked(trigger) for trigger in found))
            self._requirements_by_language[language] = found
        return found

    def _language_words(self, language: str | None) -> frozenset[str]:
        """The words of a language's triggers (a loose file needs one of its own)."""
        words = self._words_by_language.get(language)
        if words is None:
            words = self._words_by_language[language] = frozenset(
                word.lstrip(MARKS)
                for trigger in self.requirements(language)
                for group in trigger
                for word in group
            )
        return words

    def _any_trigger(self, found: set[str] | frozenset[str], language: str | None) -> bool:
        """Does some trigger of the language have a word of every group in `found`?

        With bits: each distinct group of the language's triggers is one bit, a word sets
        the bits of the groups it is in, and a trigger (filed under the words of its first
        group) holds when all its bits are set: integer tests, not a set test per group."""
        masks = self._trigger_masks.get(language)
        if masks is None:
            masks = self._trigger_masks[language] = _TriggerMasks(self._triggers_by_word(language))
        return masks.any_holds(found)

    def _local_words(self) -> frozenset[str]:
        """The last words (called methods) of the JS/TS triggers of more than one word."""
        if self._local is None:
            self._local = frozenset(
                word
                for trigger in self.requirements("javascript")
                if len(trigger) > 1
                for word in trigger[-1]
            )
        return self._local

    def module_roots(self) -> ModuleRoots | None:
        """The packages a JS/TS value must come from to reach a trigger of several words
        through the project's modules (js_link.py); None: any package may."""
        if self._module_roots is _UNBUILT:
            self._module_roots = module_roots(self._active)
        return self._module_roots

    def _attribute_pattern(self) -> re.Pattern[str]:
        if self._attributes is None:
            self._attributes = attribute_pattern(self._attr_words)
        return self._attributes

    def _attribute_words(self, text: str, encoded: bytes, candidates: frozenset[str]) -> set[str]:
        """`attribute_words`: on an ASCII text, from one RE2 pass of every attribute word
        (python_prefilter.AttributeScan; Python's `re` tried each `.` and quote of the text:
        65 ms of bench corpus b's `--select` run); on another, by `re` as before."""
        if not text.isascii():
            return attribute_words(text, candidates, self._attribute_pattern())
        scan = self._attribute_set
        if scan is None:
            scan = self._attribute_set = AttributeScan(self._attr_words)
        return attribute_words(text, candidates, None, scan.found(encoded))

    def _python_gate(self) -> Any:
        """The RE2 pattern every Python file the exact test could pass matches (built once)."""
        if self._gate is _UNBUILT:
            self._gate = build_gate(self.requirements("python"), self._substring_gate().triggers)
        return self._gate

    def _substring_gate(self) -> SubstringGate:
        """The substrings the checks that look for them (API keys) need, built on first use:
        the full engine of a `--select` run never asks, and building it (the secret formats'
        regexes, the retiring models' table) cost that run ~10 ms before its first file."""
        gate = self._substrings
        if gate is None:
            gate = self._substrings = SubstringGate(
                [check.trigger_substrings() for check in self._substring_checks]
            )
        return gate

    def _triggers_by_word(self, language: str | None) -> dict[str, list[Trigger]]:
        """A language's triggers filed under each word of their first group: a file needs
        to test only the triggers of words it contains."""
        index = self._trigger_index.get(language)
        if index is None:
            index = {}
            for trigger in self.requirements(language):
                for word in trigger[0]:
                    index.setdefault(word, []).append(trigger)
            self._trigger_index[language] = index
        return index

    def sdk_roots(self) -> frozenset[str]:
        """The packages rules and facts name (`openai`, `trl`, ...)."""
        return self._root_words

    def vocabulary(self) -> Vocabulary:
        """What rules and facts name (packages, name segments): a Python module's summary
        exports the SDK values a rule could reach."""
        if self._vocabulary is None:
            from ragfirst.analyzers.python_exports import Vocabulary

            exact: set[str] = set()
            for item in (*self.ruleset.rules, *self.ruleset.facts):
                for matcher in item.matchers.get("python", ()):
                    for pattern in matcher.calls:
                        exact.update(pattern.exact or ())
            self._vocabulary = Vocabulary.of(exact)
        return self._vocabulary

    def passes_prefilter(
        self, text: str, loose: bool = False, language: str | None = None, path: str = ""
    ) -> bool:
        """Could any rule match in this text, directly or through the project's modules?"""
        return self.prefilter_verdict(text, loose, language, path) is not SKIP

    def prefilter_verdict(
        self,
        text: str,
        loose: bool = False,
        language: str | None = None,
        path: str = "",
        own_packages: frozenset[str] = frozenset(),
    ) -> str:
        """PARSE; SKIP (no rule can match); or DEFER: a JS/TS file that can reach a rule
        only through the project's own modules, parsed by the link if those can pass an
        SDK value on (js_link.py). `own_packages`: the SDK packages the file is the own
        code of (engine/library_code.py): their names root nothing in it."""
        verdict = self._verdict(text, loose, language, own_packages)
        if (
            verdict is SKIP
            and language == "python"
            and not loose
            and not own_packages  # an SDK's own code is not linked (library_code.py)
            and self._may_reach_project(text, path)
        ):
            return PARSE
        return verdict

    def _offers_names(self, text: str, force: str) -> bool:
        """Does this module spell a name asked for in `force` (engine/link_gate.py)?"""
        from ragfirst.engine.link_gate import asked_names, offers_names

        return offers_names(text, asked_names(force))

    def _may_export_sdk_value(self, text: str, force: str) -> bool | list[str]:
        """Could this module bind a name its importers ask for (in `force`) to a value a
        rule reaches (a client, an SDK class)? Or the project imports that decide it
        (engine/link_gate.py)."""
        from ragfirst.engine.link_gate import asked_names, may_export_sdk_value

        return may_export_sdk_value(text, asked_names(force), self.vocabulary(), self._root_words)

    def _may_reach_project(self, text: str, path: str = "") -> bool:
        """A Python file that imports a possible project module and holds, after the root,
        every group of some trigger (`chat`, `completions`, `create`). (Whether it is an SDK
        package's own code, which the link does not link, needs the project's packages:
        python_link.ModuleIndex.is_library_code decides.)"""
        self._build_project_groups()
        gate = self._project_gate
        if gate is None or gate.search(self._utf8(text)) is None:
            return False
        # The words `_verdict` found in this text (scanned once), each trigger's groups
        # filed under the words of its first group: only those of found words are tried.
        found = self._python_words(text)
        by_word = self._project_index
        if by_word is None:
            by_word = self._project_index = {}
            for groups in self._project_groups:
                for word in groups[0]:
                    by_word.setdefault(word, []).append(groups)
        for word in found.intersection(_STDLIB_MODULES):  # `collections`: a module imported
            if not spelt_outside_import_modules(text, word):
                found = found - {word}
        if not any(
            all(not found.isdisjoint(group) for group in groups)
            for word in found
            if word in by_word  # (not `found.intersection(by_word)`: it walks the dict)
            for groups in by_word[word]
        ):
            return False
        return imports_project_candidate(text, self._root_words)

    def _build_project_groups(self) -> None:
        """The project path's trigger groups and their RE2 gate (built once)."""
        if self._project_gate is _UNBUILT:
            self._project_groups = project_trigger_groups(
                self.requirements("python"), self._active.wildcard_entry_triggers("python")
            )
            self._project_gate = build_project_gate(self._project_groups)

    def _python_words(self, text: str) -> frozenset[str]:
        """The trigger words (and project trigger groups' words) `text` spells as whole
        tokens: one RE2 pass (word_scan.py), remembered for the text last scanned, so that
        `_verdict` and `_may_reach_project` of one file share it."""
        last = self._last_python_words
        if last is not None and last[0] is text:
            return last[1]
        scan = self._python_scan
        if scan is None:
            self._build_project_groups()
            grouped = {word for groups in self._project_groups for group in groups for word in group}
            scan = self._python_scan = WordScan(self._words | grouped)
        found = frozenset(scan.found(text, self._utf8(text)))
        self._last_python_words = (text, found)
        return found

    def _known_utf8(self, text: str, data: bytes) -> None:
        """`data` is `text`'s UTF-8 (decoded as UTF-8, no BOM: python_coding.decoded_as_utf8):
        the scans read it, not a second encoding of the text (26 ms of bench corpus b's
        `--select` run, mostly its non-ASCII files)."""
        self._last_utf8 = (text, data)

    def _utf8(self, text: str) -> bytes:
        """The text's UTF-8 bytes, encoded once per file for all its RE2 scans."""
        last = self._last_utf8
        if last is not None and last[0] is text:
            return last[1]
        encoded = utf8(text)
        self._last_utf8 = (text, encoded)
        return encoded

    def _verdict(
        self,
        text: str,
        loose: bool = False,
        language: str | None = None,
        own_packages: frozenset[str] = frozenset(),
    ) -> str:
        """Could any rule match in this text (PARSE)? Every group of some trigger of the
        file's language must be present (or only through modules: DEFER; else SKIP).

        Trigger words are whole segments of qualified names or config keys, so they appear
        in source as whole tokens (identifiers, or package names like `together-ai`)."""
        requirements = self.requirements(language)
        if not requirements:  # a trigger with no words: something may match anywhere
            return PARSE
        encoded = self._utf8(text)  # what every RE2 scan of this file reads
        if language == "python" and not loose:
            gate = self._python_gate()
            if gate is not None and gate.search(encoded) is None:
                return SKIP  # nothing any trigger needs: no need to tokenize the file
        if language == "python":
            found = self._words.intersection(self._python_words(text))
        else:  # one RE2 pass for every word of the language (word_scan.py)
            scan = self._scans.get(language)
            if scan is None:
                scan = self._scans[language] = WordScan(self._language_words(language))
            found = scan.found(text, encoded)
        if loose and not found.isdisjoint(self._language_words(language)):
            return PARSE
        if language == "python" and not found.isdisjoint(self._root_words):
            # A package name counts as a root only where the file imports it, and a later
            # segment only where it is spelt as an attribute, an imported name or a string.
            # (their own code: no SDK there)
            imported = imported_among(text, (found & self._root_words) - own_packages)
            found |= {ROOT_MARK + word for word in imported}
            attributes = found & self._attr_words
            # Assume every attribute word is spelt so; look only if some trigger passes then.
            if attributes and self._any_trigger(found | {ATTR_MARK + word for word in attributes}, language):
                found |= {ATTR_MARK + word for word in self._attribute_words(text, encoded, attributes)}
        # A JS/TS file may reach an SDK through the project's own module (`import
        # { openai } from "@/lib/openai"`): neither the package nor the client's class
        # (`new OpenAI()` may be the export) need appear in it, only the called method.
        through_modules = SKIP
        if found:
            if self._any_trigger(found, language):
                return PARSE
            if (
                language == "javascript"
                and not found.isdisjoint(self._local_words())
                and _LOCAL_IMPORT.search(text)
            ):
                through_modules = DEFER
        substrings = self._substring_gate()
        if substrings and substrings.hit(text, loose, encoded, bool(own_packages)):
            return PARSE
        return through_modules

    def _may_hold_findings(
        self, data: bytes, spec: Any, path: str, own_packages: frozenset[str] = frozenset()
    ) -> bool:
        """RF000's one policy: a file is reported as broken only if it could hold a finding,
        i.e. its text (decoded as far as it goes) passes the prefilter."""
        text = data.decode("utf-8", errors="replace").replace("\0", " ")
        verdict = self.prefilter_verdict(text, spec.loose_prefilter, spec.facts_language, path, own_packages)
        return verdict is not SKIP


class _TriggerMasks:
    """A language's triggers as bit masks over their distinct groups (`_any_trigger`)."""

    def __init__(self, by_word: dict[str, list[Trigger]]) -> None:
        bits: dict[tuple[str, ...], int] = {}
        self.word_bits: dict[str, int] = {}
        self.by_word: dict[str, tuple[int, ...]] = {}
        for word, triggers in by_word.items():
            masks: dict[int, None] = {}
            for trigger in triggers:
                mask = 0
                for group in trigger:
                    bit = bits.get(group)
                    if bit is None:
                        bit = bits[group] = 1 << len(bits)
                        for member in group:
                            self.word_bits[member] = self.word_bits.get(member, 0) | bit
                    mask |= bit
                masks[mask] = None
            self.by_word[word] = tuple(masks)

    def any_holds(self, found: set[str] | frozenset[str]) -> bool:
        # Loops over `found` (a file's twenty-odd words), not over the maps: a set's
        # `intersection` with a dict walks the dict's keys (every word of the language's
        # triggers), which made this 4x slower (bench corpus b: 40 of 53 ms).
        by_word = self.by_word
        firsts = [word for word in found if word in by_word]
        if not firsts:
            return False
        word_bits = self.word_bits
        held = 0
        for word in found:
            bits = word_bits.get(word)
            if bits is not None:
                held |= bits
        return any(mask & held == mask for word in firsts for mask in by_word[word])


def _unmarked(trigger: Trigger) -> Trigger:
    return tuple(tuple(word.lstrip(MARKS) for word in group) for group in trigger)
