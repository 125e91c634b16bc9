"""Summaries for the admin dashboard."""

from openai import OpenAI

client = OpenAI()


def summarize(text: str) -> str:
    response = client.responses.create(model="gpt-4.1-mini", input=f"Summarize for a support agent:\n\n{text}")
    return response.output_text
