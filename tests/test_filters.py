"""Filters read from questions: dates (hard when tied to a meeting, soft otherwise), committees,
document types, decisions, recency; merging with the caller's filters; describing ranges."""

from pathlib import Path

import pytest

from assistant.filters import (
    committee_alias_table, describe_range, find_committee, meetings_in_range, merge_filters,
    short_forms,
    parse_question,
)
from vectorstore.models import Filters

COMMITTEE = "Education and Children's Social Care Overview and Scrutiny Committee"
OLD_NAMES = {
    COMMITTEE: [COMMITTEE, "Children's Social Care Overview and Scrutiny Committee",
                "Schools, Children and Families Overview and Scrutiny Committee"],
}
ALIASES = committee_alias_table([COMMITTEE, "City Council", "Cabinet"],
                                lambda name: OLD_NAMES.get(name, [name]))
MEETINGS = ["2017-12-05", "2018-01-17", "2020-10-28", "2020-12-09"]


@pytest.mark.parametrize("question, date_from, date_to", [
    ("What did the committee ask the Children's Trust for in December 2020?", "2020-12-01", "2020-12-31"),
    ("What was agreed at the October 2020 meeting?", "2020-10-01", "2020-10-31"),
    ("Who chaired the 2018 committee?", "2018-01-01", "2018-12-31"),
    ("What was resolved on 9 December 2020?", "2020-12-09", "2020-12-09"),
    ("What was resolved on the 9th of December 2020?", "2020-12-09", "2020-12-09"),
    ("What was decided at the meeting on December 9, 2020?", "2020-12-09", "2020-12-09"),
    ("Minutes of the meeting of 28/10/2020", "2020-10-28", "2020-10-28"),
    ("What did the meeting on 2020-10-28 decide?", "2020-10-28", "2020-10-28"),
    ("Meetings between October 2020 and December 2020", "2020-10-01", "2020-12-31"),
    ("What did the committee decide before 2019?", None, "2018-12-31"),
    ("What has the committee resolved since October 2020?", "2020-10-01", None),
    ("What did the committee decide after October 2020?", "2020-11-01", None),
    ("What was resolved at the Sept 2020 meeting?", "2020-09-01", "2020-09-30"),
    ("Who chaired the committee's meetings in spring 2021?", "2021-03-01", "2021-05-31"),
    # two periods named together: both meetings, not only the first
    ("What happened to the scheme at the December 2018 and January 2019 meetings?",
     "2018-12-01", "2019-01-31"),
    ("Who was in the chair at the meetings in November 2018 and who in September 2021?",
     "2018-11-01", "2018-11-30"),
    # a paper's day names no meeting: the meetings in the weeks after it that took the paper up
    ("What did the committee decide on the report dated 2 November 2020?", "2020-11-02", "2020-12-07"),
])
def test_meeting_dates_in_a_question_become_a_date_filter(question, date_from, date_to):
    parsed = parse_question(question, ALIASES, MEETINGS)
    assert (parsed.filters.date_from, parsed.filters.date_to) == (date_from, date_to)
    assert (parsed.prefer_from, parsed.prefer_to) == (None, None)


@pytest.mark.parametrize("question, prefer_from, prefer_to", [
    # a paper's day: the meetings that took the paper up, in the weeks after it
    ("According to the Director's report of 12 September 2019, how big was the loan?", "2019-09-12", "2019-10-17"),
    ("What did the letter dated 3rd May 2021 ask for?", "2021-05-03", "2021-06-07"),
    ("What does the 4 March 2022 memo say about parking?", "2022-03-04", "2022-04-08"),
    ("What was KPI 13 in October 2020?", "2020-10-01", "2020-10-31"),
    ("How many children were in care in 2017?", "2017-01-01", "2017-12-31"),
    ("What was the caseload in autumn 2020?", "2020-09-01", "2020-11-30"),
    ("How many posts were vacant in late 2018?", "2018-09-01", "2018-12-31"),
    ("How many posts were vacant at the end of 2017?", "2017-09-01", "2017-12-31"),
    ("What did the survey find in early 2018?", "2018-01-01", "2018-04-30"),
    ("How full were the shelters in winter 2019?", "2019-12-01", "2020-02-29"),
    ("What was the spend in mid-2020?", "2020-05-01", "2020-08-31"),
    ("What was the Trust's deficit in December, 2019?", "2019-12-01", "2019-12-31"),
    ("What had the Trust spent by the start of 2020?", None, "2020-04-30"),
])
def test_dates_not_tied_to_a_meeting_are_only_preferred(question, prefer_from, prefer_to):
    parsed = parse_question(question, ALIASES, MEETINGS)
    assert parsed.filters.date_from is None and parsed.filters.date_to is None
    assert (parsed.prefer_from, parsed.prefer_to) == (prefer_from, prefer_to)


