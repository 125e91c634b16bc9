"""`exclude` and `per-file-ignores` patterns, with the semantics of `.gitignore`.

Users write them as they write a `.gitignore` (and as ruff users expect): `migrations`
names a file or directory anywhere, `migrations/` only a directory, `/migrations` only the
one at the config's directory, `**/migrations` anywhere, `scripts/*` everything below
`scripts`, `*/` every directory, `!keep.py` re-includes (the last matching pattern
decides). Paths are relative to the config's directory, `/`-separated; a directory is
asked about with a trailing `/`.

As in git, a pattern decides about the path it matches, and a path below an excluded
directory is excluded whatever the patterns say about it (git never enters the
directory, nor does discovery): `*` then `!docs` keeps the directory `docs` and excludes
its files again, `build/` then `!build/keep.py` keeps nothing in `build/`. The patterns
are pathspec's, narrowed to the path itself as for .gitignore files
(engine/gitignore_verdict.py), so a config pattern and the same line in a .gitignore
agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ragfirst.engine.gitignore_verdict import OwnPathPattern, own_path_patterns

_NEVER = re.compile(r"(?!)")
_ANYWHERE = "^(?:.+/)?"
"""How pathspec starts the regex of a pattern that may match at any depth."""
_PLAIN_CHARS = re.compile(r"[A-Za-z0-9._*-]+")
# The end of pathspec's regex as narrowed (gitignore_verdict.py): the name, or a directory's `/`.
_NAME_ENDING = "(?:(?P<ps_d>/$)|$)"


def plain_regex(pattern: str) -> str | None:
    """pathspec's regex for a pattern that names a file or directory at any depth by its
    name alone (letters, digits, `.`, `_`, `-` and single `*`s: `dist`, `*.min.js`), as
    narrowed to the path itself, written without importing pathspec (~15 ms before a run's
    first file, for the default `exclude`); None for any other pattern (tests/
    test_path_patterns_plain.py keeps both equal)."""
    if not _PLAIN_CHARS.fullmatch(pattern) or "**" in pattern or pattern.strip("*.") == "":
        return None
    body = "".join("[^/]*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern) if part)
    return _ANYWHERE + body + _NAME_ENDING


class PathPatterns:
    """Compiled patterns: `matches_entry` for discovery's walk, `matches` and `deciding`
    for a whole path (per-file-ignores, `--show-settings`, the skip summary)."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        plain = [plain_regex(pattern) for pattern in patterns]
        if all(source is not None for source in plain):  # the default `exclude`, most configs
            self._compiled: list[OwnPathPattern] = [
                (pattern, re.compile(source), True)
                for pattern, source in zip(patterns, plain, strict=True)
                if source
            ]
        else:
            import pathspec

            self._compiled = own_path_patterns(pathspec.GitIgnoreSpec.from_lines(patterns))
        self._negated = any(not include for _, _, include in self._compiled)
        # No `!` pattern: one regex answers whether any pattern names an entry (the named
        # group pathspec uses to mark a directory cannot appear twice in one regex).
        # Discovery asks about each entry of a directory it entered, so a pattern that
        # names a file or directory anywhere (`dist`, `*.min.js`) need only look at the
        # name: several times faster.
        names, paths = [], []
        for _, regex, _ in self._compiled:
            source = regex.pattern.replace("(?P<ps_d>", "(?:")
            if not source.startswith("^"):  # `*/` is an unanchored `/`: searched, not matched
                source = f"^.*?(?:{source})"
            rest = source.removeprefix(_ANYWHERE)
            if rest != source and "/" not in rest.replace("[^/]", "").replace("(?:/$)", ""):
                names.append(f"(?:{rest})")
            else:
                paths.append(f"(?:{source})")
        self._names = re.compile("|".join(names)) if names and not self._negated else _NEVER
        self._paths = re.compile("|".join(paths)) if paths and not self._negated else _NEVER

    def matches(self, relative: str, is_dir: bool = False) -> bool:
        """Is this path (relative, `/`-separated) excluded: named by the last pattern that
        matches it, or below a directory that is?"""
        return self.deciding(relative, is_dir) is not None

    def matches_entry(self, prefix: str, name: str, is_dir: bool) -> bool:
        """Does the last matching pattern name the entry `prefix + name` of a directory
        whose own path is not excluded (discovery does not enter an excluded directory)?"""
        if self._negated:
            return self._own(prefix + name, is_dir) is not None
        slash = "/" if is_dir else ""
        return bool(self._names.match(name + slash) or self._paths.match(prefix + name + slash))

    def deciding(self, relative: str, is_dir: bool = False) -> str | None:
        """The pattern that excludes this path: the one that excludes the first excluded
        directory above it, else the last one matching the path itself; None if the path
        is not excluded."""
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            found = self._own("/".join(parts[:depth]), True)
            if found is not None:
                return found
        return self._own(relative, is_dir)

    def _own(self, relative: str, is_dir: bool) -> str | None:
        """The last pattern matching the path itself, if it is not a `!` pattern."""
        path = relative + "/" if is_dir else relative
        for text, regex, include in reversed(self._compiled):
            if regex.search(path) is not None:
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
