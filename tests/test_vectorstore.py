"""Storage: registry, sync to Chroma and BM25, search with filters, dedup, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest_vectorstore import FakeEmbedder, build_file
from vectorstore.chroma_store import where_clause
from ingest.fingerprint import normalise, sketch
from vectorstore.dedup import DocumentSketch, find_duplicates, has_near_copy, similarity
from vectorstore.models import Filters

REPO = Path(__file__).resolve().parents[1]

REPORT_TEXT = (
    "The Director of Environment presented a report on the flood alleviation scheme for the "
    "Mill Brook catchment. The scheme would protect 240 homes from a one in a hundred year flood "
    "event. The estimated cost is GBP 3.4 million, of which GBP 2.1 million comes from the "
    "Environment Agency grant. Construction would begin in the spring and finish within "
    "eighteen months. Residents raised concerns about the closure of the towpath during works."
)


def council_files():
    """Three files: two Cabinet meetings and a Planning meeting with a report."""
    return [
        build_file("/records/cabinet_jan.txt", [{
            "committee": "Cabinet", "meeting_date": "2024-01-10", "chunks": [
                "Members discussed the drainage contract and the tender process.",
                {"text": "RESOLVED that the drainage contract be awarded to Acme Drainage Ltd.",
                 "is_decision": True},
                "Apologies were received from Cllr Smith.",
            ]}]),
        build_file("/records/planning_mar.txt", [
            {"committee": "Planning Committee", "meeting_date": "2024-03-05", "chunks": [
                "The Mill Road tower application was considered.",
                {"text": "RESOLVED that the tower application be refused.", "is_decision": True},
            ]},
            {"committee": "Planning Committee", "meeting_date": "2024-03-05", "doc_type": "report",
             "title": "Officer report", "chunks": [
                 "The officer report covers the drainage of the tower site."]},
        ]),
        build_file("/records/cabinet_jun.txt", [{
            "committee": "Cabinet", "meeting_date": "2024-06-20", "doc_type": "agenda", "chunks": [
                "Item 5: drainage update from the Director of Environment.",
                "Item 6: library opening hours.",
            ]}]),
    ]


def ingest(index, files):
    for loaded, documents, chunks in files:
        index.replace_file(loaded, documents, chunks)
    return index.sync()


def chroma_ids(index) -> list[str]:
    return index.chroma.collection.get(include=[])["ids"]


def assert_indexes_match_registry(index):
    """Chroma and BM25 hold exactly the registry's indexed chunks, each once."""
    wanted = sorted(c.id for c in index.registry.indexed_chunks())
    assert sorted(chroma_ids(index)) == wanted
    assert index.chroma.count() == len(wanted)
    assert sorted(index.registry.keyword_ids()) == wanted


# -- dedup helpers --------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [
    ("The Council \u201cRESOLVED\u201d to  approve the budget for next year",
     'the council "resolved" to approve the budget for next year'),
    ("**RESOLVED** that the <b>budget</b> be approved by the council today",
     "RESOLVED that the budget be approved by the council today"),
    ("It\u2019s agreed that the report be noted and the\n\nrecommendations adopted",
     "It's agreed that the report be noted and the recommendations adopted"),
])
def test_sketch_ignores_differences_between_extractions(a, b):
    assert sketch(a) == sketch(b)
    assert similarity(sketch(a), sketch(b)) == 1.0


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("  <p></p> ** ", []),
])
def test_sketch_of_text_without_words_is_empty(text, expected):
    assert sketch(text) == expected


def test_sketch_keeps_the_k_smallest_hashes():
    text = " ".join(f"word{i}" for i in range(400))
    full = sketch(text, k=10_000)
    assert len(full) == 396  # 400 words make 396 five-word shingles
    assert sketch(text, k=50) == full[:50]


def test_normalise_folds_case_quotes_markup_and_space():
    assert normalise("A \u2018Quoted\u2019  **Bold** <i>word</i>") == "a 'quoted' bold word"


@pytest.mark.parametrize("a, b, expected", [
    ([], [], 0.0),
    ([1, 2, 3], [], 0.0),
    ([1, 2, 3, 4], [1, 2, 3, 4], 1.0),
    ([1, 2, 3, 4], [5, 6, 7, 8], 0.0),
    ([1, 2, 3, 4], [1, 2, 5, 6], 2 / 4),  # union sample 1,2,3,4: two in both
    ([1, 2], [1, 2, 3, 4], 2 / 4),  # a short sketch is a whole shingle set
])
def test_similarity_estimates_jaccard(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)


