"""Eval metrics: tables of small hand-made cases, and ranking metrics cross-checked against ranx."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from evals.metrics import (
    MIN_EVIDENCE_COVERAGE,
    aggregate,
    answer_contains_all,
    citation_metrics,
    evidence_in_passage,
    percentile,
    ranking_metrics,
    score_item,
    token_f1,
)
from evals.suite import NOT_IN_CORPUS, SuiteItem

EVIDENCE = "RESOLVED: That the drainage contract be awarded to Acme Drainage Ltd for £1,200,000."
EVIDENCE2 = "Councillor Jones declared an interest and left the room during the item."
OTHER = "The committee noted the update on the school meals service and thanked officers."


def make_item(**changes) -> SuiteItem:
    """A suite item about the drainage contract, with any field changed."""
    fields = {"id": "q1", "question": "Who was awarded the drainage contract?",
              "answer": "Acme Drainage Ltd, for £1,200,000",
              "must_include": ["Acme Drainage", "1,200,000"], "source_file": "a.txt",
              "evidence": EVIDENCE, "type": "fact"}
    return SuiteItem(**{**fields, **changes})


UNANSWERABLE = make_item(id="u1", question="What was the swimming pool budget?", answer=NOT_IN_CORPUS,
                    must_include=[], evidence="", type="unanswerable")


def passage(text: str, n: int | None = None) -> dict:
    out = {"text": text, "source": "a.txt", "page": 1, "score": 0.5}
    if n is not None:
        out["n"] = n
    return out


def answer(text: str = "", passages=(), citations=(), abstained: bool = False) -> dict:
    return {"answer": text, "abstained": abstained, "passages": [passage(t) for t in passages],
            "citations": [passage(t, n) for n, t in citations], "timings": {}}


# -- relevance --------------------------------------------------------------------------------

def _words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


@pytest.mark.parametrize(
    "evidence, text, relevant",
    [
        (EVIDENCE, f"Minutes.\n{EVIDENCE}\nNext item.", True),
        # re-wrapped lines, other case, curly quotes: normalised text still contains the quote
        ("the drainage contract be awarded", "THE DRAINAGE\ncontract   be awarded to", True),
        ("the Chair’s report", "The Chair's report was noted.", True),
        (EVIDENCE, OTHER, False),
        ("", OTHER, False),
        # a chunk boundary cut the quote: 7 of 10 tokens in one run is enough (>= 0.6)
        (_words(10), "start " + _words(7), True),
        # exactly at the threshold: 6 of 10 tokens
        (_words(10), "start " + _words(6), True),
        # 5 of 10 tokens is below it
        (_words(10), "start " + _words(5), False),
        # 8 of 10 tokens present but not in one run (3 + 5): no single run reaches 0.6
        (_words(10), "w0 w1 w2 gap w5 w6 w7 w8 w9", False),
    ],
)
def test_passage_is_relevant_when_it_holds_the_evidence_or_most_of_it_in_one_run(evidence, text, relevant):
    assert evidence_in_passage(evidence, text) is relevant


def test_coverage_threshold_is_the_documented_sixty_percent():
    assert MIN_EVIDENCE_COVERAGE == 0.6


# -- ranking ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "coverage, n_evidences, k, expected",
    [
        # no gold passage retrieved
        ([set(), set(), set()], 1, 3, (False, 0.0, 0.0, 0.0)),
        # nothing retrieved at all
        ([], 1, 5, (False, 0.0, 0.0, 0.0)),
        # gold at rank 1
        ([{0}, set(), set()], 1, 3, (True, 1.0, 1.0, 1.0)),
        # gold at rank 3: MRR 1/3, nDCG 1/log2(4) = 0.5
        ([set(), set(), {0}], 1, 3, (True, 1.0, 1 / 3, 0.5)),
        # gold only beyond k does not count
        ([set(), set(), {0}], 1, 2, (False, 0.0, 0.0, 0.0)),
        # both evidences retrieved, at the top: everything is 1
        ([{0}, {1}, set()], 2, 3, (True, 1.0, 1.0, 1.0)),
        # one passage holding both evidences counts once: DCG 1, IDCG 1 + 1/log2(3)
        ([{0, 1}], 2, 3, (True, 1.0, 1.0, 1 / (1 + 1 / np.log2(3)))),
        # only the second of two evidences found, at rank 2
        ([set(), {1}], 2, 2, (True, 0.5, 0.5, (1 / np.log2(3)) / (1 + 1 / np.log2(3)))),
        # a second copy of the same evidence adds nothing
        ([{0}, {0}], 1, 2, (True, 1.0, 1.0, 1.0)),
    ],
)
def test_ranking_metrics_table(coverage, n_evidences, k, expected):
    scores = ranking_metrics(coverage, n_evidences, k)
    got = (scores[f"hit@{k}"], scores[f"recall@{k}"], scores[f"mrr@{k}"], scores[f"ndcg@{k}"])
    assert got[0] is expected[0]
    assert got[1:] == pytest.approx(expected[1:])


# Synthetic queries for the cross-check: (evidences, ranked passage texts).
_RANX_CASES = {
    "first": ([EVIDENCE], [EVIDENCE, OTHER, OTHER]),
    "third": ([EVIDENCE], [OTHER, "x " + OTHER, EVIDENCE + " more"]),
    "missed": ([EVIDENCE], [OTHER, "y " + OTHER, "z " + OTHER]),
    "two_found": ([EVIDENCE, EVIDENCE2], [OTHER, EVIDENCE2, EVIDENCE]),
    "one_of_two": ([EVIDENCE, EVIDENCE2], [EVIDENCE2, OTHER, "w " + OTHER]),
    "duplicate": ([EVIDENCE], ["a " + EVIDENCE, "b " + EVIDENCE, OTHER]),
    "cut_quote": ([_words(10)], [OTHER, "start " + _words(7), OTHER]),
}


@pytest.mark.parametrize("k", [1, 2, 3])
def test_ranking_metrics_agree_with_ranx(k):
    """Each evidence is a gold document; a passage takes the id of the first new evidence it holds."""
    from ranx import Qrels, Run, evaluate

    qrels, run, ours = {}, {}, {}
    for query, (evidences, texts) in _RANX_CASES.items():
        item = make_item(evidence=evidences[0], evidence2=evidences[1] if len(evidences) > 1 else None)
        scores = score_item(item, answer("", texts), k)
        qrels[query] = {f"e{i}": 1 for i in range(len(evidences))}
        found: set[int] = set()
        ranked = {}
        for rank, text in enumerate(texts):
            new = [i for i, e in enumerate(evidences) if evidence_in_passage(e, text) and i not in found]
            doc = f"e{new[0]}" if new else f"p{rank}"
            found.update(new[:1])
            ranked[doc] = float(len(texts) - rank)
        run[query] = ranked
        ours[query] = scores
    names = {"hit_rate": "hit", "recall": "recall", "mrr": "mrr", "ndcg": "ndcg"}
    for query in _RANX_CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba's type-safety warnings inside ranx
            theirs = evaluate(Qrels({query: qrels[query]}), Run({query: run[query]}),
                              [f"{m}@{k}" for m in names])
        for ranx_name, our_name in names.items():
            got = float(ours[query][f"{our_name}@{k}"])
            assert got == pytest.approx(theirs[f"{ranx_name}@{k}"]), (query, ranx_name)


# -- answers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "prediction, gold, f1",
    [
        ("Acme Drainage Ltd", "Acme Drainage Ltd", 1.0),
        ("The Acme Drainage Ltd.", "acme drainage ltd", 1.0),  # case, article, punctuation
        # tokens [contract, went, to, acme, drainage] vs [acme, drainage, ltd]: P 2/5, R 2/3
        ("The contract went to Acme Drainage", "Acme Drainage Ltd", 0.5),
        ("Nothing in common", "Acme Drainage Ltd", 0.0),
        ("", "Acme Drainage Ltd", 0.0),
        ("", "", 1.0),
    ],
)
def test_token_f1_is_squad_style(prediction, gold, f1):
    assert token_f1(prediction, gold) == pytest.approx(f1)


@pytest.mark.parametrize(
    "text, must_include, ok",
    [
        ("Acme Drainage Ltd won it.", ["Acme Drainage"], True),
        ("ACME DRAINAGE LTD won it.", ["acme drainage"], True),
        ("the Chair’s report", ["Chair's report"], True),
        ("Acme Drainage Ltd won it.", ["Acme Drainage", "1,200,000"], False),
        ("Anything at all.", [], True),
        ("", ["Acme"], False),
    ],
)
def test_answer_must_include_every_string_normalised(text, must_include, ok):
    assert answer_contains_all(text, must_include) is ok


# -- citations --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, citations, validity, precision",
    [
        # both marks show a passage, one of the two holds the evidence
        ("Acme won [1]. It was noted [2].", [(1, EVIDENCE), (2, OTHER)], 1.0, 0.5),
        # "[1, 3]": 3 shows nothing
        ("Acme won [1, 3].", [(1, EVIDENCE)], 0.5, 1.0),
        # nothing cited at all
        ("Acme won.", [], None, None),
        # no marks in the text: the listed citations are what is cited
        ("Acme won.", [(1, OTHER)], 1.0, 0.0),
        # a mark to a number with no passage: invalid, and no valid passage to judge precision on
        ("Acme won [4].", [(1, EVIDENCE)], 0.0, None),
    ],
)
def test_citation_validity_and_precision(text, citations, validity, precision):
    scores = citation_metrics(answer(text, citations=citations), [EVIDENCE])
    assert scores["citation_validity"] == (pytest.approx(validity) if validity is not None else None)
    assert scores["citation_precision"] == (pytest.approx(precision) if precision is not None else None)


def test_sentence_citations_count_as_cited_numbers():
    data = answer("Acme won.", citations=[(1, EVIDENCE)])
    data["sentences"] = [{"text": "Acme won.", "citations": [1, 2]}]
    assert citation_metrics(data, [EVIDENCE])["citation_validity"] == pytest.approx(0.5)


# -- whole items ------------------------------------------------------------------------------

GOOD_ANSWER = "Acme Drainage Ltd, for £1,200,000 [1]."


@pytest.mark.parametrize(
    "item, data, expected",
    [
        # answerable, gold retrieved first, right answer
        (make_item(), answer(GOOD_ANSWER, [EVIDENCE, OTHER], [(1, EVIDENCE)]),
         {"hit@3": True, "mrr@3": 1.0, "answer_accuracy": True, "abstention_accuracy": True,
          "citation_validity": 1.0, "citation_precision": 1.0}),
        # no gold passage retrieved, answer still right (from the wrong passages)
        (make_item(), answer(GOOD_ANSWER, [OTHER, OTHER], [(1, OTHER)]),
         {"hit@3": False, "recall@3": 0.0, "mrr@3": 0.0, "ndcg@3": 0.0, "answer_accuracy": True,
          "citation_precision": 0.0}),
        # answer misses one required string
        (make_item(), answer("Acme Drainage Ltd [1].", [EVIDENCE], [(1, EVIDENCE)]),
         {"hit@3": True, "answer_accuracy": False}),
        # answerable but abstained: wrong answer, wrong decision, no citations judged
        (make_item(), answer("The records do not say.", [EVIDENCE], abstained=True),
         {"hit@3": True, "answer_accuracy": False, "token_f1": 0.0, "abstention_accuracy": False,
          "citation_validity": None, "citation_precision": None}),
        # answerable, abstained, and the answer text happens to hold the strings: still wrong
        (make_item(), answer(GOOD_ANSWER, [EVIDENCE], abstained=True), {"answer_accuracy": False}),
        # unanswerable and answered: only the abstention decision is scored, and it is wrong
        (UNANSWERABLE, answer("It was £5m [1].", [OTHER], [(1, OTHER)]),
         {"hit@3": None, "recall@3": None, "answer_accuracy": None, "token_f1": None,
          "abstention_accuracy": False, "citation_validity": 1.0, "citation_precision": None}),
        # unanswerable and abstained: right decision
        (UNANSWERABLE, answer("The records do not say.", [OTHER], abstained=True),
         {"hit@3": None, "answer_accuracy": None, "abstention_accuracy": True}),
        # cross-document: both evidences in the top k
        (make_item(evidence2=EVIDENCE2), answer(GOOD_ANSWER, [EVIDENCE2, OTHER, EVIDENCE]),
         {"hit@3": True, "recall@3": 1.0, "mrr@3": 1.0}),
        # cross-document: one of the two
        (make_item(evidence2=EVIDENCE2), answer(GOOD_ANSWER, [OTHER, EVIDENCE2, OTHER]),
         {"hit@3": True, "recall@3": 0.5, "mrr@3": 0.5}),
    ],
    ids=["right", "gold-not-retrieved", "missing-string", "answerable-abstained",
         "abstained-with-strings", "unanswerable-answered", "unanswerable-abstained",
         "cross-document-both", "cross-document-one"],
)
def test_score_item_table(item, data, expected):
    scores = score_item(item, data, k=3)
    for name, value in expected.items():
        if isinstance(value, float):
            assert scores[name] == pytest.approx(value), name
        else:
            assert scores[name] is value, name


def test_score_item_marks_each_passage_and_each_evidence():
    scores = score_item(make_item(evidence2=EVIDENCE2), answer("", [OTHER, EVIDENCE, OTHER, EVIDENCE2]), k=3)
    assert scores["relevant"] == [False, True, False, True]
    assert scores["evidence_found"] == [True, False]  # EVIDENCE2 is at rank 4, beyond k


ALTERNATIVE = "At its March meeting the committee awarded the drainage contract to Acme Drainage Ltd, £1,200,000."


def test_a_passage_holding_an_alternative_finds_the_evidence_and_supports_a_citation():
    item = make_item(also_answered_by=[{"source_file": "b.txt", "evidence": ALTERNATIVE}])
    scores = score_item(item, answer(GOOD_ANSWER, [OTHER, ALTERNATIVE], [(1, ALTERNATIVE)]), k=3)
    assert scores["hit@3"] is True and scores["mrr@3"] == pytest.approx(0.5)
    assert scores["relevant"] == [False, True]
    assert scores["citation_precision"] == pytest.approx(1.0)
    # without the alternative the same answer finds nothing
    assert score_item(make_item(), answer(GOOD_ANSWER, [OTHER, ALTERNATIVE]), k=3)["hit@3"] is False


def test_an_alternative_and_the_evidence_together_count_once():
    item = make_item(also_answered_by=[{"source_file": "b.txt", "evidence": ALTERNATIVE}])
    scores = score_item(item, answer(GOOD_ANSWER, [ALTERNATIVE, EVIDENCE]), k=3)
    assert scores["recall@3"] == pytest.approx(1.0) and scores["ndcg@3"] == pytest.approx(1.0)


def test_alternatives_stand_for_the_first_evidence_only():
    item = make_item(evidence2=EVIDENCE2, also_answered_by=[{"source_file": "b.txt", "evidence": ALTERNATIVE}])
    scores = score_item(item, answer(GOOD_ANSWER, [ALTERNATIVE, OTHER]), k=3)
    assert scores["evidence_found"] == [True, False]
    assert scores["recall@3"] == pytest.approx(0.5)


# -- aggregates -------------------------------------------------------------------------------

def _row(kind: str, metrics: dict, timings: dict | None = None, seconds: float | None = None) -> dict:
    return {"type": kind, "metrics": metrics, "timings": timings or {}, "seconds": seconds}


def test_aggregate_means_skip_metrics_that_do_not_apply():
    rows = [
        _row("fact", {"answerable": True, "abstained": False, "hit@5": True, "answer_accuracy": True,
                      "relevant": [True]}),
        _row("fact", {"answerable": True, "abstained": True, "hit@5": False, "answer_accuracy": False,
                      "relevant": [False]}),
        _row("unanswerable", {"answerable": False, "abstained": True, "hit@5": None,
                              "answer_accuracy": None, "relevant": []}),
    ]
    summary = aggregate(rows)
    assert summary["metrics"] == ["hit@5", "answer_accuracy"]
    assert summary["overall"]["n"] == 3
    assert summary["overall"]["hit@5"] == pytest.approx(0.5)
    assert summary["overall"]["n_hit@5"] == 2
    assert summary["by_type"]["fact"]["answer_accuracy"] == pytest.approx(0.5)
    assert summary["by_type"]["unanswerable"]["hit@5"] is None
    assert summary["abstention"]["answerable"] == {"answered": 1, "abstained": 1}
    assert summary["abstention"]["unanswerable"] == {"answered": 0, "abstained": 1}
    assert summary["abstention"]["accuracy"] == pytest.approx(2 / 3)


def test_aggregate_of_no_rows_is_empty_not_an_error():
    summary = aggregate([])
    assert summary["overall"] == {"n": 0}
    assert summary["abstention"]["accuracy"] is None
    assert summary["latency"] == {}


def test_latency_has_p50_and_p95_per_stage_and_wall_time():
    retrieve = [0.1, 0.2, 0.3, 0.4, 1.0]
    rows = [_row("fact", {"answerable": True, "abstained": False}, {"retrieve": r, "answer": 0.05}, r + 0.1)
            for r in retrieve]
    latency = aggregate(rows)["latency"]
    assert set(latency) == {"retrieve", "answer", "wall"}
    assert latency["retrieve"]["p50"] == pytest.approx(np.percentile(retrieve, 50))
    assert latency["retrieve"]["p95"] == pytest.approx(np.percentile(retrieve, 95))
    assert latency["wall"]["p95"] == pytest.approx(np.percentile([r + 0.1 for r in retrieve], 95))
    assert latency["answer"]["n"] == 5


@pytest.mark.parametrize(
    "values, q",
    [([3.0], 50), ([3.0], 95), ([1.0, 2.0], 50), ([5.0, 1.0, 4.0, 2.0, 3.0], 95), ([0.0] * 4 + [9.0], 95)],
)
def test_percentile_matches_numpy(values, q):
    assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_percentile_of_nothing_is_none():
    assert percentile([], 50) is None
