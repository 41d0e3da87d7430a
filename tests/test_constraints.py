"""Honest abstention: evidence must meet the period, body and person a question names."""

import pytest

from assistant.constraints import (answer_unmet, asked_post, asks_money, stated_figures,
                                  unmet_constraint, year_keys)
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


COUNCIL_ALIASES = committee_alias_table(
    ["Riverton City and County Council", "Municipal District of Eastbrook"],
    lambda name: ["Council", "Full Council"] if name.startswith("Riverton") else [])


@pytest.mark.parametrize("question, judged", [
    # "the Council" names the authority, for which its districts act
    ("Over what period did the Council propose closing the road at Eastbrook?", False),
    # a council named by more names its own meetings
    ("What did Full Council decide about closing the road?", True),
    ("What did Riverton City and County Council decide about closing the road?", True),
])
def test_the_council_named_by_the_bare_word_is_met_by_its_districts(question, judged):
    analysed = analyse(question, COUNCIL_ALIASES)
    assert analysed.body == "Riverton City and County Council"
    district = passage("p", "The road will be closed from 10 a.m. on Monday.",
                       committee="Municipal District of Eastbrook")
    unmet = unmet_constraint(analysed, district, district.text, COUNCIL_ALIASES)
    assert (unmet is not None and unmet.kind == "body") == judged


def test_a_person_named_is_not_a_constraint():
    question = analyse("When was the Trust launched, according to Councillor Kate Booth?")
    evidence = passage("p", "The Trust was officially launched on 1 April 2018.")
    assert unmet_constraint(question, evidence, evidence.text) is None


def test_a_question_without_constraints_is_always_met():
    question = analyse("What is the depot?")
    evidence = passage("p", "A depot.", meeting_date="2001-01-01", committee="Housing Committee")
    assert unmet_constraint(question, evidence, evidence.text, ALIASES) is None


# -- the answer's own constraints: the year and the figure asked --------------------------------

@pytest.mark.parametrize("text, keys", [
    ("the 2024/25 municipal year", {"2024/25"}),
    ("2019-20, 2019/2020 and 2019–20", {"2019/20"}),
    ("in 2018 (and 2021).", {"2018", "2021"}),
    ("under the Local Government Act, 2001 in 2019", {"2019"}),  # a law's year is no period
    ("24 units on 3 sites, 1,200 homes, item 4.2", set()),
    ("", set()),
])
def test_year_keys_keep_a_financial_year_as_one_period(text, keys):
    assert year_keys(text) == keys


