"""RF301 for vector-store dimensions configured in YAML/JSON files (rules/rag-configs.yaml):
Elasticsearch/OpenSearch index bodies, redisvl schemas, Qdrant collection configs, and
application configs that set an embedding model and a store's dimension together.

Snippets are dedented; the first line is line 1.
"""

from __future__ import annotations

import pytest
from tests.test_rag_rules import hits, message, project

# ============================================================================================
# Application configs: the model and the store's dimension in one file
# ============================================================================================


APP_CONFIG = """\
    embedding:
      provider: openai
      model: text-embedding-3-small
    vector_store:
      provider: qdrant
      collection_name: docs
      dimension: SIZE
    """


def test_app_config_model_and_store_dimension_mismatch():
    findings = project({"config.yaml": APP_CONFIG.replace("SIZE", "768")})
    assert hits(findings, "RF301") == [("config.yaml", 7)]
    text = message(findings, "RF301")
    assert "Qdrant collection 'docs' has dimension 768 (set at config.yaml:7)" in text
    assert (
        "text-embedding-3-small, which returns 1536-dimensional vectors (model set at config.yaml:3)" in text
    )


def test_app_config_same_dimension_is_silent():
    assert hits(project({"config.yaml": APP_CONFIG.replace("SIZE", "1536")}), "RF301") == []


def test_app_config_shortened_model_that_matches_is_silent():
    code = APP_CONFIG.replace("SIZE", "512").replace(
        "model: text-embedding-3-small", "model: text-embedding-3-small\n  dimensions: 512"
    )
    assert hits(project({"config.yaml": code}), "RF301") == []


def test_app_config_json():
    findings = project(
        {
            "settings.json": """\
                {
                  "embeddings": {"model": "text-embedding-3-large"},
                  "pinecone": {"index_name": "kb", "dimension": 1536}
                }
                """
        }
    )
    assert hits(findings, "RF301") == [("settings.json", 3)]
    assert "Pinecone index 'kb' has dimension 1536" in message(findings, "RF301")


def test_mem0_style_config():
    findings = project(
        {
            "mem0.yaml": """\
                vector_store:
                  provider: qdrant
                  config:
                    collection_name: mem0
                    embedding_model_dims: 1536
                embedder:
                  provider: openai
                  config:
                    model: text-embedding-3-large
                """
        }
    )
    assert hits(findings, "RF301") == [("mem0.yaml", 5)]
    assert "(model set at mem0.yaml:9)" in message(findings, "RF301")


@pytest.mark.parametrize(
    "text",
    [
        # a dims key with no embedding model anywhere
        "image:\n  dims: 512\nthumbnail:\n  size: 64\n",
        # a model name outside an embedding section
        "model: text-embedding-3-small\nindex:\n  dimension: 768\n",
        # an embedding section naming a model nobody knows
        "embedding:\n  model: my-house-model\nvector_store:\n  dimension: 768\n",
        # a store section without a size
        "embedding:\n  model: text-embedding-3-small\nvector_store:\n  provider: qdrant\n",
        # two different models: no guess which one fills the store
        "embedding:\n  model: text-embedding-3-small\nembed_model:\n  model: text-embedding-3-large\n"
        "vector_store:\n  dimension: 768\n",
    ],
)
def test_unrelated_or_ambiguous_configs_are_silent(text):
    assert hits(project({"config.yaml": text}), "RF301") == []


# ============================================================================================
# Index bodies and schemas, linked to the code that fills them
# ============================================================================================


OPENSEARCH_BODY = """\
    {
      "settings": {"index": {"knn": true}},
      "mappings": {
        "properties": {
          "title": {"type": "text"},
          "embedding": {"type": "knn_vector", "dimension": 384}
        }
      }
    }
    """

OPENSEARCH_CODE = """\
    from openai import OpenAI
    from opensearchpy import OpenSearch

    client = OpenSearch()
    llm = OpenAI()

    def add(text):
        vector = llm.embeddings.create(model="MODEL", input=text).data[0].embedding
        client.index(index="INDEX", body={"text": text, "embedding": vector})
    """


def test_opensearch_mapping_file_named_by_its_stem():
    code = OPENSEARCH_CODE.replace("MODEL", "text-embedding-3-small").replace("INDEX", "products")
    findings = project({"mappings/products.json": OPENSEARCH_BODY, "search.py": code})
    assert hits(findings, "RF301") == [("mappings/products.json", 6)]
    text = message(findings, "RF301")
    assert "OpenSearch index 'products' has dimension 384" in text
    assert "model set at search.py:8" in text


def test_opensearch_mapping_file_matching_model_is_silent():
    code = OPENSEARCH_CODE.replace("MODEL", "all-MiniLM-L6-v2").replace("INDEX", "products")
    findings = project({"mappings/products.json": OPENSEARCH_BODY, "search.py": code})
    assert hits(findings, "RF301") == []


