"""Shared machinery for the hardening tests and `scripts/fuzz.py`.

- seed files per file kind (embedded, so the fuzzer does not depend on samples/ changing),
- deterministic mutators (byte flips, truncation, NULs, random unicode, splices, tokens),
- `check_case`: the engine properties every input must satisfy,
- `RawLsp`: a minimal synchronous JSON-RPC/LSP client over a subprocess's stdio, for the
  fuzzer's "the server answers after every input" property and for raw-bytes tests.

Nothing here is a test by itself; pytest collects nothing from this module.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
INTERNAL_ERROR_MARK = "internal error while"

# -- seeds ------------------------------------------------------------------------------

# Each seed contains trigger words, so the prefilter lets it through to the real parser.
PYTHON_SEEDS = [
    """\
from openai import AzureOpenAI

client = AzureOpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
""",
    """\
import openai as oa
from transformers import Trainer, TrainingArguments
from peft import LoraConfig, get_peft_model

args = TrainingArguments(output_dir="out", num_train_epochs=3, learning_rate=2e-5)
lora = LoraConfig(r=8, lora_alpha=16)
trainer = Trainer(model=get_peft_model(model, lora), args=args, train_dataset=ds)
trainer.train()  # ragfirst: ignore[RF102] -- approved in ADR-7
resp = oa.OpenAI().chat.completions.create(model="gpt-4.1", messages=[{"role": "user", "content": "é😀"}])
""",
    """\
class Svc:
    def __init__(self):
        from openai import AsyncOpenAI
        self.client = AsyncOpenAI(api_key="sk-not-a-real-key-placeholder")

    async def tune(self, path: str) -> None:
        f = await self.client.files.create(file=open("data/train.jsonl", "rb"), purpose="fine-tune")
        await self.client.fine_tuning.jobs.create(training_file=f.id, model="gpt-4.1-mini",
            method={"type": "dpo", "dpo": {"hyperparameters": {"n_epochs": 2}}})
        for batch in loader:
            loss.backward(); optimizer.step()
""",
]

JS_SEEDS = [
    """\
import OpenAI from "openai";
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
export async function tune(): Promise<void> {
  const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "file-abc" });
  const r = await client.chat.completions.create({ model: "gpt-4.1", messages: [] as any[] });
  console.log(`${job.id} é😀`, r!);
}
""",
    """\
const { OpenAI } = require("openai");
const fs = require("node:fs");
class Tuner { constructor() { this.c = new OpenAI({ apiKey: "sk-xxxx" }); }
  async run() { const f = await this.c.files.create({ file: fs.createReadStream("data/train.jsonl"), purpose: "fine-tune" });
    return this.c.fineTuning.jobs.create({ training_file: f.id, model: "gpt-4o-mini", hyperparameters: { n_epochs: 3 } }); } }
module.exports = { Tuner };
// ragfirst: ignore[RF101] -- demo
""",
]

YAML_SEEDS = [
    """\
# Production LiteLLM proxy
model_list:
  - model_name: gpt-4.1
    litellm_params:
      model: openai/gpt-4.1
      api_key: os.environ/OPENAI_API_KEY
litellm_settings:
  max_budget: 450
  budget_duration: 1d
general_settings: &g
  master_key: os.environ/LITELLM_MASTER_KEY
other: *g
""",
    """\
base_model: meta-llama/Llama-3.1-8B
adapter: lora
lora_r: 16
datasets:
  - path: data/train.jsonl
    type: chat_template
num_epochs: 3
learning_rate: 0.0002
deepspeed: ds_config.json
---
compute_environment: LOCAL_MACHINE
distributed_type: DEEPSPEED
""",
]

JSON_SEEDS = [
    """\
{
  "name": "gateway",
  "dependencies": {"openai": "^4.0.0", "@huggingface/transformers": "^3.0.0"},
  "devDependencies": {"trl": "1.0"},
  "config": {"api_key": "os.environ/KEY", "max_budget": 20000, "nested": [1, 2.5, null, true, "é😀"]}
}
""",
    """\
{"train_batch_size": 16, "gradient_accumulation_steps": 1,
 "zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu"}},
 "fp16": {"enabled": true}, "optimizer": {"type": "AdamW", "params": {"lr": 2e-5}}}
""",
]

TOML_SEEDS = [
    """\
[project]
name = "tuner"
dependencies = [
  "openai>=1.40",
  "transformers>=4.45",
  "peft>=0.12",
]

[tool.ragfirst]
ignore = ["RF104"]
severity = { RF101 = "error" }

[tool.poetry.dependencies]
trl = "^0.29"
""",
    """\
