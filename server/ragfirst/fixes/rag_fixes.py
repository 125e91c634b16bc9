"""Fixes for the RAG and key rules: RF303 chunk overlap, RF302 query model, RF301 output
dimension, RF404 key literal, RF405 browser-exposed key.

Every one is unsafe or display-only: re-chunking, re-embedding and moving a key are
decisions with consequences outside the edited line. An edit is only made in the file of
the finding; when the other side lives in another file, the fix is display-only and its
title names both places.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ragfirst.model import Finding, Fix, FixSafety, TextEdit

OVERLAP_SHARE = 0.1  # 10% of the chunk, within the 10-15% most splitter guides give


def _is_python(path: str) -> bool:
    return path.lower().endswith((".py", ".pyi"))


def _plain_module(path: str) -> bool:
    from ragfirst.fixes import js_edits  # tree-sitter: imported for a file that is no Python

    return js_edits.plain_module(path)


def _where_in(finding: Finding, where: str) -> int | None:
    """The line of a `path:line` place when it is in the finding's own file."""
    path, _, line = where.rpartition(":")
    if path == finding.path and line.isdigit():
        return int(line)
    return None


def overlap_fix(finding: Finding, text: str) -> Fix | None:
    """RF303: `chunk_overlap=0`, or an overlap not below the size -> 10% of the size."""
    data: dict[str, Any] = finding.data.get("rag", {})
    size, overlap = data.get("size"), data.get("overlap")
    if not isinstance(size, int) or size <= 0 or overlap is None or not (overlap == 0 or overlap >= size):
        return None
    size_name = str(data.get("size_name", "chunk_size"))
    overlap_name = size_name.replace("size", "overlap").replace("Size", "Overlap")
    new = str(max(1, round(size * OVERLAP_SHARE)))
    title = f"Set {overlap_name}={new} (10% of {size_name}={size})"
    if _is_python(finding.path):
        from ragfirst.fixes import python_edits

        call = python_edits.call_at(text, finding.span)
        if call is None:
            return None
        arg = call.keyword(overlap_name)
        if arg is None:
            edit = python_edits.add_keyword(call, text, overlap_name, new)
        elif type(arg.value).__name__ == "Integer":
            edit = python_edits.replace_value(call, overlap_name, new)
        else:
            return None  # a name or expression: the value is set elsewhere
        return None if edit is None else Fix(title, (edit,), FixSafety.UNSAFE)
    from ragfirst.fixes import js_edits  # tree-sitter: only for a JS/TS file's fix

    call = js_edits.call_at(text, finding.path, finding.span)
    if call is None or call.options() is None:
        return None
    entry = call.entry(overlap_name)
    if entry is None:
        edit = js_edits.add_property(call, overlap_name, new)
    else:
        value = entry.child_by_field_name("value") if entry.type == "pair" else None
        if value is None or value.type != "number":
            return None
        edit = js_edits.replace_property_value(call, overlap_name, new)
    return None if edit is None else Fix(title, (edit,), FixSafety.UNSAFE)


def query_model_fix(finding: Finding, text: str) -> Fix | None:
    """RF302: the query side's model becomes the documents' model (same file only)."""
    rag = finding.data.get("rag", {})
    query, document = rag.get("query") or {}, rag.get("document") or {}
    old, new = query.get("model"), document.get("model")
    if not isinstance(old, str) or not isinstance(new, str) or old == new:
        return None
    title = f"Embed queries with {new}, the documents' model (set at {document.get('where', '?')})"
    from ragfirst.data.embedding_models import embedding_models

    line = _where_in(finding, str(query.get("where", "")))
    entry = embedding_models().lookup(new)
    # Only the name changes: the documents' vectors must be that model's full size.
    if line is None or entry is None or document.get("dim") != entry.dimension:
        return Fix(title, (), FixSafety.DISPLAY_ONLY)
    edit = _replace_string_on_line(finding.path, text, line, old, new)
    if edit is None:
        return Fix(title, (), FixSafety.DISPLAY_ONLY)
    return Fix(title, (edit,), FixSafety.UNSAFE)


