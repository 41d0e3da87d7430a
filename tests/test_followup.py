"""Follow-ups lean on the passages the previous answer cited, found again from the history."""

import dataclasses
from pathlib import Path

import pytest

from assistant.factory import build_assistant
from assistant.followup import (
    asks_decision_field, by_rank, cited_passages, cited_period, cited_sources, continuations,
    decision_follow_up, decision_line, previous_answer, with_carried,
)
from assistant.models import Turn
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeIndex, passage

MOTION = passage("motion", "It was proposed by Cllr Keller that Ms Mary Cahillane be nominated to the "
                 "Council to fill the casual vacancy. The proposal was seconded by Cllr Gilligan and "
                 "agreed.", meeting_date="2018-11-26", committee="Council")
ROADS = passage("roads", "Cllr Keller raised the condition of the roads in the district.",
                meeting_date="2018-11-26", committee="Council")
OTHER = passage("other", "The Cathaoirleach welcomed the new Director of Housing.",
                meeting_date="2018-10-22", committee="Council")


def _asked(question: str, answer: str) -> list[Turn]:
    """A conversation of one question and its answer."""
    return [Turn("user", question), Turn("assistant", answer)]


def test_previous_answer_is_the_last_question_and_the_answers_after_it():
    turns = [Turn("user", "first?"), Turn("assistant", "one"), Turn("user", "second?"),
             Turn("assistant", "two")]
    previous = previous_answer(turns)
    assert (previous.question, previous.answer) == ("second?", "two")
    assert [t.content for t in previous.history] == ["first?", "one"]
    assert previous_answer([]) is None
    assert previous_answer([Turn("assistant", "hello")]) is None


def test_the_cited_passages_are_those_holding_the_previous_answer():
    previous = previous_answer([Turn("user", "Who was co-opted to fill the vacancy?"),
                                Turn("assistant", "Mary Cahillane, proposed by Cllr Keller.")])
    assert [p.id for p in cited_passages(previous, [ROADS, OTHER, MOTION])] == ["motion"]


def test_without_an_answer_text_the_top_passage_is_taken():
    previous = previous_answer([Turn("user", "Who was co-opted?")])
    assert cited_passages(previous, [ROADS, MOTION]) == [ROADS]
    assert cited_passages(previous, []) == []


def _chunk(n: int, item: str | None, text: str):
    return passage(f"c{n}", text, chunk_index=n, item=item, source="council.md", meeting_date="2023-01-24")


LEFT = _chunk(1, "8", "Councillor Haddad left the Council Chambers at 8:04 p.m.")
RETURNED = _chunk(2, "8", "Councillor Haddad returned to the Council Chambers at 8:31 p.m.")
NEXT_ITEM = _chunk(3, "9", "9. Confirmatory By-law.")
UNNUMBERED = _chunk(4, None, "Correspondence was noted.")
AFTER_UNNUMBERED = _chunk(5, None, "The meeting adjourned.")


@pytest.mark.parametrize("carried, expected", [
    # the chunk after a cited one, of the same item, follows it
    ([LEFT], ["c1", "c2"]),
    # the next chunk is another item's, or the item is not known: nothing is added
    ([RETURNED], ["c2"]),
    ([UNNUMBERED], ["c4"]),
    # the last chunk of the document, and no carried passage at all
    ([AFTER_UNNUMBERED], ["c5"]),
    ([], []),
])
def test_a_cited_passage_is_followed_by_the_rest_of_its_item(carried, expected):
    index = FakeIndex([_chunk(0, "3", "3. Disclosures of interest."), LEFT, RETURNED, NEXT_ITEM,
                       UNNUMBERED, AFTER_UNNUMBERED])
    assert [p.id for p in continuations(carried, index)] == expected
    assert [p.id for p in continuations(carried, None)] == [p.id for p in carried]


SITE = passage("site", "There were 16 residential units planned as part of the development.",
               meeting_date="2021-11-08", committee="Council", source="special.md")
WORKS = passage("works", "The CEO outlined the works on the Opera site to date.",
                meeting_date="2021-11-08", committee="Council", source="special.md")
