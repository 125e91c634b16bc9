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


class PatternError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class NamePattern:
    text: str
    regex: re.Pattern[str]
    triggers: tuple[str, ...]

    def matches(self, qualname: str) -> bool:
        return self.regex.fullmatch(qualname) is not None


def _segment_regex(segment: str) -> str:
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


def compile_pattern(text: str) -> NamePattern:
    if not text or text.strip() != text:
        raise PatternError(f"empty pattern or surrounding whitespace: {text!r}")
    segments = _split_segments(text)
    if any(segment == "" for segment in segments):
        raise PatternError(f"empty segment in {text!r}")
    parts: list[str] = []
    for position, segment in enumerate(segments):
        if segment == "**":
            parts.append(r"(?:[^.]+(?:\.|$))*" if position == len(segments) - 1 else r"(?:[^.]+\.)*")
            continue
        if "**" in segment:
            raise PatternError(f"'**' must be a whole segment in {text!r}")
        parts.append(_segment_regex(segment) + (r"\." if position < len(segments) - 1 else ""))
    regex = re.compile("".join(parts))
    # The most specific segment makes the best prefilter trigger: the longest literal one.
    # `builtins.` is implicit in source text, so it never serves as a trigger.
    candidates = [_segment_triggers(segment) for segment in segments if segment not in ("**", "builtins")]
    candidates = [words for words in candidates if words]
    triggers = max(candidates, key=lambda words: min(len(w) for w in words)) if candidates else ()
    return NamePattern(text, regex, triggers)
