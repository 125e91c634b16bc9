"""Language-server latency and memory (issues 3 and 11).

    python bench/lsp_latency.py [--changes 100] [--interval 0.3] [--workspace DIR] [--json out.json]

Starts `python -m ragfirst server` and speaks LSP to it over stdio (a small JSON-RPC
client with Content-Length framing, below: no client library in the measurement path).
For each workspace (samples/ and, if built, bench/corpus/base; or the one --workspace
names) it:

1. starts the server and initializes it with that workspace folder and the server's
   default settings (its adaptive debounce included in the latency; `--debounce-ms N`
   sets a fixed one), and times `initialize` from the process start to the answer;
2. waits for the server's "ragfirst: indexed N files" log message and reads the server's
   RSS (VmRSS from /proc/<pid>/status) and how long indexing took;
3. opens a generated 2,000-line Python file with several findings, then sends N
   didChange notifications (full text, one small edit each) spaced `--interval` apart,
   and times each from the moment it is written to the pipe to the publishDiagnostics
   for that document version; reports median, p95 and max.

The generated file is written to bench/corpus/lsp_latency_file.py for inspection; the
document itself only exists in the editor's buffer (as an unsaved file would).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import BENCH, REPO, find_tool, fmt_table, machine_info, rss_kb, tool_version

INDEXED = re.compile(r"ragfirst: indexed (\d+) files")
DOC_NAME = "ragfirst_bench_latency.py"
LINES = 2000


# -- a minimal LSP client -------------------------------------------------------------------


class LspClient:
    def __init__(self, argv: list[str], cwd: Path, stderr_path: Path) -> None:
        self._stderr = stderr_path.open("wb")
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        self._lock = threading.Lock()
        self._next_id = 1
        self._pending: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.diagnostics: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.logs: list[str] = []
        self.indexed = threading.Event()
        self.indexed_files: int | None = None
        self.indexed_at: float | None = None
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # transport
    def _send(self, message: dict[str, Any]) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        assert self.proc.stdin is not None
        with self._lock:
            sent = time.perf_counter()
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return sent

    def _read_loop(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii", errors="replace").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = stream.read(length)
            received = time.perf_counter()
            try:
                message = json.loads(body)
            except ValueError:
                continue
            self._dispatch(message, received)

    def _dispatch(self, message: dict[str, Any], received: float) -> None:
        method = message.get("method")
        if method is not None and "id" in message:  # a request from the server
            self._send({"id": message["id"], "result": self._answer(method, message.get("params"))})
        elif "id" in message:
            waiting = self._pending.pop(message["id"], None)
            if waiting is not None:
                waiting.put(message)
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics.put((received, message["params"]))
        elif method in ("window/logMessage", "window/showMessage"):
            text = message.get("params", {}).get("message", "")
            self.logs.append(text)
            found = INDEXED.search(text)
            if found:
                self.indexed_files = int(found.group(1))
                self.indexed_at = received
                self.indexed.set()

    @staticmethod
    def _answer(method: str, params: Any) -> Any:
        if method == "workspace/configuration":
            return [{} for _ in (params or {}).get("items", [])]
        if method == "window/showDocument":
            return {"success": False}
        return None  # workDoneProgress/create, client/registerCapability, refreshes

    # API
    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        with self._lock:
            request_id = self._next_id
            self._next_id += 1
        waiting: queue.Queue[dict[str, Any]] = queue.Queue()
        self._pending[request_id] = waiting
        self._send({"id": request_id, "method": method, "params": params})
        reply = waiting.get(timeout=timeout)
        if "error" in reply:
            raise RuntimeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def notify(self, method: str, params: Any) -> float:
        return self._send({"method": method, "params": params})

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
                self.proc.wait(timeout=10)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._stderr.close()


# -- the document ---------------------------------------------------------------------------

_HEADER = '''"""Support-desk service: ticket triage, answers, and the (ill-advised) training jobs.

