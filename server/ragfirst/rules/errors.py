"""The error type for problems in rule packs and data tables."""

from __future__ import annotations

from ragfirst.errors import LocatedError


class RuleFileError(LocatedError):
    """A problem in a rule pack or data table, at file:line:col (1-based line and column)."""
