"""Python edits through libcst: find the node a finding points at, change it, and turn
the change into a TextEdit over that node's range only, so every comment, quote and space
elsewhere stays as written.

A finding's span for a call covers the callee (`client.chat.completions.create`), so the
call is the `Call` whose callee has exactly that range.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ragfirst.fixes.python_regions import Region, ast_of, statement_region
from ragfirst.fixes.text_edits import EditError, line_starts, offset, span_of
from ragfirst.model import Span, TextEdit


@dataclass(frozen=True, slots=True)
class PythonCall:
    module: cst.Module
    call: cst.Call
    positions: dict[cst.CSTNode, CodeRange]
    source: str = ""  # the text `module` was parsed from
    region: Region | None = None

    def span(self, node: cst.CSTNode) -> Span:
        where = self.positions[node]
        return self.file_span(Span(where.start.line, where.start.column, where.end.line, where.end.column))

    def file_span(self, span: Span) -> Span:
        if self.region is None:
            return span
        return Span(
            *self.region.to_file(span.start_line, span.start_col),
            *self.region.to_file(span.end_line, span.end_col),
        )

    def file_edit(self, edit: TextEdit) -> TextEdit:
        if self.region is None:
            return edit
        return TextEdit(self.file_span(edit.span), edit.new_text.replace("\n", "\n" + self.region.indent))

    def keyword(self, name: str) -> cst.Arg | None:
        for arg in self.call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg
        return None

    @property
    def star_kwargs(self) -> bool:
        return any(arg.star == "**" for arg in self.call.args)


def parse_module(text: str) -> tuple[cst.Module, dict[cst.CSTNode, CodeRange]] | None:
    try:
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return wrapper.module, dict(wrapper.resolve(PositionProvider))


def call_at(text: str, span: Span) -> PythonCall | None:
    """The call whose callee covers `span` (a call finding's range), or None; parsed from
    its statement alone when it has one of its own."""
    local = call_in_statement(text, span)
    return local if local is not None else _call_in(text, span, None)


@lru_cache(maxsize=8)
def call_in_statement(text: str, span: Span) -> PythonCall | None:
    """`call_at` when the call is found in its statement parsed alone (then what is made
    of it depends on that statement and where it stands only: python_regions.py), else
    None. Remembered for the last few: the fix cache asks again, after the fix, whether it
    was computed so (fix_cache.py), and libcst need not parse the statement twice."""
    found = statement_region(text, span.start_line, span.end_line)
    if found is None:
        return None
    source, region = found
    start = region.from_file(span.start_line, span.start_col)
    end = region.from_file(span.end_line, span.end_col)
    if start is None or end is None:
        return None
    return _call_in(source, Span(*start, *end), region)


def _call_in(text: str, span: Span, region: Region | None) -> PythonCall | None:
    parsed = parse_module(text)
    if parsed is None:
        return None
    module, positions = parsed
    for node, where in positions.items():
        if not isinstance(node, cst.Call):
            continue
        if (where.start.line, where.start.column) != (span.start_line, span.start_col):
            continue
        func = positions.get(node.func)
        if func is not None and (func.end.line, func.end.column) == (span.end_line, span.end_col):
            return PythonCall(module, node, positions, text, region)
    return None


def add_keyword(call: PythonCall, text: str, name: str, value_code: str) -> TextEdit | None:
    """Append `name=value` to the call, in the style of its last argument: a multi-line call
    gets the new argument on its own line at the same indent, a trailing comma stays
    trailing, and a comment after the last argument stays with that argument."""
    args = list(call.call.args)
    new = cst.Arg(value=cst.parse_expression(value_code), keyword=cst.Name(name), equal=_EQUAL)
    if not args:
        return node_edit(call, text, call.call, call.call.with_changes(args=[new]))
    last = args[-1]
    trailing_comma = isinstance(last.comma, cst.Comma)
    after = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
    if isinstance(after, cst.ParenthesizedWhitespace):  # one argument per line
        indent = _argument_indent(call, args)
        if indent is None:
            return None
        before = (
            last.comma.whitespace_before if isinstance(last.comma, cst.Comma) else cst.SimpleWhitespace("")
        )
        last = last.with_changes(
            comma=cst.Comma(whitespace_before=before, whitespace_after=after.with_changes(last_line=indent)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        closing = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        if trailing_comma:
            new = new.with_changes(comma=cst.Comma(whitespace_after=closing))
        else:
            new = new.with_changes(whitespace_after_arg=closing)
    else:
        between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        new = new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        last = last.with_changes(comma=between, whitespace_after_arg=cst.SimpleWhitespace(""))
    return node_edit(call, text, call.call, call.call.with_changes(args=[*args[:-1], last, new]))


def _argument_indent(call: PythonCall, args: list[cst.Arg]) -> cst.SimpleWhitespace | None:
    """The whitespace before the last argument (what the new one gets on its own line)."""
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        ws = args[-2].comma.whitespace_after
    else:
        ws = call.call.whitespace_before_args
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.last_line
    return None


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def node_edit(call: PythonCall, text: str, old: cst.CSTNode, new: cst.CSTNode) -> TextEdit | None:
    """The smallest TextEdit turning `old` (a node of the parsed text) into `new`: the module
    rendered with the replacement, minus what it shares with the text at both ends (a node
    alone renders without its block's indentation, so the whole module is rendered)."""
    text = call.source or text
    old_code = call.module.code
    if old_code != text:
        return None  # libcst would not give back this text: no guess
    new_code = call.module.deep_replace(old, new).code
    where = call.positions[old]
    starts = line_starts(text)
    try:
        begin = offset(text, starts, where.start.line, where.start.column)
        end = offset(text, starts, where.end.line, where.end.column)
    except EditError:
        return None
    prefix = 0
    limit = min(len(old_code), len(new_code), begin + (end - begin) + len(new_code))
    while prefix < limit and old_code[prefix] == new_code[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old_code), len(new_code)) - prefix and old_code[-1 - suffix] == new_code[-1 - suffix]
    ):
        suffix += 1
    edit = TextEdit(span_of(text, prefix, len(old_code) - suffix), new_code[prefix : len(new_code) - suffix])
    return call.file_edit(edit)


