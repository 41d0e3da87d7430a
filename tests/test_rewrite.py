"""Rule-based follow-up rewriting over multi-turn conversations (the extractive backend's)."""

import pytest

from assistant.filters import committee_alias_table
from assistant.models import Turn
from assistant.rewrite import _later_date, is_follow_up, rewrite_follow_up, topic_of
from minutes_core.text.names import last_person

COMMITTEE = "Education and Children's Social Care Overview and Scrutiny Committee"
ALIASES = committee_alias_table([COMMITTEE, "City Council"])
ASK_TRUST = "What did the committee ask the Children's Trust for in December 2020?"


def history(*turns: str) -> list[dict]:
    """Alternate user and assistant turns, starting with the user."""
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


@pytest.mark.parametrize("question, follow_up", [
    ("and what did they decide?", True),
    ("who presented it?", True),
    ("What about KPI 14?", True),
    ("how about the BSCP?", True),
    ("And in 2018?", True),
    ("Why?", True),
    ("What did he say about staff?", True),
    ("What was resolved at that meeting?", True),
    ("Who presented this item?", True),
    ("What did the committee ask the Children's Trust for in December 2020?", False),
    ("How many agency social workers did the Trust employ?", False),
    ("What is the Trust doing about its vacancies?", False),
    ("How many schools and colleges had signed up to it?", True),
    ("How often are those children meant to be seen?", True),
    ("What does that add up to each year?", True),
    ("What themes did they look at?", True),
    # a decision's mover, seconder or vote asked without naming the decision: the one discussed
    ("Who proposed the amendment?", True),
    ("Who moved the deferral?", True),
    ("How did the vote go?", True),
    ("Who proposed the Gough Place scheme?", False),
    ("Who seconded the motion on the N21 slip roads?", False),
    ("Who seconded the 2023 budget?", False),
    # "it" right after an auxiliary is the subject of the question: the thing discussed before
    ("What did it find about staff morale?", True),
    ("Why was it closed then, according to the council?", True),
    # a question naming its own thing stands alone
    ("What was the Mayor's reply?", False),
    ("What was the reply in March 2021?", False),
    ("What was the reply to the motion on bus shelters?", False),
    # a time after the conversation's, without a date of its own
    ("What was the figure the following month?", True),
    ("What was the figure in the following month of 2021?", False),
    ("", False),
])
def test_follow_ups_are_detected(question, follow_up):
    assert is_follow_up(question) is follow_up


@pytest.mark.parametrize("turns, question, expected", [
    # pronoun "they" -> the committee; topic and date carried over
    ((ASK_TRUST, "The committee requested ... [1]"), "and what did they decide?",
     "What did the committee decide about Children's Trust in December 2020?"),
    # "it" -> the topic
    ((ASK_TRUST, "The committee requested ... [1]"), "who presented it?",
     "Who presented Children's Trust in December 2020?"),
    # "what about X" swaps the matching part of the previous query
    (("What was KPI 13 in October 2020?", "..."), "what about KPI 14?",
     "What was KPI 14 in October 2020?"),
    (("What was resolved about Corporate Parenting at the January 2018 meeting?", "..."),
     "And in October 2020?",
     "What was resolved about Corporate Parenting at the October 2020 meeting?"),
    (("How many agency social workers did the Trust have in December 2020?", "About 80 85 [1]"),
     "and vacancies?", "How many vacancies did the Trust have in December 2020?"),
    # "that meeting" -> the meeting date; "else" asks for other things, so no topic
    (("What did the committee decide about the Trust at the 9 December 2020 meeting?", "..."),
     "what else was resolved at that meeting?",
     "What else was resolved at the meeting on 9 December 2020?"),
    # he/she -> the person an answer names first (its subject), here in the assistant's answer
    (("What was resolved about the SEND update at the October 2020 meeting?", "...",
      "Who presented it?", "Andy Couldrick presented the paper. [1]"),
     "what did he say about staff?", "What did Andy Couldrick say about staff in October 2020?"),
    # a bare "why?" is asked of the previous query
    (("What did the City Council decide about schools in December 2017?", "..."), "why?",
     "Why — What did the City Council decide about schools in December 2017?"),
    # a standalone question is left alone, even mid-conversation
    ((ASK_TRUST, "..."), "What was the Trust's overspend in Year 2?",
     "What was the Trust's overspend in Year 2?"),
    # "it" -> the thing the previous question named, not all of its words
    (("What size of budget did the January 2018 Cabinet report give for the Children's Trust?",
      "About £190m [1]"), "And how many staff were expected to transfer to it?",
     "How many staff were expected to transfer to Children's Trust in January 2018?"),
    # a pointing word the rules cannot replace brings the previous topic along
    (("Why did child protection visits dip in December 2017?", "The holiday period [1]"),
     "How often are those children meant to be seen?",
     "How often are those children meant to be seen about child protection visits dip in December 2017?"),
    (("Who chaired the first Children and Young People Strategic Partnership?", "Paul Jennings [1]"),
     "What themes did they look at?",
     "What themes did they look at about first Children Young People Strategic Partnership?"),
    # she -> the person the answer introduced, not the organisation after her post
    (("Who introduced the safeguarding item on 9 December 2020?",
      "Penny Thompson, Independent Chair of the Birmingham Safeguarding Children's Partnership "
      "(BSCP), introduced it. [1]"), "How did she describe her own report?",
     "How did Penny Thompson describe Penny Thompson's own report on 9 December 2020?"),
    (("Who introduced the safeguarding item on 9 December 2020?",
      "Penny Thompson, Independent Chair of the BSCP, introduced it, with Simon Cross, the "
      "Business Manager. [1]"), "How did she describe her own report?",
     "How did Penny Thompson describe Penny Thompson's own report on 9 December 2020?"),
    # no history: nothing to carry
    ((), "and what did they decide?", "and what did they decide?"),
])
def test_follow_ups_are_rewritten_into_standalone_queries(turns, question, expected):
    assert rewrite_follow_up(question, history(*turns), ALIASES).query == expected