# litellm-ish settings
[general]
max_budget = 20_000.5
budget_duration = "30d"
[[models]]
name = "gpt-4.1"
api_key = "sk-placeholder"
[[models]]
name = 'claude'
""",
]

DOTENV_SEEDS = [
    """\
# A FAKE key, generated for fuzzing
OPENAI_API_KEY=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
ANTHROPIC_API_KEY=
export LITELLM_MASTER_KEY="sk-..."  # comment
MAX_BUDGET=20000
""",
]

REQUIREMENTS_SEEDS = [
    """\
torch>=2.4
transformers>=4.45
peft>=0.12  # adapters
bitsandbytes>=0.43
trl>=0.29 ; python_version >= "3.10"
-r other.txt
git+https://example.invalid/repo.git#egg=unsloth
deepspeed[all]==0.15
""",
]


def _jsonl_seed(count: int) -> str:
    lines = []
    for i in range(count):
        record = {
            "messages": [
                {"role": "system", "content": "You are Acme's support assistant."},
                {"role": "user", "content": f"question {i} é😀"},
                {"role": "assistant", "content": f"answer {i}"},
            ]
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


JSONL_SEEDS = [
    _jsonl_seed(12),
    '{"prompt": "a", "completion": "b"}\n{"prompt": "c"}\n{"messages": [{"role": "bogus"}]}\nnot json\n',
    '{"chosen": [{"role": "user", "content": "x"}], "rejected": []}\n{"input": {"messages": []}}\n',
]


@dataclass(frozen=True)
class Kind:
    name: str
    filename: str
    seeds: tuple[str, ...]
    tokens: tuple[str, ...]


_COMMON_TOKENS = (
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "\\",
    '"',
    "'",
    "`",
    "#",
    "//",
    "/*",
    "*/",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "-",
    "\ufeff",
    "\u2028",
    "\x0c",
    "\x00",
    "${",
    "é",
    "😀",
    "\u202e",
    "ragfirst: ignore[RF101] -- reason",
    "ragfirst: ignore",
    "# ragfirst: ignore-file[RF404]",
    "fine_tuning",
    "apiKey",
    "api_key",
    "sk-proj-",
    "openai",
    "1e999",
    "-0",
    "NaN",
    "null",
)

SQL_SEEDS = [
    """\
-- documents and their embeddings
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    body text,
    embedding vector(1536)
);
CREATE INDEX ON documents USING hnsw (embedding vector_cosine_ops);
SELECT ai.openai_embed('text-embedding-3-small', body) FROM documents; /* a
block comment */ INSERT INTO t VALUES ('it''s', $$dollar
quoted$$, E'\\n');
""",
]

INI_SEEDS = [
    """\
[metadata]
name = demo
; a comment
[options]
install_requires =
    openai>=1.40
    trl==0.29
    peft

[options.extras_require]
train =
    deepspeed>=0.15
[tool:pytest]
addopts = -q
""",
]

VUE_SEED = """\
<template>
  <button @click="tune">Tune {{ label }}</button>
</template>

<script setup lang="ts">
import OpenAI from "openai";
const openai = new OpenAI({ apiKey: "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", dangerouslyAllowBrowser: true });
const tune = () => openai.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: `f${1}` });
</script>

<style scoped>
button { color: red; }
</style>
"""

TSX_SEED = """\
import OpenAI from "openai";
import { useState } from "react";

const client = new OpenAI({ dangerouslyAllowBrowser: true });

