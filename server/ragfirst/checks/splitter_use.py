"""Is a text splitter chunking for retrieval, or only trimming text to a length?

`CharacterTextSplitter(chunk_size=n, chunk_overlap=0)` followed by `split_text(x)[0]` keeps
the first `n` tokens of `x` and throws the rest away: a truncation (an LLM's context
budget), where overlap means nothing. RF303's "no overlap" advice is about chunks that are
embedded and retrieved, so a splitter whose every result is only read at `[0]` is not
reported (kotaemon trims its ReAct and ReWOO evidence this way).

The question is answered from the file's syntax tree, the analysis's own while the rules
match (FileFacts.tree; a file that parsed only in parts is parsed again here), for the
files that build a splitter. Anything this module does not understand (the splitter passed
to a pipeline, stored, returned, its chunks iterated) counts as chunking: the finding stays.
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
    """One file's splitters, asked about one by one (on the analysis's syntax tree, or the
    file parsed once, on demand)."""

    def __init__(self, text: str, tree: ast.Module | None = None) -> None:
        """`tree`: the file's syntax tree, when the analysis kept it (FileFacts.tree)."""
        self.text = text
        self.tree = tree
        self._uses: _Uses | None = None
        self._parsed = False

    def only_first_chunk(self, line: int, col: int) -> bool:
        """True when the splitter built by the call at (line, 0-based col) is used only to
        keep the first chunk of what it splits."""
        if not self._parsed:
            self._parse()
        if self._uses is None:
            return False
        built = self._uses.parents.call_at(line, col)
        return built is not None and self._uses.only_first(built)

    def _parse(self) -> None:
        self._parsed = True
        tree = self.tree
        if tree is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = parse_python_text(self.text, "<splitter>")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return  # a broken file: its splitters keep their findings
        self._uses = _Uses(tree, _Parents(tree))


class _Parents:
    """Each node's parent, indexed a top-level statement at a time: the statement a
    splitter is built in holds the nodes asked about (its function, its class), and
    indexing the whole tree of a large module cost more than the rest of RF303's check.
    The whole tree is indexed at the first node asked about outside those statements."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: dict[tuple[int, int], ast.Call] = {}
        self.whole = False
        self._indexed: set[int] = set()  # top-level statements, by position

    def call_at(self, line: int, col: int) -> ast.Call | None:
        """The call that starts at (line, col) (`X(...).split_text(t)` starts where `X(...)`
        does: the inner one)."""
        for position, statement in enumerate(self.tree.body):
            first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
            if first <= line <= (statement.end_lineno or statement.lineno):
                if position not in self._indexed:
                    self._indexed.add(position)
                    self.parents[statement] = self.tree
                    self._index(statement)
                break
        found = self.calls.get((line, col))
        if found is None and not self.whole:
            self._index_whole()
            found = self.calls.get((line, col))
        return found

    def get(self, node: ast.AST) -> ast.AST | None:
        found = self.parents.get(node)
        if found is None and not self.whole and node is not self.tree:
            self._index_whole()
            found = self.parents.get(node)
        return found

    def _index_whole(self) -> None:
        self.whole = True
        self._index(self.tree)

    def _index(self, top: ast.AST) -> None:
        for node in ast.walk(top):  # breadth first: of two calls at one place, the inner last
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, ast.Call):
                self.calls[(node.lineno, node.col_offset)] = node


class _Uses:
    def __init__(self, tree: ast.Module, parents: _Parents) -> None:
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
