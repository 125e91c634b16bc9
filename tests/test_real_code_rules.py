"""Rule logic that was wrong on real code (issue 19), each case from a minimal file."""

from __future__ import annotations

from tests.conftest import ids, lint

# -- RF104 needs a language model, or says it could not tell ------------------------------


def rf104(code: str) -> list[str]:
    return [f.message for f in lint(code, path="adapter.py") if f.rule_id == "RF104"]


def test_rf104_with_a_language_model_in_the_file():
    code = """\
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM
        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
        config = LoraConfig(r=16)
        """
    [message] = rf104(code)
    assert "no language model found" not in message


def test_rf104_with_a_tokenizer_or_a_causal_lm_task_type():
    tokenizer = """\
        from peft import LoraConfig
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.2-1B")
        config = LoraConfig(r=16)
        """
    task = """\
        from peft import LoraConfig, TaskType
        config = LoraConfig(r=16, task_type=TaskType.CAUSAL_LM)
        """
    assert ["no language model found" in m for m in rf104(tokenizer) + rf104(task)] == [False, False]


def test_rf104_without_evidence_says_it_could_not_tell():
    code = """\
        from peft import LoraConfig
        config = LoraConfig(r=16, target_modules=["q_proj"])
        """
    [message] = rf104(code)
    assert "no language model found in this file" in message


def test_rf104_is_silent_next_to_a_diffusion_or_vision_model():
    diffusion = """\
        from diffusers import UNet2DConditionModel
        from peft import LoraConfig
        unet = UNet2DConditionModel.from_pretrained("stabilityai/sd-turbo", subfolder="unet")
        config = LoraConfig(r=4, target_modules=["to_q", "to_v"])
        """
    vision = """\
        import torchvision
        from peft import LoraConfig
        net = torchvision.models.resnet18()
        config = LoraConfig(r=4, target_modules=["fc"])
        """
    assert rf104(diffusion) == [] and rf104(vision) == []


# -- RF106 only on values the code sets ---------------------------------------------------


def test_rf106_ignores_forwarded_values_and_names_only_the_set_ones():
    code = """\
        from transformers import TrainingArguments
        def build(cli):
            return TrainingArguments(output_dir="o", num_train_epochs=3, learning_rate=cli.lr)
        """
    [finding] = [f for f in lint(code, path="args.py") if f.rule_id == "RF106"]
    assert "num_train_epochs=3" in finding.message and "?" not in finding.message
    forwarded = code.replace("num_train_epochs=3", "num_train_epochs=cli.epochs")
    assert "RF106" not in ids(lint(forwarded, path="args.py"))


# -- RF202: RL prompt sets end with the user by design -------------------------------------

PROMPT = '{"messages": [{"role": "system", "content": "Think step by step."}, {"role": "user", "content": "2+%d?"}]}'
ANSWERED = '{"messages": [{"role": "user", "content": "Hi %d"}, {"role": "assistant", "content": "Hello"}]}'


def test_rf202_accepts_a_prompt_set_read_alone():
    prompts = "\n".join(PROMPT % i for i in range(3)) + "\n"
    assert "RF202" not in ids(lint(prompts, path="data/grpo_prompts.jsonl"))


def test_rf202_an_evaluation_set_mixing_answers_and_prompts_is_not_broken():
    mixed = ANSWERED % 1 + "\n" + PROMPT % 2 + "\n"
    assert "RF202" not in ids(lint(mixed, path="data/eval.jsonl"))


def test_rf202_still_flags_a_conversation_cut_off_after_an_answer():
    cut = '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}'
    findings = [
        f for f in lint(ANSWERED % 1 + "\n" + cut + "\n", path="data/train.jsonl") if f.rule_id == "RF202"
    ]
    assert [f.span.start_line for f in findings] == [2]


def test_rf202_a_hosted_sft_job_reads_prompts_strictly():
    from ragfirst.data.training_data import summarize_lines

    lines = [(PROMPT % i).encode() for i in range(2)]
    assert summarize_lines(lines, prompts=True).problem_count == 0
    strict = summarize_lines(lines)  # what a fine-tuning job's data file gets
    assert "the last message must be from the assistant" in strict.problems[0].message


