"""Structure detection measured against the hand-checked boundary manifest of the sample corpus.

The manifest (tests/fixtures/boundary_manifest.json, from the corpus catalogue) is an oracle for
the rules in ingest/structure.py; the product code never reads it. The numbers printed here are
the ones the README reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.clean import clean_lines
from ingest.committees import normalise_name
from ingest.loaders import load_file
from ingest.parse import parse_file
from ingest.structure import detect_documents, minutes_items, parse_agenda
from minutes_core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
MANIFEST = json.loads((Path(__file__).parent / "fixtures" / "boundary_manifest.json").read_text())
# A detected start within this many lines of the manifest's start is the same boundary: the
# manifest puts some starts on a cover line, the rules on the title line a few lines below.
TOLERANCE = 6
# Our doc types are a little coarser than the catalogue's; these are the same kind of paper.
SAME_TYPE = {"ofsted_letter": "letter", "table": "report", "council_report": "council_report"}


def _detect(name: str):
    loaded = load_file(SAMPLE / name, Settings())
    return detect_documents(loaded.source, loaded.path, clean_lines(loaded))


@pytest.fixture(scope="module")
def detected():
    return {name: _detect(name) for name in sorted({m["file"] for m in MANIFEST})}


def _match(entry, documents):
    start = entry["lines"][0]
    candidates = [d for d in documents if abs(d.document.line_start - start) <= TOLERANCE]
    return candidates[0].document if candidates else None


def test_boundaries_match_the_manifest(detected):
    expected = len(MANIFEST)
    found = sum(1 for entry in MANIFEST if _match(entry, detected[entry["file"]]))
    produced = sum(len(docs) for docs in detected.values())
    true_starts = sum(
        1 for name, docs in detected.items() for d in docs
        if any(abs(d.document.line_start - m["lines"][0]) <= TOLERANCE for m in MANIFEST if m["file"] == name)
    )
    recall, precision = found / expected, true_starts / produced
    print(f"\nboundaries: recall {recall:.2f} ({found}/{expected}), precision {precision:.2f} "
          f"({true_starts}/{produced}), tolerance ±{TOLERANCE} lines")
    assert recall >= 0.85
    assert precision >= 0.85


def test_metadata_of_matched_documents(detected):
    checks = {"doc_type": [0, 0], "meeting_date": [0, 0], "item": [0, 0], "committee": [0, 0]}
    for entry in MANIFEST:
        doc = _match(entry, detected[entry["file"]])
        if doc is None:
            continue
        want_type = SAME_TYPE.get(entry["doc_type"], entry["doc_type"])
        checks["doc_type"][0] += doc.doc_type == want_type
        checks["doc_type"][1] += 1
        want_date = entry.get("minutes_meeting_date") or entry.get("pack_meeting_date")
        if want_date:
            checks["meeting_date"][0] += doc.meeting_date == want_date
            checks["meeting_date"][1] += 1
        if entry.get("item") and entry["item"][0].isdigit():
            checks["item"][0] += (doc.item or "") == entry["item"].split()[0].rstrip("ab")
            checks["item"][1] += 1
        if entry.get("committee"):
            printed = normalise_name(doc.committee_printed or "")
            checks["committee"][0] += normalise_name(entry["committee"]) == printed
            checks["committee"][1] += 1
    report = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in checks.items())
    print(f"\nmetadata accuracy on matched documents: {report}")
    assert checks["meeting_date"][0] / checks["meeting_date"][1] >= 0.9
    assert checks["item"][0] / checks["item"][1] >= 0.8
    assert checks["doc_type"][0] / checks["doc_type"][1] >= 0.7
    assert checks["committee"][0] == checks["committee"][1]


def test_minutes_inside_a_pack_carry_the_meeting_they_record_not_the_pack_date(detected):
    pack = detected["001_ad89458da0e2bfff.txt"]
    minutes = [p.document for p in pack if p.document.doc_type == "minutes"]
    assert [m.meeting_date for m in minutes] == ["2020-10-28"]
    assert minutes[0].pack_date == "2020-12-09"


def test_agenda_items_and_their_page_ranges_are_read_from_the_agenda(detected):
    items = parse_agenda(detected["001_ad89458da0e2bfff.txt"][0].lines)
    assert [a.number for a in items] == [str(n) for n in range(1, 12)]
    assert {a.number: a.pages for a in items if a.pages} == {
        "4": (3, 18), "5": (19, 92), "6": (93, 138), "7": (139, 142)}


def test_pdf_bookmark_outline_is_not_indexed(detected):
    outline = detected["001_ad89458da0e2bfff.txt"][-1].document
    assert outline.doc_type == "pdf_outline" and not outline.indexable


def test_renamed_committees_share_one_canonical_name(detected):
    names = {p.document.committee for docs in detected.values() for p in docs
             if p.document.committee_printed and "SCRUTINY" in p.document.committee_printed.upper()}
    assert names == {"Education and Children's Social Care Overview and Scrutiny Committee"}


def test_minutes_printed_inside_an_agenda_pack_are_a_document_of_their_own():
    """An agenda pack (evals/corpora/other-styles) whose pages 3-5 are the previous meeting's minutes,
    for adoption, under their own title block: "PLANNING AND DEVELOPMENT COMMITTEE / MINUTES /
    Tuesday, October 11, 2022"."""
    loaded = load_file(ROOT / "evals" / "corpora" / "other-styles" / "riverton_pdc_agenda_2022-12-06.pdf", Settings())
    documents = detect_documents(loaded.source, loaded.path, clean_lines(loaded))
    assert [(d.document.doc_type, d.document.meeting_date) for d in documents][:2] == [
        ("agenda", "2022-12-06"), ("minutes", "2022-10-11")]
    assert "Tuesday, October 11, 2022" in " ".join(line.text for line in documents[1].lines[:6])


