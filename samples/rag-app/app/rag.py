"""Answer questions over the product docs with retrieval."""

from openai import OpenAI
from pinecone import Pinecone

client = OpenAI()
index = Pinecone().Index("product-docs")


def answer(question: str) -> str:
    vector = client.embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
    matches = index.query(vector=vector, top_k=5, include_metadata=True).matches
    context = "\n\n".join(match.metadata["text"] for match in matches)
    reply = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[
            {"role": "system", "content": "Answer from the context only.\n\n" + context},
            {"role": "user", "content": question},
        ],
        max_completion_tokens=400,
    )
    return reply.choices[0].message.content or ""
