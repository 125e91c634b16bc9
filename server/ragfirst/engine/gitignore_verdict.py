"""What one .gitignore says about one path, as git decides it.

Git matches each pattern against the path itself: `!data` re-includes the directory
`data` and says nothing about the files in it (`*` then ignores `data/x.csv` again), and
`*/` names every directory, at any depth. Discovery asks about a directory before it
enters it, so a pattern that matches only an ancestor of the path has had its say already.

pathspec's regexes also match everything below a matching directory (through their
`ps_d` group), and its `GitIgnoreSpec.check_file` lets a direct match of `*` win over
`!dir` for the directory itself, because the negation matches `dir/` only through that
group: `*` then `!docs` left `docs/` ignored (NirDiamant/RAG_Techniques: every notebook
skipped). Here each pattern's regex is narrowed to the path itself: its directory group
must be the path's own trailing `/` (a directory is asked as `dir/`).
"""

from __future__ import annotations

import re
from typing import Any

_DIRECTORY_GROUP = "(?P<ps_d>/)"
_OWN_DIRECTORY = "(?P<ps_d>/$)"  # the trailing `/` of a directory asked about, not a parent's
_NARROWED: dict[int, tuple[Any, list[tuple[re.Pattern[str], bool]]]] = {}


def verdict(spec: Any, relative: str, is_dir: bool) -> bool | None:
    """True (ignored), False (re-included) or None (no pattern of `spec` names the path):
    the last pattern that matches the path itself decides. `relative` is `/`-separated,
    relative to the .gitignore's directory, without a trailing slash."""
    path = relative + "/" if is_dir else relative
    decided: bool | None = None
    for regex, include in _narrowed(spec):
        if regex.search(path) is not None:  # `search`, as pathspec's own `match_file`
            decided = include
    return decided


def _own_path_regex(text: str, source: str) -> str:
    """pathspec's regex `source` of the pattern `text`, narrowed to the path itself: its
    directory group (the name, then anything below it) may only be the path's own
    trailing `/`. pathspec compiles `dir/**/` as it compiles `dir/` (`^dir(?P<ps_d>/)`);
    git's `dir/**/` names every directory from `dir/` down, so that one keeps any
    directory path below the prefix."""
    if text.rstrip().endswith("/**/") and source.endswith(_DIRECTORY_GROUP):
        return source + "(?:.*/)?$"
    return source.replace(_DIRECTORY_GROUP, _OWN_DIRECTORY)


def _narrowed(spec: Any) -> list[tuple[re.Pattern[str], bool]]:
    """(regex matching the path itself, include) for each pattern of `spec` that is not
    blank or a comment; compiled once per spec (discovery keeps one per .gitignore)."""
    known = _NARROWED.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    if len(_NARROWED) > 4096:  # a server re-reading .gitignore files for weeks
        _NARROWED.clear()
    compiled = [
        (re.compile(_own_path_regex(str(pattern.pattern), pattern.regex.pattern)), bool(pattern.include))
        for pattern in spec.patterns
        if pattern.include is not None
    ]
    _NARROWED[id(spec)] = (spec, compiled)
    return compiled
