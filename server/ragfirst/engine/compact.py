"""Complete analyses without the cost of their empty fields (issue 26's memory goal).

A run keeps every file's FileAnalysis until its report. Each one was built with six empty
lists and an empty dict (56-64 bytes each): on bench corpus a, 8,795 analyses (7,116 of
them files the prefilter skipped, holding nothing at all) carried 3.3 MB of empty
containers. Once an analysis is complete (analysed, or decoded from a worker or the
cache), `compact` points each empty field at one shared empty list (or dict). To everything
that reads it, it is a list (a dict) equal to `[]` (`{}`): JSON, comparisons and copies are
unchanged. Anything that tried to add to it gets a TypeError, never a silent change of
every analysis: nothing does (the analysis is built before it is compacted, and the link
replaces an analysis rather than adding to one).
"""

from __future__ import annotations

from typing import Any, NoReturn

from ragfirst.engine.engine import FileAnalysis


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise TypeError("a compacted analysis's empty field is shared: replace it, never add to it")


class _SharedEmptyList(list):  # type: ignore[type-arg]
    __slots__ = ()
    append = extend = insert = __setitem__ = __iadd__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _empty_list, ()  # a copy or a pickle is the shared one


class _SharedEmptyDict(dict):  # type: ignore[type-arg]
    __slots__ = ()
    __setitem__ = update = setdefault = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _empty_dict, ()


EMPTY_LIST: list[Any] = _SharedEmptyList()
EMPTY_DICT: dict[Any, Any] = _SharedEmptyDict()


def _empty_list() -> list[Any]:
    return EMPTY_LIST


def _empty_dict() -> dict[Any, Any]:
    return EMPTY_DICT


def compact(analysis: FileAnalysis) -> FileAnalysis:
    """`analysis`, its empty fields now the shared empty list or dict (in place)."""
    if not analysis.matches:
        analysis.matches = EMPTY_LIST
    if not analysis.fact_sites:
        analysis.fact_sites = EMPTY_LIST
    if not analysis.suppressions:
        analysis.suppressions = EMPTY_LIST
    if not analysis.local_calls:
        analysis.local_calls = EMPTY_LIST
    if not analysis.project_imports:
        analysis.project_imports = EMPTY_LIST
    if not analysis.used_imports:
        analysis.used_imports = EMPTY_LIST
    if not analysis.constant_imports:
        analysis.constant_imports = EMPTY_LIST
    if not analysis.client_imports:
        analysis.client_imports = EMPTY_LIST
    if not analysis.name_imports:
        analysis.name_imports = EMPTY_DICT
    if not analysis.text_imports:
        analysis.text_imports = EMPTY_DICT
    if not analysis.reexports:
        analysis.reexports = EMPTY_DICT
    return analysis


def empty_analysis(path: str, parsed: bool) -> FileAnalysis:
    """The analysis of a file with nothing in it, built compact (a warm run rebuilds one
    per file the cache marked empty): positional, half the time of `FileAnalysis(path,
    parsed=parsed)` (tests/test_compact.py checks it equals that)."""
    empty, none = EMPTY_LIST, EMPTY_DICT
    return FileAnalysis(
        path, empty, empty, empty, parsed, empty, None, None, empty, none, empty, empty, none, empty, none
    )


def is_empty(analysis: FileAnalysis) -> bool:
    """Is every field of `analysis` but its path and `parsed` as `FileAnalysis` makes it?"""
    return analysis == empty_analysis(analysis.path, analysis.parsed)
