"""Dependencies from manifests: requirements*.txt, pyproject.toml (PEP 621, Poetry, PDM,
uv dependency groups), setup.cfg, Pipfile, environment.yml and package.json."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ragfirst.analyzers.facts import ConfigEntry, DependencyFact
from ragfirst.model import Span
from ragfirst.source import SourceText

_PEP508_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_CONDA_NAME = re.compile(r"^\s*(?:[A-Za-z0-9_.-]+::)?([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


CONSTRAINTS = "constraints"
"""The group of a constraints file's entries: versions pinned, nothing added."""


def normalise(name: str) -> str:
    """PEP 503 normalisation; npm names are already lower-case."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_requirements_file(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".txt", ".in")) and (
        "requirements" in lowered or lowered.startswith("constraints")
    )


def _requirements_lines(source: SourceText, group: str = "dependencies") -> Iterator[DependencyFact]:
    for number, line in enumerate(source.lines, 1):
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith(("#", "-", "git+", "http:", "https:", ".", "/")):
            continue  # comments, options (-r/-c/-e/--index-url), URLs and local paths
        match = _PEP508_NAME.match(text)
        if match:
            col = line.index(match.group(1))
            span = Span(number, col, number, col + len(match.group(1)))
            yield DependencyFact(normalise(match.group(1)), text, span, group)


def _from_entry(
    entry: ConfigEntry, text: str, group: str, ecosystem: str = "python"
) -> DependencyFact | None:
    pattern = _CONDA_NAME if group.startswith("conda") else _PEP508_NAME
    match = pattern.match(text)
    if not match:
        return None
    span = entry.span
    return DependencyFact(normalise(match.group(1)), text, span, group, ecosystem)


def _list_items(entries: list[ConfigEntry], prefix: tuple, group: str) -> Iterator[DependencyFact]:
    for entry in entries:
        if (
            len(entry.path) == len(prefix) + 1
            and entry.path[: len(prefix)] == prefix
            and isinstance(entry.value, str)
        ):
            found = _from_entry(entry, entry.value, group)
            if found:
                yield found


def _table_keys(
    entries: list[ConfigEntry], prefix: tuple, group: str, ecosystem: str = "python"
) -> Iterator[DependencyFact]:
    for entry in entries:
        if len(entry.path) == len(prefix) + 1 and entry.path[: len(prefix)] == prefix:
            name = str(entry.path[-1])
            if name.lower() == "python":
                continue
            spec = entry.value if isinstance(entry.value, str) else ""
            name_key = name.lower() if ecosystem == "npm" else normalise(name)
            yield DependencyFact(name_key, spec, entry.span, group, ecosystem)


def _groups(entries: list[ConfigEntry], prefix: tuple) -> list[str]:
    return sorted(
        {
            str(e.path[len(prefix)])
            for e in entries
            if len(e.path) > len(prefix) and e.path[: len(prefix)] == prefix
        }
    )


def extract_dependencies(path: str, entries: list[ConfigEntry], source: SourceText) -> list[DependencyFact]:
    name = path.rsplit("/", 1)[-1]
    lowered = name.lower()
    found: list[DependencyFact] = []
    if is_requirements_file(path):
        # A constraints file pins versions of what something else installs; it adds nothing.
        group = CONSTRAINTS if lowered.startswith("constraints") else "dependencies"
        return list(_requirements_lines(source, group))
    if lowered == "pyproject.toml":
        found += _list_items(entries, ("project", "dependencies"), "dependencies")
        for group in _groups(entries, ("project", "optional-dependencies")):
            found += _list_items(entries, ("project", "optional-dependencies", group), f"optional:{group}")
        for group in _groups(entries, ("dependency-groups",)):
            found += _list_items(entries, ("dependency-groups", group), f"group:{group}")
        found += _table_keys(entries, ("tool", "poetry", "dependencies"), "dependencies")
        found += _table_keys(entries, ("tool", "poetry", "dev-dependencies"), "dev")
        for group in _groups(entries, ("tool", "poetry", "group")):
            found += _table_keys(
                entries, ("tool", "poetry", "group", group, "dependencies"), f"group:{group}"
            )
        for group in _groups(entries, ("tool", "pdm", "dev-dependencies")):
            found += _list_items(entries, ("tool", "pdm", "dev-dependencies", group), f"dev:{group}")
    elif lowered == "setup.cfg":
        found += _list_items(entries, ("options", "install_requires"), "dependencies")
        for entry in entries:  # `install_requires = trl>=0.29` on one line
            if entry.path == ("options", "install_requires") and isinstance(entry.value, str) and entry.value:
                found += [
                    d
                    for text in entry.value.split(";")
                    if (d := _from_entry(entry, text.strip(), "dependencies"))
                ]
        for entry in entries:
            if (
                entry.path[:1] == ("options.extras_require",)
                and isinstance(entry.value, str)
                and len(entry.path) == 3
            ):
                dep = _from_entry(entry, entry.value, f"optional:{entry.path[1]}")
                if dep:
                    found.append(dep)
    elif lowered == "pipfile":
        found += _table_keys(entries, ("packages",), "dependencies")
        found += _table_keys(entries, ("dev-packages",), "dev")
    elif lowered in ("environment.yml", "environment.yaml"):
        found += _list_items(entries, ("dependencies",), "conda")
        for index in {
            e.path[1]
            for e in entries
            if len(e.path) >= 3 and e.path[0] == "dependencies" and e.path[2] == "pip"
        }:
            found += _list_items(entries, ("dependencies", index, "pip"), "pip")
    elif lowered == "package.json":
        for group in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
            found += _table_keys(entries, (group,), group, ecosystem="npm")
    return found
