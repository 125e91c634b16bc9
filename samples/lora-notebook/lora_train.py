# %% [markdown]
# QLoRA fine-tune of Llama 3.2 1B on our product docs (exported from a notebook).

# %%
import torch
from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

BASE = "meta-llama/Llama-3.2-1B"

# %%
quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")
model = AutoModelForCausalLM.from_pretrained(BASE, quantization_config=quantization)
tokenizer = AutoTokenizer.from_pretrained(BASE)
model = prepare_model_for_kbit_training(model)

# %%
lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules=["q_proj", "v_proj"])
model = get_peft_model(model, lora)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)


# %%
def train_epoch(batches):
    model.train()
    for batch in batches:
        outputs = model(**batch)
        outputs.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
