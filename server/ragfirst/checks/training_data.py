"""RF201-RF203: find the data a training call uses, then count, validate and price it.

Per-file phase (`run`): trace the call's data argument back through the file's data flow
(`training_file=up.id` <- `files.create(file=fh)` <- `open(DATA / "train.jsonl")`) to a
path literal. In a JSONL data file itself, report the problems line by line.
Project phase (`resolve`): read the file (confined to the project root, streaming, capped),
then decide whether there is a finding and how severe it is.
"""

from __future__ import annotations

from typing import Any

from ragfirst.analyzers.facts import UNKNOWN, ArgFact, CallFact, FileFacts
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution
from ragfirst.data.data_files import OutsideRoot
from ragfirst.data.tables import pricing
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.engine.matching import candidate_calls
from ragfirst.model import Severity, Span
from ragfirst.rules.patterns import PatternError, compile_pattern

REPORTS = ("count", "problems", "cost")
DATA_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet", ".txt", ".arrow", ".tsv")
MAX_TRACE_DEPTH = 6


def _looks_like_path(value: str) -> bool:
    if "://" in value or value.startswith(("file-", "gs:", "s3:")):
        return False
    return value.lower().endswith(DATA_SUFFIXES)


def _path_in(value: Any) -> str | None:
    if isinstance(value, str):
        return value if _looks_like_path(value) else None
    if isinstance(value, dict):  # load_dataset(data_files={"train": ..., "test": ...})
        preferred = value.get("train", next(iter(value.values()), None)) if value else None
        return _path_in(preferred)
    if isinstance(value, (list, tuple)) and value:
        return _path_in(value[0])
    return None


def trace_data(
    arg: ArgFact | None, facts: FileFacts, data_args: tuple[str, ...], depth: int = 0
) -> str | None:
    """Follow an argument back to a data-file path literal, through calls in this file."""
    if arg is None or depth > MAX_TRACE_DEPTH:
        return None
    if arg.value is not UNKNOWN:
        found = _path_in(arg.value)
        if found:
            return found
    if arg.origin is None or arg.origin >= len(facts.calls):
        return None
    producer = facts.calls[arg.origin]
    for name in data_args:
        found = trace_data(producer.kwargs.get(name), facts, data_args, depth + 1)
        if found:
            return found
    if producer.args:
        return trace_data(producer.args[0], facts, data_args, depth + 1)
    return None


def _epochs(call: CallFact) -> str | None:
    candidates = [
        ("hyperparameters", ("n_epochs",)),
        ("method", ("supervised", "hyperparameters", "n_epochs")),
        ("method", ("dpo", "hyperparameters", "n_epochs")),
        ("n_epochs", ()),
        ("epochs", ()),
    ]
    for name, keys in candidates:
        arg = call.kwargs.get(name)
        if arg is None:
            continue
        value = arg.value
        for key in keys:
            value = value.get(key, UNKNOWN) if isinstance(value, dict) else UNKNOWN
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return str(value)
    return None