HEADING = passage("heading", "Minutes of the special meeting of 8 November 2021.",
                  meeting_date="2021-11-08", committee="Council", source="special.md")


@pytest.mark.parametrize("carried, passages, scoped, k, order", [
    # no search in the cited document: the follow-up's own best, then what was cited
    ([MOTION], [ROADS, OTHER, MOTION], [], 3, ["roads", "motion", "other"]),
    # the cited document's passages lead, then the follow-up's own best, then the cited ones
    ([WORKS], [ROADS, OTHER], [SITE, WORKS, HEADING], 5,
     ["site", "works", "heading", "roads", "other"]),
    ([WORKS], [ROADS, OTHER], [SITE, HEADING, MOTION, WORKS], 4,
     ["site", "heading", "motion", "roads"]),
    ([], [], [], 3, []),
])
def test_a_follow_up_is_answered_from_the_cited_document_first_without_repeats(
        carried, passages, scoped, k, order):
    assert [p.id for p in with_carried(carried, passages, k, scoped=scoped)] == order


AGENDA = passage("agenda", "Agenda: 5. Notice of motion on rezoning.", meeting_date="2021-11-11",
                 committee="District", source="agenda.md")
MINUTES = passage("minutes", "Councillor Carey asked for a special meeting on the rezoning.",
                  meeting_date="2021-11-18", committee="District", source="minutes.md")


@pytest.mark.parametrize("carried, sources", [
    ([AGENDA, MINUTES], ["agenda.md", "minutes.md"]),
    ([SITE, WORKS, AGENDA], ["special.md", "agenda.md"]),  # one document once, in cited order
    ([dataclasses.replace(MOTION, source="")], []),  # a passage without a source gives no scope
    ([], []),
])
def test_a_follow_up_is_scoped_to_every_document_the_previous_answer_cited(carried, sources):
    assert cited_sources(carried) == sources


@pytest.mark.parametrize("carried, period", [
    ([AGENDA, MINUTES], ("2021-11-11", "2021-11-18")),
    ([MINUTES, SITE, AGENDA], ("2021-11-08", "2021-11-18")),  # first and last, whatever the order
    ([MOTION], ("2018-11-26", "2018-11-26")),
    ([dataclasses.replace(MOTION, meeting_date=None)], (None, None)),  # an undated paper: no time
    ([], (None, None)),
])
def test_a_follow_up_naming_no_time_is_asked_at_the_cited_meetings(carried, period):
    assert cited_period(carried) == period


@pytest.mark.parametrize("rankings, order", [
    # each cited document's best before any document's second: the minutes' best is not lost
    # behind the agenda's many chunks
    ([[AGENDA, HEADING, WORKS], [MINUTES, SITE]], ["agenda", "minutes", "heading", "site", "works"]),
    ([[SITE], [SITE, MINUTES]], ["site", "minutes"]),  # no repeats
    ([[], [MINUTES]], ["minutes"]),
    ([], []),
])
def test_the_cited_documents_rankings_are_merged_rank_by_rank(rankings, order):
    assert [p.id for p in by_rank(rankings)] == order


def test_a_follow_up_inheriting_its_date_finds_what_a_later_meeting_minuted(tmp_path):
    # The conversation is at the February 2023 meeting; the valuation came back in April. A
    # date the follow-up only inherits is a preference, not a bound (the committee the rewrite
    # carries would otherwise make it a meeting's date, which filters).
    lease = passage("lease", "The committee deferred the depot lease until a valuation was done.",
                    meeting_date="2023-02-14", committee="Finance Committee", source="feb.md")
    valuation = passage("valuation", "The valuation of the depot came to 410,000 pounds.",
                        meeting_date="2023-04-11", committee="Finance Committee", source="apr.md")
    index = FakeIndex([lease, valuation, ROADS, OTHER])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1), index=index)
    answer = assistant.ask("How much did the valuation come to?", _asked(
        "What did the Finance Committee decide about the depot lease in February 2023?",
        "It deferred the lease until a valuation was done."))
    assert answer.standalone_query.endswith("(Finance Committee) in February 2023?")
    assert answer.filters.date_from is None and answer.filters.date_to is None
    assert "valuation" in [p.id for p in answer.passages]
    assert any("preferred" in note for note in answer.notes)


