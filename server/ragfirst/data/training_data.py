"""Count and validate training JSONL, streaming: never the whole file in memory.

One summariser serves two places: diagnostics inside the data file (RF202 per line) and
the summary on the training call (RF201 count, RF202 problems, RF203 tokens).

Formats (OpenAI's, which Together and Fireworks share):
- chat: {"messages": [{"role": "system"|"developer"|"user"|"assistant"|"tool", "content": ...}]}
  ending with an assistant message; assistant messages may carry "weight": 0 or 1;
- preference (DPO): {"input": {"messages": [...]}, "preferred_output": [...],
  "non_preferred_output": [...]};
- completion (legacy): {"prompt": "...", "completion": "..."}.
Cohere's chat fine-tuning data has the same shape with its own roles: "System", "User",
"Chatbot" (docs.cohere.com, "Preparing the Chat Fine-tuning Data"); a conversation whose
roles are Cohere's, with a Chatbot turn, is checked against those roles (the answer is the
Chatbot's), so cohere-ai/notebooks' data files are not reported for a role OpenAI lacks.
Other common shapes (TRL's prompt/chosen/rejected, text, Alpaca, ShareGPT) are counted
but not validated, since their trainers accept many variants.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
COHERE_ROLES = frozenset({"System", "User", "Chatbot"})
TOKEN_METHOD_APPROX = "characters/4"
DEFAULT_MAX_EXAMPLE_TOKENS = 65_536
"""The default of RF202's `max-example-tokens` option; diagnostics inside a data file use
this default (the file alone does not say which model or config it trains)."""


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str


@dataclass(slots=True)
class DataSummary:
    examples: int = 0
    lower_bound: bool = False  # stopped at the byte cap: there are at least `examples`
    format: str | None = None
    problems: list[Problem] = field(default_factory=list)  # the first `max_problems`
    problem_count: int = 0
    characters: int = 0
    tokens: int = 0
    token_method: str = TOKEN_METHOD_APPROX
    bytes_read: int = 0

    def add_problem(self, line: int, message: str, limit: int) -> None:
        self.problem_count += 1
        if len(self.problems) < limit:
            self.problems.append(Problem(line, message))


def _is_cohere_chat(messages: Any) -> bool:
    """Every role one of Cohere's (any case), and a Chatbot turn among them."""
    if not isinstance(messages, list):
        return False
    roles = [m.get("role") if isinstance(m, dict) else None for m in messages]
    if not all(isinstance(role, str) and role.capitalize() in COHERE_ROLES for role in roles):
        return False
    return any(role.lower() == "chatbot" for role in roles)


def detect_format(record: dict[str, Any]) -> str:
    keys = record.keys()
    if "messages" in keys:
        return "cohere-chat" if _is_cohere_chat(record["messages"]) else "chat"
    if "preferred_output" in keys or "non_preferred_output" in keys:
        return "preference"
    if "prompt" in keys and "completion" in keys and "label" not in keys:
        return "completion"
    if "chosen" in keys and "rejected" in keys:
        return "trl-preference"
    if "text" in keys:
        return "text"
    if "conversations" in keys:
        return "sharegpt"
    if "instruction" in keys and "output" in keys:
        return "alpaca"
    if "contents" in keys:
        return "gemini"
    return "unknown"


def _content_chars(content: Any) -> int:
    if isinstance(content, str):
        return len(content)
    if isinstance(content, list):
        return sum(_content_chars(part.get("text", "")) if isinstance(part, dict) else 0 for part in content)
    return 0


def _check_messages(messages: Any, where: str, require_final_assistant: bool) -> tuple[list[str], int]:
    if not isinstance(messages, list) or not messages:
        return [f"{where} must be a non-empty list of messages"], 0
    problems: list[str] = []
    chars = 0
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            problems.append(f"{where}[{index}] is not an object")
            continue
        role = message.get("role")
        if role not in CHAT_ROLES:
            problems.append(
                f"{where}[{index}] has role {role!r}; expected one of {', '.join(sorted(CHAT_ROLES))}"
            )
        content = message.get("content")
        if content is None and not message.get("tool_calls") and not message.get("function_call"):
            problems.append(f"{where}[{index}] ({role}) has no content")
        elif content is not None and not isinstance(content, (str, list)):
            problems.append(f"{where}[{index}] content must be a string or a list of parts")
        if "weight" in message:
            if role != "assistant":
                problems.append(f"{where}[{index}] has a weight but only assistant messages may")
            elif message["weight"] not in (0, 1):
                problems.append(f"{where}[{index}] weight must be 0 or 1")
        chars += _content_chars(content)
    if require_final_assistant and isinstance(messages[-1], dict) and messages[-1].get("role") != "assistant":
        problems.append(f"the last message must be from the assistant (found {messages[-1].get('role')!r})")
    if require_final_assistant and not any(
        isinstance(m, dict) and m.get("role") == "assistant" for m in messages
    ):
        problems.append("no assistant message to learn from")
    return problems, chars


