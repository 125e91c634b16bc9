"""RF406: a model id in code or config whose provider announced a shutdown.

Ids come from rules/retiring-models.yaml. A model is found where code or config names it:
a call's model keyword (`model=`, `model_name=`, `modelId`, `baseModelIdentifier`, ...,
also inside a JS options object) or a config key of those names. A string that merely
contains an id elsewhere (`tiktoken.encoding_for_model("gpt-4")`, a log line) is not a use.
The severity is decided in the project phase from the row's date and today's date.

One event, one finding: when the call is a training call that RF107 reports for the
row's `lifecycle` entry, RF406 leaves it to RF107.
"""

from __future__ import annotations

import re
from typing import Any

from ragfirst.analyzers.facts import CallFact
from ragfirst.checks.base import CheckContext, CheckMatch, ProjectContext, Resolution, SubstringTriggers
from ragfirst.checks.lifecycle import string_literals
from ragfirst.data.retiring_models import RetiringModels, retiring_models
from ragfirst.data.tables import lifecycle
from ragfirst.engine.constant_readers import CallReaders
from ragfirst.model import Severity

# The argument and config-key names that hold a model id (SDK spellings, snake and camel).
MODEL_NAMES = frozenset(
    {
        "model",
        "model_name",
        "model_id",
        "modelName",
        "modelId",
        "base_model",
        "baseModel",
        "baseModelIdentifier",
        "base_model_identifier",
        "source_model",
        "embedding_model",
        "embeddingModel",
        "embed_model",
        "llm_model",
        "chat_model",
        "deployment_name",
    }
)
_LEADING = re.compile(r"[A-Za-z_][\w-]*")


class RetiringModelCheck:
    name = "retiring-model"

    def validate(self, params: dict[str, Any]) -> str | None:
        unknown = set(params) - {"positional", "tokenizer-calls", "data-folders"}
        if unknown:
            return f"unknown params {sorted(unknown)}; the ids live in rules/retiring-models.yaml"
        folders = params.get("data-folders", [])
        if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
            return "data-folders must be a list of folder names"
        try:
            _positional(params)
            _patterns(params, "tokenizer-calls")
        except Exception as exc:  # a bad pattern in the rule file
            return f"patterns: {exc}"
        return None

    def triggers(self, params: dict[str, Any]) -> set[Any]:
        return set()

    def trigger_substrings(self) -> SubstringTriggers:
        """For the prefilter: the first token of each id (`gpt-4o-mini-2024-07-18`,
        `text-embedding-004`, `anthropic`), confirmed by the whole ids."""
        table = retiring_models()
        prefixes = set()
        for row in table.rows:
            if row.retracted:
                continue
            for model in row.models:
                leading = _LEADING.match(model)
                if leading:
                    prefixes.add(leading.group(0))
        return SubstringTriggers(
            prefixes=tuple(sorted(prefixes)),
            confirm=table.pattern,
            lowered=(),
            literal=None,
            library_code=False,  # (see `run`)
        )

    def constant_readers(self, params: dict[str, Any], language: str) -> CallReaders:
        """A model id given to any call by keyword (`model=`), or first to the calls named."""
        return CallReaders.of_patterns(_positional(params), keywords=MODEL_NAMES)

    def run(self, context: CheckContext, params: dict[str, Any]) -> list[CheckMatch]:
        if context.own_packages:
            # An SDK's own code (openai's `Literal` lists of model ids, litellm's defaults)
            # names models for its users, who are told where they pass one.
            return []
        table = retiring_models()
        matches = []
        positional = _positional(params)
        tokenizers = _patterns(params, "tokenizer-calls")
        for call in context.facts.calls:
            named = [(name, arg) for name, arg in call.kwargs.items() if name in MODEL_NAMES]
            if (
                positional
                and call.args
                and call.qualname
                and any(p.matches(call.qualname) for p in positional)
            ):
                named.append(("0", call.args[0]))  # `openai("gpt-4o-...")`, `init_chat_model("...")`
            if not named:
                continue  # (most calls: no model argument; the tokenizer test is not needed)
            if call.qualname and any(p.matches(call.qualname) for p in tokenizers):
                continue  # `from_tiktoken_encoder(model_name=...)` picks a tokenizer, offline
            for _name, arg in named:
                if not isinstance(arg.value, str):
                    continue
                found = table.lookup(arg.value)
                if found is None or found[0].retracted or _reported_by_rf107(found[0], call):
                    continue
                if call.qualname and any(p.matches(call.qualname) for p in found[0].not_calls):
                    continue  # an Azure deployment name, on Azure's own schedule
                matches.append(_match(arg.span, found[0], arg.value))
        if _in_data_folder(context.path, params):
            return matches  # a site's data (aider's leaderboards): records, not settings
        for entry in context.facts.entries:
            key = entry.path[-1] if entry.path else None
            # In a config file `model_name` is often an alias clients ask for (LiteLLM's
            # model_list), not the upstream model; the model itself sits under `model`.
            if key not in MODEL_NAMES or key == "model_name" or not isinstance(entry.value, str):
                continue
            found = table.lookup(entry.value)
            if found is None or found[0].retracted:
                continue
            matches.append(_match(entry.span, found[0], entry.value))
        return matches

    def resolve(
        self, rule: Any, captures: dict[str, str], path: str, context: ProjectContext
    ) -> Resolution | None:
        row = next((r for r in retiring_models().rows if r.id == captures.get("row")), None)
        if row is None or row.retracted:
            return None
        option = rule.options.get("warn-days")
        warn_days = int(context.settings.option(rule.id, "warn-days", option.default if option else 180))
        days = (row.date - context.today).days
        if days < 0:
            severity, when = Severity.ERROR, f"shut down on {row.date.isoformat()}, {-days} days ago"
        else:
            severity = Severity.WARNING if days <= warn_days else Severity.INFO
            when = f"shuts down on {row.date.isoformat()}, in {days} days"
        values = {
            **captures,
            "provider": row.provider,
            "when": when,
            "instead": _instead(row, captures.get("model", "")),
            "source": row.source,
        }
        data = {"retiring": {"row": row.id, "date": row.date.isoformat(), "days": days}}
        return Resolution(values, severity, data)