def test_similarity_tracks_true_overlap_of_long_texts():
    words = [f"w{i}" for i in range(2000)]
    a = " ".join(words[:1500])
    b = " ".join(words[500:])
    # true Jaccard of shingle sets: 996 shared of 1996 + ... about 0.5
    assert similarity(sketch(a), sketch(b)) == pytest.approx(0.5, abs=0.1)


def _doc(path, ordinal, file_documents, fingerprint):
    return DocumentSketch(key=(path, ordinal), path=path, file_documents=file_documents,
                          fingerprint=tuple(fingerprint))


@pytest.mark.parametrize("documents, expected", [
    # a standalone report beats its copy in a three-document pack, whatever the order
    ([_doc("pack", 1, 3, range(10)), _doc("report", 0, 1, range(10))],
     {("pack", 1): ("report", 0)}),
    # same number of documents: the smaller path wins
    ([_doc("b", 0, 1, range(10)), _doc("a", 0, 1, range(10))], {("b", 0): ("a", 0)}),
    # two copies inside one file are not duplicates of each other
    ([_doc("a", 0, 2, range(10)), _doc("a", 1, 2, range(10))], {}),
    # below the threshold (7 of 13 shared) both stay
    ([_doc("a", 0, 1, range(10)), _doc("b", 0, 1, range(3, 13))], {}),
    # no fingerprint, no decision
    ([_doc("a", 0, 1, []), _doc("b", 0, 1, [])], {}),
    # three copies: both others point at the canonical one
    ([_doc("c", 0, 1, range(10)), _doc("b", 0, 1, range(10)), _doc("a", 0, 1, range(10))],
     {("b", 0): ("a", 0), ("c", 0): ("a", 0)}),
])
def test_find_duplicates_picks_one_canonical_copy(documents, expected):
    assert find_duplicates(documents, threshold=0.8) == expected


# -- filters --------------------------------------------------------------------------------------
@pytest.mark.parametrize("filters, expected", [
    (None, None),
    (Filters(), None),
    (Filters(committee=" Cabinet "), {"committee_lc": {"$eq": "cabinet"}}),
    (Filters(date_from="2024-01-01", decisions_only=True),
     {"$and": [{"meeting_ts": {"$gte": 20240101}}, {"is_decision": {"$eq": True}}]}),
    (Filters(date_to="2024-12-31", doc_type="report", source="a.txt"),
     {"$and": [{"meeting_ts": {"$lte": 20241231}}, {"doc_type": {"$eq": "report"}},
               {"source": {"$eq": "a.txt"}}]}),
])
def test_where_clause_from_filters(filters, expected):
    assert where_clause(filters) == expected


def test_malformed_date_filter_is_refused_with_its_value():
    with pytest.raises(ValueError, match="2024/01/01"):
        where_clause(Filters(date_from="2024/01/01"))


FILTER_CASES = [
    (Filters(committee="cabinet"), {"cabinet_jan.txt:0.0", "cabinet_jan.txt:0.1", "cabinet_jan.txt:0.2",
                                    "cabinet_jun.txt:0.0", "cabinet_jun.txt:0.1"}),
    (Filters(committee="CABINET", date_from="2024-02-01"), {"cabinet_jun.txt:0.0", "cabinet_jun.txt:0.1"}),
    (Filters(date_from="2024-03-05", date_to="2024-03-05"),
     {"planning_mar.txt:0.0", "planning_mar.txt:0.1", "planning_mar.txt:1.0"}),
    (Filters(date_to="2024-03-04"), {"cabinet_jan.txt:0.0", "cabinet_jan.txt:0.1", "cabinet_jan.txt:0.2"}),
    (Filters(decisions_only=True), {"cabinet_jan.txt:0.1", "planning_mar.txt:0.1"}),
    (Filters(doc_type="report"), {"planning_mar.txt:1.0"}),
    (Filters(source="cabinet_jun.txt"), {"cabinet_jun.txt:0.0", "cabinet_jun.txt:0.1"}),
    (Filters(committee="Scrutiny"), set()),
]


def label(passage) -> str:
    """file:document.chunk of a passage."""
    return f"{passage.source}:{passage.metadata['doc_ordinal']}.{passage.metadata['chunk_index']}"


@pytest.fixture
def council_index(make_index):
    index = make_index()
    ingest(index, council_files())
    return index


@pytest.mark.parametrize("filters, expected", FILTER_CASES)
def test_passages_where_applies_every_filter(council_index, filters, expected):
    assert {label(p) for p in council_index.passages_where(filters)} == expected