def test_a_converters_source_link_and_fine_print_are_not_the_documents_title(tmp_path):
    text = ("[Original file](https://example.org/papers/agenda-9-september-2014.pdf)\n\n---\n"
            "*<small>Scanned page, text may contain errors. See original file for clarity</small>*\n\n"
            "Report of the Director of Services on Road Works\n\n"
            "The works programme for the district in the coming year is set out below, road by road, "
            "with the cost of each scheme.\n")
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    loaded = load_file(path, Settings())
    (parsed,) = detect_documents(loaded.source, loaded.path, clean_lines(loaded))
    assert parsed.document.title == "Report of the Director of Services on Road Works"


def test_a_file_named_as_an_agenda_is_titled_agenda_not_by_its_first_line(tmp_path):
    # The file name's convention, not the text, says what the paper is; its title follows.
    folder = tmp_path / "papers"
    folder.mkdir()
    path = folder / "Agenda - Municipal District of Northfield - 9th September 2014.md"
    path.write_text("[Original file](https://example.org/a.pdf)\n\nNORTHFIELD COUNTY COUNCIL\n\n"
                    "Question submitted by Councillor E. Ryan\n\nI will ask at the next meeting "
                    "when the road at Main Street will be repaired and what it will cost.\n", encoding="utf-8")
    parsed = parse_file(load_file(path, Settings()), Settings())
    (document,) = parsed.documents
    assert document.doc_type == "agenda" and document.title == "Agenda"


@pytest.mark.parametrize("text, kinds", [
    # the converter's link on the first line, its fine print on a scanned page: not the council's
    ("[Original file](https://example.org/a.pdf)\n\n*<small>Scanned page</small>*\nMINUTES\n",
     ["header", "blank", "header", "text", "blank"]),
    # a link further down is the council's text (a reference in the minutes)
    ("MINUTES\n[the plan](https://example.org/plan.pdf)\n", ["text", "text", "blank"]),
])
def test_a_converters_source_link_and_fine_print_are_not_text(tmp_path, text, kinds):
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    assert [line.kind for line in clean_lines(load_file(path, Settings()))] == kinds


# -- item headings of minutes (minutes_items) ------------------------------------------------------

BODY = "The report was noted and the Members thanked the officer for the presentation."


