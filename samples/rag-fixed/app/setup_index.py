"""One-off: create the vector index for the support-docs search."""

from pinecone import Pinecone, ServerlessSpec

INDEX_NAME = "support-docs"

pc = Pinecone()
if not pc.has_index(INDEX_NAME):
    pc.create_index(
        name=INDEX_NAME,
        dimension=3072,  # text-embedding-3-large (see ingest.py and search.py)
        metric="cosine",
        spec=ServerlessSpec(cloud="aws", region="us-east-1"),
    )
