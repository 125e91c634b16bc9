"""RF404: API-key literals in code and config, always redacted.

Code: string literals of a known key format, and long random literals given to key-like
names (`api_key=`, `OPENAI_API_KEY = ...`). Config and .env files: values of a known
format anywhere, and random values under key-like keys. Placeholders (`sk-...`,
`YOUR_KEY`, low-entropy strings, `${VAR}`, `os.environ/...`) never fire.
"""

from __future__ import annotations

from typing import Any

from ragfirst.checks.base import CheckContext, CheckMatch
from ragfirst.data.secrets import find_secrets, looks_like_context_secret, redact, secret_rules
from ragfirst.model import Span


class SecretsCheck:
    name = "secrets"

    def validate(self, params: dict[str, Any]) -> str | None:
        return "the secrets check takes no params; edit rules/secret-formats.yaml" if params else None

    def triggers(self, params: dict[str, Any]) -> set[str]:
        # Keys without a known format are found by the name they are given to.
        return {"api_key", "apiKey", "API_KEY", "api-key", "secret_key", "access_token", "auth_token"}

    def trigger_patterns(self) -> list[str]:
        """Regexes for the engine's prefilter: a file with a key in it must be parsed."""
        return [secret_format.regex.pattern for secret_format in secret_rules().formats]

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        facts = context.facts
        matches: list[CheckMatch] = []
        for string in facts.strings:
            matches += self._literal(string.value, string.span, string.context)
        for call in facts.calls:
            for name, arg in call.kwargs.items():
                if (
                    isinstance(arg.value, str)
                    and looks_like_context_secret(name, arg.value)
                    and not find_secrets(arg.value)
                ):
                    matches.append(self._match(arg.span, "a key", redact(arg.value), name))
        for entry in facts.entries:
            if isinstance(entry.value, str):
                key_name = str(entry.path[-1]) if entry.path else ""
                matches += self._literal(entry.value, entry.span, key_name)
        return _dedupe(matches)

    def _literal(self, text: str, span: Span, name: str) -> list[CheckMatch]:
        found = find_secrets(text)
        if found:
            return [
                self._match(span, _article(secret.provider) + " key", secret.redacted, name)
                for secret in found
            ]
        if name and looks_like_context_secret(name, text):
            return [self._match(span, "a key", redact(text), name)]
        return []

    @staticmethod
    def _match(span: Span, what: str, redacted: str, name: str) -> CheckMatch:
        where = f" in `{name}`" if name else ""
        return CheckMatch(span, {"what": what, "redacted": redacted, "where": where})


def _article(provider: str) -> str:
    return f"{'an' if provider[:1].upper() in 'AEIOU' else 'a'} {provider}"


def _dedupe(matches: list[CheckMatch]) -> list[CheckMatch]:
    seen: set[tuple[Span, str]] = set()
    result = []
    for match in matches:
        key = (match.span, match.captures["redacted"])
        if key not in seen:
            seen.add(key)
            result.append(match)
    return result
