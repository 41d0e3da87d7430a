"""Meeting records as rows: extraction from the bundled corpus against hand-checked rows (with
precision and recall), the people-list and tracker-cell rules, the SQLite store, and the routing
of list questions to the store."""

from pathlib import Path

import pytest

from assistant.records_route import PassageRecords, answer_from_records, classify
from ingest.clean import clean_lines
from ingest.loaders import load_file
from ingest.attendance import entry_texts, find_sections
from ingest.clean import Line, reflow
from ingest.motions import find_motions
from ingest.conventions import load_conventions
from ingest.records import APOLOGIES_LEAD, Records, _classify, _labels_apart, _rows_apart, absent_people, action_status, extract_records, parse_people
from ingest.structure import detect_documents
from minutes_core.text.normalise import fold_quotes
from minutes_core.settings import Settings
from ingest.parse import parse_file
from vectorstore.models import Filters, Passage
from vectorstore.records import RecordsStore

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
PACK_2020 = "001_ad89458da0e2bfff.txt"  # minutes of 28 Oct 2020 (137-549), action tracker (550-937)
PACK_2018 = "002_be6b55039acfaaad.txt"  # minutes of 8 Jan 2018 (67-169) and 17 Jan 2018 (171-328)
MINUTES_DEC = "003_73fbab55bc149f05.txt"  # minutes of 9 Dec 2020
FLOOR = 0.9


def _norm(text: str | None) -> str:
    return " ".join(fold_quotes(text or "").lower().split())


@pytest.fixture(scope="module")
def records() -> dict[str, Records]:
    settings = Settings()
    out = {}
    for path in sorted(SAMPLE.glob("*.txt")):
        loaded = load_file(path, settings)
        lines = clean_lines(loaded)
        parsed = detect_documents(loaded.source, loaded.path, lines, loaded.overrides,
                                  settings.committee_aliases_file, loaded.page_exact)
        out[path.name] = extract_records(parsed)
    return out


def _all(records: dict[str, Records], kind: str) -> list:
    return [row for name in sorted(records) for row in getattr(records[name], kind)]


def _precision_recall(found: list, expected: list, matches) -> tuple[float, float, list, list]:
    """Greedy one-to-one matching; returns precision, recall, unmatched found, missed expected."""
    free = list(found)
    missed = []
    for want in expected:
        hit = next((row for row in free if matches(row, want)), None)
        if hit is None:
            missed.append(want)
        else:
            free.remove(hit)
    matched = len(expected) - len(missed)
    precision = matched / len(found) if found else 1.0
    recall = matched / len(expected) if expected else 1.0
    return precision, recall, free, missed


def _report(label: str, precision: float, recall: float, extra: list, missed: list) -> None:
    print(f"\n{label}: precision {precision:.3f}, recall {recall:.3f}")
    for row in extra:
        print("  extra:", row)
    for want in missed:
        print("  missed:", want)


# -- decisions: every RESOLVED block of the four meetings (read from the source files) -------------

AUTHORITY = ("That in an urgent situation between meetings the Chair",
             "has authority to act on behalf of the Committee.")
EXPECTED_DECISIONS = [
    # 001 lines 227-541: the meeting of 28 October 2020
    ("2020-10-28", "4", "The action notes were agreed and the action tracker was noted.",
     "The action notes were agreed and the action tracker was noted."),
    ("2020-10-28", "5", "The committee noted the update and requested the following:",
     "Clarity on how parents and carers are elected onto the Parent Carer Forum."),
    ("2020-10-28", "6", "The Committee noted the update and the following are to be provided:",
     "Social Inclusion, Community Safety and Equalities)."),
    ("2020-10-28", "7", "• The committee noted the work programme.", "• The committee noted the work programme."),
    ("2020-10-28", "10", "• Exclusions to be added to the work programme.",
     "• Exclusions to be added to the work programme."),
    ("2020-10-28", "11", *AUTHORITY),
    # 003 lines 53, 129, 179, 189, 207: the meeting of 9 December 2020
    ("2020-12-09", "4", "The action notes of the 28th October 2020 were agreed, and the action tracker was noted.",
     "addresses the outstanding actions contained within the action tracker."),
    ("2020-12-09", "5", "The committee noted the update and requested the following:",
     "Corporate Parenting Team and Birmingham Children's Partnership."),
    ("2020-12-09", "6", "• The Committee noted the update.", "• The Committee noted the update."),
    ("2020-12-09", "7", "• The committee noted the work programme.", "• The committee noted the work programme."),
    ("2020-12-09", "11", *AUTHORITY),
    # 002 lines 139, 165: the meeting of 8 January 2018
    ("2018-01-08", "3", "That the decision made by Cabinet on the 12th December 2017 was not 'called-in'",
     "will be included in the committee's work programme."),
    ("2018-01-08", "6", *AUTHORITY),
    # 002 lines 248-326: the meeting of 17 January 2018
    ("2018-01-17", "4", "To note the update and a further update to be provided to the committee.",
     "To note the update and a further update to be provided to the committee."),
    ("2018-01-17", "5", "That the Birmingham Safeguarding Children Board Annual report is noted.",
     "That the Birmingham Safeguarding Children Board Annual report is noted."),
    ("2018-01-17", "6", "That the update is noted and officers would report back in six months.",
     "That the update is noted and officers would report back in six months."),
    ("2018-01-17", "7", "That the briefing is noted.", "That the briefing is noted."),
    ("2018-01-17", "8", "The work programme is noted.", "The work programme is noted."),
    ("2018-01-17", "12", *AUTHORITY),
]


def _decision_matches(row, want) -> bool:
    meeting, item, opening, closing = want
    text = _norm(row.decision)
    return (row.meeting_date, row.item) == (meeting, item) and text.startswith(_norm(opening)) \
        and text.endswith(_norm(closing))


def test_every_resolved_block_of_the_four_meetings_is_extracted_verbatim(records):
    found = _all(records, "decisions")
    precision, recall, extra, missed = _precision_recall(found, EXPECTED_DECISIONS, _decision_matches)
    _report("decisions", precision, recall, [(r.meeting_date, r.item, r.decision[:60]) for r in extra], missed)
    assert precision >= FLOOR and recall >= FLOOR


def test_decision_keeps_its_whole_block_and_cites_its_passage(records):
    send = next(r for r in records[PACK_2020].decisions if r.item == "5")
    assert send.decision.count("•") == 13  # thirteen requests, 001 lines 347-386
    assert send.item_title == "SEND WSOA UPDATE" and send.line_start == 343
    assert "Scrutiny to be kept updated on the self-assessments." in send.text
    assert send.source == PACK_2020 and send.doc_type == "minutes"


def test_standing_authority_resolution_is_flagged_as_boilerplate(records):
    flagged = {(r.meeting_date, r.item) for r in _all(records, "decisions") if r.boilerplate}
    assert flagged == {("2020-10-28", "11"), ("2020-12-09", "11"), ("2018-01-08", "6"), ("2018-01-17", "12")}


# -- attendance: present, also present, apologies, declarations -------------------------------------

EXPECTED_PRESENT = {
    "2020-10-28": ["Kath Scott", "Mohammed Aikhlaq", "Barbara Dring", "Kerry Jenkins", "Chaudhry Rashid",
                   "Alex Yip", "Omar Hanif", "Rabia Shami", "Sarah Smith"],
    "2020-12-09": ["Kath Scott", "Mohammed Aikhlaq", "Barbara Dring", "Charlotte Hodivala", "Kerry Jenkins",
                   "Chaudhry Rashid", "Alex Yip", "Rabia Shami", "Sarah Smith"],
    "2018-01-08": ["Barry Bowles", "Sue Anderson", "Matt Bennett", "Kate Booth", "Debbie Clancy",
                   "Chauhdry Rashid", "Julie Johnson", "Mike Sharpe", "Martin Straker Welds", "Alex Yip",
                   "Evette Clarke", "Sarah Smith"],
    "2018-01-17": ["Barry Bowles", "Sue Anderson", "Matt Bennett", "Kate Booth", "Debbie Clancy",
                   "Shabrana Hussain", "Julie Johnson", "Chauhdry Rashid", "Mike Sharpe",
                   "Martin Straker Welds", "Alex Yip", "Evette Clarke", "Sarah Smith"],
}
EXPECTED_ALSO_PRESENT = {
    "2020-10-28": ["Kate Booth", "Darnish Amraz", "Becky Crampton", "Nichola Jones", "Rachel O'Connor",
                   "Dr Tim O'Neill", "Ceri Saunders", "Amanda Simcox", "Soulla Yiasouma", "Ilgun Yusuf"],
    "2020-12-09": ["Kate Booth", "Dr Tim O'Neill", "Andrew Christie", "Andy Couldrick", "Simon Cross",
                   "Ceri Saunders", "Amanda Simcox", "Penny Thompson"],
    "2018-01-08": ["Ian Cruise", "Carl Rice", "Anne Ainsworth", "Dave Bridgman", "Jill Crosbie",
                   "Andrew Wright", "Amanda Simcox", "Emma Williamson"],
    "2018-01-17": ["Tristan Chatfield", "Suwinder Bains", "Trevor Brown", "Simon Cross", "Debbie Currie",
                   "Detective Chief Inspector Nick Dale", "Jacqui Kennedy", "Rose Kiely", "Jon Needham",
                   "Dr Simon Pemberton", "Dawn Roberts", "Superintendent Mat Shaer", "Amanda Simcox",
                   "Dr Dennis Wilkes"],
}
EXPECTED_APOLOGIES = [  # (meeting, name, capacity)
    ("2020-10-28", "Adam Hardy", "Roman Catholic Diocese Representative"),
    ("2020-12-09", "Omar Hanif", "Parent Governor Representative"),
    ("2020-12-09", "Adam Hardy", "Roman Catholic Diocese Representative"),
    ("2018-01-08", "Susan Barnett", None),
    ("2018-01-08", "Samera Ali", "Parent Governor Representative"),
    ("2018-01-17", "Susan Barnett", None),
    ("2018-01-17", "Samera Ali", "Parent Governor Representative"),
    ("2018-01-17", "Adam Hardy", "Roman Catholic Diocese Representative"),
]
EXPECTED_DECLARATIONS = [  # (meeting, name, words of the interest); 17 Jan 2018 has none
    ("2020-10-28", "Alex Yip", "his sister works for National Express"),
    ("2020-10-28", "Mohammed Aikhlaq", "Director at Leigh Multi Academy Trust"),
    ("2020-12-09", "Mohammed Aikhlaq", "Director at Leigh Multi Academy Trust"),
    ("2018-01-08", "Sue Anderson", "on the Inclusion Commission"),
    ("2018-01-08", "Matt Bennett", "on the Inclusion Commission"),
    ("2018-01-08", "Barry Bowles", "on the Inclusion Commission"),
    ("2018-01-08", "Alex Yip", "governor at Wilson Stuart School"),
]