def is_prompt_record(messages: Any) -> bool:
    """Messages with no assistant turn that end with the user's: a prompt for RL (GRPO,
    PPO, RLOO, OpenAI reinforcement fine-tuning) or evaluation, where the model writes the
    answer. Malformed as supervised data, valid as a prompt dataset."""
    return (
        isinstance(messages, list)
        and bool(messages)
        and isinstance(messages[-1], dict)
        and messages[-1].get("role") == "user"
        and not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages)
    )


def validate_record(record: Any, expected: str | None, prompts: bool = False) -> tuple[str, list[str], int]:
    """The record's format, its problems and its character count. With `prompts`, a chat
    record that is a prompt (no answer yet) is valid: read alone, the file may be a prompt
    set for an RL trainer or an evaluation set, not supervised data. A conversation that
    has answers but ends with the user is still reported (a cut-off example)."""
    if not isinstance(record, dict):
        return "invalid", ["each line must be a JSON object"], 0
    kind = detect_format(record)
    problems: list[str] = []
    chars = 0
    if expected is not None and kind != expected and kind != "unknown":
        problems.append(f"{kind} example in a {expected} file: one file must use one format")
    if kind == "cohere-chat":
        # only Cohere's roles, ending with the Chatbot's answer (checked by _is_cohere_chat)
        messages = record["messages"]
        if str(messages[-1].get("role", "")).lower() != "chatbot":
            problems.append(f"the last message must be from the Chatbot (found {messages[-1].get('role')!r})")
        for index, message in enumerate(messages):
            content = message.get("content")
            if not isinstance(content, str) or not content:
                problems.append(f"messages[{index}] ({message.get('role')}) has no text content")
            else:
                chars += len(content)
    elif kind == "chat":
        final = not (prompts and is_prompt_record(record["messages"]))
        found, chars = _check_messages(record["messages"], "messages", require_final_assistant=final)
        problems += found
    elif kind == "preference":
        inner = record.get("input")
        if not isinstance(inner, dict):
            problems.append("preference examples need an 'input' object with 'messages'")
        else:
            found, chars = _check_messages(
                inner.get("messages"), "input.messages", require_final_assistant=False
            )
            problems += found
        for key in ("preferred_output", "non_preferred_output"):
            found, more = _check_messages(record.get(key), key, require_final_assistant=True)
            problems += found
            chars += more
    elif kind == "completion":
        for key in ("prompt", "completion"):
            if not isinstance(record.get(key), str):
                problems.append(f"'{key}' must be a string")
            else:
                chars += len(record[key])
    elif kind == "unknown":
        problems.append(
            f"unrecognised example keys {sorted(record)[:5]}: expected 'messages', or 'prompt'/'completion'"
        )
    else:
        chars = sum(len(v) for v in record.values() if isinstance(v, str))
    return kind, problems, chars


def looks_like_training_data(first_record: Any) -> bool:
    """Only files whose first record has a training shape get RF202 in the file itself."""
    return isinstance(first_record, dict) and detect_format(first_record) in (
        "chat",
        "cohere-chat",
        "preference",
        "completion",
    )


def summarize_lines(
    lines: Iterable[bytes],
    *,
    max_problems: int = 20,
    max_example_tokens: int | None = None,
    lower_bound: bool = False,
    prompts: bool = False,
) -> DataSummary:
    """Count and validate. `prompts`: the file is read alone, so a file of prompts (an RL
    or evaluation set) is valid as such; a hosted SFT job's file is checked strictly."""
    summary = DataSummary(lower_bound=lower_bound)
    seen: dict[bytes, int] = {}
    for number, raw in enumerate(lines, 1):
        summary.bytes_read += len(raw)
        stripped = raw.strip()
        if not stripped:
            continue
        summary.examples += 1
        try:
            record = json.loads(stripped)
        except (ValueError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            summary.add_problem(number, f"invalid JSON: {reason}", max_problems)
            continue
        kind, problems, chars = validate_record(record, summary.format, prompts)
        if summary.format is None and kind not in ("invalid", "unknown"):
            summary.format = kind
        for problem in problems:
            summary.add_problem(number, problem, max_problems)
        summary.characters += chars
        tokens = (chars + 3) // 4
        summary.tokens += tokens
        if max_example_tokens is not None and tokens > max_example_tokens:
            summary.add_problem(
                number,
                f"about {tokens:,} tokens, over the {max_example_tokens:,}-token example limit",
                max_problems,
            )
        digest = hashlib.blake2b(stripped, digest_size=12).digest()
        if digest in seen:
            summary.add_problem(
                number,
                f"duplicate of line {seen[digest]}: the same example counts twice"
                " (drop the copy, unless the repeat is on purpose)",
                max_problems,
            )
        else:
            seen[digest] = number
    return summary
