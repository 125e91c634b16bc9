"""Fixes stay cheap on files with many findings: the parse, the line table and the byte
columns are computed once per text, and Python fixes parse one statement, not the file."""

from __future__ import annotations

import time

from conftest import lint
from ragfirst.fixes.apply import attach_fixes


def test_a_minified_bundle_with_a_thousand_fixes():
    calls = "".join(
        f'function f{i}(){{return c.chat.completions.create({{model:"gpt-4o",messages:[{{content:"ü {i}"}}]}})}};'
        for i in range(1100)
    )
    code = 'import OpenAI from "openai";const c=new OpenAI();' + calls + "\n"
    findings = [f for f in lint(code, path="bundle.js") if f.rule_id == "RF401"]
    start = time.perf_counter()
    attach_fixes(findings, code)
    elapsed = time.perf_counter() - start
    assert all(f.fix is not None for f in findings) and len(findings) == 1100
    # the byte columns are right after the non-ASCII "ü" of every earlier call
    from ragfirst.fixes.text_edits import apply_edits

    fixed = apply_edits(code, findings[-1].fix.edits)
    assert fixed.endswith('messages:[{content:"ü 1099"}], max_completion_tokens: 4096})};\n')
    assert elapsed < 3  # 20 s when every finding parsed the bundle again


def test_a_long_python_file_parses_one_statement_per_fix():
    code = "from openai import OpenAI\nc = OpenAI()\n" + "".join(
        f'def f{i}():\n    return c.chat.completions.create(model="gpt-4o", messages=[])\n'
        for i in range(300)
    )
    findings = [f for f in lint(code) if f.rule_id == "RF401"]
    start = time.perf_counter()
    attach_fixes(findings, code)
    elapsed = time.perf_counter() - start
    assert len(findings) == 300 and all(f.fix is not None for f in findings)
    assert elapsed < 10  # 8 s before (a walk of the whole tree per finding), 1.2 s now
