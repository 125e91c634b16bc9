"""RF401, the cases a present/absent test cannot judge: a cap the model or SDK will not honour.

- a reasoning model (o-series, gpt-5.x) given `max_tokens` on Chat Completions: the API
  rejects the parameter (HTTP 400), so the call fails; `max_completion_tokens` is the cap;
- a reasoning model given a cap so small that reasoning can use all of it (an empty
  answer): a hint;
- the AI SDK 5 and later given only `maxTokens`: ignored (`maxOutputTokens` is the cap),
  so the call is uncapped; the version is read from the nearest package.json in the
  project phase (AI SDK 4 read `maxTokens`, so it stays silent there);
- an uncapped call to an OpenAI-compatible server on this machine (Ollama, vLLM): not
  billed, so info rather than a warning. The rule's own matchers skip these calls
  (`unless-built-with`), and this check reports them instead.

Model patterns, versions and thresholds live in rules/output-caps.yaml; call patterns
and argument names in the rule's params (rules/packs/spend.yaml).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ragfirst.analyzers.facts import CallFact, FileFacts
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.data.tables import load_table
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.engine.matching import candidate_calls, receiver_builder
from ragfirst.model import Severity
from ragfirst.rules.patterns import NamePattern, compile_pattern
from ragfirst.safe_read import ReadRefused, read_capped


@dataclass(frozen=True, slots=True)
class OutputCapFacts:
    reasoning: tuple[re.Pattern[str], ...]
    small_cap: int
    ai_sdk_package: str
    ai_sdk_ignores_from: int


@lru_cache(maxsize=1)
def output_cap_facts() -> OutputCapFacts:
    data = load_table("output-caps.yaml")
    reasoning = data["reasoning-models"]
    sdk = data["ai-sdk"]
    return OutputCapFacts(
        reasoning=tuple(re.compile(p) for p in reasoning["patterns"]),
        small_cap=int(reasoning["small-cap"]),
        ai_sdk_package=str(sdk["package"]),
        ai_sdk_ignores_from=int(sdk["ignores-max-tokens-from"]),
    )


def is_reasoning_model(model: Any) -> bool:
    if not isinstance(model, str):
        return False
    bare = model.rsplit("/", 1)[-1]
    return any(p.search(bare) for p in output_cap_facts().reasoning)


@dataclass(frozen=True, slots=True)
class _Target:
    calls: tuple[NamePattern, ...]
    caps: tuple[str, ...]
    cap: str  # what to set, as the message names it


def _targets(raw: list[dict[str, Any]]) -> tuple[_Target, ...]:
    return tuple(
        _Target(
            tuple(compile_pattern(p) for p in ([t["call"]] if isinstance(t["call"], str) else t["call"])),
            tuple(t["caps"]),
            str(t["cap"]),
        )
        for t in raw
    )


def _value(call: CallFact, name: str) -> Any:
    """A keyword's literal value; None (as for `None`/`undefined`/`null`) when absent."""
    arg = call.kwargs.get(name)
    return None if arg is None else arg.value


def _given(call: CallFact, name: str) -> bool:
    return _value(call, name) is not None


