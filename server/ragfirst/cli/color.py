"""Whether the text report is coloured: `--color`, then NO_COLOR, then FORCE_COLOR, then TTY.

The conventions other tools follow (no-color.org, force-color.org, ruff, pytest): an
explicit `--color always|never` wins; otherwise a non-empty NO_COLOR turns colour off, a
FORCE_COLOR other than `0`/`false` turns it on (CI logs that render ANSI), and else
colour is used only when stdout is a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

CHOICES = ("auto", "always", "never")


def use_colour(choice: str, stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR"):
        return False
    force = environ.get("FORCE_COLOR")
    if force is not None and force.strip().lower() not in ("0", "false"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
