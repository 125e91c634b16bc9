"""SQL migrations: pgvector columns as facts.

`CREATE TABLE docs (embedding vector(1536))` becomes a call fact `sql.vector` with the
dimension as its first argument and `table` / `column` as literal keyword arguments, so
rule and fact matchers written for Python calls work on SQL unchanged:

    match:
      sql:
        - call: sql.vector
          args: [{position: 0, gt: 2000}]

Types: `vector(N)`, `halfvec(N)`, `sparsevec(N)` -> `sql.vector`, `sql.halfvec`, `sql.sparsevec`
(schema-qualified spellings such as `extensions.vector(1536)` too). Columns added with
`ALTER TABLE ... ADD [COLUMN]` and retyped with `ALTER COLUMN ... TYPE` count; a `vector(N)` parameter of `CREATE FUNCTION`
carries `function=` instead of `table=`; casts (`::vector(3)`) are not columns.

This is a scanner, not a SQL parser: comments, string literals and dollar-quoted bodies
are blanked out first (positions kept), then statements are split at top-level `;`.
`-- ragfirst: ignore[...]` comments are collected for suppressions.
"""

from __future__ import annotations

import re

from ragfirst.analyzers.facts import ArgFact, CallFact, CommentFact, FileFacts
from ragfirst.model import Span
from ragfirst.source import SourceText

VECTOR_TYPES = ("vector", "halfvec", "sparsevec")
# Bounded identifiers (Postgres truncates names at 63 bytes): no regex here can backtrack
# over a hostile file.
_IDENT = r'(?:"[^"\n]{1,128}"|[A-Za-z_][A-Za-z0-9_$]{0,127})'
_QUALIFIED = rf"{_IDENT}(?:[ \t]*\.[ \t]*{_IDENT}){{0,3}}"
_TYPE = re.compile(
    r"\b(?P<type>vector|halfvec|sparsevec)[ \t]*\([ \t]*(?P<dim>\d{1,6})[ \t]*\)", re.IGNORECASE
)
_SCHEMA_SUFFIX = re.compile(rf"{_IDENT}[ \t]*\.[ \t]*$")
_COLUMN_SUFFIX = re.compile(rf"(?P<column>{_IDENT})\s+$")
_LOOK_BACK = 400  # characters before a type searched for its column name
_CREATE_TABLE = re.compile(
    rf"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+"
    rf"(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_QUALIFIED})",
    re.IGNORECASE,
)
_ALTER_TABLE = re.compile(
    rf"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<name>{_QUALIFIED})", re.IGNORECASE
)
_CREATE_FUNCTION = re.compile(
    rf"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+(?P<name>{_QUALIFIED})", re.IGNORECASE
)
_RETYPED = re.compile(rf"ALTER\s+(?:COLUMN\s+)?(?P<column>{_IDENT})(?:\s+SET\s+DATA)?\s+$", re.IGNORECASE)
_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]{0,63}\$")
_NOT_A_COLUMN = frozenset(
    {"add", "column", "alter", "type", "set", "data", "returns", "as", "table", "constraint", "using"}
)


def unquote(identifier: str) -> str:
    """`"Docs"` -> `Docs`; unquoted identifiers fold to lower case (as Postgres does);
    `public.docs` -> `docs` (the schema does not name the table)."""
    parts = re.findall(_IDENT, identifier)
    last = parts[-1] if parts else identifier
    if last.startswith('"'):
        return last[1:-1].replace('""', '"')
    return last.lower()