@pytest.mark.parametrize("question, sentence, meeting_date, title, doc_date, missed", [
    ("Who was appointed Vice-Chair for the 2024/25 municipal year?",
     "Councillor Gulzar be appointed Vice-Chair for the 2023/24 municipal year.", "2023-07-18", None, None, "year"),
    ("What was the municipal levy for 2024?", "Its 2023 municipal levy of $1,284,500.", "2023-01-24", None, None, "year"),
    ("What was the outturn for 2020/21?", "The Trust has worked hard during 2020/21.", "2021-03-01", None, None, None),
    ("What was the outturn for 2020/21?", "The overspend was £1m in 2020.", "2021-03-01", None, None, None),
    ("What did the 2020 budget hold?", "The 2019/20 and 2020/21 budgets.", "2019-03-01", None, None, None),
    # a later year is the plan or the forecast of the thing asked
    ("What is the population in 2019?", "Growth of 150,000 is expected by 2031.", "2019-12-01", None, None, None),
    ("What is the population in 2019?", "Growth of 150,000 is expected by 2031.", "2018-02-14", None, None, None),
    # only later years, of a record that names no year asked: a later year's figure
    ("What overdraft did the Council approve for 2020?", "Overdraft accommodation of €50m for the "
     "12 month period to 31st December, 2022.", "2021-09-27", None, None, "year"),
    ("What did Riverfest 2019 cost?", "Riverfest 2022 cost €310,000 in total.", "2022-09-19", None, None, "year"),
    ("What overdraft did the Council approve for 2020?", "Overdraft accommodation of €50m for the "
     "12 month period to 31st December, 2021.", "2020-09-28", None, None, None),  # a 2020 meeting
    # a sentence naming no year is read as of its meeting
    ("What was the municipal levy for 2024?", "The levy was $1,284,500.", "2023-01-24", None, None, None),
    # the meeting asked about, or the document titled with the year asked, is the right record
    ("What was agreed in 2018?", "The decision of July 2017 was noted.", "2018-01-24", None, None, None),
    ("Who backed the Trust, according to its 2020/21 business plan?", "In January 2017 the Trust "
     "was agreed.", "2020-10-28", "Business Plan 2020/21", None, None),
    ("How many complaints were received in 2023/24?", "11 complaints were received in 2022/23.",
     "2023-07-18", "Committee - Tuesday, 18th July, 2023", None, "year"),
    # a single day names a meeting or an event, not a year asked (an undated sentence of
    # another day misses the day); a "when" question asks for a date
    ("What was Cabinet told on 24 January 2018?", "The decision was taken in July 2017.", None, None, None, "day"),
    ("When was the strategy adopted, as reported in 2020?", "It was adopted in 2018.", None, None, None, None),
    # an event's day the records do not reach: the nearest sentence is of another day
    ("What was the investment portfolio worth on 31 March 2023?",
     "The portfolio stood at £38.5 million on 30 September 2022.", "2022-11-15", None, None, "day"),
    ("What did Cabinet decide about the agency on 15 December 2020?",
     "The agency item was on the forward plan.", "2020-12-09", None, None, "day"),
    # the meeting or the document of the day asked, or a sentence stating it, meets it
    ("Who seconded the minutes at the meeting of December 6, 2022?",
     "Moved by Councillor Beaulieu, seconded by Councillor Whitfield.", "2022-12-06", None, None, None),
    ("What was Cabinet told on 24 January 2018?", "Cabinet notes the progress.", "2018-02-14", None,
     "2018-01-24", None),
    ("Who became Vice Chair from 18 March 2020?", "Andy Couldrick to Vice Chair from 18th March 2020.",
     "2020-12-09", None, None, None),
    # a "when" question asks for the date; a month or a year is a period, not a day
    ("When was the motion on 3 May 2022 debated?", "It was debated on 9 June 2022.", "2022-06-09", None, None, None),
    ("What was the caseload in October 2020?", "The caseload was 18.", "2020-12-09", None, None, None),
])
def test_a_sentence_misses_the_year_or_the_day_asked(question, sentence, meeting_date, title, doc_date,
                                                      missed):
    """"year": the sentence names only earlier years than the one asked; "day": it is neither of
    a meeting or a document of the day asked nor states it."""
    evidence = passage("p", sentence, meeting_date=meeting_date, title=title, doc_date=doc_date)
    unmet = answer_unmet(analyse(question), evidence, sentence)
    assert (unmet.kind if unmet is not None and unmet.kind in ("year", "day") else None) == missed


def test_a_year_the_previous_answer_gave_is_no_miss_in_a_follow_up():
    question = analyse("How many children has that pilot placed so far, as in October 2020?")
    sentence = "The pilot from September 2019 has placed 13 children to date."
    evidence = passage("p", sentence, meeting_date="2020-12-09")
    assert answer_unmet(question, evidence, sentence).kind == "year"
    question.known = "It has run a Family Finding Pilot since September 2019."
    assert answer_unmet(question, evidence, sentence) is None


def test_a_later_year_is_no_miss_when_its_record_names_the_year_asked():
    """A record naming the year asked may hold its plan: "planning for Riverfest 2019" beside a
    later budget."""
    question = analyse("What did Riverfest 2019 cost?")
    sentence = "The 2020 budget sets aside €300,000 for the festival."
    evidence = passage("p", "Members discussed planning for Riverfest 2019. " + sentence,
                       meeting_date="2018-12-17")
    assert answer_unmet(question, evidence, sentence) is None
    alone = passage("p", sentence, meeting_date="2018-12-17")
    assert answer_unmet(question, alone, sentence).kind == "year"


