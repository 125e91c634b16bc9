"""Where a suppression comment may go without changing what a file means.

A comment line inserted above line N is only a comment if the line break before N is a
real line break of the language: not inside a triple-quoted string, a template literal,
a YAML block or multi-line scalar, a TOML multi-line string, a block comment, and not
right after a `\\` continuation (a SyntaxError in Python, a joined line elsewhere). A
trailing comment appended to line N needs the same of the break after N. This module
finds those breaks with each language's own tokenizer where one is at hand (Python's
`tokenize`, PyYAML's scanner) and a small scanner for JS/TS and TOML.

`Breaks.before(i)` / `Breaks.after(i)` take 0-based line indexes. When the text cannot be
tokenized (a half-typed file), every break counts as legal: the edit is what it always
was, and the user sees it before applying it.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Breaks:
    """The line breaks inside a token (`inside`), by the 0-based index of the line they end."""

    inside: frozenset[int] | None  # None: unknown, treat every break as legal
    content: frozenset[int] = frozenset()  # lines whose every character is data (YAML blocks)

    def after(self, index: int) -> bool:
        """Is the break after line `index` a real one?"""
        return self.inside is None or index not in self.inside

    def trailing(self, index: int) -> bool:
        """May a comment end line `index`?"""
        return self.after(index) and index not in self.content

    def before(self, index: int) -> bool:
        """May a comment line be inserted before line `index`?"""
        return index == 0 or self.after(index - 1)


UNKNOWN = Breaks(None)


def line_breaks(lines: list[str], language: str) -> Breaks:
    text = "\n".join(lines)
    try:
        if language == "python":
            return Breaks(frozenset(_python(text, len(lines))))
        if language == "javascript":
            return Breaks(frozenset(_javascript(text)))
        if language == "yaml":
            inside, content = _yaml(text)
            return Breaks(frozenset(inside), frozenset(content))
        if language == "toml":
            return Breaks(frozenset(_toml(text)))
        if language in ("requirements", "dotenv"):
            quoted = _dotenv_quotes(lines) if language == "dotenv" else set()
            return Breaks(frozenset(_continued(lines) | quoted))
    except (SyntaxError, tokenize.TokenError, ValueError, RecursionError, IndexError):
        return UNKNOWN
    except Exception:  # PyYAML's scanner errors and anything else: no worse than before
        return UNKNOWN
    return UNKNOWN


def _python(text: str, count: int) -> set[int]:
    """Breaks not ended by a NEWLINE or NL token: inside strings, after `\\`."""
    real: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            real.add(token.start[0] - 1)
    return {index for index in range(count - 1) if index not in real}


def _continued(lines: list[str]) -> set[int]:
    """Lines that end in a `\\` continuation (requirements, .env, shell-like files)."""
    return {index for index, line in enumerate(lines) if line.rstrip("\r").endswith("\\")}


def _dotenv_quotes(lines: list[str]) -> set[int]:
    """Breaks inside a multi-line quoted .env value (`KEY="a` ... `b"`)."""
    inside: set[int] = set()
    quote: str | None = None
    for index, line in enumerate(lines):
        position = 0
        if quote is None:
            match = re.match(r"\s*(?:export\s+)?[A-Za-z_][\w.]*\s*=\s*(['\"])", line)
            if not match:
                continue
            quote, position = match.group(1), match.end()
        closed = _find_unescaped(line, quote, position)
        if closed is None:
            inside.add(index)
        else:
            quote = None
    return inside


def _find_unescaped(line: str, quote: str, start: int) -> int | None:
    index = start
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        if line[index] == quote:
            return index
        index += 1
    return None


def _yaml(text: str) -> tuple[set[int], set[int]]:
    """Breaks inside a scalar that spans lines (block `|`/`>`, multi-line plain or quoted),
    and the content lines of block scalars (a `#` there is data, not a comment)."""
    import yaml

    inside: set[int] = set()
    content: set[int] = set()
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken):
            start, end = token.start_mark.line, token.end_mark.line
            last = end if token.end_mark.column > 0 else end - 1  # a block ends at column 0
            # From the line of `|`/`>` (a comment line after it would be content) to its end.
            inside.update(range(start, last))
            if token.style in ("|", ">"):
                content.update(range(start + 1, last + 1))
    return inside, content


def _toml(text: str) -> set[int]:
    """Breaks inside `\"\"\"` or `'''` multi-line strings, or after a `\\` inside one."""
    inside: set[int] = set()
    line = 0
    index = 0
    state: str | None = None  # None, '"""', "'''", '"', "'"
    while index < len(text):
        char = text[index]
        if char == "\n":
            if state in ('"""', "'''"):
                inside.add(line)
            elif state in ('"', "'"):
                state = None  # an unterminated basic string: TOML's error, not ours
            line += 1
            index += 1
            continue
        if state is None:
            if char == "#":
                end = text.find("\n", index)
                index = len(text) if end == -1 else end
                continue
            if text.startswith('"""', index) or text.startswith("'''", index):
                state = text[index : index + 3]
                index += 3
                continue
            if char in "\"'":
                state = char
        elif state in ('"""', '"') and char == "\\":
            index += 2 if text[index + 1 : index + 2] != "\n" else 1
            continue
        elif text.startswith(state, index):
            index += len(state)
            if len(state) == 3:
                while text.startswith(state[0], index):  # `""""` ends with the last three
                    index += 1
            state = None
            continue
        index += 1
    return inside