@pytest.mark.parametrize("filters, expected", FILTER_CASES)
def test_dense_search_returns_only_passages_matching_the_filters(council_index, filters, expected):
    found = council_index.dense_search("drainage", filters, k=50)
    assert {label(p) for p in found} == expected


@pytest.mark.parametrize("filters, expected", FILTER_CASES)
def test_keyword_search_returns_only_matching_passages_that_share_a_word(council_index, filters, expected):
    found = council_index.keyword_search("drainage", filters, k=50)
    with_word = {label(p) for p in council_index.passages_where(filters) if "drainage" in p.text.lower()}
    assert {label(p) for p in found} == with_word
    assert with_word <= expected


@pytest.mark.parametrize("scope, expected", FILTER_CASES)
def test_dense_rankings_narrow_one_search_to_the_scope(council_index, scope, expected):
    whole, scoped = council_index.dense_rankings("drainage", None, 3, scope, scope_k=50, pool=50)
    nearest = council_index.dense_search("drainage", None, k=50)
    assert [label(p) for p in whole] == [label(p) for p in nearest[:3]]
    assert [label(p) for p in scoped] == [label(p) for p in nearest if label(p) in expected]


def test_dense_rankings_scope_only_what_the_pool_holds(council_index):
    nearest = council_index.dense_search("drainage", None, k=2)
    _, scoped = council_index.dense_rankings("drainage", None, 2, Filters(), scope_k=50, pool=2)
    assert [label(p) for p in scoped] == [label(p) for p in nearest]


def test_selective_filter_still_fills_k_keyword_results(council_index):
    # "drainage" ranks the Cabinet chunks above the report; the filter must not just cut a top-k
    found = council_index.keyword_search("drainage contract tender", Filters(doc_type="report"), k=1)
    assert [label(p) for p in found] == ["planning_mar.txt:1.0"]


def test_keyword_search_ranks_by_bm25_and_reports_the_score(council_index):
    found = council_index.keyword_search("tower application refused", k=3)
    assert found[0].text == "RESOLVED that the tower application be refused."
    assert found[0].scores == {"bm25": found[0].score}
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


@pytest.mark.parametrize("query", ["", "the of and", "zebra xylophone"])
def test_keyword_search_without_matching_words_finds_nothing(council_index, query):
    assert council_index.keyword_search(query, k=5) == []


def test_dense_search_scores_cosine_similarity(council_index):
    found = council_index.dense_search("library opening hours", k=2)
    assert found[0].text == "Item 6: library opening hours."
    assert found[0].scores == {"dense": found[0].score}
    expected = float(np.dot(council_index.embedder.embed_query("library opening hours"),
                            council_index.embedder._vector(council_index.registry.chunks_by_id(
                                [found[0].id])[found[0].id].index_text)))
    assert found[0].score == pytest.approx(expected, abs=1e-4)


def test_passages_carry_the_chunk_metadata(council_index):
    passage = council_index.keyword_search("Acme", k=1)[0]
    assert (passage.source, passage.committee, passage.meeting_date, passage.is_decision) == (
        "cabinet_jan.txt", "Cabinet", "2024-01-10", True)
    assert passage.path == "/records/cabinet_jan.txt" and passage.page == 1


def test_passages_where_stops_at_the_limit(council_index):
    assert len(council_index.passages_where(Filters(), limit=3)) == 3


def test_passages_of_files_reads_only_those_files_in_file_order(council_index):
    everything = council_index.passages_where(Filters())
    one_path = everything[0].path
    of_one = council_index.passages_of_files([one_path, one_path])
    assert of_one == [p for p in everything if p.path == one_path] and of_one
    assert council_index.passages_of_files([]) == []
    assert council_index.passages_of_files(["/not/ingested.txt"]) == []


# -- registry, sync and the embedding cache --------------------------------------------------------
def test_sync_indexes_every_chunk_of_indexable_documents(council_index):
    assert_indexes_match_registry(council_index)
    assert council_index.chroma.count() == 8


def test_resync_of_unchanged_registry_embeds_nothing(council_index, fake_embedder):
    fake_embedder.embedded.clear()
    report = council_index.sync()
    assert (report.embedded, report.added, report.updated, report.deleted, report.keyword_added,
            report.keyword_removed) == (0, 0, 0, 0, 0, 0)
    assert fake_embedder.embedded == []


