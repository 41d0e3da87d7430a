"""The naive baseline: retrieval as a LangChain tutorial sets it up, to measure our gain against.

Each file's raw text, split into fixed 1,000-character chunks with 200 characters of overlap by
``RecursiveCharacterTextSplitter`` (the values of LangChain's RAG tutorial), embedded with the same
model as ours and searched by dense similarity alone. No document detection, no structure-aware
chunking, no contextual headers, no BM25, no metadata beyond the file (so filters are ignored, as a
tutorial would). The answers come from the same answer backend as ours, so an eval compares
retrieval and structure, not answer writing.

The chunks live in their own Chroma collection under ``<data_dir>/baseline/``, rebuilt only when
the set of files, their contents or the embedding model changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.loaders import load_file
from vectorstore.embedder import Embedder
from vectorstore.layout import DataLayout
from vectorstore.models import Filters, Passage

if TYPE_CHECKING:
    from minutes_core.settings import Settings

log = logging.getLogger(__name__)

# LangChain's RAG tutorial ("Build a Retrieval Augmented Generation App") splits with
# RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
COLLECTION = "baseline"
_MANIFEST = "manifest.json"


class NaiveRetriever:
    """A retriever (``retrieve(query, filters, k)``) over tutorial-style fixed-size chunks."""

    def __init__(self, settings: Settings, paths: list[str | Path], embedder: Any = None) -> None:
        self.settings = settings
        self.paths = [Path(p) for p in paths]
        self.directory = DataLayout.of(settings).baseline
        self._embedder = embedder
        self._collection: Any = None

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            self._embedder = Embedder(self.settings)
        return self._embedder

    def retrieve(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k chunks nearest to the query by cosine similarity (filters are ignored)."""
        collection = self.collection()
        count = collection.count()
        if count == 0:
            return []
        vector = self.embedder.embed_query(query)
        found = collection.query(query_embeddings=[list(map(float, vector))],
                                 n_results=min(k, count),
                                 include=["documents", "metadatas", "distances"])
        return [
            Passage(id=chunk_id, text=text, source=meta.get("source", ""), path=meta.get("path"),
                    score=1.0 - distance, scores={"dense": 1.0 - distance})
            for chunk_id, text, meta, distance in zip(found["ids"][0], found["documents"][0],
                                                      found["metadatas"][0], found["distances"][0])
        ]

    def collection(self) -> Any:
        """The baseline's Chroma collection, built first if the files or the embedding model changed
        since the last build."""
        if self._collection is None:
            import chromadb

            self.directory.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(self.directory),
                settings=chromadb.config.Settings(anonymized_telemetry=False),
            )
            manifest = self._manifest()
            if self._built_manifest() == manifest and COLLECTION in _names(client):
                self._collection = client.get_collection(COLLECTION, embedding_function=None)
            else:
                self._collection = self._build(client, manifest)
        return self._collection

    def _build(self, client: Any, manifest: dict[str, Any]) -> Any:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        log.info("building the naive baseline index over %d file(s)", len(self.paths))
        # Forget the last build first: a build killed half-way must not look complete next time.
        (self.directory / _MANIFEST).unlink(missing_ok=True)
        if COLLECTION in _names(client):
            client.delete_collection(COLLECTION)
        collection = client.create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts: list[str] = []
        metadatas: list[dict[str, str]] = []
        for path in self.paths:
            loaded = load_file(path, self.settings)
            for text in splitter.split_text(loaded.text):
                texts.append(text)
                metadatas.append({"source": loaded.source, "path": loaded.path})
        if texts:
            vectors = self.embedder.embed_documents(texts)
            ids = [hashlib.sha1(f"{m['path']}\x1f{i}".encode()).hexdigest()
                   for i, m in enumerate(metadatas)]
            batch = client.get_max_batch_size()
            for start in range(0, len(texts), batch):
                end = start + batch
                collection.add(ids=ids[start:end], documents=texts[start:end],
                               metadatas=metadatas[start:end],
                               embeddings=[list(map(float, v)) for v in vectors[start:end]])
        (self.directory / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        log.info("naive baseline index: %d chunks", len(texts))
        return collection

    def _manifest(self) -> dict[str, Any]:
        """What the chunks and vectors depend on: the embedder and each file's sha256."""
        return {
            "embedder": str(getattr(self.embedder, "identity", type(self.embedder).__name__)),
            "files": {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in self.paths},
        }

    def _built_manifest(self) -> dict[str, Any] | None:
        manifest = self.directory / _MANIFEST
        try:
            return json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # never built, or a damaged file: build again
            return None


def _names(client: Any) -> set[str]:
    """Names of the client's collections (list_collections gives names or Collection objects,
    depending on the chromadb version)."""
    return {getattr(c, "name", c) for c in client.list_collections()}