def _election(pid: str, councillor: str, office: str, day: str):
    """A district's annual meeting electing ``councillor`` to ``office``."""
    return passage(pid, f"Councillor {councillor} was elected {office} of the District.",
                   meeting_date=day, committee="District", source=f"annual{day[:4]}.md")


def test_a_follow_up_naming_no_time_prefers_the_meeting_the_previous_answer_rests_on(tmp_path):
    # "its 2017 annual meeting" is no date a parser reads; the passage the answer rests on is dated.
    index = FakeIndex([_election("chair", "Collins", "Cathaoirleach", "2017-06-28"),
                       _election("deputy17", "Foley", "Leas-Chathaoirleach", "2017-06-28"),
                       _election("deputy22", "Ruddle", "Leas-Chathaoirleach", "2022-06-15"),
                       ROADS, OTHER])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1), index=index)
    answer = assistant.ask("And who was elected Leas-Chathaoirleach?", _asked(
        "Who became Cathaoirleach of the District at its 2017 annual meeting?",
        "Councillor Collins, elected Cathaoirleach unopposed."))
    assert "Passages from meetings on 28 June 2017 are preferred." in answer.notes
    assert "Foley" in answer.answer and "Ruddle" not in answer.answer


def test_the_previous_answer_is_found_again_at_a_later_meeting_than_its_question_named(tmp_path):
    # The question named the month of the decision; the answer quotes the minutes of the
    # committee that called it in a month later. Its words find them outside that month.
    decision = passage("decision", "The Cabinet approved the depot strategy.",
                       meeting_date="2017-12-05", committee="Cabinet", source="dec.md")
    call_in = passage("callin", "The Scrutiny Committee decided not to call in the depot strategy "
                      "but to write to the Cabinet Member setting out serious criticisms.",
                      meeting_date="2018-01-08", committee="Scrutiny Committee", source="jan.md")
    index = FakeIndex([decision, call_in, ROADS, OTHER])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1), index=index)
    carried = assistant._previously_cited(_asked(
        "What did councillors decide about the Cabinet's December 2017 depot strategy decision?",
        "The Scrutiny Committee decided not to call it in, but to write to the Cabinet Member "
        "setting out serious criticisms."), None, 5)
    assert "callin" in [p.id for p in carried]


def test_who_seconded_it_is_answered_from_the_motion_the_previous_answer_cited(tmp_path):
    index = FakeIndex([MOTION, ROADS, OTHER])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1), index=index)
    history = [Turn("user", "Who was nominated to fill the casual vacancy on the Council?"),
               Turn("assistant", "Mary Cahillane, proposed by Cllr Keller.")]
    answer = assistant.ask("Who seconded it?", history)
    assert "motion" in [p.id for p in answer.passages]
    assert "Gilligan" in answer.answer


def test_the_passage_the_previous_answer_quoted_is_found_by_its_words(tmp_path):
    # Asked of a whole archive, the previous question ranks other meetings' mentions of the
    # vacancy first; the previous answer's own words still find the passage it quoted.
    decoys = [passage(f"decoy{n}", f"A casual vacancy on the Council was filled in year {n}; the "
                      "casual vacancy on the Council was noted.", meeting_date=f"20{10 + n}-01-10",
                      committee="Council") for n in range(6)]
    index = FakeIndex([MOTION, ROADS, OTHER, *decoys])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1, k=3), index=index)
    history = [Turn("user", "Who filled the casual vacancy on the Council?"),
               Turn("assistant", "Mary Cahillane, proposed by Cllr Keller.")]
    assert "motion" not in [p.id for p in assistant.ask(history[0].content).passages]
    answer = assistant.ask("Who seconded it?", history)
    assert "motion" in [p.id for p in answer.passages]
    assert "Gilligan" in answer.answer


@pytest.mark.parametrize("question, asks", [
    ("Who seconded it?", True),
    ("And who moved that?", True),
    ("How did the vote go?", True),
    ("Who proposed the amendment?", True),
    ("Where and when is it?", False),
    ("How many homes are planned there?", False),
])
def test_a_follow_up_asking_for_mover_seconder_or_vote_is_recognised(question, asks):
    assert asks_decision_field(question) is asks


