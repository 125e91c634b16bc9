"""Someone's experiment: 'RAG answers are vague, let's fine-tune'."""

import openai

job = openai.fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", training_file="file-8Yx2")
print(job.id)