def test_replacing_a_file_reembeds_only_new_texts(council_index, fake_embedder, capsys):
    loaded, documents, chunks = build_file("/records/cabinet_jan.txt", [{
        "committee": "Cabinet", "meeting_date": "2024-01-10", "chunks": [
            "Members discussed the drainage contract and the tender process.",
            {"text": "RESOLVED that the drainage contract be awarded to Acme Drainage Ltd.",
             "is_decision": True},
            "Cllr Jones declared an interest and left the room.",
        ]}])
    fake_embedder.embedded.clear()
    council_index.replace_file(loaded, documents, chunks)
    report = council_index.sync(progress=True)
    assert "Embedding" in capsys.readouterr().err
    assert report.embedded == 1
    assert fake_embedder.embedded == [chunks[2].index_text]
    # the checksum changed, so every chunk id changed: three new ids, three old ones gone
    assert (report.added, report.deleted) == (3, 3)
    assert_indexes_match_registry(council_index)
    assert council_index.keyword_search("Smith", k=5) == []


def test_remove_file_deletes_its_chunks_from_chroma_and_bm25(council_index):
    assert council_index.remove_file("/records/cabinet_jan.txt") is True
    assert council_index.remove_file("/records/cabinet_jan.txt") is False
    assert council_index.keyword_search("Acme", k=5) == []  # hidden even before the sync
    report = council_index.sync()
    assert report.deleted == 3
    assert_indexes_match_registry(council_index)
    assert all(p.source != "cabinet_jan.txt" for p in council_index.dense_search("drainage", k=50))
    assert council_index.file_record("/records/cabinet_jan.txt") is None


def test_remove_file_drops_cached_vectors_nothing_uses(council_index):
    before = council_index.registry.count_vectors()
    council_index.remove_file("/records/cabinet_jan.txt")
    council_index.sync()
    assert council_index.registry.count_vectors() == before - 3


def test_replace_file_with_two_identical_chunks_is_refused_and_changes_nothing(council_index):
    loaded, documents, chunks = build_file("/records/cabinet_jan.txt", [{"chunks": ["Same."]}])
    with pytest.raises(ValueError, match="cabinet_jan.txt"):
        council_index.replace_file(loaded, documents, chunks + chunks)
    assert council_index.file_record("/records/cabinet_jan.txt").n_chunks == 3


@pytest.mark.parametrize("chunks, batches", [(20, [8, 12]), (16, [8, 8]), (5, [5]), (9, [9])])
def test_a_short_last_embedding_batch_joins_the_one_before(make_index, vs_settings, chunks, batches):
    # Fewer texts than a batch are embedded on the question's threads: an ingest's last batch
    # of a sync would leave a core idle.
    class BatchRecorder(FakeEmbedder):
        def __init__(self):
            super().__init__()
            self.calls = []

        def embed_documents(self, texts, progress=False):
            self.calls.append(len(texts))
            return super().embed_documents(texts, progress)

    embedder = BatchRecorder()
    index = make_index(vs_settings.replace(embedding_batch_size=8), embedder=embedder)
    ingest(index, [build_file("/c/one.txt", [{"chunks": [f"chunk {n} of words {n * 7}" for n in range(chunks)]}])])
    assert embedder.calls == batches


def test_non_indexable_documents_are_stored_but_not_indexed(make_index):
    index = make_index()
    ingest(index, [build_file("/r/pack.txt", [
        {"title": "Cover", "indexable": False, "chunks": ["Cover page of the pack."]},
        {"title": "Minutes", "chunks": ["The minutes were approved."]},
    ])])
    assert index.chroma.count() == 1
    assert index.keyword_search("cover page", k=5) == []
    assert index.stats()["documents"] == 1
    assert [d["n_chunks"] for d in index.documents()] == [1, 1]


def test_file_records_count_documents_and_chunks(council_index):
    record = council_index.file_record("/records/planning_mar.txt")
    assert (record.source, record.n_documents, record.n_chunks) == ("planning_mar.txt", 2, 3)
    assert record.checksum and record.size > 0
    assert [r.source for r in council_index.files()] == ["cabinet_jan.txt", "cabinet_jun.txt",
                                                         "planning_mar.txt"]
    assert council_index.file_record("/records/none.txt") is None


def test_stats_follow_the_contract(council_index):
    assert council_index.stats() == {
        "files": 3, "documents": 4, "chunks": 8,
        "committees": ["Cabinet", "Planning Committee"],
        "meetings": ["2024-01-10", "2024-03-05", "2024-06-20"],
        "unknown": {"committee": 0, "meeting_date": 0},
    }


