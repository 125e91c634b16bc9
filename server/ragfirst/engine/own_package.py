"""A library is not its user: findings about the checked project's own package are dropped.

Run on trl, peft, unsloth, torchtune or the openai SDK, the rules about those packages
would report the library's own implementation and examples as "calls" to it, and its
own extras (`unsloth[cu121]` inside unsloth's pyproject.toml) as dependencies on it. The
project's own names come from the manifests between the file and the top of the repository
the project is in (its VCS root; else the project root): pyproject.toml `[project]` and
`[tool.poetry]`, setup.cfg `[metadata]`, package.json. The repository, not the project
root: `peft/examples/sft/` has its own requirements.txt (a project root of its own), and
is still peft's example. A finding is dropped when:

- its call is rooted in the project's own package (`trl.SFTTrainer` inside trl), or
- it is a dependency on the project itself (RF501 `unsloth` in unsloth's manifests), a
  lifecycle note about it (RF107 "torchtune is unmaintained" in torchtune) or a config
  of its own kind (RF502 axolotl configs in axolotl's examples), or
- the project is itself a training library (a package RF501 is about) and the finding is
  a training finding: its trainer classes, recipes and examples are its product, not a
  decision to train. Other findings (keys, uncapped LLM calls) are still reported.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from ragfirst.analyzers.manifests import normalise
from ragfirst.engine.finalize_memo import FinalizeMemo
from ragfirst.engine.project_roots import VCS_MARKERS
from ragfirst.safe_read import ReadRefused, read_capped

if TYPE_CHECKING:
    from ragfirst.model import Finding
    from ragfirst.rules.model import RuleSet

TRAINING_RULES = frozenset({"RF102", "RF103", "RF104", "RF105", "RF106", "RF107", "RF501", "RF502"})
_SETUP_PY_NAME = re.compile(r"""\bname\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']""")
_SETUP_CFG_NAME = re.compile(r"(?ms)^\[metadata\][^\[]*?^name\s*=\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
MAX_MANIFEST_BYTES = 1024 * 1024


def _read(path: str) -> str | None:
    """A manifest's text, or None, read as the repository's other small files are
    (safe_read.read_capped: a regular file, no link out of its directory, at most the
    cap), with `Path.read_text`'s universal newlines (a `setup.cfg` with `\\r` line ends
    still names its project). A missing one costs one `stat`: finalizing asks four names
    in each directory of every project and most are missing (20 ms of bench corpus b's
    serial end, 315 directories, with `Path.is_file`, `stat` and `read_text`)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # (a FIFO is never opened)
    try:
        data = read_capped(Path(path), MAX_MANIFEST_BYTES)
    except (OSError, ReadRefused):
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def own_names(root: str) -> frozenset[str]:
    """The project's own package names (normalised), from the manifests at its root."""
    names: set[str] = set()
    text = _read(os.path.join(root, "pyproject.toml"))
    if text is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        for table in (data.get("project"), data.get("tool", {}).get("poetry")):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                names.add(table["name"])
    text = _read(os.path.join(root, "setup.cfg"))
    if text is not None and (match := _SETUP_CFG_NAME.search(text)):
        names.add(match.group(1))
    text = _read(os.path.join(root, "setup.py"))
    if text is not None and (match := _SETUP_PY_NAME.search(text)):
        names.add(match.group(1))
    text = _read(os.path.join(root, "package.json"))
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            names.add(data["name"])
    return frozenset(normalise(name) for name in names if name)


def _import_name(name: str) -> str:
    return name.replace("-", "_")


def _training_packages(ruleset: RuleSet) -> frozenset[str]:
    rule = ruleset.get("RF501")
    if rule is None:
        return frozenset()
    return frozenset(name for matcher in rule.dependencies for name in matcher.names)


def _about_own_package(finding: Finding, own: frozenset[str]) -> bool:
    captures = finding.data.get("captures", {}) if isinstance(finding.data, dict) else {}
    call = captures.get("call") or captures.get("module") or ""
    if call:
        root = call.split(".", 1)[0].split("(", 1)[0]
        if normalise(root) in own:
            return True
    if finding.rule_id == "RF107" and normalise(captures.get("what", "")) in own:
        return True  # "torchtune is no longer maintained", inside torchtune
    if finding.rule_id == "RF502" and normalise(captures.get("kind", "")) in own:
        return True  # axolotl's own example configs are its product
    name = captures.get("name")
    return finding.rule_id == "RF501" and isinstance(name, str) and normalise(name) in own


MAX_LEVELS = 32


def repository_top(root: str, memo: FinalizeMemo) -> str:
    """The VCS root above (or at) the project root, else the project root itself."""
    known = memo.tops.get(root)
    if known is not None:
        return known
    top = current = root
    for _ in range(MAX_LEVELS):
        marked = memo.marked.get(current)
        if marked is None:  # projects side by side share their parents: asked once
            marked = memo.marked[current] = any(
                os.path.exists(os.path.join(current, marker)) for marker in VCS_MARKERS
            )
        if marked:
            top = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    memo.tops[root] = top
    return top


def names_above(directory: str, root: str, memo: FinalizeMemo) -> frozenset[str]:
    """The own names of every manifest from `directory` up to the repository the project
    root is in. Never above it: nothing outside the repository is read. Both are real,
    normal paths (no trailing separator but the file system root's)."""
    known = memo.above.get((directory, root))
    if known is not None:
        return known
    names: frozenset[str] = frozenset()
    top = repository_top(root, memo)
    if directory == top or directory.startswith(top.rstrip(os.sep) + os.sep):
        current = directory
        for _ in range(MAX_LEVELS):
            own = memo.own_names.get(current)
            if own is None:
                own = memo.own_names[current] = own_names(current)
            names |= own
            parent = os.path.dirname(current)
            if current == top or parent == current:
                break
            current = parent
    memo.above[(directory, root)] = names
    return names


def policy(
    findings: list[Finding],
    path: str,
    base_dir: Path,
    root: Path,
    ruleset: RuleSet,
    memo: FinalizeMemo | None = None,
) -> list[Finding]:
    """The findings of one file (`path` relative to `base_dir`) that are not about the
    project's own package (named by the manifests between the file and the root).
    `memo`: the run's (or request's) real paths and manifests (finalize_memo.py)."""
    if not findings:
        return findings
    memo = memo if memo is not None else FinalizeMemo()
    directory = os.path.dirname(memo.real(os.path.join(base_dir, path)))
    own = names_above(directory, memo.real(os.fspath(root)), memo)
    if not own:
        return findings
    library = bool(own & _training_packages(ruleset))
    return [
        finding
        for finding in findings
        if not _about_own_package(finding, own) and not (library and finding.rule_id in TRAINING_RULES)
    ]
