"""Qualified-name patterns: `openai.{OpenAI,AsyncOpenAI}().fine_tuning.jobs.create`.

Syntax (documented in docs/writing-rules.md):
- segments are separated by `.`; `()` inside a segment means "an instance of / result of";
- `*` matches any characters within one segment;
- `**` as a whole segment matches zero or more segments;
- `{a,b}` matches any one alternative (alternatives may not contain `.` or braces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ragfirst.rules.glob_nfa import GlobAutomaton, needs_automaton


class PatternError(ValueError):
    pass


Trigger = tuple[tuple[str, ...], ...]
"""What a file must contain for a pattern to match: every group (one per literal segment)
must have one of its words in the text. `(("^transformers",), ("Trainer", "Seq2SeqTrainer"))`.

A word marked with ROOT_MARK is the pattern's first segment, the package a name is
imported from: in Python it must appear in an import statement, not just anywhere (a name
can only be rooted at a package the file imports).

A word marked with ATTR_MARK is a later segment of a pattern rooted at a package. Python
source reaches such a name only as an attribute (`client.fine_tuning`, `peft.LoraConfig`),
as a name imported from the package (`from peft import LoraConfig`), or as a string
(`getattr(client, "fine_tuning")`): a file that spells it only otherwise (`class
LoraConfig:`, a local variable) cannot have the package's name there. Other languages
ignore both marks."""

ROOT_MARK = "^"
ATTR_MARK = "."
MARKS = ROOT_MARK + ATTR_MARK

# Segments that name something source text never spells out: `builtins.open` is written
# `open`, JS default imports are `<module>.default`, SQL facts live under `sql.`.
SYNTHETIC_SEGMENTS = frozenset({"**", "builtins", "default", "sql"})


def word_trigger(word: str) -> Trigger:
    return ((word,),)


@dataclass(frozen=True, slots=True)
class NamePattern:
    text: str
    regex_source: str  # compiled on first use: most patterns of a run never see a candidate
    triggers: Trigger
    last_names: frozenset[str] | None = None  # what the last segment can be; None: anything
    first_names: frozenset[str] | None = None  # what the first segment can be; None: anything
    automaton: GlobAutomaton | None = None  # set for patterns the regex could backtrack on
    exact: frozenset[str] | None = None  # every name it matches, when it has no wildcard
    # The segment after the package is one name spelt with a wildcard (`chromadb.*()`):
    # the trigger has no group for it, so its second group is a method of what that name
    # built (`get_collection`), not the name taken from the package (python_prefilter.py).
    entry_wildcard: bool = False

    def matches(self, qualname: str) -> bool:
        if self.exact is not None:  # no regex to compile for a pattern without wildcards
            return qualname in self.exact
        if self.automaton is not None:
            return self.automaton.matches(qualname)
        return self.regex.fullmatch(qualname) is not None

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.regex_source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


_SEGMENT_SYNTAX = re.compile(r"[*{}]")


def _segment_regex(segment: str) -> str:
    if _SEGMENT_SYNTAX.search(segment) is None:  # most segments: a name (`re.escape` is per character)
        return re.escape(segment)
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append(r"[^.]*")
        elif char == "{":
            close = segment.find("}", index)
            if close == -1:
                raise PatternError(f"unclosed '{{' in {segment!r}")
            options = segment[index + 1 : close].split(",")
            if any(not option or "{" in option for option in options):
                raise PatternError(f"empty or nested alternative in {segment!r}")
            out.append("(?:" + "|".join(re.escape(option.strip()) for option in options) + ")")
            index = close
        elif char == "}":
            raise PatternError(f"unmatched '}}' in {segment!r}")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _split_segments(text: str) -> list[str]:
    """Split on dots outside braces."""
    if "{" not in text and "}" not in text:
        return text.split(".")
    segments: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char == "." and depth == 0:
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
    segments.append("".join(current))
    return segments


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def _segment_triggers(segment: str) -> tuple[str, ...]:
    """Words that must appear in a file's text for this segment to match anything."""
    bare = segment.replace("()", "")
    if "*" in bare:
        return ()
    if "{" in bare:
        prefix, _, rest = bare.partition("{")
        options, _, suffix = rest.partition("}")
        words = tuple(prefix + option.strip() + suffix for option in options.split(","))
        return words if all(_WORD.fullmatch(word) for word in words) else ()
    return (bare,) if _WORD.fullmatch(bare) else ()


