"""The abstention decision: its features, its fitted model, and the answer that says what the
records lack and what they do hold."""

from datetime import date

import pytest

from assistant.backends import abstention, extractive
from assistant.backends.abstention import AbstainModel, ABSTAIN_MODEL, WEIGHTS_FILE
from assistant.backends.extractive import ExtractiveBackend
from assistant.question import analyse
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeEmbedder, passage

FINES_2018 = passage("fines", "In December 2018 no litter spot fines were issued in the district. "
                     "In 2018 a total of 11 fines were issued.", meeting_date="2019-01-08",
                     committee="Adare-Rathkeale District")
FINES_2019 = passage("fines19", "Three litter spot fines were issued in the district in December 2019.",
                     meeting_date="2020-01-10", committee="Adare-Rathkeale District")
LEVY = passage("levy", "The correspondence regarding its 2023 municipal levy of $1,284,500 was received.",
               meeting_date="2023-01-24", committee="Council")


@pytest.mark.parametrize("question, passages, missed", [
    ("How many litter fines were issued in December 2019?", [FINES_2018], True),
    ("How many litter fines were issued in December 2019?", [FINES_2018, FINES_2019], False),
    # a passage of a meeting held in the period counts, whatever its text says
    ("What was said at the meetings in January 2019?", [FINES_2018], False),
    ("How many litter fines were issued?", [FINES_2018], False),  # no period asked
    ("How many litter fines were issued in December 2019?", [], False),
    # an open range: "by December 2019" is met by a count of an earlier period, "since" is not
    ("How many litter fines had been issued by December 2019?", [FINES_2018], False),
    ("How many litter fines have been issued since December 2019?", [FINES_2018], True),
])
def test_period_miss_when_no_passage_is_of_or_mentions_the_period(question, passages, missed):
    assert abstention.period_miss(analyse(question), passages) is missed


@pytest.mark.parametrize("question, first, last", [
    ("How many fines had been issued by December 2019?", date.min, date(2019, 12, 31)),
    ("How many fines have been issued since 2019?", date(2019, 1, 1), date.max),
    ("How many fines were issued in December 2019?", date(2019, 12, 1), date(2019, 12, 31)),
])
def test_an_open_range_is_read_as_the_filters_read_it(question, first, last):
    [period] = abstention.asked_periods(analyse(question))
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize("query, share, missing, name_missing", [
    ("What was the 2023 municipal levy?", 1.0, [], False),
    ("What was the municipal levy for seniors?", pytest.approx(0.67, abs=0.01), ["seniors"], False),
    ("What was the Conservation Authority's levy?", pytest.approx(0.25, abs=0.01),
     ["Conservation", "Authority's"], True),
    ("", 0.0, [], False),
])
def test_coverage_is_the_best_passages_share_and_the_words_no_passage_holds(query, share, missing,
                                                                             name_missing):
    assert abstention.coverage(query, [LEVY]) == (share, missing, name_missing)


def test_the_reason_names_the_period_the_body_or_the_missing_words():
    question = analyse("How many litter fines were issued in December 2019?")
    assert "December 2019" in abstention.reason(question, {"period_miss": 1.0}, [])
    assert "“seniors”" in abstention.reason(analyse("What fare for seniors?"), {}, ["seniors"])
    assert abstention.reason(analyse("What fare?"), {}, []) == \
        "The passages found do not answer it as asked."


def test_the_model_refuses_a_feature_it_has_no_weight_for():
    model = AbstainModel({"evidence": -2.0}, 1.0, 0.5)
    assert model.probability({"evidence": 0.0}) == pytest.approx(0.731, abs=1e-3)
    with pytest.raises(KeyError):
        model.probability({"renamed": 1.0})


def test_the_fitted_file_names_every_feature_the_backend_computes():
    question = analyse("How many litter fines were issued in December 2019?")
    values, _ = abstention.features(question, question.text, [FINES_2018], FINES_2018, 0.5, 0.5, False)
    assert set(values) == set(ABSTAIN_MODEL.weights) == set(abstention.FEATURES)
    assert 0.0 < ABSTAIN_MODEL.threshold < 1.0
    assert WEIGHTS_FILE.exists()


