"""Quick-fix suppression edits never damage a file (issue 25, "Writes"): they keep CRLF
line endings and the byte-order mark, and never land inside a triple-quoted string, a
template literal, a YAML block scalar, a TOML multi-line string or after a `\\`
continuation. Each case applies the server's edit to the text, then checks that the file
still parses, that its data did not change, and that the finding is now suppressed."""

from __future__ import annotations

import ast

import pytest
import yaml
from tests.hardening.fuzzlib import RawLsp, run_engine

from ragfirst.analyzers.registry import language_of
from ragfirst.fixes.comment_positions import line_breaks
from ragfirst.fixes.suppression_comments import document_lines, file_suppression_edit, line_suppression_edit

FT = "client.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f')"


def apply(text: str, edit: dict) -> str:
    """Apply a server edit (0-based line, code-point columns) to the document text."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: edit["line"]])
    position = offset + edit["start"]
    return text[:position] + edit["text"] + text[offset + edit["end"] :]


def fix_line(path: str, text: str, rule: str = "RF101") -> tuple[str | None, dict | None]:
    findings = [f for f in run_engine(path, text.encode("utf-8")) if f.rule_id == rule and not f.suppressed]
    assert findings, (path, [f.rule_id for f in run_engine(path, text.encode("utf-8"))])
    lines = document_lines(text)
    language = language_of(path)
    edit = line_suppression_edit(
        lines, findings[0].span.start_line, rule, language, line_breaks(lines, language)
    )
    return (apply(text, edit) if edit else None), edit


def suppressed(path: str, text: str, rule: str = "RF101") -> bool:
    found = [f for f in run_engine(path, text.encode("utf-8")) if f.rule_id == rule]
    return bool(found) and all(f.suppressed for f in found)


HEADER = "from openai import OpenAI\nclient = OpenAI()\n"

PYTHON_CASES = {
    "after-triple-quoted-string": HEADER + 'x = """doc\n""" + str(' + FT + ")\n",
    "after-backslash": HEADER + "y = 1 + \\\n    " + FT.replace("create(", "create(", 1) + ".id\n",
    "plain": HEADER + FT + "\n",
    "in-parentheses": HEADER + "print(\n    " + FT + ")\n",
}


@pytest.mark.parametrize("name", list(PYTHON_CASES))
def test_python_line_suppression_keeps_the_file_valid(name):
    text = PYTHON_CASES[name]
    fixed, edit = fix_line("app.py", text)
    if name.startswith("after"):  # a line above would be inside the string / after the `\`
        assert edit is None or edit["start"] > 0, edit
    if fixed is None:  # no legal line position: the file-level suppression is offered
        fixed = apply(text, file_suppression_edit(document_lines(text), "RF101", "python"))
    ast.parse(fixed)
    assert ast.dump(ast.parse(fixed)) == ast.dump(ast.parse(text))  # strings unchanged
    assert suppressed("app.py", fixed), fixed


JS_HEADER = 'import OpenAI from "openai";\nconst client = new OpenAI();\n'
JS_FT = 'client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" })'
JS_CASES = {
    "after-template-literal": JS_HEADER + "const s = `line\n${1}` + " + JS_FT + ";\n",
    "after-block-comment": JS_HEADER + "/* one\n */ " + JS_FT + ";\n",
    "plain": JS_HEADER + JS_FT + ";\n",
}


@pytest.mark.parametrize("name", list(JS_CASES))
def test_typescript_line_suppression_never_lands_in_a_template(name):
    text = JS_CASES[name]
    fixed, edit = fix_line("app.ts", text)
    if name.startswith("after"):
        assert edit is None or edit["start"] > 0, edit
    if fixed is None:
        fixed = apply(text, file_suppression_edit(document_lines(text), "RF101", "javascript"))
    assert "`line\n${1}`" in fixed if "template" in name else True
    assert suppressed("app.ts", fixed), fixed


def test_yaml_block_scalar_is_never_edited_inside():
    text = (
        "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o\n"
        "      api_key: sk-dummy\n    notes: |\n      line one\n      line two\n"
    )
    lines = document_lines(text)
    breaks = line_breaks(lines, "yaml")
    for index in range(6, 8):  # the block's content lines: nothing goes before them
        assert not breaks.before(index)
        edit = line_suppression_edit(lines, index + 1, "RF404", "yaml", breaks)
        if edit is not None:
            fixed = apply(text, edit)
            assert yaml.safe_load(fixed) == yaml.safe_load(text)
    assert breaks.before(5)  # `notes: |` itself may take a comment line above


def test_toml_multiline_string_is_never_edited_inside():
    text = 'a = """one\ntwo"""\nb = 1\n'
    breaks = line_breaks(document_lines(text), "toml")
    assert not breaks.before(1) and breaks.before(2)


def test_crlf_files_stay_crlf_and_the_bom_stays_first():
    text = "\ufeff" + (HEADER + FT + "\n").replace("\n", "\r\n")
    lines = document_lines(text)
    assert lines.newline == "\r\n"
    for edit in (
        line_suppression_edit(lines, 3, "RF101", "python", line_breaks(lines, "python")),
        line_suppression_edit(lines, 1, "RF101", "python", line_breaks(lines, "python")),
        file_suppression_edit(lines, "RF101", "python"),
    ):
        fixed = apply(text, edit)
        assert fixed.startswith("\ufeff") and fixed.count("\ufeff") == 1
        assert "\n" not in fixed.replace("\r\n", "")  # no bare LF: every line ends CRLF
    fixed = apply(text, file_suppression_edit(lines, "RF101", "python"))
    assert suppressed("app.py", fixed.lstrip("\ufeff"))


def test_the_server_sends_crlf_edits_for_a_crlf_document(tmp_path):
    text = (HEADER + FT + "\n").replace("\n", "\r\n")
    (tmp_path / "app.py").write_bytes(text.encode())
    client = RawLsp(tmp_path)
    try:
        uri = (tmp_path / "app.py").as_uri()
        client.open(uri, text)
        report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=60)
    finally:
        client.close()
    items = [d for d in report["result"]["items"] if d["code"] == "RF101"]
    assert items
    for key in ("suppress_line", "suppress_file"):
        inserted = items[0]["data"][key]["newText"]
        assert inserted.endswith("\r\n") and "\n" not in inserted.replace("\r\n", ""), inserted
