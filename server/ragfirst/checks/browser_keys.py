"""RF405: a secret key in an environment variable that the build inlines into browser code.

Front-end build tools copy every variable with a public prefix into the JavaScript they
ship: Next.js `NEXT_PUBLIC_`, Vite `VITE_` (on `import.meta.env`), SvelteKit and Astro
`PUBLIC_`, Expo `EXPO_PUBLIC_`, Create React App `REACT_APP_`. A variable with such a
prefix whose name says it holds a secret (`NEXT_PUBLIC_OPENAI_API_KEY`) is therefore a
key anyone can read from the page. Two places show it:

- JS/TS reads (`process.env.NEXT_PUBLIC_X`, `import.meta.env.VITE_X`, names imported from
  `$env/static/public`, `env.PUBLIC_X` of `$env/dynamic/public`), with the prefixes each
  source inlines (a `PUBLIC_` variable read from `process.env` in Node is not bundled);
- `.env*` files that define such a variable (any framework's prefix: a `.env` does not
  say which tool reads it). The value does not matter: an empty `.env.example` entry is
  the template every developer copies.

Whether a name is a secret is decided on its underscore-separated words (all lists are
rule params): a name ending in a switch word (`_ENABLED`) holds yes/no and is not; a
strong word (`SECRET`, `PRIVATE`, `PASSWORD`, `SERVICE_ROLE`, `AUTH_TOKEN`) always is; otherwise publishable keys are not (`PUBLISHABLE`, `ANON`,
`SITE_KEY`, `DSN`, ... and vendors whose browser keys are public by design, like
PostHog, Firebase, Mapbox); otherwise `API_KEY`, `ACCESS_KEY`, `TOKEN`, or `KEY` next to
an LLM vendor's name (`OPENAI_KEY`) is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ragfirst.checks.base import CheckContext, CheckMatch
from ragfirst.data.secrets import secret_rules
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.rules.user_regex import SearchPattern, UserRegexError, compile_user_regex

_LIST_PARAMS = ("strong", "publishable", "browser-vendors", "secret", "llm-vendors")
_FLAG_PARAMS = ("flag-words-before", "flag-words-after", "switch-words-after")
_FLAG_VALUES = frozenset({"true", "false", "0", "1", "yes", "no", "on", "off"})
"""A .env value like these is a switch, not a key (`NEXT_PUBLIC_SHOW_API_KEY=true`)."""


def _words(phrases: list[str]) -> list[tuple[str, ...]]:
    return [tuple(phrase.upper().split("_")) for phrase in phrases]


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


class BrowserKeyCheck:
    name = "browser-exposed-key"

    def validate(self, params: dict[str, Any]) -> str | None:
        sources = params.get("sources")
        if not isinstance(sources, dict) or not sources:
            return "sources must map a source (`process.env`, ...) to its inlined prefixes"
        for source, prefixes in sources.items():
            if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
                return f"sources.{source} must be a list of prefixes"
        frameworks = params.get("frameworks")
        if not isinstance(frameworks, dict):
            return "frameworks must map each prefix (or source) to the tool that inlines it"
        for key in ("env-file-prefixes", *_LIST_PARAMS):
            value = params.get(key)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{key} must be a list of names"
        for key in _FLAG_PARAMS:  # optional: packs written before they existed still load
            value = params.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{key} must be a list of names"
        return _server_only_problem(params)

    def triggers(self, params: dict[str, Any]) -> dict[str, set[str]]:
        # `process.env.X`, `import.meta.env.X` and `$env/...` all contain the token `env`;
        # .env files are always analysed (no prefilter).
        return {"javascript": {"env"}}

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """Environment reads and config entries only: no call."""
        return CallReaders()

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        facts = context.facts
        matches: list[CheckMatch] = []
        frameworks: dict[str, str] = params["frameworks"]
        reads = (
            ()
            if facts.env_reads and server_only(context.path, context.source.text, params)
            else facts.env_reads
        )
        for read in reads:
            prefixes = params["sources"].get(read.source)
            if prefixes is None:
                continue
            prefix = _prefix(read.name, prefixes)
            if prefix is None or not is_secret_name(read.name[len(prefix) :], params):
                continue
            # SvelteKit's `$env/*/public` modules name their tool; `process.env` does not.
            tool = frameworks.get(read.source) or frameworks.get(prefix, "the build")
            if read.source.startswith("$env"):
                where = f"imported from `{read.source}`"
            else:
                where = f"read as `{read.source}.{read.name}`"
            matches.append(_match(read.span, read.name, prefix, tool, where))
        if facts.config_kind == "dotenv":
            for entry in facts.entries:
                if len(entry.path) != 1 or not isinstance(entry.path[0], str):
                    continue
                name = entry.path[0]
                prefix = _prefix(name, params["env-file-prefixes"])
                if prefix is None or not is_secret_name(name[len(prefix) :], params):
                    continue
                if isinstance(entry.value, str) and entry.value.strip().lower() in _FLAG_VALUES:
                    continue
                tool = frameworks.get(prefix, "the build")
                match = _match(entry.span, name, prefix, tool, f"defined in {context.path}")
                match.captures["next"] = _next_step(entry.value)
                matches.append(match)
        return matches


_SERVER_ONLY_PARAMS = ("server-only-paths", "server-only-directives", "server-only-imports")


def _server_only_problem(params: dict[str, Any]) -> str | None:
    """Why the server-only params (optional: packs written before them still load) are
    unusable, else None."""
    for key in _SERVER_ONLY_PARAMS:
        value = params.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            return f"{key} must be a list of non-empty strings"
    for text in params.get("server-only-paths", []):
        try:
            compile_user_regex(text)
        except UserRegexError as exc:
            return f"server-only-paths: bad regular expression {text!r}: {exc}"
    for key in ("server-only-directives", "server-only-imports"):
        for text in params.get(key, []):
            if any(ch in text for ch in "\"'`\\\n\r"):
                return f"{key}: {text!r} cannot be a string literal's text (no quotes, backslashes or line breaks)"
    return None


@lru_cache(maxsize=16)
def _server_paths(patterns: tuple[str, ...]) -> tuple[SearchPattern, ...]:
    return tuple(compile_user_regex(text) for text in patterns)


@lru_cache(maxsize=16)
def _import_marker(modules: tuple[str, ...]) -> re.Pattern[str] | None:
    if not modules:
        return None
    names = "|".join(re.escape(name) for name in modules)
    # `[^\S\n]*`, not `\s*`: whitespace of the import's own line (linear on blank lines).
    return re.compile(rf"""^[^\S\n]*import\s+(["'])(?:{names})\1""", re.M)


def server_only(path: str, text: str, params: dict[str, Any]) -> bool:
    """Is this module server code only, so that what it reads is never inlined into the
    JavaScript a browser gets? A file the framework runs on the server alone (a
    `server-only-paths` regex found in its project-relative path: Next.js route handlers
    and API routes, SvelteKit endpoints, SvelteKit and Remix `.server` modules), a
    directive of `server-only-directives` in its prologue (`"use server"`: a module of
    Server Actions), or an import of a `server-only-imports` module (`import
    "server-only"`: the build fails if a client imports it). A `.env` definition of the
    same variable is still reported: a client module may read it too."""
    if any(regex.search(path) for regex in _server_paths(tuple(params.get("server-only-paths", ())))):
        return True
    directives = params.get("server-only-directives", ())
    if directives and any(d in directives for d in prologue_directives(text)):
        return True
    marker = _import_marker(tuple(params.get("server-only-imports", ())))
    return marker is not None and marker.search(text) is not None


def prologue_directives(text: str) -> list[str]:
    """The directives at the start of a module (`"use strict"; 'use server'`): string
    literals, each with an optional `;`, with whitespace and comments between them. A
    scan, not a regex: the regex this replaced backtracked exponentially on a file that
    starts with blank lines (a repeated group of repeated whitespace)."""
    found: list[str] = []
    at = _skip_trivia(text, 0)
    while at < len(text) and text[at] in "\"'":
        quote = text[at]
        end = at + 1
        while end < len(text) and text[end] not in (quote, "\\", "\n", "\r"):
            end += 1
        if end >= len(text) or text[end] != quote:
            break  # an escape or a line break: not a plain directive (none we look for)
        found.append(text[at + 1 : end])
        at = end + 1
        while at < len(text) and text[at].isspace():
            at += 1
        if at < len(text) and text[at] == ";":
            at += 1
        at = _skip_trivia(text, at)
    return found


def _skip_trivia(text: str, at: int) -> int:
    """The first position from `at` that is not whitespace or a comment (an unclosed
    `/*` ends the scan)."""
    size = len(text)
    while at < size:
        if text[at].isspace():
            at += 1
        elif text.startswith("//", at):
            newline = text.find("\n", at)
            at = size if newline < 0 else newline
        elif text.startswith("/*", at):
            close = text.find("*/", at + 2)
            if close < 0:
                return size
            at = close + 2
        else:
            break
    return at


def _prefix(name: str, prefixes: list[str]) -> str | None:
    """The longest prefix `name` starts with (`EXPO_PUBLIC_` before `PUBLIC_`)."""
    found = [p for p in prefixes if name.startswith(p) and len(name) > len(p)]
    if "" in prefixes and not found:
        return ""
    return max(found, key=len) if found else None


def is_secret_name(rest: str, params: dict[str, Any]) -> bool:
    """Does a variable name (without its public prefix) name a secret?"""
    words = tuple(part for part in rest.upper().split("_") if part)
    if not words:
        return False
    if len(words) > 1 and words[-1] in {w.upper() for w in params.get("switch-words-after", [])}:
        return False  # a yes/no about a feature, even a password one (`FORGOT_PASSWORD_ENABLED`)
    if any(_contains(words, phrase) for phrase in _words(params["strong"])):
        return True
    if any(_contains(words, phrase) for phrase in _words(params["publishable"])):
        return False
    if any(_contains(words, phrase) for phrase in _words(params["browser-vendors"])):
        return False
    if _is_flag(words, params):
        return False
    if any(_contains(words, phrase) for phrase in _words(params["secret"])):
        return True
    vendor = any(_contains(words, phrase) for phrase in _words(params["llm-vendors"]))
    return vendor and any(word in ("KEY", "APIKEY", "TOKEN") for word in words)


def _is_flag(words: tuple[str, ...], params: dict[str, Any]) -> bool:
    """A name about a key (a switch or UI setting): it starts with a flag word (`NO_`,
    `SHOW_`) or ends with one (`_INPUT`, `_REQUIRED`). Strong words were decided before."""
    before = {w.upper() for w in params.get("flag-words-before", [])}
    after = {w.upper() for w in params.get("flag-words-after", [])}
    return len(words) > 1 and (words[0] in before or words[-1] in after)


def _next_step(value: Any) -> str:
    """What to do after the move: rotate a key the file holds; an empty or placeholder
    value (R2R's `NEXT_PUBLIC_R2R_DEFAULT_PASSWORD="change_me_immediately"`, a template's
    `NEXT_PUBLIC_OPENAI_API_KEY=`) has nothing to rotate: the name is what to change."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return "; it is empty here, so rename it before a real key is filled in"
    if secret_rules().placeholders.search(text):
        return "; its value here is a placeholder, so rename it before a real key replaces it"
    return " and rotate it"


def _match(span: Any, name: str, prefix: str, tool: str, where: str) -> CheckMatch:
    server_name = name[len(prefix) :] if prefix else name
    return CheckMatch(
        span,
        {
            "name": name,
            "prefix": prefix or "public",
            "tool": tool,
            "where": where,
            "server_name": server_name,
            "next": " and rotate it",
        },
    )
