"""Chunk the support docs, embed them and upsert them into the index."""

from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter
from openai import OpenAI
from pinecone import Pinecone

EMBED_MODEL = "text-embedding-3-large"  # 3072 dimensions: the index is created with 3072

client = OpenAI()
index = Pinecone().Index("support-docs")
splitter = RecursiveCharacterTextSplitter(chunk_size=2000, chunk_overlap=200)


def ingest(folder: Path) -> None:
    for path in sorted(folder.glob("*.md")):
        chunks = splitter.split_text(path.read_text(encoding="utf-8"))
        response = client.embeddings.create(model=EMBED_MODEL, input=chunks)
        vectors = [
            (f"{path.stem}-{i}", item.embedding, {"text": chunk, "source": path.name})
            for i, (item, chunk) in enumerate(zip(response.data, chunks, strict=True))
        ]
        index.upsert(vectors=vectors)


if __name__ == "__main__":
    ingest(Path("docs"))
