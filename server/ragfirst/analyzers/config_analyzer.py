"""Config files: YAML, JSON, TOML, .env, INI and requirements files, with positions.

Each becomes a flat list of `ConfigEntry` (key path, value, the key's span) so config
matchers can say "this key, with this value" and diagnostics land on the exact key.
Manifests additionally yield `DependencyFact`s (see manifests.py). A broken file raises
AnalysisError at the position of the problem (one RF000), never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ragfirst.analyzers.errors import AnalysisError
from ragfirst.analyzers.facts import CommentFact, ConfigEntry, FileFacts
from ragfirst.analyzers.json_positions import parse_json
from ragfirst.analyzers.jsonc import blank_comments, is_json_lines, is_jsonc, is_jsonc_by_content
from ragfirst.analyzers.manifests import extract_dependencies
from ragfirst.analyzers.templated_yaml import detemplate, is_templated
from ragfirst.model import Span
from ragfirst.positioned_yaml import YamlError, load_positioned_documents
from ragfirst.source import SourceText

Path = tuple[str | int, ...]


def _flatten(
    value: Any, path: Path, position: Any, entries: list[ConfigEntry], ancestors: set[int], budget: list[int]
) -> None:
    """Every key and list item, aliases included under each path that reaches them
    (`<<: *defaults`); a recursive alias stops at itself, and the entry budget bounds
    alias bombs."""
    budget[0] -= 1
    if budget[0] < 0:
        return
    line, col = position(path)
    entries.append(ConfigEntry(path, value, Span(line, col, line, col)))
    if isinstance(value, (dict, list)) and id(value) not in ancestors:
        ancestors.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            if isinstance(key, (str, int)):
                _flatten(child, (*path, key), position, entries, ancestors, budget)
        ancestors.discard(id(value))


MAX_ENTRIES = 200_000


def _entries(data: Any, position: Any, source: SourceText | None = None) -> list[ConfigEntry]:
    entries: list[ConfigEntry] = []
    _flatten(data, (), position, entries, set(), [MAX_ENTRIES])
    entries = entries[1:]  # the root itself is not a key
    if source is not None:
        for entry in entries:
            _cover_key(entry, source)
    return entries


def _cover_key(entry: ConfigEntry, source: SourceText) -> None:
    """Widen the entry's point to its key as written (`model_list`, `"api_key"`), so a
    finding on it underlines the key in every format; a point stays a point where the
    text there is not the key (list items, dotted TOML keys, aliases)."""
    key = entry.path[-1] if entry.path else None
    if not isinstance(key, str) or not key:
        return
    span = entry.span
    line = source.line(span.start_line)  # never sliced: a minified JSON is one long line
    for written in (key, f'"{key}"', f"'{key}'"):
        if line.startswith(written, span.start_col):
            entry.span = Span(span.start_line, span.start_col, span.start_line, span.start_col + len(written))
            return


def hash_comments(source: SourceText) -> list[CommentFact]:
    """`#` comments of line-oriented formats (a `#` inside quotes is not one)."""
    comments = []
    for number, line in enumerate(source.lines, 1):
        if "#" not in line:
            continue
        quote: str | None = None
        for index, char in enumerate(line):
            if quote:
                if char == quote:
                    quote = None
            elif char in "'\"":
                quote = char
            elif char == "#" and (index == 0 or line[index - 1] in " \t"):
                comments.append(
                    CommentFact(number, index, line[index + 1 :].strip(), not line[:index].strip())
                )
                break
    return comments


_YAML_ONLY_LINE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


MAX_CONFIG_BYTES = 1024 * 1024
"""A JSON or YAML file larger than this is data (an OpenAPI schema, saved retrieval
results, a dataset dump), not a config anyone writes by hand: it is not analysed. A
2.8 MB OpenAPI schema took 7-11 s to read as config and could only produce noise."""


def _is_data(source: SourceText) -> bool:
    return len(source.text) > MAX_CONFIG_BYTES  # characters: at most as many as bytes


def analyze_yaml(source: SourceText, path: str) -> FileFacts:
    facts = FileFacts(language="config", config_kind="yaml")
    if _is_data(source):
        return facts
    try:
        # PyYAML counts NEL, U+2028 and U+2029 as line breaks; editors do not. Spaces of the
        # same length keep every other position where the editor sees it.
        documents = load_positioned_documents(
            source.text.translate(_YAML_ONLY_LINE_BREAKS), unknown_tags=True
        )
    except YamlError as exc:
        if not is_templated(source.text):
            raise AnalysisError(exc.message, exc.line, exc.col) from None
        # A Helm or Jinja template: not YAML until rendered. Read what can be read.
        try:
            documents = load_positioned_documents(
                detemplate(source.text).translate(_YAML_ONLY_LINE_BREAKS), unknown_tags=True
            )
        except YamlError:
            return facts
    for number, document in enumerate(documents):

        def position(p: Path, document=document) -> tuple[int, int]:
            line, col = document.position(p)
            return line, col

        for entry in _entries(document.data, position, source):
            entry.document = number
            facts.entries.append(entry)
    facts.comments = hash_comments(source)
    facts.dependencies = extract_dependencies(path, facts.entries, source)
    return facts


def analyze_json(source: SourceText, path: str) -> FileFacts:
    facts = FileFacts(language="config", config_kind="json")
    if not source.text.strip() or _is_data(source):
        return facts
    jsonc = is_jsonc(path) or is_jsonc_by_content(source.text)
    text = blank_comments(source.text) if jsonc else source.text
    try:
        data, doc = parse_json(text)
    except AnalysisError:
        if jsonc or not is_json_lines(source.text):
            raise
        return facts  # records of a dataset, not a config

    def position(p: Path) -> tuple[int, int]:
        offset = doc.keys.get(p, doc.values.get(p, 0))
        return doc.line_col(offset)

    facts.entries = _entries(data, position, source)
    facts.dependencies = extract_dependencies(path, facts.entries, source)
    return facts


_TOML_ERROR_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)
_TOML_STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*')""")