def _replace_string_on_line(path: str, text: str, line: int, old: str, new: str) -> TextEdit | None:
    if _is_python(path):
        from ragfirst.fixes import python_edits

        parsed = python_edits.parse_positions(text, line)
        if parsed is None:
            return None
        found = python_edits.strings_on_line(parsed, line, old)
        if len(found) != 1:
            return None
        node = found[0]
        quote = node.quote
        return TextEdit(parsed.span(node), f"{node.prefix}{quote}{new}{quote}")
    from ragfirst.fixes import config_edits

    if config_edits.is_yaml(path) or config_edits.is_json(path):
        values = [v for v in config_edits.value_on_line(text, path, line) if v.value == old]
        if len(values) != 1:
            return None
        value = values[0]
        written = config_edits.yaml_string(new, value) if config_edits.is_yaml(path) else json.dumps(new)
        return config_edits.replace(text, value, written)
    from ragfirst.fixes import js_edits  # tree-sitter: only for a JS/TS file's fix

    source = js_edits.source_for(text, path)
    if source is None:
        return None
    text, path = source
    data, tree = js_edits.parse(text, path)
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.start_point.row > line - 1 or node.end_point.row < line - 1:
            continue
        if node.type == "string" and node.start_point.row == line - 1:
            raw = data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
            if raw[1:-1] == old:
                found.append((node, raw[0]))
        stack.extend(node.children)
    if len(found) != 1:
        return None
    node, quote = found[0]
    call = js_edits.JsCall(text, data, node)
    return TextEdit(call.span(node), f"{quote}{new}{quote}")


def dimension_fix(finding: Finding, text: str) -> Fix | None:
    """RF301: `dimensions=N` on the embedding call when the model can shorten its output to
    the index's dimension (OpenAI text-embedding-3-*); otherwise display-only."""
    from ragfirst.data.embedding_models import embedding_models

    rag = finding.data.get("rag", {})
    index, embedding = rag.get("index") or {}, rag.get("embedding") or {}
    dim = index.get("dim")
    if not isinstance(dim, int) or not embedding.get("model"):
        return None
    title = (
        f"Re-create the index with dimension {embedding.get('dim')} ({index.get('where', '?')}),"
        f" or embed with a {dim}-dimension model ({embedding.get('where', '?')})"
    )
    config = _config_dimension_fix(finding, text, index, embedding)
    if config is not None:
        return config
    entry = embedding_models().lookup(embedding["model"])
    shortens = entry is not None and entry.provider == "openai" and _can_shorten(entry, dim)
    line = _where_in(finding, str(embedding.get("where", "")))
    if not shortens or line is None:
        return Fix(title, (), FixSafety.DISPLAY_ONLY)
    edit = _add_dimensions(finding.path, text, line, embedding["model"], dim)
    if edit is None:
        return Fix(title, (), FixSafety.DISPLAY_ONLY)
    return Fix(f"Add dimensions={dim} to the {embedding['model']} call", (edit,), FixSafety.UNSAFE)


def _config_dimension_fix(
    finding: Finding, text: str, index: dict[str, Any], embedding: dict[str, Any]
) -> Fix | None:
    """In a YAML/JSON config that sets the store's dimension: that number becomes the
    model's (unsafe: the index has to be re-created and filled again at that size)."""
    from ragfirst.fixes import config_edits

    size, dim = embedding.get("dim"), index.get("dim")
    line = _where_in(finding, str(index.get("where", "")))
    if line is None or not isinstance(size, int) or not isinstance(dim, int):
        return None
    values = [
        v
        for v in config_edits.value_on_line(text, finding.path, line)
        if isinstance(v.value, int) and not isinstance(v.value, bool) and v.value == dim and not v.quoted
    ]
    if len(values) != 1:
        return None
    title = (
        f"Set the index dimension to {size}, what {embedding['model']} returns"
        " (re-create the index and embed the documents again)"
    )
    return Fix(title, (config_edits.replace(text, values[0], str(size)),), FixSafety.UNSAFE)


