"""One OpenAI client for the whole service, and a FastAPI dependency that provides it."""

from functools import lru_cache

from openai import AsyncOpenAI, OpenAI
from qdrant_client import QdrantClient

client = OpenAI()


@lru_cache
def get_async_client() -> AsyncOpenAI:
    return AsyncOpenAI()


def get_qdrant() -> QdrantClient:
    return QdrantClient(url="http://localhost:6333")
