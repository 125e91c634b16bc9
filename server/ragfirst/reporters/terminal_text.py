"""Escape what a terminal or CI log would act on: control characters.

A file name or a string in the scanned code may hold ESC (colour, cursor moves, clearing
the screen), CR (overwrite the line: a fake "All checks passed."), BEL, backspace, or a
newline that starts a fake line of its own. Every human-readable output writes what the
repository controls through `escape_controls`, which shows each such character as a
visible escape (`\\x1b`, `\\r`, `\\n`, `\\u202e`) instead. Tabs are kept.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, and the bidirectional overrides and isolates
# (a right-to-left override reorders what a reader sees: "Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_CONTROL_KEEP_NEWLINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as an escape (newlines kept if asked)."""
    pattern = _CONTROL_KEEP_NEWLINES if keep_newlines else _CONTROL
    return pattern.sub(_escape, text)
