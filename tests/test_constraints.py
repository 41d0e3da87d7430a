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


@pytest.mark.parametrize("question, sentence", [
    # a later date is the plan or deadline of the thing asked
    ("How far along was the upgrade programme in October 2021?", "It will be complete in 2022."),
    # a "when" question asks for a date: the sentence's date is the answer
    ("When did the Trust last report, as noted in December 2020?", "It last reported in October 2019."),
    # a single day names a meeting or an event, not the period of a figure
    ("What was Cabinet told on 24 January 2018?", "The decision was taken in July 2017."),
])
def test_later_dates_dates_asked_for_and_single_days_are_no_miss(question, sentence):
    evidence = passage("p", sentence, meeting_date="2018-01-24")
    assert unmet_constraint(analyse(question), evidence, sentence) is None


@pytest.mark.parametrize("meeting_date", ["2017-12-05", "2021-01-20", None])
def test_a_sentence_without_dates_is_not_held_against_the_period(meeting_date):
    question = analyse("Who was the Chief Executive in December 2020?")
    evidence = passage("p", "Andy Couldrick, Chief Executive, presented the report.",
                       meeting_date=meeting_date)
    assert unmet_constraint(question, evidence, evidence.text) is None


def test_another_bodys_records_do_not_answer_for_the_body_named():
    question = analyse("What did the Planning Committee decide about the depot?", ALIASES)
    other = passage("p", "The depot plan was approved.", committee="Housing Committee")
    own = passage("q", "The depot plan was approved.", committee="Planning Committee")
    reported = passage("r", "The Planning Committee approved the depot plan.", committee="Housing Committee")
    assert unmet_constraint(question, other, other.text, ALIASES).kind == "body"
    assert unmet_constraint(question, own, own.text, ALIASES) is None
    assert unmet_constraint(question, reported, reported.text, ALIASES) is None


def test_a_person_named_is_not_a_constraint():
    question = analyse("When was the Trust launched, according to Councillor Kate Booth?")
    evidence = passage("p", "The Trust was officially launched on 1 April 2018.")
    assert unmet_constraint(question, evidence, evidence.text) is None


def test_a_question_without_constraints_is_always_met():
    question = analyse("What is the depot?")
    evidence = passage("p", "A depot.", meeting_date="2001-01-01", committee="Housing Committee")
    assert unmet_constraint(question, evidence, evidence.text, ALIASES) is None