@pytest.mark.parametrize("question", [
    "What was the Trust's overspend in 2019/20?",
    "What does the 2020-21 business plan say about the committee?",
    "How many of the 2000 families did the committee hear about?",
    "What was resolved?",
    "",
])
def test_financial_years_and_plain_numbers_are_not_dates(question):
    parsed = parse_question(question, ALIASES, MEETINGS)
    assert parsed.filters.date_from is None and parsed.filters.date_to is None
    assert parsed.prefer_from is None and parsed.prefer_to is None


@pytest.mark.parametrize("question, committee", [
    ("What did the Education and Children's Social Care O&S Committee decide?", COMMITTEE),
    ("What did the education and children’s social care overview and scrutiny committee agree?", COMMITTEE),
    ("What did the Schools, Children and Families committee resolve in 2018?", COMMITTEE),
    ("What did the Children's Social Care Overview and Scrutiny Committee hear?", COMMITTEE),
    ("What did the City Council debate in December 2017?", "City Council"),
    ("What was on the agenda at Cabinet?", "Cabinet"),
    ("How is children's social care performing?", None),
    ("What did the Cabinet Member for Children's Wellbeing report?", None),
    ("What did the committee ask for?", None),
])
def test_committee_names_and_former_names_map_to_the_canonical_committee(question, committee):
    parsed = parse_question(question, ALIASES, MEETINGS)
    assert parsed.committee == committee
    assert parsed.filters.committee is None  # a preference: other bodies' papers may report it


def test_longest_committee_name_wins():
    table = committee_alias_table(["Children's Social Care Committee", COMMITTEE])
    assert find_committee("the Education and Children's Social Care committee", table)[0] == COMMITTEE


@pytest.mark.parametrize("question, doc_type, known", [
    ("What is in the action tracker?", "action_tracker", None),
    ("What do the minutes say about KPI 13?", "minutes", None),
    ("What is on the work programme for January 2021?", "work_programme", None),
    ("What is on the agenda?", "agenda", None),
    ("What is on the agenda?", None, {"minutes"}),
    ("What is in agenda item 5?", None, None),
    ("How many social workers are there?", None, None),
])
def test_named_document_types_filter_by_doc_type(question, doc_type, known):
    assert parse_question(question, doc_types=known).filters.doc_type == doc_type


def test_another_bodys_decision_date_is_a_preference_not_a_meeting_filter():
    parsed = parse_question("What did City Council resolve in September 2020 that the Executive "
                            "should bring to this committee?", ALIASES, MEETINGS)
    assert parsed.filters.date_from is None and parsed.filters.date_to is None
    assert (parsed.prefer_from, parsed.prefer_to) == ("2020-09-01", "2020-09-30")
    own = parse_question("What did the committee resolve in September 2020?", ALIASES, MEETINGS)
    assert (own.filters.date_from, own.filters.date_to) == ("2020-09-01", "2020-09-30")


@pytest.mark.parametrize("question, resolution, decisions_only", [
    ("What was resolved about the Children's Trust?", True, False),
    ("What did the committee decide?", True, False),
    ("What did the committee ask the Children's Trust for?", True, False),
    ("What did members request?", True, False),
    ("List the resolutions of the October 2020 meeting", True, True),
    ("Which decisions were made in 2018?", True, True),
    ("Who asked about KPI 13?", False, False),
    ("Which councillors asked for the call-in that the committee considered?", False, False),
    ("What did Cabinet decide about the Children's Trust in 2018?", False, False),
    ("What did the council's leadership team decide about the report?", False, False),
    ("What was Cabinet told about the next formal decision on the Trust?", False, False),
    ("What was the committee told about the decision?", True, False),
    ("How many agency social workers does the Trust employ?", False, False),
])
def test_resolution_questions_are_recognised(question, resolution, decisions_only):
    parsed = parse_question(question)
    assert parsed.resolution is resolution
    assert parsed.filters.decisions_only is decisions_only


def test_the_last_meeting_is_the_newest_indexed_meeting():
    parsed = parse_question("What was resolved at the last meeting?", ALIASES, MEETINGS)
    assert (parsed.filters.date_from, parsed.filters.date_to) == ("2020-12-09", "2020-12-09")
    assert parse_question("What was resolved at the last meeting?").filters.date_from is None


def test_caller_filters_win_and_question_fills_the_rest():
    parsed = parse_question("What did the committee resolve in December 2020?", ALIASES, MEETINGS)
    merged = merge_filters(Filters(date_from="2018-01-01", date_to="2018-12-31", doc_type="minutes"),
                           parsed.filters)
    assert (merged.date_from, merged.date_to, merged.doc_type) == ("2018-01-01", "2018-12-31", "minutes")
    merged = merge_filters(Filters(committee="City Council"), parsed.filters)
    assert (merged.committee, merged.date_from) == ("City Council", "2020-12-01")
    assert merge_filters(None, parsed.filters) == parsed.filters


