"""RF301-RF304 end to end through the engine: each vector store and embedding provider,
positive and negative, within one file and across files, SQL migrations, and the samples.

Snippets are dedented; the first code line is line 1.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ragfirst.analyzers.sql_analyzer import analyze_sql
from ragfirst.config.settings import ConfigResolver, Settings
from ragfirst.data.embedding_models import embedding_models
from ragfirst.engine.runner import EngineCache, lint_paths, lint_sources
from ragfirst.model import Finding
from ragfirst.source import SourceText

REPO = Path(__file__).resolve().parents[1]
_ENGINES = EngineCache()


def project(files: dict[str, str]) -> list[Finding]:
    settings = Settings()
    sources = {name: textwrap.dedent(text) for name, text in files.items()}
    return [f for f in lint_sources(sources, settings, _ENGINES.for_settings(settings)) if not f.suppressed]


def one(code: str, path: str = "app.py") -> list[Finding]:
    return project({path: code})


def hits(findings: list[Finding], rule_id: str) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in findings if f.rule_id == rule_id]


def message(findings: list[Finding], rule_id: str) -> str:
    (found,) = [f.message for f in findings if f.rule_id == rule_id]
    return found


# ============================================================================================
# The model table
# ============================================================================================


def test_model_table_has_a_source_and_date_for_every_model():
    table = embedding_models()
    assert len(table.models) >= 40
    for model in table.models:
        assert model.source and model.as_of, model.id
        assert model.dimension > 0


@pytest.mark.parametrize(
    ("name", "dimension", "limit"),
    [
        ("text-embedding-3-small", 1536, 8192),
        ("text-embedding-3-large", 3072, 8192),
        ("text-embedding-ada-002", 1536, 8192),
        ("embed-v4.0", 1536, 128000),
        ("embed-english-v3.0", 1024, 512),
        ("voyage-3.5", 1024, 32000),
        ("models/gemini-embedding-001", 3072, 2048),
        ("mistral-embed", 1024, 8192),
        ("all-MiniLM-L6-v2", 384, 256),
        ("sentence-transformers/all-MiniLM-L6-v2", 384, 256),
        ("BAAI/bge-small-en-v1.5", 384, 512),
        ("openai:text-embedding-3-small", 1536, 8192),
    ],
)
def test_model_lookup(name, dimension, limit):
    model = embedding_models().lookup(name)
    assert model is not None
    assert (model.dimension, model.max_input_tokens) == (dimension, limit)


def test_shortening_rules_from_the_table():
    table = embedding_models()
    assert table.lookup("text-embedding-3-small").accepts(512)
    assert not table.lookup("text-embedding-3-small").accepts(3072)
    assert not table.lookup("text-embedding-ada-002").can_shorten
    assert table.lookup("embed-v4.0").accepts(1024) and not table.lookup("embed-v4.0").accepts(1000)
    assert table.lookup("gemini-embedding-001").accepts(768) and not table.lookup(
        "gemini-embedding-001"
    ).accepts(64)


# ============================================================================================
# RF301: vector stores, one file
# ============================================================================================

PINECONE_BUG = """\
    from openai import OpenAI
    from pinecone import Pinecone, ServerlessSpec

    pc = Pinecone()
    pc.create_index(name="docs", dimension=1536, spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    index = pc.Index("docs")
    client = OpenAI()

    def add(doc_id, text):
        vector = client.embeddings.create(model="text-embedding-3-large", input=text).data[0].embedding
        index.upsert(vectors=[(doc_id, vector)])
    """


def test_rf301_pinecone_same_file():
    findings = one(PINECONE_BUG)
    assert hits(findings, "RF301") == [("app.py", 5)]
    text = message(findings, "RF301")
    assert "Pinecone index 'docs' has dimension 1536 (set at app.py:5)" in text
    assert "text-embedding-3-large, which returns 3072-dimensional vectors (model set at app.py:10)" in text


def test_rf301_pinecone_same_dimension_is_silent():
    assert hits(one(PINECONE_BUG.replace("dimension=1536", "dimension=3072")), "RF301") == []


def test_rf301_pinecone_dimensions_shortening_that_matches_is_silent():
    code = PINECONE_BUG.replace("input=text)", "input=text, dimensions=1536)")
    assert hits(one(code), "RF301") == []


def test_rf301_pinecone_dimensions_shortening_that_does_not_match():
    code = PINECONE_BUG.replace("input=text)", "input=text, dimensions=1024)")
    findings = one(code)
    assert hits(findings, "RF301") == [("app.py", 5)]
    assert "returns 1024-dimensional vectors" in message(findings, "RF301")


def test_rf301_unknown_dimensions_value_is_silent():
    code = PINECONE_BUG.replace("input=text)", "input=text, dimensions=settings.dim)")
    assert hits(one(code), "RF301") == []


def test_rf301_spread_kwargs_is_silent():
    code = PINECONE_BUG.replace("input=text)", "input=text, **options)")
    assert hits(one(code), "RF301") == []


def test_rf301_pinecone_indexes_create_and_chained_index():
    findings = one(
        """\
        from openai import OpenAI
        from pinecone import Pinecone

        pc = Pinecone()
        pc.indexes.create(name="faq", dimension=768, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
        emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
        pc.Index("faq").upsert(vectors=[("1", emb)])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]


def test_rf301_unrelated_index_class_is_silent():
    findings = one(
        """\
        from openai import OpenAI

        class Index:
            def create_index(self, name, dimension):
                return name, dimension

        Index().create_index(name="docs", dimension=1536)
        OpenAI().embeddings.create(model="text-embedding-3-large", input="x")
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_imported_lookalike_index_is_silent():
    findings = one(
        """\
        from openai import OpenAI
        from search.engine import Pinecone

        Pinecone().create_index(name="docs", dimension=1536)
        OpenAI().embeddings.create(model="text-embedding-3-large", input="x")
        """
    )
    assert hits(findings, "RF301") == []


QDRANT = """\
    from openai import OpenAI
    from qdrant_client import QdrantClient, models

    client = QdrantClient(url="http://localhost:6333")
    llm = OpenAI()
    client.create_collection(
        collection_name="kb",
        vectors_config=models.VectorParams(size=SIZE, distance=models.Distance.COSINE),
    )

    def ingest(texts):
        response = llm.embeddings.create(model="text-embedding-3-small", input=texts)
        client.upsert(collection_name="kb", points=[models.PointStruct(id=i, vector=d.embedding) for i, d in enumerate(response.data)])
    """


def test_rf301_qdrant_vector_params_inline():
    findings = one(QDRANT.replace("SIZE", "384"))
    assert hits(findings, "RF301") == [("app.py", 6)]
    assert "Qdrant collection 'kb' has dimension 384" in message(findings, "RF301")


def test_rf301_qdrant_same_size_is_silent():
    assert hits(one(QDRANT.replace("SIZE", "1536")), "RF301") == []


def test_rf301_qdrant_vector_params_through_a_variable():
    findings = one(
        """\
        from qdrant_client import QdrantClient
        from qdrant_client.models import Distance, VectorParams
        from sentence_transformers import SentenceTransformer

        params = VectorParams(size=768, distance=Distance.COSINE)
        client = QdrantClient(":memory:")
        client.create_collection("notes", vectors_config=params)
        model = SentenceTransformer("all-MiniLM-L6-v2")
        client.upsert(collection_name="notes", points=[{"id": 1, "vector": model.encode("hi").tolist()}])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 7)]
    assert "all-MiniLM-L6-v2, which returns 384-dimensional" in message(findings, "RF301")


