"""RF301-RF304 for JavaScript/TypeScript: the `javascript:` surfaces of
rules/packs/project-facts.yaml (Pinecone TS, Qdrant JS, openai-node, the Vercel AI SDK,
LangChain.js, Cohere), within one file, across JS files and across JS and Python.

Snippets are dedented; the first code line is line 1.
"""

from __future__ import annotations

import pytest
from tests.test_rag_rules import hits, message, project

from ragfirst.model import Finding


def one(code: str, path: str = "app.ts") -> list[Finding]:
    return project({path: code})


PINECONE_OPENAI = """\
    import { Pinecone } from "@pinecone-database/pinecone";
    import OpenAI from "openai";

    const pc = new Pinecone();
    const openai = new OpenAI();
    await pc.createIndex({ name: "docs", dimension: 1536, metric: "cosine", spec: { serverless: { cloud: "aws", region: "us-east-1" } } });
    const index = pc.index({ name: "docs" });

    export async function add(id: string, text: string) {
      const res = await openai.embeddings.create({ model: EMBED, input: text });
      await index.upsert([{ id, values: res.data[0].embedding }]);
    }
    """


# ============================================================================================
# RF301: Pinecone TS and openai-node
# ============================================================================================


def test_rf301_pinecone_ts_with_openai_node():
    findings = one(PINECONE_OPENAI.replace("EMBED", '"text-embedding-3-large"'))
    assert hits(findings, "RF301") == [("app.ts", 6)]
    text = message(findings, "RF301")
    assert "Pinecone index 'docs' has dimension 1536" in text
    assert "text-embedding-3-large, which returns 3072-dimensional vectors (model set at app.ts:10)" in text


def test_rf301_pinecone_ts_same_dimension_is_silent():
    findings = one(PINECONE_OPENAI.replace("EMBED", '"text-embedding-3-small"'))
    assert hits(findings, "RF301") == []


def test_rf301_openai_node_dimensions_shortening_that_matches_is_silent():
    code = PINECONE_OPENAI.replace("EMBED", '"text-embedding-3-large", dimensions: 1536')
    assert hits(one(code), "RF301") == []


def test_rf301_openai_node_dimensions_shortening_that_does_not_match():
    code = PINECONE_OPENAI.replace("EMBED", '"text-embedding-3-large", dimensions: 1024')
    assert "returns 1024-dimensional vectors" in message(one(code), "RF301")


def test_rf301_openai_node_size_the_model_cannot_produce():
    findings = one(
        """\
        import OpenAI from "openai";

        const client = new OpenAI();
        await client.embeddings.create({ model: "text-embedding-ada-002", input: "hi", dimensions: 512 });
        """
    )
    assert hits(findings, "RF301") == [("app.ts", 4)]
    assert "does not take dimensions=" in message(findings, "RF301")


def test_rf301_pinecone_legacy_index_name_and_chained_upsert():
    findings = one(
        """\
        import { Pinecone } from "@pinecone-database/pinecone";
        import OpenAI from "openai";

        const pc = new Pinecone();
        await pc.createIndex({ name: "kb", dimension: 768, spec: { serverless: { cloud: "aws", region: "us-east-1" } } });

        export async function add(id: string, text: string) {
          const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-small", input: text });
          await pc.Index("kb").namespace("prod").upsert([{ id, values: res.data[0].embedding }]);
        }
        """
    )
    assert hits(findings, "RF301") == [("app.ts", 5)]