_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}


def _javascript(text: str) -> set[int]:
    """Breaks inside template literals, block comments, strings continued with `\\`, and
    regex literals (told from division by the character before them, as most tools do)."""
    inside: set[int] = set()
    line = 0
    index = 0
    stack: list[str] = ["code"]  # code | template; `${` pushes code with a brace count
    braces: list[int] = [0]
    previous = ""  # the last significant character in code
    length = len(text)
    while index < length:
        char = text[index]
        state = stack[-1]
        if char == "\n":
            if state == "template":
                inside.add(line)
            line += 1
            index += 1
            continue
        if state == "template":
            if char == "\\":
                if text[index + 1 : index + 2] == "\n":
                    inside.add(line)
                    line += 1
                index += 2
                continue
            if char == "`":
                stack.pop()
                braces.pop()
                previous = "`"
                index += 1
                continue
            if text.startswith("${", index):
                stack.append("code")
                braces.append(0)
                index += 2
                previous = "{"
                continue
            index += 1
            continue
        # code
        if text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end == -1 else end
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end == -1 else end + 2
            for _ in range(text.count("\n", index, end)):
                inside.add(line)
                line += 1
            index = end
            continue
        if char in "\"'":
            index += 1
            while index < length and text[index] != char and text[index] != "\n":
                if text[index] == "\\":
                    if text[index + 1 : index + 2] == "\n":
                        inside.add(line)
                        line += 1
                    index += 2
                    continue
                index += 1
            index += 1
            previous = char
            continue
        if char == "`":
            stack.append("template")
            braces.append(0)
            index += 1
            continue
        if char == "/" and previous in _REGEX_BEFORE:
            index += 1
            in_class = False
            while index < length and text[index] != "\n":
                if text[index] == "\\":
                    index += 2
                    continue
                if text[index] == "[":
                    in_class = True
                elif text[index] == "]":
                    in_class = False
                elif text[index] == "/" and not in_class:
                    break
                index += 1
            index += 1
            previous = "/"
            continue
        if char == "{":
            braces[-1] += 1
        elif char == "}":
            if braces[-1] == 0 and len(stack) > 1:
                stack.pop()
                braces.pop()
                index += 1
                previous = "`"
                continue
            braces[-1] -= 1
        if not char.isspace():
            previous = char if not (char.isalnum() or char in "_$") else "a"
        index += 1
    return inside
