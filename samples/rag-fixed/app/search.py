"""Answer support questions from the indexed docs: retrieve wide, rerank, answer."""

import cohere
from openai import OpenAI
from pinecone import Pinecone

EMBED_MODEL = "text-embedding-3-large"

client = OpenAI()
co = cohere.ClientV2()
index = Pinecone().Index("support-docs")


def retrieve(question: str, k: int = 5) -> list[str]:
    vector = client.embeddings.create(model=EMBED_MODEL, input=question).data[0].embedding
    matches = index.query(vector=vector, top_k=30, include_metadata=True).matches
    texts = [match.metadata["text"] for match in matches]
    ranked = co.rerank(model="rerank-v3.5", query=question, documents=texts, top_n=k)
    return [texts[result.index] for result in ranked.results]


def answer(question: str) -> str:
    context = "\n\n".join(retrieve(question))
    reply = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[
            {"role": "system", "content": "Answer from the context only.\n\n" + context},
            {"role": "user", "content": question},
        ],
        max_completion_tokens=400,
    )
    return reply.choices[0].message.content or ""