def test_present_and_also_present_lists_of_the_four_meetings(records):
    found = [r for r in _all(records, "attendance") if r.role in ("present", "also present")]
    expected = [(m, "present", n) for m, names in EXPECTED_PRESENT.items() for n in names] + \
        [(m, "also present", n) for m, names in EXPECTED_ALSO_PRESENT.items() for n in names]
    precision, recall, extra, missed = _precision_recall(
        found, expected, lambda r, w: (r.meeting_date, r.role, _norm(r.name)) == (w[0], w[1], _norm(w[2])))
    _report("present / also present", precision, recall, [(r.meeting_date, r.role, r.name) for r in extra], missed)
    assert precision >= FLOOR and recall >= FLOOR


def test_apologies_of_the_four_meetings_with_capacities(records):
    found = [r for r in _all(records, "attendance") if r.role == "apologies"]
    precision, recall, extra, missed = _precision_recall(
        found, EXPECTED_APOLOGIES,
        lambda r, w: (r.meeting_date, _norm(r.name), _norm(r.capacity)) == (w[0], _norm(w[1]), _norm(w[2])))
    _report("apologies", precision, recall, [(r.meeting_date, r.name, r.capacity) for r in extra], missed)
    assert precision >= FLOOR and recall >= FLOOR


def test_declarations_of_interest_of_the_four_meetings(records):
    found = [r for r in _all(records, "attendance") if r.role == "declaration"]
    precision, recall, extra, missed = _precision_recall(
        found, EXPECTED_DECLARATIONS,
        lambda r, w: (r.meeting_date, _norm(r.name)) == (w[0], _norm(w[1])) and _norm(w[2]) in _norm(r.interest))
    _report("declarations", precision, recall, [(r.meeting_date, r.name, r.interest) for r in extra], missed)
    assert precision >= FLOOR and recall >= FLOOR


def test_declaration_split_by_a_page_stamp_keeps_each_member_apart(records):
    """001:193 puts an "Item 4" stamp between Cllr Yip's and Cllr Aikhlaq's declarations."""
    rows = {r.name: r for r in records[PACK_2020].attendance if r.role == "declaration"}
    assert "Wilson Stuart School" in rows["Alex Yip"].interest
    assert "Item 4" not in rows["Mohammed Aikhlaq"].text


# -- meetings and items ----------------------------------------------------------------------------

EXPECTED_MEETINGS = [  # (file, date, time, online, record)
    (PACK_2020, "2020-12-09", "10:00", True, "agenda"),
    (PACK_2020, "2020-10-28", "10:00", True, "minutes"),
    (PACK_2018, "2018-02-14", "13:30", False, "agenda"),
    (PACK_2018, "2018-01-08", "16:45", False, "minutes"),
    (PACK_2018, "2018-01-17", "13:30", False, "minutes"),
    (MINUTES_DEC, "2020-12-09", "10:00", True, "minutes"),
]


def test_meetings_with_time_venue_and_kind_of_record(records):
    found = _all(records, "meetings")
    precision, recall, extra, missed = _precision_recall(
        found, EXPECTED_MEETINGS,
        lambda r, w: (r.source, r.meeting_date, r.time, r.online, r.record) == w)
    _report("meetings", precision, recall, [(r.source, r.meeting_date, r.time) for r in extra], missed)
    assert precision == 1.0 and recall == 1.0
    venues = {(r.source, r.meeting_date): r.venue for r in found}
    assert venues[(PACK_2018, "2018-01-08")] == "Committee Room 6"
    assert venues[(PACK_2018, "2018-01-17")] == "Committee Rooms 3 & 4"


def test_minutes_items_are_numbered_and_keep_wrapped_titles(records):
    items = [(r.number, r.item_title) for r in records[PACK_2020].items if r.meeting_date == "2020-10-28"]
    assert [n for n, _ in items] == [str(n) for n in range(1, 12)]
    assert items[8][1].endswith("RECEIVED (IF ANY)")  # 001 lines 517-518


# -- action tracker: every row of 001 lines 550-937 -------------------------------------------------

EXPECTED_ACTIONS = [  # (date raised, item, opening of the action, opening of the update or "")
    ("2020-07-17", "SEND Home to School Transport Update", "SEND Dashboard", "E-mailed Members the information on 25th August"),
    ("2020-07-17", "SEND Home to School Transport Update", "Details regarding SEND Youth Forum", "E-mailed Members the information on 25th August"),
    ("2020-07-17", "SEND Home to School Transport Update", "WSoA Action Plan and Progress", "E-mailed Members 16th September 2020"),
    ("2020-07-17", "SEND Home to School Transport Update", "A simple snapshot showing", "Daily calculations are assessed"),
    ("2020-07-17", "Work Programme Discussion", "A short report be provided to the scrutiny office", "The Chief Executive has commissioned Ernst & Young"),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "Regular updates on the school's inability", "Education and Skills officers do not have"),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "The number of children and teachers isolating.", "As at 18.11.20"),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "The number of school admission appeals", "E-mailed to Members on the 5th November 2020"),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "The presentation on online learning.", "E-mailed to Members on the 17th September 2020."),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "Dr Tim O'Neill undertook to take back the decision", "E-mailed information to Members on the 2nd November"),
    ("2020-09-16", "Covid-19 Impact on Schools and Preparations for Return to School in September 2020", "A letter to be sent to the Cabinet Member", "Letter sent on 25th September 2020"),
    ("2020-09-16", "SEND Response to Covid", "Officers to check and report back on the answer in C8", "E-mailed information to Members on the 22nd September"),
    ("2020-09-16", "SEND Response to Covid", "A report on children's with SEND needs", "Emailed Members the information on 28th October 2020."),
    ("2020-09-16", "SEND Response to Covid", "A report on the communications and problems", "The council's target for processing bus passes"),
    ("2020-09-16", "SEND Response to Covid", "A report on DBS compliance to be provided.", "The Chief Executive has commissioned an investigation."),
    ("2020-09-16", "SEND Response to Covid", "A report on how schools notify problems", "Weekly calls are undertaken with special schools"),
    ("2020-09-16", "Other Urgent Business", "An informal meeting of the committee to be arranged", "Held this on the 16th October 2020."),
    ("2020-10-28", "SEND WSOA Update", "Scrutiny to be kept updated on the self-assessments.", ""),
    ("2020-10-28", "SEND WSOA Update", "Dr Tim O'Neill will look at what the Local Offer does", "The new BCC Local Offer website is on track"),
    ("2020-10-28", "SEND WSOA Update", "An update and overview of the commissioning piece", "Compliance assessment against the minimums standards"),
    ("2020-10-28", "SEND WSOA Update", "An overview of the relationships and how families", "Parent Link Officers work alongside all agencies"),
    ("2020-10-28", "SEND WSOA Update", "Information on the remedial action plan", "As a starting point to restarting this service"),
    ("2020-10-28", "SEND WSOA Update", "Confirmation as to whether the refreshed SEND Strategy", ""),
    ("2020-10-28", "SEND WSOA Update", "Officers to check whether the completed baseline", ""),
    ("2020-10-28", "SEND WSOA Update", "Details on the reduction of mediations", ""),
    ("2020-10-28", "SEND WSOA Update", "Alan Michell to be invited to a meeting", "Programmed for the 20th January 2021 committee meeting."),
    ("2020-10-28", "SEND WSOA Update", "The SEND Improvement Board reports to be sent", ""),
    ("2020-10-28", "SEND WSOA Update", "The committee to have regular updates on progress", "Marie Dobson to action"),
    ("2020-10-28", "SEND WSOA Update", "The Chair requested the committee be forwarded copies", "Members e-mailed the Family Support Strategic"),
    ("2020-10-28", "SEND WSOA Update", "Clarity on how parents and carers are elected", ""),
    ("2020-10-28", "Youth Service", "Update on the early help and prevention strategy", ""),
    ("2020-10-28", "Youth Service", "What portion, if any, of the Government's Covid support money", ""),
    ("2020-10-28", "Youth Service", "Timeline and plan for the Commonwealth Games", ""),
    ("2020-10-28", "Youth Service", "The Youth Service to be invited back in the Spring", ""),
    ("2020-10-28", "Other Urgent Business", "Exclusions to be added to the work programme.", "Programmed for the 20th January 2021 committee meeting."),
]


