from fastapi import APIRouter

from app.deps import client, get_qdrant
from app.settings import settings

router = APIRouter()


@router.get("/search")
def search(query: str):
    vector = client.embeddings.create(model=settings.query_embedding_model, input=query).data[0].embedding
    hits = get_qdrant().query_points(collection_name=settings.collection, query=vector, limit=5)
    return {"hits": [point.payload for point in hits.points]}
