"""The one error type for problems in rule packs and data tables."""

from __future__ import annotations


class RuleFileError(Exception):
    """A problem in a rule pack, located at file:line:col (1-based line, 1-based column)."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = path
        self.line = line
        self.col = col
        self.message = message
