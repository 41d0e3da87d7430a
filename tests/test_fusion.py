"""Reciprocal rank fusion, the boilerplate test, soft preferences,
collapsing duplicate passages, and the hybrid retriever that chains them."""

import pytest

from assistant import fusion
from assistant.filters import ParsedQuestion
from assistant.retrieval import FusionWeights, HybridRetriever, shift_months
from tests.assistant_fakes import FakeIndex, passage, sample_passages
from minutes_core.settings import Settings
from vectorstore.models import Filters, Passage


def ids(passages: list[Passage]) -> list[str]:
    return [p.id for p in passages]


def p(pid: str, text: str = "", score: float = 0.0, **fields) -> Passage:
    out = passage(pid, text or f"text of {pid}", **fields)
    out.score = score
    return out


def test_rrf_scores_are_sums_of_reciprocal_ranks_with_k_60():
    fused = fusion.reciprocal_rank_fusion({"dense": [p("a"), p("b")], "bm25": [p("b"), p("c")]})
    scores = {x.id: x.score for x in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert ids(fused) == ["b", "a", "c"]


def test_rrf_keeps_each_rankers_score_and_rank():
    fused = fusion.reciprocal_rank_fusion({"dense": [p("a", score=0.8)], "bm25": [p("a", score=7.5)]})
    assert fused[0].scores == pytest.approx(
        {"dense": 0.8, "dense_rank": 1.0, "bm25": 7.5, "bm25_rank": 1.0, "rrf": 2 / 61})


def test_rrf_passage_in_both_lists_beats_a_passage_top_of_one():
    fused = fusion.reciprocal_rank_fusion(
        {"dense": [p("x"), p("both")], "bm25": [p("y"), p("both")]}, k=60)
    assert fused[0].id == "both"


@pytest.mark.parametrize("rankings, expected", [
    ({}, []),
    ({"dense": []}, []),
    ({"dense": [], "bm25": [p("a")]}, ["a"]),
    ({"dense": [p("a"), p("a")]}, ["a"]),
])
def test_rrf_edge_cases(rankings, expected):
    assert ids(fusion.reciprocal_rank_fusion(rankings)) == expected


def test_rrf_ties_are_broken_by_id_so_order_is_deterministic():
    tie = fusion.reciprocal_rank_fusion({"dense": [p("b")], "bm25": [p("a")]})
    assert ids(tie) == ["a", "b"]
    tie = fusion.reciprocal_rank_fusion({"dense": [p("b"), p("a")], "bm25": [p("a"), p("b")]})
    assert ids(tie) == ["a", "b"]


def test_rrf_does_not_change_the_input_passages():
    original = p("a", score=0.9)
    fusion.reciprocal_rank_fusion({"dense": [original]})
    assert original.score == 0.9 and original.scores == {}


@pytest.mark.parametrize("question, sinks", [
    ("What did the committee decide about the Youth Service?", True),
    ("When is the date of the next committee meeting?", False),  # "next" names the item
    ("What did Councillor Yip raise under urgent business?", False),
    ("What authority was given to the Chair between meetings?", False),
])
def test_boilerplate_named_by_the_question_is_not_noise(question, sinks):
    fused = [p("urgent", score=0.033, is_boilerplate=True, item_title="OTHER URGENT BUSINESS"),
             p("next", score=0.033, is_boilerplate=True, item_title="DATE OF NEXT MEETING"),
             p("authority", score=0.033, is_boilerplate=True,
               item_title="AUTHORITY TO CHAIRMAN AND OFFICERS"),
             p("content", score=0.032)]
    assert not fusion.is_noise(fused[3], question)
    named = [x.id for x in fused[:3] if not fusion.is_noise(x, question)]
    assert (named == []) == sinks
    assert len(named) <= 1, "only the item the question names keeps its score"


def test_a_passage_with_one_sentence_holding_the_question_is_lifted():
    scattered = p("scattered", "Penny Thompson introduced the report. The board met in June. "
                  "Independent scrutiny is welcome. The Chair agreed the minutes.", score=0.032)
    together = p("together", "The committee thanked the partnership for the report. Penny Thompson "
                 "has agreed to remain as Independent Chair until September 2021.", score=0.030)
    tail = p("tail", "Penny Thompson has agreed to remain as Independent Chair.", score=0.001)
    question = "Until when has Penny Thompson agreed to stay on as Independent Chair?"
    out = fusion.prefer_sentence_match([scattered, together, tail], question, 1.0, n=2)
    assert ids(out) == ["together", "scattered", "tail"]
    assert out[0].scores["sentence_match"] > out[1].scores["sentence_match"]
    assert "sentence_match" not in out[2].scores  # past the head: not read
    assert fusion.prefer_sentence_match([scattered], "What?", 1.0, n=2) == [scattered]


def test_date_preference_lifts_passages_inside_the_range():
    fused = [p("oct", score=0.032, meeting_date="2020-10-28"),
             p("dec", score=0.030, meeting_date="2020-12-09"), p("undated", score=0.031)]
    out = fusion.prefer_dates(fused, "2020-12-01", "2020-12-31", 1.5)
    assert ids(out) == ["dec", "oct", "undated"]
    assert out[0].scores["date_preference"] == 1.5


def test_date_preference_counts_the_documents_date_and_the_period_its_title_names():
    later = "2018-02-14"
    fused = [p("other", score=0.040, meeting_date=later, title="Corporate Parenting"),
             p("scorecard", score=0.030, meeting_date=later,
               title="PERFORMANCE SCORECARD - December 2017"),
             p("cabinet", score=0.029, meeting_date=later, doc_date="2017-12-12")]
    out = fusion.prefer_dates(fused, None, "2017-12-31", 1.5)  # "by December 2017"
    assert ids(out) == ["scorecard", "cabinet", "other"]
    assert "date_preference" not in out[2].scores


def test_a_passage_naming_the_period_in_its_text_is_lifted_further():
    """2018's figures minuted in 2019, a 2015 budget adopted in 2014: the text names the period."""
    fused = [p("budget-2016", "Draft Budgetary Plan 2016: the allocation was agreed.", score=0.040,
               meeting_date="2015-10-21"),
             p("fines", "During 2018, 11 spot fines were issued in the District.", score=0.038,
               meeting_date="2019-01-08"),
             p("budget-2015", "Budgetary Plan: the allocation for 2015 was agreed.", score=0.028,
               meeting_date="2015-02-10")]
    out = fusion.prefer_dates(fused, "2015-01-01", "2015-12-31", 1.5, text_factor=1.2,
                              text_candidates=10)
    assert ids(out) == ["budget-2016", "budget-2015", "fines"]
    assert out[1].scores["date_in_text"] == 1.2 and "date_in_text" not in out[0].scores
    assert fusion.prefer_dates(fused, "2018-01-01", "2018-12-31", 1.5, text_factor=1.2,
                               text_candidates=10)[0].id == "fines"


@pytest.mark.parametrize("text_factor, text_candidates", [(1.0, 10), (1.2, 0), (1.2, 1)])
def test_the_text_lift_is_off_at_factor_one_and_reads_only_the_head(text_factor, text_candidates):
    fused = [p("head", "Nothing dated here.", score=0.040, meeting_date="2019-03-01"),
             p("named", "The works finished in March 2018.", score=0.039, meeting_date="2019-03-01")]
    out = fusion.prefer_dates(fused, "2018-01-01", "2018-12-31", 1.5, text_factor, text_candidates)
    assert ids(out) == ["head", "named"]
    assert "date_in_text" not in out[1].scores


def test_the_meeting_holding_most_of_the_head_lifts_its_second_passage():
    """The nomination's minutes and agenda rank first; another year's paper on the same topic
    matches alone and sits between them and the same meeting's vote."""
    fused = [p("minutes", score=0.040, committee="Council", meeting_date="2018-09-18"),
             p("agenda", score=0.036, committee="Council", meeting_date="2018-09-18"),
             p("other-year", score=0.0300, committee="Council", meeting_date="2011-09-20"),
             p("vote", score=0.0298, committee="Council", meeting_date="2018-09-18")]
    out = fusion.prefer_meeting_consensus(fused, 0.25, n=20, per_meeting=3, k=10)
    assert ids(out) == ["minutes", "agenda", "vote", "other-year"]
    assert out[0].scores["meeting_consensus"] == 1.25
    assert out[3].scores["meeting_consensus"] == pytest.approx(1 + 0.25 * 10 / 11)


def test_meeting_consensus_tells_meetings_by_body_and_date_and_undated_passages_by_document():
    fused = [p("a", score=0.040, committee="Planning", meeting_date="2018-09-18"),
             p("b", score=0.036, committee="Housing", meeting_date="2018-09-18"),
             p("c", score=0.030, committee="Housing", meeting_date="2018-09-18"),
             p("d", score=0.035, source="report.md"), p("e", score=0.001, source="report.md")]
    out = fusion.prefer_meeting_consensus(fused, 0.25, n=20, per_meeting=3, k=10)
    assert [x.scores["meeting_consensus"] for x in sorted(out, key=lambda x: x.id)] == pytest.approx(
        [1 + 0.25 * 10 / 11, 1.25, 1.25, 1 + 0.25 * 10 / 12, 1 + 0.25 * 10 / 12])


@pytest.mark.parametrize("weight, n", [(0.0, 20), (0.25, 0)])
def test_meeting_consensus_is_off_at_weight_zero_or_no_candidates(weight, n):
    fused = [p("a", score=0.040, meeting_date="2018-09-18"), p("b", score=0.031, meeting_date="2011-09-20"),
             p("c", score=0.030, meeting_date="2018-09-18")]
    assert fusion.prefer_meeting_consensus(fused, weight, n, 3) == fused


def test_meeting_consensus_reads_only_the_head():
    fused = [p("a", score=0.040, meeting_date="2018-09-18"), p("b", score=0.031, meeting_date="2011-09-20"),
             p("c", score=0.030, meeting_date="2018-09-18")]
    out = fusion.prefer_meeting_consensus(fused, 0.25, n=2, per_meeting=3, k=10)
    assert ids(out) == ["a", "b", "c"] and "meeting_consensus" not in out[2].scores


def test_hybrid_retriever_weighs_meetings_after_the_other_preferences(index):
    """The retriever applies the meeting lift (1 + weight for the first meeting) and a zero
    weight leaves it out."""
    query = "agency social workers employed across the Trust"
    lifted = HybridRetriever(index, Settings(data_dir="unused", k=3)).search(query).passages
    plain = HybridRetriever(index, Settings(data_dir="unused", k=3),
                            weights=FusionWeights(meeting=0.0)).search(query).passages
    assert max(x.scores["meeting_consensus"] for x in lifted) == 1 + FusionWeights().meeting
    assert not any("meeting_consensus" in x.scores for x in plain)


def test_hybrid_retriever_ranks_first_the_period_asked_of_a_meeting_in_that_period():
    """A 2018 meeting notes 2017's litter figures and, later, 2018's: both are minuted in 2018,
    and only the text tells which reports the year asked."""
    reports = [passage("a2017", "How many litter fines were issued in the district: the litter "
                       "fines issued in the district in 2017 were noted.", meeting_date="2018-02-14"),
               passage("z2018", "Litter fines issued in the district in 2018 were noted.",
                       meeting_date="2018-11-14")]
    index = FakeIndex(reports)
    query = "How many litter fines were issued in the district in 2018?"
    hints = ParsedQuestion(prefer_from="2018-01-01", prefer_to="2018-12-31")
    lifted = HybridRetriever(index, Settings(data_dir="unused", k=2)).search(query, hints=hints)
    plain = HybridRetriever(index, Settings(data_dir="unused", k=2),
                            weights=FusionWeights(date_text=1.0)).search(query, hints=hints)
    assert ids(lifted.passages) == ["z2018", "a2017"]
    assert ids(plain.passages) == ["a2017", "z2018"]


def test_same_text_of_the_same_meeting_collapses_into_alternates():
    text = "The Trust distributed 3,500 laptops to vulnerable children so they can access learning."
    fused = [p("pack", text, score=0.03, meeting_date="2020-12-09", source="pack.txt"),
             p("minutes", text.replace("laptops", "laptops "), score=0.02,
               meeting_date="2020-12-09", source="minutes.txt")]
    out = fusion.collapse_alternates(fused)
    assert ids(out) == ["pack"]
    assert out[0].alternates == ["minutes.txt"]


def test_same_text_listed_as_alternate_collapses_across_dates():
    text = "There are 269 local authority maintained schools in Birmingham as at November 2017."
    fused = [p("report", text, score=0.03, meeting_date="2017-12-05", source="004.txt",
               alternates=["002.txt"]),
             p("pack", text, score=0.02, meeting_date="2018-02-14", source="002.txt")]
    assert ids(fusion.collapse_alternates(fused)) == ["report"]


def test_same_wording_at_two_meetings_is_kept_twice():
    text = "Councillor Mohammed Aikhlaq declared an interest as a Director at Leigh Multi Academy Trust."
    fused = [p("oct", text, score=0.03, meeting_date="2020-10-28"),
             p("dec", text, score=0.02, meeting_date="2020-12-09")]
    assert ids(fusion.collapse_alternates(fused)) == ["oct", "dec"]


def test_different_text_of_one_meeting_is_kept():
    fused = [p("a", "The annual summary of the KPIs was requested by members.", score=0.03,
               meeting_date="2020-12-09"),
             p("b", "The Trust overspent its budget by seven million pounds.", score=0.02,
               meeting_date="2020-12-09")]
    assert ids(fusion.collapse_alternates(fused)) == ["a", "b"]


class Recording:
    """A reranker that reverses the order and records that it ran."""

    def __init__(self):
        self.seen = []

    def rerank(self, query, passages):
        self.seen.append(query)
        return list(reversed(passages))


@pytest.fixture
def index():
    return FakeIndex(sample_passages())


def test_hybrid_retriever_fuses_dense_and_bm25_and_times_each_stage(index):
    retriever = HybridRetriever(index, Settings(data_dir="unused", k=3))
    result = retriever.search("agency social workers employed across the Trust")
    assert result.passages[0].id == "dec-agency"
    assert len(result.passages) == 3
    assert {"dense", "bm25"} <= set(result.passages[0].scores)
    assert set(result.timings) == {"dense", "bm25", "fuse"}
    assert [kind for kind, _, _ in index.searches] == ["dense", "bm25"]


def test_hybrid_retriever_passes_filters_to_both_searches(index):
    retriever = HybridRetriever(index, Settings(data_dir="unused"))
    filters = Filters(date_from="2018-01-01", date_to="2018-12-31")
    passages = retriever.retrieve("Corporate Parenting annual report", filters, 5)
    assert ids(passages) == ["jan18-resolved"]
    assert all(f == filters for _, _, f in index.searches)


def test_hybrid_retriever_drops_empty_filters(index):
    HybridRetriever(index, Settings(data_dir="unused")).retrieve("webcast", Filters(), 2)
    assert all(f is None for _, _, f in index.searches)


def test_hybrid_retriever_applies_hints(index):
    retriever = HybridRetriever(index, Settings(data_dir="unused"))
    query = "What did the committee agree about the update?"
    plain = retriever.search(query, k=8).passages
    hints = ParsedQuestion(prefer_from="2018-01-01", prefer_to="2018-12-31")
    hinted = retriever.search(query, k=8, hints=hints).passages
    def first_2018(passages):
        return next(i for i, x in enumerate(passages) if (x.meeting_date or "").startswith("2018"))
    assert first_2018(hinted) < first_2018(plain)
    assert "date_preference" in hinted[first_2018(hinted)].scores


def test_a_named_period_searches_its_own_meetings_when_other_years_fill_the_rankings():
    """Across many years, other years' papers on a topic fill the whole-archive candidates."""
    others = [passage(f"a{year}-{n}", "What the district allocation for community grants was: the "
                      "district allocation for community grants was agreed.",
                      meeting_date=f"{year}-0{n}-10") for year in range(2012, 2018) for n in range(1, 7)]
    wanted = passage("z2019", "Community grants allocation: 40,000.",
                     meeting_date="2019-02-12")
    index = FakeIndex([*others, wanted])
    retriever = HybridRetriever(index, Settings(data_dir="unused", candidates=10, k=5))
    query = "What was the district allocation for community grants in 2019?"
    plain = retriever.search(query).passages
    hinted = retriever.search(query, hints=ParsedQuestion(prefer_from="2019-01-01", prefer_to="2019-12-31"))
    assert "z2019" not in ids(plain)
    assert ids(hinted.passages)[0] == "z2019"
    assert {"dense_period", "bm25_period"} <= set(hinted.passages[0].scores)
    scoped = [f for kind, _, f in index.searches if kind == "bm25" and f is not None]
    assert scoped == [Filters(date_from="2018-07-01", date_to="2020-06-30")]


def test_a_period_the_filters_already_hold_adds_no_ranking(index):
    retriever = HybridRetriever(index, Settings(data_dir="unused"))
    hints = ParsedQuestion(prefer_from="2018-01-01", prefer_to="2018-12-31")
    retriever.search("Corporate Parenting annual report", Filters(date_from="2018-01-01"), hints=hints)
    assert [kind for kind, _, _ in index.searches] == ["dense", "bm25"]


@pytest.mark.parametrize("iso, months, expected", [
    ("2018-12-31", 3, "2019-03-31"), ("2020-11-30", 3, "2021-02-28"), ("2019-10-31", 4, "2020-02-29"),
    ("2021-05-15", 0, "2021-05-15"), ("2019-01-31", -6, "2018-07-31"), ("2019-03-31", -1, "2019-02-28")])
def test_shift_months_clips_to_the_months_last_day(iso, months, expected):
    assert shift_months(iso, months) == expected


def test_hybrid_retriever_uses_a_reranker_when_given(index):
    reranker = Recording()
    retriever = HybridRetriever(index, Settings(data_dir="unused"), reranker=reranker)
    result = retriever.search("laptops", k=8)
    assert reranker.seen == ["laptops"]
    assert "rerank" in result.timings