def test_a_count_of_a_year_done_is_not_answered_by_a_later_years_count_whatever_its_record_names():
    """A count of what happened in 2020 holds no plan a later year's sentence could be: "23
    burglaries ... in 2021" misses 2020 though the same report names 2020 elsewhere; a count of a
    plan ("will be built") keeps the record's excuse."""
    sentence = "The 23 non aggravated burglaries for Henry Street that took place in 2021."
    evidence = passage("p", "Crime fell in 2020 across the division. " + sentence, meeting_date="2022-03-04")
    counted = analyse("How many non-aggravated burglaries were recorded in the Henry Street district in 2020?")
    assert answer_unmet(counted, evidence, sentence).kind == "year"
    planned = analyse("How many homes will be built in 2020?")
    built = "Of the 40 homes planned, 23 were built in 2021."
    assert answer_unmet(planned, passage("p", "The 2020 plan. " + built, meeting_date="2022-03-04"),
                        built) is None


def test_an_undated_sentence_is_of_the_day_it_is_listed_under_in_its_passage():
    """"As at 18.11.20 ...: • 889 teachers ... are isolating" states the day asked for the bullet;
    the next day's heading does not, nor a day the passage gives only after the sentence."""
    question = analyse("How many teachers were self-isolating on 18 November 2020?")
    sentence = "889 teachers and 987 teaching assistants are currently isolating."
    text = ("As at 18.11.20 the numbers of isolating pupils and teachers were as follows:\n\n"
            "• 28,818 pupils are currently\nisolating.\n\n• 889 teachers and 987 teaching assistants are\n"
            "currently isolating.\n\nAs at 25.11.20: 1,020 teachers.")
    assert answer_unmet(question, passage("p", text, meeting_date="2020-12-09"), sentence) is None
    later = analyse("How many teachers were self-isolating on 25 November 2020?")
    assert answer_unmet(later, passage("p", text, meeting_date="2020-12-09"), sentence).kind == "day"
    after = f"{sentence} As at 18.11.20 the numbers were checked."
    assert answer_unmet(question, passage("p", after, meeting_date="2020-12-09"), sentence).kind == "day"


def test_the_year_miss_says_which_year_the_records_give():
    question = analyse("Who was appointed Vice-Chair for the 2024/25 municipal year?")
    sentence = "Councillor Gulzar be appointed Vice-Chair for the 2023/24 municipal year."
    unmet = answer_unmet(question, passage("p", sentence, meeting_date="2023-07-18"), sentence)
    assert unmet.message(question) == "The closest records are for 2023/24, not for 2024/25."


def test_the_day_miss_says_which_day_the_records_give():
    question = analyse("What was the investment portfolio worth on 31 March 2023?")
    sentence = "The portfolio stood at £38.5 million on 30 September 2022."
    unmet = answer_unmet(question, passage("p", sentence, meeting_date="2022-11-15"), sentence)
    assert unmet.message(question) == "The closest records are of 30 September 2022, not of 31 March 2023."
    undated = "The agency item was on the forward plan."
    unmet = answer_unmet(question, passage("p", undated, meeting_date="2022-11-15"), undated)
    assert unmet.message(question) == ("The closest records are of the meeting of 15 November 2022, "
                                       "not of 31 March 2023.")


def test_a_sentence_naming_no_year_is_of_its_meeting_when_that_is_years_after_the_year_asked():
    question = analyse("How many laptops were given out in 2016?")
    sentence = "The Trust gave out 3,500 laptops."
    later = answer_unmet(question, passage("p", sentence, meeting_date="2020-12-09"), sentence)
    assert later is not None and later.kind == "year"
    assert later.message(question) == "The closest records are of the meeting of 9 December 2020, not for 2016."
    # the next year's meeting may report the year asked; a sentence naming its year is read by it
    assert answer_unmet(question, passage("p", sentence, meeting_date="2017-02-01"), sentence) is None
    dated = "In 2016 the Trust gave out 3,500 laptops."
    assert answer_unmet(question, passage("p", dated, meeting_date="2020-12-09"), dated) is None
    # a document titled with the year asked is the right record, whenever it was tabled
    titled = passage("p", sentence, meeting_date="2020-12-09", title="Annual Report 2016")
    assert answer_unmet(question, titled, sentence) is None
    # a financial year asked runs into its second year: a meeting of the year after that reports it
    annual = analyse("How many complaints were received in 2022/23?")
    complaints = "The Monitoring Officer reported that 11 complaints had been received."
    assert answer_unmet(annual, passage("p", complaints, meeting_date="2024-07-18"), complaints) is None
    assert answer_unmet(annual, passage("p", complaints, meeting_date="2025-07-18"), complaints).kind == "year"