# -- RF304: hosted stores rank their own results ------------------------------------------

OPENAI_STORE = """\
    from openai import OpenAI
    client = OpenAI()
    store = client.vector_stores.create(name="docs")
    tools = [{"type": "file_search", "vector_store_ids": [store.id]}]
    client.responses.create(model="gpt-4o", input="q", tools=tools, max_output_tokens=300)
    """


def test_rf304_not_on_openai_vector_stores():
    assert "RF304" not in ids(lint(OPENAI_STORE, path="app.py"))
    js = """\
        import OpenAI from "openai";
        const store = await new OpenAI().vectorStores.create({ name: "docs" });
        """
    assert "RF304" not in ids(lint(js, path="store.ts"))


def test_rf304_still_on_a_self_hosted_store_next_to_it():
    code = (
        OPENAI_STORE.rstrip(" ")
        + '    import chromadb\n    docs = chromadb.PersistentClient(path="x").get_or_create_collection("d")\n'
    )

    findings = [f for f in lint(code, path="app.py") if f.rule_id == "RF304"]
    assert (
        len(findings) == 1
        and "Chroma" in findings[0].message
        and "OpenAI vector store" not in findings[0].message
    )


# -- RF405 only on names and values that look like secrets --------------------------------


def test_rf405_not_on_flags_about_a_key():
    code = """\
        export const hideKeyInput = process.env.NEXT_PUBLIC_NO_API_KEY_INPUT === "true";
        export const showField = import.meta.env.VITE_SHOW_API_KEY_FIELD;
        export const required = process.env.NEXT_PUBLIC_OPENAI_API_KEY_REQUIRED;
        """
    assert "RF405" not in ids(lint(code, path="flags.ts"))


def test_rf405_still_on_a_key_and_on_a_key_next_to_a_flag():
    code = """\
        export const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;
        export const secret = process.env.NEXT_PUBLIC_NO_SECRET_INPUT;
        """
    findings = [f for f in lint(code, path="keys.ts") if f.rule_id == "RF405"]
    assert [f.span.start_line for f in findings] == [1, 2]  # a strong word always counts


def test_rf405_not_on_a_switch_about_a_password_feature():
    """onyx's `NEXT_PUBLIC_FORGOT_PASSWORD_ENABLED` holds yes/no: a switch word at the end
    wins over a strong word; the password itself, or a switch word inside, still counts."""
    code = """\
        export const forgot = process.env.NEXT_PUBLIC_FORGOT_PASSWORD_ENABLED === "true";
        export const sharing = import.meta.env.VITE_SECRET_SHARING_DISABLED;
        export const password = process.env.NEXT_PUBLIC_ADMIN_PASSWORD;
        export const enabled = process.env.NEXT_PUBLIC_ENABLED_SECRET;
        """
    findings = [f for f in lint(code, path="constants.ts") if f.rule_id == "RF405"]
    assert [f.span.start_line for f in findings] == [3, 4]
    env = "NEXT_PUBLIC_FORGOT_PASSWORD_ENABLED=true\nNEXT_PUBLIC_SMTP_PASSWORD=\nVITE_PASSWORD_REQUIRED=\n"
    findings = [f for f in lint(env, path=".env.example") if f.rule_id == "RF405"]
    assert [f.span.start_line for f in findings] == [2]


def test_rf405_not_on_an_upload_widget_key():
    """roomGPT's `NEXT_PUBLIC_UPLOAD_API_KEY` feeds Bytescale's (Upload.io's) upload widget
    in the browser: its public key is made for that. A secret key of the same vendor, or an
    upload key next to a strong word, is still reported."""
    code = """\
        const options = { apiKey: process.env.NEXT_PUBLIC_UPLOAD_API_KEY ?? "free" };
        const other = { apiKey: process.env.NEXT_PUBLIC_BYTESCALE_API_KEY };
        const secret = process.env.NEXT_PUBLIC_UPLOAD_SECRET_KEY;
        const openai = process.env.NEXT_PUBLIC_OPENAI_API_KEY;
        """
    findings = [f for f in lint(code, path="app/dream/page.tsx") if f.rule_id == "RF405"]
    assert [f.span.start_line for f in findings] == [3, 4]
    env = "NEXT_PUBLIC_UPLOAD_API_KEY=\nNEXT_PUBLIC_UPLOAD_SECRET=\n"
    assert [f.span.start_line for f in lint(env, path=".example.env") if f.rule_id == "RF405"] == [2]