FESTIVAL = ("Who spoke to Westbury councillors about the Lanterns festival in December 2018?",
            "Ann Byrne, the festival's director.")


@pytest.mark.parametrize("turns, question, follow_up", [
    # a definite common noun the previous question named: the thing the conversation is about
    (FESTIVAL, "How big is the festival?", True),
    # ... or the previous answer named ("a new contract"), behind an adjective
    (("Has the Council gone to tender for grass cutting?", "It will advertise a new contract in November."),
     "When does the current contract run out?", True),
    # a noun the conversation never used, a proper name, or a word of every council paper: standalone
    (FESTIVAL, "How big is the budget?", False),
    ((ASK_TRUST, "The committee requested the annual summary [1]"), "What was the Trust's overspend in Year 2?", False),
    (FESTIVAL, "Who chaired the meeting of the committee in March 2019?", False),
])
def test_a_definite_noun_the_previous_turn_named_makes_a_follow_up(turns, question, follow_up):
    assert rewrite_follow_up(question, history(*turns), ALIASES).follow_up is follow_up


def test_a_definite_noun_follow_up_carries_the_meeting_it_leans_on():
    rewritten = rewrite_follow_up("How big is the festival?", history(*FESTIVAL), ALIASES)
    assert rewritten.query == "How big is the festival in December 2018?"
    assert rewritten.carried == {"date": "in December 2018"}


def test_context_accumulates_over_several_follow_ups():
    turns = history(ASK_TRUST, "The committee requested the annual summary of the KPIs [1]",
                    "and who presented it?", "Andy Couldrick presented the paper [2]")
    rewritten = rewrite_follow_up("and what did he say about vacancies?", turns, ALIASES)
    assert rewritten.query == "What did Andy Couldrick say about vacancies in December 2020?"
    assert rewritten.follow_up
    assert rewritten.carried == {"person": "Andy Couldrick", "date": "in December 2020"}


def test_a_new_standalone_question_resets_the_context():
    turns = history(ASK_TRUST, "...", "What was resolved about Corporate Parenting in January 2018?", "...")
    rewritten = rewrite_follow_up("who presented it?", turns, ALIASES)
    assert rewritten.query == "Who presented Corporate Parenting in January 2018?"


def test_committee_named_earlier_is_carried_over():
    turns = history("What did the Education and Children's Social Care O&S committee decide "
                    "about the Trust in December 2020?", "...")
    rewritten = rewrite_follow_up("and who presented it?", turns, ALIASES)
    assert rewritten.carried["committee"] == COMMITTEE
    assert COMMITTEE in rewritten.query


def test_history_accepts_turn_objects_and_skips_empty_turns():
    turns = [Turn("user", ASK_TRUST), Turn("assistant", ""), Turn("user", "  ")]
    assert rewrite_follow_up("who presented it?", turns).query == \
        "Who presented Children's Trust in December 2020?"


@pytest.mark.parametrize("text, topic", [
    (ASK_TRUST, "Children's Trust"),
    ("What was the Trust's overspend in Year 2?", "Trust's overspend Year 2"),
    ("Who presented it?", ""),
    ("", ""),
])
def test_topic_is_the_content_words(text, topic):
    assert topic_of(text) == topic


@pytest.mark.parametrize("text, person", [
    ("Andy Couldrick presented the paper.", "Andy Couldrick"),
    ("The Chair thanked Cllr Kath Scott and then Dr Tim O'Neill spoke.", "Dr Tim O'Neill"),
    ("Penny Thompson, Independent Chair, BSCP, introduced the report.", "Penny Thompson"),
    ("Andy Couldrick, the Trust's Chief Executive, presented the paper.", "Andy Couldrick"),
    ("The inspectors were Peter McEntee HMI and Dominic Stevens HMI.", "Dominic Stevens"),
    ("Members of the Birmingham Safeguarding Children's Partnership, Chair of the board", ""),
    ("The committee noted the update.", ""),
])
def test_last_person_named(text, person):
    assert last_person(text) == person