@pytest.mark.parametrize("question, sentence, meeting_date, doc_date, missed", [
    # another period's count: a meeting before the month or the year asked cannot count it
    ("How many litter fines were issued in the Adare district in December 2019?",
     "Two other fines were also issued in the district during the month.", "2019-02-12", None, True),
    ("How many officers did the Council appoint in 2021?",
     "There are four officers and the unit has a team based approach.", "2020-02-21", None, True),
    # a meeting in or after the period asked may count it
    ("How many litter fines were issued in the Adare district in December 2019?",
     "Two other fines were also issued in the district during the month.", "2020-01-14", None, False),
    ("How many officers did the Council appoint in 2021?",
     "There are four officers and the unit has a team based approach.", "2021-03-05", None, False),
    # a document dated in the period, tabled at an earlier meeting, may count it
    ("How many officers did the Council appoint in 2021?",
     "There are four officers.", "2020-12-14", "2021-01-04", False),
    # a sentence that dates itself is judged by its dates (``_year``), not by its meeting
    ("How many officers did the Council appoint in 2021?",
     "Four officers will be appointed in 2021.", "2020-02-21", None, False),
    # a plan, a forecast or a target counted is stated before its period
    ("How many homes will be built in 2022?", "The scheme provides 40 homes.", "2021-06-01", None, False),
    ("How many homes were planned for 2022?", "The scheme provides 40 homes.", "2021-06-01", None, False),
    # not a count: a sum for a year is set before the year starts
    ("How much was the grant for 2022?", "The grant is €40,000.", "2021-06-01", None, False),
    # no period asked, or a single day (an event or a meeting: ``_day``)
    ("How many officers did the Council appoint?", "There are four officers.", "2020-02-21", None, False),
])
def test_a_count_of_a_period_is_not_answered_by_an_undated_sentence_of_an_earlier_meeting(
        question, sentence, meeting_date, doc_date, missed):
    fields = {"meeting_date": meeting_date, **({"doc_date": doc_date} if doc_date else {})}
    unmet = answer_unmet(analyse(question), passage("p", sentence, **fields), sentence)
    assert (unmet is not None and unmet.kind == "year") is missed


def test_the_count_of_another_period_says_which_meeting_the_records_give():
    question = analyse("How many litter fines were issued in the Adare district in December 2019?")
    sentence = "Two other fines were also issued in the district during the month."
    unmet = answer_unmet(question, passage("p", sentence, meeting_date="2019-02-12"), sentence)
    assert unmet.message(question) == ("The closest records are of the meeting of 12 February 2019, "
                                       "not for December 2019.")


@pytest.mark.parametrize("sentence, found", [
    ("Recommendation No. 2 That the SPC recommend adoption at the meeting in January 2019.", []),
    ("8.3 2023 Water Rates - Report FIN-2023-02 advised an increase of 4.5 per cent", ["4.5"]),
    ("On 12 January 2019 there were 51 families", ["51"]),
    ("It was carried by 20 votes to 5.", ["20", "5"]),
    ("The loan rose to £1.2 million, from £750,000 in 2017.", ["1.2", "million", "750,000"]),
    ("Transactions totalling £3,870 and 5.7m, as in Appendix 3.", ["3,870", "5.7m"]),
    ("The board meets every three months.", ["three"]),
    ("The Action Plan 2019-2023 and the 2022/23 budget.", []),  # year ranges are years
    # a range of years that opens before 1900 is years too, across any dash
    ("An exhibition called '1197 — 2014; A Retrospective' opened.", []),
    ("The parish records 1691-1999 and the 1845–1921 registers, 40 volumes.", ["40"]),
    ("Some 1500 to 1800 people came, 300 — 400 a day, code 12-2020.", ["1500", "1800", "300", "400", "12-2020"]),
    # times of day, ordinals and item numbers run into their titles are not figures
    ("The meeting began at 9.30 a.m. and ended at 7:58 p.m. with 6 votes.", ["6"]),
    ("Presentations from 2.30pm on the 21st, 3 in all.", ["3"]),
    ("**4.Presentation on Roads** **5.Any Other Business** with 12 items", ["12"]),
    ("7% levy of the market value", ["7"]),  # a share opening the sentence is no paragraph number
    # a count opening the sentence is a figure; a number before a capital or with a dot numbers it
    ("26,408 pupils are isolating, 3,000 more than last week.", ["26,408", "3,000"]),
    ("12 schools closed early.", ["12"]),
    ("5 Report to City Council on 12 homes", ["12"]),
    ("4. the panel met 3 times", ["3"]),
    # paragraph numbers run into flattened text: before a word that opens a sentence, or a
    # whole number whose first sub-paragraph follows; a table row's next label, or a count of a
    # capitalised noun, leaves a figure as it is
    ("Call-in Requests: None scheduled 5 Report to Council / Work 5.1 The report was noted", []),
    ("Items were deferred 6.2.9 The focus of the conference was neglect", []),
    ("Requests: none 3 In June the panel met 4 times", ["4"]),
    ("Inside 87% 88% National average 83%", ["87", "88", "83"]),
    ("No. of children with 3 placements or more 108 48 No. of placements", ["3", "108", "48"]),
    ("There were 12 Councillors present.", ["12"]),
    # a number after the name of an objective, goal or policy labels it
    ("to achieve the objective 3.0 of the plan and Policy 4 of the strategy", []),
    ("", []),
])
def test_figures_leave_out_dates_labels_codes_and_paragraph_numbers(sentence, found):
    assert [f.word for f in stated_figures(sentence)] == found