def test_rf301_faiss_with_sentence_transformers():
    findings = one(
        """\
        import faiss
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("all-mpnet-base-v2")
        index = faiss.IndexFlatL2(384)
        index.add(model.encode(["a", "b"]))
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]
    assert "FAISS index has dimension 384" in message(findings, "RF301")


def test_rf301_faiss_ivf_dimension_is_the_second_argument():
    findings = one(
        """\
        import faiss
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("all-MiniLM-L6-v2")
        quantizer = faiss.IndexFlatL2(384)
        index = faiss.IndexIVFFlat(quantizer, 768, 100)
        vectors = model.encode(["a", "b"])
        index.train(vectors)
        index.add(vectors)
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf301_faiss_truncate_dim_that_matches_is_silent():
    findings = one(
        """\
        import faiss
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("all-mpnet-base-v2", truncate_dim=256)
        index = faiss.IndexFlatIP(256)
        index.add(model.encode(["a", "b"]))
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_faiss_image_vectors_without_text_embedding_is_silent():
    findings = project(
        {
            "images.py": """\
                import faiss
                import numpy as np
                import open_clip

                model, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32")
                index = faiss.IndexFlatIP(512)
                index.add(np.load("image_vectors.npy"))
                """,
            "chat.py": """\
                from openai import OpenAI

                OpenAI().chat.completions.create(model="gpt-4.1-mini", messages=[], max_completion_tokens=50)
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_faiss_image_index_not_linked_to_text_embedding_in_another_file():
    findings = project(
        {
            "images.py": """\
                import faiss
                import numpy as np

                index = faiss.IndexFlatIP(512)
                index.add(np.load("image_vectors.npy"))
                """,
            "text_search.py": """\
                from openai import OpenAI

                def embed(text):
                    return OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_langchain_faiss_wrapper_with_default_openai_embeddings():
    findings = one(
        """\
        import faiss
        from langchain_community.docstore.in_memory import InMemoryDocstore
        from langchain_community.vectorstores import FAISS
        from langchain_openai import OpenAIEmbeddings

        store = FAISS(embedding_function=OpenAIEmbeddings(), index=faiss.IndexFlatL2(768), docstore=InMemoryDocstore(), index_to_docstore_id={})
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]
    assert "text-embedding-ada-002 (the library's default)" in message(findings, "RF301")


def test_rf301_milvus():
    findings = one(
        """\
        from mistralai import Mistral
        from pymilvus import MilvusClient

        milvus = MilvusClient(uri="http://localhost:19530")
        milvus.create_collection(collection_name="articles", dimension=1536)
        mistral = Mistral(api_key="...")

        def add(text):
            vector = mistral.embeddings.create(model="mistral-embed", inputs=[text]).data[0].embedding
            milvus.insert(collection_name="articles", data=[{"id": 1, "vector": vector}])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]
    assert "mistral-embed, which returns 1024-dimensional" in message(findings, "RF301")


def test_rf301_milvus_schema_field():
    findings = one(
        """\
        from pymilvus import DataType, MilvusClient
        from sentence_transformers import SentenceTransformer

        client = MilvusClient("milvus.db")
        schema = MilvusClient.create_schema()
        schema.add_field(field_name="vector", datatype=DataType.FLOAT_VECTOR, dim=768)
        client.create_collection(collection_name="docs", schema=schema)
        model = SentenceTransformer("BAAI/bge-small-en-v1.5")
        client.insert(collection_name="docs", data=[{"vector": model.encode("x")}])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf301_elasticsearch_dense_vector_mapping():
    findings = one(
        """\
        from elasticsearch import Elasticsearch
        from openai import OpenAI

        es = Elasticsearch("http://localhost:9200")
        es.indices.create(index="kb", mappings={"properties": {"text": {"type": "text"}, "embedding": {"type": "dense_vector", "dims": 384}}})

        def add(text):
            emb = OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
            es.index(index="kb", document={"text": text, "embedding": emb})
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]
    assert "Elasticsearch index 'kb' has dimension 384" in message(findings, "RF301")


def test_rf301_opensearch_knn_vector_mapping_same_dimension_is_silent():
    findings = one(
        """\
        from opensearchpy import OpenSearch
        from openai import OpenAI

        client = OpenSearch(hosts=["localhost"])
        body = {"settings": {"index": {"knn": True}}, "mappings": {"properties": {"v": {"type": "knn_vector", "dimension": 1536}}}}
        client.indices.create(index="kb", body=body)
        emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
        client.index(index="kb", body={"v": emb})
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_opensearch_knn_vector_mapping_mismatch():
    findings = one(
        """\
        from opensearchpy import OpenSearch
        from openai import OpenAI

        client = OpenSearch(hosts=["localhost"])
        body = {"settings": {"index": {"knn": True}}, "mappings": {"properties": {"v": {"type": "knn_vector", "dimension": 768}}}}
        client.indices.create(index="kb", body=body)
        emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
        client.index(index="kb", body={"v": emb})
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf301_redis_vector_field():
    findings = one(
        """\
        import redis
        from redis.commands.search.field import TextField, VectorField
        from openai import OpenAI

        r = redis.Redis()
        r.ft("docs-idx").create_index([
            TextField("content"),
            VectorField("embedding", "HNSW", {"TYPE": "FLOAT32", "DIM": 768, "DISTANCE_METRIC": "COSINE"}),
        ])
        emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
        """
    )
    assert hits(findings, "RF301") == [("app.py", 8)]


def test_rf301_redisvl_schema_dict():
    findings = one(
        """\
        from redisvl.index import SearchIndex
        from redisvl.utils.vectorize import HFTextVectorizer

        schema = {
            "index": {"name": "faq", "prefix": "faq"},
            "fields": [{"name": "text", "type": "text"}, {"name": "embedding", "type": "vector", "attrs": {"dims": 384, "algorithm": "flat"}}],
        }
        index = SearchIndex.from_dict(schema)
        vectorizer = HFTextVectorizer()
        """
    )
    assert hits(findings, "RF301") == [("app.py", 8)]
    assert "sentence-transformers/all-mpnet-base-v2 (the library's default)" in message(findings, "RF301")


def test_rf301_lancedb_model_field():
    findings = one(
        """\
        import lancedb
        from lancedb.pydantic import LanceModel, Vector
        from openai import OpenAI

        class Doc(LanceModel):
            text: str
            vector: Vector(768)

        db = lancedb.connect("./lance")
        table = db.create_table("docs", schema=Doc)
        emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
        table.add([{"text": "x", "vector": emb}])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 7)]


def test_rf301_sqlalchemy_vector_column():
    findings = one(
        """\
        from openai import OpenAI
        from pgvector.sqlalchemy import Vector
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Chunk(Base):
            __tablename__ = "chunks"
            id: Mapped[int] = mapped_column(primary_key=True)
            embedding = mapped_column(Vector(1536))

        def embed(text):
            return OpenAI().embeddings.create(model="text-embedding-3-large", input=text).data[0].embedding
        """
    )
    assert hits(findings, "RF301") == [("app.py", 11)]
    assert "pgvector table 'chunks' has dimension 1536" in message(findings, "RF301")


def test_rf301_django_vector_field_same_dimension_is_silent():
    findings = one(
        """\
        from django.db import models
        from pgvector.django import VectorField
        from sentence_transformers import SentenceTransformer

        class Item(models.Model):
            embedding = VectorField(dimensions=384)

        encoder = SentenceTransformer("all-MiniLM-L6-v2")
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_langchain_pgvector_embedding_length():
    findings = one(
        """\
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_postgres import PGVector

        store = PGVector(
            embeddings=HuggingFaceEmbeddings(model_name="sentence-transformers/all-MiniLM-L6-v2"),
            connection="postgresql+psycopg://localhost/db",
            collection_name="notes",
            embedding_length=1536,
        )
        """
    )
    assert hits(findings, "RF301") == [("app.py", 4)]


def test_rf301_llamaindex_milvus_store_and_embed_model():
    findings = one(
        """\
        from llama_index.core import Settings, StorageContext, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.milvus import MilvusVectorStore

        Settings.embed_model = HuggingFaceEmbedding(model_name="BAAI/bge-small-en-v1.5")
        store = MilvusVectorStore(uri="./milvus.db", collection_name="kb", dim=1536)
        index = VectorStoreIndex.from_documents([], storage_context=StorageContext.from_defaults(vector_store=store))
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf301_raw_sql_in_python():
    findings = one(
        """\
        import psycopg
        from sentence_transformers import SentenceTransformer

        conn = psycopg.connect("dbname=rag")
        conn.execute("CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, embedding vector(1536))")
        model = SentenceTransformer("all-MiniLM-L6-v2")
        conn.execute("INSERT INTO items (embedding) VALUES (%s)", (model.encode("x").tolist(),))
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]


# ============================================================================================
# RF301: embedding providers and their size arguments
# ============================================================================================


def _into_index(dimension: int, embed: str, imports: str) -> str:
    return f"""\
        from pinecone import Pinecone
        {imports}

        pc = Pinecone()
        pc.create_index(name="kb", dimension={dimension})
        index = pc.Index("kb")

        def add(text):
            vector = {embed}
            index.upsert(vectors=[("1", vector)])
        """


PROVIDERS = [
    # (imports, embedding expression, its output dimension)
    (
        "from openai import OpenAI",
        'OpenAI().embeddings.create(model="text-embedding-3-small", input=text)',
        1536,
    ),
    ("import openai", 'openai.embeddings.create(model="text-embedding-ada-002", input=text)', 1536),
    ("import litellm", 'litellm.embedding(model="voyage/voyage-3.5", input=[text])', 1024),
    (
        "import cohere",
        'cohere.ClientV2().embed(model="embed-v4.0", texts=[text], input_type="search_document")',
        1536,
    ),
    (
        "import cohere",
        'cohere.ClientV2().embed(model="embed-v4.0", texts=[text], input_type="search_document", output_dimension=512)',
        512,
    ),
    (
        "import voyageai",
        'voyageai.Client().embed([text], model="voyage-3-large", input_type="document")',
        1024,
    ),
    ("import voyageai", 'voyageai.Client().embed([text], "voyage-3.5", output_dimension=2048)', 2048),
    (
        "from google import genai\n        from google.genai import types",
        'genai.Client().models.embed_content(model="gemini-embedding-001", contents=text)',
        3072,
    ),
    (
        "from google import genai\n        from google.genai import types",
        'genai.Client().models.embed_content(model="gemini-embedding-001", contents=text, config=types.EmbedContentConfig(output_dimensionality=768))',
        768,
    ),
    (
        "from google import genai",
        'genai.Client().models.embed_content(model="text-embedding-004", contents=text, config={"output_dimensionality": 256})',
        256,
    ),
    (
        "from mistralai import Mistral",
        'Mistral(api_key="k").embeddings.create(model="mistral-embed", inputs=[text])',
        1024,
    ),
    (
        "from sentence_transformers import SentenceTransformer",
        'SentenceTransformer("BAAI/bge-large-en-v1.5").encode(text)',
        1024,
    ),
    ("from fastembed import TextEmbedding", "list(TextEmbedding().embed([text]))", 384),
    (
        "from langchain_openai import OpenAIEmbeddings",
        'OpenAIEmbeddings(model="text-embedding-3-large").embed_query(text)',
        3072,
    ),
    ("from langchain_openai import OpenAIEmbeddings", "OpenAIEmbeddings().embed_query(text)", 1536),
    (
        "from langchain_huggingface import HuggingFaceEmbeddings",
        'HuggingFaceEmbeddings(model_name="sentence-transformers/all-mpnet-base-v2").embed_documents([text])',
        768,
    ),
    (
        "from llama_index.embeddings.openai import OpenAIEmbedding",
        'OpenAIEmbedding(model="text-embedding-3-small", dimensions=512).get_text_embedding(text)',
        512,
    ),
    (
        "from llama_index.embeddings.openai import OpenAIEmbedding",
        "OpenAIEmbedding().get_query_embedding(text)",
        1536,
    ),
]


@pytest.mark.parametrize(("imports", "embed", "dimension"), PROVIDERS, ids=[p[1][:40] for p in PROVIDERS])
def test_rf301_each_provider_mismatch(imports, embed, dimension):
    wrong = 4096 if dimension != 4096 else 1024
    code = _into_index(wrong, embed, imports)
    line = next(n for n, text in enumerate(textwrap.dedent(code).splitlines(), 1) if "create_index" in text)
    findings = one(code)
    assert hits(findings, "RF301") == [("app.py", line)], [f.message for f in findings]
    assert f"returns {dimension}-dimensional vectors" in message(findings, "RF301")


@pytest.mark.parametrize(("imports", "embed", "dimension"), PROVIDERS, ids=[p[1][:40] for p in PROVIDERS])
def test_rf301_each_provider_matching_dimension_is_silent(imports, embed, dimension):
    findings = one(_into_index(dimension, embed, imports))
    assert hits(findings, "RF301") == [], [f.message for f in findings]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-ada-002", input="x", dimensions=1536)\n',
            "text-embedding-ada-002 does not take dimensions=",
        ),
        (
            'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x", dimensions=3072)\n',
            "text-embedding-3-small cannot produce dimensions=3072 (allowed: 1-1536)",
        ),
        (
            'import cohere\ncohere.ClientV2().embed(model="embed-v4.0", texts=["x"], input_type="search_query", output_dimension=2048)\n',
            "embed-v4.0 cannot produce output_dimension=2048 (allowed: 256, 512, 1024, 1536)",
        ),
        (
            'import cohere\ncohere.ClientV2().embed(model="embed-english-v3.0", texts=["x"], input_type="search_query", output_dimension=512)\n',
            "embed-english-v3.0 does not take output_dimension=",
        ),
        (
            'import voyageai\nvoyageai.Client().embed(["x"], model="voyage-3.5", output_dimension=768)\n',
            "voyage-3.5 cannot produce output_dimension=768",
        ),
        (
            "from google import genai\nfrom google.genai import types\n"
            'genai.Client().models.embed_content(model="gemini-embedding-001", contents="x", config=types.EmbedContentConfig(output_dimensionality=64))\n',
            "gemini-embedding-001 cannot produce config.output_dimensionality=64 (allowed: 128-3072)",
        ),
        (
            'from sentence_transformers import SentenceTransformer\nSentenceTransformer("all-MiniLM-L6-v2", truncate_dim=512)\n',
            "truncate_dim=512 is larger than sentence-transformers/all-MiniLM-L6-v2's 384 dimensions",
        ),
        (
            "from langchain_openai import OpenAIEmbeddings\nOpenAIEmbeddings(dimensions=256)\n",
            "text-embedding-ada-002 does not take dimensions=",
        ),
        (
            "import weaviate\nfrom weaviate.classes.config import Configure\n"
            'weaviate.connect_to_local().collections.create("Docs", vector_config=Configure.Vectors.text2vec_openai(model="text-embedding-3-small", dimensions=3072))\n',
            "text-embedding-3-small cannot produce dimensions=3072",
        ),
    ],
)
def test_rf301_size_argument_the_model_cannot_produce(code, expected):
    findings = one(code)
    assert hits(findings, "RF301") == [("app.py", 2 if code.count("\n") == 2 else 3)]
    assert expected in message(findings, "RF301")


@pytest.mark.parametrize(
    "code",
    [
        'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-large", input="x", dimensions=256)\n',
        'import cohere\ncohere.ClientV2().embed(model="embed-v4.0", texts=["x"], input_type="search_query", output_dimension=1024)\n',
        'from sentence_transformers import SentenceTransformer\nSentenceTransformer("all-mpnet-base-v2", truncate_dim=128)\n',
        'from openai import OpenAI\nOpenAI().embeddings.create(model="my-azure-deployment", input="x", dimensions=999)\n',
        'from openai import OpenAI\nOpenAI().embeddings.create(model="text-embedding-3-small", input="x", dimensions=DIM)\n',
    ],
)
def test_rf301_size_arguments_that_are_fine_or_unknown(code):
    assert hits(one(code), "RF301") == []


# ============================================================================================
# RF301: across files
# ============================================================================================


def test_rf301_qdrant_across_files():
    findings = project(
        {
            "app/setup.py": """\
                from qdrant_client import QdrantClient, models

                QdrantClient(url="http://qdrant:6333").create_collection(
                    collection_name="manuals",
                    vectors_config=models.VectorParams(size=384, distance=models.Distance.COSINE),
                )
                """,
            "app/ingest.py": """\
                from openai import OpenAI
                from qdrant_client import QdrantClient, models

                llm = OpenAI()
                store = QdrantClient(url="http://qdrant:6333")

                def ingest(chunks):
                    response = llm.embeddings.create(model="text-embedding-3-small", input=chunks)
                    store.upsert(collection_name="manuals", points=[models.PointStruct(id=i, vector=d.embedding) for i, d in enumerate(response.data)])
                """,
        }
    )
    assert hits(findings, "RF301") == [("app/setup.py", 3)]
    text = message(findings, "RF301")
    assert "(set at app/setup.py:3)" in text and "(model set at app/ingest.py:8)" in text


def test_rf301_pinecone_across_files_with_langchain_store_default_model():
    findings = project(
        {
            "setup_index.py": """\
                from pinecone import Pinecone

                Pinecone().create_index(name="wiki", dimension=3072, metric="cosine", spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
                """,
            "store.py": """\
                from langchain_openai import OpenAIEmbeddings
                from langchain_pinecone import PineconeVectorStore

                store = PineconeVectorStore(index_name="wiki", embedding=OpenAIEmbeddings())
                """,
        }
    )
    assert hits(findings, "RF301") == [("setup_index.py", 3)]
    assert "text-embedding-ada-002 (the library's default), which returns 1536" in message(findings, "RF301")


def test_rf301_across_files_needs_the_same_name():
    findings = project(
        {
            "setup.py": """\
                from pinecone import Pinecone

                Pinecone().create_index(name="images", dimension=512)
                """,
            "ingest.py": """\
                from openai import OpenAI
                from pinecone import Pinecone

                index = Pinecone().Index("docs")
                vector = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
                index.upsert(vectors=[("1", vector)])
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_across_files_the_same_name_in_another_store_is_not_linked():
    findings = project(
        {
            "setup.py": """\
                from pinecone import Pinecone

                Pinecone().create_index(name="docs", dimension=512)
                """,
            "ingest.py": """\
                from openai import OpenAI
                from qdrant_client import QdrantClient

                emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x").data[0].embedding
                QdrantClient().upsert(collection_name="docs", points=[{"id": 1, "vector": emb}])
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_across_files_a_file_touching_two_indexes_is_not_guessed():
    findings = project(
        {
            "setup.py": """\
                from pinecone import Pinecone

                Pinecone().create_index(name="docs", dimension=512)
                """,
            "jobs.py": """\
                from openai import OpenAI
                from pinecone import Pinecone

                pc = Pinecone()
                docs, images = pc.Index("docs"), pc.Index("images")
                emb = OpenAI().embeddings.create(model="text-embedding-3-small", input="x")
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_sql_migration_across_files():
    findings = project(
        {
            "db/migrations/0001_init.sql": """\
                -- documents and their embeddings
                CREATE EXTENSION IF NOT EXISTS vector;
                CREATE TABLE documents (
                    id bigserial PRIMARY KEY,
                    body text,
                    embedding vector(1536)
                );
                """,
            "app/index.py": """\
                import psycopg
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer("all-MiniLM-L6-v2")

                def add(conn: psycopg.Connection, text: str) -> None:
                    conn.execute("INSERT INTO documents (body, embedding) VALUES (%s, %s)", (text, model.encode(text).tolist()))
                """,
        }
    )
    assert hits(findings, "RF301") == [("db/migrations/0001_init.sql", 6)]
    assert "pgvector table 'documents' has dimension 1536" in message(findings, "RF301")


def test_rf301_sql_migration_matching_model_is_silent():
    findings = project(
        {
            "migrations/0001.sql": "CREATE TABLE documents (id bigserial, embedding VECTOR(384));\n",
            "app/index.py": """\
                import psycopg
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer("all-MiniLM-L6-v2")
                with psycopg.connect() as conn:
                    conn.execute("INSERT INTO documents (embedding) VALUES (%s)", (model.encode("x").tolist(),))
                """,
        }
    )
    assert hits(findings, "RF301") == []


def test_rf301_sql_migration_upper_case_and_alter_table():
    findings = project(
        {
            "migrations/0002.sql": """\
                ALTER TABLE public.docs ADD COLUMN embedding VECTOR(768);
                """,
            "app/search.py": """\
                import asyncpg
                from openai import OpenAI

                async def search(pool: asyncpg.Pool, question: str):
                    emb = OpenAI().embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
                    return await pool.fetch("SELECT id FROM docs ORDER BY embedding <=> $1 LIMIT 5", emb)
                """,
        }
    )
    assert hits(findings, "RF301") == [("migrations/0002.sql", 1)]
    assert "is queried with text-embedding-3-small" in message(findings, "RF301")


def test_rf301_sql_migration_without_any_embedding_is_silent():
    findings = project({"migrations/0001.sql": "CREATE TABLE docs (embedding vector(1536));\n"})
    assert hits(findings, "RF301") == []


def test_rf301_suppression_in_sql():
    findings = project(
        {
            "migrations/0001.sql": """\
                CREATE TABLE docs (
                    embedding vector(1536) -- ragfirst: ignore[RF301] -- re-created by migration 0007
                );
                """,
            "app.py": """\
                import psycopg
                from openai import OpenAI

                emb = OpenAI().embeddings.create(model="text-embedding-3-large", input="x").data[0].embedding
                psycopg.connect().execute("INSERT INTO docs (embedding) VALUES (%s)", (emb,))
                """,
        }
    )
    assert hits(findings, "RF301") == []


# ============================================================================================
# The SQL analyzer
# ============================================================================================


def test_sql_analyzer_facts():
    facts = analyze_sql(
        SourceText(
            textwrap.dedent(
                """\
                -- vector(99) in a comment is not a column
                CREATE TABLE IF NOT EXISTS "Docs" (
                  note text DEFAULT 'vector(77)',
                  embedding extensions.vector(1536)
                );
                ALTER TABLE docs ALTER COLUMN embedding TYPE halfvec(3072);
                SELECT '[1,2,3]'::vector(3);
                CREATE FUNCTION match_docs(query_embedding vector(1536)) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
                """
            )
        ),
        "m.sql",
    )
    found = [
        (c.qualname, c.span.start_line, c.args[0].value, {k: v.value for k, v in c.kwargs.items()})
        for c in facts.calls
    ]
    assert found == [
        ("sql.vector", 4, 1536, {"column": "embedding", "table": "Docs"}),
        ("sql.halfvec", 6, 3072, {"column": "embedding", "table": "docs"}),
        ("sql.vector", 8, 1536, {"column": "query_embedding", "function": "match_docs"}),
    ]
    assert [c.text for c in facts.comments] == ["vector(99) in a comment is not a column"]


# ============================================================================================
# RF302 embedding-model-mismatch
# ============================================================================================


def test_rf302_across_files():
    findings = project(
        {
            "api/search.py": """\
                from openai import OpenAI
                from pinecone import Pinecone

                client = OpenAI()
                index = Pinecone().Index("kb")

                def search(question):
                    vector = client.embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
                    return index.query(vector=vector, top_k=5)
                """,
            "jobs/ingest.py": """\
                from openai import OpenAI
                from pinecone import Pinecone

                client = OpenAI()
                index = Pinecone().Index("kb")

                def ingest(doc_id, text):
                    vector = client.embeddings.create(model="text-embedding-3-large", input=text, dimensions=1536).data[0].embedding
                    index.upsert(vectors=[(doc_id, vector)])
                """,
        }
    )
    assert hits(findings, "RF302") == [("api/search.py", 8)]
    text = message(findings, "RF302")
    assert "text-embedding-3-small" in text and "text-embedding-3-large at jobs/ingest.py:8" in text


def test_rf302_same_model_across_files_is_silent():
    files = {
        "api/search.py": """\
            from openai import OpenAI
            from pinecone import Pinecone

            index = Pinecone().Index("kb")

            def search(question):
                vector = OpenAI().embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
                return index.query(vector=vector, top_k=5)
            """,
        "jobs/ingest.py": """\
            from openai import OpenAI
            from pinecone import Pinecone

            index = Pinecone().Index("kb")

            def ingest(doc_id, text):
                vector = OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
                index.upsert(vectors=[(doc_id, vector)])
            """,
    }
    assert hits(project(files), "RF302") == []


def test_rf302_same_model_but_other_size_is_reported():
    findings = one(
        """\
        from openai import OpenAI
        from qdrant_client import QdrantClient

        llm = OpenAI()
        db = QdrantClient()

        def add(text):
            emb = llm.embeddings.create(model="text-embedding-3-large", input=text, dimensions=1024).data[0].embedding
            db.upsert(collection_name="kb", points=[{"id": 1, "vector": emb}])

        def search(question):
            emb = llm.embeddings.create(model="text-embedding-3-large", input=question).data[0].embedding
            return db.query_points(collection_name="kb", query=emb, limit=5)
        """
    )
    assert hits(findings, "RF302") == [("app.py", 12)]
    assert "3072 vs 1024 dimensions" in message(findings, "RF302")


def test_rf302_langchain_embed_documents_and_embed_query():
    findings = one(
        """\
        from langchain_openai import OpenAIEmbeddings
        from qdrant_client import QdrantClient

        db = QdrantClient()
        doc_embedder = OpenAIEmbeddings(model="text-embedding-3-small")
        query_embedder = OpenAIEmbeddings()

        def add(texts):
            vectors = doc_embedder.embed_documents(texts)
            db.upload_collection(collection_name="kb", vectors=vectors)

        def search(question):
            return db.query_points(collection_name="kb", query=query_embedder.embed_query(question))
        """
    )
    assert hits(findings, "RF302") == [("app.py", 13)]
    assert "text-embedding-ada-002 (the library's default)" in message(findings, "RF302")


def test_rf302_chroma_explicit_embeddings():
    findings = one(
        """\
        import chromadb
        from sentence_transformers import SentenceTransformer

        collection = chromadb.PersistentClient(path="db").get_or_create_collection("notes")
        doc_model = SentenceTransformer("all-MiniLM-L6-v2")
        query_model = SentenceTransformer("multi-qa-MiniLM-L6-cos-v1")

        def add(texts):
            collection.add(ids=["1"], documents=texts, embeddings=doc_model.encode_document(texts).tolist())

        def search(question):
            return collection.query(query_embeddings=[query_model.encode_query(question).tolist()], n_results=5)
        """
    )
    assert hits(findings, "RF302") == [("app.py", 12)]


def test_rf302_roles_unknown_is_silent():
    findings = one(
        """\
        from openai import OpenAI

        client = OpenAI()
        a = client.embeddings.create(model="text-embedding-3-small", input="x")
        b = client.embeddings.create(model="text-embedding-3-large", input="y")
        """
    )
    assert hits(findings, "RF302") == []


VOYAGE_ASYMMETRIC = """\
    import voyageai
    from qdrant_client import QdrantClient

    vo = voyageai.Client()
    db = QdrantClient()

    def add(texts):
        vectors = vo.embed(texts, model="DOC_MODEL", input_type="document").embeddings
        db.upload_collection(collection_name="kb", vectors=vectors)

    def search(question):
        emb = vo.embed([question], model="QUERY_MODEL", input_type="query").embeddings[0]
        return db.query_points(collection_name="kb", query=emb, limit=5)
    """


@pytest.mark.parametrize(
    ("documents", "queries"), [("voyage-4-large", "voyage-4-lite"), ("voyage-4", "voyage-4-large")]
)
def test_rf302_voyage_4_family_shares_one_space(documents, queries):
    code = VOYAGE_ASYMMETRIC.replace("DOC_MODEL", documents).replace("QUERY_MODEL", queries)
    assert hits(one(code), "RF302") == []


def test_rf302_across_voyage_generations_still_fires():
    """voyage-3.5 is not in the Voyage 4 space: the look-alike family must fire."""
    code = VOYAGE_ASYMMETRIC.replace("DOC_MODEL", "voyage-4-large").replace("QUERY_MODEL", "voyage-3.5")
    findings = one(code)
    assert hits(findings, "RF302") == [("app.py", 12)]
    assert "voyage-3.5" in message(findings, "RF302")


def test_rf302_same_family_other_size_still_fires():
    code = VOYAGE_ASYMMETRIC.replace("DOC_MODEL", "voyage-4-large").replace("QUERY_MODEL", "voyage-4-lite")
    code = code.replace('input_type="document")', 'input_type="document", output_dimension=512)')
    assert hits(one(code), "RF302") == [("app.py", 12)]


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [
        ("gemini-embedding-2", [128, 768, 1536, 3072], [64, 4096]),
        ("nomic-embed-text", [64, 256, 768], [32, 1024]),
        ("jina-embeddings-v3", [32, 256, 1024], [48, 2048]),
        ("jina-embeddings-v4", [128, 1024, 2048], [64, 3072]),
        ("amazon.titan-embed-text-v2:0", [256, 512, 1024], [384, 768]),
        ("voyage-context-4", [256, 2048], [384]),
    ],
)
def test_shortened_sizes_from_the_table(name, inside, outside):
    model = embedding_models().lookup(name)
    assert model is not None and model.can_shorten
    assert all(model.accepts(size) for size in inside)
    assert not any(model.accepts(size) for size in outside)


def test_rf301_gemini_embedding_2_shortened_to_the_index_is_silent():
    code = """\
    from google import genai
    from google.genai import types
    from pinecone import Pinecone

    pc = Pinecone()
    pc.create_index(name="docs", dimension=DIM)
    index = pc.Index("docs")
    client = genai.Client()

    def add(doc_id, text):
        result = client.models.embed_content(
            model="gemini-embedding-2", contents=text, config=types.EmbedContentConfig(output_dimensionality=768)
        )
        index.upsert(vectors=[(doc_id, result.embeddings[0].values)])
    """
    assert hits(one(code.replace("DIM", "768")), "RF301") == []
    assert hits(one(code.replace("DIM", "1536")), "RF301") == [("app.py", 6)]


# ============================================================================================
# RF303 chunking-config
# ============================================================================================


def test_rf303_no_overlap():
    findings = one(
        """\
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
        """
    )
    assert hits(findings, "RF303") == [("app.py", 3)]
    assert "chunk_overlap=0" in message(findings, "RF303")


def test_rf303_overlap_not_smaller_than_chunk():
    findings = one(
        """\
        from llama_index.core.node_parser import SentenceSplitter

        parser = SentenceSplitter(chunk_size=256, chunk_overlap=256)
        """
    )
    assert hits(findings, "RF303") == [("app.py", 3)]
    assert "chunk_overlap=256 is not smaller than chunk_size=256" in message(findings, "RF303")


def test_rf303_chunk_above_model_limit_across_files():
    findings = project(
        {
            "chunking.py": """\
                from langchain_text_splitters import RecursiveCharacterTextSplitter

                splitter = RecursiveCharacterTextSplitter(chunk_size=4000, chunk_overlap=400)
                """,
            "embed.py": """\
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer("BAAI/bge-small-en-v1.5")
                """,
        }
    )
    assert hits(findings, "RF303") == [("chunking.py", 3)]
    text = message(findings, "RF303")
    assert (
        "≈1,000 tokens" in text
        and "512-token input limit of BAAI/bge-small-en-v1.5 (embedding at embed.py:3)" in text
    )


def test_rf303_llamaindex_default_chunk_above_512_token_model():
    findings = one(
        """\
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        embed_model = HuggingFaceEmbedding(model_name="BAAI/bge-base-en-v1.5")
        parser = SentenceSplitter()
        """
    )
    assert hits(findings, "RF303") == [("app.py", 5)]
    assert "chunk_size=1,024 tokens" in message(findings, "RF303")


def test_rf303_tiktoken_splitter_counts_tokens():
    findings = one(
        """\
        import cohere
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(chunk_size=800, chunk_overlap=80)
        cohere.ClientV2().embed(model="embed-english-v3.0", texts=["x"], input_type="search_document")
        """
    )
    assert hits(findings, "RF303") == [("app.py", 4)]


@pytest.mark.parametrize(
    "code",
    [
        # within the limit, with overlap
        """\
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from openai import OpenAI

        splitter = RecursiveCharacterTextSplitter(chunk_size=4000, chunk_overlap=400)
        OpenAI().embeddings.create(model="text-embedding-3-small", input="x")
        """,
        # a model not in the table: the limit is unknown
        """\
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from sentence_transformers import SentenceTransformer

        splitter = RecursiveCharacterTextSplitter(chunk_size=4000, chunk_overlap=400)
        SentenceTransformer("./my-finetuned-encoder")
        """,
        # no embedding model in the project
        """\
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=6000, chunk_overlap=600)
        """,
        # settings passed through **kwargs
        """\
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(**settings)
        """,
        # a splitter of your own
        """\
        from textkit import RecursiveCharacterTextSplitter

        RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
        """,
    ],
)
def test_rf303_silent(code):
    assert hits(one(code), "RF303") == []


def test_rf303_openai_vector_store_static_chunking():
    findings = one(
        """\
        from openai import OpenAI

        OpenAI().vector_stores.create(name="kb", chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 0}})
        """
    )
    assert hits(findings, "RF303") == [("app.py", 3)]


# ============================================================================================
# RF304 retrieval-without-reranking
# ============================================================================================


def test_rf304_once_per_project_at_the_first_retrieval_site():
    findings = project(
        {
            "a_store.py": """\
                import chromadb

                collection = chromadb.PersistentClient(path="db").get_or_create_collection("docs")
                """,
            "b_search.py": """\
                import chromadb

                def search(q):
                    return chromadb.PersistentClient(path="db").get_collection("docs").query(query_texts=[q])
                """,
        }
    )
    assert hits(findings, "RF304") == [("a_store.py", 3)]
    assert "and 1 more retrieval site" in message(findings, "RF304")


@pytest.mark.parametrize(
    "extra",
    [
        """\
        from sentence_transformers import CrossEncoder

        reranker = CrossEncoder("cross-encoder/ms-marco-MiniLM-L6-v2")
        """,
        """\
        from llama_index.core.postprocessor import SentenceTransformerRerank

        rerank = SentenceTransformerRerank(top_n=3)
        """,
        """\
        from langchain_cohere import CohereRerank

        compressor = CohereRerank(model="rerank-v3.5", top_n=4)
        """,
        """\
        from rank_bm25 import BM25Okapi

        bm25 = BM25Okapi([["a"], ["b"]])
        """,
        """\
        import weaviate

        weaviate.connect_to_local().collections.get("Docs").query.hybrid("q", alpha=0.5)
        """,
        """\
        from qdrant_client import QdrantClient, models

        QdrantClient().query_points("kb", prefetch=[models.Prefetch(query=[0.1], limit=20)], query=models.FusionQuery(fusion=models.Fusion.RRF))
        """,
    ],
)
def test_rf304_silent_with_reranker_or_hybrid_anywhere(extra):
    findings = project(
        {
            "store.py": """\
                import chromadb

                collection = chromadb.PersistentClient(path="db").get_or_create_collection("docs")
                """,
            "quality.py": extra,
        }
    )
    assert hits(findings, "RF304") == []


def test_rf304_no_retrieval_no_finding():
    findings = one(
        """\
        from openai import OpenAI

        OpenAI().chat.completions.create(model="gpt-4.1-mini", messages=[], max_completion_tokens=10)
        """
    )
    assert hits(findings, "RF304") == []


# ============================================================================================
# Samples
# ============================================================================================


@pytest.mark.parametrize(("sample", "expected"), [("rag-dimension-bug", 1), ("rag-fixed", 0)])
def test_samples(sample, expected, monkeypatch):
    monkeypatch.chdir(REPO / "samples" / sample)
    result = lint_paths([Path(".")], ConfigResolver())
    rf301 = [f for f in result.active if f.rule_id == "RF301"]
    assert len(rf301) == expected
    if expected:
        assert rf301[0].path == "app/setup_index.py"
        assert "text-embedding-3-large" in rf301[0].message and "app/ingest.py" in rf301[0].message
    else:
        assert result.active == []


def test_rf301_sql_on_other_tables_does_not_hide_the_link():
    findings = one(
        """\
        import psycopg
        from openai import OpenAI

        conn = psycopg.connect()
        conn.execute("CREATE TABLE IF NOT EXISTS chunks (id bigserial, embedding vector(768))")

        def ingest(user_id, text):
            emb = OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
            conn.execute("UPDATE users SET last_ingest = now() WHERE id = %s", (user_id,))
            conn.execute("INSERT INTO chunks (embedding) VALUES (%s)", (emb,))
        """
    )
    assert hits(findings, "RF301") == [("app.py", 5)]


def test_rf301_two_handles_told_apart_by_variable():
    findings = one(
        """\
        from openai import OpenAI
        from pinecone import Pinecone

        pc = Pinecone()
        pc.create_index(name="docs", dimension=3072)
        pc.create_index(name="faq", dimension=1536)
        docs = pc.Index("docs")
        faq = pc.Index("faq")
        client = OpenAI()

        def add_doc(text):
            vector = client.embeddings.create(model="text-embedding-3-large", input=text).data[0].embedding
            docs.upsert(vectors=[("1", vector)])

        def add_faq(text):
            vector = client.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
            faq.upsert(vectors=[("1", vector)])
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_two_handles_mismatch_found_on_the_right_index():
    findings = one(
        """\
        from openai import OpenAI
        from pinecone import Pinecone

        pc = Pinecone()
        pc.create_index(name="docs", dimension=3072)
        pc.create_index(name="faq", dimension=1536)
        docs = pc.Index("docs")
        faq = pc.Index("faq")
        client = OpenAI()

        def add_faq(text):
            vector = client.embeddings.create(model="text-embedding-3-large", input=text).data[0].embedding
            faq.upsert(vectors=[("1", vector)])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf302_langchain_store_without_name_is_not_bound_to_another_collection():
    findings = one(
        """\
        import chromadb
        from langchain_chroma import Chroma
        from langchain_openai import OpenAIEmbeddings
        from sentence_transformers import SentenceTransformer

        notes = chromadb.PersistentClient(path="db").get_or_create_collection("notes")
        model = SentenceTransformer("all-MiniLM-L6-v2")
        notes.add(ids=["1"], embeddings=model.encode_document(["x"]).tolist())
        store = Chroma.from_documents([], OpenAIEmbeddings(model="text-embedding-3-small"))
        store.similarity_search("q")
        """
    )
    assert hits(findings, "RF302") == []


def test_sql_analyzer_survives_mutations_and_keeps_positions_inside_the_file():
    import random

    base = textwrap.dedent(
        """\
        -- ragfirst: ignore[RF304] -- a test
        CREATE TABLE IF NOT EXISTS "Docs" (id bigserial, body text DEFAULT 'x', embedding vector(1536));
        ALTER TABLE docs ALTER COLUMN embedding SET DATA TYPE halfvec(3072);
        CREATE FUNCTION f(q vector(3)) RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
        /* vector(5) */ SELECT '[1]'::vector(1);
        """
    )
    alphabet = "();'\"$-*/\n\r .:vectorVECTOR0123456789"
    rng = random.Random(6)
    for _ in range(300):
        chars = list(base)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and chars:
                del chars[min(position, len(chars) - 1)]
            else:
                chars.insert(position, rng.choice(alphabet))
        text = "".join(chars)
        source = SourceText(text)
        facts = analyze_sql(source, "m.sql")
        for call in facts.calls:
            for span in (call.span, call.full_span, *(a.span for a in call.args)):
                assert 1 <= span.start_line <= len(source.lines)
                assert 0 <= span.start_col <= len(source.line(span.start_line))
        for finding in project({"m.sql": text}):
            assert 1 <= finding.span.start_line <= len(source.lines)


def test_sql_analyzer_is_linear_on_hostile_input():
    import time

    for text in ('"' * 400_000, "a" * 400_000 + " vector(3)", "$" * 200_000, "(" * 400_000):
        started = time.perf_counter()
        analyze_sql(SourceText(text), "x.sql")
        assert time.perf_counter() - started < 5


def test_rf301_chroma_default_embedding_function_queried_with_openai_vectors():
    findings = one(
        """\
        import chromadb
        from openai import OpenAI

        collection = chromadb.PersistentClient(path="db").get_or_create_collection("docs")
        collection.add(ids=["1"], documents=["some text"])

        def search(question):
            vector = OpenAI().embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
            return collection.query(query_embeddings=[vector], n_results=5)
        """
    )
    assert hits(findings, "RF301") == [("app.py", 4)]
    text = message(findings, "RF301")
    assert "Chroma collection 'docs' has dimension 384 (fixed by its embedding function" in text
    assert "sentence-transformers/all-MiniLM-L6-v2 (the library's default)" in text
    assert "queried with text-embedding-3-small" in text


def test_rf301_chroma_explicit_embedding_function():
    findings = one(
        """\
        import chromadb
        from chromadb.utils import embedding_functions
        from sentence_transformers import SentenceTransformer

        ef = embedding_functions.OpenAIEmbeddingFunction(model_name="text-embedding-3-large")
        collection = chromadb.Client().create_collection(name="docs", embedding_function=ef)
        collection.add(ids=["1"], documents=["text"])
        model = SentenceTransformer("all-mpnet-base-v2")
        collection.query(query_embeddings=[model.encode("q").tolist()])
        """
    )
    assert hits(findings, "RF301") == [("app.py", 6)]


def test_rf301_chroma_with_explicit_vectors_only_is_silent():
    findings = one(
        """\
        import chromadb
        from openai import OpenAI

        collection = chromadb.PersistentClient(path="db").get_or_create_collection("docs")
        llm = OpenAI()

        def add(text):
            vector = llm.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
            collection.add(ids=["1"], documents=[text], embeddings=[vector])

        def search(question):
            vector = llm.embeddings.create(model="text-embedding-3-small", input=question).data[0].embedding
            return collection.query(query_embeddings=[vector], n_results=5)
        """
    )
    assert hits(findings, "RF301") == []


def test_rf303_chars_per_token_option():
    from dataclasses import replace

    settings = replace(Settings(), options={"RF303": {"chars-per-token": 8}})
    files = {
        "app.py": textwrap.dedent(
            """\
            from langchain_text_splitters import RecursiveCharacterTextSplitter
            from sentence_transformers import SentenceTransformer

            splitter = RecursiveCharacterTextSplitter(chunk_size=3000, chunk_overlap=300)
            SentenceTransformer("BAAI/bge-small-en-v1.5")
            """
        )
    }
    default = lint_sources(files, Settings(), _ENGINES.for_settings(Settings()))
    assert hits(default, "RF303") == [("app.py", 4)]
    relaxed = lint_sources(files, settings, _ENGINES.for_settings(settings))
    assert hits(relaxed, "RF303") == []