def _in_data_folder(path: str, params: dict[str, Any]) -> bool:
    """Is this file under a folder named in `data-folders` (a static site's `_data/`, which
    Jekyll and Eleventy render into pages: aider's `website/_data/*.yml` records benchmark
    runs of past models)? Its config entries are what a page shows, not what code calls."""
    folders = set(params.get("data-folders", []))
    return bool(folders) and any(part in folders for part in path.replace("\\", "/").split("/")[:-1])


def _positional(params: dict[str, Any]) -> tuple[Any, ...]:
    """Calls whose first positional argument is a model id (AI SDK provider functions,
    LangChain `init_chat_model`), from the rule's params."""

    return _patterns(params, "positional")


def _patterns(params: dict[str, Any], key: str) -> tuple[Any, ...]:
    from ragfirst.rules.patterns import compile_pattern

    return tuple(compile_pattern(p) for p in params.get(key, ()))


def _match(span: Any, row: RetiringModels, value: str) -> CheckMatch:
    return CheckMatch(span, {"row": row.id, "model": value})


def _instead(row: RetiringModels, value: str = "") -> str:
    parts = []
    found = retiring_models().lookup(value) if value else None
    own = row.replacement_of(found[1]) if found is not None and found[0] is row else ""
    if own:
        parts.append(f"the provider's replacement for {found[1]} is {own}")  # type: ignore[index]
    elif row.replacement:
        parts.append(f"the provider's replacement is {row.replacement}")
    else:
        parts.append("move to a current model (the provider names no replacement in the table)")
    if row.replacement_fine_tunable is False:
        parts.append("it cannot be fine-tuned" if row.replacement else "no fine-tunable successor")
    elif row.replacement_fine_tunable is True:
        parts.append("it can be fine-tuned")
    if found is not None and found[0] is row:
        parts.extend(row.notes_of(found[1]))
    if row.fine_tune_note:
        parts.append(row.fine_tune_note)
    return "; ".join(parts)


def _reported_by_rf107(row: RetiringModels, call: CallFact) -> bool:
    """RF107 already reports this call for the same event (a training path that closed
    with its base model): one event, one finding."""
    if not row.lifecycle or call.qualname is None:
        return False
    entry = next((e for e in lifecycle() if e.id == row.lifecycle), None)
    if entry is None or entry.retracted:
        return False
    return any(p.matches(call.qualname) for p in entry.calls) and entry.applies_to(string_literals(call))