def blank_out(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace comments, string literals and dollar-quoted bodies with spaces (newlines
    kept, so offsets and line numbers stay valid). Returns the text and the `--` comments
    as (offset, text-after-marker)."""
    out = list(text)
    comments: list[tuple[int, str]] = []
    index = 0
    length = len(text)

    def blank(start: int, end: int) -> None:
        for position in range(start, min(end, length)):
            if out[position] not in "\r\n":
                out[position] = " "

    while index < length:
        char = text[index]
        if char == "-" and text.startswith("--", index):
            end = text.find("\n", index)
            end = length if end == -1 else end
            comments.append((index, text[index + 2 : end]))
            blank(index, end)
            index = end
        elif char == "/" and text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end == -1 else end + 2
            blank(index, end)
            index = end
        elif char == "'":
            end = index + 1
            while end < length:
                if text[end] == "'" and text.startswith("''", end):
                    end += 2
                    continue
                if text[end] == "'":
                    break
                end += 1
            blank(index, end + 1)
            index = end + 1
        elif char == "$":
            match = _DOLLAR_TAG.match(text, index)
            if match:
                tag = match.group(0)
                end = text.find(tag, index + len(tag))
                end = length if end == -1 else end + len(tag)
                # A function body is code too, but its vector(N) are parameters or locals
                # of the body: blank it (the signature outside it still counts).
                blank(index, end)
                index = end
            else:
                index += 1
        else:
            index += 1
    return "".join(out), comments


def _statements(text: str) -> list[tuple[int, str]]:
    """Top-level `;`-separated statements with their start offsets."""
    result = []
    start = 0
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            result.append((start, text[start:index]))
            start = index + 1
    if text[start:].strip():
        result.append((start, text[start:]))
    return result


class _Positions:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def at(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - self.starts[low]


def vector_columns(text: str) -> list[tuple[int, int, str, int, dict[str, str]]]:
    """(start, end, type, dimension, {table|function, column}) for each vector column."""
    cleaned, _ = blank_out(text)
    return _vector_columns(cleaned)


def _vector_columns(cleaned: str) -> list[tuple[int, int, str, int, dict[str, str]]]:
    found = []
    for offset, statement in _statements(cleaned):
        if not _TYPE.search(statement):
            continue
        table = _CREATE_TABLE.match(statement) or _ALTER_TABLE.match(statement)
        function = None if table else _CREATE_FUNCTION.match(statement)
        if not (table or function):
            continue
        for match in _TYPE.finditer(statement):
            before = statement[max(0, match.start() - _LOOK_BACK) : match.start()]
            schema = _SCHEMA_SUFFIX.search(before)  # `extensions.vector(1536)`
            if schema:
                before = before[: schema.start()]
            if before.rstrip().endswith("::"):
                continue  # a cast, not a column
            named = _COLUMN_SUFFIX.search(before)
            if named is None:
                continue
            column = named.group("column")
            if column.lower() == "type":  # ALTER COLUMN embedding [SET DATA] TYPE vector(N)
                retyped = _RETYPED.search(before[: named.start()])
                if retyped is None:
                    continue
                column = retyped.group("column")
            elif column.lower() in _NOT_A_COLUMN:
                continue
            names: dict[str, str] = {"column": unquote(column)}
            if table:
                names["table"] = unquote(table.group("name"))
            elif function:
                names["function"] = unquote(function.group("name"))
            type_start = offset + match.start("type")
            type_end = offset + match.end()
            found.append((type_start, type_end, match.group("type").lower(), int(match.group("dim")), names))
    return found


def analyze_sql(source: SourceText, filename: str) -> FileFacts:
    facts = FileFacts(language="sql")
    text = source.text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, comments = blank_out(text)
    positions = _Positions(text)
    for start, end, type_name, dimension, names in _vector_columns(cleaned):
        line, col = positions.at(start)
        end_line, end_col = positions.at(end)
        type_end_line, type_end_col = positions.at(start + len(type_name))
        dim_offset = text.find(str(dimension), start)
        dim_line, dim_col = positions.at(dim_offset)
        scope = names.get("table") or names.get("function") or "<module>"
        facts.calls.append(
            CallFact(
                index=len(facts.calls),
                qualname=f"sql.{type_name}",
                tail=type_name,
                span=Span(line, col, type_end_line, type_end_col),
                full_span=Span(line, col, end_line, end_col),
                args=[ArgFact(Span(dim_line, dim_col, dim_line, dim_col + len(str(dimension))), dimension)],
                kwargs={
                    key: ArgFact(Span(line, col, end_line, end_col), value) for key, value in names.items()
                },
                scope=scope,
            )
        )
    for offset, comment in comments:
        line, col = positions.at(offset)
        own_line = not text[positions.starts[line - 1] : offset].strip()
        facts.comments.append(CommentFact(line, col, comment.strip(), own_line))
    return facts
