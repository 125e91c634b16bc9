"""Embeds the help-centre articles into the Qdrant collection (run nightly)."""

from qdrant_client.models import PointStruct

from app.deps import client, get_qdrant
from app.settings import settings


def ingest(articles: list[str]) -> None:
    response = client.embeddings.create(model=settings.ingest_embedding_model, input=articles)
    points = [
        PointStruct(id=i, vector=item.embedding, payload={"text": text})
        for i, (item, text) in enumerate(zip(response.data, articles, strict=True))
    ]
    get_qdrant().upsert(collection_name=settings.collection, points=points)
