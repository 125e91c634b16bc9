"""Is a text splitter chunking for retrieval, or only trimming text to a length?

`CharacterTextSplitter(chunk_size=n, chunk_overlap=0)` followed by `split_text(x)[0]` keeps
the first `n` tokens of `x` and throws the rest away: a truncation (an LLM's context
budget), where overlap means nothing. RF303's "no overlap" advice is about chunks that are
embedded and retrieved, so a splitter whose every result is only read at `[0]` is not
reported (kotaemon trims its ReAct and ReWOO evidence this way).

The question is answered from the syntax tree of the file, and only when RF303 has a
problem to report (rare), so no other file pays for the parse. Anything this module does
not understand (the splitter passed to a pipeline, stored, returned, its chunks iterated)
counts as chunking: the finding stays.
"""

from __future__ import annotations

import ast
import warnings

from ragfirst.analyzers.newer_fstrings import parse_python_text

# What splitters are asked to split with (LangChain, LlamaIndex, Haystack, kotaemon's
# callable splitters: `splitter(docs)`).
_SPLIT_METHODS = frozenset(
    {
        "split_text",
        "split_documents",
        "create_documents",
        "transform_documents",
        "get_nodes_from_documents",
        "split",
        "run",
        "__call__",
    }
)


class SplitterUses:
    """One file's splitters, asked about one by one (the file is parsed once, on demand)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._uses: _Uses | None = None
        self._calls: dict[tuple[int, int], ast.Call] = {}
        self._parsed = False

    def only_first_chunk(self, line: int, col: int) -> bool:
        """True when the splitter built by the call at (line, 0-based col) is used only to
        keep the first chunk of what it splits."""
        if not self._parsed:
            self._parse()
        built = self._calls.get((line, col))
        return built is not None and self._uses is not None and self._uses.only_first(built)

    def _parse(self) -> None:
        self._parsed = True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = parse_python_text(self.text, "<splitter>")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # a broken file: its splitters keep their findings
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
            if isinstance(node, ast.Call):  # `X(...).split_text(t)` starts where `X(...)`
                self._calls[(node.lineno, node.col_offset)] = node  # does: the inner one wins
        self._uses = _Uses(tree, parents)


class _Uses:
    def __init__(self, tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> None:
        self.tree = tree
        self.parents = parents

    def only_first(self, built: ast.Call) -> bool:
        parent = self.parents.get(built)
        if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is built):
            return self._split_result_is_first_only(built)  # `Splitter(...).split_text(x)[0]`
        if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
            return False
        target = parent.targets[0]
        uses = self._loads_of(target, parent)
        return bool(uses) and all(self._split_result_is_first_only(use) for use in uses)

    def _loads_of(self, target: ast.expr, assign: ast.Assign) -> list[ast.expr]:
        """Every read of the splitter's name: in its function for a local, in its class for
        `self.name`; an empty list when it cannot tell (a global, a tuple target)."""
        if isinstance(target, ast.Name):
            scope = self._enclosing(assign, (ast.FunctionDef, ast.AsyncFunctionDef))
            if scope is None:
                return []
            return [
                n
                for n in ast.walk(scope)
                if isinstance(n, ast.Name) and n.id == target.id and isinstance(n.ctx, ast.Load)
            ]
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            scope = self._enclosing(assign, (ast.ClassDef,))
            if scope is None:
                return []
            return [
                n
                for n in ast.walk(scope)
                if isinstance(n, ast.Attribute)
                and n.attr == target.attr
                and isinstance(n.value, ast.Name)
                and n.value.id == "self"
                and isinstance(n.ctx, ast.Load)
            ]
        return []

    def _enclosing(self, node: ast.AST, kinds: tuple[type, ...]) -> ast.AST | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parents.get(current)
        return current

    def _split_result_is_first_only(self, splitter: ast.expr) -> bool:
        """`splitter.split_text(x)` or `splitter(x)`, whose result is read only at [0]."""
        parent = self.parents.get(splitter)
        if isinstance(parent, ast.Attribute) and parent.attr in _SPLIT_METHODS:
            call = self.parents.get(parent)
            if not isinstance(call, ast.Call) or call.func is not parent:
                return False
        elif isinstance(parent, ast.Call) and parent.func is splitter:
            call = parent
        else:
            return False  # passed on, stored, returned: it may chunk for an index
        return self._first_only(call)

    def _first_only(self, result: ast.expr) -> bool:
        parent = self.parents.get(result)
        if isinstance(parent, ast.Await):
            return self._first_only(parent)
        if isinstance(parent, ast.Subscript) and parent.value is result:
            return _is_first(parent.slice)
        if (
            isinstance(parent, ast.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
        ):
            name = parent.targets[0].id
            scope = self._enclosing(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module))
            reads = [
                n
                for n in ast.walk(scope or self.tree)
                if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
            ]
            return bool(reads) and all(self._read_at_first(n) for n in reads)
        return False

    def _read_at_first(self, name: ast.Name) -> bool:
        parent = self.parents.get(name)
        return isinstance(parent, ast.Subscript) and parent.value is name and _is_first(parent.slice)


def _is_first(index: ast.expr) -> bool:
    """`[0]` or `[:1]`."""
    if isinstance(index, ast.Constant):
        return index.value == 0 and not isinstance(index.value, bool)
    if isinstance(index, ast.Slice) and index.lower is None and index.step is None:
        upper = index.upper
        return isinstance(upper, ast.Constant) and upper.value == 1 and not isinstance(upper.value, bool)
    return False