def _action_matches(row, want) -> bool:
    date, item, action, _ = want
    return (row.meeting_date, _norm(row.item)) == (date, _norm(item)) and _norm(row.action).startswith(_norm(action))


def test_action_tracker_rows_date_item_and_action(records):
    found = records[PACK_2020].actions
    precision, recall, extra, missed = _precision_recall(found, EXPECTED_ACTIONS, _action_matches)
    _report("action tracker rows", precision, recall, [(r.meeting_date, r.item, r.action[:50]) for r in extra], missed)
    assert precision >= FLOOR and recall >= FLOOR


def test_action_tracker_updates_go_with_their_actions(records):
    """Update accuracy, reported apart: where PDF extraction interleaved two rows' cells (001
    lines 626-651: two actions, then both updates) the later action takes both updates."""
    found = records[PACK_2020].actions
    right = 0
    for want in EXPECTED_ACTIONS:
        row = next((r for r in found if _action_matches(r, want)), None)
        if row is not None and (_norm(row.update).startswith(_norm(want[3])) if want[3] else not row.update):
            right += 1
    accuracy = right / len(EXPECTED_ACTIONS)
    print(f"\naction tracker updates: {right}/{len(EXPECTED_ACTIONS)} right ({accuracy:.3f})")
    assert accuracy >= FLOOR


def test_tracker_rows_keep_their_passage_without_page_headers(records):
    row = next(r for r in records[PACK_2020].actions if r.action.startswith("A short report"))
    assert "programme that the council will take forward" in row.update  # across 001:604-611
    assert "ACTION TRACKER" not in row.text and "Item 4" not in row.text
    assert row.source == PACK_2020 and row.page is not None and row.tracker_date == "2020-12-09"


@pytest.mark.parametrize("update, status", [
    ("", "open"),
    ("E-mailed Members the information on 25th August 2020.", "done"),
    ("Members e-mailed the Family Support Strategic Management Meetings paper on the 17th November 2020.", "done"),
    ("Letter sent on 25th September 2020 and response received from Cllr Francis.", "done"),
    ("Held this on the 16th October 2020.", "done"),
    ("Programmed for the 20th January 2021 committee meeting.", "in progress"),
    ("Marie Dobson to action", "in progress"),
    ("The new BCC Local Offer website is on track to being completed by 30th November 2020.", "in progress"),
])
def test_action_status_rule(update, status):
    assert action_status(update) == status


@pytest.mark.parametrize("cell, column", [
    ("A report on DBS compliance to be provided.", "action"),
    ("Officers to check and report back on the answer.", "action"),
    ("The Chair requested the committee be forwarded copies of the minutes.", "action"),
    ("WSoA Action Plan and Progress", "action"),
    ("What portion, if any, of the Government's Covid support money was allocated?", "action"),
    ("The Chief Executive has commissioned an investigation.", "update"),
    ("Weekly calls are undertaken with special schools.", "update"),
    ("As a starting point to restarting this service there were 19 cases", "update"),
    ("75% of requested mediation is from Kids, 15% is from SEN Mediation", "update"),
    ("Marie Dobson to action", "update"),
    ("programme that the council will take forward.", "continue"),
    ("• Teachers - 849", "continue"),
    ("To this end, a report will be issued.", "continue"),
])
def test_tracker_cell_column_rules(cell, column):
    assert _classify(cell) == column


# -- people lists ----------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, single, expected", [
    ("Councillor Kath Scott (Chair)", True, [("Kath Scott", True, "Chair")]),
    ("Councillor Barry Bowles [Acting Chair]", True, [("Barry Bowles", True, "Acting Chair")]),
    ("Dr Tim O'Neill, Director, Education and Skills", True,
     [("Dr Tim O'Neill", False, "Director, Education and Skills")]),
    ("Councillors: Sue Anderson, Matt Bennett and Alex Yip.", False,
     [("Sue Anderson", True, None), ("Matt Bennett", True, None), ("Alex Yip", True, None)]),
    ("Other Voting Representatives: Evette Clarke, Parent Governor and Sarah Smith, Church of England Diocese.",
     True, [("Evette Clarke", False, "Parent Governor"), ("Sarah Smith", False, "Church of England Diocese")]),
    ("Councillor Susan Barnett and Samera Ali, Parent Governor Representative.", False,
     [("Susan Barnett", True, None), ("Samera Ali", False, "Parent Governor Representative")]),
    ("None.", False, []),
    # A comma list of names, each with its letters after it (Irish minutes): one person each.
    ("K. Sheahan, M.C.C., S. Keary, M.C.C., D. Naughton, M.C.C.", True,
     [("K. Sheahan", False, "M.C.C."), ("S. Keary", False, "M.C.C."), ("D. Naughton", False, "M.C.C")]),
    ("K. Butler, S.O., M. O'Brien, S.E.E., G. Liston, E.E.", True,
     [("K. Butler", False, "S.O."), ("M. O'Brien", False, "S.E.E."), ("G. Liston", False, "E.E")]),
    ("Councillor John Sheahan, M.C.C.", True, [("John Sheahan", True, "M.C.C")]),
    ("Colm Ward, Limerick Leader", True, [("Colm Ward", False, "Limerick Leader")]),
    ("Dawn Roberts, AD, Early Help", True, [("Dawn Roberts", False, "AD, Early Help")]),
    ("Cllr. Azad Talukder Cilr. PJ Carey", True, [("Azad Talukder", True, None), ("PJ Carey", True, None)]),
    ("Councillors Daly (Chairperson), Butler, Ó Ceallaigh", False,
     [("Daly", True, "Chairperson"), ("Butler", True, None), ("Ó Ceallaigh", True, None)]),
    # titles leading the names (United States and Australian minutes): a plural title titles each
    # name after it; a chair's title is the capacity; every titled person is a member
    ("Mayor Ann Vole, Mayor Pro Tem Bo Park, Councilmembers Cy Lund, Di Moss and Ed Nye", True,
     [("Ann Vole", True, "Mayor"), ("Bo Park", True, "Mayor Pro Tem"), ("Cy Lund", True, None),
      ("Di Moss", True, None), ("Ed Nye", True, None)]),
    ("Councilmembers Lund, Moss, Mayor Pro Tem Park and Mayor Vole", True,
     [("Lund", True, None), ("Moss", True, None), ("Park", True, "Mayor Pro Tem"), ("Vole", True, "Mayor")]),
    ("6 - Mayor Vole, Councilmember Lund and Council Member Moss", True,
     [("Vole", True, "Mayor"), ("Lund", True, None), ("Moss", True, None)]),
    ("Cr Jan Toll (Deputy Mayor, in the Chair), Cr Kit Ames, Cr Lou Birt", True,
     [("Jan Toll", True, "Deputy Mayor, in the Chair"), ("Kit Ames", True, None), ("Lou Birt", True, None)]),
    ("Chair Ida Roe, Vice Chair Max Fenn, Commissioners Ola Berg and Pia Holt", True,
     [("Ida Roe", True, "Chair"), ("Max Fenn", True, "Vice Chair"), ("Ola Berg", True, None),
      ("Pia Holt", True, None)]),
    ("1 - Councilmember Lund, participating by teleconference from a hotel", True,
     [("Lund", True, "participating by teleconference from a hotel")]),
    ("Cllr. Ann Ryan, Mr. P.J O'Hara, Cllr. Bo Walsh", True,
     [("Ann Ryan", True, None), ("Mr. P.J O'Hara", False, None), ("Bo Walsh", True, None)]),
    # the list's sentence ends: what follows is another list, not the last member's capacity
    ("Councillor Ann Vole (Chair); Councillors Bo Park and Cy Lund (substitute for Councillor Di Moss). "
     "Co-opted member: Mr Ed Nye, Independent Person", True,
     [("Ann Vole", True, "Chair"), ("Bo Park", True, None), ("Cy Lund", True, "substitute for Councillor Di Moss")]),
    # an untitled name outside a plural title's list: not this form (read as before)
    ("Councillor A. Byrne and B. Walsh, Director", True, [("A. Byrne and B. Walsh", True, "Director")]),
    ("Ms Ann Vole (Independent Member, via video link)", True, [("Ms Ann Vole", False, "Independent Member, via video link")]),
])
def test_people_lists(entry, single, expected):
    people = [(p.name, p.councillor, p.capacity) for p in parse_people(entry, single=single)]
    assert people == expected