@pytest.mark.parametrize("row, line", [
    ({"proposer": "Keller", "seconder": "J Gilligan", "outcome": "agreed"},
     "Proposed by Councillor Keller and seconded by Councillor J Gilligan; agreed."),
    ({"proposer": "Cllr O'Brien", "outcome": "agreed", "outcome_stated": False},
     "Proposed by Cllr O'Brien."),
    ({"outcome": "lost", "votes_for": 3, "votes_against": 6}, "Lost (3 to 6)."),
    ({"proposer": "Raman", "outcome": "carried", "votes_for": 2, "votes_against": 1,
      "names_for": ["Raman", "Klassen"], "names_against": ["Anderson"]},
     "Proposed by Councillor Raman; carried (2 to 1). For: Raman, Klassen; against: Anderson."),
    ({"names_against": ["Anderson"]}, "Against: Anderson."),
    ({}, ""),
])
def test_decision_line_says_mover_seconder_and_outcome_as_recorded(row, line):
    assert decision_line(row) == line


class FakeRecords:
    """A records store holding decision rows (``query`` as ``RecordsStore.query`` for decisions)."""

    def __init__(self, rows):
        self.rows = rows

    def query(self, kind, meeting=None, **_):
        return [r for r in self.rows if kind == "decisions" and r["meeting_date"] == meeting]


CO_OPTION = {"meeting_date": "2018-11-26", "passage_id": "motion", "proposer": "Keller",
             "seconder": "J Gilligan", "outcome": "agreed",
             "decision": "That Ms Mary Cahillane be nominated to fill the casual vacancy."}


PREVIOUS = previous_answer([Turn("user", "Who was co-opted to fill the casual vacancy?"),
                            Turn("assistant", "Mary Cahillane, proposed by Cllr Keller.")])
OTHER_MOTION = {**CO_OPTION, "proposer": "Ryan", "seconder": "Hurley",
                "decision": "That the roads programme be adopted."}


@pytest.mark.parametrize("rows", [[CO_OPTION], [OTHER_MOTION, CO_OPTION], [CO_OPTION, OTHER_MOTION]])
def test_the_decision_row_of_a_carried_passage_answers_who_seconded_it(rows):
    text, sentences, cited = decision_follow_up("Who seconded it?", PREVIOUS, [MOTION],
                                                [ROADS, MOTION], FakeRecords(rows))
    assert "seconded by Councillor J Gilligan" in text and "[2]" in text
    assert cited == {2: MOTION}
    assert sentences[1].quote and "Mary Cahillane" in sentences[1].text


def test_a_carried_passage_found_again_with_another_score_still_answers():
    """Retrieval gives the same chunk a new score each time; it is the same passage."""
    shown = dataclasses.replace(MOTION, score=MOTION.score + 0.5)
    text, _, cited = decision_follow_up("Who seconded it?", PREVIOUS, [MOTION], [ROADS, shown],
                                        FakeRecords([CO_OPTION]))
    assert "seconded by Councillor J Gilligan" in text and cited == {2: shown}


@pytest.mark.parametrize("question, rows, carried", [
    ("Where was it held?", [CO_OPTION], [MOTION]),  # asks no decision field
    ("Who seconded it?", [], [MOTION]),  # no record of the decision
    ("Who seconded it?", [{**CO_OPTION, "passage_id": "elsewhere"}], [MOTION]),  # not this passage's
    ("Who seconded it?", [CO_OPTION], []),  # nothing carried from the previous answer
    ("Who seconded it?", [OTHER_MOTION], [MOTION]),  # the passage's only decision is on another subject
])
def test_without_a_matching_decision_row_the_follow_up_goes_to_retrieval(question, rows, carried):
    assert decision_follow_up(question, PREVIOUS, carried, [MOTION], FakeRecords(rows)) is None


# -- end to end: the real model, Chroma and the records store ------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "followup"
TRANSIT = [Turn("user", "What did Riverton Council decide on free transit for children in January 2023?"),
           Turn("assistant", "It deferred Councillor Salazar's motion for free transit for children aged "
                             "12 and under to the 2023 Budget deliberations on February 21, 2023.")]


