"""The one shape of a user's mistake: a message located at file:line:col."""

from __future__ import annotations


class LocatedError(Exception):
    """A problem in a file the user wrote (config, rule pack): one line, never a traceback."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        from ragfirst.data.secrets import redact_text  # late: the secrets table loads rule files

        message = redact_text(message)  # schema errors quote values, and a value may be a key
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = path
        self.line = line
        self.col = col
        self.message = message