def _segment_group(segment: str) -> tuple[str, ...]:
    """A segment's trigger group. A JS/TS module specifier (`@langchain/{pinecone,qdrant}`,
    `{llamaindex,@llamaindex/openai}`, `@langchain/community/vectorstores/*`) is spelt in the
    file that imports it, so the last literal path part of each alternative is a word that
    file contains (`pinecone` or `qdrant`; `llamaindex` or `openai`; `vectorstores`):
    without it such a pattern had no trigger at all, and every JS/TS file passed the
    prefilter (issue 26). One group per segment, as for any other segment: the prefilter's
    local-import test skips the first group (the package) by position."""
    if "/" not in segment:
        return _segment_triggers(segment)
    bare = segment.replace("()", "")
    words: list[str] = []
    for alternative in _alternatives(bare):  # compile_pattern bounded their count
        for part in reversed(alternative.split("/")):
            part = part.lstrip("@")
            if part and "*" not in part and "{" not in part and _WORD.fullmatch(part):
                words.append(part)
                break
        else:
            return ()  # an alternative with no literal part: no word is certain
    return tuple(dict.fromkeys(words))


@lru_cache(maxsize=8192)
def compile_pattern(text: str) -> NamePattern:
    if not text or text.strip() != text:
        raise PatternError(f"empty pattern or surrounding whitespace: {text!r}")
    segments = _split_segments(text)
    if any(segment == "" for segment in segments):
        raise PatternError(f"empty segment in {text!r}")
    if _alternative_count(segments) > MAX_ALTERNATIVES:
        raise PatternError(
            f"the {{a,b}} groups of {text[:80]!r} expand to over {MAX_ALTERNATIVES} names; split the pattern"
        )
    parts: list[str] = []
    for position, segment in enumerate(segments):
        if segment == "**":
            parts.append(r"(?:[^.]+(?:\.|$))*" if position == len(segments) - 1 else r"(?:[^.]+\.)*")
            continue
        if "**" in segment:
            raise PatternError(f"'**' must be a whole segment in {text!r}")
        parts.append(_segment_regex(segment) + (r"\." if position < len(segments) - 1 else ""))
    regex = "".join(parts)
    # Every literal segment must appear in a file's text for the pattern to match there:
    # requiring all of them (not just one) is what makes the prefilter skip most files.
    groups = [_segment_group(segment) for segment in segments if segment not in SYNTHETIC_SEGMENTS]
    if segments[0] not in SYNTHETIC_SEGMENTS and groups and groups[0]:
        groups[0] = tuple(ROOT_MARK + word for word in groups[0])
        groups[1:] = [tuple(ATTR_MARK + word for word in group) for group in groups[1:]]
    last, first = segments[-1], segments[0]
    last_names = frozenset(_alternatives(last)) if "*" not in last else None
    first_names = frozenset(_alternatives(first)) if "*" not in first else None
    automaton = GlobAutomaton(segments) if needs_automaton(segments) else None
    triggers = tuple(dict.fromkeys(g for g in groups if g))
    entry_wildcard = (
        len(segments) > 2
        and first not in SYNTHETIC_SEGMENTS
        and segments[1] != "**"
        and "*" in segments[1]
        and bool(triggers and triggers[0] and triggers[0][0].startswith(ROOT_MARK))
    )
    return NamePattern(
        text, regex, triggers, last_names, first_names, automaton, _exact_names(segments), entry_wildcard
    )


MAX_EXACT_NAMES = 256


def _exact_names(segments: list[str]) -> frozenset[str] | None:
    """The names a wildcard-free pattern matches (its `{a,b}` alternatives expanded), or
    None when it has a wildcard or too many alternatives."""
    if any("*" in segment for segment in segments):
        return None
    names = [""]
    for position, segment in enumerate(segments):
        options = _alternatives(segment)
        names = [name + ("." if position else "") + option for name in names for option in options]
        if len(names) > MAX_EXACT_NAMES:
            return None
    return frozenset(names)


def _alternatives(segment: str) -> list[str]:
    """The exact texts a wildcard-free segment matches (`{create,resume}` -> 2 texts).

    Iterative (5,000 groups must not recurse 5,000 deep); callers bound the count first
    (`compile_pattern` refuses more than MAX_ALTERNATIVES)."""
    texts = [""]
    rest = segment
    while "{" in rest:
        prefix, _, rest = rest.partition("{")
        options, _, rest = rest.partition("}")
        texts = [text + prefix + option.strip() for text in texts for option in options.split(",")]
    return [text + rest for text in texts]


MAX_ALTERNATIVES = 4096
"""How many names one pattern's `{a,b}` groups may expand to. `x{a,b}{a,b}...` doubles
with every group: 22 groups were 4 million names, 43 s and 1.26 GB before any limit."""


def _alternative_count(segments: list[str]) -> int:
    """The number of names the `{}` groups of `segments` expand to, counted without
    expanding them (stops counting once over the limit)."""
    count = 1
    for segment in segments:
        for group in re.findall(r"\{([^{}]*)\}", segment):
            count *= len(group.split(","))
            if count > MAX_ALTERNATIVES:
                return count
    return count