def test_stats_count_documents_whose_body_or_date_no_convention_named(make_index):
    index = make_index()
    ingest(index, [build_file("/r/letter.txt", [{"doc_type": "letter", "chunks": ["Dear resident, thank you."]}]),
                   build_file("/r/minutes.txt", [{"committee": "Cabinet", "chunks": ["The minutes were approved."]}])])
    stats = index.stats()
    assert stats["unknown"] == {"committee": 1, "meeting_date": 2}
    assert stats["committees"] == ["Cabinet"]  # an unknown body is counted, never listed as a body


def test_stats_of_an_empty_index(make_index):
    index = make_index()
    assert index.sync().embedded == 0
    assert index.stats() == {"files": 0, "documents": 0, "chunks": 0, "committees": [], "meetings": [],
                             "unknown": {"committee": 0, "meeting_date": 0}}
    assert index.keyword_search("anything", k=5) == []
    assert index.dense_search("anything", k=5) == []


def test_get_passages_keeps_the_order_given_and_skips_unknown_ids(council_index):
    ids = [p.id for p in council_index.passages_where(Filters())][:3]
    found = council_index.get_passages([ids[2], "missing", ids[0]])
    assert [p.id for p in found] == [ids[2], ids[0]]


def test_document_text_joins_chunks_without_repeating_their_overlap(make_index):
    index = make_index()
    first = "The committee considered the annual report on highways maintenance spending."
    second = "on highways maintenance spending. Members asked about pothole repairs."
    third = "Any other business: none."
    ingest(index, [build_file("/r/a.txt", [{"chunks": [first, second, third]}])])
    assert index.document_text("a.txt#0") == (
        "The committee considered the annual report on highways maintenance spending. "
        "Members asked about pothole repairs.\n\nAny other business: none.")
    assert index.document_text("missing#0") == ""


def test_documents_list_every_document_with_its_chunk_count(council_index):
    documents = {d["doc_id"]: d for d in council_index.documents()}
    assert set(documents) == {"cabinet_jan.txt#0", "planning_mar.txt#0", "planning_mar.txt#1",
                              "cabinet_jun.txt#0"}
    report = documents["planning_mar.txt#1"]
    assert (report["doc_type"], report["n_chunks"], report["duplicate_of"], report["alternates"]) == (
        "report", 1, None, [])


def test_reopened_index_searches_without_a_sync(council_index, vs_settings, make_index):
    council_index.close()
    reopened = make_index()
    assert reopened.keyword_search("Acme", k=1)[0].source == "cabinet_jan.txt"
    assert reopened.dense_search("Acme drainage", k=1)[0].source == "cabinet_jan.txt"


def test_keyword_index_of_another_tokenizer_is_emptied_and_refilled_by_sync(council_index, make_index):
    council_index.registry.set_counter("tokenizer", 0)  # as if an older tokenizer had built it
    council_index.close()
    index = make_index()
    assert index.keyword_search("Acme", k=1) == []
    assert index.sync().keyword_added == 8
    assert index.keyword_search("Acme", k=1)[0].source == "cabinet_jan.txt"
    assert_indexes_match_registry(index)


def test_keyword_index_is_updated_in_the_transaction_that_replaces_a_file(council_index):
    """Removing a file takes its chunks out of the keyword index at once: no rebuild, no stale hit."""
    before = len(council_index.registry.keyword_ids())
    assert council_index.remove_file("/records/cabinet_jan.txt")
    assert len(council_index.registry.keyword_ids()) == before - 3
    assert council_index.sync().keyword_added == 0


def test_changed_embedding_model_reembeds_everything(council_index, vs_settings, make_index):
    council_index.close()
    other = FakeEmbedder(name="another-model", dimension=32)
    index = make_index(embedder=other)
    report = index.sync()
    assert report.embedded == 8
    assert_indexes_match_registry(index)
    assert index.registry.count_vectors() == 8  # the old model's vectors were dropped
    assert index.dense_search("library opening hours", k=1)[0].text == "Item 6: library opening hours."


# -- dedup in sync ---------------------------------------------------------------------------------
def report_file():
    return build_file("/r/flood_report.txt", [{"doc_type": "report", "title": "Flood scheme",
                                               "committee": "Cabinet", "meeting_date": "2024-05-01",
                                               "chunks": [REPORT_TEXT]}])