def test_an_unanswerable_near_miss_abstains_and_cites_what_the_records_hold(monkeypatch):
    # A model that abstains exactly when no passage is of the period asked.
    monkeypatch.setattr(extractive, "ABSTAIN_MODEL", AbstainModel(
        {name: (20.0 if name == "period_miss" else 0.0) for name in ABSTAIN_MODEL.weights}, -10.0, 0.5))
    backend = ExtractiveBackend(Settings(data_dir="unused", abstain_threshold=0.0), FakeEmbedder())
    draft = backend.answer("How many litter spot fines were issued in December 2019?", [FINES_2018])
    assert draft.abstained
    assert "December 2019" in draft.sentences[0].text
    assert draft.citations == {1: FINES_2018}
    assert "no litter spot fines" in draft.text and "[1]" in draft.text
    assert draft.abstention["probability"] > 0.5 and draft.abstention["features"]["period_miss"] == 1.0
    answered = backend.answer("How many litter spot fines were issued in December 2019?",
                              [FINES_2019, FINES_2018])
    assert not answered.abstained and "Three" in answered.text


@pytest.mark.parametrize("text, named", [
    ("What did Riverfest 2019 cost?", {"2019"}),
    ("the outturn for 2020/21 and the 2021/22 target", {"2020", "2021", "2022"}),
    ("Target 20/21 of 15 cases", {"2020", "2021"}),
    ("24 units on 3 sites, item 4.2", set()),
    ("", set()),
])
def test_years_are_read_with_fiscal_pairs(text, named):
    assert abstention.years(text) == named


@pytest.mark.parametrize("query, text, meeting_date, missed", [
    ("What did Riverfest 2019 cost?", "Riverfest 2018 cost €285,241.", "2018-12-03", True),
    ("What did Riverfest 2019 cost?", "Plans for Riverfest are in hand.", "2019-02-11", False),
    ("What did Riverfest 2019 cost?", "The 2019 festival budget is €300,000.", "2018-12-03", False),
    ("What did Riverfest cost?", "Riverfest 2018 cost €285,241.", "2018-12-03", False),
])
def test_year_miss_when_the_answer_passage_neither_names_the_year_nor_is_of_it(query, text,
                                                                                meeting_date, missed):
    assert abstention.year_miss(query, passage("p", text, meeting_date=meeting_date)) is missed


def test_an_abstention_quotes_what_the_records_say_not_the_question_asked_in_them(monkeypatch):
    monkeypatch.setattr(extractive, "ABSTAIN_MODEL", AbstainModel(
        {name: (20.0 if name == "period_miss" else 0.0) for name in ABSTAIN_MODEL.weights}, -10.0, 0.5))
    backend = ExtractiveBackend(Settings(data_dir="unused", abstain_threshold=0.0), FakeEmbedder())
    asked = passage("asked", "How many families are in emergency accommodation in the city? On 12 "
                    "January 2019 there were 51 families in emergency accommodation in the city.",
                    meeting_date="2019-01-21")
    draft = backend.answer("How many families were in emergency accommodation in January 2022?", [asked])
    assert draft.abstained
    assert "51 families" in draft.sentences[1].text
    assert not any(s.text.endswith("?”") for s in draft.sentences)