def _can_shorten(entry: Any, dim: int) -> bool:
    if dim in entry.shorten_values:
        return True
    low, high = entry.shorten_min, entry.shorten_max
    return high is not None and (low or 1) <= dim <= high


def _add_dimensions(path: str, text: str, line: int, model: str, dim: int) -> TextEdit | None:
    if not _is_python(path):
        return None
    from ragfirst.fixes import python_edits

    parsed = python_edits.parse_positions(text, line)
    if parsed is None:
        return None
    for call in python_edits.calls_on_line(parsed, line):
        model_arg = call.keyword("model")
        value = getattr(model_arg.value, "evaluated_value", None) if model_arg is not None else None
        if value == model and call.keyword("dimensions") is None and not call.star_kwargs:
            return python_edits.add_keyword(call, text, "dimensions", str(dim))
    return None


_PROVIDER = re.compile(r"^an? (?P<provider>.+) key$")


def key_fix(finding: Finding, text: str) -> Fix | None:
    """RF404: the literal becomes an environment lookup (unsafe: the value must move to the
    environment first); in a `.env`-style file, display-only."""
    captures = finding.data.get("captures", {})
    name = _env_name(str(captures.get("what", "")), str(captures.get("where", "")))
    if not _is_python(finding.path) and not _plain_module(finding.path):
        # A config or `.env` file, or a Vue/Svelte component (its code runs in the browser,
        # where `process.env` is no secret store): the key has to move, not be re-read;
        # a config whose format has its own environment reference gets it (config_keys.py).
        from ragfirst.fixes.config_keys import config_key_fix

        return config_key_fix(finding, text, name)
    title = f"Read the key from the environment variable {name} (set it there first)"
    if _is_python(finding.path):
        from ragfirst.fixes import python_edits

        parsed = python_edits.parse_positions(text, finding.span.start_line)
        if parsed is None:
            return None
        node = python_edits.string_covering(parsed, finding.span)
        if node is None:
            return None
        edits = [TextEdit(parsed.span(node), f'os.environ["{name}"]')]
        imported = python_edits.import_edit(text, "os")
        if imported is not None:
            edits.insert(0, imported)
        return Fix(title, tuple(edits), FixSafety.UNSAFE)
    from ragfirst.fixes import js_edits  # tree-sitter: only for a JS/TS file's fix

    source = js_edits.source_for(text, finding.path)
    if source is None:
        return None
    text = source[0]
    data, tree = js_edits.parse(*source)
    start = js_edits.byte_columns(text).to_byte(_offset(text, finding))
    node = tree.root_node.descendant_for_byte_range(start, start)
    while node is not None and node.type not in ("string", "template_string"):
        node = node.parent
    if node is None:
        return None
    return Fix(
        title,
        (TextEdit(js_edits.JsCall(text, data, node).span(node), f"process.env.{name}"),),
        FixSafety.UNSAFE,
    )


def _offset(text: str, finding: Finding) -> int:
    from ragfirst.fixes.text_edits import line_starts, offset

    return offset(text, line_starts(text), finding.span.start_line, finding.span.start_col)


def _env_name(what: str, where: str) -> str:
    found = _PROVIDER.match(what)
    if found and found.group("provider") != "":
        provider = re.sub(r"[^A-Za-z0-9]+", "_", found.group("provider")).strip("_").upper()
        if provider:
            return f"{provider}_API_KEY"
    named = re.search(r"`([^`]+)`", where)
    if named and re.fullmatch(r"[A-Z][A-Z0-9_]*", named.group(1)):
        return named.group(1)
    return "API_KEY"


def browser_key_fix(finding: Finding, text: str) -> Fix | None:
    """RF405: display-only. The renamed variable is shown; the call must move to the server
    (a route handler or server action), which no edit of this line can do."""
    captures = finding.data.get("captures", {})
    name, server = captures.get("name"), captures.get("server_name")
    if not name or not server:
        return None
    title = (
        f"Rename {name} to {server} and call the model from server code (a route handler), not the browser"
    )
    return Fix(title, (), FixSafety.DISPLAY_ONLY)
