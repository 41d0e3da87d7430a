"""Torch threads per embedding call: a question's few texts get query_threads, ingest batches all."""

from __future__ import annotations

import os

import pytest

from minutes_core.settings import Settings
from vectorstore.embedder import Embedder

CORES = os.cpu_count() or 1


@pytest.mark.parametrize(("count", "query_threads", "torch_threads", "expected"), [
    (1, 1, 0, 1),                  # the question itself
    (16, 1, 0, 1),                 # an answer's shortlist of sentences
    (31, 1, 0, 1),                 # anything under one batch (32)
    (32, 1, 0, CORES),             # an ingest batch: every core
    (500, 1, 3, 3),                # torch_threads caps ingest
    (1, 0, 3, 3),                  # query_threads 0: same as ingest
    (1, 0, 0, CORES),
    (1, 2, 0, 2),
])
def test_threads_for_gives_questions_their_own_thread_count(count, query_threads, torch_threads, expected):
    embedder = Embedder(Settings(query_threads=query_threads, torch_threads=torch_threads))
    assert embedder.threads_for(count) == expected


@pytest.mark.slow
def test_real_model_embeds_a_question_on_query_threads_and_a_batch_on_all_cores(real_embedder):
    import torch

    embedder = Embedder(Settings(query_threads=1, torch_threads=2))
    embedder._model = real_embedder._load()  # the session's model, this test's settings
    question = embedder.embed_query("What did the committee resolve about the road scheme?")
    assert torch.get_num_threads() == 1
    batch = embedder.embed_documents(["The committee resolved to defer the road scheme."] * 32)
    assert torch.get_num_threads() == 2
    # The thread count changes speed, not the vectors.
    assert float(question @ batch[0]) > 0.5
    again = embedder.embed_documents(["The committee resolved to defer the road scheme."])[0]
    assert torch.get_num_threads() == 1
    assert abs(float(again @ batch[0]) - 1.0) < 1e-4
