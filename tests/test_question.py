"""Question analysis: answer type, focus and constraints read from a question's structure."""

import pytest

from assistant.filters import committee_alias_table
from assistant.question import (
    DATE, DECISION, LIST, NAME, NUMBER, PERSON, PLACE, REASON, YESNO, analyse, has_new_value,
    typed_values, value_windows, word_spans,
)

ALIASES = committee_alias_table(["Metropolitan District of Limerick", "Planning Committee"])


@pytest.mark.parametrize("question, answer_type, focus", [
    ("How many council houses were tenanted in November 2018?", NUMBER, ["council", "houses"]),
    ("What was the adopted 2018 budget for housing maintenance?", NUMBER, ["adopted", "2018", "budget"]),
    ("What percentage of plans were completed on time?", NUMBER, ["percentage"]),
    ("Who seconded her nomination?", PERSON, ["seconded"]),
    ("Which councillors sent apologies?", PERSON, ["councillors", "sent", "apologies"]),
    ("Who was the Chief Executive in December 2020?", PERSON, ["chief", "executive"]),
    ("When did Ofsted visit?", DATE, []),
    ("In which year was the strategy adopted?", DATE, ["year"]),
    ("Where will the new depot be built?", PLACE, []),
    ("What is the name of the campaign?", NAME, ["name"]),
    ("Did the District approve the Gough Place scheme?", YESNO, []),
    ("What did the committee resolve about parking?", DECISION, []),
    ("Why was the item deferred?", REASON, []),
    ("What was the reason for the delay?", REASON, ["reason"]),
    ("List the actions", LIST, ["actions"]),
    ("And who moved that?", PERSON, ["moved"]),
    # the head of a noun phrase is its last noun; a verb of quantity asks a number
    ("What council tax increase did the council set?", NUMBER, ["council", "tax", "increase"]),
    ("What did the festival cost?", NUMBER, []),
    ("What does it cost to salt the roads each night?", NUMBER, []),
    ("What did the committee say about the cost?", None, []),
    # a possessor is the determiner of the noun phrase asked about, not its head
    ("What was the Harbour Trust's final outturn for 2022/23?", NUMBER, ["final", "outturn"]),
    ("What was Kestrel Vale's General Fund balance in March?", NUMBER, ["general", "fund", "balance"]),
    ("Which meeting's notes did the panel confirm?", LIST, ["notes"]),
    ("Who seconded Cllr Vance's motion?", PERSON, ["seconded", "cllr", "vance's"]),
    ("", None, []),
    ("???", None, []),
])
def test_answer_type_and_focus_come_from_the_question_word_and_head_noun(question, answer_type, focus):
    analysed = analyse(question)
    assert (analysed.answer_type, analysed.focus) == (answer_type, focus)


def test_constraints_are_the_period_body_and_people_named():
    q = analyse("What did Cllr Mary Keller propose at the Planning Committee in December 2018?", ALIASES)
    assert [p.text for p in q.periods] == ["December 2018"]
    assert q.periods[0].holds("2018-12-17") and not q.periods[0].holds("2019-01-21")
    assert q.body == "Planning Committee"
    assert q.people == ["Cllr Mary Keller"]


def test_a_question_without_constraints_has_none():
    q = analyse("What is the housing budget?", ALIASES)
    assert (q.periods, q.body, q.people) == ([], None, [])


@pytest.mark.parametrize("answer_type, sentence, values", [
    (NUMBER, "There were 3,266 tenanted properties (see Appendix 2).", ["3,266"]),
    (NUMBER, "No figures were given.", []),
    (DATE, "The visit took place on 3 March 2020.", ["March", "2020"]),
    (NAME, "The Youth Service Review was led by Birmingham Children's Trust.",
     ["Youth Service Review", "Birmingham Children's Trust"]),
    (LIST, "Anything at all.", None),
])
def test_typed_values_find_the_things_of_the_kind_asked(answer_type, sentence, values):
    assert typed_values(answer_type, sentence) == values


def test_a_value_the_question_already_states_is_not_an_answer():
    q = analyse("When did Ofsted visit in February 2020?")
    assert has_new_value(q, "Ofsted visited in February 2020.") is False
    assert has_new_value(q, "The visit was on 3 March 2020.") is True
    assert has_new_value(analyse("Why was it deferred?"), "Because of rain.") is None


@pytest.mark.parametrize("question, sentence, size, windows", [
    ("How long is the looped route?", "It is a Looped Route of approx. 207km in all.", 2,
     ["of approx. 207km in all"]),
    ("How many homes were approved?", "Of 3,266 homes, 40 were approved.", 1,
     ["Of 3,266 homes", "homes, 40 were"]),
    ("How many homes were approved in 2019?", "In 2019 the homes were approved.", 1, []),  # its own year
    ("How many homes were approved?", "See Appendix 2 for the homes.", 1, []),  # a reference, no figure
    ("When was the workshop held?", "The workshop was held on 7th February, 2019 at noon.", 1,
     ["7th February, 2019", "February, 2019 at"]),
    ("When was the workshop held?", "", 3, []),
    ("Who chaired the workshop?", "Cllr Ryan chaired it on 7 February 2019.", 3, []),  # not a number or date
])
def test_value_windows_are_the_words_around_each_new_number_or_date(question, sentence, size, windows):
    assert value_windows(analyse(question), sentence, size) == windows


def test_word_spans_keep_inner_apostrophes_and_hyphens_when_asked():
    text = "Children's call-in, O&S"
    assert [s.word for s in word_spans(text, "'’-")] == ["Children's", "call-in", "O", "S"]
    assert [s.word for s in word_spans(text)] == ["Children", "s", "call", "in", "O", "S"]
    assert all(text[s.start:s.end] == s.word for s in word_spans(text))
