"""The plain SFT baseline the notebook is compared against."""

from datasets import load_dataset
from trl import SFTConfig, SFTTrainer

dataset = load_dataset("json", data_files="data/product_docs_qa.jsonl", split="train")
trainer = SFTTrainer(model="meta-llama/Llama-3.2-1B", train_dataset=dataset, args=SFTConfig(output_dir="sft-out"))
trainer.train()
