"""The second stage: the fused head re-ranked by the answer model's best sentence per passage."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.factory import _LexicalAnswerModel, build_assistant
from assistant.retrieval import AnswerabilityReranker, HybridRetriever
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeIndex, passage, sample_passages


def scored(pid: str, score: float):
    return dataclasses.replace(passage(pid, f"text of {pid}"), score=score)


def by_id(log_odds: dict[str, float]):
    return lambda query, p: log_odds[p.id]


def test_a_passage_whose_sentence_answers_overtakes_a_close_one_that_does_not():
    head = [scored("restates", 1.0), scored("other", 0.9), scored("answers", 0.8)]
    reranker = AnswerabilityReranker(by_id({"restates": -4.0, "other": -4.0, "answers": 3.0}))
    ranked = reranker.rerank("q", head)
    assert [p.id for p in ranked] == ["answers", "restates", "other"]
    assert ranked[0].scores["answerability"] == pytest.approx(1 + 3.0 / (1 + 2.718281828 ** -3.0), rel=1e-4)


def test_the_lift_is_bounded_so_a_far_behind_passage_stays_behind():
    head = [scored("leader", 1.0), scored("far", 0.2)]
    ranked = AnswerabilityReranker(by_id({"leader": -60.0, "far": 60.0}), weight=3.0).rerank("q", head)
    assert [p.id for p in ranked] == ["leader", "far"]  # 0.2 x 4 < 1.0


def test_only_the_first_depth_passages_are_scored_and_the_rest_keep_their_order():
    head = [scored(f"p{i}", 1.0 - i / 10) for i in range(5)]
    seen = []
    def log_odds(query, p):
        seen.append(p.id)
        return 0.0
    ranked = AnswerabilityReranker(log_odds, depth=2).rerank("q", head)
    assert seen == ["p0", "p1"]
    assert [p.id for p in ranked] == ["p0", "p1", "p2", "p3", "p4"]


def test_an_empty_candidate_list_reranks_to_empty():
    assert AnswerabilityReranker(by_id({})).rerank("q", []) == []


def test_the_answer_model_scores_the_sentence_with_the_count_above_the_one_restating_the_question():
    model = _LexicalAnswerModel(Settings(data_dir="unused"), None)
    question = "How many agency social workers were employed by the Trust?"
    restating = passage("a", "Members asked how many agency social workers were employed by the Trust.")
    answering = passage("b", "The Trust employed 42 agency social workers at the end of March, down from 60.")
    assert model(question, answering) > model(question, restating)


def test_the_built_assistant_retrieves_through_the_answerability_reranker(tmp_path):
    assistant = build_assistant(Settings(data_dir=tmp_path), index=FakeIndex(sample_passages()))
    assert isinstance(assistant.retriever.reranker, AnswerabilityReranker)
    assert "rerank" in assistant.retriever.search("agency social workers employed").timings


def test_the_reranker_chooses_the_k_passages_and_the_first_stage_keeps_their_order_and_scores():
    index = FakeIndex(sample_passages())
    query = "agency social workers employed across the Trust"
    plain = HybridRetriever(index, Settings(data_dir="unused")).search(query, k=20).passages
    assert len(plain) > 4
    wanted = plain[3].id  # fourth in the fused order, the only passage the reranker likes
    reranker = AnswerabilityReranker(lambda q, p: 60.0 if p.id == wanted else -60.0, keep=1)
    picked = HybridRetriever(index, Settings(data_dir="unused"), reranker=reranker).search(query, k=2).passages
    assert [p.id for p in picked] == [plain[0].id, wanted]
    assert [p.score for p in picked] == [plain[0].score, plain[3].score]


@pytest.mark.parametrize("keep, expected", [(0, ["c", "d"]), (1, ["a", "d"]), (2, ["a", "b"]), (5, ["a", "b"])])
def test_the_first_keep_places_stay_and_the_reranker_fills_the_others(keep, expected):
    fused = [scored(pid, 1.0 - n / 10) for n, pid in enumerate("abcde")]
    reranked = [fused[3], fused[2], fused[0], fused[1], fused[4]]
    selected = HybridRetriever._select(reranked, fused, 2, keep)
    assert [p.id for p in selected[:2]] == expected
    assert sorted(p.id for p in selected) == list("abcde")
