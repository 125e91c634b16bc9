"""Align the support model with preference pairs collected from agents."""

from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import DPOConfig, DPOTrainer

MODEL_ID = "Qwen/Qwen2.5-0.5B-Instruct"


def main() -> None:
    model = AutoModelForCausalLM.from_pretrained(MODEL_ID)
    tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
    dataset = load_dataset("json", data_files="data/preferences.jsonl", split="train")
    config = DPOConfig(output_dir="dpo-out", beta=0.1, learning_rate=5e-7, num_train_epochs=3)
    trainer = DPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer)
    trainer.train()


if __name__ == "__main__":
    main()