@pytest.mark.parametrize("date_from, date_to, expected", [
    ("2019-01-01", "2019-12-31", []),
    ("2020-10-01", "2020-12-31", ["2020-10-28", "2020-12-09"]),
    (None, "2017-12-31", ["2017-12-05"]),
    ("2020-12-09", None, ["2020-12-09"]),
    (None, None, MEETINGS),
])
def test_meetings_in_range(date_from, date_to, expected):
    assert meetings_in_range(MEETINGS, date_from, date_to) == expected


@pytest.mark.parametrize("date_from, date_to, words", [
    ("2019-01-01", "2019-12-31", "in 2019"),
    ("2020-12-01", "2020-12-31", "in December 2020"),
    ("2020-12-09", "2020-12-09", "on 9 December 2020"),
    ("2020-10-01", "2020-12-31", "between 1 October 2020 and 31 December 2020"),
    ("2021-01-01", None, "on or after 1 January 2021"),
    (None, "2016-12-31", "on or before 31 December 2016"),
])
def test_ranges_are_described_in_words(date_from, date_to, words):
    assert describe_range(date_from, date_to) == words


IRISH_BODIES = ["Limerick City and County Council", "Metropolitan District of Limerick",
                "Municipal District of Newcastle West", "Municipal District of Adare-Rathkeale",
                "Municipal District of Cappamore-Kilmallock",
                "Newcastle West Joint Policing Sub-Committee",
                "Metropolitan District Joint Policing Sub-Committee",
                "Home and Social Development Strategic Policy Committee"]


@pytest.mark.parametrize("question, committee", [
    ("What did Newcastle West councillors agree?", "Municipal District of Newcastle West"),
    ("Who sent apologies to the Cappamore-Kilmallock district?",
     "Municipal District of Cappamore-Kilmallock"),
    ("What happened at the December 2018 Metropolitan meeting?", "Metropolitan District of Limerick"),
    ("Who chairs the Home and Social Development committee?",
     "Home and Social Development Strategic Policy Committee"),
    # a short form needs a word naming a body or its papers after it
    ("What is planned for the Newcastle West library?", None),
    ("How many houses are in Adare-Rathkeale?", None),
    # place words after a short form name the place unless a body word follows them
    ("How many Garda Reserves were there in Limerick city and county in spring 2016?", None),
    ("How many litter fines were issued across Limerick city in 2018?", None),
    ("What did Limerick city and county councillors agree?", "Limerick City and County Council"),
    ("Who chairs the Limerick county council?", "Limerick City and County Council"),
    # a role or a paper after the name is not the body
    ("What did the Newcastle West members report?", None),
])
def test_a_body_is_found_by_its_distinctive_words(question, committee):
    found = find_committee(question, committee_alias_table(IRISH_BODIES))
    assert (found[0] if found else None) == committee


def test_short_forms_leave_out_kind_words_and_give_a_shared_form_to_the_parent_body():
    forms = short_forms(IRISH_BODIES)
    assert forms["newcastle west"] == "Municipal District of Newcastle West"
    assert forms["metropolitan"] == "Metropolitan District of Limerick"
    assert short_forms([COMMITTEE]) == {"education and children's social care": COMMITTEE}
    assert short_forms([]) == {} and short_forms(["Cabinet"]) == {}


def test_a_bodys_abbreviated_name_in_a_question_is_read_through_the_councils_abbreviations(tmp_path):
    from functools import partial

    from ingest.committees import committee_aliases, spell_out_abbreviations

    aliases_file = str(tmp_path / "bodies.toml")
    Path(aliases_file).write_text(
        '[abbreviations]\nSPC = "Strategic Policy Committee"\n\n[[committee]]\n'
        'name = "Housing Strategic Policy Committee"\naliases = ["Northfield Housing Strategic Policy Committee"]\n'
        '\n[[committee]]\nname = "Planning Board"\n', encoding="utf-8")
    names = ["Housing Strategic Policy Committee", "Planning Board"]
    table = committee_alias_table(names, lambda name: committee_aliases(name, aliases_file))
    spell_out = partial(spell_out_abbreviations, aliases_file=aliases_file)
    for question in ("Who chaired the Housing SPC in 2018?", "What did the Northfield Housing SPC decide?",
                     "What did the Housing Strategic Policy Committee decide?"):
        parsed = parse_question(question, table, spell_out=spell_out)
        assert parsed.committee == "Housing Strategic Policy Committee", question
    assert parse_question("Who chaired the Housing SPC in 2018?", table).committee is None
    assert parse_question("What did the SPC decide?", table, spell_out=spell_out).committee is None