@pytest.mark.slow
def test_end_to_end_a_figure_asked_for_another_year_abstains_citing_the_year_held(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: its laptops figure is of 2020."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    answer = assistant.ask("How many laptops did the Trust distribute to vulnerable children in 2016?")
    assert answer.abstained
    assert "2016" in answer.sentences[0].text
    # the figure's sentence names no year and its meeting is of 2020: the year check withdraws it
    assert answer.sentences[0].text == "The closest records are of the meeting of 9 December 2020, not for 2016."
    assert answer.citations and answer.abstention["unmet"] == "year"
    assert not assistant.ask("How many laptops did the Trust distribute to vulnerable children?").abstained


@pytest.mark.slow
def test_end_to_end_a_count_asked_of_a_later_year_abstains_citing_the_earlier_meeting(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: its laptops were counted at a meeting
    of December 2020, which cannot count 2021's."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    answer = assistant.ask("How many laptops did the Trust distribute to vulnerable children in 2021?")
    assert answer.abstained and answer.abstention["unmet"] == "year"
    assert answer.sentences[0].text == "The closest records are of the meeting of 9 December 2020, not for 2021."
    assert any("3,500 laptops" in s.text for s in answer.sentences[1:])


def _never_abstaining_model(monkeypatch):
    monkeypatch.setattr(extractive, "ABSTAIN_MODEL", AbstainModel(
        {name: 0.0 for name in ABSTAIN_MODEL.weights}, -20.0, 0.5))
    return ExtractiveBackend(Settings(data_dir="unused", abstain_threshold=0.0), FakeEmbedder())


def test_a_count_asked_and_no_figure_found_abstains_and_quotes_what_the_records_say(monkeypatch):
    backend = _never_abstaining_model(monkeypatch)
    agreed = passage("agreed", "The Irish Water motion was agreed by the Council after discussion.",
                     meeting_date="2021-09-27")
    draft = backend.answer("How many councillors voted against the Irish Water motion?", [agreed])
    assert draft.abstained
    assert draft.sentences[0].text == "The closest records do not give the figure asked for."
    assert "was agreed by the Council" in draft.text and draft.citations == {1: agreed}
    assert draft.abstention["unmet"] == "figure"
    counted = passage("counted", "The Irish Water motion was carried by 20 votes to 5.",
                      meeting_date="2021-09-27")
    answered = backend.answer("How many councillors voted against the Irish Water motion?", [counted])
    assert not answered.abstained and "20 votes to 5" in answered.text


@pytest.mark.parametrize("text, meeting_date, question, kind, said, answered", [
    ("The 2023 municipal levy of the Conservation Authority is $1,284,500.", "2023-01-24",
     "What was the Conservation Authority's municipal levy for 2024?", "year",
     "The closest records are for 2023, not for 2024.", None),
    ("The investment portfolio stood at £38.5 million on 30 September 2022.", "2022-11-15",
     "What was the investment portfolio worth on 31 March 2023?", "day",
     "The closest records are of 30 September 2022, not of 31 March 2023.",
     "What was the investment portfolio worth on 30 September 2022?"),
    ("Overdraft accommodation of €50m was approved for the 12 month period to 31st December, 2022.",
     "2021-09-27", "What overdraft did the Council approve for 2020?", "year",
     "The closest records are for 31st December, 2022, not for 2020.",
     "What overdraft did the Council approve for 2022?"),
])
def test_a_figure_of_another_year_or_day_is_not_given_for_the_one_asked(monkeypatch, text, meeting_date,
                                                                       question, kind, said, answered):
    backend = _never_abstaining_model(monkeypatch)
    evidence = passage("evidence", text, meeting_date=meeting_date)
    draft = backend.answer(question, [evidence])
    assert draft.abstained and draft.abstention["unmet"] == kind
    assert draft.sentences[0].text == said
    assert text[:30] in draft.text and draft.citations == {1: evidence}
    if answered:
        assert not backend.answer(answered, [evidence]).abstained


def test_a_who_question_is_not_answered_by_another_posts_holder(monkeypatch):
    backend = _never_abstaining_model(monkeypatch)
    other = passage("other", "Work Programme 2020-2021. Chair: Cllr Kath Scott. Deputy Chair: Cllr Alex Yip.",
                    committee="Education and Children's Social Care O&S Committee", item_title="WORK PROGRAMME")
    draft = backend.answer("Who chairs the Housing and Neighbourhoods O&S Committee?", [other])
    assert draft.abstained and draft.abstention["unmet"] == "post"
    assert draft.sentences[0].text == ("The closest records do not say who chairs the Housing and "
                                       "Neighbourhoods O&S Committee.")
    own = passage("own", "Work Programme 2020-2021. Chair: Cllr Penny Holbrook.",
                  committee="Housing and Neighbourhoods O&S Committee", item_title="WORK PROGRAMME")
    assert not backend.answer("Who chairs the Housing and Neighbourhoods O&S Committee?", [own]).abstained


@pytest.mark.slow
def test_end_to_end_a_decision_on_a_day_the_records_do_not_hold_abstains(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: no paper is of 15 December 2020 (the
    forward plan of 9 December lists the item), while the 9 December meeting answers."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    cabinet = assistant.ask("What did Cabinet decide about the Regional Adoption Agency on 15 December 2020?")
    assert cabinet.abstained and cabinet.abstention["unmet"] == "day" and cabinet.citations
    assert cabinet.sentences[0].text.endswith("not of 15 December 2020.")
    held = assistant.ask("What did the committee resolve about the action notes at its 9 December 2020 meeting?")
    assert not held.abstained


@pytest.mark.slow
def test_end_to_end_another_years_figure_and_a_missing_figure_abstain_saying_which(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: it gives the 2011 census share, not
    a 2021 one, and no sum for the Youth Service's share of the Covid money (it asks for one)."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    census = assistant.ask("According to the 2021 census, what share of Birmingham's under 18 "
                           "population was from a non-white British background?")
    assert census.abstained and census.abstention["unmet"] == "year"
    assert census.sentences[0].text.endswith("not for 2021.") and census.citations
    youth = assistant.ask("How much of the Government's Covid support money was allocated to the "
                          "Youth Service?")
    assert youth.abstained and youth.abstention["unmet"] == "figure" and youth.citations


@pytest.mark.slow
def test_end_to_end_another_years_figure_abstains_saying_which(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: the Trust's overspend is of 2019/20
    (the Trust began in 2018), which is answered."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    overspend = assistant.ask("What was the Trust's overspend in 2017?")
    assert overspend.abstained and overspend.abstention["unmet"] == "year" and overspend.citations
    assert overspend.sentences[0].text == "The closest records are for 2019/20, not for 2017."
    assert not assistant.ask("What was the Trust's overspend in 2019/20?").abstained


@pytest.mark.slow
def test_end_to_end_a_post_the_records_do_not_name_abstains_and_one_they_name_is_answered(corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: its work programmes name the chair of
    the Education and Children's Social Care O&S Committee, not of the Housing and
    Neighbourhoods one, and name that committee's manager."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    chair = assistant.ask("Who chairs the Housing and Neighbourhoods O&S Committee?")
    assert chair.abstained and chair.abstention["unmet"] == "post" and chair.citations
    assert chair.sentences[0].text == ("The closest records do not say who chairs the Housing and "
                                       "Neighbourhoods O&S Committee.")
    manager = assistant.ask("Who is the committee manager for the Education and Children's Social "
                            "Care O&S Committee in 2020-21?")
    assert not manager.abstained


@pytest.mark.slow
def test_end_to_end_what_was_done_asked_of_a_forecast_abstains_and_the_forecast_asked_is_answered(
        corpus_index):
    """Real model, Chroma and BM25 over the sample corpus: it gives the Trust's overspend for
    2020/21 as forecast during the year, not the actual one; asked for the forecast, it answers."""
    from assistant.factory import build_assistant

    assistant = build_assistant(corpus_index.settings, index=corpus_index)
    actual = assistant.ask("What was the Trust's actual overspend in 2020/21?")
    assert actual.abstained and actual.abstention["unmet"] == "forecast" and actual.citations
    assert actual.sentences[0].text == "The closest records give a forecast or an expectation, not what was done."
    assert any("close to £7m" in s.text for s in actual.sentences[1:])
    forecast = assistant.ask("What overspend was forecast for the Trust in 2020/21?")
    assert not forecast.abstained and "£7m" in forecast.answer


def _candidate(text: str, passage_index: int, position: int, score: float):
    """A sentence candidate with a fixed sentence-model score."""
    from dataclasses import dataclass

    @dataclass
    class Scored(extractive._Candidate):
        fixed: float = 0.0

        @property
        def score(self) -> float:
            return self.fixed

    return Scored(text=text, passage=passage_index, position=position, stems=frozenset(), overlap=0.0,
                  support=0.0, rank=0.0, typed=None, restates=False, meets=True, focus=0.0, fixed=score)


@pytest.mark.parametrize("same_passage, gap, missed", [
    (True, 1.0, None),  # the figure in the next sentence of the best's own item
    (False, 1.0, "figure"),  # another item's figure, well below the best: no answer
    (False, 0.4, None),  # another passage's sentence nearly as good as the best
])
def test_a_substitute_from_another_passage_must_come_close_to_the_best(same_passage, gap, missed):
    question = analyse("How many homes does the scheme propose?")
    passages = [passage("a", "The scheme was discussed at length. The scheme proposes 140 homes."),
                passage("b", "The scheme proposes 140 homes.")]
    best = _candidate("The scheme was discussed at length.", 0, 0, 2.0)
    other = _candidate("The scheme proposes 140 homes.", 0 if same_passage else 1, 1, 2.0 - gap)
    ranked, unmet = extractive._answer_constraints(question, [best, other], passages)
    assert (unmet.kind if unmet else None) == missed
    assert (ranked == [other]) == (missed is None)


def test_a_follow_up_may_take_its_substitute_from_another_passage():
    question = analyse("And how many homes does it propose?")
    question.known = "The scheme was approved in March."
    passages = [passage("a", "The scheme was approved in March."), passage("b", "It proposes 140 homes.")]
    best = _candidate("The scheme was approved in March.", 0, 0, 2.0)
    other = _candidate("It proposes 140 homes.", 1, 0, 1.0)
    assert extractive._answer_constraints(question, [best, other], passages)[1] is None