@pytest.mark.parametrize("question, sentence, missed", [
    ("How many councillors voted against the motion?", "The motion was agreed on 27 September 2021.", True),
    ("How many councillors voted against the motion?", "It was carried by 20 votes to 5.", False),
    ("How many fines were issued in 2018?", "Fines were issued in 2018 under section 3.", True),
    ("How much was allocated to the 2 projects?", "The 2 projects were funded.", True),  # the question's own number
    ("How often does the board meet?", "The board meets monthly.", False),  # a frequency
    # "how many" counts: a percentage or a sum of money does not answer it
    ("How many councillors voted for the rates?", "An increase of 4.5 per cent was approved.", True),
    ("How many councillors voted for the rates?", "The loss would be $310,000 a year.", True),
    ("How many councillors voted for the rates?", "The rates were approved, 9 voting for.", False),
    ("How much would the rates raise?", "The loss would be $310,000 a year.", False),
    # "what percentage" needs a percentage
    ("What percentage of its canopy did the city lose?", "Trees over 30 centimetres are protected.", True),
    ("What percentage of its canopy did the city lose?", "The city lost 4.2 per cent of its canopy.", False),
    ("What percentage of its canopy did the city lose?", "The city lost 4.2% of its canopy.", False),
    ("What proportion of plans were issued on time?", "Plans are issued within 20 weeks.", True),
    ("What share of plans were issued on time?", "Of 58 plans, 93.1% were on time.", False),
    ("Who seconded the motion?", "The motion was agreed.", False),  # no number asked
    # "how many" counts: a measure in another unit does not answer it
    ("How many homes does Phase 4 propose?", "The plan covers 21.7 hectares of land.", True),
    ("How many days did the audit take?", "The audit took 20 days.", False),
    # a measure after a word that qualifies it ("audit days"), or a frequency ("twice a year")
    ("How many of the audits had been completed?", "The plan provided for 520 audit days.", True),
    ("How many people attended the assembly?", "Twice a year the assembly is convened.", True),
    ("How many audit days did the plan provide?", "The plan provided for 520 audit days.", False),
    ("How many homes will the scheme build?", "The scheme will deliver 5 homes a year.", False),
    ("How many councillors voted against?", "The meeting began at 9.30 a.m.", True),
    ("How many people visited the exhibition?", "The exhibition '1197 — 2014' was unveiled.", True),
    # a question of money needs a sum of money (or a rate: a levy may be a percentage)
    ("What did the festival cost?", "The festival closed 2 lanes.", True),
    ("What did the festival cost?", "The festival cost €30,000 in all.", False),
    ("What did the festival cost?", "The festival cost 30,000 euro in all.", False),
    ("What levy will owners pay?", "A 7% levy of the market value will be charged.", False),
    # a rise or a share of something else is not what it cost
    ("What did the regatta cost?", "Attendance increased by +18% to 100,000.", True),
    ("What does it cost per night to grit the roads?", "Approx 90% of roads are not gritted.", True),
    ("What rent increase will tenants pay?", "Rents will rise by 3% in April.", False),
    ("How many fees were waived?", "In all, 5 fees were waived.", False),  # counting, not paying
    # a table's unit heading makes its rows' bare figures sums of money
    ("What core contract sum did the Council pay for 2020/21?",
     "2020/21 2021/22 £m £m Core Contract Sum * 192.3 192.8", False),
    ("What core contract sum did the Council pay for 2020/21?", "Core Contract Sum * 192.3 192.8", True),
    ("What did the grants cost?", "Grants €000 Youth 45 Arts 30", False),
])
def test_a_number_question_needs_a_figure_the_question_does_not_already_say(question, sentence, missed):
    unmet = answer_unmet(analyse(question), passage("p", sentence), sentence)
    assert (unmet is not None and unmet.kind == "figure") is missed