CHAIR_TITLES = frozenset(["cathaoirleach", "mayor", "chairperson"])


@pytest.mark.parametrize("entry, expected", [
    ("Councillor M. Collins, An Cathaoirleach.", [("M. Collins", True, "An Cathaoirleach")]),
    ("An Cathaoirleach, Councillor M. Collins.", [("M. Collins", True, "An Cathaoirleach")]),
    ("The Mayor, Councillor D. Butler", [("D. Butler", True, "The Mayor")]),
    ("The Chairman, Councillor J. Smith", [("J. Smith", True, "The Chairman")]),
    ("Councillor J. Collins, Mayor.", [("J. Collins", True, "Mayor")]),
    # nobody named beside the title: the minutes say no more, so neither does the row
    ("An Cathaoirleach.", [("An Cathaoirleach", False, None)]),
])
def test_a_chair_title_beside_a_name_is_that_members_capacity(entry, expected):
    people = [(p.name, p.councillor, p.capacity)
              for p in parse_people(entry, single=True, titles=CHAIR_TITLES)]
    assert people == expected


@pytest.mark.parametrize("entry, expected", [
    ("Councillors M. Ryan, R. O’Donoghue, T.D. and D. Dunne, ADAPT",
     [("M. Ryan", True, None), ("R. O’Donoghue", True, "T.D"), ("D. Dunne", False, "ADAPT")]),
    ("Councillors K. Sheahan, Brian Leddin, T.D. and C. Flynn, Limerick Public Participation Network",
     [("K. Sheahan", True, None), ("Brian Leddin", True, "T.D"),
      ("C. Flynn", False, "Limerick Public Participation Network")]),
    ("Councillors Hannah Fairweather and Imran Gulzar. Councillor Tunde Oyelaran attended as a substitute",
     [("Hannah Fairweather", True, None), ("Imran Gulzar", True, None)]),
    ("Councillor F. Foley and Senior Executive Engineer G. O'Connor",
     [("F. Foley", True, None), ("G. O'Connor", False, "Senior Executive Engineer")]),
    # each name with its own title, joined by "and"
    ("Cllr Donegan and Cllr O'Donnell.", [("Donegan", True, None), ("O'Donnell", True, None)]),
    ("", []),
    # United States and Australian titles; a bracket's comma is inside the note, not a new person
    ("Council Member Park (excused, family matter).", [("Park", True, None)]),
    ("1 - Councilmember Lund", [("Lund", True, None)]),
    ("the Mayor, Cr Vole", [("Vole", True, None)]),
    ("Mr Ed Nye, Independent Member", [("Ed Nye", False, "Independent Member")]),
])
def test_apologies_lists_keep_letters_and_bodies_off_the_people(entry, expected):
    assert [(p.name, p.councillor, p.capacity) for p in absent_people(entry)] == expected


@pytest.mark.parametrize("lines, expected", [
    # The 2014 Rathkeale Area Committee minutes: a list wrapped after a lone initial, then a heading
    # of people who did not attend as members.
    (["Members Present: K. Sheahan, M.C.C., S. Keary, M.C.C., D.", "", "Naughton, M.C.C.", "",
      "Officials Present: K. Butler, S.O., M. O’Brien, S.E.E., T.", "", "McKechnie, S.E.E.", "", "Press:", "",
      "Colm Ward, Limerick Leader"],
     [("present", ["K. Sheahan, M.C.C., S. Keary, M.C.C., D. Naughton, M.C.C."]),
      ("officials", ["K. Butler, S.O., M. O'Brien, S.E.E., T. McKechnie, S.E.E."])]),
    (["An apology for her inability to attend the Meeting was received from Councillor Elena", "", "Secas.",
      "", "OFFICIALS IN ATTENDANCE:"],
     [("apologies", ["Councillor Elena Secas."]), ("officials", [])]),
    (["Present: Councillor A. Smith.", "", "The Chair welcomed everyone to the meeting of the committee."],
     [("present", ["Councillor A. Smith."])]),
    # one person a line, each "Title Name (Role)": an entry each
    (["PRESENT:        Ms Ann Vole (Independent Chair)", "                Mr Bo Park (Independent Member)",
      "                Cr Cy Lund (Councillor Member, non-voting)"],
     [("present", ["Ms Ann Vole (Independent Chair)", "Mr Bo Park (Independent Member)",
                   "Cr Cy Lund (Councillor Member, non-voting)"])]),
    # columns set apart by a wide gap: "name, role" a row
    (["Members present:", "  Ms Ann Vole      Independent Chair", "  Cr Cy Lund       Councillor Member",
      "", "Apologies:", "  Mr Bo Park        Independent Member"],
     [("present", ["Ms Ann Vole, Independent Chair", "Cr Cy Lund, Councillor Member"]),
      ("apologies", ["Mr Bo Park, Independent Member"])]),
    # a name the label's line broke off is finished by the next line
    (["Commissioners Present:  Chair Ida Roe, Vice Chair Max", "     Fenn, Commissioners Ola Berg"],
     [("present", ["Chair Ida Roe, Vice Chair Max Fenn, Commissioners Ola Berg"])]),
    # a line ending on a title and a first name, a blank line, then the surname (PDF text)
    (["PRESENT:", "", "Cllr. Ann Vole, Cllr. Michael", "", "Hourigan, Cllr. Bo Park."],
     [("present", ["Cllr. Ann Vole, Cllr. Michael Hourigan, Cllr. Bo Park."])]),
    # a heading in capitals after the list's full stop ends it
    (["Staff: Ann Vole, Planner; Bo Park, Engineer.", "PUBLIC COMMENT"],
     [("officials", ["Ann Vole, Planner; Bo Park, Engineer."])]),
])
def test_attendance_list_entries(lines, expected):
    rows = [Line(n, text, kind="text" if text else "blank") for n, text in enumerate(lines, start=1)]
    sections = find_sections(rows, load_conventions())
    assert [(section.role, entry_texts(section)) for section in sections] == expected


@pytest.mark.parametrize("source, expected", [
    # a web page's attendance table (name | role | attendance)
    ("Minutes of the Audit Committee held on 18 July 2023\nAttendee | Role | Attendance\n"
     "Councillor Julie Hartnell | Committee Member | Present\n"
     "Councillor Sophie Quirke | Committee Member | Apologies\n"
     "Mr Colin Wemyss | Independent Person | Absent\n1. Minutes\n",
     [("present", "Julie Hartnell"), ("apologies", "Sophie Quirke"), ("absent", "Mr Colin Wemyss")]),
    # a DOCX two-cell row: "Regrets: | Councillor T. Beaulieu"
    ("Minutes of the Planning Committee held on 14 March 2023\nPresent: | Councillor S. Klassen, Chair\n"
     "Present (electronic participation): | Councillor J. Salazar\nRegrets: | Councillor T. Beaulieu\n1. Call to Order\n",
     [("present", "S. Klassen"), ("remote", "J. Salazar"), ("apologies", "T. Beaulieu")]),
])
def test_attendance_tables_and_label_cells(tmp_path, source, expected):
    path = tmp_path / "minutes.txt"
    path.write_text(source, encoding="utf-8")
    _, _, found = parse_file(load_file(path, Settings()), Settings())
    assert [(r.role, r.name) for r in found.attendance] == expected


@pytest.mark.parametrize("source, expected", [
    # "Name, Role" parts a semicolon apart (North American minutes)
    ("Minutes of the City Council held on 24 January 2023\nPresent: Mayor D. Marchetti\n"
     "Staff: C. Amadi, Chief Administrative Officer; L. Gagnon, City Clerk; R. Fenwick, City Solicitor; "
     "D. Ferreira, Treasurer\n1. Call to Order\n",
     [("C. Amadi", "Chief Administrative Officer"), ("L. Gagnon", "City Clerk"),
      ("R. Fenwick", "City Solicitor"), ("D. Ferreira", "Treasurer")]),
    # "Name (Role)" parts joined by commas and "and"
    ("Minutes of the Audit Committee held on 15 November 2022\nPresent: Councillor P. Nkemelu (Chair)\n"
     "Officers: Deborah Ashcroft (Director of Finance and Section 151 Officer), Nathan Pryce (Head of "
     "Audit and Risk) and Tom Eckersley (Democratic Services Officer)\n1. Minutes\n",
     [("Deborah Ashcroft", "Director of Finance and Section 151 Officer"),
      ("Nathan Pryce", "Head of Audit and Risk"), ("Tom Eckersley", "Democratic Services Officer")]),
    # a web page's table of those also in attendance, which the items table follows
    ("Minutes of the Audit Committee held on 18 July 2023\nPresent: Councillor P. Nkemelu (Chair)\n"
     "Also in attendance\nDeborah Ashcroft | Director of Finance\nPriya Sandhu | Chief Accountant\n"
     "Items\nNo. | Item\n1/23 | Minutes\n",
     [("Deborah Ashcroft", "Director of Finance"), ("Priya Sandhu", "Chief Accountant")]),
    # the role printed before each name (United States staff lists), commas or semicolons apart
    ("CITY COUNCIL MINUTES\nRegular Meeting of 9 July 2024\nPresent: Mayor Vole, Councilmember Lund\n"
     "Also present: City Manager Ann Holt, City Attorney Bo Rusk; Police Chief Quill\n1. Call to Order\n",
     [("Ann Holt", "City Manager"), ("Bo Rusk", "City Attorney"), ("Quill", "Police Chief")]),
    # officers one to a line, "Name (Role)"
    ("Minutes of the Audit Committee held on 15 November 2022\nPresent: Councillor P. Nkemelu (Chair)\n"
     "IN ATTENDANCE:  Ann Holt (General Manager)\n                Bo Rusk (Chief Financial Officer)\n"
     "                Cy Dunn (Governance Coordinator)\n1. Minutes\n",
     [("Ann Holt", "General Manager"), ("Bo Rusk", "Chief Financial Officer"), ("Cy Dunn", "Governance Coordinator")]),
])
def test_a_staff_list_names_each_officer_with_their_post(tmp_path, source, expected):
    path = tmp_path / "minutes.txt"
    path.write_text(source, encoding="utf-8")
    _, _, found = parse_file(load_file(path, Settings()), Settings())
    staff = [(r.name, r.capacity) for r in found.attendance if r.role in ("officials", "also present")]
    assert staff == expected
    assert not any(r.councillor for r in found.attendance if r.role in ("officials", "also present"))


