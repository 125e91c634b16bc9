"""A notebook as one Python module: its code cells in order, plus a map back to cells.

Cells run top to bottom in one namespace, so a client made in cell 2 is the same client in
cell 5: the code cells are parsed one by one (a cell with a syntax error costs only itself)
and their statements joined into one module for the Python analyzer. Every line of that
module is a line of some cell, unchanged in its columns (ipython_syntax rewrites IPython
lines in place), so positions map back with a table, never a search.

Lines after the code stand for other places of the notebook (the printed output that shows
a key, a cell that could not be read): the checks see them in the "display" text (RF404
scans printouts) but they are never parsed.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

from ragfirst.analyzers.errors import AnalysisError
from ragfirst.analyzers.ipython_syntax import Install, rewrite_cell
from ragfirst.analyzers.newer_fstrings import parse_python_text
from ragfirst.analyzers.notebook_json import FilePos, Notebook, PrintedOutput
from ragfirst.data.secrets import find_secrets
from ragfirst.model import Span

_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # characters JSON writes as two or more


@dataclass(frozen=True, slots=True)
class LinePlace:
    """Where one line of the joined module is: a cell and its line (1-based), the file
    line and column where the line's text starts in the .ipynb, the columns of characters
    that JSON writes as two characters (`"`, `\\`, tab), and whether it is printed output."""

    cell: int
    cell_line: int
    file_line: int
    file_col: int
    escapes: tuple[int, ...] = ()
    output: bool = False
    exact: int = -1  # columns past this lie in another JSON string (-1: none do)

    def file_column(self, col: int) -> int:
        if 0 <= self.exact < col:
            return self.file_col  # in a later list item: the line's start stands for it
        return self.file_col + col + sum(1 for escape in self.escapes if escape < col)


@dataclass(slots=True)
class CellMap:
    """Line i (1-based) of the joined module is `lines[i - 1]`."""

    lines: list[LinePlace] = field(default_factory=list)

    def dump(self) -> list[list[object]]:
        return [
            [p.cell, p.cell_line, p.file_line, p.file_col, list(p.escapes), p.output, p.exact]
            for p in self.lines
        ]

    @classmethod
    def load(cls, rows: list[list[object]]) -> CellMap:
        return cls(
            [
                LinePlace(
                    int(c), int(cl), int(fl), int(fc), tuple(int(e) for e in esc), bool(out), int(exact)
                )  # type: ignore[call-overload]
                for c, cl, fl, fc, esc, out, exact in rows
            ]
        )

    def place(self, span: Span) -> tuple[int, Span, Span, bool] | None:
        """(cell, span in the cell, span in the file, is output) for a module span."""
        if not 1 <= span.start_line <= len(self.lines):
            return None
        start = self.lines[span.start_line - 1]
        end = self.lines[min(max(span.end_line, span.start_line), len(self.lines)) - 1]
        if start.output:
            begin = start.file_column(span.start_col)
            point = Span(start.file_line, begin, start.file_line, max(begin, start.file_column(span.end_col)))
            return start.cell, Span.point(1, 0), point, True
        if end.cell != start.cell or end.output:
            end, end_col = start, span.start_col
        else:
            end_col = span.end_col
        in_cell = Span(start.cell_line, span.start_col, end.cell_line, end_col)
        first = (start.file_line, start.file_column(span.start_col))
        last = (end.file_line, end.file_column(end_col))
        if last < first:  # the end lies in a later list item of a split line: a point
            last = first
        return start.cell, in_cell, Span(*first, *last), False


@dataclass(slots=True)
class NotebookModule:
    code: list[str]  # the joined module, IPython rewritten (blank for non-Python cells)
    display: list[str]  # the same lines as the user wrote them, then output/problem lines
    cell_map: CellMap
    python_cells: list[tuple[int, int, int]]  # (cell number, first module line, line count)
    installs: list[tuple[Install, int]]  # each with its module line
    problems: list[tuple[int, AnalysisError]]  # module line of each unreadable cell


def build_module(notebook: Notebook) -> NotebookModule:
    module = NotebookModule([], [], CellMap(), [], [], [])
    python_kernel = notebook.language in ("python", "python3", "ipython", "")
    outputs: list[tuple[int, PrintedOutput]] = []
    for cell in notebook.cells:
        if cell.kind != "code":
            continue  # markdown and raw cells are never code
        first = len(module.code) + 1
        rewritten = rewrite_cell(cell.source.lines)
        for index, (line, place) in enumerate(zip(cell.source.lines, cell.source.places, strict=True)):
            module.display.append(line)
            module.code.append(rewritten.lines[index] if python_kernel and rewritten.is_python else "")
            exact = cell.source.spans[index] if index < len(cell.source.spans) else -1
            module.cell_map.lines.append(_place(cell.number, index + 1, place, line, exact=exact))
        if python_kernel:
            module.installs.extend((install, first + install.line - 1) for install in rewritten.installs)
            if rewritten.is_python:
                module.python_cells.append((cell.number, first, len(cell.source.lines)))
        outputs.extend((cell.number, output) for output in cell.outputs)
    for number, output in outputs:
        if not find_secrets(output.text):
            continue  # printed text matters only where it shows a key (RF404)
        located = output.located()
        for index, (line, place) in enumerate(zip(located.lines, located.places, strict=True)):
            module.display.append(line)
            module.code.append("")
            exact = located.spans[index] if index < len(located.spans) else -1
            module.cell_map.lines.append(_place(number, 1, place, line, output=True, exact=exact))
    for number, problem in notebook.problems:
        module.display.append("")
        module.code.append("")
        module.cell_map.lines.append(LinePlace(number, 1, problem.line, problem.col))
        module.problems.append((len(module.code), problem))
    return module


def _place(
    cell: int, line_number: int, place: FilePos, text: str, output: bool = False, exact: int = -1
) -> LinePlace:
    escapes = tuple(match.start() for match in _JSON_ESCAPED.finditer(text))
    return LinePlace(cell, line_number, place.line, place.col, escapes, output, exact)


def parse_cells(module: NotebookModule) -> tuple[ast.Module, list[tuple[str, int, int]]]:
    """One module of every Python cell that parses, and (message, line, col) for each that
    does not (positions in the joined module). Top-level `await` is valid in a notebook."""
    body: list[ast.stmt] = []
    errors: list[tuple[str, int, int]] = []
    for number, first, count in module.python_cells:
        text = "\n".join(module.code[first - 1 : first - 1 + count])
        try:
            with warnings.catch_warnings():  # `"\d"` warns on stderr (3.12+): not ours to print
                warnings.simplefilter("ignore", SyntaxWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                tree = parse_python_text(text, f"<cell {number}>")
        except SyntaxError as exc:
            line = first + max((exc.lineno or 1) - 1, 0)
            errors.append((f"syntax error in cell {number}: {exc.msg}", line, max((exc.offset or 1) - 1, 0)))
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            errors.append((f"cell {number} cannot be parsed: {exc}", first, 0))
            continue
        ast.increment_lineno(tree, first - 1)
        body.extend(tree.body)
    return ast.Module(body=body, type_ignores=[]), errors