def pack_file():
    """An agenda pack holding an agenda, a copy of the report (other extraction) and minutes."""
    copy = REPORT_TEXT.replace("The Director", "The  **Director**").replace("'", "\u2019")
    return build_file("/r/cabinet_pack.txt", [
        {"doc_type": "agenda", "title": "Agenda", "committee": "Cabinet", "meeting_date": "2024-05-01",
         "chunks": ["Agenda item 4: flood alleviation scheme."]},
        {"doc_type": "report", "title": "Flood scheme", "committee": "Cabinet",
         "meeting_date": "2024-05-01", "chunks": [copy]},
        {"doc_type": "minutes", "title": "Minutes", "committee": "Cabinet", "meeting_date": "2024-03-01",
         "chunks": ["The minutes of the previous meeting were agreed."]},
    ])


@pytest.mark.parametrize("order", [("report", "pack"), ("pack", "report")])
def test_same_document_in_two_files_is_indexed_once_with_alternates(make_index, order):
    index = make_index()
    files = {"report": report_file(), "pack": pack_file()}
    report = ingest(index, [files[name] for name in order])
    assert report.duplicates == 1
    assert_indexes_match_registry(index)
    hits = index.keyword_search("flood alleviation Mill Brook", k=10)
    assert [p.source for p in hits if "240 homes" in p.text] == ["flood_report.txt"]
    canonical = next(p for p in hits if "240 homes" in p.text)
    assert canonical.alternates == ["cabinet_pack.txt"]
    dense = index.dense_search("flood alleviation Mill Brook catchment homes", k=1)[0]
    assert (dense.source, dense.alternates) == ("flood_report.txt", ["cabinet_pack.txt"])
    documents = {d["doc_id"]: d for d in index.documents()}
    assert documents["cabinet_pack.txt#1"]["duplicate_of"] == "flood_report.txt#0"
    assert documents["flood_report.txt#0"]["alternates"] == ["cabinet_pack.txt"]
    assert index.stats()["documents"] == 3


def test_removing_the_canonical_file_promotes_the_duplicate(make_index):
    index = make_index()
    ingest(index, [report_file(), pack_file()])
    index.remove_file("/r/flood_report.txt")
    report = index.sync()
    # duplicates are never embedded, so the promoted copy's one chunk is embedded now
    assert (report.duplicates, report.embedded, report.added, report.deleted) == (0, 1, 1, 1)
    assert_indexes_match_registry(index)
    hit = index.keyword_search("Mill Brook", k=1)[0]
    assert (hit.source, hit.alternates) == ("cabinet_pack.txt", [])
    assert {d["doc_id"]: d["duplicate_of"] for d in index.documents()}["cabinet_pack.txt#1"] is None


def test_a_new_copy_gives_the_canonical_passage_its_alternates_without_rewriting_chroma(make_index):
    index = make_index()
    ingest(index, [report_file()])
    loaded, documents, chunks = pack_file()
    index.replace_file(loaded, documents, chunks)
    report = index.sync()
    assert (report.added, report.updated) == (2, 0)  # the pack's agenda and minutes only
    found = index.dense_search("flood alleviation Mill Brook catchment homes", k=1)[0]
    assert (found.source, found.alternates) == ("flood_report.txt", ["cabinet_pack.txt"])


def test_chroma_keeps_vectors_and_filter_fields_only(council_index):
    stored = council_index.chroma.collection.get(include=["metadatas", "documents"])
    assert stored["documents"] == [None] * len(stored["ids"])
    assert {key for m in stored["metadatas"] for key in m} <= {
        "committee_lc", "meeting_ts", "doc_type", "is_decision", "source", "sync_hash"}


@pytest.mark.parametrize("new, expected", [
    ("copy", True),          # the report again, as another extraction printed it
    ("unrelated", False),
    ("same_file", False),    # a near-copy inside its own file is not a duplicate
])
def test_has_near_copy_finds_the_pairs_find_duplicates_would_consider(new, expected):
    base = sketch(REPORT_TEXT)
    copy = sketch(REPORT_TEXT.replace("The Director", "The  **Director**"))
    other = sketch("The library opening hours were extended to Saturday afternoons from May.")
    documents = [_doc("/r/report.txt", 0, 1, base), _doc("/r/lib.txt", 0, 1, other)]
    candidates = {"copy": _doc("/r/pack.txt", 1, 3, copy),
                  "unrelated": _doc("/r/x.txt", 0, 1, sketch("Cycle lanes on the ring road were approved.")),
                  "same_file": _doc("/r/report.txt", 1, 1, copy)}
    assert has_near_copy([candidates[new]], documents + [candidates[new]], 0.8) is expected
    assert bool(find_duplicates(documents + [candidates[new]], 0.8)) is expected