@pytest.mark.parametrize("name, source, expected", [
    # the roll call taken as an item of its own (United States minutes), the count before the names
    ("roll-call-item",
     "CITY COUNCIL\nMINUTES OF THE REGULAR MEETING OF 9 JULY 2024\n\n1. CALL TO ORDER\n\n"
     "The Mayor called the meeting to order at 6:00 p.m.\n\n2. ROLL CALL\n\n"
     "Present: 3 - Mayor Vole, Councilmember Lund and Councilmember Moss\n"
     "Remote: 1 - Councilmember Nye, by teleconference\nAbsent at roll call: 1 - Councilmember Park\n\n"
     "3. PUBLIC COMMENT\n\nNone.\n",
     [("present", "Vole", True), ("present", "Lund", True), ("present", "Moss", True),
      ("remote", "Nye", True), ("absent", "Park", True)]),
    # the apology accepted by resolution in the Apologies item (Australian minutes)
    ("apology-of-resolution",
     "MINUTES OF THE ORDINARY COUNCIL MEETING HELD ON 9 JULY 2024 AT 5.00PM\n\n"
     "PRESENT: Cr Ann Vole (Mayor), Cr Cy Lund, Cr Di Moss\n\n1   Opening of Meeting\n\nOpened.\n\n"
     "2   Apologies and Applications for Leave of Absence\n\nRESOLUTION 2024/001\n"
     "Moved: Cr Lund    Seconded: Cr Moss\n"
     "That the apology of Cr Bo Park, who is overseas, be accepted.\nCARRIED\n\n3   Disclosures of Interest\n\nNil.\n",
     [("present", "Ann Vole", True), ("present", "Cy Lund", True), ("present", "Di Moss", True),
      ("apologies", "Bo Park", True)]),
])
def test_roll_calls_and_apologies_inside_items_give_attendance(tmp_path, name, source, expected):
    path = tmp_path / f"{name}.txt"
    path.write_text(source, encoding="utf-8")
    found = parse_file(load_file(path, Settings()), Settings()).records.attendance
    assert [(r.role, r.name, r.councillor) for r in found] == expected


def test_each_item_row_of_a_web_page_of_minutes_is_read_on_its_own():
    rows = ["Items", "No. | Item",
            "47. | Minutes Minutes: RESOLVED: That the minutes of the meeting held on 15 November 2022 be approved.",
            "48. | Loan Facility Minutes: It was moved by Councillor Holloway and seconded by Councillor Nkemelu "
            "that the recommendations be approved. RESOLVED: That the loan facility be increased.",
            "49. | Fleet Fuel Cards Minutes: RESOLVED: That the update be noted."]
    lines = [Line(n, text) for n, text in enumerate(rows, start=1)]
    motions = find_motions(reflow(_rows_apart(lines)), load_conventions())
    assert [(m.proposer, m.seconder, m.decision[:20]) for m in motions] == [
        (None, None, "That the minutes of "), ("Holloway", "Nkemelu", "That the loan facili"),
        (None, None, "That the update be n")]


def test_motions_printed_a_label_a_line_without_blank_lines_are_read_apart():
    rows = ["6.1 Zoning By-law Amendment Application Z-2022-14", "Moved by Councillor Beaulieu",
            "Seconded by Councillor Lindqvist", "THAT Council approve the application.",
            "Moved by Councillor Whitfield", "Seconded by Councillor Duquette",
            "THAT the motion be amended by adding a height limit.", "Recorded Vote on the Amendment:",
            "Yeas: Councillor Duquette, Mayor Okafor, Councillor Raman, Councillor Whitfield (4)",
            "Nays: Councillor Beaulieu, Councillor Lindqvist (2)", "Motion Passed (4 to 2)"]
    lines = [Line(n, text) for n, text in enumerate(rows, start=1)]
    conventions = load_conventions()
    motions = find_motions(_labels_apart(reflow(lines), lines, conventions), conventions)
    assert [(m.proposer, m.seconder, m.outcome, m.votes["for"], m.votes["against"]) for m in motions] == [
        ("Beaulieu", "Lindqvist", "agreed", None, None), ("Whitfield", "Duquette", "carried", 4, 2)]


def test_documents_without_meetings_give_no_rows(records):
    for name in ("000_6c07806dc7cc9196.txt", "004_5bd570638586239f.txt"):
        assert records[name].counts() == dict.fromkeys(records[name].counts(), 0)


# -- the store -------------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path, records):
    store = RecordsStore(tmp_path / "records.sqlite")
    for name in (PACK_2020, PACK_2018, MINUTES_DEC):
        store.replace_file(f"/corpus/{name}", name, records[name])
    yield store
    store.close()


def test_every_row_carries_source_and_passage_text(store):
    for kind in ("meetings", "items", "decisions", "attendance", "actions"):
        rows = store.query(kind)
        assert rows and all(row["source"] and row["text"] for row in rows), kind


def test_query_by_meeting_committee_and_search(store):
    assert len(store.query("decisions", meeting="2020-10-28")) == 6
    assert len(store.query("decisions", meeting="2020-12-09")) == 5
    # The 2018 minutes print the committee's earlier name; its alias finds them.
    old = store.query("decisions", committee="schools, children and families overview and scrutiny committee")
    assert {row["meeting_date"] for row in old} >= {"2018-01-08", "2018-01-17"}
    assert store.query("decisions", committee="no such committee") == []
    parenting = store.query("decisions", search="CORPORATE PARENTING")
    assert [(row["meeting_date"], row["item"]) for row in parenting] == [("2020-12-09", "5")]
    # search also reads the passage a row came from ("Apologies were submitted on behalf of ...")
    assert [row["name"] for row in store.query("attendance", meeting="2020-12-09", search="apolog")] == \
        ["Omar Hanif", "Adam Hardy"]
    assert len(store.query("actions", date_from="2020-10-01", date_to="2020-10-31")) >= 17


def test_a_committee_query_normalises_each_distinct_name_once_however_many_rows_carry_it(store, monkeypatch):
    from vectorstore import records as records_module

    everything = store.query("attendance")
    expected = store.query("attendance", committee="schools, children and families overview and scrutiny committee")
    normalised = []
    real = records_module.normalise_name
    monkeypatch.setattr(records_module, "normalise_name", lambda name: normalised.append(name) or real(name))
    found = store.query("attendance", committee="schools, children and families overview and scrutiny committee")
    assert found == expected and found
    names = {row.get(key) or "" for row in everything for key in ("committee", "committee_printed")}
    asked = len(normalised) - len(names)  # the committee asked for and its aliases
    assert len(set(normalised)) <= len(names) + asked and 0 <= asked <= 5
    assert len(normalised) < len(everything)


def test_replace_file_replaces_and_remove_file_removes(store, records):
    path = f"/corpus/{MINUTES_DEC}"
    store.replace_file(path, MINUTES_DEC, records[MINUTES_DEC])
    assert len(store.query("decisions", meeting="2020-12-09")) == 5  # not doubled
    store.replace_file(path, MINUTES_DEC, Records(decisions=records[MINUTES_DEC].decisions[:2]))
    assert len(store.query("decisions", meeting="2020-12-09")) == 2
    assert store.query("attendance", meeting="2020-12-09") == []
    assert store.remove_file(path) is True
    assert store.query("decisions", meeting="2020-12-09") == []
    assert store.remove_file(path) is False
    assert len(store.query("decisions", meeting="2020-10-28")) == 6  # other files untouched


