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
must be the path's own trailing `/` (a directory is asked as `dir/`). Config path patterns
(`exclude`, `per-file-ignores`: config/path_patterns.py) use the same narrowed patterns.
"""

from __future__ import annotations

import re
from typing import Any

_DIRECTORY_GROUP = "(?P<ps_d>/)"
_OWN_DIRECTORY = "(?P<ps_d>/$)"  # the trailing `/` of a directory asked about, not a parent's
OwnPathPattern = tuple[str, "re.Pattern[str]", bool]
"""(the pattern as written, its regex narrowed to the path itself, include: False for `!`)."""
_NARROWED: dict[int, tuple[Any, list[OwnPathPattern]]] = {}


def verdict(spec: Any, relative: str, is_dir: bool) -> bool | None:
    """True (ignored), False (re-included) or None (no pattern of `spec` names the path):
    the last pattern that matches the path itself decides. `relative` is `/`-separated,
    relative to the .gitignore's directory, without a trailing slash."""
    path = relative + "/" if is_dir else relative
    decided: bool | None = None
    for _, regex, include in own_path_patterns(spec):
        if regex.search(path) is not None:  # `search`, as pathspec's own `match_file`
            decided = include
    return decided


def _own_path_regex(text: str, source: str) -> str:
    """pathspec's regex `source` of the pattern `text`, narrowed to the path itself: its
    directory group (the name, then anything below it) may only be the path's own
    trailing `/`. Two shapes need more than that, because git strips a pattern's trailing
    `/` before matching: `dir/**/` (pathspec: `^dir(?P<ps_d>/)`, as `dir/`) names every
    directory below `dir/` but not `dir/` itself, and `dir/**` (pathspec: `^dir/`)
    everything below `dir/` but not `dir/` itself (so `!dir/keep.py` can re-include)."""
    pattern = text.rstrip()
    if pattern.endswith("/**/") and source.endswith(_DIRECTORY_GROUP):
        return source + ".+/$"
    if pattern.endswith("/**") and source.endswith("/") and "(?P<ps_d>" not in source:
        return source + "."
    return source.replace(_DIRECTORY_GROUP, _OWN_DIRECTORY)


def own_path_patterns(spec: Any) -> list[OwnPathPattern]:
    """(text, regex matching the path itself, include) for each pattern of `spec` that is
    not blank or a comment, in order; compiled once per spec (discovery keeps one per
    .gitignore, path_patterns one per config pattern list). Search the regexes (as
    pathspec's own `match_file` does): `*/` compiles to an unanchored `/`."""
    known = _NARROWED.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    if len(_NARROWED) > 4096:  # a server re-reading .gitignore files for weeks
        _NARROWED.clear()
    compiled = [
        (
            str(pattern.pattern),
            re.compile(_own_path_regex(str(pattern.pattern), pattern.regex.pattern)),
            bool(pattern.include),
        )
        for pattern in spec.patterns
        if pattern.include is not None
    ]
    _NARROWED[id(spec)] = (spec, compiled)
    return compiled
