"""What answering one question costs is bounded by a setting, however many sentences match."""

from __future__ import annotations

import pytest

from assistant.backends.extractive import ExtractiveBackend
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeEmbedder, passage

QUESTION = "What did the committee decide about the library roof repairs?"


def many_matching_passages(count: int = 6, sentences: int = 12) -> list:
    """Passages whose every sentence shares words with the question (all are candidates)."""
    return [passage(f"p{p}", " ".join(
        f"The committee discussed the library roof repairs at item {p}.{s} and noted cost {p * 100 + s}."
        for s in range(sentences)), source=f"minutes-{p}.txt") for p in range(count)]


@pytest.mark.parametrize("bound", [1, 4, 16, 40])
def test_answer_embeds_at_most_the_configured_number_of_sentences(bound):
    embedder = FakeEmbedder()
    backend = ExtractiveBackend(Settings(data_dir="unused", answer_embedded_sentences=bound,
                                         abstain_threshold=0.0), embedder)
    passages = many_matching_passages()
    draft = backend.answer(QUESTION, passages)
    query_texts = 1  # the question itself
    assert embedder.texts_embedded - query_texts <= bound
    assert embedder.texts_embedded - query_texts == min(bound, 6 * 12)  # the bound is what limits
    assert draft.citations and not draft.abstained


def test_a_bound_below_one_still_embeds_one_sentence():
    embedder = FakeEmbedder()
    backend = ExtractiveBackend(Settings(data_dir="unused", answer_embedded_sentences=0,
                                         abstain_threshold=0.0), embedder)
    draft = backend.answer(QUESTION, many_matching_passages())
    assert embedder.texts_embedded == 2 and draft.citations