def test_kept_rows_answer_as_sqlite_does_and_follow_every_write(store, records, tmp_path):
    """A query of every meeting keeps the kind's decoded rows; later queries read them until the
    database changes, by this store or by another connection (an ingest in another process)."""
    everything = store.query("decisions")  # keeps the decoded rows
    for dates in ({"meeting": "2020-12-09"}, {"date_from": "2020-10-01", "date_to": "2020-12-31"},
                  {"date_to": "2018-12-31"}):
        fresh = RecordsStore(store.path)  # nothing kept: each query reads SQLite
        assert store.query("decisions", **dates) == fresh.query("decisions", **dates), dates
        fresh.close()
    assert store.query("decisions") == everything
    path = f"/corpus/{MINUTES_DEC}"
    store.replace_file(path, MINUTES_DEC, Records(decisions=records[MINUTES_DEC].decisions[:2]))
    assert len(store.query("decisions", meeting="2020-12-09")) == 2
    assert len(store.query("decisions")) == len(everything) - 3  # kept again, after the write
    other = RecordsStore(store.path)
    other.remove_file(path)
    other.close()
    assert store.query("decisions", meeting="2020-12-09") == []
    assert len(store.query("decisions")) == len(everything) - 5


def test_keep_returns_only_the_rows_it_accepts(store):
    kept = store.query("attendance", keep=lambda row: row.get("role") == "apologies")
    assert kept and kept == [row for row in store.query("attendance") if row["role"] == "apologies"]


def test_store_of_schema_1_is_upgraded_in_place_with_every_row_unchanged(store, tmp_path):
    """The first releases kept each row's JSON with its passage text inline, keyed by path."""
    import json
    import sqlite3

    from vectorstore.records import KINDS

    rows = {kind: store.query(kind) for kind in KINDS}
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript("""CREATE TABLE records (path TEXT NOT NULL, kind TEXT NOT NULL,
            ordinal INTEGER NOT NULL, committee TEXT, meeting_date TEXT, data TEXT NOT NULL,
            PRIMARY KEY (path, kind, ordinal));
            CREATE INDEX records_kind_date ON records (kind, meeting_date);""")
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", [
            (f"/corpus/{row['source']}", kind, n, row.get("committee"), row.get("meeting_date"), json.dumps(row))
            for kind, kind_rows in rows.items() for n, row in enumerate(kind_rows)])
    upgraded = RecordsStore(old)
    try:
        assert {kind: upgraded.query(kind) for kind in KINDS} == rows
        assert upgraded.remove_file(f"/corpus/{MINUTES_DEC}") is True
        assert upgraded.query("decisions", meeting="2020-12-09") == []
    finally:
        upgraded.close()


def test_rows_of_one_passage_share_its_stored_text(store):
    """A "Present:" list gives a row per person; its passage is stored once for all of them."""
    from vectorstore.records import KINDS

    rows = [row for kind in KINDS for row in store.query(kind)]
    passages = store._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    assert passages == len({(row["source"], row["text"]) for row in rows}) < len(rows)


def test_unknown_kind_is_refused(store):
    with pytest.raises(ValueError):
        store.query("votes")


# -- routing and answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("question, kind, label", [
    ("List every decision of the 28 October 2020 meeting", "decisions", "decisions"),
    ("What were the resolutions of the meeting on 9 December 2020?", "decisions", "decisions"),
    ("What did the committee decide on 17 January 2018?", "decisions", "decisions"),
    ("What has the committee resolved about corporate parenting?", "decisions", "decisions"),
    ("Who sent apologies on 9 December 2020?", "attendance", "apologies"),
    ("Who attended the meeting on 28 October 2020?", "attendance", "attendance"),
    ("Who was present at the 17 January 2018 meeting?", "attendance", "attendance"),
    ("Which declarations of interest were made at the 28 October 2020 meeting?", "attendance",
     "declarations of interest"),
    ("Did Councillor Yip declare an interest?", "attendance", "declarations of interest"),
    ("Which actions from the tracker are still open?", "actions", "outstanding actions"),
    ("List the outstanding actions", "actions", "outstanding actions"),
])
def test_structured_questions_route_to_the_store(question, kind, label):
    route = classify(question)
    assert route is not None and (route.kind, route.label) == (kind, label)


@pytest.mark.parametrize("question", [
    "What was KPI 13 in October 2020?",
    "Why was the Youth Service discussed?",
    "How much did the Trust overspend in Year 2?",
    "What did Ofsted say about the focused visit?",
    # another body's decisions, or one decision: retrieval quotes the passage that reports it
    "What did Cabinet decide about the Children's Trust in 2018?",
    "What did the council's leadership team decide when it considered the report on 14 December?",
    # who came for one item is in the agenda and the item's minutes, not the attendance list
    "Who was listed to attend for the Children's Trust update on the 9 December 2020 agenda?",
])
def test_ordinary_questions_do_not_route(question):
    assert classify(question) is None


def test_actions_of_one_item_are_those_listed(store):
    answer = answer_from_records(
        "Which actions from the Youth Service item of 28 October 2020 are on the action tracker?",
        None, store)
    rows = answer.sentences[1:]
    assert 0 < len(rows) < 6, "only the Youth Service item's actions"
    assert all("Youth Service" in answer.citations[s.citations[0]].text or
               "youth service" in s.text.lower() for s in rows)
    assert any("Commonwealth Games" in s.text for s in rows)


def test_decisions_of_a_meeting_are_all_listed_and_cited(store):
    answer = answer_from_records("List every decision of the 28 October 2020 meeting", None, store)
    assert answer.route == "records" and not answer.abstained
    rows = answer.sentences[1:]
    assert len(rows) == 6 and all(len(s.citations) == 1 for s in rows)
    for sentence in rows:
        passage = answer.citations[sentence.citations[0]]
        assert passage.source == PACK_2020 and passage.meeting_date == "2020-10-28"
        assert passage.is_decision and "RESOLVED" in passage.text
    assert "Exclusions to be added to the work programme." in answer.answer
    assert answer.filters.date_from == answer.filters.date_to == "2020-10-28"


def test_apologies_answer_names_each_person_once_with_a_shared_passage(store):
    answer = answer_from_records("Who sent apologies on 9 December 2020?", None, store)
    assert "Omar Hanif" in answer.answer and "Adam Hardy" in answer.answer
    assert len(answer.sentences) == 3 and len(answer.citations) == 1
    assert "Apologies were submitted on behalf of Omar Hanif" in answer.citations[1].text


def test_open_actions_exclude_delivered_ones(store):
    answer = answer_from_records("Which actions from the tracker are still open?", None, store)
    assert "Clarity on how parents and carers are elected" in answer.answer
    assert "SEND Dashboard" not in answer.answer  # e-mailed to Members: done
    assert all(answer.citations[n].doc_type == "action_tracker" for n in answer.citations)


def test_decisions_on_a_topic(store):
    answer = answer_from_records("What has the committee resolved about corporate parenting?", None, store)
    assert len(answer.sentences) == 2
    assert "engage Members as corporate parents" in answer.answer


def test_a_topic_with_a_date_lists_only_that_topics_decisions_of_that_meeting(store):
    answer = answer_from_records(
        "What did the committee resolve about the Children's Trust update in December 2020?", None, store)
    assert len(answer.sentences) == 2  # the header line and the one decision
    assert "CHILDREN'S TRUST UPDATE" in answer.answer and "WORK PROGRAMME" not in answer.answer


def test_declarations_of_a_named_member(store):
    answer = answer_from_records("Did Councillor Yip declare an interest?", None, store)
    assert {s.text.split(":")[0] for s in answer.sentences[1:]} == {"28 October 2020", "8 January 2018"}


def test_caller_committee_filter_applies(store):
    assert answer_from_records("List all decisions of the committee", Filters(committee="City Council"), store) is None


def test_no_rows_or_no_meeting_falls_back_to_retrieval(store):
    assert answer_from_records("List every decision of the 1 March 2019 meeting", None, store) is None
    assert answer_from_records("Who attended?", None, store) is None
    assert answer_from_records("What was KPI 13 in October 2020?", None, store) is None


class _ChunkIndex:
    """An index holding one chunk around every attendance list of the store's files."""

    def __init__(self, store, spare: int = 3):
        self.chunks = {}
        for row in store.query("attendance"):
            key = (row["source"], row["path"])
            first, last, texts = self.chunks.get(key, (row["line_start"], row["line_end"], []))
            self.chunks[key] = (min(first, row["line_start"] - spare), max(last, row["line_end"] + spare),
                                texts + [row["text"]])

    def passages_of_files(self, paths):
        return [Passage(id=f"chunk:{source}", text="MEETING HEADING\n" + "\n".join(texts), source=source,
                        path=path, metadata={"line_start": first, "line_end": last})
                for (source, path), (first, last, texts) in self.chunks.items() if path in paths]


def test_records_with_the_index_cite_the_chunk_holding_the_rows(store):
    answer = answer_from_records("Who sent apologies on 9 December 2020?", None,
                                 PassageRecords(store, _ChunkIndex(store)))
    assert "Omar Hanif" in answer.answer and len(answer.citations) == 1
    cited = answer.citations[1]
    assert cited.id.startswith("chunk:") and cited.text.startswith("MEETING HEADING")
    assert "Apologies were submitted on behalf of Omar Hanif" in cited.text