export function Tune<T extends object>(props: { label: string } & T) {
  const [busy, setBusy] = useState<boolean>(false);
  const run = async () => {
    setBusy(true);
    await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });
    await client.chat.completions.create({ model: "gpt-4o", messages: [] });
  };
  return <button disabled={busy} onClick={run}>{props.label}{`x${1}`}</button>;
}
"""


def notebook_text(*cells: tuple[str, str], outputs: list[dict[str, Any]] | None = None) -> str:
    """A notebook seed: (cell_type, source) pairs; the first code cell gets `outputs`."""
    document_cells = []
    for index, (kind, source) in enumerate(cells):
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source.splitlines(True)}
        if kind == "code":
            cell["execution_count"] = index
            cell["outputs"] = outputs if index == 0 and outputs else []
        document_cells.append(cell)
    document = {
        "cells": document_cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


NOTEBOOK_SEEDS = (
    notebook_text(
        ("code", "!pip install -q trl==0.12 unsloth 'peft>=0.10'\n%matplotlib inline"),
        ("markdown", "# Fine-tune\nWe call `SFTTrainer` below."),
        ("code", PYTHON_SEEDS[0]),
        (
            "code",
            "%%time\nfrom trl import SFTTrainer\ntrainer = SFTTrainer(model='Qwen/Qwen2.5-0.5B', train_dataset=ds)\ntrainer.train()",
        ),
        ("code", "%%bash\npython -m pip install deepspeed"),
        ("code", "pip install openai"),
        ("code", 'files = !ls data\nmodel?\nprint(f"{files[0]!r:>{10}}")'),
        outputs=[
            {
                "output_type": "stream",
                "name": "stdout",
                "text": [
                    "OPENAI_API_KEY=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\n"
                ],
            }
        ],
    ),
    notebook_text(
        ("code", "from openai import OpenAI\nclient = OpenAI()"),
        (
            "code",
            "import chromadb\ncollection = chromadb.PersistentClient(path='db').get_or_create_collection('docs')",
        ),
        (
            "code",
            "answer = client.chat.completions.create(model='gpt-4o', messages=[])\nawait asyncio.sleep(0)",
        ),
        ("raw", "client.fine_tuning.jobs.create(model='gpt-4o-mini')"),
    ),
)

NOTEBOOK_TOKENS = (
    '"cell_type": "code"',
    '"source": [',
    '"source": "',
    '"outputs": [',
    "%%bash\\n",
    "%%writefile x.py\\n",
    "!pip install trl\\n",
    "%time ",
    "?",
    "\\n",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    '"',
    ",",
    "# ragfirst: ignore[RF102] -- ok\\n",
)

_MARKUP_TOKENS = (
    "<script>",
    "</script>",
    '<script setup lang="ts">',
    "<template>",
    "{{",
    "}}",
    "<!--",
    "-->",
    "`${",
    "<style>",
)

KINDS: dict[str, Kind] = {
    "python": Kind(
        "python",
        "fuzz_case.py",
        tuple(PYTHON_SEEDS),
        (
            "def ",
            "class ",
            "lambda",
            "async ",
            "await ",
            "yield",
            "*",
            "**",
            "@",
            "f'{",
            "'''",
            '"""',
            "    ",
            "import ",
            "from . import",
            ":=",
            "match x:\n case _:",
            "\\\n",
            "u'",
            "rb'",
        ),
    ),
    "javascript": Kind(
        "javascript",
        "fuzz_case.js",
        tuple(JS_SEEDS),
        (
            "function",
            "=>",
            "new ",
            "require(",
            "import(",
            "export ",
            "`${",
            "</script>",
            "<div>",
            "?.",
            "!",
            "as any",
            "class ",
            "async ",
            "await ",
            "/re/g",
            "...",
            "#priv",
        ),
    ),
    "typescript": Kind(
        "typescript",
        "fuzz_case.ts",
        tuple(JS_SEEDS),
        (
            "<T>",
            ": string",
            "interface I {",
            "enum E {",
            "satisfies ",
            "as const",
            "!",
            "?.",
            "`${",
            "=>",
            "type X = ",
            "declare module",
            "@decorator",
            "abstract ",
            "implements ",
        ),
    ),
    "yaml": Kind(
        "yaml",
        "fuzz_case.yaml",
        tuple(YAML_SEEDS),
        (
            "- ",
            "? ",
            "&a ",
            "*a",
            "!!python/object/apply:os.system ['true']",
            "!!binary",
            "|",
            ">",
            "---",
            "...",
            "%YAML 1.1",
            "<<: *g",
            "!!str",
            "!tag",
            "@",
            "`",
        ),
    ),
    "json": Kind(
        "json",
        "fuzz_case.json",
        tuple(JSON_SEEDS),
        ('"', "\\u", "\\ud800", "true", "false", "1e999", "-", "0.", "[[[[", "]]]]", '{"a":', "Infinity"),
    ),
    "toml": Kind(
        "toml",
        "fuzz_case.toml",
        tuple(TOML_SEEDS),
        (
            "[[",
            "]]",
            '"""',
            "'''",
            "= {",
            "inf",
            "nan",
            "1979-05-27T07:32:00Z",
            "0x",
            "0o",
            "a.b.c = 1",
            "[tool.ragfirst]",
        ),
    ),
    "dotenv": Kind(
        "dotenv",
        ".env",
        tuple(DOTENV_SEEDS),
        ("export ", "=", "KEY=", "'", '"', " #", "$(", "${VAR}", "\\n"),
    ),
    "requirements": Kind(
        "requirements",
        "requirements.txt",
        tuple(REQUIREMENTS_SEEDS),
        ("==", ">=", "~=", "[", "]", ";", "-e ", "-r ", "--hash=sha256:", "@ file:///", "\\\n", "#egg="),
    ),
    "jsonl": Kind(
        "jsonl",
        "train.jsonl",
        tuple(JSONL_SEEDS),
        (
            '{"messages": [',
            '"role": "user"',
            '"role": "assistant"',
            '"content": ',
            "]}",
            "\n",
            "{}",
            "[]",
            '"weight": 0',
            "\\ud800",
        ),
    ),
    "sql": Kind(
        "sql",
        "fuzz_case.sql",
        tuple(SQL_SEEDS),
        ("--", "/*", "*/", "'", "''", "$$", "$tag$", "E'\\", "vector(", "CREATE TABLE ", ";", "(", ")", '"'),
    ),
    "ini": Kind(
        "ini",
        "setup.cfg",
        tuple(INI_SEEDS),
        ("[", "]", "=", ":", ";", "#", "    ", "\t", "%(name)s", "[options]", "install_requires =\n    "),
    ),
    "vue": Kind("vue", "FuzzCase.vue", (VUE_SEED,), _MARKUP_TOKENS),
    "svelte": Kind(
        "svelte",
        "FuzzCase.svelte",
        (VUE_SEED.replace('<script setup lang="ts">', "<script>").replace("@click", "on:click"),),
        (*_MARKUP_TOKENS, "{#if x}", "{/if}", "$:"),
    ),
    "tsx": Kind(
        "tsx", "fuzz_case.tsx", (TSX_SEED,), ("<", ">", "</", "/>", "{", "}", "<T,>", "`${", "=>", "as any")
    ),
    "notebook": Kind("notebook", "fuzz_case.ipynb", NOTEBOOK_SEEDS, NOTEBOOK_TOKENS),
}