def test_rf301_unspread_options_variable_is_silent():
    findings = one(
        """\
        import { Pinecone } from "@pinecone-database/pinecone";
        import OpenAI from "openai";

        const pc = new Pinecone();
        const spec = { name: "docs", dimension: 1536 };
        export async function setup(options: object, text: string) {
          await pc.createIndex(options);
          const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-large", input: text });
          await pc.index("docs").upsert([{ id: "1", values: res.data[0].embedding }]);
        }
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_local_class_named_pinecone_is_silent():
    findings = one(
        """\
        import OpenAI from "openai";

        class Pinecone {
          createIndex(options: { name: string; dimension: number }) { return options; }
          index(name: string) { return { upsert: (rows: unknown[]) => rows }; }
        }

        const pc = new Pinecone();
        pc.createIndex({ name: "docs", dimension: 1536 });
        export async function add(text: string) {
          const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-large", input: text });
          pc.index("docs").upsert([res.data[0].embedding]);
        }
        """
    )
    assert hits(findings, "RF301") == []


def test_rf301_unrelated_create_index_of_another_library_is_silent():
    findings = one(
        """\
        import { MongoClient } from "mongodb";
        import OpenAI from "openai";

        const docs = new MongoClient("mongodb://localhost").db("app").collection("docs");
        await docs.createIndex({ name: 1, dimension: 1536 });
        export async function add(text: string) {
          const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-large", input: text });
          await docs.insertOne({ text, embedding: res.data[0].embedding });
        }
        """
    )
    assert hits(findings, "RF301") == []


# ============================================================================================
# RF301: Qdrant JS and the Vercel AI SDK
# ============================================================================================


QDRANT_AI = """\
    import { QdrantClient } from "@qdrant/js-client-rest";
    import { embed } from "ai";
    import { openai } from "@ai-sdk/openai";

    const client = new QdrantClient({ url: "http://localhost:6333" });
    await client.createCollection("notes", { vectors: { size: 768, distance: "Cosine" } });

    export async function search(q: string) {
      const { embedding } = await embed({ model: MODEL, value: q });
      return client.search("notes", { vector: embedding, limit: 5 });
    }
    """


def test_rf301_qdrant_js_with_ai_sdk_embed():
    findings = one(QDRANT_AI.replace("MODEL", 'openai.embedding("text-embedding-3-small")'))
    assert hits(findings, "RF301") == [("app.ts", 6)]
    text = message(findings, "RF301")
    assert "Qdrant collection 'notes' has dimension 768" in text
    assert "queried with text-embedding-3-small" in text


@pytest.mark.parametrize(
    "model",
    [
        'openai.textEmbeddingModel("text-embedding-3-small")',
        'openai.embedding("text-embedding-3-large")',
        '"openai/text-embedding-3-small"',
    ],
)
def test_rf301_ai_sdk_spellings(model):
    assert hits(one(QDRANT_AI.replace("MODEL", model)), "RF301") == [("app.ts", 6)]


def test_rf301_ai_sdk_model_through_a_variable():
    code = QDRANT_AI.replace("MODEL", "embeddingModel").replace(
        "export async", 'const embeddingModel = openai.embedding("text-embedding-3-large");\nexport async'
    )
    assert "text-embedding-3-large" in message(one(code), "RF301")


def test_rf301_ai_sdk_provider_options_dimensions_that_match_are_silent():
    code = QDRANT_AI.replace(
        "MODEL, value: q",
        'openai.embedding("text-embedding-3-small"), value: q, providerOptions: { openai: { dimensions: 768 } }',
    )
    assert hits(one(code), "RF301") == []


def test_rf301_ai_sdk_provider_options_dimensions_that_do_not_match():
    code = QDRANT_AI.replace(
        "MODEL, value: q",
        'openai.embedding("text-embedding-3-small"), value: q, providerOptions: { openai: { dimensions: 512 } }',
    )
    assert "returns 512-dimensional vectors" in message(one(code), "RF301")


def test_rf301_qdrant_js_same_size_is_silent():
    code = QDRANT_AI.replace("MODEL", 'openai.embedding("text-embedding-3-small")').replace("768", "1536")
    assert hits(one(code), "RF301") == []


# ============================================================================================
# RF301: LangChain.js and across files / languages
# ============================================================================================


def test_rf301_langchain_js_pinecone_store_with_embeddings_object():
    findings = one(
        """\
        import { Pinecone } from "@pinecone-database/pinecone";
        import { OpenAIEmbeddings } from "@langchain/openai";
        import { PineconeStore } from "@langchain/pinecone";

        const pc = new Pinecone();
        await pc.createIndex({ name: "docs", dimension: 1024, spec: { serverless: { cloud: "aws", region: "us-east-1" } } });
        const pineconeIndex = pc.index("docs");
        const embeddings = new OpenAIEmbeddings({ model: "text-embedding-3-small" });
        export const store = await PineconeStore.fromExistingIndex(embeddings, { pineconeIndex });
        """
    )
    assert hits(findings, "RF301") == [("app.ts", 6)]
    assert "text-embedding-3-small, which returns 1536-dimensional vectors" in message(findings, "RF301")


def test_rf301_langchain_js_default_model_and_matching_dimensions():
    base = """\
        import { Pinecone } from "@pinecone-database/pinecone";
        import { OpenAIEmbeddings } from "@langchain/openai";
        import { PineconeStore } from "@langchain/pinecone";

        const pc = new Pinecone();
        await pc.createIndex({ name: "docs", dimension: 1024, spec: { serverless: { cloud: "aws", region: "us-east-1" } } });
        export const store = await PineconeStore.fromDocuments(docs, new OpenAIEmbeddings(ARGS), { pineconeIndex: pc.index("docs") });
        """
    default = one(base.replace("ARGS", ""))
    assert "text-embedding-ada-002 (the library's default)" in message(default, "RF301")
    shortened = one(base.replace("ARGS", '{ modelName: "text-embedding-3-large", dimensions: 1024 }'))
    assert hits(shortened, "RF301") == []


def test_rf301_across_js_files():
    findings = project(
        {
            "scripts/setup.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";

                await new QdrantClient().createCollection("manuals", { vectors: { size: 384, distance: "Cosine" } });
                """,
            "src/ingest.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";
                import { embedMany } from "ai";
                import { openai } from "@ai-sdk/openai";

                const qdrant = new QdrantClient();
                export async function ingest(chunks: string[]) {
                  const { embeddings } = await embedMany({ model: openai.embedding("text-embedding-3-small"), values: chunks });
                  await qdrant.upsert("manuals", { points: embeddings.map((vector, id) => ({ id, vector })) });
                }
                """,
        }
    )
    assert hits(findings, "RF301") == [("scripts/setup.ts", 3)]
    assert "model set at src/ingest.ts:7" in message(findings, "RF301")


def test_rf301_across_python_and_typescript():
    findings = project(
        {
            "setup.py": """\
                from qdrant_client import QdrantClient, models

                QdrantClient().create_collection("manuals", vectors_config=models.VectorParams(size=384, distance=models.Distance.COSINE))
                """,
            "web/search.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";
                import OpenAI from "openai";

                export async function search(q: string) {
                  const res = await new OpenAI().embeddings.create({ model: "text-embedding-3-small", input: q });
                  return new QdrantClient().search("manuals", { vector: res.data[0].embedding, limit: 5 });
                }
                """,
        }
    )
    assert hits(findings, "RF301") == [("setup.py", 3)]


