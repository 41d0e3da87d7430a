"""Follow-ups lean on the passages the previous answer cited, found again from the history."""

from assistant.factory import build_assistant
from assistant.followup import cited_passages, previous_answer, with_carried
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