def available_kinds() -> dict[str, Kind]:
    """The kinds whose file name the analyzer registry claims right now."""
    from ragfirst.analyzers.registry import language_of

    return {name: kind for name, kind in KINDS.items() if language_of(kind.filename) is not None}


def require_kind(kind: str) -> Kind:
    """The fuzz kind, or a pytest skip naming why (the JS/TS analyzer may not be registered)."""
    import pytest

    spec = KINDS[kind]
    if kind not in available_kinds():
        pytest.skip(f"no analyzer registered for {spec.filename} (see analyzers/registry.py)")
    return spec


# -- mutators ---------------------------------------------------------------------------

_UNICODE_POOL = (
    "\u00e9",
    "\u0301",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\uffff",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0010ffff",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\u00a0",
    "\u3000",
    "\u0130",
    "\u0131",
    "\u212a",
    "\uff21",
    "\u0660",
)


def random_unicode(rng: random.Random, length: int) -> str:
    chars = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.4:
            chars.append(rng.choice(_UNICODE_POOL))
        elif roll < 0.7:
            chars.append(chr(rng.randrange(0x20, 0x7F)))
        else:
            code = rng.randrange(0, 0x110000)
            if 0xD800 <= code <= 0xDFFF:
                code = 0xFFFD
            chars.append(chr(code))
    return "".join(chars)


