"""The one boundary every string crosses on its way out of the engine.

What the engine keeps about a file (match captures, snippets, fact labels and captures,
suppression reasons, the literal arguments of calls through project modules) and what it
reports (messages, reasons, finding data, paths) passes through here once:

- API keys are redacted: keys of a known format and long random values given to key-like
  names (`redact_text`), plus every raw key the file's own check found (`secrets`), which
  catches a key wherever it is quoted (a model argument, a suppression reason).
- Lone surrogates (`"\\ud83d"` in a Python or TS string, a non-UTF-8 file name decoded
  with surrogateescape) are written as the escape `\\ud83d`: no output format can encode
  them, and the cache's JSON would join a pair into one character, so a cached run would
  differ from an uncached one.

Front ends then only escape for their medium (terminal control characters in
`reporters/terminal_text.py`). The cache stores analyses after this boundary, so it holds
no key either.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ragfirst.data.secrets import redact, redact_text

_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """`text` with every lone surrogate written as its `\\uXXXX` escape."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# A run of 24+ letters and digits with upper case, lower case and digits all in it, that
# switches between them as often as random text does: the body of a key, never a model or
# deployment name (words joined by `-`, `.`, `_`, `/` or `:`) nor a CamelCase identifier. Messages print captured values (`{arg.model}`): a key passed where a
# model name goes must not be printed whole, nor kept in the cache.
_RANDOM_RUN = re.compile(r"[A-Za-z0-9]{24,}")


def _class_switches(run: str) -> float:
    """How often the character class (upper, lower, digit) changes between neighbours:
    about 0.6 in a random key (at least 0.39 in 99% of 24-character ones), 0.28-0.34 in
    CamelCase identifiers with digits (`MyCustomEmbeddings2024Provider`), which must stay
    readable in messages."""
    kinds = ["u" if c.isupper() else "l" if c.islower() else "d" for c in run]
    return sum(a != b for a, b in itertools.pairwise(kinds)) / (len(kinds) - 1)


def _redact_random_run(match: re.Match[str]) -> str:
    run = match.group()
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)
    if mixed and _class_switches(run) >= 0.36:
        return redact(run)
    return run


# Texts at least this long are cleaned once and remembered: a minified line is the snippet
# of every finding on it (1,100 findings on a 100k-character line cleaned it 1,100 times).
_REMEMBERED_FROM = 2048


def clean_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Redacted (known formats, key-like names, `secrets`, random runs) and encodable."""
    if len(text) >= _REMEMBERED_FROM:
        return _clean_long(text, tuple(secrets))
    if not secrets:  # the same short texts come back on every edit and in every file
        return _clean_short(text)
    return _clean_text(text, secrets)


@lru_cache(maxsize=4096)
def _clean_short(text: str) -> str:
    return _clean_text(text, ())


@lru_cache(maxsize=64)
def _clean_long(text: str, secrets: tuple[str, ...]) -> str:
    return _clean_text(text, secrets)


def _clean_text(text: str, secrets: Iterable[str]) -> str:
    text = redact_text(text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, redact(secret))
    if len(text) >= 24:
        text = _RANDOM_RUN.sub(_redact_random_run, text)
    return escape_surrogates(text)


def clean_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A literal (str, list, dict, number) with every string in it cleaned."""
    if isinstance(value, str):
        return clean_text(value, secrets)
    if isinstance(value, dict):
        return {clean_value(k, secrets): clean_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v, secrets) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_value(v, secrets) for v in value)
    return value


def clean_analysis(analysis: Any, secrets: Iterable[str] = ()) -> Any:
    """A FileAnalysis with every string it will store or report cleaned (in place)."""
    keys = tuple(secrets)
    for index, match in enumerate(analysis.matches):
        analysis.matches[index] = replace(
            match,
            captures={k: clean_text(v, keys) for k, v in match.captures.items()},
            snippet=clean_text(match.snippet, keys),
        )
    for index, site in enumerate(analysis.fact_sites):
        analysis.fact_sites[index] = replace(
            site,
            label=clean_text(site.label, keys),
            captures=tuple((k, clean_text(v, keys)) for k, v in site.captures),
        )
    for suppression in analysis.suppressions:
        if suppression.reason is not None:
            suppression.reason = clean_text(suppression.reason, keys)
    for local in analysis.local_calls:
        local.snippet = clean_text(local.snippet, keys)
        for arg in [*local.call.args, *local.call.kwargs.values()]:
            arg.value = clean_value(arg.value, keys)
    if getattr(analysis, "summary", None):  # a Python module's exported constants are cached
        analysis.summary = {name: _clean_descriptor(d, keys) for name, d in analysis.summary.items()}
    return analysis


def _clean_descriptor(descriptor: Any, keys: tuple[str, ...]) -> Any:
    """A module summary's descriptor (python_exports.py) with its literals and paths cleaned;
    qualified names are code, not data, and stay as they are."""
    if not isinstance(descriptor, dict):
        return descriptor
    cleaned: dict[str, Any] = {}
    for key, value in descriptor.items():
        if key == "l":
            cleaned[key] = clean_value(value, keys)
        elif key == "p" and isinstance(value, str):
            cleaned[key] = clean_text(value, keys)
        elif key in ("f", "i", "c") and isinstance(value, dict):
            cleaned[key] = _clean_descriptor(value, keys)
        elif key in ("a", "m") and isinstance(value, dict):
            cleaned[key] = {name: _clean_descriptor(item, keys) for name, item in value.items()}
        else:
            cleaned[key] = value
    return cleaned


def clean_finding(finding: Any) -> Any:
    """A Finding ready for any front end (in place)."""
    finding.message = clean_text(finding.message)
    finding.path = escape_surrogates(finding.path)
    finding.snippet = clean_text(finding.snippet)
    if finding.suppression_reason is not None:
        finding.suppression_reason = clean_text(finding.suppression_reason)
    if finding.data:
        finding.data = clean_value(finding.data)
    if finding.fix is not None:
        finding.fix = replace(finding.fix, title=clean_text(finding.fix.title))
    return finding