Generated by bench/lsp_latency.py: ordinary application code with a few training calls
mixed in, so that ragfirst has findings to report on every edit.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from openai import OpenAI
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainingArguments
from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

log = logging.getLogger(__name__)
client = OpenAI()
BASE_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
BENCH_EDIT_COUNTER = 0
'''

_ORDINARY = """

@dataclass
class Ticket{n}:
    ticket_id: str
    subject: str
    body: str
    tags: list[str] = field(default_factory=list)
    priority: int = {n_mod}

    def summary(self) -> str:
        words = self.body.split()
        head = " ".join(words[:24])
        return f"[{{self.ticket_id}}] {{self.subject}}: {{head}}"


def load_tickets_{n}(path: Path) -> list[Ticket{n}]:
    tickets = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                log.warning("skipping bad line %d in %s", number, path)
                continue
            tickets.append(Ticket{n}(row["id"], row.get("subject", ""), row.get("body", "")))
    return tickets


def triage_{n}(tickets: list[Ticket{n}], threshold: int = {n_mod}) -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {{"urgent": [], "normal": [], "later": []}}
    for ticket in tickets:
        score = ticket.priority + len(ticket.tags)
        if "outage" in ticket.body.lower() or score > threshold:
            buckets["urgent"].append(ticket.ticket_id)
        elif score > threshold // 2:
            buckets["normal"].append(ticket.ticket_id)
        else:
            buckets["later"].append(ticket.ticket_id)
    return buckets


def answer_{n}(question: str, context: str) -> str:
    started = time.monotonic()
    reply = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[
            {{"role": "system", "content": "Answer from the context only.\\n\\n" + context}},
            {{"role": "user", "content": question}},
        ],
        max_completion_tokens=300,
    )
    log.info("answered in %.2fs", time.monotonic() - started)
    return reply.choices[0].message.content or ""
"""

_TRAINING = [
    """

def start_hosted_job_{n}(training_file: str) -> str:
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini-2024-07-18",
        training_file=training_file,
        hyperparameters={{"n_epochs": 4}},
    )
    return job.id
""",
    """

def sft_{n}(dataset) -> None:
    trainer = SFTTrainer(model=BASE_MODEL, train_dataset=dataset, args=SFTConfig(output_dir="out-{n}"))
    trainer.train()
""",
    """

def dpo_{n}(dataset) -> None:
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL)
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)
    config = DPOConfig(output_dir="dpo-{n}", beta=0.1)
    DPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer).train()
""",
    """

def lora_{n}():
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL)
    config = LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"])
    return get_peft_model(model, config)
""",
    """

def train_loop_{n}(batches) -> None:
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    for batch in batches:
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
""",
    """

def arguments_{n}() -> TrainingArguments:
    return TrainingArguments(output_dir="args-{n}", num_train_epochs=3, learning_rate=2e-5)
""",
]


def generate_document(lines: int = LINES) -> str:
    """Exactly `lines` lines: ordinary code, with a training block after every few."""
    text_lines = _HEADER.splitlines()
    n = 0
    while True:
        block = _ORDINARY.format(n=n, n_mod=3 + n % 5)
        if n % 3 == 1:
            block += _TRAINING[(n // 3) % len(_TRAINING)].format(n=n)
        block_lines = block.splitlines()
        if len(text_lines) + len(block_lines) > lines:
            break
        text_lines += block_lines  # whole blocks only: the file always parses
        n += 1
    text_lines += ["", *(f"# padding {i}" for i in range(lines - len(text_lines) - 1))]
    return "\n".join(text_lines[:lines]) + "\n"


def edit(text: str, number: int) -> str:
    """One small edit: the counter's value (one line, like typing a digit)."""
    return text.replace("BENCH_EDIT_COUNTER = 0", f"BENCH_EDIT_COUNTER = {number}", 1)


# -- a session ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def server_python() -> str:
    ragfirst = find_tool("ragfirst")
    if ragfirst:
        candidate = Path(ragfirst).parent / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable


def wait_for_version(
    client: LspClient, uri: str, version: int, timeout: float
) -> tuple[float, dict[str, Any]] | None:
    deadline = time.perf_counter() + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        try:
            received, params = client.diagnostics.get(timeout=remaining)
        except queue.Empty:
            return None
        if params.get("uri") == uri and params.get("version") == version:
            return received, params


def session(
    workspace: Path,
    text: str,
    changes: int,
    interval: float,
    index_timeout: float,
    debounce_ms: float | None = None,
) -> dict[str, Any]:
    workspace = workspace.resolve()
    stderr_path = BENCH / "corpus" / f"lsp-server-{workspace.name}.stderr"
    stderr_path.parent.mkdir(parents=True, exist_ok=True)
    argv = [server_python(), "-m", "ragfirst", "server"]
    started = time.perf_counter()
    client = LspClient(argv, cwd=workspace, stderr_path=stderr_path)
    result: dict[str, Any] = {"workspace": _show(workspace), "command": " ".join(argv[1:])}
    if hasattr(os, "getloadavg"):
        result["load_average_at_start"] = round(os.getloadavg()[0], 2)
    try:
        rss_start = rss_kb(client.proc.pid)
        init = client.request(
            "initialize",
            {
                "processId": None,
                "clientInfo": {"name": "ragfirst-bench"},
                "rootUri": workspace.as_uri(),
                "workspaceFolders": [{"uri": workspace.as_uri(), "name": workspace.name}],
                "initializationOptions": {} if debounce_ms is None else {"debounceMs": debounce_ms},
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                        "synchronization": {"didSave": True},
                    },
                    "window": {"workDoneProgress": True},
                    "workspace": {"workspaceFolders": True, "configuration": True},
                },
            },
            timeout=120,
        )
        result["initialize_ms"] = round((time.perf_counter() - started) * 1000, 1)
        result["server"] = (init or {}).get("serverInfo", {})
        client.notify("initialized", {})
        if not client.indexed.wait(index_timeout):
            raise RuntimeError(
                f"no 'ragfirst: indexed N files' log within {index_timeout:.0f}s; logs: {client.logs[-5:]}"
            )
        result["indexed_files"] = client.indexed_files
        result["index_s"] = round((client.indexed_at or time.perf_counter()) - started, 3)
        time.sleep(0.5)  # let the relint of open documents (none yet) and GC settle
        result["rss_start_mb"] = round(rss_start / 1024, 1)
        result["rss_after_index_mb"] = round(rss_kb(client.proc.pid) / 1024, 1)

        uri = (workspace / DOC_NAME).as_uri()
        sent = client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        opened = wait_for_version(client, uri, 1, timeout=60)
        if opened is None:
            raise RuntimeError("no diagnostics for the opened document within 60s")
        result["open_ms"] = round((opened[0] - sent) * 1000, 2)
        result["diagnostics"] = len(opened[1]["diagnostics"])
        result["diagnostic_codes"] = sorted({str(d.get("code")) for d in opened[1]["diagnostics"]})

        latencies: list[float] = []
        missing = 0
        for number in range(1, changes + 1):
            version = number + 1
            sent = client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": edit(text, number)}],
                },
            )
            got = wait_for_version(client, uri, version, timeout=max(10.0, interval * 20))
            if got is None:
                missing += 1
            else:
                latencies.append((got[0] - sent) * 1000)
            pause = interval - (time.perf_counter() - sent)
            if pause > 0:
                time.sleep(pause)
        result["changes"] = changes
        result["answered"] = len(latencies)
        result["missing"] = missing
        if latencies:
            result["latency_ms"] = {
                "median": round(statistics.median(latencies), 2),
                "p95": round(percentile(latencies, 0.95), 2),
                "max": round(max(latencies), 2),
                "min": round(min(latencies), 2),
                "mean": round(statistics.fmean(latencies), 2),
            }
        result["rss_after_edits_mb"] = round(rss_kb(client.proc.pid) / 1024, 1)
        result["rss_peak_mb"] = round(_hwm_kb(client.proc.pid) / 1024, 1)
    finally:
        client.close()
    return result


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _show(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def run(
    workspaces: list[Path],
    changes: int,
    interval: float,
    index_timeout: float,
    debounce_ms: float | None = None,
) -> dict[str, Any]:
    text = generate_document()
    sample = BENCH / "corpus" / "lsp_latency_file.py"
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_text(text, encoding="utf-8")
    sessions = []
    for workspace in workspaces:
        print(f"[lsp] session: workspace {_show(workspace)}", file=sys.stderr, flush=True)
        sessions.append(session(workspace, text, changes, interval, index_timeout, debounce_ms))
    ragfirst = find_tool("ragfirst")
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "ragfirst": tool_version([ragfirst, "--version"]) if ragfirst else "?",
        "document": {"lines": text.count("\n"), "bytes": len(text.encode()), "saved_as": _show(sample)},
        "changes": changes,
        "interval_s": interval,
        "debounce_ms": "server default (adaptive)" if debounce_ms is None else debounce_ms,
        "sessions": sessions,
    }


def render(results: dict[str, Any]) -> str:
    doc = results["document"]
    out = [
        f"ragfirst LSP latency, {results['date']}, {results['ragfirst']}, "
        f"{results['machine']['nproc']} cores, Python {results['machine']['python']}",
        f"document: {doc['lines']} lines ({doc['saved_as']}); {results['changes']} didChange (full text), "
        f"{results['interval_s'] * 1000:.0f} ms apart, debounce: {results['debounce_ms']}",
        "",
    ]
    headers = [
        "workspace",
        "initialize ms",
        "indexed files",
        "index s",
        "RSS after index MB",
        "open ms",
        "diagnostics",
        "median ms",
        "p95 ms",
        "max ms",
        "answered",
        "RSS after edits MB",
    ]
    rows = []
    for s in results["sessions"]:
        lat = s.get("latency_ms", {})
        rows.append(
            [
                s["workspace"],
                f"{s.get('initialize_ms', float('nan')):.0f}",
                str(s.get("indexed_files")),
                f"{s.get('index_s', 0):.1f}",
                f"{s.get('rss_after_index_mb', 0):.0f}",
                f"{s.get('open_ms', 0):.0f}",
                str(s.get("diagnostics")),
                f"{lat.get('median', float('nan')):.1f}",
                f"{lat.get('p95', float('nan')):.1f}",
                f"{lat.get('max', float('nan')):.1f}",
                f"{s.get('answered')}/{s.get('changes')}",
                f"{s.get('rss_after_edits_mb', 0):.0f}",
            ]
        )
    out.append(fmt_table(headers, rows))
    for s in results["sessions"]:
        load = s.get("load_average_at_start")
        busy = (
            f"; WARNING: load average {load} at start (other work on the machine)"
            if load and load > 0.7
            else ""
        )
        out.append(f"  {s['workspace']}: diagnostic codes {', '.join(s.get('diagnostic_codes', []))}{busy}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between didChange (0.3)")
    parser.add_argument(
        "--workspace",
        type=Path,
        action="append",
        help="workspace folder(s) to test (default: samples/ and bench/corpus/base if built)",
    )
    parser.add_argument("--index-timeout", type=float, default=900)
    parser.add_argument(
        "--debounce-ms", type=float, help="a fixed server debounce (default: the server's own, adaptive)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    workspaces = args.workspace or [REPO / "samples"]
    if not args.workspace and (BENCH / "corpus" / "base").is_dir():
        workspaces.append(BENCH / "corpus" / "base")
    results = run(workspaces, args.changes, args.interval, args.index_timeout, args.debounce_ms)
    print(render(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"[lsp] wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
