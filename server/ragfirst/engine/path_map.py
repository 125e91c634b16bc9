"""Where each file of a workspace is: paths kept as given (a run gives 8,800 strings) and
made `Path` objects only when one is asked for (a few: a file read again from disk)."""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K")


class PathMap(MutableMapping[K, Path], Generic[K]):
    """A mapping to `Path`s that stores `str | Path` and converts on the way out (a `Path`
    per file of a CLI run cost ~0.02 s CPU, for paths that are hardly ever read)."""

    def __init__(self) -> None:
        self._paths: dict[K, str | os.PathLike[str]] = {}

    def __getitem__(self, key: K) -> Path:
        found = self._paths[key]
        return found if isinstance(found, Path) else Path(found)

    def __setitem__(self, key: K, path: str | os.PathLike[str]) -> None:  # type: ignore[override]
        self._paths[key] = path

    def __delitem__(self, key: K) -> None:
        del self._paths[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, key: object) -> bool:
        return key in self._paths
