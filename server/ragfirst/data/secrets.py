"""Find API keys in text and redact them, from rules/secret-formats.yaml.

Redaction keeps the known prefix and the last four characters (`sk-proj-…a1B2`), enough
to recognise a key in a dashboard, never enough to use it. Every output path goes through
`redact_text`, so no format, log line or cache can carry a key.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragfirst.data.tables import load_table


@dataclass(frozen=True, slots=True)
class SecretFormat:
    id: str
    provider: str
    prefix: str
    regex: re.Pattern[str]
    source: str
    kinds: tuple[str, ...] = ()  # sub-prefixes that name the key's kind (sk-proj-)


@dataclass(frozen=True, slots=True)
class SecretRules:
    formats: tuple[SecretFormat, ...]
    any_format: re.Pattern[str]
    any_prefix: re.Pattern[str]  # what every format starts with (after a word boundary)
    # RE2, linear: matches wherever `any_format` does (engine/re2_superset.py); None: none
    format_gate: Any
    context_names: re.Pattern[str]
    min_length: int
    min_entropy: float
    placeholders: re.Pattern[str]
    context_words: tuple[str, ...] = ()
    public_prefixes: tuple[str, ...] = ()  # public client tokens (PostHog `phc_`): not secrets
    stand_ins: re.Pattern[str] | None = None  # a context value that spells "secret key"
    # (object path, sibling keys) of public keys, lower-case (Algolia's search-only key)
    public_fields: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = ()


@lru_cache(maxsize=1)
def secret_rules() -> SecretRules:
    data = load_table("secret-formats.yaml")
    formats = tuple(
        SecretFormat(
            item["id"],
            item["provider"],
            item["prefix"],
            re.compile(item["regex"]),
            item["source"],
            tuple(item.get("kinds", ())),
        )
        for item in data["formats"]
    )
    from ragfirst.engine.re2_superset import superset_gate

    union = "|".join(f"(?:{f.regex.pattern})" for f in formats)
    any_format = re.compile(union)
    return SecretRules(
        formats=formats,
        any_format=any_format,
        any_prefix=_prefix_gate(formats),
        format_gate=superset_gate(any_format),
        context_names=re.compile(data["context"]["names"]),
        min_length=int(data["context"]["min_length"]),
        min_entropy=float(data["context"]["min_entropy"]),
        placeholders=re.compile(data["placeholders"]),
        context_words=tuple(data["context"].get("words", ())),
        public_prefixes=tuple(str(item["prefix"]) for item in data.get("public", ())),
        stand_ins=re.compile(data["context"]["stand_ins"]) if data["context"].get("stand_ins") else None,
        public_fields=tuple(
            (
                tuple(str(name).lower() for name in item["path"]),
                frozenset(str(name).lower() for name in item.get("with", ())),
            )
            for item in data.get("public_fields", ())
        ),
    )


def is_public_field(path: tuple[str, ...], siblings: Iterable[str] = ()) -> bool:
    """Does this object path (`("themeConfig", "algolia", "apiKey")`), with these other
    keys in the same object (`appId`, `indexName`), hold a key that is public by design
    (Algolia's search-only key)? Each table entry names a path's last names and the
    siblings it needs."""
    lowered = tuple(name.lower() for name in path)
    present = {name.lower() for name in siblings}
    return any(
        len(field) <= len(lowered) and lowered[-len(field) :] == field and needed <= present
        for field, needed in secret_rules().public_fields
    )


def _prefix_gate(formats: tuple[SecretFormat, ...]) -> re.Pattern[str]:
    """A fast search that every key of `formats` matches: their prefixes, when each format
    is written `\b(<prefix>...`; else a pattern that matches any text (no gate)."""
    if all(f.regex.pattern.startswith((rf"\b({f.prefix}", rf"\b({re.escape(f.prefix)}")) for f in formats):
        return re.compile(r"\b(?:" + "|".join(re.escape(f.prefix) for f in formats) + ")")
    return re.compile("")


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values()) if text else 0.0


def redact(key: str, prefix: str = "", kinds: tuple[str, ...] = ()) -> str:
    """The prefix (and a known kind such as `proj-`), an ellipsis and the last four."""
    keep = prefix if prefix and key.startswith(prefix) else key[:4]
    if prefix and key.startswith(prefix):
        rest = key[len(prefix) :]
        keep += next((kind for kind in kinds if rest.startswith(kind)), "")
    if len(key) <= len(keep) + 8:
        return keep + "…"
    return f"{keep}…{key[-4:]}"


def is_placeholder(text: str) -> bool:
    rules = secret_rules()
    return bool(rules.placeholders.search(text)) or entropy(text) < 3.0


@dataclass(frozen=True, slots=True)
class FoundSecret:
    provider: str
    start: int
    end: int
    redacted: str
    source: str


def find_secrets(text: str) -> list[FoundSecret]:
    """Keys of a known format in a piece of text (placeholders excluded)."""
    rules = secret_rules()
    gate = rules.format_gate
    if gate is not None and not gate.search(text.encode("utf-8", "surrogatepass")):
        return []  # one linear RE2 pass: Python's `re` tries `\b(...` at every position
    if not rules.any_prefix.search(text) or not rules.any_format.search(text):
        return []  # the prefix search is fast; the union of the full formats is not
    found = []
    for secret_format in rules.formats:
        for match in secret_format.regex.finditer(text):
            key = match.group(1) if match.groups() else match.group(0)
            if is_placeholder(key):
                continue
            start = match.start(1) if match.groups() else match.start()
            found.append(
                FoundSecret(
                    secret_format.provider,
                    start,
                    start + len(key),
                    redact(key, secret_format.prefix, secret_format.kinds),
                    secret_format.source,
                )
            )
    return found


_TOKEN = re.compile(r"^[A-Za-z0-9_\-+=]+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Names that hold *about* a key, not a key: `OPENAI_API_KEY_ENV = "OPENAI_API_KEY"`.
_NOT_A_KEY_NAME = re.compile(r"(?i)(_env|_var|_name|_url|_uri|_path|_file|_header|_prefix|_field)$")


def looks_like_context_secret(name: str, value: str) -> bool:
    """A long random token given to a key-like name (for keys with no known prefix).

    A key is one token of letters and digits: URLs, paths, sentences and environment
    variable names given to such names are not keys."""
    rules = secret_rules()
    return (
        bool(rules.context_names.search(name))
        and not _NOT_A_KEY_NAME.search(name)
        and could_be_context_secret(value)
    )


def could_be_context_secret(value: str) -> bool:
    """The value half of `looks_like_context_secret` (the prefilter knows no names)."""
    rules = secret_rules()
    return (
        len(value) >= rules.min_length
        and bool(_TOKEN.match(value))
        and not _ENV_NAME.match(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not is_placeholder(value)
        and not value.startswith(rules.public_prefixes)
        and not (rules.stand_ins is not None and rules.stand_ins.search(value))
        and entropy(value) >= rules.min_entropy
        and not _encoded_stand_in(value)
    )


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _encoded_stand_in(value: str) -> bool:
    """A base64 value whose text is a placeholder: a Kubernetes Secret's `data` holds
    base64 (`ZG9jc2dwdC1kZXYtand0LXNlY3JldC1jaGFuZ2UtbWU=` is `docsgpt-dev-jwt-secret-
    change-me`). A random key does not decode to printable text, and an encoded real key
    decodes to the key, which is no placeholder: both stay reported."""
    if len(value) % 4 or not _BASE64.fullmatch(value):
        return False
    import base64
    import binascii

    try:
        text = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    if not text.isprintable():
        return False
    rules = secret_rules()
    return is_placeholder(text) or bool(rules.stand_ins is not None and rules.stand_ins.search(text))


LONG_LINE = 2000
"""Texts longer than this are redacted once and remembered: every finding on a minified
100k-character line asks for the same line (once per finding was quadratic)."""


def redact_text(text: str) -> str:
    """The text with every recognisable key redacted (used on all snippets and messages):
    keys of a known format, and long random values given to a key-like name."""
    if len(text) > LONG_LINE:
        return _redact_long_text(text)
    return _redact_text(text)


@lru_cache(maxsize=8)
def _redact_long_text(text: str) -> str:
    return _redact_text(text)


def _redact_text(text: str) -> str:
    secrets = find_secrets(text)
    for secret in sorted(secrets, key=lambda s: s.start, reverse=True):
        text = text[: secret.start] + secret.redacted + text[secret.end :]
    if secret_rules().context_names.search(text):
        text = _ASSIGNED_VALUE.sub(_redact_assigned, text)
    return text


# `name = "value"`, `name: value`, `"name": "value"`, `name=value` (keyword arguments, .env).
# A name starts only where no name character precedes it: without the lookbehind every
# position of a long word run was a start that scanned to the run's end (O(n^2); a
# 40,000-character line took ~38 s). With it, each run is scanned once: linear.
_ASSIGNED_VALUE = re.compile(
    r"(?<![\w-])(?P<name>[A-Za-z_][\w-]*)[\"']?\s*[:=]\s*[\"'`]?(?P<value>[A-Za-z0-9_\-+=]+)"
)


def _redact_assigned(match: re.Match[str]) -> str:
    name, value = match.group("name"), match.group("value")
    if not looks_like_context_secret(name, value):
        return match.group(0)
    start = match.start("value") - match.start()
    return match.group(0)[:start] + redact(value)
