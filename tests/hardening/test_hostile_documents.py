"""Documents the editor sends are bounded as files on disk are (issue 25, "Time and
memory"): one long line does not hold up diagnostics, and a document over max-file-size
is one RF000, never split or encoded whole."""

from __future__ import annotations

import time
from pathlib import Path

from tests.hardening.fuzzlib import RawLsp


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _diagnostics(client: RawLsp, uri: str, timeout: float) -> tuple[list[dict], float]:
    started = time.perf_counter()
    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=timeout)
    return report["result"]["items"], time.perf_counter() - started


def test_a_long_word_run_line_does_not_hold_up_diagnostics(tmp_path):
    """A 30 KB line took ~16 s (quadratic redaction); 300 KB now stays within seconds."""
    client = RawLsp(tmp_path)
    try:
        uri = (tmp_path / "app.py").as_uri()
        text = (
            "from openai import OpenAI\nclient = OpenAI()\n"
            f"api_key = 'x'  # {'w' * 300_000}\n"
            "client.fine_tuning.jobs.create(model='gpt-4o-mini', training_file='f')"
            f"  # api_key {'w' * 300_000}\n"
        )
        client.open(uri, text)
        items, seconds = _diagnostics(client, uri, timeout=60)
    finally:
        client.close()
    assert any(item["code"] == "RF101" for item in items)
    assert seconds < 10, seconds


def test_a_document_over_max_file_size_is_one_rf000(tmp_path):
    (tmp_path / "ragfirst.toml").write_text("max-file-size = 1048576\n")
    client = RawLsp(tmp_path)
    try:
        uri = (tmp_path / "big.py").as_uri()
        line = "x = 'openai fine_tuning'  # " + "y" * 1000 + "\n"
        client.open(uri, "import openai\n" + line * 40_000)  # about 40 MB
        items, seconds = _diagnostics(client, uri, timeout=120)
        peak_mib = _peak_rss_kib(client.pid) / 1024
    finally:
        client.close()
    assert [item["code"] for item in items] == ["RF000"], items
    assert "too large" in items[0]["message"]
    assert seconds < 20, seconds
    # Measured: 175 MiB with the cap (the ~40 MB message as bytes, as a str and as the
    # editor's document), 259 MiB without it (split into lines and encoded whole).
    assert peak_mib < 225, peak_mib