def test_rf405_env_file_switches_are_not_keys():
    env = "NEXT_PUBLIC_OPENAI_API_KEY=true\nNEXT_PUBLIC_ANTHROPIC_API_KEY=\n"
    findings = [f for f in lint(env, path=".env.example") if f.rule_id == "RF405"]
    assert [f.span.start_line for f in findings] == [2]  # an empty template entry is still a key


def test_rf405_next_step_follows_the_value():
    # R2R's docker/env/r2r-dashboard.env: a placeholder password has nothing to rotate
    env = (
        'NEXT_PUBLIC_R2R_DEFAULT_PASSWORD="change_me_immediately"\n'
        "NEXT_PUBLIC_OPENAI_API_KEY=\n"
        "NEXT_PUBLIC_ANTHROPIC_API_KEY=sk-ant-api03-Zq3vN8rT1xLp0wKs7YbH2mJd5FcG9aRtQe4\n"
        "NEXT_PUBLIC_ADMIN_PASSWORD=hunter2\n"
    )
    messages = [f.message for f in lint(env, path="docker/env/dashboard.env") if f.rule_id == "RF405"]
    assert len(messages) == 4
    assert messages[0].endswith(
        "server action); its value here is a placeholder, so rename it before a real key replaces it."
    )
    assert messages[1].endswith(
        "server action); it is empty here, so rename it before a real key is filled in."
    )
    assert messages[2].endswith("server action) and rotate it.")  # a real key
    assert messages[3].endswith("server action) and rotate it.")  # a real (weak) password


def test_rf405_a_read_in_code_still_says_rotate():
    code = "const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"
    (finding,) = [f for f in lint(code, path="app/page.tsx") if f.rule_id == "RF405"]
    assert finding.message.endswith("and rotate it.")


# -- RF107 uses the project's pinned version ----------------------------------------------

PPO = "from trl import PPOConfig, PPOTrainer\ntrainer = PPOTrainer(args=PPOConfig(output_dir='o'))\n"


def rf107_lines(tmp_path, requirements: str) -> list[int]:
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "train.py").write_text(PPO)
    result = lint_paths([tmp_path], ConfigResolver())
    return [f.span.start_line for f in result.active if f.rule_id == "RF107"]


def test_rf107_not_when_the_project_pins_the_old_version(tmp_path):
    assert rf107_lines(tmp_path, "trl==0.28.0\n") == []


def test_rf107_when_the_pin_allows_the_new_version(tmp_path):
    assert rf107_lines(tmp_path, "trl>=0.20\n") != []


def test_rf107_when_nothing_is_pinned(tmp_path):
    assert rf107_lines(tmp_path, "openai\n") != []


def test_rf107_once_per_file_for_one_retiring_path(tmp_path):
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    code = (
        "from trl import ORPOConfig, ORPOTrainer\nargs = ORPOConfig(output_dir='o')\nORPOTrainer(args=args)\n"
    )
    (tmp_path / "orpo.py").write_text(code)
    result = lint_paths([tmp_path], ConfigResolver())
    assert [f.span.start_line for f in result.active if f.rule_id == "RF107"] == [2]


def test_rf107_once_per_function_a_job_started_and_one_resumed_elsewhere_are_two(tmp_path):
    """One retiring path used in two functions is two decisions (each may carry its own
    recorded suppression); within one function it is one."""
    from ragfirst.config.settings import ConfigResolver
    from ragfirst.engine.runner import lint_paths

    code = (
        "from trl import ORPOConfig, ORPOTrainer\n"
        "def train():\n"
        "    args = ORPOConfig(output_dir='o')\n"
        "    ORPOTrainer(args=args)\n"
        "def train_again():\n"
        "    ORPOTrainer(args=ORPOConfig(output_dir='p'))\n"
    )
    (tmp_path / "orpo.py").write_text(code)
    result = lint_paths([tmp_path], ConfigResolver())
    assert [f.span.start_line for f in result.active if f.rule_id == "RF107"] == [3, 6]
