"""Settings shared by every route: model names and the vector collection."""

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    chat_model: str = "gpt-4o-mini"
    # The documents were embedded with the large model when the collection was built...
    ingest_embedding_model: str = "text-embedding-3-large"
    # ...and someone switched queries to the small one to save money.
    query_embedding_model: str = "text-embedding-3-small"
    collection: str = "support-articles"


settings = Settings()

BASE_MODEL = "gpt-4o-mini-2024-07-18"
TRAINING_FILE = "data/train.jsonl"
