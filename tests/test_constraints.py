"""Honest abstention: evidence must meet the period, body and person a question names."""

import pytest

from assistant.constraints import unmet_constraint
from assistant.filters import committee_alias_table
from assistant.question import analyse
from tests.assistant_fakes import passage

ALIASES = committee_alias_table(["Planning Committee", "Housing Committee"])


def test_a_figure_for_another_month_is_named_with_the_month_asked():
    question = analyse("What was the average caseload in November 2020?")
    evidence = passage("p", "The average caseload in October 2020 was 17.", meeting_date="2020-12-09")
    unmet = unmet_constraint(question, evidence, evidence.text)
    assert unmet is not None and unmet.kind == "period"
    assert unmet.message(question) == ("The records give the average caseload for October 2020, "
                                       "not for November 2020.")


def test_a_sentence_naming_the_period_asked_meets_it():
    question = analyse("What was the average caseload in November 2020?")
    evidence = passage("p", "In November 2020 the average caseload was 16.", meeting_date="2021-01-20")
    assert unmet_constraint(question, evidence, evidence.text) is None


def test_the_meeting_meets_a_period_that_names_the_meeting():
    question = analyse("What did the meeting in December 2020 decide about the report due in March 2021?")
    evidence = passage("p", "The report will come back in March 2021.", meeting_date="2020-12-09")
    assert unmet_constraint(question, evidence, evidence.text) is None


@pytest.mark.parametrize("meeting_date, met", [
    ("2017-12-05", False),  # a 2017 report for "in December 2020"
    ("2021-01-20", True),   # the next meeting reports the month before
    ("2020-12-09", True),
    (None, True),           # an undated passage is not held against the question
])
def test_a_sentence_without_dates_is_judged_by_its_meeting(meeting_date, met):
    question = analyse("Who was the Chief Executive in December 2020?")
    evidence = passage("p", "Andy Couldrick, Chief Executive, presented the report.",
                       meeting_date=meeting_date)
    assert (unmet_constraint(question, evidence, evidence.text) is None) is met


def test_another_bodys_records_do_not_answer_for_the_body_named():
    question = analyse("What did the Planning Committee decide about the depot?", ALIASES)
    other = passage("p", "The depot plan was approved.", committee="Housing Committee")
    own = passage("q", "The depot plan was approved.", committee="Planning Committee")
    reported = passage("r", "The Planning Committee approved the depot plan.", committee="Housing Committee")
    assert unmet_constraint(question, other, other.text, ALIASES).kind == "body"
    assert unmet_constraint(question, own, own.text, ALIASES) is None
    assert unmet_constraint(question, reported, reported.text, ALIASES) is None


def test_a_person_the_records_do_not_name_is_a_miss():
    question = analyse("What did Cllr Hourigan say about the depot?")
    silent = passage("p", "Cllr Keller welcomed the depot.")
    named = passage("q", "Cllr Hourigan welcomed the depot.")
    assert unmet_constraint(question, silent, silent.text).kind == "person"
    assert unmet_constraint(question, named, named.text) is None


def test_a_question_without_constraints_is_always_met():
    question = analyse("What is the depot?")
    evidence = passage("p", "A depot.", meeting_date="2001-01-01", committee="Housing Committee")
    assert unmet_constraint(question, evidence, evidence.text, ALIASES) is None
