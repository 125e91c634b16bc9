"""`ragfirst report` on the command line: formats, output file, errors (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path

from ragfirst.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_html_to_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-06")
    out = tmp_path / "nested" / "report.html"
    assert main(["report", "samples/openai-finetune", "-o", str(out), "--no-blame"]) == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Training sites" in page
    assert f"wrote the report to {out}" in capsys.readouterr().err


def test_markdown_to_stdout(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("RAGFIRST_TODAY", "2026-12-06")
    assert main(["report", "samples/llm-gateway", "--format", "markdown", "--no-blame"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ragfirst report: samples/llm-gateway")
    assert "| samples/llm-gateway/litellm/config.yaml:12 |" in out


def test_options_reach_the_payback(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    args = ["report", "samples/clean-chatbot", "--format", "markdown", "--no-blame"]
    assert main([*args, "--monthly-spend", "30000", "--running-share", "0.0667"]) == 0
    assert "pays back after about 3 months" in capsys.readouterr().out


def test_errors_exit_2_with_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.startswith("ragfirst: error: no such file or directory")
    try:
        main(["report", ".", "--tuned-share", "2"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "must be between 0 and 1" in capsys.readouterr().err
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert main(["report", str(REPO / "samples/clean-chatbot"), "-o", str(blocked / "r.html")]) == 2
    assert "cannot write" in capsys.readouterr().err
