"""JSONL training data files: count and validate, line by line (RF202 in the file)."""

from __future__ import annotations

import json

from ragfirst.analyzers.facts import FileFacts
from ragfirst.analyzers.jsonc import blank_comments
from ragfirst.data.training_data import DEFAULT_MAX_EXAMPLE_TOKENS, looks_like_training_data, summarize_lines


def analyze_jsonl(data: bytes, truncated: bool) -> FileFacts:
    """Facts for one JSONL file; files that do not look like training data get none."""
    facts = FileFacts(language="jsonl")
    lines = data.split(b"\n")
    if truncated and lines:
        lines = lines[:-1]  # the cap may have cut the last line
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return facts
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        record = None if truncated else _whole_document(data)
    if record is not None and not looks_like_training_data(record):
        return facts
    # Read alone, a file may be an RL or evaluation prompt set: prompts are valid here; a
    # hosted SFT job that names the file checks it strictly (RF202 on the call).
    facts.data_summary = summarize_lines(
        lines, lower_bound=truncated, max_example_tokens=DEFAULT_MAX_EXAMPLE_TOKENS, prompts=True
    )
    return facts


def _whole_document(data: bytes) -> object | None:
    """When the first line is no record: the file read as one JSON (or JSONC) document, or
    its first item if a list. A config named `.jsonl` (onyx's CloudFormation parameters) is
    one indented object, not examples; pretty-printed examples still look like training data
    and keep their per-line findings (a provider reads one example per line)."""
    try:
        document = json.loads(blank_comments(data.decode("utf-8-sig")))
    except (ValueError, RecursionError):
        return None
    if isinstance(document, list):
        return document[0] if document else {}
    return document
