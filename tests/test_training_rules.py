"""RF101-RF106 end to end through the engine: exact rule ids and lines for real SDK
spellings, silence on look-alikes, project-aware messages and suppressions.

Snippets start right after the opening quotes (`\"\"\"\\`), so the first code line is
line 1 and the expected line numbers can be read off the snippet.
"""

from __future__ import annotations

from ragfirst.config.settings import Settings

try:  # `tests` is a package (tests/__init__.py): conftest is `tests.conftest`
    from tests.conftest import ids, lines_of, lint
except ImportError:  # rootdir-style import when tests/ is not a package
    from conftest import ids, lines_of, lint

TRAINING_RULES = {"RF101", "RF102", "RF103", "RF104", "RF105", "RF106"}


def training_ids(findings) -> list[str]:
    return [rule_id for rule_id in ids(findings) if rule_id in TRAINING_RULES]


def message_of(findings, rule_id: str) -> str:
    (message,) = [f.message for f in findings if f.rule_id == rule_id and not f.suppressed]
    return message


# ============================================================================================
# RF101 hosted-fine-tuning: every aliasing form
# ============================================================================================


def test_rf101_fires_on_client_variable():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert training_ids(findings) == ["RF101"]


def test_rf101_fires_on_chained_constructor():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_through_import_alias():
    findings = lint(
        """\
        import openai as oa

        client = oa.OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_through_from_import_alias():
    findings = lint(
        """\
        from openai import OpenAI as O

        c = O()
        c.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_module_level_openai_client():
    findings = lint(
        """\
        import openai

        openai.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_module_client_used_in_function():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()

        def start(file_id):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [6]


def test_rf101_fires_in_nested_function():
    findings = lint(
        """\
        from openai import OpenAI

        def outer():
            client = OpenAI()

            def inner(file_id):
                return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)

            return inner
        """
    )
    assert lines_of(findings, "RF101") == [7]


def test_rf101_fires_on_self_client_set_in_init():
    findings = lint(
        """\
        from openai import AsyncOpenAI

        class Tuner:
            def __init__(self):
                self.client = AsyncOpenAI()

            async def start(self, file_id):
                return await self.client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [8]


def test_rf101_fires_on_self_client_in_method_defined_before_init():
    findings = lint(
        """\
        from openai import AsyncOpenAI

        class Tuner:
            async def start(self, file_id):
                return await self.client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)

            def __init__(self):
                self.client = AsyncOpenAI()
        """
    )
    assert lines_of(findings, "RF101") == [5]


def test_rf101_fires_on_client_from_factory_function():
    findings = lint(
        """\
        import openai as oa

        def make_client():
            return oa.AzureOpenAI(azure_endpoint="https://example.openai.azure.com", api_version="2024-10-21")

        make_client().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [6]


def test_rf101_fires_on_client_from_factory_method():
    findings = lint(
        """\
        from openai import OpenAI

        class Clients:
            def openai(self):
                return OpenAI()

        clients = Clients()
        clients.openai().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [8]


def test_rf101_fires_on_factory_defined_after_its_use():
    findings = lint(
        """\
        from openai import OpenAI

        def main():
            client = get_client()
            client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")

        def get_client():
            return OpenAI()

        main()
        """
    )
    assert lines_of(findings, "RF101") == [5]


def test_rf101_fires_with_await():
    findings = lint(
        """\
        from openai import AsyncOpenAI

        async def main():
            job = await AsyncOpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
            return job
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_through_with_options():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.with_options(timeout=600).fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_through_with_raw_response():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        raw = client.fine_tuning.jobs.with_raw_response.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_through_getattr():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        getattr(client, "fine_tuning").jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_annotated_parameter():
    findings = lint(
        """\
        from openai import OpenAI

        def start(client: OpenAI, file_id: str):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_optional_annotated_parameter():
    findings = lint(
        """\
        from openai import OpenAI

        def start(file_id: str, client: OpenAI | None = None):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_string_annotated_parameter():
    findings = lint(
        """\
        from openai import OpenAI

        def start(client: "OpenAI", file_id: str):
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_in_with_statement():
    findings = lint(
        """\
        from openai import OpenAI

        with OpenAI() as client:
            client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_user_subclass_of_client():
    findings = lint(
        """\
        from openai import OpenAI

        class CompanyClient(OpenAI):
            pass

        CompanyClient().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [6]


def test_rf101_fires_on_multi_line_call_at_its_first_line():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        job = client.fine_tuning.jobs.create(
            model="gpt-4o-mini",
            training_file="file-abc",
        )
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_resume():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.resume("ftjob-abc")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_openai_with_star_kwargs():
    findings = lint(
        """\
        from openai import OpenAI

        params = load_params()
        OpenAI().fine_tuning.jobs.create(**params)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_twice_for_two_jobs():
    findings = lint(
        """\
        import openai

        client = openai.OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="a")
        openai.fine_tuning.jobs.create(model="gpt-4.1-mini", training_file="b")
        """
    )
    assert lines_of(findings, "RF101") == [4, 5]


def test_rf101_message_names_provider_callee_and_model():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
        """
    )
    message = message_of(findings, "RF101")
    assert message.startswith(
        "OpenAI fine-tuning job (client.fine_tuning.jobs.create) on gpt-4o-mini-2024-07-18: "
    )


def test_rf101_message_uses_model_from_module_constant():
    findings = lint(
        """\
        from openai import OpenAI

        BASE = "gpt-4.1-mini-2025-04-14"
        OpenAI().fine_tuning.jobs.create(model=BASE, training_file="file-abc")
        """
    )
    assert "on gpt-4.1-mini-2025-04-14:" in message_of(findings, "RF101")


def test_rf101_message_falls_back_when_model_is_unknown():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model=pick_model(), training_file="file-abc")
        """
    )
    assert "on a base model:" in message_of(findings, "RF101")


# -- RF101: OpenAI legacy spellings -----------------------------------------------------------


def test_rf101_fires_on_legacy_fine_tuning_job_create():
    findings = lint(
        """\
        import openai

        openai.FineTuningJob.create(training_file="file-abc", model="gpt-3.5-turbo")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_legacy_fine_tune_create():
    findings = lint(
        """\
        import openai

        openai.FineTune.create(training_file="file-abc", model="davinci")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_v1_fine_tunes_create():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tunes.create(training_file="file-abc", model="davinci-002")
        """
    )
    assert lines_of(findings, "RF101") == [3]


# -- RF101: each provider ----------------------------------------------------------------------


def test_rf101_fires_on_azure_openai():
    findings = lint(
        """\
        from openai import AzureOpenAI

        client = AzureOpenAI(azure_endpoint="https://x.openai.azure.com", api_version="2024-10-21")
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Azure OpenAI fine-tuning job")


def test_rf101_fires_on_async_azure_openai():
    findings = lint(
        """\
        from openai import AsyncAzureOpenAI

        async def main():
            client = AsyncAzureOpenAI(api_version="2024-10-21")
            await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [5]
    assert message_of(findings, "RF101").startswith("Azure OpenAI fine-tuning job")


def test_rf101_fires_on_mistral_v1():
    findings = lint(
        """\
        from mistralai import Mistral

        client = Mistral(api_key="k")
        client.fine_tuning.jobs.create(
            model="open-mistral-7b",
            training_files=[{"file_id": "f", "weight": 1}],
        )
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Mistral fine-tuning job")


def test_rf101_fires_on_mistral_v2_client_module():
    findings = lint(
        """\
        from mistralai.client import Mistral

        async def main():
            client = Mistral(api_key="k")
            await client.fine_tuning.jobs.create_async(model="open-mistral-7b", training_files=[], auto_start=False)
        """
    )
    assert lines_of(findings, "RF101") == [5]


def test_rf101_fires_on_mistral_legacy_client_jobs_create():
    findings = lint(
        """\
        from mistralai.client import MistralClient

        client = MistralClient(api_key="k")
        client.jobs.create(model="open-mistral-7b", training_files=["f"])
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_together():
    findings = lint(
        """\
        from together import Together

        client = Together()
        client.fine_tuning.create(training_file="file-abc", model="meta-llama/Meta-Llama-3.1-8B-Instruct-Reference")
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Together AI fine-tuning job")


def test_rf101_together_job_from_a_checkpoint_names_no_base_model():
    """together-cookbook's Continual_Finetuning / DPO_Finetuning: `from_checkpoint=` with
    no `model` continues an earlier job; "on a base model" was wrong there. One finding."""
    findings = lint(
        """\
        from together import Together

        client = Together()
        sft = client.fine_tuning.create(training_file="f", model="meta-llama/Llama-3.2-1B-Instruct")
        dpo = client.fine_tuning.create(training_file="g", from_checkpoint=sft.id, training_method="dpo")
        both = client.fine_tuning.create(training_file="h", model="m", from_checkpoint=sft.id)
        """
    )
    assert lines_of(findings, "RF101") == [4, 5, 6]
    messages = [f.message for f in findings if f.rule_id == "RF101"]
    assert " on meta-llama/Llama-3.2-1B-Instruct:" in messages[0]
    assert " on the checkpoint of an earlier job (from_checkpoint):" in messages[1]
    assert "base model" not in messages[1]
    assert " on m:" in messages[2]


def test_rf101_fires_on_together_sft_method():
    findings = lint(
        """\
        from together import AsyncTogether

        async def main():
            await AsyncTogether().fine_tuning.create(training_file="f", model="m", training_method="sft")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_together_with_star_kwargs():
    # Whatever the method, a Together fine-tuning job is started.
    findings = lint(
        """\
        from together import Together

        config = load_config()
        Together().fine_tuning.create(**config)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_fireworks():
    findings = lint(
        """\
        from fireworks import Fireworks

        client = Fireworks()
        client.supervised_fine_tuning_jobs.create(dataset="ds", base_model="accounts/fireworks/models/qwen3-8b")
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Fireworks AI fine-tuning job")


def test_rf101_fires_on_cohere():
    findings = lint(
        """\
        import cohere
        from cohere.finetuning import BaseModel, FinetunedModel, Settings

        co = cohere.ClientV2()
        co.finetuning.create_finetuned_model(
            request=FinetunedModel(name="bot", settings=Settings(base_model=BaseModel(base_type="BASE_TYPE_CHAT"), dataset_id="ds"))
        )
        """
    )
    assert lines_of(findings, "RF101") == [5]
    assert message_of(findings, "RF101").startswith("Cohere fine-tuning job")


def test_rf101_fires_on_vertex_ai_sft_train():
    findings = lint(
        """\
        from vertexai.tuning import sft

        job = sft.train(source_model="gemini-2.0-flash-001", train_dataset="gs://b/train.jsonl")
        """
    )
    assert lines_of(findings, "RF101") == [3]
    assert message_of(findings, "RF101").startswith("Vertex AI fine-tuning job")


def test_rf101_fires_on_vertex_ai_preview_sft_train():
    findings = lint(
        """\
        import vertexai.preview.tuning.sft as sft

        sft.train(source_model="gemini-1.5-flash-002", train_dataset="gs://b/train.jsonl")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_vertex_ai_legacy_tune_model():
    findings = lint(
        """\
        from vertexai.language_models import TextGenerationModel

        model = TextGenerationModel.from_pretrained("text-bison@002")
        model.tune_model(training_data="gs://b/train.jsonl", train_steps=100)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_google_genai_tunings_tune():
    findings = lint(
        """\
        from google import genai

        client = genai.Client(vertexai=True, project="p", location="us-central1")
        client.tunings.tune(base_model="gemini-2.5-flash", training_dataset={"gcs_uri": "gs://b/train.jsonl"})
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Google Gemini fine-tuning job")


def test_rf101_fires_on_google_genai_async_tunings():
    findings = lint(
        """\
        from google.genai import Client

        async def main():
            await Client(vertexai=True).aio.tunings.tune(base_model="gemini-2.5-flash", training_dataset={})
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_legacy_google_generativeai():
    findings = lint(
        """\
        import google.generativeai as genai

        op = genai.create_tuned_model(source_model="models/gemini-1.5-flash-001-tuning", training_data=[])
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_bedrock_customization_job():
    findings = lint(
        """\
        import boto3

        bedrock = boto3.client("bedrock", region_name="us-west-2")
        bedrock.create_model_customization_job(
            jobName="j",
            customModelName="m",
            roleArn="arn",
            baseModelIdentifier="anthropic.claude-3-haiku-20240307-v1:0:200k",
            trainingDataConfig={"s3Uri": "s3://b/train.jsonl"},
            outputDataConfig={"s3Uri": "s3://b/out"},
        )
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert message_of(findings, "RF101").startswith("Amazon Bedrock fine-tuning job")


def test_rf101_fires_on_bedrock_session_client_fine_tuning_type():
    findings = lint(
        """\
        import boto3

        session = boto3.Session(profile_name="ml")
        client = session.client("bedrock")
        client.create_model_customization_job(jobName="j", customizationType="FINE_TUNING", baseModelIdentifier="m")
        """
    )
    assert lines_of(findings, "RF101") == [5]


def test_rf101_fires_on_bedrock_with_star_kwargs():
    findings = lint(
        """\
        import boto3

        request = build_request()
        boto3.client("bedrock").create_model_customization_job(**request)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_replicate_module_trainings():
    findings = lint(
        """\
        import replicate

        training = replicate.trainings.create(
            model="stability-ai/sdxl",
            version="39ed52f2",
            input={"input_images": "https://example.com/images.zip"},
            destination="me/my-sdxl",
        )
        """
    )
    assert lines_of(findings, "RF101") == [3]
    assert message_of(findings, "RF101").startswith("Replicate fine-tuning job")


def test_rf101_fires_on_replicate_client_trainings():
    findings = lint(
        """\
        from replicate import Client

        Client(api_token="t").trainings.create("owner/name:version", {"steps": 10}, "me/model")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_autotrain_project():
    findings = lint(
        """\
        from autotrain.params import LLMTrainingParams
        from autotrain.project import AutoTrainProject

        params = LLMTrainingParams(model="meta-llama/Llama-3.2-1B-Instruct", data_path="HuggingFaceH4/no_robots", trainer="sft")
        project = AutoTrainProject(params=params, backend="local", process=True)
        project.create()
        """
    )
    assert lines_of(findings, "RF101") == [6]
    assert message_of(findings, "RF101").startswith("Hugging Face AutoTrain fine-tuning job")


def test_rf101_fires_on_litellm():
    findings = lint(
        """\
        import litellm

        litellm.create_fine_tuning_job(model="gpt-4o-mini-2024-07-18", training_file="file-abc", custom_llm_provider="openai")
        """
    )
    assert lines_of(findings, "RF101") == [3]
    assert message_of(findings, "RF101").startswith("LiteLLM fine-tuning job")


def test_rf101_fires_on_litellm_async():
    findings = lint(
        """\
        from litellm import acreate_fine_tuning_job

        async def main(file_id):
            return await acreate_fine_tuning_job(model="gpt-4o-mini-2024-07-18", training_file=file_id)
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_portkey():
    findings = lint(
        """\
        from portkey_ai import Portkey

        Portkey(api_key="k").fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_llama_index_finetune_engine():
    findings = lint(
        """\
        from llama_index.finetuning import OpenAIFinetuneEngine

        engine = OpenAIFinetuneEngine("gpt-3.5-turbo", "finetuning_events.jsonl")
        engine.finetune()
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_dspy_bootstrap_finetune():
    findings = lint(
        """\
        import dspy

        optimizer = dspy.BootstrapFinetune(metric=None)
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_azure_ml_create_finetuning_job():
    findings = lint(
        """\
        from azure.ai.ml.finetuning import create_finetuning_job

        job = create_finetuning_job(model="m", task="chat_completion", training_data="d", output_model_name_prefix="p")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_rf101_fires_on_openai_client_pointed_at_other_base_url():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI(base_url="https://api.together.xyz/v1", api_key="k")
        client.fine_tuning.jobs.create(model="m", training_file="f")
        """
    )
    assert lines_of(findings, "RF101") == [4]


def test_rf101_fires_on_client_held_as_class_attribute():
    findings = lint(
        """\
        from openai import OpenAI

        class Config:
            client = OpenAI()

        Config.client.fine_tuning.jobs.create(model="m", training_file="f")

        class Service:
            def run(self):
                return self.client.fine_tuning.jobs.create(model="m", training_file="f")

            client = OpenAI()
        """
    )
    assert lines_of(findings, "RF101") == [6, 10]


# -- RF101: look-alikes that must not fire ----------------------------------------------------


def test_rf101_silent_on_fine_tuning_job_management():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.list(limit=10)
        client.fine_tuning.jobs.retrieve("ftjob-abc")
        client.fine_tuning.jobs.cancel("ftjob-abc")
        client.fine_tuning.jobs.pause("ftjob-abc")
        client.fine_tuning.jobs.list_events(fine_tuning_job_id="ftjob-abc")
        client.fine_tuning.jobs.checkpoints.list("ftjob-abc")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_inference_with_fine_tuned_model():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().chat.completions.create(model="ft:gpt-4o-mini:org:custom:id", messages=[], max_tokens=200)
        """
    )
    assert "RF101" not in ids(findings)


def test_rf101_silent_on_files_create_for_assistants():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.files.create(file=open("handbook.pdf", "rb"), purpose="assistants")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_unrelated_jobs_create():
    findings = lint(
        """\
        from databricks.sdk import WorkspaceClient
        from kubernetes import client

        w = WorkspaceClient()
        w.jobs.create(name="nightly", tasks=[])
        batch = client.BatchV1Api()
        batch.jobs.create(body={"kind": "Job"})
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_scheduler_named_fine_tuning():
    findings = lint(
        """\
        from apscheduler.schedulers.background import BackgroundScheduler
        from celery import Celery

        scheduler = BackgroundScheduler()
        scheduler.fine_tuning = scheduler
        scheduler.add_job(print, "interval", minutes=5)
        app = Celery("tasks")
        app.fine_tuning.jobs.create(name="retrain")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_user_class_with_same_method_names():
    findings = lint(
        """\
        class FineTuning:
            def create(self, **kwargs):
                return kwargs

        class Jobs:
            fine_tuning = FineTuning()

        fine_tuning = FineTuning()
        fine_tuning.create(model="gpt-4o-mini")
        Jobs().fine_tuning.create(model="gpt-4o-mini")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_user_class_named_openai():
    findings = lint(
        """\
        class OpenAI:
            pass

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_names_in_strings_and_comments():
    findings = lint(
        """\
        # client.fine_tuning.jobs.create(model="gpt-4o-mini")
        NOTE = "we decided against client.fine_tuning.jobs.create"
        HELP = '''openai.fine_tuning.jobs.create(model="gpt-4o-mini")'''
        print("OpenAI().fine_tuning.jobs.create")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_after_client_name_is_reassigned():
    findings = lint(
        """\
        from openai import OpenAI
        from jobqueue import Queue

        client = OpenAI()
        client = Queue()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_relative_import_of_local_wrapper():
    findings = lint(
        """\
        from .openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_bedrock_runtime_inference():
    findings = lint(
        """\
        import boto3

        runtime = boto3.client("bedrock-runtime")
        runtime.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[])
        runtime.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body="{}")
        agent = boto3.client("bedrock-agent-runtime")
        agent.retrieve(knowledgeBaseId="kb", retrievalQuery={"text": "q"})
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_genai_tuning_job_management():
    findings = lint(
        """\
        from google import genai

        client = genai.Client(vertexai=True)
        client.tunings.get(name="tuningJobs/1")
        client.tunings.list()
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_replicate_inference():
    findings = lint(
        """\
        import replicate

        replicate.run("meta/meta-llama-3-8b-instruct", input={"prompt": "hi"})
        replicate.predictions.create(version="v", input={"prompt": "hi"})
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_together_job_management():
    findings = lint(
        """\
        from together import Together

        client = Together()
        client.fine_tuning.list()
        client.fine_tuning.retrieve("ft-abc")
        client.fine_tuning.cancel("ft-abc")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_anthropic_messages():
    findings = lint(
        """\
        from anthropic import Anthropic

        client = Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=100, messages=[])
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_other_openai_resources():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.alpha.graders.run(grader={}, model_sample="x")
        client.batches.create(input_file_id="f", endpoint="/v1/chat/completions", completion_window="24h")
        client.vector_stores.create(name="docs")
        client.embeddings.create(model="text-embedding-3-small", input="x")
        client.fine_tuning.jobs.with_raw_response.list()
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_together_estimate_price():
    findings = lint(
        """\
        from together import Together

        Together().fine_tuning.estimate_price(training_file="f", model="m")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_self_client_of_another_class():
    findings = lint(
        """\
        from kubernetes import client as k8s
        from openai import OpenAI

        class Tuner:
            def __init__(self):
                self.client = OpenAI()

        class Ops:
            def __init__(self):
                self.client = k8s.BatchV1Api()

            def run(self):
                self.client.fine_tuning.jobs.create(body={})
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_when_name_rebound_by_except_clause():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        try:
            pass
        except Exception as client:
            client.fine_tuning.jobs.create(model="m")
        """
    )
    assert training_ids(findings) == []


def test_rf101_silent_on_dspy_prompt_optimizers():
    findings = lint(
        """\
        import dspy

        a = dspy.MIPROv2(metric=None)
        b = dspy.BootstrapFewShot(metric=None)
        """
    )
    assert training_ids(findings) == []


# -- RF101: project-aware message ----------------------------------------------------------------

TRAIN_PY = """\
    from openai import OpenAI

    client = OpenAI()
    client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
    """

PINECONE_PY = """\
    from pinecone import Pinecone

    pc = Pinecone(api_key="k")
    index = pc.Index("docs")
    """


def test_rf101_message_names_retrieval_site_in_other_file():
    # `**{...}` because a `src__rag=` keyword cannot carry the `.py` suffix.
    findings = lint(TRAIN_PY, path="train.py", **{"src/rag.py": PINECONE_PY})
    assert lines_of(findings, "RF101") == [4]
    message = message_of(findings, "RF101")
    assert "Retrieval is already set up" in message
    assert "src/rag.py:4" in message
    assert "Pinecone (Index)" in message
    assert "No retrieval found" not in message


def test_rf101_message_names_first_of_several_retrieval_sites():
    chroma = """\
        import chromadb

        client = chromadb.PersistentClient(path="db")
        docs = client.get_or_create_collection("docs")
        """
    findings = lint(TRAIN_PY, path="train.py", **{"src/rag.py": PINECONE_PY, "src/store.py": chroma})
    message = message_of(findings, "RF101")
    assert "src/rag.py:4" in message
    assert "and 1 more" in message


def test_rf101_message_says_no_retrieval_without_it():
    findings = lint(TRAIN_PY, path="train.py", **{"src/app.py": "print('hello')\n"})
    assert lines_of(findings, "RF101") == [4]
    message = message_of(findings, "RF101")
    assert "No retrieval found in this project: try RAG over the same data first." in message
    assert "Retrieval is already set up" not in message


def test_rf101_message_counts_retrieval_in_same_file():
    findings = lint(
        """\
        from openai import OpenAI
        from pinecone import Pinecone

        index = Pinecone().Index("docs")
        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc")
        """,
        path="train.py",
    )
    assert lines_of(findings, "RF101") == [5]
    assert "train.py:4" in message_of(findings, "RF101")


def test_rf101_message_ignores_retrieval_mentioned_only_in_strings():
    findings = lint(TRAIN_PY, path="train.py", **{"src/rag.py": 'NOTE = "Pinecone().Index(\\"docs\\")"\n'})
    assert "No retrieval found" in message_of(findings, "RF101")


# ============================================================================================
# RF102 local-fine-tuning
# ============================================================================================


def test_rf102_fires_on_trl_sft_trainer():
    findings = lint(
        """\
        from datasets import load_dataset
        from trl import SFTConfig, SFTTrainer

        dataset = load_dataset("json", data_files="data/train.jsonl", split="train")
        trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=dataset, args=SFTConfig(output_dir="out"))
        trainer.train()
        """
    )
    assert lines_of(findings, "RF102") == [5]
    assert "RF103" not in ids(findings)


def test_rf102_fires_on_trl_module_alias():
    findings = lint(
        """\
        import trl as t

        t.SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=None)
        """
    )
    assert lines_of(findings, "RF102") == [3]


def test_rf102_fires_on_transformers_trainer_with_causal_lm():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM, Trainer, TrainingArguments

        model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B")
        trainer = Trainer(model=model, args=TrainingArguments(output_dir="out"))
        trainer.train()
        """
    )
    assert lines_of(findings, "RF102") == [4]


def test_rf102_fires_on_seq2seq_trainer_with_seq2seq_lm():
    findings = lint(
        """\
        from transformers import AutoModelForSeq2SeqLM, Seq2SeqTrainer, Seq2SeqTrainingArguments

        model = AutoModelForSeq2SeqLM.from_pretrained("google/flan-t5-base")
        args = Seq2SeqTrainingArguments(output_dir="out")
        Seq2SeqTrainer(model=model, args=args).train()
        """
    )
    assert lines_of(findings, "RF102") == [5]


def test_rf102_fires_on_trainer_with_named_causal_lm_class():
    findings = lint(
        """\
        import transformers

        model = transformers.LlamaForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B")
        transformers.Trainer(model=model).train()
        """
    )
    assert lines_of(findings, "RF102") == [4]


def test_rf102_fires_on_trainer_subclass():
    findings = lint(
        """\
        import transformers

        class MyTrainer(transformers.Trainer):
            def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
                return super().compute_loss(model, inputs, return_outputs, **kwargs)

        model = transformers.AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        MyTrainer(model=model).train()
        """
    )
    assert lines_of(findings, "RF102") == [8]


def test_rf102_fires_on_trainer_built_in_one_function_trained_in_another():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM, Trainer

        def build():
            model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1")
            return Trainer(model=model)

        def main():
            build().train()
        """
    )
    assert lines_of(findings, "RF102") == [5]


def test_rf102_fires_on_unsloth_trainer():
    findings = lint(
        """\
        from unsloth import FastLanguageModel, UnslothTrainer

        model, tokenizer = FastLanguageModel.from_pretrained("unsloth/Llama-3.2-1B", max_seq_length=2048)
        trainer = UnslothTrainer(model=model, tokenizer=tokenizer, train_dataset=None)
        """
    )
    assert lines_of(findings, "RF102") == [4]


def test_rf102_fires_on_mlx_lm_tuner_train():
    findings = lint(
        """\
        from mlx_lm.tuner import TrainingArgs, train

        train(model=model, optimizer=optimizer, train_dataset=train_set, args=TrainingArgs(iters=600))
        """
    )
    assert lines_of(findings, "RF102") == [3]


def test_rf102_fires_on_torchtune_training_import():
    findings = lint(
        """\
        import torchtune.training

        checkpointer = torchtune.training.FullModelHFCheckpointer(checkpoint_dir="ckpt")
        """
    )
    assert lines_of(findings, "RF102") == [1]


def test_rf102_fires_on_torchtune_from_import_training():
    # The spelling torchtune's own recipes use.
    findings = lint(
        """\
        from torchtune import config, modules, training, utils

        device = utils.get_device(device="cuda")
        """
    )
    assert lines_of(findings, "RF102") == [1]


def test_rf102_silent_on_user_class_named_trainer():
    findings = lint(
        """\
        class Trainer:
            def __init__(self, model):
                self.model = model

            def train(self):
                return self.model

        Trainer(model="my-model").train()
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_user_trainer_next_to_llm_signal():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM

        class Trainer:
            def __init__(self, model):
                self.model = model

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        Trainer(model).model.eval()
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_sklearn_fit_and_train_names():
    findings = lint(
        """\
        from sklearn.linear_model import LogisticRegression
        import xgboost as xgb

        model = LogisticRegression()
        model.fit([[0], [1]], [0, 1])
        booster = xgb.train({"max_depth": 2}, xgb.DMatrix([[0]], label=[0]), num_boost_round=10)
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_trainer_with_encoder_classifier():
    findings = lint(
        """\
        from transformers import AutoModelForSequenceClassification, Trainer

        model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased")
        Trainer(model=model).train()
        """
    )
    assert "RF102" not in ids(findings)


def test_rf102_silent_on_lightning_trainer():
    findings = lint(
        """\
        import lightning as L

        trainer = L.Trainer(max_epochs=3)
        trainer.fit(model, datamodule=dm)
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_torch_mode_switch():
    findings = lint(
        """\
        import torch
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        model.train()
        model.eval()
        with torch.no_grad():
            model.generate(max_new_tokens=20)
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_trainer_import_only():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM, Trainer

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_tokenizer_training_and_unsloth_inference():
    findings = lint(
        """\
        from tokenizers import Tokenizer
        from tokenizers.models import BPE
        from tokenizers.trainers import BpeTrainer
        from transformers import AutoTokenizer
        from unsloth import FastLanguageModel

        trainer = BpeTrainer(vocab_size=30000)
        Tokenizer(BPE()).train(["corpus.txt"], trainer)
        AutoTokenizer.from_pretrained("gpt2").train_new_from_iterator([], 1000)
        model, tokenizer = FastLanguageModel.from_pretrained("unsloth/Llama-3.2-1B")
        FastLanguageModel.for_inference(model)
        """
    )
    assert training_ids(findings) == []


def test_rf102_silent_on_ray_tune_tuner():
    findings = lint(
        """\
        from ray import tune
        from ray.tune import Tuner
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        Tuner(trainable, param_space={"lr": tune.loguniform(1e-4, 1e-1)}).fit()
        """
    )
    assert training_ids(findings) == []


# ============================================================================================
# RF103 preference-training
# ============================================================================================


def test_rf103_fires_on_dpo_trainer():
    findings = lint(
        """\
        from trl import DPOConfig, DPOTrainer

        trainer = DPOTrainer(model="Qwen/Qwen2.5-0.5B-Instruct", args=DPOConfig(output_dir="out"), train_dataset=None)
        """
    )
    assert lines_of(findings, "RF103") == [3]
    assert "RF102" not in ids(findings)
    assert message_of(findings, "RF103").startswith("Preference training with DPOTrainer:")


def test_rf103_dpo_still_names_human_feedback():
    findings = lint(
        """\
        from trl import DPOTrainer

        DPOTrainer(model="m", args=None, train_dataset=None)
        """
    )
    assert "hundreds of hours of human feedback" in message_of(findings, "RF103")


def test_rf103_grpo_does_not_ask_for_human_feedback():
    """GRPO learns from reward functions: telling its user to collect human feedback is wrong."""
    findings = lint(
        """\
        from trl import GRPOConfig, GRPOTrainer

        GRPOTrainer(model="Qwen/Qwen2.5-0.5B", reward_funcs=[lambda completions, **kw: [0.0] * len(completions)], args=GRPOConfig(output_dir="out"), train_dataset=None)
        """
    )
    assert lines_of(findings, "RF103") == [3]
    message = message_of(findings, "RF103")
    assert message.startswith("Preference training with GRPOTrainer: rewards come from code here")
    assert "no human feedback is needed" in message and "hundreds of hours" not in message


def test_rf103_openai_reinforcement_uses_a_grader_not_human_feedback():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="o4-mini-2025-04-16", training_file="f", method={"type": "reinforcement", "reinforcement": {"grader": {}}})
        """
    )
    assert "rewards come from code here" in message_of(findings, "RF103")
    dpo = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", training_file="f", method={"type": "dpo"})
        """
    )
    assert "hundreds of hours of human feedback" in message_of(dpo, "RF103")


def test_rf103_fires_on_experimental_ppo_trainer():
    findings = lint(
        """\
        from trl.experimental.ppo import PPOConfig, PPOTrainer

        PPOTrainer(args=PPOConfig(output_dir="out"), processing_class=None, model=None, ref_model=None, reward_model=None, train_dataset=None)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_legacy_top_level_ppo_trainer():
    findings = lint(
        """\
        from trl import PPOConfig, PPOTrainer

        ppo = PPOTrainer(config=PPOConfig(batch_size=8), model=model, tokenizer=tokenizer)
        ppo.step(queries, responses, rewards)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_grpo_trainer():
    findings = lint(
        """\
        from trl import GRPOConfig, GRPOTrainer

        def reward_len(completions, **kwargs):
            return [-abs(20 - len(c)) for c in completions]

        trainer = GRPOTrainer(model="Qwen/Qwen2-0.5B-Instruct", reward_funcs=reward_len, args=GRPOConfig(output_dir="out"))
        """
    )
    assert lines_of(findings, "RF103") == [6]


def test_rf103_fires_on_kto_trainer():
    findings = lint(
        """\
        import trl

        trl.KTOTrainer(model=model, args=trl.KTOConfig(output_dir="out"), train_dataset=ds)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_orpo_trainer_in_experimental():
    findings = lint(
        """\
        from trl.experimental.orpo import ORPOTrainer

        ORPOTrainer(model=model, train_dataset=ds)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_reward_trainer():
    findings = lint(
        """\
        from trl import RewardConfig, RewardTrainer

        trainer = RewardTrainer(model="Qwen/Qwen2.5-0.5B-Instruct", args=RewardConfig(output_dir="rm"), train_dataset=ds)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_rloo_and_cpo_trainers():
    findings = lint(
        """\
        from trl import RLOOTrainer
        from trl.experimental.cpo import CPOTrainer

        RLOOTrainer(model="m", reward_funcs=f, train_dataset=ds)
        CPOTrainer(model=model, train_dataset=ds)
        """
    )
    assert lines_of(findings, "RF103") == [4, 5]


def test_rf103_fires_on_openai_dpo_method():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(
            model="gpt-4.1-mini-2025-04-14",
            training_file="file-abc",
            method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}},
        )
        """
    )
    assert lines_of(findings, "RF103") == [3]
    assert "OpenAI method=" in message_of(findings, "RF103")


def test_rf103_fires_on_openai_reinforcement_method_from_constant():
    findings = lint(
        """\
        import openai

        METHOD = {"type": "reinforcement", "reinforcement": {"grader": {"type": "string_check"}}}
        openai.fine_tuning.jobs.create(model="o4-mini-2025-04-16", training_file="file-abc", method=METHOD)
        """
    )
    assert lines_of(findings, "RF103") == [4]


def test_rf103_fires_on_azure_dpo_method():
    findings = lint(
        """\
        from openai import AzureOpenAI

        client = AzureOpenAI(api_version="2024-10-21")
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f", method={"type": "dpo"})
        """
    )
    assert lines_of(findings, "RF103") == [4]


def test_rf103_fires_on_together_dpo_alongside_rf101():
    findings = lint(
        """\
        from together import Together

        Together().fine_tuning.create(training_file="f", model="m", training_method="dpo", dpo_beta=0.1)
        """
    )
    assert lines_of(findings, "RF103") == [3]
    # RF101 fires on every hosted job start; RF103 adds the preference-training finding.
    assert lines_of(findings, "RF101") == lines_of(findings, "RF103")
    assert "Together AI training_method=dpo" in message_of(findings, "RF103")


def test_rf103_fires_on_fireworks_dpo_and_rft_jobs():
    findings = lint(
        """\
        from fireworks import Fireworks

        client = Fireworks()
        client.dpo_jobs.create(dataset="prefs", base_model="accounts/fireworks/models/qwen3-8b")
        client.reinforcement_fine_tuning_jobs.create(dataset="prompts", base_model="accounts/fireworks/models/qwen3-8b")
        """
    )
    assert lines_of(findings, "RF103") == [4, 5]
    # RF101 fires on every hosted job start; RF103 adds the preference-training finding.
    assert lines_of(findings, "RF101") == lines_of(findings, "RF103")


def test_rf103_fires_on_genai_preference_tuning_config():
    findings = lint(
        """\
        from google.genai import types

        config = types.CreateTuningJobConfig(method="PREFERENCE_TUNING", beta=0.1)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_genai_tuning_method_enum():
    findings = lint(
        """\
        from google.genai import types

        config = types.CreateTuningJobConfig(method=types.TuningMethod.REINFORCEMENT_TUNING)
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_fires_on_bedrock_reinforcement_fine_tuning_alongside_rf101():
    findings = lint(
        """\
        import boto3

        boto3.client("bedrock").create_model_customization_job(
            jobName="j",
            customizationType="REINFORCEMENT_FINE_TUNING",
            baseModelIdentifier="amazon.nova-lite-v1:0",
        )
        """
    )
    assert lines_of(findings, "RF103") == [3]
    # RF101 fires on every hosted job start; RF103 adds the preference-training finding.
    assert lines_of(findings, "RF101") == lines_of(findings, "RF103")


def test_rf103_fires_on_vertex_tune_model_rlhf():
    findings = lint(
        """\
        from vertexai.language_models import TextGenerationModel

        model = TextGenerationModel.from_pretrained("text-bison@002")
        model.tune_model_rlhf(prompt_data="gs://b/prompts.jsonl", preference_data="gs://b/prefs.jsonl")
        """
    )
    assert lines_of(findings, "RF103") == [4]


def test_rf103_fires_on_unsloth_patch_dpo_trainer():
    findings = lint(
        """\
        from unsloth import PatchDPOTrainer

        PatchDPOTrainer()
        """
    )
    assert lines_of(findings, "RF103") == [3]


def test_rf103_silent_on_openai_supervised_method():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", training_file="f", method={"type": "supervised"})
        """
    )
    assert "RF103" not in ids(findings)
    assert lines_of(findings, "RF101") == [3]


def test_rf103_silent_on_openai_method_hidden_in_star_kwargs():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", **options)
        """
    )
    assert "RF103" not in ids(findings)


def test_rf103_silent_on_user_class_named_dpo_trainer():
    findings = lint(
        """\
        class DPOTrainer:
            pass

        class GRPOTrainer(DPOTrainer):
            pass

        DPOTrainer()
        GRPOTrainer()
        """
    )
    assert training_ids(findings) == []


def test_rf103_silent_on_together_sft():
    findings = lint(
        """\
        from together import Together

        Together().fine_tuning.create(training_file="f", model="m", training_method="sft")
        """
    )
    assert "RF103" not in ids(findings)


def test_rf103_silent_on_genai_supervised_config():
    findings = lint(
        """\
        from google.genai import types

        config = types.CreateTuningJobConfig(method="SUPERVISED_FINE_TUNING")
        """
    )
    assert training_ids(findings) == []


# ============================================================================================
# RF104 peft-adapter
# ============================================================================================


def test_rf104_fires_on_lora_config():
    findings = lint(
        """\
        from peft import LoraConfig, get_peft_model

        config = LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"])
        """
    )
    assert lines_of(findings, "RF104") == [3]
    # No model in the file: the message says it could not tell (issue 19).
    assert message_of(findings, "RF104").startswith(
        "Parameter-efficient training with LoraConfig (no language model found in this file"
    )


def test_rf104_fires_on_peft_module_alias_and_submodule():
    findings = lint(
        """\
        import peft
        from peft.tuners.lora import LoraConfig

        a = peft.PromptTuningConfig(num_virtual_tokens=20)
        b = LoraConfig(r=8)
        """
    )
    assert lines_of(findings, "RF104") == [4, 5]


def test_rf104_fires_on_prepare_model_for_kbit_training():
    findings = lint(
        """\
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
        """
    )
    assert lines_of(findings, "RF104") == [3]
    assert "QLoRA (prepare_model_for_kbit_training)" in message_of(findings, "RF104")


def test_rf104_fires_on_trainable_adapter_load():
    findings = lint(
        """\
        from peft import AutoPeftModelForCausalLM, PeftModel

        a = PeftModel.from_pretrained(base_model, "org/adapter", is_trainable=True)
        b = AutoPeftModelForCausalLM.from_pretrained("org/adapter", is_trainable=True)
        """
    )
    assert lines_of(findings, "RF104") == [3, 4]


def test_rf104_fires_on_unsloth_get_peft_model():
    findings = lint(
        """\
        from unsloth import FastLanguageModel

        model, tokenizer = FastLanguageModel.from_pretrained("unsloth/Llama-3.2-1B", load_in_4bit=True)
        model = FastLanguageModel.get_peft_model(model, r=16, lora_alpha=16)
        """
    )
    assert lines_of(findings, "RF104") == [4]


def test_rf104_fires_on_trl_get_peft_config():
    findings = lint(
        """\
        from trl import ModelConfig, get_peft_config

        peft_config = get_peft_config(ModelConfig(use_peft=True))
        """
    )
    assert lines_of(findings, "RF104") == [3]


def test_rf104_fires_on_4bit_loading_next_to_a_trainer():
    findings = lint(
        """\
        import torch
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig
        from trl import SFTTrainer

        bnb = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16)
        model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", quantization_config=bnb)
        SFTTrainer(model=model, train_dataset=ds)
        """
    )
    assert lines_of(findings, "RF104") == [5]
    assert lines_of(findings, "RF102") == [7]


def test_rf104_reports_qlora_once_at_prepare_when_both_present():
    findings = lint(
        """\
        from peft import prepare_model_for_kbit_training
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig, Trainer

        bnb = BitsAndBytesConfig(load_in_4bit=True)
        model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", quantization_config=bnb)
        model = prepare_model_for_kbit_training(model)
        Trainer(model=model)
        """
    )
    assert lines_of(findings, "RF104") == [6]


def test_rf104_silent_on_adapter_loaded_for_inference():
    findings = lint(
        """\
        from peft import PeftModel

        model = PeftModel.from_pretrained(base_model, "org/adapter")
        model2 = PeftModel.from_pretrained(base_model, "org/adapter", is_trainable=False)
        """
    )
    assert training_ids(findings) == []


def test_rf104_silent_on_adapter_load_with_star_kwargs():
    findings = lint(
        """\
        from peft import PeftModel

        model = PeftModel.from_pretrained(base_model, "org/adapter", **load_options)
        """
    )
    assert training_ids(findings) == []


def test_rf104_silent_on_4bit_loading_for_inference():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig

        quant = BitsAndBytesConfig(load_in_4bit=True)
        model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", quantization_config=quant, device_map="auto")
        model.generate(max_new_tokens=50)
        """
    )
    assert training_ids(findings) == []


def test_rf104_silent_on_user_class_named_lora_config():
    findings = lint(
        """\
        from dataclasses import dataclass

        @dataclass
        class LoraConfig:
            r: int = 8

        LoraConfig(r=16)
        """
    )
    assert training_ids(findings) == []


# ============================================================================================
# RF105 custom-training-loop
# ============================================================================================


def test_rf105_fires_on_backward_and_optimizer_step_next_to_llm():
    findings = lint(
        """\
        import torch
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)

        def train(batches):
            for batch in batches:
                loss = model(**batch).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
        """
    )
    assert lines_of(findings, "RF105") == [10]


def test_rf105_fires_on_a_loop_next_to_a_mistral_tokenizer():
    """mistral-finetune's train.py: its own Transformer class, `MistralTokenizer.v3()` from
    mistral_common, `loss.backward()` and `optimizer.step()`, no transformers import."""
    code = """\
        import torch
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
        from torch.optim import AdamW

        from finetune.wrapped_model import load_model

        def train(args, batches):
            tokenizer = MistralTokenizer.v3(is_tekken=False).instruct_tokenizer
            model = load_model(args)
            optimizer = AdamW(model.parameters(), lr=args.lr)
            for batch in batches:
                loss = model(batch).loss
                loss.backward()
                optimizer.step()
        """
    findings = lint(code, path="train.py")
    assert lines_of(findings, "RF105") == [13]
    lookalike = code.replace("from mistral_common.tokens.tokenizers.mistral import", "from mytokens import")
    assert lines_of(lint(lookalike, path="train.py"), "RF105") == []
    no_loop = code.replace("loss.backward()", "pass").replace("optimizer.step()", "pass")
    assert lines_of(lint(no_loop, path="train.py"), "RF105") == []


def test_rf105_message_names_the_loop_calls():
    findings = lint(
        """\
        import torch
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
        for batch in batches:
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
        """
    )
    message = message_of(findings, "RF105")
    assert "?" not in message
    assert "loss.backward" in message


def test_rf105_fires_on_optimizer_resolved_by_receiver():
    findings = lint(
        """\
        import bitsandbytes as bnb
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B")
        opt8 = bnb.optim.AdamW8bit(model.parameters(), lr=2e-5)
        for batch in loader:
            model(**batch).loss.backward()
            opt8.step()
        """
    )
    assert lines_of(findings, "RF105") == [7]


def test_rf105_fires_on_accelerate_backward():
    findings = lint(
        """\
        from accelerate import Accelerator
        from transformers import AutoModelForCausalLM

        accelerator = Accelerator(mixed_precision="bf16")
        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
        """
    )
    assert lines_of(findings, "RF105") == [9]


def test_rf105_fires_on_deepspeed_initialize():
    findings = lint(
        """\
        import deepspeed
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        engine, optimizer, _, _ = deepspeed.initialize(model=model, model_parameters=model.parameters(), config="ds.json")
        """
    )
    assert lines_of(findings, "RF105") == [5]


def test_rf105_fires_on_ddp_and_fsdp_wrapping():
    findings = lint(
        """\
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        from torch.nn.parallel import DistributedDataParallel as DDP
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        ddp = DDP(model, device_ids=[0])
        sharded = FSDP(model)
        """
    )
    assert lines_of(findings, "RF105") == [6, 7]


def test_rf105_fires_on_fully_shard():
    findings = lint(
        """\
        from torch.distributed.fsdp import fully_shard
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        fully_shard(model)
        """
    )
    assert lines_of(findings, "RF105") == [5]


def test_rf105_silent_on_image_model_loop():
    findings = lint(
        """\
        import torch
        import torchvision

        model = torchvision.models.resnet18()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for images, labels in loader:
            loss = torch.nn.functional.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
        """
    )
    assert training_ids(findings) == []


def test_rf105_silent_on_deepspeed_init_inference():
    findings = lint(
        """\
        import deepspeed
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        engine = deepspeed.init_inference(model, dtype="fp16")
        """
    )
    assert training_ids(findings) == []


def test_rf105_silent_on_model_train_mode_switch():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        model.train()
        model.eval()
        """
    )
    assert training_ids(findings) == []


def test_rf105_silent_on_backward_and_step_in_different_functions():
    findings = lint(
        """\
        import torch
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        optimizer = torch.optim.AdamW(model.parameters())

        def grads(loss):
            loss.backward()

        def apply():
            optimizer.step()
        """
    )
    assert "RF105" not in ids(findings)


def test_rf105_silent_on_lr_scheduler_step_without_optimizer():
    findings = lint(
        """\
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        loss.backward()
        scheduler.step()
        """
    )
    assert "RF105" not in ids(findings)


def test_rf105_silent_on_accelerate_big_model_inference():
    findings = lint(
        """\
        from accelerate import infer_auto_device_map, init_empty_weights
        from transformers import AutoConfig, AutoModelForCausalLM

        with init_empty_weights():
            model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained("Qwen/Qwen2.5-7B"))
        device_map = infer_auto_device_map(model)
        """
    )
    assert training_ids(findings) == []


def test_rf105_silent_on_accelerate_backward_for_image_model():
    findings = lint(
        """\
        import timm
        from accelerate import Accelerator

        accelerator = Accelerator()
        model = timm.create_model("resnet50")
        accelerator.backward(loss)
        """
    )
    assert training_ids(findings) == []


# ============================================================================================
# RF106 hand-set-hyperparameters
# ============================================================================================


def test_rf106_fires_on_training_arguments():
    findings = lint(
        """\
        from transformers import TrainingArguments

        args = TrainingArguments(output_dir="out", num_train_epochs=5, learning_rate=3e-4)
        """
    )
    assert lines_of(findings, "RF106") == [3]
    assert "(num_train_epochs=5, learning_rate=0.0003)" in message_of(findings, "RF106")


def test_rf106_local_trainer_does_not_mention_provider_defaults():
    findings = lint(
        """\
        from transformers import TrainingArguments

        args = TrainingArguments(output_dir="out", learning_rate=3e-4)
        """
    )
    message = message_of(findings, "RF106")
    assert "provider's defaults" not in message
    assert "start from the library's defaults or the model's published fine-tuning recipe" in message


def test_rf106_hosted_job_keeps_provider_defaults():
    findings = lint(
        """\
        from together import Together

        Together().fine_tuning.create(model="m", training_file="f", n_epochs=5)
        """
    )
    assert "start from the provider's defaults" in message_of(findings, "RF106")


def test_rf106_fires_on_trl_configs():
    findings = lint(
        """\
        from trl import DPOConfig, GRPOConfig, SFTConfig

        a = SFTConfig(output_dir="out", learning_rate=2e-4)
        b = DPOConfig(output_dir="out", num_train_epochs=1)
        c = GRPOConfig(output_dir="out", per_device_train_batch_size=8)
        """
    )
    assert lines_of(findings, "RF106") == [3, 4, 5]


def test_rf106_fires_on_openai_hyperparameters():
    findings = lint(
        """\
        import openai

        openai.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc", hyperparameters={"n_epochs": 8})
        """
    )
    assert lines_of(findings, "RF106") == [3]
    assert lines_of(findings, "RF101") == [3]
    assert "hyperparameters={n_epochs: 8}" in message_of(findings, "RF106")


def test_rf106_fires_on_openai_method_hyperparameters():
    # `method.<type>.hyperparameters` is the current spelling; top-level `hyperparameters`
    # is deprecated in favour of it.
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(
            model="gpt-4o-mini-2024-07-18",
            training_file="file-abc",
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 8}}},
        )
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_together_n_epochs():
    findings = lint(
        """\
        from together import Together

        Together().fine_tuning.create(training_file="f", model="m", n_epochs=3, learning_rate=1e-5)
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_mistral_hyperparameters():
    findings = lint(
        """\
        from mistralai import Mistral

        Mistral(api_key="k").fine_tuning.jobs.create(model="open-mistral-7b", training_files=[], hyperparameters={"training_steps": 10, "learning_rate": 1e-4})
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_fireworks_epochs():
    findings = lint(
        """\
        from fireworks import Fireworks

        Fireworks().supervised_fine_tuning_jobs.create(dataset="ds", base_model="m", epochs=2, lora_rank=8)
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_bedrock_hyper_parameters():
    findings = lint(
        """\
        import boto3

        boto3.client("bedrock").create_model_customization_job(jobName="j", hyperParameters={"epochCount": "2"})
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_genai_tuning_config():
    findings = lint(
        """\
        from google.genai import types

        config = types.CreateTuningJobConfig(epoch_count=5, tuned_model_display_name="bot")
        """
    )
    assert lines_of(findings, "RF106") == [3]


def test_rf106_fires_on_vertex_sft_train_epochs():
    findings = lint(
        """\
        from vertexai.tuning import sft

        sft.train(source_model="gemini-2.0-flash-001", train_dataset="gs://b/t.jsonl", epochs=4)
        """
    )
    assert lines_of(findings, "RF106") == [3]
    assert lines_of(findings, "RF101") == [3]


def test_rf106_silent_without_training_hyperparameters():
    findings = lint(
        """\
        from transformers import TrainingArguments

        args = TrainingArguments(output_dir="out", logging_steps=10, report_to="none")
        """
    )
    assert training_ids(findings) == []


def test_rf106_silent_on_star_kwargs_config():
    findings = lint(
        """\
        from transformers import TrainingArguments

        config = load_yaml("train.yaml")
        args = TrainingArguments(**config)
        """
    )
    assert training_ids(findings) == []


def test_rf106_silent_on_local_function_named_training_arguments():
    findings = lint(
        """\
        def TrainingArguments(**kwargs):
            return kwargs

        TrainingArguments(num_train_epochs=3)
        """
    )
    assert training_ids(findings) == []


def test_rf106_silent_on_openai_auto_hyperparameters():
    # "auto" is exactly what the rule's fix recommends.
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f", hyperparameters={"n_epochs": "auto"})
        """
    )
    assert "RF106" not in ids(findings)
    assert lines_of(findings, "RF101") == [3]


def test_rf106_silent_on_sklearn_learning_rate():
    findings = lint(
        """\
        from sklearn.ensemble import GradientBoostingClassifier

        GradientBoostingClassifier(learning_rate=0.1, n_estimators=100).fit(X, y)
        """
    )
    assert training_ids(findings) == []


# ============================================================================================
# Suppressions
# ============================================================================================


def test_suppression_at_end_of_line_silences_rf101():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")  # ragfirst: ignore[RF101] -- 48k labelled pairs, ADR-7
        """
    )
    assert ids(findings) == []
    (suppressed,) = [f for f in findings if f.rule_id == "RF101"]
    assert suppressed.suppressed is True
    assert suppressed.suppression_reason == "48k labelled pairs, ADR-7"


def test_suppression_on_own_line_above_multi_line_call():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        # ragfirst: ignore[RF101] -- RAG measured at 71% after reranking, ADR-7
        job = client.fine_tuning.jobs.create(
            model="gpt-4o-mini",
            training_file="file-abc",
        )
        """
    )
    assert ids(findings) == []
    assert [f.span.start_line for f in findings if f.suppressed] == [5]


def test_suppression_above_skips_blank_and_comment_lines():
    findings = lint(
        """\
        from openai import OpenAI

        # ragfirst: ignore[RF101] -- approved in ADR-7
        # (see the decision log)

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")
        """
    )
    assert ids(findings) == []


def test_suppression_inside_multi_line_call_does_not_reach_its_first_line():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(
            model="gpt-4o-mini",  # ragfirst: ignore[RF101] -- wrong place
            training_file="f",
        )
        """
    )
    assert lines_of(findings, "RF101") == [3]
    assert lines_of(findings, "RF001") == [4]


def test_suppression_silences_only_its_own_line():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="a", training_file="f")  # ragfirst: ignore[RF101] -- pilot
        client.fine_tuning.jobs.create(model="b", training_file="f")
        """
    )
    assert lines_of(findings, "RF101") == [5]
    assert "RF001" not in ids(findings)


def test_suppression_of_several_codes():
    findings = lint(
        """\
        import openai

        openai.fine_tuning.jobs.create(model="m", training_file="f", hyperparameters={"n_epochs": 3})  # ragfirst: ignore[RF101,RF106] -- ADR-9
        """
    )
    assert ids(findings) == []


def test_suppression_without_codes_covers_every_rule():
    findings = lint(
        """\
        import openai

        openai.fine_tuning.jobs.create(model="m", training_file="f", hyperparameters={"n_epochs": 3})  # ragfirst: ignore -- ADR-9
        """
    )
    assert ids(findings) == []


def test_file_level_suppression():
    findings = lint(
        """\
        # ragfirst: ignore-file[RF101] -- this module is the approved training pipeline (ADR-7)
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="a", training_file="f")
        client.fine_tuning.jobs.create(model="b", training_file="g")
        """
    )
    assert ids(findings) == []
    assert len([f for f in findings if f.rule_id == "RF101" and f.suppressed]) == 2


def test_file_level_suppression_leaves_other_rules():
    findings = lint(
        """\
        # ragfirst: ignore-file[RF101] -- approved pipeline
        import openai

        openai.fine_tuning.jobs.create(model="m", training_file="f", hyperparameters={"n_epochs": 3})
        """
    )
    assert ids(findings) == ["RF106"]
    assert lines_of(findings, "RF106") == [4]


def test_suppression_naming_another_rule_does_not_silence():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")  # ragfirst: ignore[RF102] -- wrong rule
        """
    )
    assert lines_of(findings, "RF101") == [4]
    assert lines_of(findings, "RF001") == [4]


def test_unused_suppression_reports_rf001():
    findings = lint(
        """\
        import json  # ragfirst: ignore[RF101] -- left over from the old training script

        json.dumps({})
        """
    )
    assert ids(findings) == ["RF001"]
    assert lines_of(findings, "RF001") == [1]
    assert "RF101" in message_of(findings, "RF001")


def test_unused_suppression_of_unknown_rule_reports_rf001():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="m", training_file="f")  # ragfirst: ignore[RF101,RF999] -- ADR-7
        """
    )
    assert lines_of(findings, "RF101") == []
    assert lines_of(findings, "RF001") == [3]
    assert "RF999" in message_of(findings, "RF001")


def test_suppression_in_a_string_is_not_a_suppression():
    findings = lint(
        """\
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="m", training_file="f", suffix="# ragfirst: ignore[RF101] -- x")
        """
    )
    assert lines_of(findings, "RF101") == [3]


def test_require_reason_reports_rf002_for_suppression_without_reason():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")  # ragfirst: ignore[RF101]
        """,
        settings=Settings(require_reason=True),
    )
    assert lines_of(findings, "RF101") == []
    assert lines_of(findings, "RF002") == [4]
    assert ids(findings) == ["RF002"]


def test_require_reason_accepts_suppression_with_reason():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")  # ragfirst: ignore[RF101] -- ADR-7
        """,
        settings=Settings(require_reason=True),
    )
    assert ids(findings) == []


def test_missing_reason_is_fine_by_default():
    findings = lint(
        """\
        from openai import OpenAI

        client = OpenAI()
        client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")  # ragfirst: ignore[RF101]
        """
    )
    assert ids(findings) == []


def test_require_reason_applies_to_file_level_suppression():
    findings = lint(
        """\
        # ragfirst: ignore-file[RF101]
        from openai import OpenAI

        OpenAI().fine_tuning.jobs.create(model="gpt-4o-mini", training_file="f")
        """,
        settings=Settings(require_reason=True),
    )
    assert ids(findings) == ["RF002"]
    assert lines_of(findings, "RF002") == [1]
