"""Safe YAML loading that remembers where every key and value came from.

Used for rule packs (errors must name file:line:col) and later for YAML config files
(diagnostics must land on the exact key). Only the safe loader is ever used, so a
scanned repository cannot make ragfirst construct arbitrary Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# PyYAML, imported on the first parse: a warm run whose rule packs and tables come from
# the cache (rules/pack_cache.py) parses no YAML, and importing it costs ~10 ms.
yaml: Any = None


@lru_cache(maxsize=1)
def _loaders() -> tuple[Any, Any]:
    """(the safe loader, the tolerant one), PyYAML imported."""
    global yaml
    import yaml as module

    yaml = module
    try:  # the C loader is much faster where available; identical safety
        loader: Any = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        loader = yaml.SafeLoader

    class _TolerantLoader(loader):  # type: ignore[misc,valid-type]
        """The safe loader, reading unknown tags as plain data: config files of real
        projects (CloudFormation, lm-eval task files, mkdocs) use tags of their own tools."""

    _TolerantLoader.add_constructor(None, _plain_data)
    return loader, _TolerantLoader


def _plain_data(loader: Any, node: Any) -> Any:
    """A node with a tag the safe loader does not know (`!Ref`, `!include`, `!function`,
    `!!python/name:x.y`) read as the plain data it is written as: never constructed."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


MAX_EXPANSION = 100_000
"""Alias bombs ("billion laughs"): a document whose aliases expand it by more than this
many nodes beyond its own size (and more than tenfold) is refused. Large plain files pass."""

Path = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(slots=True)
class PositionedYaml:
    data: Any
    # path -> (line, col) of the value; ("key", path) entries give the key's own position
    values: dict[Path, tuple[int, int]]
    keys: dict[Path, tuple[int, int]]

    def position(self, path: Path) -> tuple[int, int]:
        """The closest known position for a path (walking up to the parent)."""
        probe = tuple(path)
        while probe:
            if probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 0))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column


def _too_expanded(node: yaml.Node) -> bool:
    memo: dict[int, int] = {}
    expanded = _expanded_size(node, memo)
    distinct = len(memo)
    return expanded > distinct * 10 and expanded - distinct > MAX_EXPANSION


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # break cycles (recursive aliases)
    total = 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += _expanded_size(item, memo)
    memo[key] = total
    return total


def load_positioned(text: str) -> PositionedYaml:
    """Parse one YAML document; raise YamlError with a 1-based line on any problem."""
    documents = load_positioned_documents(text)
    if not documents:
        return PositionedYaml(None, {(): (1, 0)}, {})
    if len(documents) > 1:
        line, _ = documents[1].values.get((), (1, 0))
        raise YamlError("expected one YAML document, found several (---)", line, 0)
    return documents[0]


def load_positioned_documents(text: str, unknown_tags: bool = False) -> list[PositionedYaml]:
    """Every document of a multi-document stream (`---`), each with its own positions.
    With `unknown_tags`, tags the safe loader does not know are read as plain data (config
    files); without, they are an error (rule packs: a typo must not pass silently)."""
    safe, tolerant = _loaders()
    loader = (tolerant if unknown_tags else safe)(text)
    documents: list[PositionedYaml] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if _too_expanded(node):
                line, col = _mark(node)
                raise YamlError("document expands to too many nodes (alias bomb?)", line, col)
            data = loader.construct_document(node)
            values: dict[Path, tuple[int, int]] = {}
            keys: dict[Path, tuple[int, int]] = {}
            _walk(node, (), values, keys, set())
            documents.append(PositionedYaml(data, values, keys))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column) if mark else (1, 0)
        raise YamlError(f"invalid YAML: {exc.problem or exc.context or 'syntax error'}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", 1, 0) from None
    except RecursionError:
        raise YamlError("YAML nested too deeply", 1, 0) from None
    finally:
        loader.dispose()
    return documents


def _walk(
    node: yaml.Node,
    path: Path,
    values: dict[Path, tuple[int, int]],
    keys: dict[Path, tuple[int, int]],
    seen: set[int],
) -> None:
    values[path] = _mark(node)
    if id(node) in seen:  # an alias: positions of the anchor are already recorded
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = (*path, key_node.value)
                keys[child] = _mark(key_node)
                _walk(value_node, child, values, keys, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), values, keys, seen)