def test_a_question_asks_money_when_it_names_a_currency_or_a_word_of_paying():
    assert asks_money(analyse("How much GMA funding did the district give?"))
    assert asks_money(analyse("Who proposed allocating €500 to the journal?"))
    assert not asks_money(analyse("How many homes were built?"))
    # every form of a word of paying, by stem
    assert asks_money(analyse("How much is the council paying the partnership for the work?"))
    assert asks_money(analyse("What was the scheme costing the district each year?"))


def test_a_figure_knows_whether_it_is_a_share_or_a_sum_of_money():
    found = stated_figures("Rates rose 4.5 per cent and 12%, costing $310,000 and £1.2 million for 9 homes.")
    assert [(f.word, f.share, f.money) for f in found] == [
        ("4.5", True, False), ("12", True, False), ("310,000", False, True), ("1.2", False, True),
        ("million", False, True), ("9", False, False)]


def test_the_post_miss_says_what_the_records_lack():
    asked = analyse("Who is Riverton's Director of Finance?")
    sentence = "The Cabinet Member for Finance introduced the strategy."
    assert answer_unmet(asked, passage("p", sentence), sentence).message(asked) == \
        "The closest records do not say who is Riverton's Director of Finance."


@pytest.mark.parametrize("question, post", [
    ("Who is Riverton's Director of Finance?", ("who is Riverton's Director of Finance", "Director of Finance")),
    ("Who chairs the Housing and Neighbourhoods O&S Committee?",
     ("who chairs the Housing and Neighbourhoods O&S Committee", "Housing and Neighbourhoods O&S Committee")),
    ("Who was appointed Vice-Chair of Ashworth's Audit and Governance Committee for the 2024/25 "
     "municipal year?", ("who was appointed Vice-Chair of Ashworth's Audit and Governance Committee",
                         "Vice-Chair of Audit and Governance Committee")),
    ("Who was appointed as the resource worker for the Public Participation Network?",
     ("who was appointed as the resource worker", "resource worker")),
    ("Who was the Mayor of Limerick in 2019?", ("who was the Mayor of Limerick", "Mayor of Limerick")),
    # who did something: a deed, not a post
    ("Who seconded the motion?", ("", "")),
    ("Who was due to attend the 14 February 2018 meeting?", ("", "")),
    ("Who was awarded the Early Years contract?", ("", "")),
    ("What is the Director of Finance's name?", ("", "")),
])
def test_the_post_a_who_question_asks_the_holder_of(question, post):
    assert asked_post(analyse(question)) == post


@pytest.mark.parametrize("question, sentence, heading, committee, missed", [
    # another committee's chair, another post of the same portfolio, a list without the post
    ("Who chairs the Housing and Neighbourhoods O&S Committee?",
     "Education and Children's Social Care O&S Committee: Work Programme 2020-2021 Chair: Cllr Kath Scott",
     "WORK PROGRAMME", None, "post"),
    ("Who is Riverton's Director of Finance?",
     "The Cabinet Member for Finance and Resources, Councillor Marion Scholes, introduced it.",
     None, "Audit and Governance Committee", "post"),
    # the post named in the sentence, the heading or the meeting's body
    ("Who is Riverton's Director of Finance?",
     "Deborah Ashcroft, Director of Finance and Section 151 Officer, presented the report.", None, None, None),
    ("Who was appointed as the resource worker for the Network?",
     "That Ms A. Byrne be appointed.", "Appointment of Resource Worker", None, None),
    ("Who chairs the Housing and Neighbourhoods O&S Committee?", "Chair: Cllr Penny Holbrook",
     None, "Housing and Neighbourhoods Overview and Scrutiny Committee", None),
    # an abbreviation is not needed: the records spell it out
    ("Who chairs the Home and Social Development SPC in 2021?",
     "Councillor Sheahan chaired the Home and Social Development Strategic Policy Committee.", None, None, None),
    # a deed's doer is not judged
    ("Who seconded the motion?", "Councillor Daly seconded it.", None, None, None),
])
def test_a_who_question_needs_the_post_asked_named_where_its_holder_is(question, sentence, heading,
                                                                       committee, missed):
    evidence = passage("p", sentence, item_title=heading, committee=committee)
    unmet = answer_unmet(analyse(question), evidence, sentence)
    assert (unmet.kind if unmet else None) == missed


