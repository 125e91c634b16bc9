"""Which SDK packages a file is the library's own code of.

A project that holds an SDK's own package (a wheel unpacked in a corpus, a vendored copy, or
the SDK's repository itself: `src/openai/`, `trl/`) holds the SDK's implementation, which
is not a user of it. Python decides it: inside a top-level package named like a package
rules name (an `__init__.py` there, none in the folder above), `import openai` finds that
package itself. An app's provider sub-package (`app/providers/openai/`, a package inside
the package `app.providers`) is `app.providers.openai`: `import openai` there finds the SDK.

The link does not link such code (python_link.ModuleIndex.is_library_code), and the
analysis of a file inside it binds the package's own imports to nothing known, as a
relative import (python_analyzer `own_packages`): its calls of its own package are no SDK
calls, so no rule about that package matches there and the prefilter need not parse it for
them. Calls of other SDKs from it (trl's trainers calling peft) are analysed as anywhere.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable

INIT_FILES = ("__init__.py", "__init__.pyi")


def top_packages(directory: str, packages: Collection[str], top: str = "") -> frozenset[str]:
    """The names of the top-level packages that hold a file in `directory`: its directory
    or one above that holds an `__init__.py` (`packages`, spelt as `directory` is) in a
    directory that holds none. POSIX paths: relative to the project root, or real paths
    below the root `top`."""
    bound = top.rstrip("/") + "/" if top else ""
    found: set[str] = set()
    while directory and directory != "/" and (not bound or (directory + "/").startswith(bound)):
        parent = posixpath.dirname(directory)
        if directory in packages and parent not in packages:
            found.add(posixpath.basename(directory))
        if parent == directory:
            break
        directory = parent
    return frozenset(found)


def package_directories(paths: Iterable[str]) -> set[str]:
    """The directories of these paths that hold an `__init__.py` (Python packages)."""
    return {posixpath.dirname(path) for path in paths if posixpath.basename(path) in INIT_FILES}
