// Fine-tune gpt-4o-mini on our support transcripts: the classic first instinct,
// written where a product team writes it, in a Next.js route handler.
import fs from "node:fs";
import OpenAI from "openai";

const openai = new OpenAI();

export async function POST() {
  const upload = await openai.files.create({
    file: fs.createReadStream("data/train.jsonl"),
    purpose: "fine-tune",
  });
  const job = await openai.fineTuning.jobs.create({
    model: "gpt-4o-mini-2024-07-18",
    training_file: upload.id,
    hyperparameters: { n_epochs: 4 },
  });
  return Response.json({ id: job.id, status: job.status });
}
