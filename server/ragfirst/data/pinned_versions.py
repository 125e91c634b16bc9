"""The version of a package a project pins, read from the manifests at its root.

RF107 entries can depend on a library's version (`trl` moved its PPO/ORPO/... trainers
under `trl.experimental` in 0.29.0): a project that pins `trl==0.28.0` still has them
where it imports them, so the entry does not apply to it yet. Only exact pins (`==`,
`~=`) and upper bounds (`<`, `<=`) are read: a version range that allows the new release
is treated as the new release.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from ragfirst.analyzers.manifests import normalise

MAX_BYTES = 1024 * 1024
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")
_CLAUSE = re.compile(r"(==|~=|<=|<|>=|>|!=)\s*([0-9][0-9A-Za-z.*+-]*)")


def version_tuple(text: str) -> tuple[int, ...]:
    """`0.28.0` -> (0, 28, 0); stops at the first part that is not a number."""
    parts = []
    for part in text.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        parts.append(int(digits.group(0)))
    return tuple(parts)


def highest_allowed(spec: str) -> tuple[int, ...] | None:
    """The highest version a specifier can install, when it has one (`==0.28.0`, `<0.29`,
    `~=0.28.1`); None for an open range (`>=0.20`) or none at all."""
    best: tuple[int, ...] | None = None
    for operator, version in _CLAUSE.findall(spec):
        parsed = version_tuple(version.rstrip(".*"))
        if not parsed:
            continue
        if operator == "==" and not version.endswith("*"):
            bound = parsed
        elif operator == "==" or operator == "~=":
            # `==0.28.*` and `~=0.28.1` stay below the next minor (or major) version.
            head = parsed[:-1] if operator == "~=" and len(parsed) > 1 else parsed
            bound = (*head[:-1], head[-1] + 1, -1) if head else None
        elif operator in ("<", "<="):
            bound = parsed if operator == "<=" else (*parsed[:-1], parsed[-1] - 1, 10**9) if parsed else None
        else:
            continue
        if bound is not None and (best is None or bound < best):
            best = bound
    return best


def _read(path: Path) -> str | None:
    try:
        if path.is_file() and path.stat().st_size <= MAX_BYTES:
            return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        pass
    return None


@lru_cache(maxsize=256)
def pinned_specs(root: str) -> dict[str, str]:
    """Package -> specifier from requirements*.txt and pyproject.toml at `root`."""
    specs: dict[str, str] = {}
    base = Path(root)
    lines: list[str] = []
    for candidate in sorted(base.glob("requirements*.txt"))[:20]:
        text = _read(candidate)
        if text is not None:
            lines += text.splitlines()
    text = _read(base / "pyproject.toml")
    if text is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        project = data.get("project", {})
        if isinstance(project, dict):
            lines += [d for d in project.get("dependencies", []) if isinstance(d, str)]
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
        if isinstance(poetry, dict):
            lines += [f"{name}{spec}" for name, spec in poetry.items() if isinstance(spec, str)]
    for line in lines:
        text = line.split("#", 1)[0].split(";", 1)[0].strip()
        match = _REQUIREMENT.match(text)
        if match and match.group(2):
            specs.setdefault(normalise(match.group(1)), match.group(2))
    return specs


def requirement_below(requirement: str, package: str, version: str) -> bool:
    """Does one requirement (`trl==0.22.2`, a notebook's `!pip install` word) name
    `package` and keep it below `version`?"""
    match = _REQUIREMENT.match(requirement.split(";", 1)[0])
    if match is None or normalise(match.group(1)) != normalise(package):
        return False
    highest = highest_allowed(match.group(2))
    return highest is not None and highest < version_tuple(version)


def below(root: Path, package: str, version: str) -> bool:
    """Does the project at `root` pin `package` below `version` (so it cannot have it)?"""
    spec = pinned_specs(str(root)).get(normalise(package))
    if spec is None:
        return False
    highest = highest_allowed(spec)
    return highest is not None and highest < version_tuple(version)
