"""IPython syntax in a code cell, rewritten line for line into plain Python.

Each line stays one line and keeps its columns, so a position in the rewritten cell is the
same position in the cell the user sees. Only lines where a statement starts are rewritten
(never a line inside a string or an open bracket: a prompt whose line ends in `?` is text):
- `!cmd`, `%magic ...`, `obj?`, `??obj`: `pass` (a valid statement in any block);
- `%time expr` / `%timeit expr`: `if 1:` in place of the magic, so `expr` is still analysed;
- `x = !cmd` / `x = %sx cmd`: `x = None`;
- a cell magic whose body is Python (`%%time`, `%%capture`) blanks its first line; any other
  cell magic (`%%bash`, `%%writefile`, `%%html`) makes the whole cell not Python;
- a one-line cell calling a line magic without `%` (`pip install x`: IPython's automagic,
  which it applies to one-line cells only) and that is not Python: `pass`.
`pip install` in any of these forms (and in `%%bash` cells) is kept as an install.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "memit", "debug", "pypprof"})
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})
_TIMING_MAGICS = frozenset({"time", "timeit", "prun", "memit"})
# IPython's line magics (`%lsmagic`, IPython 8/9, plus the package managers): automagic
# runs them without `%` in a one-line cell.
LINE_MAGICS = frozenset(
    {
        "alias",
        "alias_magic",
        "autoawait",
        "autocall",
        "automagic",
        "bookmark",
        "cat",
        "cd",
        "clear",
        "colors",
        "conda",
        "config",
        "cp",
        "cpaste",
        "debug",
        "dhist",
        "dirs",
        "doctest_mode",
        "ed",
        "edit",
        "env",
        "gui",
        "hist",
        "history",
        "killbgscripts",
        "ldir",
        "less",
        "lf",
        "lk",
        "ll",
        "load",
        "load_ext",
        "loadpy",
        "logoff",
        "logon",
        "logstart",
        "logstate",
        "logstop",
        "ls",
        "lsmagic",
        "lx",
        "macro",
        "magic",
        "mamba",
        "man",
        "matplotlib",
        "micromamba",
        "mkdir",
        "more",
        "mv",
        "notebook",
        "page",
        "paste",
        "pastebin",
        "pdb",
        "pdef",
        "pdoc",
        "pfile",
        "pinfo",
        "pinfo2",
        "pip",
        "popd",
        "pprint",
        "precision",
        "prun",
        "psearch",
        "psource",
        "pushd",
        "pwd",
        "pycat",
        "pylab",
        "qtconsole",
        "quickref",
        "recall",
        "rehashx",
        "reload_ext",
        "rep",
        "rerun",
        "reset",
        "reset_selective",
        "rm",
        "rmdir",
        "run",
        "save",
        "sc",
        "set_env",
        "store",
        "sx",
        "system",
        "tb",
        "time",
        "timeit",
        "unalias",
        "unload_ext",
        "uv",
        "who",
        "who_ls",
        "whos",
        "xdel",
        "xmode",
    }
)
_AUTOMAGIC = re.compile(r"^(\s*)([A-Za-z_]\w*)(?:\s+(?![=,])|$)")
_ASSIGNED_ESCAPE = re.compile(r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)([!%]).*$")
_PIP = re.compile(
    r"^(?:[%!]\s*)?(?:sudo\s+)?(?:uv\s+pip|(?:python3?|\S*/python3?|\{sys\.executable\})\s+-m\s+pip"
    r"|pip3?|%pip|mamba|conda)\s+install\s+(?P<args>.*)$"
)
# Options of pip install that take a value: the value is not a package.
_PIP_VALUE_OPTIONS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
     "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
     "--platform", "--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy",
     "-C", "--config-settings", "--global-option", "--trusted-host", "--proxy", "--cache-dir",
     "--progress-bar", "--log", "--timeout", "--retries", "--exists-action", "--only-binary",
     "--no-binary", "--report", "-p", "--python", "--index"}
)  # fmt: skip


@dataclass(slots=True)
class Install:
    """One requirement named on a `pip install` line: text, 1-based cell line, column."""

    requirement: str
    line: int
    col: int


@dataclass(slots=True)
class PythonCell:
    lines: list[str]  # as many as the cell has; IPython lines rewritten
    is_python: bool = True  # False for `%%bash`, `%%writefile` and the like
    installs: list[Install] = field(default_factory=list)


def rewrite_cell(lines: list[str]) -> PythonCell:
    result = PythonCell(list(lines))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(None, 1)
        name = magic[0] if magic else ""
        if name not in PYTHON_CELL_MAGICS:
            result.is_python = False
            if name in SHELL_CELL_MAGICS:
                for number, line in enumerate(lines[first + 1 :], first + 2):
                    result.installs.extend(_installs(line.strip(), number, len(line) - len(line.lstrip())))
            result.lines = ["" for _ in lines]
            return result
        result.lines[first] = ""
    if len(lines) == 1 and _automagic(lines[0], result.installs):
        result.lines = [_keep_comment(lines[0], _AUTOMAGIC.match(lines[0]).group(1) + "pass")]  # type: ignore[union-attr]
        return result
    scanner = _Scanner()
    continued_escape = False
    for index, line in enumerate(result.lines):
        if continued_escape:  # `!pip install a \` continues on this line
            continued_escape = line.rstrip().endswith("\\")
            result.lines[index] = ""
            continue
        if scanner.at_statement_start():
            rewritten = _rewrite_line(line, index + 1, result.installs)
            if rewritten is not None:
                continued_escape = line.rstrip().endswith("\\")
                result.lines[index] = rewritten
                line = rewritten
        scanner.feed(line)
    return result


def _rewrite_line(line: str, number: int, installs: list[Install]) -> str | None:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if not stripped:
        return None
    if stripped[0] in "!%":
        if stripped.startswith("%"):
            name = stripped[1:].split(None, 1)
            rest = name[1] if len(name) > 1 else ""
            if name and name[0] in _TIMING_MAGICS and rest and not rest.startswith("-"):
                # `%time trainer.train()` -> `if 1: trainer.train()`, columns unchanged.
                head = len(stripped) - len(rest)
                if head >= 5:
                    return indent + "if 1:".ljust(head) + rest
        installs.extend(_installs(stripped, number, len(indent)))
        return _keep_comment(line, indent + "pass")
    code = _code_part(stripped) if "?" in stripped else ""
    if code.startswith("?") or code.endswith("?"):
        return _keep_comment(line, indent + "pass")
    assigned = _ASSIGNED_ESCAPE.match(line)
    if assigned:
        installs.extend(_installs(line[assigned.end(1) :], number, assigned.end(1)))
        return assigned.group(1) + "None"
    return None


def _automagic(line: str, installs: list[Install]) -> bool:
    """A line magic called without `%` (`pip install trl`), and not Python: IPython would
    run the magic (its automagic), Python would fail. Valid Python is left as Python."""
    found = _AUTOMAGIC.match(line)
    if found is None or found.group(2) not in LINE_MAGICS:
        return False
    try:
        compile(line.strip(), "<cell>", "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
        return False
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # deep nesting: not Python either
        pass
    installs.extend(_installs(line.strip(), 1, len(found.group(1))))
    return True


def _keep_comment(line: str, replacement: str) -> str:
    """The replacement, with the line's trailing comment kept in its column where it fits
    (a suppression comment after `!pip install trl` must still count)."""
    found = re.search(r"\s#", line)
    if found is None:
        return replacement
    start = found.start() + 1
    if start <= len(replacement):
        return replacement + "  " + line[start:]
    return replacement.ljust(start) + line[start:]


def _installs(command: str, number: int, col: int) -> list[Install]:
    """The requirements of one `pip install` command (options and their values skipped)."""
    found: list[Install] = []
    for piece in re.split(r"&&|;|\|\|", command):
        match = _PIP.match(piece.strip())
        if not match:
            continue
        args = match.group("args").split("#", 1)[0]
        try:
            words = shlex.split(args)
        except ValueError:
            words = args.split()
        skip = False
        for word in words:
            if skip:
                skip = False
                continue
            if word.startswith("-"):
                skip = word in _PIP_VALUE_OPTIONS
                continue
            if word in ("\\",) or word.startswith(("$", "{", "git+", "http:", "https:", ".", "/")):
                continue
            where = command.find(word)
            found.append(Install(word, number, col + max(where, 0)))
    return found


def _code_part(text: str) -> str:
    """The line without a trailing comment (a `#` inside quotes is not one), stripped."""
    quote: str | None = None
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            if text.startswith(quote, index):
                quote = None
        elif text.startswith(('"""', "'''"), index):
            if text.find(text[index : index + 3], index + 3) < 0:
                return text[:index].strip()  # a string that goes on below: not code to judge
            quote = text[index : index + 3]
        elif char in "'\"":
            quote = char
        elif char == "#":
            return text[:index].strip()
    return text.strip()