def test_a_row_no_chunk_holds_keeps_its_own_text_as_passage(store):
    index = _ChunkIndex(store)
    cut = min(row["line_end"] for row in store.query("attendance") if row["role"] == "apologies"
              and row["meeting_date"] == "2020-12-09")
    index.chunks = {key: (first, cut - 1, texts) for key, (first, last, texts) in index.chunks.items()}
    answer = answer_from_records("Who sent apologies on 9 December 2020?", None, PassageRecords(store, index))
    assert answer.citations[1].id.startswith("records:")
    assert "Apologies were submitted on behalf of Omar Hanif" in answer.citations[1].text


def test_of_chunks_sharing_one_line_range_the_one_quoting_the_row_is_cited(store):
    """An OCR page of a few very long lines gives several chunks the same line range."""
    rows = [row for row in store.query("attendance") if row["role"] == "apologies"
            and row["meeting_date"] == "2020-12-09"]
    first, last = min(r["line_start"] for r in rows) - 5, max(r["line_end"] for r in rows) + 5
    path, source = rows[0]["path"], rows[0]["source"]

    class _SharedRangeIndex:
        def passages_of_files(self, paths):
            unit = {"line_start": first, "line_end": last}
            return [Passage(id="chunk:short", text="Noise barriers are only partly effective.",
                            source=source, path=path, metadata=unit),
                    Passage(id="chunk:quoting", text="Opening remarks.\n" + "\n".join(r["text"] for r in rows),
                            source=source, path=path, metadata=unit)]

    cited = PassageRecords(store, _SharedRangeIndex()).passages_of(rows)
    assert {p.id for p in cited} == {"chunk:quoting"}


def test_of_chunks_sharing_a_web_page_row_the_one_quoting_the_decision_is_cited():
    """A web page prints an item's minutes as one line, so its chunks share one line range, and a
    decision's passage opens with the item's discussion: the chunk holding the resolution's words
    is the one cited."""
    row = {"path": "/papers/minutes.html", "source": "minutes.html", "line_start": 38, "line_end": 38,
           "text": "48. | Loan Facility Minutes: The Director reported that the valuation had been made. "
                   "RESOLVED: That the loan facility be increased to £1.2 million.",
           "decision": "That the loan facility be increased to £1.2 million."}

    class _RowIndex:
        def passages_of_files(self, paths):
            unit = {"line_start": 38, "line_end": 38}
            return [Passage(id=f"chunk:{name}", text=text, source="minutes.html", path="/papers/minutes.html",
                            metadata=unit)
                    for name, text in (("opening", row["text"][:80]), ("resolution", row["text"][60:]))]

    assert [p.id for p in PassageRecords(None, _RowIndex()).passages_of([row])] == ["chunk:resolution"]


def test_a_second_roll_call_after_an_amendment_is_the_vote_on_the_main_motion():
    """North American minutes: the amendment is moved, voted and passed, then "the main motion,
    as amended, was then put" with a roll call of its own; no blank lines in the PDF's text."""
    rows = ["6.1 Zoning By-law Amendment Application Z-2022-14", "Moved by Councillor Beaulieu",
            "Seconded by Councillor Lindqvist", "THAT Council approve the application.",
            "Moved by Councillor Whitfield", "Seconded by Councillor Duquette",
            "THAT the motion be amended by adding a height limit.", "Recorded Vote on the Amendment:",
            "Yeas: Councillor Duquette, Mayor Okafor, Councillor Raman, Councillor Whitfield (4)",
            "Nays: Councillor Beaulieu, Councillor Lindqvist (2)", "Motion Passed (4 to 2)",
            "The main motion, as amended, was then put.", "Recorded Vote on the Main Motion as Amended:",
            "Yeas: Councillor Beaulieu, Councillor Duquette, Mayor Okafor, Councillor Raman,",
            "Councillor Whitfield (5)", "Nays: Councillor Lindqvist (1)", "Motion Passed (5 to 1)"]
    lines = [Line(n, text) for n, text in enumerate(rows, start=1)]
    conventions = load_conventions()
    motions = find_motions(_labels_apart(reflow(lines), lines, conventions), conventions)
    assert [(m.proposer, m.outcome, m.votes["for"], m.votes["against"], m.names["for"], m.names["against"])
            for m in motions] == [
        ("Beaulieu", "carried", 5, 1, ["Beaulieu", "Duquette", "Okafor", "Raman", "Whitfield"], ["Lindqvist"]),
        ("Whitfield", "carried", 4, 2, ["Duquette", "Okafor", "Raman", "Whitfield"], ["Beaulieu", "Lindqvist"])]


@pytest.mark.parametrize("row, expected", [
    ("| Councillor A. Byrne | Yes |", [("A. Byrne", "for")]),
    ("| Councillor C. Dunne | Nay |", [("C. Dunne", "against")]),
    ("| Yeas | Mayor Marchetti, Councillor Beaulieu, Councillor Duquette | 3 |",
     [("Marchetti", "for"), ("Beaulieu", "for"), ("Duquette", "for")]),
    ("| Nays | Councillor Anderson, Councillor O'Rourke | 2 |", [("Anderson", "against"), ("O'Rourke", "against")]),
    ("| Absent | Councillor Whitfield | 1 |", []),
    ("| Vote | Members | Total |", []),
    ("| Member | Vote |", []),
])
def test_recorded_vote_table_rows_a_member_or_a_side_a_row(row, expected):
    from ingest.motions import _table_votes

    assert _table_votes(row, load_conventions()) == expected


def test_labels_after_a_paragraph_move_it_not_the_next_notice_of_motion():
    """District minutes print "Proposed: X" / "Seconded: Y" after what they move; the next
    notice's quotation has its own labels after it."""
    rows = ["2. Correspondence", "", "A letter requested a deputation on the bypass.", "",
            "**Proposed: Councillor Teefy**", "", "**Seconded: Councillor Ryan**", "",
            "NOTICES OF MOTION", "", "5.Notice of Motion submitted by Councillor Donegan", "",
            "“I will move at the next meeting that bus shelters be provided in Bruff.”", "",
            "**Proposed: Councillor Donegan**", "", "**Seconded: Councillor M Ryan**", "",
            "**Reply:**", "", "Active Travel will apply for a grant in January.", "",
            "6.Notice of Motion submitted by Councillor Egan", "",
            "“I will move at the next meeting that local families get planning permission.”", "",
            "**Proposed : Councillor Egan**", "", "**Seconded: Councillor Mitchell**"]
    lines = [Line(n, text, kind="text" if text else "blank") for n, text in enumerate(rows, start=1)]
    conventions = load_conventions()
    motions = find_motions(_labels_apart(reflow(lines), lines, conventions), conventions)
    moved = {m.proposer: m.decision for m in motions}
    assert "bus shelters" in moved["Donegan"]
    assert "planning permission" in moved["Egan"]
    assert "bus shelters" not in moved["Teefy"]


def test_a_lead_in_after_labels_announces_the_text_that_follows():
    rows = ["Proposed by Councillor Sheahan (J)", "", "Seconded by Councillor Collins (M)", "",
            "And agreed and resolved:", "", "**THAT** the draft Annual Budget be adopted."]
    lines = [Line(n, text, kind="text" if text else "blank") for n, text in enumerate(rows, start=1)]
    conventions = load_conventions()
    motions = find_motions(_labels_apart(reflow(lines), lines, conventions), conventions)
    assert [(m.proposer, "Annual Budget" in m.decision) for m in motions] == [("Sheahan (J)", True)]


OTHER_STYLES = Path(__file__).resolve().parent.parent / "evals" / "corpora" / "other-styles"


@pytest.fixture(scope="module")
def other_styles_records(tmp_path_factory):
    """The records store of the fictional councils' papers (HTML, text and PDF minutes), read by
    the real ingest."""
    from tests.test_people import _records_of

    store = _records_of(OTHER_STYLES, Path(__file__).parent / "fixtures" / "other_council" / "committee_aliases.toml",
                        tmp_path_factory.mktemp("narrative") / "records.sqlite")
    yield store
    store.close()


@pytest.mark.parametrize("source, start, expected", [
    ("ashworth_agc_2023-07-18_minutes.html", "an amendment to add cyber security",
     ("Gulzar", "Fairweather", "carried", 5, 1, None)),
    ("ashworth_agc_2023-07-18_minutes.html", "that the Committee recommend to Council that Code of Conduct",
     ("Ellwood", "Hartnell", "lost", 3, 3, None)),
    ("ashworth_agc_2023-07-18_minutes.html", "That Councillor Imran Gulzar be appointed Vice-Chair",
     ("Hartnell", "Fairweather", "agreed", None, None, None)),
    ("ashworth_agc_2024-01-23_minutes.txt", "moved as an amendment that the Head of Fleet Services",
     ("Gulzar", "Nkemelu", "lost", 2, 5, None)),
    ("ashworth_agc_2024-01-23_minutes.txt", "The Committee agreed, by 5 votes to 2, to refer",
     ("Ellwood", "Hartnell", "carried", 5, 2, None)),
    ("ashworth_fac_2022-11-15_minutes.pdf", "an amendment to add a further recommendation that Cabinet",
     ("Ellwood", "Hartnell", "lost", 3, 4, None)),
    ("ashworth_fac_2022-11-15_minutes.pdf", "That consideration of the variation of the loan facility",
     ("Nkemelu", "Darby", "deferred", None, None, None)),
    ("ashworth_fac_2023-02-21_minutes.html", "That the revolving loan facility provided to Ashworth Leisure Trust",
     ("Holloway", "Nkemelu", "carried", 4, 1, 1)),
])
def test_motions_told_in_prose_are_stored_from_the_papers_with_mover_seconder_and_vote(
        other_styles_records, source, start, expected):
    rows = [row for row in other_styles_records.query("decisions")
            if row["source"] == source and row["decision"].startswith(start)]
    assert len(rows) == 1, [row["decision"][:60] for row in other_styles_records.query("decisions")
                            if row["source"] == source]
    row = rows[0]
    assert (row["proposer"], row["seconder"], row["outcome"], row["votes_for"], row["votes_against"],
            row["votes_abstain"]) == expected
    assert start in " ".join(row["text"].split())  # the cited passage holds the motion


