"""The error an analyzer raises for input it cannot read (becomes one RF000 finding)."""

from __future__ import annotations


class AnalysisError(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
