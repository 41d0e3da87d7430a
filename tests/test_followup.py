"""Follow-ups lean on the passages the previous answer cited, found again from the history."""

import pytest

from assistant.factory import build_assistant
from assistant.followup import (
    asks_decision_field, cited_passages, decision_follow_up, decision_line, previous_answer,
    with_carried,
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


def test_carried_passages_follow_the_follow_ups_own_best_without_repeats():
    merged = with_carried([MOTION], [ROADS, OTHER, MOTION], k=3, lead=1)
    assert [p.id for p in merged] == ["roads", "motion", "other"]


def test_who_seconded_it_is_answered_from_the_motion_the_previous_answer_cited(tmp_path):
    index = FakeIndex([MOTION, ROADS, OTHER])
    assistant = build_assistant(Settings(data_dir=tmp_path, abstain_threshold=0.1), index=index)
    history = [Turn("user", "Who was nominated to fill the casual vacancy on the Council?"),
               Turn("assistant", "Mary Cahillane, proposed by Cllr Keller.")]
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


@pytest.mark.parametrize("question, rows, carried", [
    ("Where was it held?", [CO_OPTION], [MOTION]),  # asks no decision field
    ("Who seconded it?", [], [MOTION]),  # no record of the decision
    ("Who seconded it?", [{**CO_OPTION, "passage_id": "elsewhere"}], [MOTION]),  # not this passage's
    ("Who seconded it?", [CO_OPTION], []),  # nothing carried from the previous answer
    ("Who seconded it?", [OTHER_MOTION], [MOTION]),  # the passage's only decision is on another subject
])
def test_without_a_matching_decision_row_the_follow_up_goes_to_retrieval(question, rows, carried):
    assert decision_follow_up(question, PREVIOUS, carried, [MOTION], FakeRecords(rows)) is None
