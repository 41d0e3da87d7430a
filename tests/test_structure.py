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
from ingest.structure import detect_documents, parse_agenda
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
