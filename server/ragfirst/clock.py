"""Today's date, injectable: lifecycle findings depend on it, tests and CI must not.

`RAGFIRST_TODAY=2027-01-10 ragfirst check .` pins the date (documented for reproducible
CI runs); tests pass a date to the project context directly.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    pinned = os.environ.get("RAGFIRST_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return dt.date.today()