def _flip(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        index = rng.randrange(len(buf))
        buf[index] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _truncate(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _nul(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    index = rng.randrange(len(data) + 1)
    return data[:index] + b"\0" * rng.randint(1, 3) + data[index:]


def _late_nul(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    """A NUL past the 8 KiB binary sniff window: the parsers themselves must cope."""
    padding = (b"# " + b"p" * 78 + b"\n") * 110 if kind.name not in ("json", "jsonl") else b" " * 8800
    return padding + data + b"\0" + data[: rng.randrange(len(data) + 1)]


def _unicode(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    index = rng.randrange(len(data) + 1)
    insert = random_unicode(rng, rng.randint(1, 12)).encode("utf-8")
    return data[:index] + insert + data[index:]


def _invalid_utf8(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    index = rng.randrange(len(data) + 1)
    junk = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80\x80"])
    return data[:index] + junk + data[index:]


def _delete(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 40) :]


def _duplicate(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 200))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * rng.randint(1, 5) + data[at:]


def _token(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    token = rng.choice(kind.tokens + _COMMON_TOKENS).encode("utf-8")
    index = rng.randrange(len(data) + 1)
    return data[:index] + token * rng.choice((1, 1, 1, 2, 7, 64)) + data[index:]


def _line_endings(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    ending = rng.choice([b"\r\n", b"\r", b"\n\r", b"\x0c\n"])
    return data.replace(b"\n", ending)


def _splice(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    other = rng.choice(kind.seeds).encode("utf-8")
    cut = rng.randrange(len(data) + 1)
    cut_other = rng.randrange(len(other) + 1)
    return data[:cut] + other[cut_other:]


def _nest(rng: random.Random, data: bytes, kind: Kind) -> bytes:
    depth = rng.choice((10, 100, 300, 1000))
    opener, closer = rng.choice([(b"[", b"]"), (b"{", b"}"), (b"(", b")")])
    index = rng.randrange(len(data) + 1)
    return data[:index] + opener * depth + closer * rng.choice((depth, 0, depth // 2)) + data[index:]


MUTATORS = {
    "flip": _flip,
    "truncate": _truncate,
    "nul": _nul,
    "late_nul": _late_nul,
    "unicode": _unicode,
    "invalid_utf8": _invalid_utf8,
    "delete": _delete,
    "duplicate": _duplicate,
    "token": _token,
    "line_endings": _line_endings,
    "splice": _splice,
    "nest": _nest,
}
_WEIGHTS = {"late_nul": 1, "line_endings": 2, "nest": 2, "nul": 2}


def mutate(kind: Kind, rng: random.Random) -> tuple[bytes, list[str]]:
    """A seed of `kind` with one to four stacked mutations; returns (data, mutator names)."""
    if kind.name == "notebook" and rng.random() < 0.7:
        return _mutate_cells(kind, rng)
    data = rng.choice(kind.seeds).encode("utf-8")
    names = list(MUTATORS)
    weights = [_WEIGHTS.get(name, 4) for name in names]
    applied = []
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        name = rng.choices(names, weights)[0]
        data = MUTATORS[name](rng, data, kind)
        applied.append(name)
    return data, applied


def _mutate_cells(kind: Kind, rng: random.Random) -> tuple[bytes, list[str]]:
    """A notebook that stays valid JSON with mutated cell sources: the cells' Python and
    IPython syntax is what is fuzzed, not the JSON reader (the other 30% of cases)."""
    document = json.loads(rng.choice(kind.seeds))
    cells = document["cells"]
    names = list(MUTATORS)
    weights = [_WEIGHTS.get(name, 4) for name in names]
    applied = ["cells"]
    python = KINDS["python"]
    for _ in range(rng.choice((1, 1, 2, 3))):
        cell = rng.choice(cells)
        data = "".join(cell["source"]).encode("utf-8")
        name = rng.choices(names, weights)[0]
        data = MUTATORS[name](rng, data, python)
        applied.append(name)
        text = (
            data.decode("utf-8", errors="surrogateescape").encode("utf-8", errors="replace").decode("utf-8")
        )
        cell["source"] = text if rng.random() < 0.3 else text.splitlines(True)
        if rng.random() < 0.1:
            cell["cell_type"] = rng.choice(("code", "markdown", "raw", "unknown"))
    ascii_only = rng.random() < 0.3
    return (
        json.dumps(document, indent=rng.choice((None, 1)), ensure_ascii=ascii_only) + "\n"
    ).encode(), applied


def case_rng(kind: str, seed: int, index: int) -> random.Random:
    return random.Random(f"{kind}:{seed}:{index}")


# -- properties -------------------------------------------------------------------------


@dataclass
class Problem:
    kind: str
    what: str  # crash | internal-error | nondeterministic | rf000-count | bad-position | slow | cli | lsp
    detail: str
    data: bytes = b""

    def short(self) -> str:
        return (
            f"[{self.kind}] {self.what}: {self.detail.strip().splitlines()[-1][:300] if self.detail else ''}"
        )


@dataclass
class CaseOutcome:
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rule_ids: tuple[str, ...] = ()


_ENGINE_CACHE: dict[str, Any] = {}


def default_engine() -> tuple[Any, Any]:
    """One Engine + Settings for the built-in rules (loading rules costs ~0.5 s)."""
    if "engine" not in _ENGINE_CACHE:
        from ragfirst.config.settings import Settings
        from ragfirst.engine.runner import EngineCache

        settings = Settings()
        _ENGINE_CACHE["settings"] = settings
        _ENGINE_CACHE["engine"] = EngineCache().for_settings(settings)
    return _ENGINE_CACHE["engine"], _ENGINE_CACHE["settings"]


def _signature(findings: list[Any]) -> tuple[Any, ...]:
    return tuple(
        (f.rule_id, f.span, f.message, int(f.severity), f.suppressed, f.snippet, f.path) for f in findings
    )


def _inside(span: Any, lines: list[str]) -> bool:
    ok = (
        1 <= span.start_line <= span.end_line <= len(lines) + 1
        and span.start_col >= 0
        and span.end_col >= 0
        and (span.start_line, span.start_col) <= (span.end_line, span.end_col)
    )
    if ok and span.start_line <= len(lines):
        ok = span.start_col <= len(lines[span.start_line - 1]) + 1
    return ok


def _cell_lines(data: bytes) -> list[list[str]] | None:
    """Each cell's lines as an editor shows them (None when the JSON is not a notebook)."""
    from ragfirst.source import SourceText

    try:
        cells = json.loads(data)["cells"]
        return [
            SourceText("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).lines
            for c in cells
        ]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def run_engine(path: str, data: bytes, engine: Any = None, settings: Any = None) -> list[Any]:
    """analyze + finalize, as the CLI does for one file of a one-file project."""
    from ragfirst.engine.project import ProjectIndex

    if engine is None:
        engine, settings = default_engine()
    analysis = engine.analyze(path, data, max_bytes=settings.max_file_size)
    project = ProjectIndex()
    project.set_file(path, analysis.fact_sites)
    return engine.finalize(analysis, project, settings)


def check_case(kind: str, path: str, data: bytes, slow_seconds: float = 5.0) -> CaseOutcome:
    """Every property of one input; problems are returned, never raised."""
    from ragfirst.source import SourceText

    outcome = CaseOutcome()
    started = time.perf_counter()
    try:
        first = run_engine(path, data)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        outcome.problems.append(Problem(kind, "crash", traceback.format_exc(), data))
        outcome.seconds = time.perf_counter() - started
        return outcome
    outcome.seconds = time.perf_counter() - started
    outcome.rule_ids = tuple(f.rule_id for f in first)
    errors = [f for f in first if f.rule_id == "RF000"]
    for finding in errors:
        if INTERNAL_ERROR_MARK in finding.message:
            outcome.problems.append(Problem(kind, "internal-error", finding.message, data))
    if len(errors) > 1 and kind != "notebook":  # a notebook: one RF000 per broken cell
        outcome.problems.append(
            Problem(kind, "rf000-count", f"{len(errors)} RF000 findings: {[f.message for f in errors]}", data)
        )
    lines = SourceText(data.decode("utf-8", errors="replace")).lines
    cells = _cell_lines(data) if kind == "notebook" else None
    for finding in first:
        # A notebook finding: `span` inside its cell, `cell.file_span` inside the .ipynb.
        places = [(finding.span, lines)]
        if finding.cell is not None:
            places = [(finding.cell.file_span, lines)]
            if cells is not None and not finding.cell.output and 1 <= finding.cell.cell <= len(cells):
                places.append((finding.span, cells[finding.cell.cell - 1]))
        for span, within in places:
            if not _inside(span, within):
                outcome.problems.append(
                    Problem(kind, "bad-position", f"{finding.rule_id} {span} ({len(within)} lines)", data)
                )
        if not finding.message or not finding.rule_id:
            outcome.problems.append(Problem(kind, "bad-position", f"empty message/rule in {finding}", data))
    try:
        second = run_engine(path, data)
    except BaseException:
        outcome.problems.append(Problem(kind, "crash", "second run: " + traceback.format_exc(), data))
        return outcome
    if _signature(first) != _signature(second):
        outcome.problems.append(
            Problem(kind, "nondeterministic", f"{_signature(first)} != {_signature(second)}", data)
        )
    if outcome.seconds > slow_seconds:
        outcome.problems.append(Problem(kind, "slow", f"{outcome.seconds:.2f}s for {len(data)} bytes", data))
    return outcome


def run_cli_in_process(args: list[str]) -> tuple[int | None, str, str, str | None]:
    """`ragfirst ...` in this process: (exit code, stdout, stderr, traceback or None)."""
    from ragfirst.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    trace = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            trace = traceback.format_exc()
    if trace is None and "ragfirst: internal error:" in err.getvalue():
        trace = err.getvalue()  # main() turns a bug into exit 2 and one line: still a crash
    return code, out.getvalue(), err.getvalue(), trace


def check_cli_batch(directory: Path) -> list[Problem]:
    """The CLI on a directory of fuzz cases: exit code 0/1/2 and well-formed JSON."""
    problems = []
    code, out, err, trace = run_cli_in_process(["check", "--format", "json", str(directory)])
    if trace is not None:
        return [Problem("cli", "crash", trace)]
    if code not in (0, 1, 2):
        problems.append(Problem("cli", "cli", f"exit code {code!r}; stderr: {err[-500:]}"))
    if code in (0, 1):
        try:
            payload = json.loads(out)
        except ValueError as exc:
            problems.append(Problem("cli", "cli", f"output is not JSON: {exc}: {out[:200]!r}"))
        else:
            for finding in payload.get("findings", []):
                if finding.get("rule") == "RF000" and INTERNAL_ERROR_MARK in str(finding):
                    problems.append(Problem("cli", "internal-error", str(finding)[:500]))
    return problems


# -- a raw LSP client over stdio --------------------------------------------------------


def frame(payload: dict[str, Any] | bytes) -> bytes:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class LspClosed(Exception):
    pass


class RawLsp:
    """Synchronous LSP client: a reader thread parses frames; server requests get `null`."""

    def __init__(
        self,
        root: Path,
        *,
        pull: bool = True,
        process_id: int | None = None,
        env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.root = root
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "ragfirst", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(root),
            env=env,
        )
        self.responses: dict[Any, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._next_id = 0
        self._closed = False
        self._stderr: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        capabilities: dict[str, Any] = {"window": {"workDoneProgress": False}}
        if pull:
            capabilities["textDocument"] = {"diagnostic": {"relatedDocumentSupport": False}}
        self.request(
            "initialize",
            {
                "processId": process_id if process_id is not None else os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": capabilities,
                "initializationOptions": {"debounceMs": 0},
            },
        )
        self.notify("initialized", {})

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr_text(self) -> str:
        chunks = []
        while not self._stderr.empty():
            chunks.append(self._stderr.get_nowait())
        return b"".join(chunks).decode("utf-8", errors="replace")

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.put(line)

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                headers: dict[str, str] = {}
                while True:
                    line = stream.readline()
                    if not line:
                        raise LspClosed
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii", errors="replace").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = stream.read(int(headers.get("content-length", "0")))
                message = json.loads(body)
                if "method" in message and "id" in message:  # a request from the server
                    result: Any = None
                    if message["method"] == "workspace/configuration":
                        result = [None for _ in message.get("params", {}).get("items", [])]
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                    continue
                with self._cond:
                    if "method" in message:
                        self.notifications.append(message)
                    else:
                        self.responses[message.get("id")] = message
                    self._cond.notify_all()
        except (LspClosed, ValueError, OSError):
            pass
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def send(self, payload: dict[str, Any] | bytes, raw: bool = False) -> None:
        assert self.process.stdin is not None
        data = payload if raw and isinstance(payload, bytes) else frame(payload)
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise LspClosed(str(exc)) from None

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def send_request(self, method: str, params: Any) -> int:
        self._next_id += 1
        self.send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return self._next_id

    def wait_response(self, request_id: Any, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self.responses:
                if self._closed:
                    raise LspClosed(
                        f"server closed before answering {request_id}: {self.stderr_text()[-2000:]}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to request {request_id} in {timeout}s")
                self._cond.wait(left)
            return self.responses.pop(request_id)

    def request(self, method: str, params: Any, timeout: float = 30.0) -> dict[str, Any]:
        return self.wait_response(self.send_request(method, params), timeout)

    def wait_notification(self, predicate: Any, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.notifications:
                    if predicate(message):
                        return message
                if self._closed:
                    raise LspClosed("server closed")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("notification not received")
                self._cond.wait(left)

    def open(self, uri: str, text: str, version: int = 1, language: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def close(self, timeout: float = 10.0) -> int | None:
        with contextlib.suppress(Exception):
            self.request("shutdown", None, timeout=timeout)
            self.notify("exit", None)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=timeout)


def check_lsp_case(client: RawLsp, uri: str, text: str, version: int, kind: str) -> list[Problem]:
    """didChange with the input, then a pull-diagnostics request and a hover: both answered."""
    problems = []
    try:
        client.change(uri, text, version)
        report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=30)
        if "error" in report:
            problems.append(
                Problem(
                    kind,
                    "lsp",
                    f"diagnostic request failed: {report['error']}",
                    text.encode("utf-8", "surrogatepass"),
                )
            )
        else:
            for item in report["result"].get("items", []):
                if INTERNAL_ERROR_MARK in item.get("message", ""):
                    problems.append(
                        Problem(
                            kind,
                            "internal-error",
                            "LSP: " + item["message"],
                            text.encode("utf-8", "surrogatepass"),
                        )
                    )
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
            timeout=30,
        )
        if "error" in hover:
            problems.append(
                Problem(kind, "lsp", f"hover failed: {hover['error']}", text.encode("utf-8", "surrogatepass"))
            )
    except (TimeoutError, LspClosed) as exc:
        problems.append(
            Problem(kind, "lsp", f"{type(exc).__name__}: {exc}", text.encode("utf-8", "surrogatepass"))
        )
    return problems


def rss_kib(pid: int) -> int:
    """VmRSS of a process in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# -- multi-file trees: configs, .gitignore, cross-file links; no cache vs cold vs warm --------

GITIGNORE_KIND = Kind(
    "gitignore",
    ".gitignore",
    ("*.log\n/build/\n!keep.py\nsecret*.py\n[abc]x.py\n**/gen/**\ndocs/*.md\n# comment\n\\#hash\n",),
    ("*", "**", "?", "[", "]", "[!", "[z-a]", "!", "/", "\\", "\\ ", " ", "#", "\n"),
)
CONFIG_KIND = Kind(
    "config",
    "ragfirst.toml",
    (
        'select = ["RF1", "RF3", "RF4", "RF5"]\nignore = ["RF107"]\nexclude = ["vendor/**"]\n'
        'max-file-size = 1048576\nrequire-reason = false\nrespect-gitignore = true\n[severity]\nRF404 = "error"\n',
    ),
    ("[", "]", "=", '"', "'", "RF", "ALL", "[[", "{", "}", "\n", "exclude = [", 'rules = ["x.yaml"]'),
)
TREE_KINDS = (
    "python",
    "typescript",
    "yaml",
    "json",
    "toml",
    "dotenv",
    "requirements",
    "jsonl",
    "sql",
    "ini",
    "vue",
    "tsx",
)
TREE_DIRS = ("", "src/", "web/", "db/migrations/", "tests/", "vendor/", "gen/deep/")
LOCAL_MODULE = "import litellm\n\ndef complete(**kwargs):\n    return litellm.completion(**kwargs)\n"
LOCAL_CALLER = "from llm import complete\n\ncomplete(model='gpt-4o', messages=[], api_key='sk-test')\n"


def make_tree(root: Path, rng: random.Random) -> list[str]:
    """A small project: 2-6 files of mixed kinds (mutated or not) in a few folders, a
    local module and its caller, a .gitignore and a ragfirst.toml or pyproject.toml (each
    mutated half of the time). Returns what was applied, for the report."""
    applied: list[str] = []
    for _ in range(rng.randint(2, 6)):
        kind = KINDS[rng.choice(TREE_KINDS)]
        if rng.random() < 0.5:
            data, how = mutate(kind, rng)
        else:
            data, how = rng.choice(kind.seeds).encode(), ["seed"]
        name = rng.choice(TREE_DIRS) + f"{rng.randint(0, 9)}_{kind.filename.lstrip('.')}"
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        applied.append(f"{name}:{'+'.join(how)}")
    (root / "llm.py").write_text(LOCAL_MODULE)
    (root / "app.py").write_text(LOCAL_CALLER)
    for kind, chance in ((GITIGNORE_KIND, 0.8), (CONFIG_KIND, 0.7)):
        if rng.random() < chance:
            # Mutated a third of the time: a broken config ends the run (exit 2) before any
            # file is linted, and the trees are here to compare findings.
            data, how = mutate(kind, rng) if rng.random() < 0.35 else (kind.seeds[0].encode(), ["seed"])
            if kind is CONFIG_KIND and rng.random() < 0.3:
                data = b"[tool.ragfirst]\n" + data
                (root / "pyproject.toml").write_bytes(data)
            else:
                (root / kind.filename).write_bytes(data)
            applied.append(f"{kind.name}:{'+'.join(how)}")
    return applied


def _tree_result(code: int | None, out: str, err: str) -> Any:
    """What must agree between runs: the exit code and the findings (or the error line)."""
    if code == 2:
        return (2, err.strip().splitlines()[-1:] if err.strip() else [])
    try:
        payload = json.loads(out)
    except ValueError:
        return (code, "not JSON", out[:200])
    return (code, payload.get("files_checked"), payload.get("findings"))


def check_tree(root: Path, cache_dir: Path) -> list[Problem]:
    """The CLI on a tree without cache, with a cold cache and with a warm one: no crash,
    exit 0/1/2, no internal error, and the three results identical."""
    problems: list[Problem] = []
    results = []
    for label, extra in (
        ("no cache", ["--no-cache"]),
        ("cold", ["--cache-dir", str(cache_dir)]),
        ("warm", ["--cache-dir", str(cache_dir)]),
    ):
        code, out, err, trace = run_cli_in_process(["check", "--format", "json", *extra, str(root)])
        if trace is not None:
            return [Problem("tree", "crash", f"{label}: {trace}")]
        if code not in (0, 1, 2):
            problems.append(Problem("tree", "cli", f"{label}: exit code {code!r}; stderr: {err[-500:]}"))
        if INTERNAL_ERROR_MARK in out:
            problems.append(Problem("tree", "internal-error", f"{label}: {out[:500]}"))
        results.append((label, _tree_result(code, out, err)))
    first = results[0][1]
    for label, result in results[1:]:
        if result != first:
            problems.append(
                Problem(
                    "tree",
                    "cache-mismatch",
                    f"{label} differs from no cache: {str(result)[:300]} vs {str(first)[:300]}",
                )
            )
    return problems