@pytest.mark.parametrize("question, sentence, missed", [
    # what was done, answered by a forecast, an estimate or an expectation
    ("What council tax increase did Ashworth finally set for 2023/24?",
     "The forecast assumed a council tax increase of 2.99 per cent in 2023/24.", True),
    ("What was the Trust's final outturn for 2020/21?",
     "The overspend was forecast earlier in the year to be close to £7m.", True),
    ("What judgement did Ofsted give after the re-inspection?",
     "The re-inspection has been delayed and is now expected in 2021.", True),
    ("What was the actual cost of the scheme?", "The estimated cost is €2.1 million.", True),
    # the outcome stated
    ("What council tax increase did Ashworth finally set for 2023/24?",
     "The Council set a council tax increase of 2.99 per cent for 2023/24.", False),
    # "will" and "would" record decisions too
    ("What did the Council decide about the road?", "The Council would write to the Minister.", False),
    # a question that asks the forecast or the plan itself
    ("What deficit was the directorate forecasting for 2017/18?",
     "The directorate is projecting a forecast net deficit of £2.6m.", False),
    ("What did the Council expect the scheme to cost?", "The estimated cost is €2.1 million.", False),
    # a question that asks no deed done: a concern may be an expectation
    ("What concern about schools was raised?",
     "A new school site is not expected to be available before 2026.", False),
])
def test_what_was_done_is_not_answered_by_a_forecast(question, sentence, missed):
    unmet = answer_unmet(analyse(question), passage("p", sentence), sentence)
    assert (unmet is not None and unmet.kind == "forecast") is missed


def test_the_forecast_miss_says_what_the_records_give():
    question = analyse("What was the Trust's final outturn for 2020/21?")
    sentence = "The overspend was forecast to be £7m."
    assert answer_unmet(question, passage("p", sentence), sentence).message(question) == \
        "The closest records give a forecast or an expectation, not what was done."


@pytest.mark.parametrize("question, meeting_date, missed", [
    # a day that dates a paper: the meeting that took the paper up is held on or after it
    ("According to the Director of Services' report of 12 September 2019, how big was the loan?",
     "2019-09-23", None),
    ("What did the letter dated 3rd May 2021 from the Minister ask the council to do?", "2021-05-17", None),
    ("What did the 4 March 2022 memo say about the road closure?", "2022-03-28", None),
    ("What loan did the Chief Executive's report of 1 February 2018 seek?", "2018-02-01", None),
    # a meeting before the paper was written, or long after it, did not take it up
    ("According to the Director of Services' report of 12 September 2019, how big was the loan?",
     "2019-09-02", "day"),
    ("According to the Director of Services' report of 12 September 2019, how big was the loan?",
     "2020-12-03", "day"),
    # a day of a meeting or of an event is still the day itself
    ("What did the meeting of 12 September 2019 decide about the loan?", "2019-09-23", "day"),
    ("What was the portfolio worth on 31 March 2023?", "2023-04-11", "day"),
])
def test_a_day_that_dates_a_paper_is_met_by_a_meeting_soon_after_it(question, meeting_date, missed):
    """"The report of 12 September 2019" is the paper's date: the minutes of 23 September that
    circulate it answer, though they never repeat the day."""
    sentence = "Approval was given for a loan in the amount of €12,444,392."
    unmet = answer_unmet(analyse(question), passage("p", sentence, meeting_date=meeting_date), sentence)
    assert (unmet.kind if unmet is not None else None) == missed