def test_rf301_across_files_other_collection_name_is_silent():
    findings = project(
        {
            "scripts/setup.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";

                await new QdrantClient().createCollection("images", { vectors: { size: 512, distance: "Cosine" } });
                """,
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
    assert hits(findings, "RF301") == []


# ============================================================================================
# RF302, RF303
# ============================================================================================


def test_rf302_langchain_js_embed_documents_and_embed_query():
    findings = one(
        """\
        import { Pinecone } from "@pinecone-database/pinecone";
        import { OpenAIEmbeddings } from "@langchain/openai";

        const index = new Pinecone().index("docs");
        const docEmbedder = new OpenAIEmbeddings({ model: "text-embedding-3-small" });
        const queryEmbedder = new OpenAIEmbeddings({ model: "text-embedding-ada-002" });

        export async function ingest(texts: string[]) {
          const vectors = await docEmbedder.embedDocuments(texts);
          await index.upsert(vectors.map((values, i) => ({ id: String(i), values })));
        }

        export async function search(q: string) {
          const vector = await queryEmbedder.embedQuery(q);
          return index.query({ vector, topK: 5 });
        }
        """
    )
    assert hits(findings, "RF302") == [("app.ts", 14)]
    assert "embedded with text-embedding-ada-002" in message(findings, "RF302")


def test_rf303_langchain_js_splitter():
    findings = one(
        """\
        import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";

        const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 0 });
        """
    )
    assert hits(findings, "RF303") == [("app.ts", 3)]
    assert "chunkOverlap=0" in message(findings, "RF303")


@pytest.mark.parametrize(
    "code",
    [
        'import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";\n'
        "new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 150 });\n",
        'import { RecursiveCharacterTextSplitter } from "langchain/text_splitter";\n'
        "new RecursiveCharacterTextSplitter();\n",
        "class RecursiveCharacterTextSplitter { constructor(o: object) {} }\n"
        "new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 0 });\n",
    ],
)
def test_rf303_langchain_js_silent(code):
    assert hits(one(code), "RF303") == []


def test_rf303_langchain_js_overlap_not_smaller_than_chunk():
    findings = one(
        """\
        import { TokenTextSplitter } from "@langchain/textsplitters";

        new TokenTextSplitter({ chunkSize: 200, chunkOverlap: 200 });
        """
    )
    assert "chunkOverlap=200 is not smaller than chunkSize=200" in message(findings, "RF303")


# ============================================================================================
# RF304 and RF101's project-aware message
# ============================================================================================


LANGCHAIN_RETRIEVAL = """\
    import { MemoryVectorStore } from "langchain/vectorstores/memory";
    import { OpenAIEmbeddings } from "@langchain/openai";

    const store = await MemoryVectorStore.fromDocuments(docs, new OpenAIEmbeddings());
    export const retriever = store.asRetriever(8);
    """


def test_rf304_langchain_js_retrieval():
    findings = one(LANGCHAIN_RETRIEVAL)
    assert hits(findings, "RF304") == [("app.ts", 4)]


@pytest.mark.parametrize(
    "extra",
    [
        'import { CohereRerank } from "@langchain/cohere";\n'
        'export const reranker = new CohereRerank({ model: "rerank-v3.5", topN: 3 });\n',
        'import { CohereClientV2 } from "cohere-ai";\n'
        'await new CohereClientV2().rerank({ model: "rerank-v3.5", query: "q", documents: [] });\n',
        'import { BM25Retriever } from "@langchain/community/retrievers/bm25";\n'
        "export const bm25 = BM25Retriever.fromDocuments(docs, { k: 4 });\n",
        'import { EnsembleRetriever } from "langchain/retrievers/ensemble";\n'
        "export const both = new EnsembleRetriever({ retrievers: [a, b], weights: [0.5, 0.5] });\n",
        'import { QdrantClient } from "@qdrant/js-client-rest";\n'
        'await new QdrantClient().query("kb", { prefetch: [{ query: [0.1], limit: 20 }], query: { fusion: "rrf" } });\n',
    ],
)
def test_rf304_silent_with_js_reranker_or_hybrid(extra):
    findings = project({"app.ts": LANGCHAIN_RETRIEVAL, "quality.ts": extra})
    assert hits(findings, "RF304") == []


def test_rf304_local_rerank_function_does_not_count():
    extra = "export function rerank(docs: string[]) { return docs; }\nrerank([]);\n"
    findings = project({"app.ts": LANGCHAIN_RETRIEVAL, "quality.ts": extra})
    assert hits(findings, "RF304") == [("app.ts", 4)]


def test_rf101_names_a_js_retrieval_setup():
    findings = project(
        {
            "search.ts": LANGCHAIN_RETRIEVAL,
            "train.py": """\
                from openai import OpenAI

                OpenAI().fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14", training_file="file-abc")
                """,
        }
    )
    text = message(findings, "RF101")
    assert "Retrieval is already set up (LangChain.js vector store (fromDocuments) at search.ts:4" in text


def test_rf301_across_files_an_ai_sdk_call_that_may_shorten_the_model_is_silent():
    findings = project(
        {
            "scripts/setup.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";

                await new QdrantClient().createCollection("manuals", { vectors: { size: 512, distance: "Cosine" } });
                """,
            "src/ingest.ts": """\
                import { QdrantClient } from "@qdrant/js-client-rest";
                import { embedMany } from "ai";
                import { openai } from "@ai-sdk/openai";

                const model = openai.embedding("text-embedding-3-small");
                export async function ingest(chunks: string[]) {
                  const { embeddings } = await embedMany({ model, values: chunks, providerOptions: { openai: { dimensions: 512 } } });
                  await new QdrantClient().upsert("manuals", { points: embeddings.map((vector, id) => ({ id, vector })) });
                }
                """,
        }
    )
    assert hits(findings, "RF301") == []