def test_opensearch_mapping_file_of_another_index_is_silent():
    code = OPENSEARCH_CODE.replace("MODEL", "text-embedding-3-small").replace("INDEX", "articles")
    findings = project({"mappings/products.json": OPENSEARCH_BODY, "search.py": code})
    assert hits(findings, "RF301") == []


def test_elasticsearch_dense_vector_mapping_with_a_model_in_yaml_config():
    findings = project(
        {
            "es/docs.json": """\
                {"mappings": {"properties": {"vec": {"type": "dense_vector", "dims": 1024, "similarity": "cosine"}}}}
                """,
            "ingest.py": """\
                from elasticsearch import Elasticsearch
                from sentence_transformers import SentenceTransformer

                es = Elasticsearch()
                model = SentenceTransformer("all-MiniLM-L6-v2")

                def add(text):
                    es.index(index="docs", document={"text": text, "vec": model.encode(text).tolist()})
                """,
        }
    )
    assert hits(findings, "RF301") == [("es/docs.json", 1)]
    assert "Elasticsearch index 'docs' has dimension 1024" in message(findings, "RF301")


def test_a_dims_key_outside_mappings_properties_is_silent():
    findings = project(
        {
            "docs.json": '{"settings": {"vec": {"type": "dense_vector", "dims": 1024}}}\n',
            "ingest.py": """\
                from elasticsearch import Elasticsearch
                from sentence_transformers import SentenceTransformer

                def add(text):
                    Elasticsearch().index(index="docs", document={"vec": SentenceTransformer("all-MiniLM-L6-v2").encode(text)})
                """,
        }
    )
    assert hits(findings, "RF301") == []


REDIS_SCHEMA = """\
    version: '0.1.0'
    index:
      name: docs
      prefix: doc
    fields:
      - name: content
        type: text
      - name: embedding
        type: vector
        attrs:
          algorithm: hnsw
          dims: 768
          distance_metric: cosine
    """

REDIS_CODE = """\
    from redisvl.index import SearchIndex
    from redisvl.utils.vectorize import OpenAITextVectorizer

    index = SearchIndex.from_yaml("PATH")
    vectorizer = OpenAITextVectorizer(model="text-embedding-3-small")

    def add(texts):
        index.load([{"content": t, "embedding": vectorizer.embed(t, as_buffer=True)} for t in texts])
    """


@pytest.mark.parametrize(
    ("code_path", "reference"), [("app.py", "schemas/docs.yaml"), ("src/app.py", "../schemas/docs.yaml")]
)
def test_redisvl_schema_yaml_linked_to_from_yaml(code_path, reference):
    findings = project({"schemas/docs.yaml": REDIS_SCHEMA, code_path: REDIS_CODE.replace("PATH", reference)})
    assert hits(findings, "RF301") == [("schemas/docs.yaml", 12)]
    assert "Redis index 'docs' has dimension 768" in message(findings, "RF301")


def test_redisvl_schema_yaml_loaded_from_another_file_is_silent():
    findings = project(
        {"schemas/docs.yaml": REDIS_SCHEMA, "app.py": REDIS_CODE.replace("PATH", "schemas/other.yaml")}
    )
    assert hits(findings, "RF301") == []


def test_redisvl_schema_yaml_with_the_right_size_is_silent():
    schema = REDIS_SCHEMA.replace("dims: 768", "dims: 1536")
    findings = project(
        {"schemas/docs.yaml": schema, "app.py": REDIS_CODE.replace("PATH", "schemas/docs.yaml")}
    )
    assert hits(findings, "RF301") == []


QDRANT_CONFIG = """\
    {
      "collection_name": "manuals",
      "vectors": {"size": 384, "distance": "Cosine"}
    }
    """


def test_qdrant_collection_config_json_linked_by_name_to_typescript():
    findings = project(
        {
            "qdrant/collection.json": QDRANT_CONFIG,
            "src/ingest.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";
                import OpenAI from "openai";

                export async function ingest(text: string) {
                  const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-small", input: text });
                  await new QdrantClient().upsert("manuals", { points: [{ id: 1, vector: res.data[0].embedding }] });
                }
                """,
        }
    )
    assert hits(findings, "RF301") == [("qdrant/collection.json", 3)]


def test_qdrant_like_vectors_key_without_a_distance_is_silent():
    config = QDRANT_CONFIG.replace(', "distance": "Cosine"', "")
    findings = project(
        {
            "qdrant/collection.json": config,
            "ingest.py": """\
                from openai import OpenAI
                from qdrant_client import QdrantClient

                def ingest(text):
                    vector = OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
                    QdrantClient().upsert("manuals", points=[{"id": 1, "vector": vector}])
                """,
        }
    )
    assert hits(findings, "RF301") == []