@pytest.fixture(scope="module")
def council_assistant(tmp_path_factory, real_embedder):
    """The assistant over one council's minutes (a fixture copy of the other-styles corpus)."""
    from vectorstore.index import Index
    from vectorstore.ingestion import Ingester

    settings = Settings.load(data_dir=tmp_path_factory.mktemp("followup-index"))
    index = Index(settings, embedder=real_embedder)
    assert Ingester(settings, index).ingest([FIXTURES], progress=False).ok
    yield build_assistant(settings, index=index)
    index.close()


@pytest.mark.slow
def test_end_to_end_who_moved_the_deferral_is_the_record_of_the_decision_discussed(council_assistant):
    answer = council_assistant.ask("Who moved the deferral?", TRANSIT)
    assert answer.answer.startswith("Proposed by Councillor Klassen and seconded by Councillor Raman")
    assert "free transit" in answer.answer


@pytest.mark.slow
def test_end_to_end_who_voted_against_it_quotes_the_recorded_vote(council_assistant):
    history = [Turn("user", "Did Riverton Council pass the 42 Mill Street zoning by-law in January 2023?"),
               Turn("assistant", "Yes. By-law 2023-07 was enacted by 7 votes to 3.")]
    answer = council_assistant.ask("Who voted against it?", history)
    assert all(name in answer.answer for name in ("Anderson", "Lindqvist", "O'Rourke"))


@pytest.mark.slow
def test_end_to_end_when_did_he_come_back_reads_on_past_the_cited_chunk(council_assistant):
    answer = council_assistant.ask("When did he come back?", _asked(
        "Why did Councillor Haddad leave the Riverton Council meeting in January 2023?",
        "He had declared a pecuniary interest in the Cedar Ridge Phase 3 subdivision, as his "
        "brother-in-law works for Cedar Ridge Homes Ltd."))
    assert "8:31" in answer.answer


@pytest.mark.slow
def test_end_to_end_a_week_later_asks_the_same_figure_a_week_on(real_assistant_sample):
    answer = real_assistant_sample.ask("And what was the figure a week later?", _asked(
        "How many pupils in Birmingham were self-isolating as at 18 November 2020?",
        "28,818 pupils were isolating, almost 25,000 of them because of a contact within their "
        "school or setting."))
    assert answer.standalone_query.endswith("on 25 November 2020?")
    assert "26,408" in answer.answer


@pytest.mark.slow
def test_end_to_end_a_follow_up_is_searched_in_the_document_discussed(real_assistant_sample):
    history = [Turn("user", "What did Ofsted's May 2017 monitoring visit to Birmingham children's "
                            "services focus on?"),
               Turn("assistant", "The front door, and child sexual exploitation and missing children.")]
    answer = real_assistant_sample.ask("And what did it find about staff morale?", history)
    assert "good morale amongst the staff they met with" in answer.answer
    assert answer.passages[0].source == "004_5bd570638586239f.txt"


@pytest.mark.slow
def test_end_to_end_a_follow_up_reads_the_later_meeting_its_previous_answer_quoted(
        real_assistant_sample):
    # The question names the month of the Cabinet's decision; the answer is the call-in
    # committee's of January 2018, which the follow-up is then asked of.
    history = [Turn("user", "What did the scrutiny committee decide when the Cabinet's December "
                            "2017 SEND strategy decision was called in?"),
               Turn("assistant", "The Schools, Children and Families O&S Committee decided not to "
                                 "call it in, but to send the Cabinet Member a letter setting out "
                                 "serious criticisms of the report and strategy.")]
    answer = real_assistant_sample.ask("What did the letter criticise?", history)
    assert "Passages from meetings in December 2017 are preferred." in answer.notes
    assert answer.filters.date_from is None
    assert any("serious criticisms of the cabinet report" in p.text for p in answer.passages[:5])


@pytest.fixture(scope="module")
def real_assistant_sample(corpus_index):
    """The assistant over the session's ingested sample corpus (tests/conftest_corpus.py)."""
    return build_assistant(corpus_index.settings, index=corpus_index)