class TrainingDataCheck:
    name = "training-data"
    runs_on_calls = True  # needs the calls only: also runs on calls resolved across files

    def validate(self, params: dict[str, Any]) -> str | None:
        if params.get("report") not in REPORTS:
            return f"report must be one of {', '.join(REPORTS)}"
        targets = params.get("targets", [])
        if not isinstance(targets, list) or not targets:
            return "targets must be a non-empty list of {calls, provider}"
        for target in targets:
            if not isinstance(target, dict) or not isinstance(target.get("calls"), list):
                return "each target needs a list of call patterns under `calls`"
            for text in target["calls"]:
                try:
                    compile_pattern(text)
                except PatternError as exc:
                    return f"targets: {exc}"
        if not all(isinstance(a, str) for a in params.get("data-args", [])):
            return "data-args must be a list of argument names"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        words: set[Any] = set()
        for target in params.get("targets", []):
            for text in target["calls"]:
                words.add(compile_pattern(text).triggers)
        return words

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """The calls given training data (their data arguments name the file)."""
        return CallReaders.of_patterns(
            compile_pattern(text) for target in params.get("targets", []) for text in target["calls"]
        )

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        facts = context.facts
        if facts.language == "jsonl":
            return self._in_file(context) if params["report"] == "problems" else []
        data_args = tuple(params.get("data-args", ()))
        targets = [
            ([compile_pattern(p) for p in target["calls"]], target.get("provider", "local"))
            for target in params["targets"]
        ]
        matches = []
        for call in candidate_calls(facts, [p for pats, _ in targets for p in pats]):
            provider = next(
                (prov for pats, prov in targets if any(p.matches(call.qualname) for p in pats)), None
            )
            if provider is None:
                continue
            reference = next(
                (
                    found
                    for name in data_args
                    if (found := trace_data(call.kwargs.get(name), facts, data_args))
                ),
                None,
            )
            if reference is None:
                continue
            captures = {"data": reference, "provider": provider}
            model = call.kwargs.get("model") or call.kwargs.get("base_model")  # Fireworks: base_model
            if model is not None and isinstance(model.value, str):
                captures["model"] = model.value
            captures["method"] = "dpo" if ".dpo_jobs." in (call.qualname or "") else "sft"
            epochs = _epochs(call)
            if epochs:
                captures["epochs"] = epochs
            matches.append(CheckMatch(call.span, captures))
        return matches

    def _in_file(self, context: CheckContext) -> list[CheckMatch]:
        summary = context.facts.data_summary
        if summary is None:
            return []
        by_line: dict[int, list[str]] = {}
        for problem in summary.problems:
            by_line.setdefault(problem.line, []).append(problem.message)
        matches = []
        for line, messages in by_line.items():
            width = len(context.source.line(line))
            matches.append(CheckMatch(Span(line, 0, line, width), {"summary": "; ".join(messages)}))
        hidden = summary.problem_count - len(summary.problems)
        if hidden > 0 and summary.problems:
            last = summary.problems[-1].line
            matches.append(
                CheckMatch(Span.point(last, 0), {"summary": f"and {hidden:,} more problems after this line"})
            )
        return matches

    # -- project phase ------------------------------------------------------------------

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        if "data" not in captures:
            return Resolution(captures)  # an in-file problem: nothing more to decide
        report = rule.check.params["report"]
        source_file = context.memo.resolve(context.base_dir / path)
        try:
            data = context.data_files.resolve(captures["data"], source_file, context.root, context.memo)
        except OutsideRoot:
            if report != "count":
                return None
            shown = captures["data"].replace("@file/../", "").replace("@file", "this file")
            return Resolution(
                {
                    **captures,
                    "count": "an unknown number of",
                    "file": shown,
                    "advice": "it points outside the project root, so it was not read",
                },
                Severity.INFO,
            )
        if data is None:
            return None
        option = _options(rule, context)
        summary = context.data_files.summary(data, max_example_tokens=option("max-example-tokens"))
        if summary is None:
            return None
        facts = pricing().providers.get(captures["provider"])
        values = {**captures, "file": data.shown}
        count_text = f"at least {summary.examples:,}" if summary.lower_bound else f"{summary.examples:,}"
        values["count"] = count_text
        inlay = f"{count_text} examples"
        if report == "count":
            threshold = int(option("min-examples"))
            minimum = facts.minimum_examples if facts else None
            if summary.examples >= threshold:
                return None
            if minimum is not None and summary.examples < minimum and not summary.lower_bound:
                values["advice"] = f"{facts.name} rejects fewer than {minimum} ({facts.minimum_source})"
                return Resolution(values, Severity.ERROR, {"inlay": inlay})
            values["advice"] = (
                f"{threshold:,}+ high-quality pairs are the bar for fine-tuning to beat retrieval; 1,000 is the floor"
            )
            if minimum is not None:
                # The provider's own minimum is evidence, not the bar: say it beside the guide's numbers.
                values["advice"] += f" ({facts.name}'s own minimum is {minimum:,})"
            return Resolution(values, None, {"inlay": inlay})
        if report == "problems":
            if summary.format == "cohere-chat" and captures["provider"] != "cohere":
                # valid for Cohere, read alone; a job elsewhere wants user/assistant roles
                values["summary"] = (
                    f"{data.shown} is in Cohere's chat format (roles System, User, Chatbot);"
                    f" {facts.name if facts else captures['provider']} reads roles system, user"
                    " and assistant: rename the roles (Chatbot to assistant) before training"
                )
                return Resolution(values)
            if summary.problem_count == 0:
                return None
            first = summary.problems[0]
            values["summary"] = (
                f"{data.shown} has {summary.problem_count:,} problem(s) the provider would reject"
                f" or that weaken training; first: line {first.line}: {first.message}"
            )
            return Resolution(values)
        return self._cost(values, summary, facts, inlay)

    def _cost(self, values: dict[str, str], summary: Any, facts: Any, inlay: str) -> Resolution | None:
        model = values.get("model")
        if not model or summary.tokens == 0:
            return None
        if "epochs" in values:
            epochs = int(values["epochs"])
            epochs_text = f"{epochs} epochs"
        elif facts is not None and facts.default_epochs:
            epochs = facts.default_epochs
            epochs_text = f"{epochs} epochs (assumed: {facts.default_epochs_note})"
        else:
            return None
        table = pricing()
        price = table.price(values["provider"], model)
        tokens_text = _millions(summary.tokens)
        lower = "at least " if summary.lower_bound else ""
        trained = summary.tokens * epochs
        if price is not None:
            rate, as_of, source = (
                price.usd_per_1m_tokens,
                f"{price.model} price as of {price.as_of}",
                price.source,
            )
        elif sized := table.size_rate(values["provider"], model, values.get("method", "sft")):
            size_rate, size = sized
            rate, source = size_rate.usd_per_1m_tokens, size_rate.source
            as_of = f"{facts.name if facts else values['provider']} rate for models up to {size_rate.up_to_params_b:g}B (this one: {size:g}B) as of {size_rate.as_of}"
        else:
            return self._unpriced(values, summary, facts, inlay, epochs_text, trained)
        cost = trained / 1_000_000 * rate
        cost_text = f"${cost:,.2f}" if cost >= 0.01 else "< $0.01"
        estimate = (
            f"{lower}≈ {tokens_text} tokens x {epochs_text} x ${rate:.2f}/1M ≈ {lower}{cost_text}"
            f" (tokens ≈ {summary.token_method}; {as_of})"
        )
        if price is not None and not price.trainable:
            retired = f" (its base model shut down on {price.retired.isoformat()})" if price.retired else ""
            estimate += f"; {price.model} can no longer be trained{retired}, so this job would fail"
        values.update({"estimate": estimate, "cost": f"${cost:,.2f}", "price_source": source})
        return Resolution(
            values, None, {"estimate": estimate, "inlay": f"≈ {lower}${cost:,.2f} to train · {inlay}"}
        )

    def _unpriced(
        self, values: dict[str, str], summary: Any, facts: Any, inlay: str, epochs_text: str, trained: int
    ) -> Resolution | None:
        """No rate in the table, but the provider's billing is known: the training tokens,
        how they are billed, and where the exact figure comes from."""
        if facts is None or not facts.billing:
            return None
        lower = "at least " if summary.lower_bound else ""
        estimate = (
            f"{lower}≈ {_millions(summary.tokens)} tokens x {epochs_text} ≈ {lower}{_millions(trained)} training tokens"
            f" (tokens ≈ {summary.token_method}); {facts.name} bills {facts.billing}; its rates are not in"
            f" ragfirst's table{', so ' + facts.estimate if facts.estimate else ''}"
        )
        values.update({"estimate": estimate, "price_source": facts.billing_source})
        return Resolution(
            values,
            None,
            {"estimate": estimate, "inlay": f"≈ {lower}{_millions(trained)} training tokens · {inlay}"},
        )


def _millions(tokens: int) -> str:
    if tokens >= 100_000:
        return f"{tokens / 1_000_000:.1f}M"
    return f"{tokens:,}"


def _options(rule: Any, context: ProjectContext):
    def get(name: str) -> Any:
        option = rule.options.get(name)
        return context.settings.option(rule.id, name, option.default if option else None)

    return get