class OutputCapsCheck:
    name = "output-caps"

    def validate(self, params: dict[str, Any]) -> str | None:
        for key in ("chat", "capped", "ai-sdk", "local", "local-base-url"):
            if key not in params:
                return f"the output-caps check needs `{key}`"
        try:
            for key in ("chat", "capped", "ai-sdk", "local"):
                _targets(params[key])
            _targets(params.get("misnamed", []))  # optional
            re.compile(params["local-base-url"]["matches"])
            for entry in params.get("local-models", ()):  # optional
                re.compile(entry["matches"])
                str(entry["url"])
        except (KeyError, TypeError, re.error, ValueError) as exc:
            return f"bad output-caps params: {exc}"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        words: set[Any] = set()
        for key in ("chat", "capped", "ai-sdk", "local"):
            for target in _targets(params[key]):
                words.update(p.triggers for p in target.calls)
        return words

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """The model calls it judges (and, through them, the calls that built their client)."""
        keys = ("chat", "capped", "ai-sdk", "local")
        return CallReaders.of_patterns(
            p for key in keys for target in _targets(params[key]) for p in target.calls
        )

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        facts = context.facts
        matches: list[CheckMatch] = []
        for target, call in _calls(facts, _targets(params["chat"])):
            model = _value(call, "model")
            if (
                is_reasoning_model(model)
                and _given(call, "max_tokens")
                and not _given(call, "max_completion_tokens")
            ):
                matches.append(_match(call, "rejects", target.cap, model=str(model)))
        for target, call in _calls(facts, _targets(params["capped"])):
            model = _value(call, "model")
            if not is_reasoning_model(model):
                continue
            for name in target.caps:
                cap = _value(call, name)
                # every literal cap: the project phase compares it with the option's minimum
                if isinstance(cap, int) and not isinstance(cap, bool) and cap > 0:
                    matches.append(
                        _match(call, "small", target.cap, model=str(model), size=str(cap), arg=name)
                    )
                    break
        for target, call in _calls(facts, _targets(params.get("misnamed", []))):
            wrong = next((name for name in target.caps if _given(call, name)), None)
            if wrong and not _given(call, target.cap) and not call.star_kwargs:
                matches.append(_match(call, "misnamed", target.cap, arg=wrong))
        for target, call in _calls(facts, _targets(params["ai-sdk"])):
            if _given(call, "maxTokens") and not _given(call, "maxOutputTokens") and not call.star_kwargs:
                matches.append(_match(call, "ai-sdk", target.cap))
        local = re.compile(params["local-base-url"]["matches"])
        url_args = tuple(params["local-base-url"]["args"])
        for target, call in _calls(facts, _targets(params["local"])):
            if call.star_kwargs or any(_given(call, name) for name in target.caps):
                continue
            url = _local_url(call, facts, url_args, local) or _local_model(call, url_args, params)
            if url:
                matches.append(_match(call, "local", target.cap, url=url))
        return matches

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        kind = captures.get("_kind")
        values = {k: v for k, v in captures.items() if not k.startswith("_")}
        if kind == "rejects":
            values["problem"] = (
                f"passes max_tokens, which {captures['_model']} (a reasoning model) rejects on Chat"
                " Completions with HTTP 400, so the call fails and nothing is capped"
            )
            return Resolution(values, Severity.WARNING)
        if kind == "small":
            minimum = int(context.settings.option(rule.id, "min-reasoning-cap", output_cap_facts().small_cap))
            if int(captures["_size"]) >= minimum:
                return None
            values["problem"] = (
                f"caps {captures['_model']} (a reasoning model) at {captures['_arg']}={captures['_size']}:"
                " reasoning tokens count against the cap, so the model can spend it all thinking"
                ' and return an empty answer (finish_reason "length")'
            )
            values["cap"] = f"{captures['_arg']} of {minimum} or more, or lower the reasoning effort"
            return Resolution(values, Severity.HINT)
        if kind == "misnamed":
            values["problem"] = (
                f"passes {captures['_arg']}, Chat Completions' name for the cap, which the"
                f" Responses API does not take (its cap is {captures['cap']}): nothing caps this call"
            )
            return Resolution(values, Severity.WARNING)
        if kind == "ai-sdk":
            version = ai_sdk_major(context.root, context.base_dir / path)
            facts = output_cap_facts()
            if version is None or version < facts.ai_sdk_ignores_from:
                return None  # AI SDK 4 read maxTokens; an unknown version is not provable
            values["problem"] = (
                f"passes only maxTokens, which AI SDK {version} ignores (renamed maxOutputTokens in"
                f" AI SDK {facts.ai_sdk_ignores_from}): the call is uncapped"
            )
            return Resolution(values, Severity.WARNING)
        if kind == "local":
            values["problem"] = (
                f"has no output-token cap, but it goes to a server on this machine ({captures['_url']}):"
                " not billed per token, though a runaway answer still holds the GPU"
            )
            return Resolution(values, Severity.INFO)
        return None


def _calls(facts: FileFacts, targets: tuple[_Target, ...]):
    for target in targets:
        for call in candidate_calls(facts, target.calls):
            if call.qualname and any(p.matches(call.qualname) for p in target.calls):
                yield target, call


def _match(call: CallFact, kind: str, cap: str, **extra: str) -> CheckMatch:
    captures = {"callee": call.tail, "cap": cap, "_kind": kind}
    captures.update({f"_{key}": value for key, value in extra.items()})
    return CheckMatch(call.span, captures)


def _local_model(call: CallFact, url_args: tuple[str, ...], params: dict[str, Any]) -> str | None:
    """A model a library sends to a local server by default (`ollama/llama3.1` in LiteLLM),
    when no base URL points elsewhere: the rule's `local-models` entry says where."""
    model = _value(call, "model")
    if not isinstance(model, str) or any(_given(call, name) for name in url_args):
        return None
    return next((m["url"] for m in params.get("local-models", ()) if re.search(m["matches"], model)), None)


def _local_url(call: CallFact, facts: FileFacts, args: tuple[str, ...], local: re.Pattern[str]) -> str | None:
    """The localhost base URL the call, or the client it is made on, was given."""
    builders = [call]
    builder = receiver_builder(call, facts)
    if builder is not None:
        builders.append(builder)
    for builder in builders:
        for name in args:
            value = _value(builder, name)
            if isinstance(value, str) and local.search(value):
                return value
    return None


def ai_sdk_major(root: Path, file: Path) -> int | None:
    """The major version of the `ai` package in the package.json nearest to `file` (inside
    `root`): from its version range (`^5.0.0`, `~5.1`, `5.x`, `>=5`); None when not found."""
    package = output_cap_facts().ai_sdk_package
    try:
        root = root.resolve()
        folder = file.resolve().parent
    except OSError:
        return None
    while True:
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                data = json.loads(read_capped(manifest, 2_000_000, root))
            except (OSError, ValueError, ReadRefused):  # a broken manifest: not provable
                return None
            if isinstance(data, dict):
                for group in ("dependencies", "devDependencies", "peerDependencies"):
                    spec = (data.get(group) or {}).get(package) if isinstance(data.get(group), dict) else None
                    if isinstance(spec, str):
                        found = re.search(r"(\d+)", spec.split("||")[-1])
                        return int(found.group(1)) if found else None
            return None  # the nearest package.json decides
        if folder == root or root not in folder.parents:
            return None
        folder = folder.parent