def test_an_amendment_and_the_resolution_after_it_are_two_stored_decisions(other_styles_records):
    rows = [row["decision"][:40] for row in other_styles_records.query("decisions")
            if row["source"] == "ashworth_agc_2023-07-18_minutes.html" and "cyber security" in row["decision"]]
    assert rows == ["an amendment to add cyber security as a ", "That the Annual Governance Statement 202"]


@pytest.mark.parametrize("sentence, names", [
    ("Apologies for their inability to attend the Meeting were received from Cllr Donegan and "
     "Cllr O'Donnell.", "Cllr Donegan and Cllr O'Donnell."),
    ("Apologies for absence were received from Councillors Ryan and Keary.", "Councillors Ryan and Keary."),
    ("Apologies were received from Cllr A. Teskey.", "Cllr A. Teskey."),
    # no lead-in clause: "for" names the member
    ("Apologies for Councillor Ryan.", "Councillor Ryan."),
])
def test_the_apologies_lead_in_is_cut_before_the_names(sentence, names):
    assert APOLOGIES_LEAD.sub("", sentence) == names


@pytest.mark.parametrize("text, time, ended", [
    # a notice's date and time: "pm" makes the afternoon
    ("AGENDA\n\nPlanning Committee\n\nTuesday, 25 July 2023 at 5.00pm\n\nCouncil Chamber\n\n"
     "1. Apologies\n\n2. Minutes\n", "17:00", None),
    ("AGENDA\n\nPlanning Committee\n\nTuesday, 25 July 2023 at 10.30am\n\nCouncil Chamber\n\n"
     "1. Apologies\n\n2. Minutes\n", "10:30", None),
    # minutes opening "<time> on <date>", and the time they ended
    ("MINUTES\n\nPlanning Committee\n\n2.00pm on Tuesday, 7 March 2023, Council Chamber\n\n"
     "1. APOLOGIES\n\nNone.\n\nThe meeting ended at 4.15pm.\n", "14:00", "16:15"),
    ("MINUTES\n\nPlanning Committee\n\n1000 hours on Tuesday, 7 March 2023, Council Chamber\n\n"
     "1. APOLOGIES\n\nNone.\n\nThe meeting ended at 11.40\n", "10:00", "11:40"),
])
def test_a_meeting_time_printed_with_pm_is_read_on_the_24_hour_clock(tmp_path, text, time, ended):
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    meetings = parse_file(load_file(path, Settings()), Settings()).records.meetings
    assert [(m.time, m.ended) for m in meetings] == [(time, ended)]


def test_mover_seconder_and_outcome_lines_repeated_motion_after_motion_are_no_page_header(tmp_path):
    # the same two members move three motions; a real running header repeats too and is dropped
    motions = []
    for n, subject in enumerate(["the fees", "the grant", "the lease"], 1):
        motions.append(f"Works Committee Minutes 4 June 2024\n\n{n}. ITEM {n}\n\n"
                       f"Moved: Cr Alan Smith\n\nSeconded: Cr Beth Jones\n\nThat Council adopt {subject}.\n\n"
                       "Carried unanimously\n")
    path = tmp_path / "minutes.md"
    path.write_text("MINUTES\n\n" + "\n".join(motions), encoding="utf-8")
    lines = clean_lines(load_file(path, Settings()))
    assert [line.kind for line in lines if line.content.startswith("Seconded")] == ["text"] * 3
    assert [line.kind for line in lines if line.content.startswith("Works")] == ["text", "header", "header"]
    decisions = parse_file(load_file(path, Settings()), Settings()).records.decisions
    assert [(d.proposer, d.seconder, d.outcome) for d in decisions] == [("Alan Smith", "Beth Jones", "carried")] * 3


@pytest.mark.parametrize("name, source, votes", [
    # a roll call printed a line each with no blank line, "ABSENT:" and "RECUSED:" after it, and the
    # result opening a line that goes on: the lists end at "ABSENT:", the result is read
    ("roll-call-lines-then-result-sentence",
     "MINUTES\n\n1. NEW BUSINESS\n\nMOTION: Councilmember Lee moved, seconded by Councilmember Ng,\n"
     "to install speed humps.\n\nAYES:     Lee, Ng\nNOES:     Park, Quinn\nABSENT:   None\nRECUSED:  Ortiz\n"
     "The motion failed on a 2-2 tie vote. No further action was taken.\n",
     ("lost", 2, 2, ["Park", "Quinn"])),
    # a Markdown table of two columns is a table, a side a row
    ("two-column-markdown-roll-call",
     "# MINUTES\n\n### 1. NEW BUSINESS\n\n**MOTION:** Councilmember Lee moved, seconded by Councilmember Ng, "
     "to adopt the plan.\n\n| | |\n|---|---|\n| AYES: | Councilmembers Lee, Ng, Quinn |\n"
     "| NOES: | Councilmember Park |\n| ABSENT: | Councilmember Ortiz |\n\nThe motion **carried 3-1**. "
     "The Clerk read the title.\n",
     ("carried", 3, 1, ["Park"])),
])
def test_us_roll_call_lines_and_tables_give_the_vote(tmp_path, name, source, votes):
    path = tmp_path / f"{name}.md"
    path.write_text(source, encoding="utf-8")
    (decision,) = parse_file(load_file(path, Settings()), Settings()).records.decisions
    assert (decision.outcome, decision.votes_for, decision.votes_against) == votes[:3]
    assert decision.names_against == votes[3]


@pytest.mark.parametrize("name, source, doc_type, body", [
    # an agenda's title line names it an agenda, though its date line reads as minutes' do
    ("agenda-title-line-names-the-body",
     "CITY OF ELMWOOD, OREGON - CITY COUNCIL AGENDA PACKET\n\nCity Council Regular Meeting Agenda\n\n"
     "Tuesday, July 11, 2023 - Regular Session 6:00 p.m.\n\n1. Call to Order\n\n2. Roll Call\n",
     "agenda", "City Council"),
    ("agenda-dash-date-title",
     "CITY OF ELMWOOD - CITY COUNCIL - REGULAR MEETING AGENDA PACKET\n\nAGENDA - Tuesday, June 11, 2024\n\n"
     "Closed Session 5:15 p.m.\n\n1. Call to Order\n", "agenda", "City Council"),
    # a web page's title block naming the paper first, then the body
    ("minutes-line-then-body-line",
     "City of Elmwood 100 Main Street\n\n# Meeting Minutes - Final\n\n## City Council\n\nTuesday, July 11, 2023\n\n"
     "1. CALL TO ORDER\n\nThe Mayor called the meeting to order.\n", "minutes", "City Council"),
    ("minutes-line-then-body-line-special-meeting",
     "# Meeting Minutes\n\n## City Council - Special Meeting\n\nTuesday, January 30, 2024\n\n"
     "1. CALL TO ORDER\n\nThe Mayor called the meeting to order.\n", "minutes", "City Council"),
    # the city's name before a dash, or before its own "City Council", is no part of the body
    ("city-of-x-dash-body",
     "# CITY OF ELMWOOD - CITY COUNCIL\n\n## MINUTES - REGULAR MEETING\n\n**Tuesday, October 10, 2023**\n\n"
     "### 1. CALL TO ORDER\n\nThe Mayor called the meeting to order.\n", "minutes", "City Council"),
    # "Regular Meeting of Wednesday, April 17": a day is no body
    ("regular-meeting-of-a-day-is-no-body",
     "**ELMWOOD PLANNING COMMISSION**\n**ACTION MINUTES**\n**Regular Meeting of Wednesday, April 17, 2024, "
     "6:30 p.m.**\n\n## CALL TO ORDER\n\nThe Chair called the meeting to order.\n", "minutes",
     "Elmwood Planning Commission"),
])
def test_us_title_blocks_name_the_body_and_the_kind_of_paper(tmp_path, name, source, doc_type, body):
    path = tmp_path / f"{name}.md"
    path.write_text(source, encoding="utf-8")
    (document,) = [p.document for p in parse_file(load_file(path, Settings()), Settings()).parsed]
    assert (document.doc_type, document.committee) == (doc_type, body)
