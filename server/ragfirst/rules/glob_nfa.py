"""A linear-time matcher for name patterns that Python's `re` could match in exponential time.

`lib.*a*a*a*b` compiles to `lib\\.[^.]*a[^.]*a[^.]*a[^.]*b`: against a long name that almost
matches, a backtracking engine tries every way to split the name between the stars. Rule
packs can come from the repository being scanned, so such patterns are matched here by
simulating the pattern's automaton over the name instead: time is (name length x pattern
length), whatever the pattern.

The automaton accepts exactly what the regex of `patterns.compile_pattern` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

# Node kinds: a node consumes one character (CHAR: that character; NOT_DOT: any but ".")
# or is an epsilon node (SPLIT: go to any of `targets`; END_OF_NAME: only at the end).
CHAR, NOT_DOT, SPLIT, END_OF_NAME, ACCEPT = range(5)


@dataclass(slots=True)
class _Node:
    kind: int
    char: str = ""
    targets: list[int] | None = None


class GlobAutomaton:
    """Built from a pattern's segments (already split on dots outside braces)."""

    def __init__(self, segments: list[str]) -> None:
        self._nodes: list[_Node] = []
        # Built back to front: each piece is compiled knowing where it continues.
        follow = self._add(_Node(ACCEPT))
        for position in range(len(segments) - 1, -1, -1):
            segment = segments[position]
            last = position == len(segments) - 1
            if segment == "**":
                follow = self._globstar(follow, last)
                continue
            if not last:
                follow = self._add(_Node(CHAR, ".", [follow]))
            follow = self._segment(segment, follow)
        self._start = follow

    def _add(self, node: _Node) -> int:
        self._nodes.append(node)
        return len(self._nodes) - 1

    def _chars(self, text: str, follow: int) -> int:
        for char in reversed(text):
            follow = self._add(_Node(CHAR, char, [follow]))
        return follow

    def _segment(self, segment: str, follow: int) -> int:
        """`*`, `{a,b}` and literal characters, right to left."""
        index = len(segment) - 1
        while index >= 0:
            char = segment[index]
            if char == "*":
                loop = self._add(_Node(SPLIT, targets=[follow]))
                step = self._add(_Node(NOT_DOT, targets=[loop]))
                self._nodes[loop].targets = [step, follow]  # type: ignore[union-attr]
                follow = loop
            elif char == "}":
                opening = segment.rfind("{", 0, index)
                options = [option.strip() for option in segment[opening + 1 : index].split(",")]
                follow = self._add(_Node(SPLIT, targets=[self._chars(option, follow) for option in options]))
                index = opening
            else:
                follow = self._add(_Node(CHAR, char, [follow]))
            index -= 1
        return follow

    def _globstar(self, follow: int, last: bool) -> int:
        """Zero or more whole segments: `(?:[^.]+\\.)*`, or at the end `(?:[^.]+(?:\\.|$))*`."""
        loop = self._add(_Node(SPLIT))
        run = self._add(_Node(SPLIT))  # after one or more non-dot characters
        first = self._add(_Node(NOT_DOT, targets=[run]))
        more = self._add(_Node(NOT_DOT, targets=[run]))
        dot = self._add(_Node(CHAR, ".", [loop]))
        run_targets = [more, dot]
        if last:
            run_targets.append(self._add(_Node(END_OF_NAME, targets=[loop])))
        self._nodes[run].targets = run_targets
        self._nodes[loop].targets = [first, follow]
        return loop

    def _closure(self, states: list[int], at_end: bool) -> set[int]:
        seen: set[int] = set()
        stack = list(states)
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            node = self._nodes[state]
            if node.kind == SPLIT or (node.kind == END_OF_NAME and at_end):
                stack.extend(node.targets or ())
        return seen

    def matches(self, name: str) -> bool:
        current = self._closure([self._start], at_end=not name)
        for position, char in enumerate(name):
            following: list[int] = []
            for state in current:
                node = self._nodes[state]
                if (node.kind == CHAR and node.char == char) or (node.kind == NOT_DOT and char != "."):
                    following.extend(node.targets or ())
            if not following:
                return False
            current = self._closure(following, at_end=position == len(name) - 1)
        return any(self._nodes[state].kind == ACCEPT for state in current)


def needs_automaton(segments: list[str]) -> bool:
    """Patterns whose regex can backtrack badly: several `*` in one segment, or several `**`."""
    return sum(segment == "**" for segment in segments) > 1 or any(
        segment != "**" and segment.count("*") > 1 for segment in segments
    )