class _Scanner:
    """Tracks, line by line, whether the next line starts a statement: outside strings
    that span lines, outside open brackets, not after a backslash continuation."""

    def __init__(self) -> None:
        self.triple: str | None = None
        self.depth = 0
        self.continued = False

    def at_statement_start(self) -> bool:
        return self.triple is None and self.depth == 0 and not self.continued

    def feed(self, line: str) -> None:
        index = 0
        length = len(line)
        while index < length:
            if self.triple is not None:
                end = _past(_TRIPLE_END[self.triple], line, index)
                if end is None:
                    break  # the string goes on below
                self.triple = None
                index = end
                continue
            found = _INTERESTING.search(line, index)
            if found is None:
                break
            char, index = found.group(), found.start()
            if char == "#":
                break
            if char in "'\"":
                if line.startswith(char * 3, index):
                    self.triple = char * 3
                    index += 3
                    continue
                end = _past(_QUOTE_END[char], line, index + 1)
                index = length if end is None else end
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            index += 1
        self.continued = self.triple is None and line.rstrip().endswith("\\") and "#" not in line


_INTERESTING = re.compile(r"""[#'"()\[\]{}]""")
_TRIPLE_END = {quote: re.compile(r"\\.|" + quote) for quote in ('"""', "'''")}
_QUOTE_END = {quote: re.compile(r"\\.|" + quote) for quote in ('"', "'")}


def _past(pattern: re.Pattern[str], line: str, index: int) -> int | None:
    """The index after the closing quote (escaped characters skipped), or None."""
    found = pattern.search(line, index)
    while found is not None and found.group().startswith("\\"):
        found = pattern.search(line, found.end())
    return None if found is None else found.end()