def _minutes_items(tmp_path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "minutes.md"
    path.write_text(text, encoding="utf-8")
    return [(number, title) for _, number, title in minutes_items(clean_lines(load_file(path, Settings())))]


@pytest.mark.parametrize("heading, number, title", [
    ("4. GENERAL MUNICIPAL ALLOCATION", "4", "GENERAL MUNICIPAL ALLOCATION"),
    ("1. Adoption of Minutes", "1", "Adoption of Minutes"),
    ("3. Presentation by Ms. A. Byrne on the Role of the Community Safety Partnership", "3",
     "Presentation by Ms. A. Byrne on the Role of the Community Safety Partnership"),
    ("4. Update on the Ring Road Project.", "4", "Update on the Ring Road Project."),  # title case
    ("2. Disposal of Land:", "2", "Disposal of Land"),
    ("**4.** **General Municipal Allocation (GMA) 2018**", "4", "General Municipal Allocation (GMA) 2018"),
    ("**5.GMA Projects 2022**", "5", "GMA Projects 2022"),
    ("**1.MINUTES**", "1", "MINUTES"),
    ("3.\n\nEconomic Development Directorate", "3", "Economic Development Directorate"),
    ("**Item 5 Notice of Motion**", "5", "Notice of Motion"),
    ("**Item 3:** **Update on the outcome of the Housing Workshop held on the 17th October 2018:**", "3",
     "Update on the outcome of the Housing Workshop held on the 17th October 2018"),
    ("**Item 5** **–** **Presentation by the Arts Committee**", "5", "Presentation by the Arts Committee"),
    ("Item 6: Date of next Meeting.", "6", "Date of next Meeting."),
    ("Item No. 2 Matters Arising", "2", "Matters Arising"),
    ("**Item 2**\n\n**Presentation on the Draft Regional Strategy**", "2",
     "Presentation on the Draft Regional Strategy"),
    ("Item 7.\n\nForward Planning Work Schedule 2017.", "7", "Forward Planning Work Schedule 2017."),
    # a bold title wrapped over bold lines: a small word, a lower-case start, an open bracket
    ("**Item 1: To approve the Minutes of the Housing Strategic Policy Committee meeting**\n\n"
     "**held on 9th July 2018**", "1",
     "To approve the Minutes of the Housing Strategic Policy Committee meeting held on 9th July 2018"),
    ("**Item 1**\n\n**Adoption of Minutes of the Planning Committee Meeting of**\n\n**13th** **December, 2021**",
     "1", "Adoption of Minutes of the Planning Committee Meeting of 13th December, 2021"),
    ("**Item 6: Notice of Motion submitted by Councillor A. Byrne (to be referred to the Housing**\n"
     "**Strategic Policy Committee)**", "6",
     "Notice of Motion submitted by Councillor A. Byrne (to be referred to the Housing Strategic Policy Committee)"),
    ("## 4. Adoption of Minutes", "4", "Adoption of Minutes"),  # a Markdown heading
])
def test_an_item_heading_is_found_however_it_is_printed(tmp_path, heading, number, title):
    assert _minutes_items(tmp_path, f"MINUTES\n\n{heading}\n\n{BODY}\n") == [(number, title)]


@pytest.mark.parametrize("line", [
    "1. The Council notes that the report was circulated to all members.",  # a sentence
    "1. Balanced development across the county in accordance with housing need.",
    "2. Maximise re-use of existing vacant housing stock in the city, towns and villages of\nthe county.",
    "4. an item in lower case",
    "(a) Circulated, copy of the report of the Director of Services",
    "4(a) Roads Programme",  # parts of an item
    "4.1 Roads Programme",
    "Item 4.1 Roads Programme",
    "28 TH NOVEMBER, 2019 AT 10AM",  # a date split by OCR: a number with no mark
    "3 Main Street, Northfield",
    "10.30 a.m.",
    "11.a.m.",
    "12",  # page numbers
    "**2**",
    "Item 4 was deferred to the next meeting.",
    "Items 4 and 5 were taken together.",
    "1. " + "Long Words " * 10,  # too long for a title
])
def test_numbered_paragraphs_dates_and_page_numbers_are_no_item_headings(tmp_path, line):
    assert _minutes_items(tmp_path, f"MINUTES\n\n{line}\n\n{BODY}\n") == []


def _numbered(*headings: str) -> str:
    """Minutes whose headings each stand over a paragraph (a heading ending in '|' has none)."""
    parts = []
    for heading in headings:
        parts.append(heading.rstrip("|"))
        if not heading.endswith("|"):
            parts.append(BODY)
    return "MINUTES\n\n" + "\n\n".join(parts) + "\n"


@pytest.mark.parametrize("layout", ["{n}   {title}", "{n}\t{title}", "### {n} {title}", "{n} {title}"])
def test_items_numbered_with_no_mark_are_found_in_sequence(tmp_path, layout):
    # a word processor's numbered heading style: "1   Opening of Meeting", "2   Apologies", ...
    titles = ["Opening of Meeting", "Apologies", "Confirmation of Minutes", "Reports of the Manager"]
    text = _numbered(*(layout.format(n=n, title=title) for n, title in enumerate(titles, 1)))
    assert _minutes_items(tmp_path, text) == [(str(n), title) for n, title in enumerate(titles, 1)]


def test_a_number_with_no_mark_alone_is_no_item(tmp_path):
    # an address and a date among numbered items: no sequence of their own
    text = _numbered("1. Adoption of Minutes", "3 Main Street, Northfield", "2. Disposal of Land",
                     "17 October 2023")
    assert _minutes_items(tmp_path, text) == [("1", "Adoption of Minutes"), ("2", "Disposal of Land")]


def test_addresses_numbered_by_house_are_no_items(tmp_path):
    # a list of addresses whose house numbers happen to include 1, 2, 3 and 21, 22
    text = _numbered("1. Adoption of Minutes", "3 Long Lane, Northfield.|", "2 Dromore Rise, Westvale.|",
                     "21 The Glebe, Northfield.|", "22 The Glebe, Northfield.|", "1 Collins Avenue, Southill.",
                     "2. Housing Directorate")
    assert _minutes_items(tmp_path, text) == [("1", "Adoption of Minutes"), ("2", "Housing Directorate")]
    # houses of one street, numbered in sequence
    text = _numbered("1. Adoption of Minutes", "24 Nicholas Street|", "25 Nicholas Street|", "26 Nicholas Street",
                     "2. Housing Directorate")
    assert _minutes_items(tmp_path, text) == [("1", "Adoption of Minutes"), ("2", "Housing Directorate")]


def test_a_table_of_contents_gives_no_items_the_headings_after_it_do(tmp_path):
    contents = [f"{n}. {title} {'.' * 30} {n + 1}|" for n, title in
                enumerate(["Opening of Meeting", "Apologies", "Confidential Matters"], 1)]
    text = _numbered(*contents, "## 1 Opening of Meeting", "## 2 Apologies", "## 3 Confidential Matters")
    assert _minutes_items(tmp_path, text) == [
        ("1", "Opening of Meeting"), ("2", "Apologies"), ("3", "Confidential Matters")]


def test_a_list_inside_an_item_numbered_on_from_the_items_is_no_item(tmp_path):
    # "1." to "5." of a list of estates, one a line, under item 2: its "3." is no item 3
    text = _numbered("1. Adoption of Minutes", "2. Taking in Charge of Estates",
                     "1. Oak Park|", "2. Elm Court|", "3. Ash Grove|", "4. Birch Lawn|", "5. Beech Road",
                     "3. Housing Directorate", "4. Notice of Motion submitted by Councillor A. Byrne")
    assert [n for n, _ in _minutes_items(tmp_path, text)] == ["1", "2", "3", "4"]
    assert _minutes_items(tmp_path, text)[2] == ("3", "Housing Directorate")


def test_items_after_a_list_that_restarts_the_numbering_are_found(tmp_path):
    # items 1-5, a list of five aims under item 5, then item 6: the list ends where 6 is no list
    text = _numbered("1. Adoption of Minutes", "2. Disposal of Land", "3. Roads Directorate",
                     "4. Community Grants", "5. Housing Directorate",
                     "1. Address Homelessness|", "2. Build More Homes|", "3. Improve the Rental Sector|",
                     "4. Use Vacant Homes|", "5. Repair Existing Homes",
                     "6. Planning Directorate", "7. Question submitted by Councillor C. Doyle")
    assert [n for n, _ in _minutes_items(tmp_path, text)] == ["1", "2", "3", "4", "5", "6", "7"]


def test_items_taken_out_of_order_keep_their_numbers(tmp_path):
    # "it was agreed to take items 10 and 11 next"; item 16 taken with item 5
    text = _numbered("1. Adoption of Minutes", "10. Notice of Motion submitted by Councillor A. Byrne",
                     "11. Notice of Motion submitted by Councillor C. Doyle", "2. Disposal of Land",
                     "3. Roads Directorate", "4. Housing Directorate", "5. Local Property Tax",
                     "16. Notice of Motion submitted by Councillor E. Fahy", "6. Conferences",
                     "7. Question submitted by Councillor A. Byrne", "8. Question submitted by Councillor C. Doyle",
                     "9. Question submitted by Councillor E. Fahy", "12. Notice of Motion submitted by Councillor G. Hughes",
                     "13. Notice of Motion submitted by Councillor H. Ivers", "14. Conferences",
                     "15. Notice of Motion submitted by Councillor C. Doyle",
                     "17. Notice of Motion submitted by Councillor A. Byrne", "18. Correspondence")
    assert [n for n, _ in _minutes_items(tmp_path, text)] == [
        "1", "10", "11", "2", "3", "4", "5", "16", "6", "7", "8", "9", "12", "13", "14", "15", "17", "18"]


def test_a_run_that_went_on_into_a_short_list_gives_its_numbers_to_the_items(tmp_path):
    # item 3's two numbered conclusions ("4.", "5." on consecutive lines), then items 4 to 7
    text = _numbered("1. Adoption of Minutes", "2. Disposal of Land", "3. Service Delivery Plan",
                     "4. Report on Public Submissions.|", "5. Potential Impact on Service Delivery.",
                     "4. Regional Services Directorate", "5. Social Development Directorate",
                     "6. Conferences", "7. Correspondence")
    assert _minutes_items(tmp_path, text)[3:] == [
        ("4", "Regional Services Directorate"), ("5", "Social Development Directorate"),
        ("6", "Conferences"), ("7", "Correspondence")]


def test_the_last_item_after_a_list_inside_the_one_before_is_found(tmp_path):
    text = _numbered("1. Adoption of Minutes", "2. Notice of Motion submitted by Councillor A. Byrne",
                     "1. That we Request the Chief Executive to Meet the Clubs", "2. That we Ask the Minister",
                     "3. Correspondence")
    assert [n for n, _ in _minutes_items(tmp_path, text)] == ["1", "2", "3"]
