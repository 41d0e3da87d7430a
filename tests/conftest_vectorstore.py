"""Fixtures for the storage tests: a fake embedder, synthetic files, and the real model once.

Registered as a pytest plugin (``-p tests.conftest_vectorstore`` or from tests/conftest.py).
The builders are plain functions too, so a test's subprocess can import them.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np
import pytest

from minutes_core import settings as settings_module
from ingest.models import CHUNK_METADATA_KEYS, Chunk, Document, LoadedFile, Page
from ingest.fingerprint import sketch

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic bag-of-words vectors with the Embedder interface, and no model to load.

    Each word adds to one of ``dimension`` buckets, so texts sharing words are close, which
    is enough for dense search to find the chunk that a query's words come from.
    ``embedded`` records every text it was asked to embed.
    """

    def __init__(self, name: str = "fake-bag-of-words", dimension: int = 64):
        self.model_name = name
        self.identity = f"{name}@test"
        self.dimension = dimension
        self.embedded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
            vector[bucket % self.dimension] += 1.0
        if not vector.any():
            vector[0] = 1.0
        return vector / np.linalg.norm(vector)

    def embed_documents(self, texts, progress: bool = False) -> np.ndarray:
        self.embedded.extend(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def embed_sentences(self, texts) -> np.ndarray:
        return self.embed_documents(texts)


def build_file(path: str, documents: list[dict[str, Any]]) -> tuple[LoadedFile, list[Document], list[Chunk]]:
    """A LoadedFile with its Documents and Chunks, as ingest would hand them to the Index.

    Each document dict takes Document fields (doc_type, title, committee, meeting_date,
    indexable...) and ``chunks``: a list of texts or of dicts with ``text`` and metadata
    overrides (is_decision, ...). The fingerprint is the real dedup sketch of the chunk texts.
    """
    source = path.rsplit("/", 1)[-1]
    texts = [c if isinstance(c, str) else c["text"] for d in documents for c in d["chunks"]]
    checksum = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    loaded = LoadedFile(path=path, source=source, checksum=checksum, format="txt",
                        pages=[Page(text="\n".join(texts))], size_bytes=len("\n".join(texts)))
    docs, chunks = [], []
    for ordinal, spec in enumerate(documents):
        fields = {k: v for k, v in spec.items() if k != "chunks"}
        fields.setdefault("doc_type", "minutes")
        fields.setdefault("title", f"Document {ordinal}")
        chunk_specs = [c if isinstance(c, dict) else {"text": c} for c in spec["chunks"]]
        doc = Document(source=source, path=path, ordinal=ordinal,
                       fingerprint=sketch("\n".join(c["text"] for c in chunk_specs)), **fields)
        docs.append(doc)
        for index, chunk_spec in enumerate(chunk_specs):
            metadata = {key: None for key in CHUNK_METADATA_KEYS}
            metadata.update(
                source=source, path=path, checksum=checksum, doc_id=doc.doc_id, doc_ordinal=ordinal,
                doc_type=doc.doc_type, title=doc.title, committee=doc.committee,
                meeting_date=doc.meeting_date, chunk_index=index, page=1, page_exact=False,
                is_decision=False, is_boilerplate=False, is_attendance=False,
            )
            metadata.update({k: v for k, v in chunk_spec.items() if k != "text"})
            header = f"{doc.committee or ''} {doc.meeting_date or ''} {doc.title}".strip()
            chunks.append(Chunk(text=chunk_spec["text"], index_text=f"{header}\n{chunk_spec['text']}",
                                metadata=metadata))
    return loaded, docs, chunks


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def vs_settings(tmp_path) -> settings_module.Settings:
    return settings_module.Settings(data_dir=tmp_path / "data")


@pytest.fixture
def make_index(vs_settings, fake_embedder):
    """Factory of Index objects over the test's data dir (fake embedder unless given); all
    are closed at teardown."""
    from vectorstore.index import Index

    opened = []

    def make(settings=None, embedder=None):
        index = Index(settings or vs_settings, embedder=embedder or fake_embedder)
        opened.append(index)
        return index

    yield make
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def real_embedder():
    """The real embedding model, loaded once per test session."""
    from vectorstore.embedder import Embedder

    return Embedder(settings_module.Settings())
