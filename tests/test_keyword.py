"""The keyword index inside the registry: BM25 as bm25s scored it, updated in place, safe on any query."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest_vectorstore import build_file
from vectorstore import keyword
from vectorstore.chroma_store import conditions
from vectorstore.models import Filters
from vectorstore.registry import Registry

TEXTS = [
    "The drainage contract was awarded to Acme Drainage Ltd for the drainage works.",
    "The library opening hours were extended on Saturdays.",
    "Drainage of the car park was deferred.",
    "Members noted the budget for 2019 of £1,200,000 (12.5% more).",
]


def lucene_bm25(query: str, texts: list[str]) -> list[float]:
    """Lucene BM25 (k1 1.5, b 0.75) written out, as bm25s's default computes it."""
    docs = [keyword.chunk_terms(t) for t in texts]
    avgdl = sum(map(len, docs)) / len(docs)
    scores = []
    for doc in docs:
        score = 0.0
        for term in keyword.chunk_terms(query):
            df = sum(term in d for d in docs)
            if not df:
                continue
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            score += idf * tf / (tf + 1.5 * (0.25 + 0.75 * len(doc) / avgdl))
        scores.append(score)
    return scores


def fill(registry: Registry, texts: list[str], committee: str = "Cabinet") -> list[str]:
    """Store one file per text and index its chunk; the chunk ids in order."""
    ids = []
    for n, text in enumerate(texts):
        loaded, documents, chunks = build_file(f"/k/file{n}.txt", [
            {"committee": committee if n % 2 == 0 else "Planning", "meeting_date": f"2024-0{n % 9 + 1}-01",
             "chunks": [{"text": text, "is_decision": n % 4 == 0}]}])
        registry.replace_file(loaded, documents, chunks)
        ids.append(chunks[0].id)
    rows = registry.chunks_by_rowid(registry.indexed_rows())
    from vectorstore.chroma_store import store_metadata

    registry.update_keyword([(c.rowid, c.index_text, store_metadata(c.metadata)) for c in rows], [])
    return ids


@pytest.fixture
def registry(tmp_path):
    opened = Registry(tmp_path / "registry.sqlite")
    yield opened
    opened.close()


@pytest.mark.parametrize("query", ["drainage", "drainage contract", "library hours Saturday",
                                   "drainage drainage park", "budget 2019 £1,200,000 12.5%"])
def test_scores_are_lucene_bm25_as_bm25s_computed_them(registry, query):
    ids = fill(registry, TEXTS)
    index_texts = [c.index_text for c in registry.chunks_by_id(ids).values()]
    by_id = dict(zip(ids, lucene_bm25(query, index_texts)))
    found = registry.keyword_search(query, k=10)
    assert found, "the query shares words with the corpus"
    assert [chunk_id for chunk_id, _ in found] == sorted(
        (i for i in ids if by_id[i] > 0), key=lambda i: -by_id[i])
    for chunk_id, score in found:
        assert score == pytest.approx(by_id[chunk_id], rel=1e-5)


def test_filters_restrict_the_chunks_scored_and_still_fill_k(registry):
    ids = fill(registry, [f"{text} Copy {n // 4}." for n, text in enumerate(TEXTS * 3)])
    wanted = Filters(committee="planning")
    found = registry.keyword_search("drainage library budget", k=3, conditions=conditions(wanted))
    stored = registry.chunks_by_id(chunk_id for chunk_id, _ in found)
    assert len(found) == 3 and all(stored[i].metadata["committee"] == "Planning" for i, _ in found)
    decisions = registry.keyword_search("drainage", k=10, conditions=conditions(Filters(decisions_only=True)))
    assert [chunk_id for chunk_id, _ in decisions] == [ids[0], ids[4], ids[8]]


def test_removing_a_file_takes_its_postings_out_in_the_same_transaction(registry):
    ids = fill(registry, TEXTS)
    assert registry.remove_file("/k/file0.txt")
    found = [chunk_id for chunk_id, _ in registry.keyword_search("drainage contract", k=10)]
    assert ids[0] not in found and ids[2] in found
    assert registry.keyword_search("Acme", k=10) == []


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_text_searches_without_raising(registry_with_texts, query):
    for found_id, score in registry_with_texts.keyword_search(query, k=5):
        assert isinstance(found_id, str) and score > 0


QUERY_SYNTAX = ['"', "'", "NEAR(a b)", "a OR b", "NOT drainage", "drain*", "^drainage", "col:drainage",
                "(drainage", "a AND", "-drainage", "+", "\x00", "#", "drainage#1", "£", "%", "’s", "e.g."]


@pytest.mark.parametrize("query", QUERY_SYNTAX)
def test_fts5_query_syntax_in_user_text_is_read_as_words(registry_with_texts, query):
    registry_with_texts.keyword_search(query, k=5)  # must not raise
    assert registry_with_texts.keyword_search(f"{query} drainage", k=1), "the word still matches"


@given(st.from_regex(r"[A-Za-z0-9£%'’.,\- ]{1,60}", fullmatch=True))
@settings(max_examples=300, deadline=None)
def test_every_term_a_text_gives_is_kept_whole_in_the_postings(text):
    """FTS5 stores each "term#tf" token as given, whatever characters the terms hold."""
    import sqlite3
    from collections import Counter

    db = sqlite3.connect(":memory:")
    db.executescript(keyword.SCHEMA)
    keyword.add(db, [(1, text, {})])
    stored = {row[0] for row in db.execute("SELECT term FROM keyword_vocab")}
    assert stored == {f"{term}#{n}" for term, n in Counter(keyword.chunk_terms(text)).items()}
    if stored:
        assert keyword.KeywordSearcher().search(db, 1, text, k=1)[0][0] == 1


@pytest.fixture
def registry_with_texts(tmp_path_factory):
    opened = Registry(tmp_path_factory.mktemp("kw") / "registry.sqlite")
    fill(opened, TEXTS)
    yield opened
    opened.close()