def test_a_new_document_without_a_near_copy_skips_the_archive_wide_comparison(make_index, monkeypatch):
    index = make_index()
    ingest(index, [report_file(), pack_file()])
    decided = {d["doc_id"]: d["duplicate_of"] for d in index.documents()}

    def whole(*args):
        raise AssertionError("dedup ran over every document")

    monkeypatch.setattr("vectorstore.index.find_duplicates", whole)
    ingest(index, [build_file("/r/cycle.txt", [{"chunks": ["Cycle lanes on the ring road were approved."]}])])
    assert {d["doc_id"]: d["duplicate_of"] for d in index.documents() if d["doc_id"] in decided} == decided
    monkeypatch.undo()
    assert index.remove_file("/r/flood_report.txt")  # the canonical copy goes: decided again
    index.sync()
    assert {d["doc_id"]: d["duplicate_of"] for d in index.documents()}["cabinet_pack.txt#1"] is None


def test_different_documents_are_not_deduplicated(make_index):
    index = make_index()
    other = REPORT_TEXT.replace("flood alleviation scheme for the Mill Brook catchment",
                                "cycle lane scheme for the ring road").replace(
        "240 homes from a one in a hundred year flood event", "cyclists on the busiest junctions")
    ingest(index, [report_file(), build_file("/r/cycle.txt", [{"chunks": [other]}])])
    assert index.stats()["documents"] == 2
    assert index.chroma.count() == 2


# -- crash safety ----------------------------------------------------------------------------------
CRASH_SCRIPT = textwrap.dedent("""
    import sys, time
    from minutes_core import settings
    from tests.conftest_vectorstore import FakeEmbedder, build_file
    from vectorstore.index import Index

    data_dir, mode = sys.argv[1], sys.argv[2]

    class SlowEmbedder(FakeEmbedder):
        def embed_documents(self, texts, progress=False):
            time.sleep(0.1)
            return super().embed_documents(texts, progress)

    def files(version, n):
        return [build_file(f"/c/file{f:02d}.txt", [{"committee": "Cabinet", "meeting_date": "2024-01-01",
                "chunks": [f"version {version} file {f} chunk {c} words {c * f}" for c in range(10)]}])
                for f in range(n)]

    index = Index(settings.Settings(data_dir=data_dir, embedding_batch_size=8),
                  embedder=SlowEmbedder() if mode == "embed" else FakeEmbedder())
    for loaded, documents, chunks in files(1, 20):
        index.replace_file(loaded, documents, chunks)
    index.sync()
    print("SYNCED", flush=True)
    for loaded, documents, chunks in files(2, 15):
        index.replace_file(loaded, documents, chunks)
    index.remove_file("/c/file19.txt")
    print("REPLACED", flush=True)
    if mode == "replace":
        time.sleep(60)
    if mode == "chroma":
        store = index.chroma
        store.batch_size = 20
        upsert = store.collection.upsert
        def slow_upsert(**kwargs):
            upsert(**kwargs)
            print("UPSERTED", flush=True)
            time.sleep(0.5)
        store.collection.upsert = slow_upsert
    if mode == "keyword":
        from vectorstore import keyword
        add = keyword.add
        def slow_add(db, rows):
            added = add(db, rows)
            print("ADDED", flush=True)
            time.sleep(60)
            return added
        keyword.add = slow_add
    index.sync()
    print("DONE", flush=True)
""")


