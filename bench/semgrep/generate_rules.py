"""Generate bench/semgrep/training.yaml: semgrep rules equivalent to ragfirst's RF101-RF105.

    python bench/semgrep/generate_rules.py            # rewrite training.yaml
    python bench/semgrep/generate_rules.py --check    # exit 1 if training.yaml is stale

Why a generator: ragfirst says "an instance of openai.OpenAI" once (`openai.OpenAI()` in
a name pattern) and its analyzer follows the instance wherever it goes. Semgrep has to be
told each way the instance can reach the call, and the same five ways apply to every
client class in every rule. Writing them out by hand ~60 times invites drift; this file
states each ragfirst matcher once, next to the YAML line it mirrors, and expands it.

How ragfirst constructs map to semgrep (all semgrep patterns are import-aware, so
`openai.OpenAI(...)` also matches `from openai import OpenAI as O; O()`):

| ragfirst | semgrep |
| --- | --- |
| `X().a.b` (instance of X) | `X(...).a.b(...)`; `$C = X(...)` ... `$C.a.b(...)`; `self.$A = X(...)` in a method ... `self.$A.a.b(...)`; `def f(..., $C: X, ...)` ... `$C.a.b(...)`; `def $F(): ... return X(...)` ... `$F().a.b(...)` |
| `{a,b}` alternatives | one branch per alternative (or a metavariable + `metavariable-regex` for method names) |
| `**` (any number of segments) | `m.X`, `m.$A.X`, `m.$A.$B.X` (ragfirst's `**` has no depth limit; three levels cover every real import path in these SDKs) |
| `*ForCausalLM` (wildcard in a segment) | `$CLS` + `metavariable-regex` |
| a subclass of an SDK class | `class $SUB(..., X, ...)` ... `$SUB(...)` |
| `file-calls:` (the file also calls one of ...) | `pattern-inside` "signal, then anything" (semgrep has no file-level condition; a signal that comes only after the call is missed) |
| `not-file-calls:` | `pattern-not-inside` of the same shape |
| `args: {name: n, equals: v}` | `f(..., n=v, ...)` (literal arguments only; ragfirst also follows a variable holding a literal) |
| RF105's `training-loop` check (backward + optimizer step in one function) | `$L.backward(...)` with `pattern-inside` "backward ... $OPT.step(...)" (either order), `$OPT` named like an optimizer |

Known, accepted differences are listed in bench/README.md; the bench prints both tools'
per-rule counts and the findings only one of them reports, so any drift is visible.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "training.yaml"

# -- building blocks ---------------------------------------------------------------------


def alts(text: str) -> list[str]:
    """Expand `{a,b}` alternatives (one brace group per segment, like ragfirst's syntax)."""
    start = text.find("{")
    if start == -1:
        return [text]
    end = text.index("}", start)
    head, options, tail = text[:start], text[start + 1 : end].split(","), text[end + 1 :]
    return [expanded for option in options for expanded in alts(head + option.strip() + tail)]


def deep(text: str) -> list[str]:
    """Expand a `**` segment into zero, one or two metavariable segments."""
    if ".**." not in text:
        return [text]
    head, tail = text.split(".**.", 1)
    out = []
    for middle in ("", "$M1.", "$M1.$M2."):
        out.extend(deep(f"{head}.{middle}{tail}"))
    return out


def names(text: str) -> list[str]:
    return [d for a in alts(text) for d in deep(a)]


def call(callee: str, args: str = "...") -> list[dict[str, Any]]:
    """A plain call of a module-level function or class: `transformers.Trainer`."""
    return [{"pattern": f"{name}({args})"} for name in names(callee)]


def on_instance(ctor: str, rest: str, args: str = "...") -> list[dict[str, Any]]:
    """A call on an instance of `ctor` (ragfirst: `ctor().rest`), every way semgrep can see it."""
    branches: list[dict[str, Any]] = []
    for klass in names(ctor):
        for tail in alts(rest):
            branches += [
                {"pattern": f"{klass}(...).{tail}({args})"},
                {
                    "patterns": [
                        {"pattern-inside": f"$C = {klass}(...)\n...\n"},
                        {"pattern": f"$C.{tail}({args})"},
                    ]
                },
                {
                    "patterns": [
                        {
                            "pattern-inside": (
                                "class $K(...):\n  ...\n  def $INIT(...):\n    ...\n"
                                f"    self.$A = {klass}(...)\n  ...\n"
                            )
                        },
                        {"pattern": f"self.$A.{tail}({args})"},
                    ]
                },
                {
                    "patterns": [
                        {"pattern-inside": f"def $F(..., $C: {klass}, ...):\n  ...\n"},
                        {"pattern": f"$C.{tail}({args})"},
                    ]
                },
                {
                    "patterns": [
                        {"pattern-inside": f"def $FACTORY(...):\n  ...\n  return {klass}(...)\n...\n"},
                        {"pattern": f"$FACTORY().{tail}({args})"},
                    ]
                },
            ]
    return branches


def on_instance_of_call(ctor_call: str, rest: str, args: str = "...") -> list[dict[str, Any]]:
    """Like on_instance, for a constructor that is itself a method call (`X.from_pretrained()`)."""
    branches: list[dict[str, Any]] = []
    for producer in names(ctor_call):
        for tail in alts(rest):
            branches += [
                {"pattern": f"{producer}(...).{tail}({args})"},
                {
                    "patterns": [
                        {"pattern-inside": f"$C = {producer}(...)\n...\n"},
                        {"pattern": f"$C.{tail}({args})"},
                    ]
                },
            ]
    return branches


def subclass(base: str, args: str = "...") -> list[dict[str, Any]]:
    """Constructing a class of the file that derives from `base` (ragfirst resolves it to `base`)."""
    return [
        {
            "patterns": [
                {"pattern-inside": f"class $SUB(..., {name}, ...):\n  ...\n...\n"},
                {"pattern": f"$SUB({args})"},
            ]
        }
        for name in names(base)
    ]


def class_call(callee: str, args: str = "...") -> list[dict[str, Any]]:
    return call(callee, args) + subclass(callee, args)


# The file-level "a generative language model is in sight" signals (training.yaml's
# x-llm-signals), as semgrep expression patterns plus optional metavariable regexes.
LLM_SIGNALS: list[tuple[str, dict[str, str]]] = [
    *[
        (f"{name}(...)", {})
        for name in names(
            "transformers.{AutoModelForCausalLM,AutoModelForSeq2SeqLM,AutoModelForImageTextToText,"
            "AutoModelForVision2Seq}.from_pretrained"
        )
    ],
    (
        "transformers.$SIGCLS.from_pretrained(...)",
        {"$SIGCLS": r"^(.*\.)?\w*(ForCausalLM|LMHeadModel|ForConditionalGeneration)$"},
    ),
    *[
        (f"{name}(...)", {})
        for name in names("unsloth.{FastLanguageModel,FastModel,FastVisionModel}.from_pretrained")
    ],
    *[(f"{name}(...)", {}) for name in names("peft.**.get_peft_model")],
    *[(f"{name}(...)", {}) for name in names("peft.**.prepare_model_for_kbit_training")],
]


def _file_condition(signals: list[tuple[str, dict[str, str]]], negate: bool = False) -> list[dict[str, Any]]:
    """`file-calls` (or `not-file-calls`) approximated as "the signal comes earlier in the file".

    Semgrep's `SIG ... ` reaches into later statements at any depth (a signal in one
    function covers a call in a later one), so this misses only a signal that comes after
    the call. The symmetric "anything, then the signal" shape would close that gap but made
    semgrep ~30x slower on the corpus (it hit its 5 s per-file rule timeout on 60
    file/rule pairs and so lost findings); a semgrep user would not write it, so the
    benchmark does not hand semgrep that handicap.
    """
    shapes = ("{sig}\n...\n",)
    if negate:
        return [{"pattern-not-inside": shape.format(sig=sig)} for sig, _ in signals for shape in shapes]
    either: list[dict[str, Any]] = []
    for sig, regexes in signals:
        for shape in shapes:
            inside = {"pattern-inside": shape.format(sig=sig)}
            if regexes:
                either.append(
                    {
                        "patterns": [
                            inside,
                            *(
                                {"metavariable-regex": {"metavariable": mv, "regex": rx}}
                                for mv, rx in regexes.items()
                            ),
                        ]
                    }
                )
            else:
                either.append(inside)
    return [{"pattern-either": either}]


def file_calls(*patterns: str) -> list[tuple[str, dict[str, str]]]:
    return [(f"{name}(...)", {}) for pattern in patterns for name in names(pattern)]


def rule(
    rule_id: str,
    part: str,
    message: str,
    severity: str,
    branches: list[dict[str, Any]],
    *,
    regexes: dict[str, str] | None = None,
    requires: list[tuple[str, dict[str, str]]] | None = None,
    forbids: list[tuple[str, dict[str, str]]] | None = None,
    focus: str | None = None,
) -> dict[str, Any]:
    body: list[dict[str, Any]] = [{"pattern-either": branches}]
    for metavariable, regex in (regexes or {}).items():
        body.append({"metavariable-regex": {"metavariable": metavariable, "regex": regex}})
    if requires:
        body += _file_condition(requires)
    if forbids:
        body += _file_condition(forbids, negate=True)
    if focus:
        body.append({"focus-metavariable": focus})
    out: dict[str, Any] = {
        "id": f"{rule_id}-{part}",
        "languages": ["python"],
        "severity": severity,
        "message": message,
        "metadata": {"ragfirst-rule": rule_id},
    }
    if len(body) == 1 and not regexes:
        out["pattern-either"] = branches
    else:
        out["patterns"] = body
    return out


# -- the rules (each block mirrors one `match:` entry of rules/packs/training.yaml) -------


def rf101() -> list[dict[str, Any]]:
    msg = "RF101 hosted fine-tuning job: training is the last step, after prompting and retrieval."
    w = "WARNING"
    r = []
    r.append(
        rule(
            "RF101",
            "openai",
            msg,
            w,
            [
                *on_instance("openai.{OpenAI,AsyncOpenAI}", "fine_tuning.jobs.{create,resume}"),
                *call("openai.fine_tuning.jobs.{create,resume}"),
                *call("openai.{FineTuningJob,FineTune}.create"),
                *on_instance("openai.{OpenAI,AsyncOpenAI}", "fine_tunes.create"),
            ],
        )
    )
    r.append(
        rule(
            "RF101",
            "azure-openai",
            msg,
            w,
            on_instance("openai.{AzureOpenAI,AsyncAzureOpenAI}", "fine_tuning.jobs.{create,resume}"),
        )
    )
    r.append(
        rule(
            "RF101",
            "mistral",
            msg,
            w,
            [
                *on_instance("mistralai.Mistral", "fine_tuning.jobs.{create,create_async}"),
                *on_instance("mistralai.client.Mistral", "fine_tuning.jobs.{create,create_async}"),
                *on_instance("mistralai.client.MistralClient", "jobs.create"),
                *on_instance("mistralai.async_client.MistralAsyncClient", "jobs.create"),
            ],
        )
    )
    r.append(
        rule(
            "RF101",
            "together",
            msg,
            w,
            [
                *on_instance("together.{Together,AsyncTogether}", "fine_tuning.create"),
                *call("together.Finetune.create"),
            ],
        )
    )
    r.append(
        rule(
            "RF101",
            "fireworks",
            msg,
            w,
            on_instance(
                "fireworks.{Fireworks,AsyncFireworks}",
                "{supervised_fine_tuning_jobs,dpo_jobs,reinforcement_fine_tuning_jobs}.create",
            ),
        )
    )
    r.append(
        rule(
            "RF101",
            "cohere",
            msg,
            w,
            on_instance(
                "cohere.{Client,ClientV2,AsyncClient,AsyncClientV2}", "finetuning.create_finetuned_model"
            ),
        )
    )
    r.append(
        rule(
            "RF101",
            "vertex",
            msg,
            w,
            [
                *call("vertexai.tuning.sft.train"),
                *call("vertexai.preview.tuning.sft.train"),
                *on_instance_of_call(
                    "vertexai.**.{TextGenerationModel,ChatModel,CodeGenerationModel}.from_pretrained",
                    "tune_model",
                ),
            ],
        )
    )
    r.append(
        rule(
            "RF101",
            "gemini",
            msg,
            w,
            [
                *on_instance("google.genai.Client", "tunings.tune"),
                *on_instance("google.genai.Client", "aio.tunings.tune"),
                *call("google.generativeai.create_tuned_model"),
            ],
        )
    )
    r.append(rule("RF101", "bedrock", msg, w, bedrock("create_model_customization_job")))
    r.append(
        rule(
            "RF101",
            "replicate",
            msg,
            w,
            [
                *call("replicate.trainings.{create,async_create}"),
                *on_instance("replicate.{Client,Replicate}", "trainings.{create,async_create}"),
            ],
        )
    )
    r.append(rule("RF101", "autotrain", msg, w, on_instance("autotrain.**.AutoTrainProject", "create")))
    r.append(
        rule("RF101", "litellm", msg, w, call("litellm.{create_fine_tuning_job,acreate_fine_tuning_job}"))
    )
    r.append(
        rule(
            "RF101",
            "portkey",
            msg,
            w,
            on_instance("portkey_ai.{Portkey,AsyncPortkey}", "fine_tuning.jobs.create"),
        )
    )
    r.append(
        rule(
            "RF101",
            "llamaindex",
            msg,
            w,
            on_instance("llama_index.**.{OpenAIFinetuneEngine,AzureOpenAIFinetuneEngine}", "finetune"),
        )
    )
    r.append(rule("RF101", "dspy", msg, w, call("dspy.**.BootstrapFinetune")))
    r.append(rule("RF101", "azureml", msg, w, call("azure.ai.ml.finetuning.create_finetuning_job")))
    return r


def bedrock(method: str, args: str = "...") -> list[dict[str, Any]]:
    """`boto3.**.client().<method>`: boto3.client(...), boto3.session.Session().client(...)."""
    return [
        *on_instance("boto3.client", method, args),
        *on_instance("boto3.$M1.client", method, args),
        *on_instance_of_call("boto3.$M1(...).client", method, args),
        *on_instance_of_call("boto3.$M1.$M2(...).client", method, args),
    ]


def rf102() -> list[dict[str, Any]]:
    msg = "RF102 local fine-tuning: you are taking on GPUs, data curation and model hosting."
    w = "WARNING"
    return [
        rule("RF102", "trl-sft", msg, w, class_call("trl.**.{SFTTrainer,IterativeSFTTrainer}")),
        rule(
            "RF102",
            "transformers-trainer",
            msg,
            w,
            [
                *class_call("transformers.{Trainer,Seq2SeqTrainer}"),
                *class_call("transformers.trainer.Trainer"),
            ],
            requires=LLM_SIGNALS,
        ),
        rule(
            "RF102",
            "unsloth",
            msg,
            w,
            [
                *class_call("unsloth.{UnslothTrainer,unsloth_train}"),
                *class_call("unsloth.trainer.{UnslothTrainer,unsloth_train}"),
            ],
        ),
        rule("RF102", "mlx", msg, w, call("mlx_lm.tuner.**.train")),
        rule(
            "RF102",
            "torchtune",
            msg,
            w,
            [
                {"pattern": "import torchtune.training"},
                {"pattern": "import torchtune.training as $ALIAS"},
                {"pattern": "from torchtune import training"},
                {"pattern": "from torchtune import training as $ALIAS"},
                {"pattern": "from torchtune.training import $NAME"},
                {"pattern": "from torchtune.training import $NAME as $ALIAS"},
            ],
        ),
    ]


TRL_PREFERENCE = (
    "trl.**.{DPOTrainer,PPOTrainer,GRPOTrainer,KTOTrainer,ORPOTrainer,CPOTrainer,RewardTrainer,"
    "RLOOTrainer,OnlineDPOTrainer,BCOTrainer,GKDTrainer,NashMDTrainer,XPOTrainer,PRMTrainer}"
)


def rf103() -> list[dict[str, Any]]:
    msg = "RF103 preference training: this needs hundreds of hours of human feedback, a research team and $50,000+."
    w = "WARNING"
    branches_openai = []
    for kind in ("dpo", "reinforcement"):
        args = f'..., method={{..., "type": "{kind}", ...}}, ...'
        branches_openai += on_instance(
            "openai.{OpenAI,AsyncOpenAI,AzureOpenAI,AsyncAzureOpenAI}", "fine_tuning.jobs.create", args
        )
        branches_openai += call("openai.fine_tuning.jobs.create", args)
    return [
        rule("RF103", "trl", msg, w, class_call(TRL_PREFERENCE)),
        rule("RF103", "openai-method", msg, w, branches_openai),
        rule(
            "RF103",
            "together-dpo",
            msg,
            w,
            on_instance(
                "together.{Together,AsyncTogether}", "fine_tuning.create", '..., training_method="dpo", ...'
            ),
        ),
        rule(
            "RF103",
            "fireworks",
            msg,
            w,
            on_instance(
                "fireworks.{Fireworks,AsyncFireworks}", "{dpo_jobs,reinforcement_fine_tuning_jobs}.create"
            ),
        ),
        rule(
            "RF103",
            "gemini-method",
            msg,
            w,
            [
                branch
                for value in ("PREFERENCE_TUNING", "REINFORCEMENT_TUNING")
                for branch in (
                    *call("google.genai.types.CreateTuningJobConfig", f'..., method="{value}", ...'),
                    *call("google.genai.types.CreateTuningJobConfig", f"..., method=$ENUM.{value}, ..."),
                )
            ],
        ),
        rule(
            "RF103",
            "vertex-rlhf",
            msg,
            w,
            on_instance_of_call("vertexai.**.$MODEL.from_pretrained", "tune_model_rlhf"),
        ),
        rule(
            "RF103",
            "bedrock-rft",
            msg,
            w,
            bedrock(
                "create_model_customization_job", '..., customizationType="REINFORCEMENT_FINE_TUNING", ...'
            ),
        ),
        rule("RF103", "unsloth", msg, w, call("unsloth.{PatchDPOTrainer,PatchFastRL}")),
    ]


PEFT_CONFIGS = (
    "peft.**.{LoraConfig,AdaLoraConfig,PromptTuningConfig,PrefixTuningConfig,PromptEncoderConfig,"
    "MultitaskPromptTuningConfig,IA3Config,LoHaConfig,LoKrConfig,VeraConfig,BOFTConfig,OFTConfig,"
    "XLoraConfig,LoftQConfig}"
)


def rf104() -> list[dict[str, Any]]:
    msg = "RF104 parameter-efficient training (LoRA/QLoRA): cheaper fine-tuning, but still training."
    i = "INFO"
    return [
        rule("RF104", "peft-config", msg, i, call(PEFT_CONFIGS)),
        rule("RF104", "kbit", msg, i, call("peft.**.prepare_model_for_kbit_training")),
        rule(
            "RF104",
            "peft-trainable",
            msg,
            i,
            call(
                "peft.**.{PeftModel,AutoPeftModelForCausalLM}.from_pretrained", "..., is_trainable=True, ..."
            ),
        ),
        rule(
            "RF104",
            "unsloth",
            msg,
            i,
            call("unsloth.{FastLanguageModel,FastModel,FastVisionModel}.get_peft_model"),
        ),
        rule("RF104", "trl-peft-config", msg, i, call("trl.**.get_peft_config")),
        rule(
            "RF104",
            "bnb-4bit",
            msg,
            i,
            call("transformers.BitsAndBytesConfig", "..., load_in_4bit=True, ..."),
            requires=[
                ("trl.$TRLCLS(...)", {"$TRLCLS": r"^(.*\.)?\w*Trainer$"}),
                ("trl.$M1.$TRLCLS(...)", {"$TRLCLS": r"^(.*\.)?\w*Trainer$"}),
                ("trl.$M1.$M2.$TRLCLS(...)", {"$TRLCLS": r"^(.*\.)?\w*Trainer$"}),
                *file_calls("transformers.{Trainer,Seq2SeqTrainer}"),
            ],
            forbids=file_calls("peft.**.prepare_model_for_kbit_training"),
        ),
    ]


def rf105() -> list[dict[str, Any]]:
    msg = "RF105 custom LLM training code: you now own training infrastructure."
    w = "WARNING"
    loop = rule(
        "RF105",
        "training-loop",
        msg,
        w,
        [
            {"pattern-inside": "$L.backward(...)\n...\n$OPT.step(...)\n"},
            {"pattern-inside": "$OPT.step(...)\n...\n$L.backward(...)\n"},
        ],
        regexes={"$OPT": r"(?i)^(.*\.)?[^.]*optim[^.]*$"},
        requires=LLM_SIGNALS,
    )
    # The backward call itself is the finding (ragfirst reports the first one in the scope).
    loop["patterns"].insert(1, {"pattern": "$L.backward(...)"})
    return [
        loop,
        rule(
            "RF105",
            "accelerate",
            msg,
            w,
            on_instance("accelerate.Accelerator", "backward"),
            requires=LLM_SIGNALS,
        ),
        rule("RF105", "deepspeed", msg, w, call("deepspeed.initialize"), requires=LLM_SIGNALS),
        rule(
            "RF105",
            "distributed",
            msg,
            w,
            [
                *call("torch.nn.parallel.DistributedDataParallel"),
                *call("torch.distributed.fsdp.FullyShardedDataParallel"),
                *call("torch.distributed.**.fully_shard"),
            ],
            requires=LLM_SIGNALS,
        ),
    ]


def build() -> dict[str, Any]:
    return {"rules": [*rf101(), *rf102(), *rf103(), *rf104(), *rf105()]}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)

HEADER = """\
# GENERATED by bench/semgrep/generate_rules.py - edit that file, then re-run it.
# Semgrep rules equivalent to ragfirst's RF101-RF105 (rules/packs/training.yaml): the
# same calls, written the way semgrep needs them (see the generator's docstring).
# Each rule's metadata.ragfirst-rule names the ragfirst rule it mirrors.
"""


def render() -> str:
    return HEADER + yaml.dump(build(), Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when training.yaml is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python bench/semgrep/generate_rules.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(build()['rules'])} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
