"""The answer stage embeds its sentences for latency: small batches, bfloat16 where the CPU has it.

Dense search and ingest stay float32, so stored vectors and retrieval do not change.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.backends.extractive import CachingEmbedder, ExtractiveBackend
from minutes_core.settings import Settings, SettingsError
from tests.assistant_fakes import FakeEmbedder, passage
from vectorstore import embedder as embedder_module
from vectorstore.embedder import Embedder

SENTENCES = [
    "The committee resolved to defer the road scheme until the spring.",
    "Members noted the report.",
    "The library roof repairs will cost £1.2 million over two years, funded from reserves.",
    "Apologies were received from two members.",
    "The contract for the new swimming pool was awarded to a local builder after a tender.",
]


@pytest.mark.parametrize(("precision", "native", "expected"), [
    ("auto", True, True),        # the CPU has bfloat16 instructions
    ("auto", False, False),      # emulated bfloat16: float32 instead
    ("bfloat16", False, True),   # asked for explicitly
    ("float32", True, False),
])
def test_answer_precision_decides_whether_sentences_use_bfloat16(monkeypatch, precision, native, expected):
    monkeypatch.setattr(embedder_module, "native_bfloat16", lambda: native)
    assert Embedder(Settings(answer_precision=precision)).answer_bfloat16 is expected


@pytest.mark.parametrize("precision", ["float16", "int8", ""])
def test_an_unknown_answer_precision_is_refused(precision):
    with pytest.raises(SettingsError, match="answer_precision"):
        Settings(answer_precision=precision)


def test_backend_embeds_its_sentences_through_embed_sentences_and_the_query_as_a_query():
    inner = FakeEmbedder()
    backend = ExtractiveBackend(Settings(data_dir="unused", abstain_threshold=0.0), CachingEmbedder(inner))
    draft = backend.answer("How much will the library roof repairs cost?",
                           [passage("p1", " ".join(SENTENCES))])
    assert "£1.2 million" in draft.text
    assert inner.sentence_calls == 1
    # The query and the sentences, each once: nothing embedded twice by the cache.
    assert inner.texts_embedded == 1 + len(SENTENCES)


def test_caching_embedder_keeps_sentence_vectors_apart_from_document_vectors():
    inner = FakeEmbedder()
    cache = CachingEmbedder(inner)
    cache.embed_documents(SENTENCES[:2])
    cache.embed_sentences(SENTENCES[:2])  # another number format: not served from the documents
    assert inner.sentence_calls == 1 and inner.texts_embedded == 4
    cache.embed_sentences(SENTENCES[:2])
    cache.embed_documents(SENTENCES[:2])
    assert inner.sentence_calls == 1 and inner.texts_embedded == 4


@pytest.mark.slow
def test_real_model_sentences_in_bfloat16_score_like_float32(real_embedder):
    """bfloat16 vectors differ from float32's (the mode is really on) but rank the same."""
    question = "How much will the library roof repairs cost?"
    model = real_embedder._load()
    exact = Embedder(Settings(answer_precision="float32", answer_batch_size=32))
    quick = Embedder(Settings(answer_precision="bfloat16", answer_batch_size=2))
    exact._model = quick._model = model  # the session's model, these tests' settings
    query = exact.embed_query(question)
    reference = exact.embed_sentences(SENTENCES)
    vectors = quick.embed_sentences(SENTENCES)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert not np.array_equal(vectors, reference)
    assert np.abs(vectors @ query - reference @ query).max() < 0.01
    assert np.argmax(vectors @ query) == np.argmax(reference @ query) == 2
    # Batches of 2 and one batch of 5 give the same float32 vectors: padding is masked out.
    small = Embedder(Settings(answer_precision="float32", answer_batch_size=2))
    small._model = model
    assert np.allclose(small.embed_sentences(SENTENCES), reference, atol=1e-5)
    # Stored chunks are float32 whatever the answer precision.
    assert np.allclose(quick.embed_documents(SENTENCES), reference, atol=1e-5)