def run_until(data_dir: Path, mode: str, marker: str, count: int = 1, condition=None) -> None:
    """Run the crash script and kill -9 it once ``marker`` was printed ``count`` times (and
    ``condition()`` holds)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(data_dir), mode], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        seen = 0
        for line in process.stdout:
            assert line.strip() != "DONE", "the sync finished before the kill"
            seen += line.strip() == marker
            if seen >= count:
                break
        assert seen >= count, f"the script ended before printing {marker}"
        deadline = time.monotonic() + 60
        while condition is not None and not condition():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()


def cached_keys(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "registry.sqlite") as db:
        return {row[0] for row in db.execute("SELECT key FROM embeddings")}


def assert_repaired(index):
    assert_indexes_match_registry(index)
    assert len(index.registry.indexed_chunks()) == 15 * 10 + 4 * 10  # 15 replaced, 4 old, 1 removed
    again = index.sync()
    assert (again.embedded, again.added, again.updated, again.deleted, again.keyword_added,
            again.keyword_removed) == (0, 0, 0, 0, 0, 0)
    texts = {p.source: p.text for p in index.passages_where(Filters())}
    assert texts["file03.txt"].startswith("version 2") and texts["file16.txt"].startswith("version 1")
    assert "file19.txt" not in texts


def test_kill_between_replace_and_sync_is_repaired_by_the_next_sync(vs_settings, make_index):
    run_until(vs_settings.data_dir, "replace", "REPLACED")
    index = make_index()
    report = index.sync()
    assert report.deleted == 16 * 10 and report.added == 15 * 10
    assert_repaired(index)


def test_kill_during_embedding_keeps_finished_vectors(vs_settings, make_index, fake_embedder):
    data_dir = vs_settings.data_dir
    baseline: dict[str, int] = {}

    def some_new_vectors_cached():
        keys = cached_keys(data_dir)
        baseline.setdefault("n", len(keys))
        return len(keys) >= baseline["n"] + 24

    run_until(data_dir, "embed", "REPLACED", condition=some_new_vectors_cached)
    before_restart = cached_keys(data_dir)
    index = make_index()
    report = index.sync()
    assert 0 < report.embedded < 150
    from vectorstore.index import embedding_key

    assert not {embedding_key(fake_embedder.identity, t) for t in fake_embedder.embedded} & before_restart
    assert_repaired(index)


def test_kill_during_chroma_writes_is_repaired_by_the_next_sync(vs_settings, make_index):
    run_until(vs_settings.data_dir, "chroma", "UPSERTED", count=2)
    index = make_index()
    index.sync()
    assert_repaired(index)


def test_kill_during_keyword_update_loses_nothing_and_the_next_sync_completes_it(vs_settings, make_index):
    run_until(vs_settings.data_dir, "keyword", "ADDED")
    index = make_index()
    # The update's transaction never committed; the files' replacements had removed their
    # chunks from the index in their own transactions, so it holds the untouched files only.
    assert len(index.registry.keyword_ids()) == 4 * 10
    assert index.sync().keyword_added == 150
    assert_repaired(index)


# -- the real model --------------------------------------------------------------------------------
@pytest.mark.slow
def test_embedder_gives_normalised_vectors_of_the_model_dimension(real_embedder):
    vectors = real_embedder.embed_documents(["The drainage contract was awarded.", "Library hours."])
    assert vectors.shape == (2, real_embedder.dimension) == (2, 384)
    assert vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    query = real_embedder.embed_query("Who won the drainage contract?")
    assert float(query @ vectors[0]) > float(query @ vectors[1])
    assert real_embedder.embed_documents([]).shape == (0, 384)


@pytest.mark.slow
def test_langchain_adapter_embeds_like_the_embedder(real_embedder):
    adapter = real_embedder.as_langchain()
    from langchain_core.embeddings import Embeddings

    assert isinstance(adapter, Embeddings)
    vector = adapter.embed_query("library opening hours")
    assert len(vector) == 384
    assert vector == pytest.approx(real_embedder.embed_query("library opening hours").tolist(), abs=1e-5)
    assert len(adapter.embed_documents(["a", "b"])) == 2


@pytest.mark.slow
def test_round_trip_with_the_real_model(make_index, real_embedder):
    index = make_index(embedder=real_embedder)
    report = ingest(index, council_files())
    assert report.embedded == 8
    assert_indexes_match_registry(index)
    top = index.dense_search("Which company won the drainage contract?", k=3)[0]
    assert top.text == "RESOLVED that the drainage contract be awarded to Acme Drainage Ltd."
    assert 0.3 < top.score <= 1.0
    refused = index.dense_search("Why was the tower refused?", Filters(decisions_only=True), k=1)[0]
    assert refused.text == "RESOLVED that the tower application be refused."
    june = index.dense_search("drainage", Filters(committee="cabinet", date_from="2024-06-01"), k=5)
    assert {p.meeting_date for p in june} == {"2024-06-20"}
    assert index.keyword_search("Acme", Filters(committee="Cabinet"), k=1)[0].id == top.id
    assert index.sync().embedded == 0


def test_chroma_explores_enough_candidates_for_repeatable_rankings(vs_settings, fake_embedder):
    from vectorstore.chroma_store import SEARCH_EF, ChromaStore

    store = ChromaStore(vs_settings, fake_embedder.identity)
    assert store.collection.configuration["hnsw"]["ef_search"] == SEARCH_EF
    store.collection.modify(configuration={"hnsw": {"ef_search": 100}})  # as an earlier release left it
    reopened = store._open()
    assert reopened.configuration["hnsw"]["ef_search"] == SEARCH_EF
    assert reopened.configuration["hnsw"]["space"] == "cosine"