def rename_keyword(call: PythonCall, old: str, new: str) -> TextEdit | None:
    arg = call.keyword(old)
    if arg is None or arg.keyword is None:
        return None
    return TextEdit(call.span(arg.keyword), new)


def replace_value(call: PythonCall, name: str, value_code: str) -> TextEdit | None:
    arg = call.keyword(name)
    if arg is None:
        return None
    return TextEdit(call.span(arg.value), value_code)


def python_parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def parse_positions(text: str, line: int) -> PythonCall | None:
    """The statement holding `line` (else the whole module) parsed with positions, wrapped
    like a call: `span` gives file positions."""
    found = statement_region(text, line, line)
    source, region = found if found is not None else (text, None)
    parsed = parse_module(source)
    if parsed is None:
        return None
    module, positions = parsed
    return PythonCall(module, cst.Call(func=cst.Name("_")), positions, source, region)


def string_covering(parsed: PythonCall, span: Span) -> cst.BaseString | None:
    """The smallest string literal whose range contains `span` (file positions)."""
    best: cst.BaseString | None = None
    best_size = None
    for node in parsed.positions:
        if not isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            continue
        where = parsed.span(node)
        start = (where.start_line, where.start_col)
        end = (where.end_line, where.end_col)
        if start <= (span.start_line, span.start_col) and (span.end_line, span.end_col) <= end:
            size = (end[0] - start[0], end[1] - start[1])
            if best_size is None or size < best_size:
                best, best_size = node, size
    return best


def strings_on_line(parsed: PythonCall, line: int, value: str) -> list[cst.SimpleString]:
    """String literals starting on file line `line` whose value is `value` (a model name)."""
    found = []
    for node in parsed.positions:
        if isinstance(node, cst.SimpleString) and parsed.span(node).start_line == line:
            try:
                if node.evaluated_value == value:
                    found.append(node)
            except (ValueError, SyntaxError):
                continue
    return found


def calls_on_line(parsed: PythonCall, line: int) -> list[PythonCall]:
    return [
        PythonCall(parsed.module, node, parsed.positions, parsed.source, parsed.region)
        for node in parsed.positions
        if isinstance(node, cst.Call) and parsed.span(node).start_line == line
    ]


def import_edit(text: str, module_name: str) -> TextEdit | None:
    """`import <module_name>` after the module's docstring and `__future__` imports (and
    any shebang or encoding line), unless the module is imported already (then None)."""
    tree = ast_of(text)
    if tree is None:
        return None
    line = 1
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while line <= min(2, len(lines)) and (lines[line - 1].startswith("#!") or _CODING.match(lines[line - 1])):
        line += 1
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import) and any(
            a.name == module_name and a.asname is None for a in node.names
        ):
            return None
        docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            line = (node.end_lineno or node.lineno) + 1
    return TextEdit(Span(line, 0, line, 0), f"import {module_name}\n")


_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=]")