@pytest.mark.parametrize("turns, question, query, answer_query", [
    # the committee and date narrow the search; the answer is chosen by the question and topic
    ((ASK_TRUST, "The committee requested ... [1]"), "and what did they decide?",
     "What did the committee decide about Children's Trust in December 2020?",
     "What did the committee decide about Children's Trust?"),
    (("What did the Metropolitan District hear about the Opera site on 8 November 2021?", "..."),
     "And how many homes are planned there?",
     "How many homes are planned there on 8 November 2021?",
     "How many homes are planned there?"),
    # not a follow-up: both are the question
    ((ASK_TRUST, "..."), "How many agency social workers did the Trust employ?",
     "How many agency social workers did the Trust employ?",
     "How many agency social workers did the Trust employ?"),
])
def test_the_answer_query_leaves_out_the_carried_committee_and_date(turns, question, query,
                                                                     answer_query):
    rewritten = rewrite_follow_up(question, history(*turns), ALIASES)
    assert (rewritten.query, rewritten.answer_query) == (query, answer_query)


PUPILS = ("How many pupils were self-isolating as at 18 November 2020?", "28,818 pupils were isolating. [1]")
LEASE = ("What did the City Council decide about the depot lease in February 2023?",
         "It deferred the lease until a valuation was done. [1]")


@pytest.mark.parametrize("turns, question, expected", [
    # a shift from the conversation's day: that day moved; the one word asked of the same topic
    (PUPILS, "And what was the figure a week later?",
     "What was the figure about pupils self-isolating on 25 November 2020?"),
    (PUPILS, "What was the figure the following month?",
     "What was the figure about pupils self-isolating since 18 December 2020?"),
    # "in the end", "finally": from the conversation's month on (the same meeting may hold it)
    (LEASE, "And what was decided in the end?",
     "What was decided — What did the City Council decide about the depot lease since February 2023?"),
    (LEASE, "Was the lease finally approved?", "Was the lease approved (City Council) since February 2023?"),
    # a date of its own wins
    (LEASE, "Was the lease approved in 2024?", "Was the lease approved in 2024 (City Council)?"),
])
def test_a_later_time_is_read_from_the_conversations_date(turns, question, expected):
    assert rewrite_follow_up(question, history(*turns), ALIASES).query == expected


@pytest.mark.parametrize("turns, question, soft", [
    # the date only inherited: a preference (what the meeting did may be minuted later)
    (LEASE, "Who proposed the valuation?", True),
    (PUPILS, "How many of them were in primary schools?", True),
    # a date of the follow-up's own, a later time, or "that meeting" named: a bound
    (LEASE, "Was the lease approved in 2024?", False),
    (LEASE, "Was the lease finally approved?", False),
    (LEASE, "Who chaired that meeting?", False),
])
def test_a_date_the_follow_up_only_inherits_is_soft(turns, question, soft):
    rewrite = rewrite_follow_up(question, history(*turns), ALIASES)
    assert rewrite.follow_up
    assert rewrite.soft_date is soft


def test_the_person_he_stands_for_is_not_named_again_in_the_carried_topic():
    turns = ("What did Councillor Carey want rezoned at the City Council in November 2021?",
             "A site by the car park, from residential to commercial. [1]")
    rewritten = rewrite_follow_up("What did he ask for then?", history(*turns), ALIASES)
    assert rewritten.query == ("What did Councillor Carey ask for then about rezoned (City Council) "
                               "in November 2021?")


@pytest.mark.parametrize("date_text, count, unit, period", [
    ("18 November 2020", 1, "week", "on 25 November 2020"),
    ("9 December 2020", 1, "day", "on 10 December 2020"),
    ("February 2023", 1, "month", "in March 2023"),
    ("December 2023", 1, "month", "in January 2024"),
    ("February 2023", 1, "year", "in February 2024"),
    ("2019", 1, "year", "in 2020"),
    ("2019", 2, "month", "since 1 March 2019"),
    ("February 2023", 2, "week", "since 15 February 2023"),
    ("February 2023", 0, "", "since February 2023"),
    ("no date here", 1, "week", "since no date here"),
])
def test_the_period_a_shift_names(date_text, count, unit, period):
    assert _later_date(date_text, count, unit) == period


def test_a_hyphenated_committee_named_in_the_context_is_not_what_it_stands_for():
    aliases = committee_alias_table(["Municipal District of Cappamore-Kilmallock"])
    turns = history("Which Garda spoke to the Cappamore-Kilmallock councillors about rural "
                    "isolation in January 2019?", "Sgt Bernie Leetch.")
    rewritten = rewrite_follow_up("Where and when is it?", turns, aliases)
    assert rewritten.carried["committee"] == "Municipal District of Cappamore-Kilmallock"
    assert rewritten.carried["topic"] != "Cappamore-Kilmallock"
