"""`ragfirst check --fix` as a user runs it: what is written, how (atomically, keeping
CRLF, BOM, mode and a missing final newline), exit codes as ruff documents them, the
diff preview, refusals, and `samples/` fixed exactly as docs/fixes.md says."""

from __future__ import annotations

import codecs
import filecmp
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from ragfirst.cli.main import main

CHAT = (
    "from openai import OpenAI\n\nclient = OpenAI()\n"
    'reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[])\n'
)
FIXED = CHAT.replace("messages=[])", "messages=[], max_completion_tokens=4096)")
# RF101 has no fix: it stays after --fix.
TRAIN = 'from openai import AzureOpenAI\n\nAzureOpenAI().fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="f")\n'


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    (tmp_path / "ragfirst.toml").write_text("", encoding="utf-8")
    return tmp_path


def test_fix_writes_the_fix_and_exits_zero_when_nothing_remains(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    code, out, err = run(capsys, "--fix", ".")
    assert (project / "app.py").read_text(encoding="utf-8") == FIXED
    assert code == 0, out + err
    assert "fixed 1 finding(s) in 1 file(s)" in err
    # idempotent: a second run changes nothing
    code, _, err = run(capsys, "--fix", ".")
    assert (project / "app.py").read_text(encoding="utf-8") == FIXED
    assert "fixed 0 finding(s)" in err and code == 0


def test_without_fix_the_fixable_count_is_shown_and_nothing_written(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    code, out, err = run(capsys, ".")
    assert code == 1 and err == ""  # stderr stays quiet: the text output says it, as ruff does
    assert "app.py:4:9: RF401 [*] [warning]" in out
    assert out.endswith("[*] 1 fixable with --fix.\n")
    code, out, err = run(capsys, "--format", "json", "--show-fixes", ".")
    assert code == 1 and "1 finding(s) fixable with --fix" in err  # other formats: on stderr
    assert (project / "app.py").read_text(encoding="utf-8") == CHAT


def test_fix_exits_one_when_findings_remain(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    (project / "train.py").write_text(TRAIN, encoding="utf-8")
    code, out, _ = run(capsys, "--fix", ".")
    assert code == 1 and "RF101" in out and "RF401" not in out


def test_exit_non_zero_on_fix(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    code, _, _ = run(capsys, "--fix", "--exit-non-zero-on-fix", ".")
    assert code == 1
    code, _, _ = run(capsys, "--fix", "--exit-non-zero-on-fix", ".")
    assert code == 0  # nothing left to fix, nothing found


def test_fix_only_ignores_leftovers(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    (project / "train.py").write_text(TRAIN, encoding="utf-8")
    code, out, err = run(capsys, "--fix-only", "--show-fixes", ".")
    assert code == 0 and out == ""
    assert "app.py: 1 x RF401 (uncapped-llm-output)" in err
    assert (project / "app.py").read_text(encoding="utf-8") == FIXED


def test_fix_diff_previews_without_writing(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    code, out, _ = run(capsys, "--fix-diff", ".")
    assert code == 1
    assert "--- a/app.py\n+++ b/app.py\n" in out
    assert (
        '+reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[], max_completion_tokens=4096)'
        in out
    )
    assert (project / "app.py").read_text(encoding="utf-8") == CHAT
    (project / "app.py").write_text(FIXED, encoding="utf-8")
    code, out, _ = run(capsys, "--fix-diff", ".")
    assert code == 0 and out == ""


def test_fix_diff_does_not_clash_with_diff_ref():
    from ragfirst.cli.main import build_parser

    args = build_parser().parse_args(["check", "--diff", "main", "--fix-diff", "."])
    assert args.diff == "main" and args.fix_diff is True


def test_json_carries_the_fix(project, capsys):
    import json

    (project / "app.py").write_text(CHAT, encoding="utf-8")
    _, out, _ = run(capsys, "--format", "json", ".")
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "RF401"]
    assert finding["fix"]["safety"] == "safe"
    assert finding["fix"]["edits"] == [
        {
            "start": {"line": 4, "column": 73},
            "end": {"line": 4, "column": 73},
            "text": ", max_completion_tokens=4096",
        }
    ]


# -- faithful writes -----------------------------------------------------------------


def test_crlf_bom_and_missing_final_newline_are_kept(project, capsys):
    body = CHAT.replace("\n", "\r\n").rstrip("\r\n")
    (project / "app.py").write_bytes(codecs.BOM_UTF8 + body.encode("utf-8"))
    run(capsys, "--fix", ".")
    data = (project / "app.py").read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data == codecs.BOM_UTF8 + FIXED.replace("\n", "\r\n").rstrip("\r\n").encode("utf-8")


def test_file_mode_is_kept(project, capsys):
    path = project / "app.py"
    path.write_text(CHAT, encoding="utf-8")
    os.chmod(path, 0o640)
    run(capsys, "--fix", ".")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text(encoding="utf-8") == FIXED
    assert [p.name for p in project.iterdir() if p.name.startswith(".app.py")] == []  # no temp left


def test_read_only_file_is_reported_not_crashed_on(project, capsys, monkeypatch):
    from ragfirst.fixes import file_io

    path = project / "app.py"
    path.write_text(CHAT, encoding="utf-8")
    os.chmod(path, 0o444)

    def refuse(*_args, **_kwargs):  # root may write a 0o444 file: refuse as the OS would
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(file_io, "write_atomic", refuse)
    code, out, err = run(capsys, "--fix", ".")
    assert "fix not applied" in err and "app.py" in err and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == CHAT
    assert code == 1 and "RF401" in out  # still reported


def test_file_changed_since_analysis_is_refused(project, capsys, monkeypatch):
    from ragfirst.cli import fix_run

    path = project / "app.py"
    path.write_text(CHAT, encoding="utf-8")
    real = fix_run.read_fixable

    def read_then_edit(target: Path):
        found = real(target)
        target.write_text("# edited meanwhile\n" + CHAT, encoding="utf-8")  # an editor saves now
        return found

    monkeypatch.setattr(fix_run, "read_fixable", read_then_edit)
    _, _, err = run(capsys, "--fix", ".")
    assert "changed since it was analysed" in err
    assert path.read_text(encoding="utf-8") == "# edited meanwhile\n" + CHAT


def test_line_moved_since_analysis_gets_no_fix(project, capsys, monkeypatch):
    from ragfirst.cli import fix_run

    path = project / "app.py"
    path.write_text(CHAT, encoding="utf-8")
    real = fix_run.read_fixable
    monkeypatch.setattr(
        fix_run,
        "read_fixable",
        lambda target: (target.write_text("\n" + CHAT, encoding="utf-8"), real(target))[1],
    )
    run(capsys, "--fix-only", ".")
    assert path.read_text(encoding="utf-8") == "\n" + CHAT  # not misplaced one line up


def test_symlinked_file_is_not_written_through(project, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "real.py"
    outside.write_text(CHAT, encoding="utf-8")
    (project / "app.py").symlink_to(outside)
    run(capsys, "--fix", "app.py")
    assert outside.read_text(encoding="utf-8") == CHAT


# -- samples/ ------------------------------------------------------------------------

EXPECTED = REPO_ROOT / "tests" / "fix_data" / "samples-fixed"


def _expected_tree(*levels: str) -> dict[str, bytes]:
    """The files `--fix` changes in samples/, as they must read after it (the `.expected`
    suffix keeps linters and formatters off them); a later level adds to an earlier one."""
    tree: dict[str, bytes] = {}
    for level in levels:
        for path in sorted((EXPECTED / level).rglob("*.expected")):
            tree[path.relative_to(EXPECTED / level).as_posix().removesuffix(".expected")] = path.read_bytes()
    return tree


@pytest.mark.parametrize(("flags", "levels"), [((), ("safe",)), (("--unsafe-fixes",), ("safe", "unsafe"))])
def test_fix_on_samples_gives_the_expected_tree(tmp_path, monkeypatch, capsys, flags, levels):
    copy = tmp_path / "samples"
    shutil.copytree(REPO_ROOT / "samples", copy)
    monkeypatch.chdir(copy)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-11-25")
    main(["check", "--no-cache", "--fix", *flags, "."])
    capsys.readouterr()
    expected = _expected_tree(*levels)
    changed = _differing(REPO_ROOT / "samples", copy)
    assert changed == sorted(expected)  # every other file is byte for byte the original
    for relative, content in expected.items():
        assert (copy / relative).read_bytes() == content, relative
    docs = (REPO_ROOT / "docs" / "fixes.md").read_text(encoding="utf-8")
    for relative in expected:
        assert f"samples/{relative}" in docs
    # Idempotent, and every fixed file still parses.
    main(["check", "--no-cache", "--fix", *flags, "."])
    capsys.readouterr()
    assert _differing(REPO_ROOT / "samples", copy) == sorted(expected)
    from ragfirst.fixes.apply import parses

    for relative in expected:
        assert parses(relative, (copy / relative).read_text(encoding="utf-8")), relative


def _differing(left: Path, right: Path, prefix: str = "") -> list[str]:
    compared = filecmp.dircmp(left, right)
    assert not compared.left_only and not compared.right_only, (compared.left_only, compared.right_only)
    out = [prefix + name for name in compared.diff_files]
    out += [
        name
        for name in compared.common_files
        if not filecmp.cmp(left / name, right / name, shallow=False) and prefix + name not in out
    ]
    for sub in compared.common_dirs:
        out += _differing(left / sub, right / sub, f"{prefix}{sub}/")
    return sorted(set(out))


# -- --add-suppressions --------------------------------------------------------------


def test_add_suppressions_silences_every_finding_with_the_reason(project, capsys):
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    (project / "train.py").write_text(TRAIN, encoding="utf-8")
    page = (
        "export default function Page() {\n  return (\n    <div>\n"
        "      {new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true }) && null}\n"
        "    </div>\n  );\n}\n"
    )
    (project / "page.jsx").write_text(
        '"use client";\nimport OpenAI from "openai";\n' + page, encoding="utf-8"
    )
    code, _, err = run(capsys, "--add-suppressions", "accepted in review 2026-11", ".")
    assert code == 0 and "added 3 suppression comment(s) in 3 file(s)" in err
    assert "# ragfirst: ignore[RF401] -- accepted in review 2026-11\nreply" in (project / "app.py").read_text(
        encoding="utf-8"
    )
    assert "{/* ragfirst: ignore[RF405] -- accepted in review 2026-11 */}\n      {new OpenAI" in (
        project / "page.jsx"
    ).read_text(encoding="utf-8")
    code, out, _ = run(capsys, ".")
    assert code == 0, out  # nothing active any more, and no RF001/RF002
    code, _, err = run(capsys, "--add-suppressions", "again", ".")
    assert "added 0 suppression comment(s)" in err


def test_add_suppressions_lists_the_lines_where_no_comment_is_legal(project, capsys):
    key = "sk-proj-" + "a8Kd93jfLq0PzXv7Tn2RbWc4YhM1eGs6T3BlbkFJa8Kd93jfLq0PzXv7Tn2R"
    # Line 4 is inside a template literal (no comment above it or after it is code), and
    # JSON has no comments at all.
    template = (
        'import OpenAI from "openai";\nconst client = new OpenAI();\nconst s = `before\n'
        '${await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [] })}\nafter`;\n'
    )
    (project / "page.ts").write_text(template, encoding="utf-8")
    (project / "config.json").write_text(f'{{"openai": {{"apiKey": "{key}"}}}}\n', encoding="utf-8")
    (project / "app.py").write_text(CHAT, encoding="utf-8")
    code, _, err = run(capsys, "--add-suppressions", "known", ".")
    assert code == 1, err  # findings are left active
    refused = [line for line in err.splitlines() if line.startswith("ragfirst: not suppressed: ")]
    assert refused == [
        "ragfirst: not suppressed: config.json:1: RF404 (no comment is legal on this line)",
        "ragfirst: not suppressed: page.ts:4: RF401 (no comment is legal on this line)",
    ]
    assert "added 1 suppression comment(s) in 1 file(s)" in err
    assert (project / "page.ts").read_text(encoding="utf-8") == template  # untouched
    # The Python file was suppressed; the listed two are still reported.
    _, out, _ = run(capsys, ".")
    assert "page.ts:4:" in out and "config.json:1:" in out and "app.py" not in out


def test_add_suppressions_writes_into_notebook_cells(project, capsys):
    import json

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# notes"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["!pip install openai\n", *CHAT.splitlines(keepends=True)],
        },
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"
    (project / "demo.ipynb").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "--add-suppressions", "known", ".")
    assert code == 0 and "added 1 suppression comment(s) in 1 file(s)" in err, err
    fixed = (project / "demo.ipynb").read_text(encoding="utf-8")
    source = json.loads(fixed)["cells"][1]["source"]
    assert source[4:6] == ["# ragfirst: ignore[RF401] -- known\n", CHAT.splitlines(keepends=True)[3]]
    assert '\n    "# ragfirst: ignore[RF401] -- known\\n",\n' in fixed  # the file's own layout
    code, out, _ = run(capsys, ".")
    assert code == 0, out


def test_add_suppressions_needs_a_one_line_reason(project, capsys):
    code, _, err = run(capsys, "--add-suppressions", "  ", ".")
    assert code == 2 and "one-line REASON" in err


def test_sarif_carries_fixes_with_artifact_changes(project, capsys):
    import json

    (project / "app.py").write_text(CHAT, encoding="utf-8")
    _, out, _ = run(capsys, "--format", "sarif", ".")
    import jsonschema

    schema = json.loads(
        (REPO_ROOT / "tests" / "ci" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(out))
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "RF401"]
    (fix,) = result["fixes"]
    assert fix["description"]["text"] == "Add max_completion_tokens=4096 (safe)"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 73, "endLine": 4, "endColumn": 73},
            "insertedContent": {"text": ", max_completion_tokens=4096"},
        }
    ]


def test_rf404_unsafe_fix_lists_the_variable_in_env_example(project, capsys):
    key = "sk-proj-" + "Ab1" * 19 + "A" + "T3BlbkFJ" + "Cd2" * 19 + "C"
    (project / "app.py").write_text(
        f'from openai import OpenAI\n\nclient = OpenAI(api_key="{key}")\n', encoding="utf-8"
    )
    (project / ".env.example").write_text("PINECONE_API_KEY=", encoding="utf-8")
    run(capsys, "--fix", ".")
    assert key in (project / "app.py").read_text(encoding="utf-8")  # unsafe: not with --fix alone
    run(capsys, "--fix", "--unsafe-fixes", ".")
    assert (project / "app.py").read_text(encoding="utf-8") == (
        'import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n'
    )
    assert (project / ".env.example").read_text(encoding="utf-8") == "PINECONE_API_KEY=\nOPENAI_API_KEY=\n"
