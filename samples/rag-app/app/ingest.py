"""Nightly job: split the docs and upsert them into the same Pinecone index."""

from langchain_text_splitters import RecursiveCharacterTextSplitter
from openai import OpenAI
from pinecone import Pinecone

client = OpenAI()
index = Pinecone().Index("product-docs")
splitter = RecursiveCharacterTextSplitter(chunk_size=1200, chunk_overlap=0)


def ingest(doc_id: str, text: str) -> None:
    for number, chunk in enumerate(splitter.split_text(text)):
        vector = client.embeddings.create(model="text-embedding-3-large", input=chunk, dimensions=1536).data[0].embedding
        index.upsert(vectors=[{"id": f"{doc_id}-{number}", "values": vector, "metadata": {"text": chunk}}])
