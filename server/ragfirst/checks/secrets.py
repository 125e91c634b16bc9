"""RF404: API-key literals in code and config, always redacted.

Two ways to find a key:
- a known format (rules/secret-formats.yaml) anywhere in the text of an analysed file:
  code, strings, comments, commented-out `.env` lines - a committed key is leaked wherever
  it sits;
- a long random token given to a key-like name: an assignment (`COHERE_API_KEY = "..."`),
  a keyword argument (`api_key="..."`), a dict key (`{"x-api-key": "..."}`) or a config key.
Placeholders (`sk-...`, `YOUR_KEY`, low-entropy strings, `${VAR}`, `os.environ/...`) never
fire. Each match carries the raw value in the private capture `_secret`; the engine uses
it to redact every snippet of the file and never stores it.
"""

from __future__ import annotations

import re
from typing import Any

from ragfirst.checks.base import CheckContext, CheckMatch, SubstringTriggers
from ragfirst.data.secrets import (
    could_be_context_secret,
    find_secrets,
    is_public_field,
    looks_like_context_secret,
    redact,
    secret_rules,
)
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.model import Span
from ragfirst.source import SourceText

LITERAL_WITHIN = 512
"""Characters from a key-like name to the literal given to it, at most, for the prefilter:
a statement's worth (`API_KEY = (` and a comment, `client = X(api_key=` on the next line)."""


class SecretsCheck:
    name = "secrets"

    def validate(self, params: dict[str, Any]) -> str | None:
        return "the secrets check takes no params; edit rules/secret-formats.yaml" if params else None

    def triggers(self, params: dict[str, Any]) -> set[str]:
        return set()

    def trigger_substrings(self) -> SubstringTriggers:
        """For the engine's prefilter: a key prefix (`sk-`, `hf_`, ...) confirmed by the full
        key formats, or a key-like name (`api_key`) and, in code, a quoted literal long and
        plain enough to be a key (`looks_like_context_secret` needs both)."""
        rules = secret_rules()
        literal = re.compile(rf"[\"'`]([A-Za-z0-9_\-+=]{{{rules.min_length},}})[\"'`]")
        return SubstringTriggers(
            prefixes=tuple(f.prefix for f in rules.formats),
            confirm=rules.any_format,
            lowered=rules.context_words,
            literal=literal,
            literal_test=could_be_context_secret,
            literal_within=LITERAL_WITHIN,
        )

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """A key given to any call under a key-like keyword (`api_key=`)."""
        names = secret_rules().context_names
        return CallReaders(keyword_test=lambda name: bool(names.search(name)))

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        matches = _known_formats(context.source)
        covered = {m.captures["_secret"] for m in matches}
        facts = context.facts
        candidates: list[tuple[str, Span, str, tuple[str, ...]]] = [
            (s.value, s.span, s.context, ()) for s in facts.strings
        ]
        for call in facts.calls:
            for name, arg in call.kwargs.items():
                if isinstance(arg.value, str):
                    candidates.append((arg.value, arg.span, name, ()))
        for entry in facts.entries:
            if isinstance(entry.value, str) and entry.path:
                path = tuple(map(str, entry.path))
                candidates.append((entry.value, entry.span, path[-1], path))
        for value, span, name, path in candidates:
            if value in covered or not name or not looks_like_context_secret(name, value):
                continue
            if path and is_public_field(path, _siblings(facts, path)):
                continue  # a key public by design (Algolia's search-only key in a site config)
            covered.add(value)
            matches.append(_match(span, "a key", redact(value), f" in `{name}`", value))
        return matches


def _siblings(facts: Any, path: tuple[str, ...]) -> set[str]:
    """The other keys of the config object that holds `path`'s last key."""
    parent = path[:-1]
    return {
        str(e.path[-1])
        for e in facts.entries
        if len(e.path) == len(path) and tuple(map(str, e.path[:-1])) == parent
    }


def _known_formats(source: SourceText) -> list[CheckMatch]:
    matches: list[CheckMatch] = []
    text = "\n".join(source.lines)
    found = find_secrets(text)
    if not found:
        return matches
    offsets = [0]
    for line in source.lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for secret in found:
        line = _line_of(offsets, secret.start)
        col = secret.start - offsets[line - 1]
        end_col = col + (secret.end - secret.start)
        raw = text[secret.start : secret.end]
        name = _assigned_name(source.line(line)[:col])
        where = f" in `{name}`" if name else ""
        matches.append(
            _match(
                Span(line, col, line, end_col),
                _article(secret.provider) + " key",
                secret.redacted,
                where,
                raw,
            )
        )
    return matches


def _line_of(offsets: list[int], position: int) -> int:
    low, high = 0, len(offsets) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if offsets[mid] <= position:
            low = mid
        else:
            high = mid - 1
    return low + 1


def _assigned_name(before: str) -> str:
    """`OPENAI_API_KEY=` / `api_key: ` / `"apiKey": "` before a value names it."""
    stripped = before.rstrip(" \"'")
    for separator in ("=", ":"):
        if stripped.endswith(separator):
            name = stripped[:-1].rstrip(" \"'").split()[-1:] or [""]
            return name[0].strip("\"'{,(").removeprefix("export")
    return ""


def _match(span: Span, what: str, redacted: str, where: str, raw: str) -> CheckMatch:
    return CheckMatch(span, {"what": what, "redacted": redacted, "where": where, "_secret": raw})


def _article(provider: str) -> str:
    return f"{'an' if provider[:1].upper() in 'AEIOU' else 'a'} {provider}"
