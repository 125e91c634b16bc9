"""Positions on very long lines (minified bundles) cost O(1) each (issue 19: 47.6 of 75 s
of one run went to re-encoding a 1.37 MB line for every position)."""

from __future__ import annotations

import random
import time

from tests.conftest import lint

from ragfirst.data.secrets import redact_text
from ragfirst.source import SourceText


def test_char_col_matches_decoding_the_prefix():
    rng = random.Random(19)
    for _ in range(300):
        line = "".join(rng.choice("aé—😀\t") for _ in range(rng.randint(1, 30))) + "é"
        source = SourceText(f"first\n{line}\n")
        data = line.encode("utf-8")
        for byte_col in range(len(data) + 3):
            assert source.char_col(2, byte_col) == len(data[:byte_col].decode("utf-8", errors="ignore"))


def test_ascii_lines_keep_byte_columns():
    assert SourceText("abc\n").char_col(1, 7) == 7


def test_ten_thousand_positions_on_a_100k_character_line_are_fast():
    line = "é" + "x" * 100_000
    source = SourceText(line)
    start = time.process_time()
    columns = [source.char_col(1, byte) for byte in range(0, 100_000, 10)]
    assert time.process_time() - start < 0.5  # re-encoding the line each time took 2.4 s
    assert columns[1] == 9  # byte 10 = `é` (2 bytes) + 8 x


def _minified(count: int) -> str:
    calls = "".join(
        f'function f{i}(){{return c.chat.completions.create({{model:"gpt-4o",messages:[{{content:"ü {i}"}}]}})}};'
        for i in range(count)
    )
    return 'import OpenAI from "openai";const c=new OpenAI();' + calls + "\n"


def _cpu_seconds(code: str) -> tuple[float, int]:
    """The best of two runs, in CPU seconds of this process (a loaded machine's neighbours
    do not count), and the number of RF401 findings."""
    best, found = float("inf"), 0
    for _ in range(2):
        start = time.process_time()
        findings = lint(code, path="bundle.js")
        best = min(best, time.process_time() - start)
        found = len([f for f in findings if f.rule_id == "RF401"])
    return best, found


def test_a_minified_file_with_many_findings_is_analysed_in_linear_time():
    """One 100k-character line with 1,100 findings: each finding used to re-encode and
    re-redact the whole line (12 s). Twice the findings on a twice longer line must cost
    about twice as much, not four times (a scaling check, not a wall-clock bound)."""
    half, full = _minified(550), _minified(1100)
    assert len(full) > 100_000
    half_seconds, half_found = _cpu_seconds(half)
    full_seconds, full_found = _cpu_seconds(full)
    assert (half_found, full_found) == (550, 1100)
    assert full_seconds < 3.0 * half_seconds + 0.05, (half_seconds, full_seconds)


def test_long_text_redaction_is_remembered_but_still_redacts():
    rng = random.Random(7)
    part = "".join(rng.choice("ABCDEFGHabcdefgh0123456789") for _ in range(20))
    key = f"sk-{part}T3BlbkFJ{part[::-1]}"
    assert key not in redact_text(f'key="{key}"')
    text = "x" * 5000 + f' key="{key}"'
    assert key not in redact_text(text)
    assert redact_text(text) == redact_text(text)


def _json(count: int, newline: str) -> str:
    keys = newline.join(f'"tok{i}":{i},' for i in range(count))
    return '{"model":"gpt-4o",' + newline + keys + '"last":0}\n'


def test_a_one_line_json_with_many_keys_costs_what_the_same_keys_on_many_lines_cost():
    """torchtune's 1 MB `vocab.json` on one line: widening each key's point to the key
    sliced the rest of the line per key (2.3 CPU seconds, quadratic in the line). The same
    50,000 keys one per line or all on one line must cost about the same (CPU seconds, the
    best of two; it was 2.2 times as much)."""
    from ragfirst.analyzers.config_analyzer import analyze_json
    from ragfirst.source import SourceText

    def cpu(text: str) -> float:
        source = SourceText(text)
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            analyze_json(source, "assets/vocab.json")
            best = min(best, time.process_time() - start)
        return best

    many_lines, one_line = cpu(_json(50_000, "\n")), cpu(_json(50_000, ""))
    assert one_line < 1.5 * many_lines + 0.05, (many_lines, one_line)
