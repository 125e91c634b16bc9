"""`exclude` and `per-file-ignores` patterns, with the semantics of `.gitignore`.

Users write them as they write a `.gitignore` (and as ruff users expect): `migrations`
names a file or directory anywhere, `migrations/` only a directory, `/migrations` only the
one at the config's directory, `**/migrations` anywhere, `scripts/*` everything below
`scripts`, `!keep.py` re-includes (the last matching pattern decides). Paths are relative
to the config's directory, `/`-separated; a directory is asked about with a trailing `/`.
pathspec (already a dependency for `.gitignore` files) compiles each pattern.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_NEVER = re.compile(r"(?!)")
_ANYWHERE = "^(?:.+/)?"
"""How pathspec starts the regex of a pattern that may match at any depth."""


class PathPatterns:
    """Compiled patterns: `matches` for the hot path, `deciding` to say which one matched."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        import pathspec

        self.patterns = patterns
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        # (source text, regex, include) for each pattern that is not blank or a comment.
        self._compiled: list[tuple[str, Any, bool]] = [
            (p.pattern, p.regex, bool(p.include)) for p in spec.patterns if p.include is not None
        ]
        self._negated = any(not include for _, _, include in self._compiled)
        # No `!` pattern: one regex answers (the named group pathspec uses to mark a
        # directory match cannot appear twice in one regex). Discovery asks about each
        # entry of a directory it entered, so a pattern that names a file or directory
        # anywhere (`dist`, `*.min.js`) need only look at the name: several times faster.
        names, paths = [], []
        for _, regex, _ in self._compiled:
            source = regex.pattern.replace("(?P<ps_d>", "(?:")
            rest = source.removeprefix(_ANYWHERE)
            if rest != source and "/" not in rest.replace("[^/]", "").replace("(?:/)", ""):
                names.append(f"(?:{rest})")
            else:
                paths.append(f"(?:{source})")
        everything = [*(f"(?:{_ANYWHERE}{n})" for n in names), *paths]
        self._any = re.compile("|".join(everything)) if everything and not self._negated else _NEVER
        self._names = re.compile("|".join(names)) if names and not self._negated else _NEVER
        self._paths = re.compile("|".join(paths)) if paths and not self._negated else _NEVER

    def matches(self, relative: str, is_dir: bool = False) -> bool:
        """Does the last matching pattern name this path (relative, `/`-separated)?"""
        path = relative + "/" if is_dir else relative
        if not self._negated:
            return self._any.match(path) is not None
        return self.deciding(relative, is_dir) is not None

    def matches_entry(self, prefix: str, name: str, is_dir: bool) -> bool:
        """`matches(prefix + name)` for an entry of a directory whose own path matched no
        pattern (discovery does not enter an excluded directory)."""
        if self._negated:
            return self.deciding(prefix + name, is_dir) is not None
        slash = "/" if is_dir else ""
        return bool(self._names.match(name + slash) or self._paths.match(prefix + name + slash))

    def deciding(self, relative: str, is_dir: bool = False) -> str | None:
        """The pattern that names this path (the last one matching), None if none does or
        the last matching one is a `!` pattern."""
        path = relative + "/" if is_dir else relative
        for text, regex, include in reversed(self._compiled):
            if regex.match(path):
                return text if include else None
        return None


@lru_cache(maxsize=64)
def compile_patterns(patterns: tuple[str, ...]) -> PathPatterns:
    """One compiled matcher per distinct pattern list (a tree has few configs)."""
    return PathPatterns(patterns)


def pattern_problem(pattern: str) -> str | None:
    """Why pathspec cannot compile this pattern (for a located config error), else None."""
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception as exc:  # pathspec raises ValueError or its regex backend's error
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None
