"""Fine-tune gpt-4o-mini on our support transcripts (the classic first instinct)."""

from pathlib import Path

from openai import OpenAI

DATA_DIR = Path(__file__).parent / "data"
client = OpenAI()


def start_job() -> str:
    with open(DATA_DIR / "train.jsonl", "rb") as handle:
        training_file = client.files.create(file=handle, purpose="fine-tune")
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini-2024-07-18",
        training_file=training_file.id,
        hyperparameters={"n_epochs": 6, "learning_rate_multiplier": 2.0},
    )
    return job.id


def restart(job_id: str) -> None:
    # The team decided this one deliberately; the decision is recorded where it applies.
    client.fine_tuning.jobs.resume(job_id)  # ragfirst: ignore[RF101] -- resuming the approved job from ADR-7


if __name__ == "__main__":
    print(start_job())
