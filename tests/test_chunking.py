"""Chunking of a set of minutes' opening: the heading and the attendance lists stay one passage,
and the lists end where the attendance conventions say they end (not at the end of the document)."""

from __future__ import annotations

import pytest

from ingest.loaders import load_file
from minutes_core.settings import Settings
from vectorstore.ingestion import parse_file

DISCUSSION = (
    "The Senior Engineer outlined the programme of road works for the coming year and the "
    "allocation to each area. The Members welcomed the works at the junction near the school and "
    "asked that the footpath be extended to the bridge. It was noted that the programme depends "
    "on the grant from the Department and that a report would follow at the next meeting. "
)

# Minutes whose items the rules do not number (a scanned district's minutes, say): the lists
# are followed directly by the discussion.
DISTRICT = f"""MINUTES OF PROCEEDINGS AT MEETING OF THE MUNICIPAL DISTRICT OF EASTVALE HELD IN THE CIVIC
OFFICES, EASTVALE, ON TUESDAY, 13TH DECEMBER, 2022, AT 3PM.

PRESENT IN THE CHAIR:

Councillor A. Byrne, Cathaoirleach.

MEMBERS PRESENT:

Councillors Carey, Doyle and Egan.

APOLOGIES:

Councillor Fahy.

OFFICIALS IN ATTENDANCE:

Director of Services (Mr. G. Hughes), Meetings Administrator (Ms. H. Ivers).

ROADS PROGRAMME

{DISCUSSION * 3}

HOUSING REPAIRS

{DISCUSSION * 3}
"""

# North American style: one-line lists, then numbered items.
NORTHPORT = f"""City of Northport
Planning Committee
Minutes
Tuesday, March 14, 2023, 6:00 p.m.
Council Chambers, Northport City Hall

Present: Councillor S. Klassen, Chair; Councillor O. Haddad; Councillor P. Raman
Staff: M. Tran, Manager of Development Approvals; A. Bello, Senior Planner
Regrets: Councillor J. Salazar

1. Call to Order

The Chair called the meeting to order at 6:00 p.m.

2. Road Works

{DISCUSSION * 4}
"""


def chunks_of(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    settings = Settings.load(data_dir=tmp_path / "data")
    _, chunks, _ = parse_file(load_file(path, settings), settings)
    return chunks


@pytest.mark.parametrize("name, text, heading, names", [
    ("eastvale-minutes.md", DISTRICT, "13TH DECEMBER, 2022", ["A. Byrne", "Carey, Doyle", "Fahy", "G. Hughes"]),
    ("northport-minutes.md", NORTHPORT, "March 14, 2023", ["S. Klassen", "A. Bello", "J. Salazar"]),
])
def test_meeting_heading_and_every_attendance_list_share_one_passage(tmp_path, name, text, heading, names):
    chunks = chunks_of(tmp_path, name, text)
    holding = [c for c in chunks if heading in c.text]
    assert len(holding) == 1
    assert all(n in holding[0].text for n in names)
    assert holding[0].metadata["is_attendance"]


def test_discussion_after_the_lists_is_neither_attendance_nor_under_an_attendance_label(tmp_path):
    chunks = chunks_of(tmp_path, "eastvale-minutes.md", DISTRICT)
    discussion = [c for c in chunks if "Senior Engineer" in c.text]
    assert len(discussion) >= 2
    assert not any(c.metadata["is_attendance"] for c in discussion)
    assert {c.metadata["section"] for c in discussion} == {"ROADS PROGRAMME", "HOUSING REPAIRS"}


def test_minutes_without_attendance_lists_have_no_attendance_passage(tmp_path):
    text = DISTRICT.split("PRESENT IN THE CHAIR:")[0] + "ROADS PROGRAMME\n\n" + DISCUSSION * 3
    chunks = chunks_of(tmp_path, "eastvale-minutes.md", text)
    assert chunks and not any(c.metadata["is_attendance"] for c in chunks)


# A policy committee's minutes: bold "Item N" labels over bold titles, the title wrapped.
COMMITTEE = f"""**MINUTES OF PROCEEDINGS OF MEETING OF THE HOUSING STRATEGIC POLICY COMMITTEE HELD ON
MONDAY, 9TH JULY 2018 AT 3PM.**

**PRESENT IN THE CHAIR:** Councillor A. Byrne

**Item 1:**

**Adoption of the Minutes of the Housing Strategic Policy Committee meeting**

**held on 14th May 2018**

The minutes were adopted on the proposal of Councillor Carey, seconded by Councillor Doyle.

**Item 2: Housing Delivery Update**

{DISCUSSION * 3}

1. The Members asked for a report on vacant homes in each district.

2. The Members asked for the programme of repairs to be circulated.

**Item 3 Notice of Motion**

{DISCUSSION * 2}
"""


def test_each_passage_of_minutes_with_item_labels_carries_its_item(tmp_path):
    chunks = chunks_of(tmp_path, "housing-spc-minutes.md", COMMITTEE)
    items = {(c.metadata["item"], c.metadata["item_title"]) for c in chunks if "Senior Engineer" in c.text}
    assert items == {("2", "Housing Delivery Update"), ("3", "Notice of Motion")}
    adopted = next(c for c in chunks if "minutes were adopted" in c.text)
    assert (adopted.metadata["item"], adopted.metadata["item_title"]) == (
        "1", "Adoption of the Minutes of the Housing Strategic Policy Committee meeting held on 14th May 2018")
    # the numbered requests inside item 2 are no items of their own
    assert next(c for c in chunks if "vacant homes" in c.text).metadata["item"] == "2"