def _toml_key_parts(text: str) -> list[str]:
    parts = re.findall(r""""[^"]*"|'[^']*'|[A-Za-z0-9_\-]+""", text)
    return [part.strip("\"'") for part in parts]


def _array_strings(line: str, start: int, depth: int) -> tuple[list[int], int]:
    """Columns of top-level string items in `line[start:]`, and the bracket depth after it.
    Strings and comments are respected: `"trl[peft]"` does not close the array."""
    columns: list[int] = []
    index = start
    while index < len(line):
        char = line[index]
        if char == "#":
            break
        if char in "\"'":
            end = index + 1
            while end < len(line) and line[end] != char:
                end += 2 if line[end] == "\\" and char == '"' else 1
            if depth == 1:
                columns.append(index)
            index = end + 1
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return columns, 0
        index += 1
    return columns, depth


def toml_positions(text: str) -> dict[Path, tuple[int, int]]:
    """Line/column of each key (tomllib keeps none): tables, dotted keys, array items."""
    positions: dict[Path, tuple[int, int]] = {}
    table: Path = ()
    array_counts: dict[Path, int] = {}
    open_array: Path | None = None
    array_index = 0
    depth = 0
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        stripped = line.strip()
        if open_array is not None:
            columns, depth = _array_strings(line, 0, depth)
            for column in columns:
                positions[(*open_array, array_index)] = (number, column)
                array_index += 1
            if depth == 0:
                open_array = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        header = _TOML_HEADER.match(line)
        if header:
            parts = tuple(_toml_key_parts(header.group(2)))
            if header.group(1) == "[[":
                index = array_counts.get(parts, 0)
                array_counts[parts] = index + 1
                table = (*parts, index)
            else:
                table = parts
            positions.setdefault(table, (number, line.index("[")))
            continue
        key = _TOML_KEY.match(line)
        if key:
            path = (*table, *_toml_key_parts(key.group(1)))
            positions[path] = (number, len(line) - len(line.lstrip()))
            after = line[key.end() :]
            rest_start = key.end() + len(after) - len(after.lstrip())
            if line[rest_start : rest_start + 1] == "[":
                columns, depth = _array_strings(line, rest_start + 1, 1)
                for array_index, column in enumerate(columns):
                    positions[(*path, array_index)] = (number, column)
                array_index = len(columns)
                if depth > 0:
                    open_array = path  # the items continue on the next lines
    return positions


def analyze_toml(source: SourceText, path: str) -> FileFacts:
    facts = FileFacts(language="config", config_kind="toml")
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_ERROR_POSITION.search(message)
        if found:
            line, col = int(found.group(1)), int(found.group(2)) - 1
        elif "end of document" in message:
            line, col = len(source.lines), len(source.lines[-1])
        else:
            line, col = 1, 0
        reason = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)", "", message).strip()
        raise AnalysisError(f"invalid TOML: {reason}", line, col) from None
    positions = toml_positions(source.text)

    def position(p: Path) -> tuple[int, int]:
        probe = p
        while probe and probe not in positions:
            probe = probe[:-1]
        return positions.get(probe, (1, 0))

    facts.entries = _entries(data, position, source)
    facts.comments = hash_comments(source)
    facts.dependencies = extract_dependencies(path, facts.entries, source)
    return facts


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


def analyze_dotenv(source: SourceText, path: str) -> FileFacts:
    facts = FileFacts(language="config", config_kind="dotenv")
    for number, line in enumerate(source.lines, 1):
        match = _ENV_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        raw = match.group(2).strip()
        quote = raw[:1]
        if quote in ("'", '"') and quote in raw[1:]:
            value = raw[1 : raw.index(quote, 1)]
        else:
            value = raw.split(" #", 1)[0].strip()
        col = match.start(1)
        facts.entries.append(
            ConfigEntry((match.group(1),), value, Span(number, col, number, col + len(match.group(1))))
        )
    facts.comments = hash_comments(source)
    return facts


_INI_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_INI_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")


def analyze_ini(source: SourceText, path: str) -> FileFacts:
    """INI-style files (setup.cfg, tox.ini, *.cfg): sections, keys, continuation lines."""
    facts = FileFacts(language="config", config_kind="ini")
    section = ""
    current: ConfigEntry | None = None
    for number, line in enumerate(source.lines, 1):
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        header = _INI_SECTION.match(line)
        if header:
            section, current = header.group(1).strip(), None
            continue
        if line[:1] in " \t" and current is not None:
            item = line.strip()
            if not isinstance(current.value, list):  # the first continuation line
                current.value = [current.value] if current.value else []
            current.value.append(item)  # in place: long sections stay linear
            indent = len(line) - len(line.lstrip())
            facts.entries.append(
                ConfigEntry(
                    (*current.path, len(current.value) - 1), item, Span(number, indent, number, len(line))
                )
            )
            continue
        key = _INI_KEY.match(line)
        if key:
            current = ConfigEntry(
                (section, key.group(1)), key.group(2).strip(), Span(number, 0, number, len(key.group(1)))
            )
            facts.entries.append(current)
    facts.comments = hash_comments(source)
    facts.dependencies = extract_dependencies(path, facts.entries, source)
    return facts


def analyze_requirements(source: SourceText, path: str) -> FileFacts:
    facts = FileFacts(language="config", config_kind="requirements")
    facts.comments = hash_comments(source)
    facts.dependencies = extract_dependencies(path, facts.entries, source)
    return facts
