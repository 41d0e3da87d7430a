"""Conventions as data, motions, attendance headings, meeting headings, OCR and other councils' papers.

The per-council figures print with ``-s``; the floors asserted for other councils' fixtures are
the figures measured when the rules were written (a regression guard), not the issue's targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.clean import Block
from ingest.conventions import ConventionsError, load_conventions, nested_unbounded_repeat
from ingest.meetings import clock, name_facts
from ingest.motions import find_motions, names_in
from settings import Settings
from tests.council_eval import evaluate, report

FIXTURES = Path(__file__).parent / "fixtures"


def _blocks(*texts: str) -> list[Block]:
    return [Block(text, n, n, None, "paragraph") for n, text in enumerate(texts, start=1)]


# -- the conventions file ---------------------------------------------------------------------

def test_shipped_conventions_load_and_name_their_rules():
    conventions = load_conventions()
    assert {"meeting_heading", "proposer", "seconder", "resolved", "outcome", "attendance"} <= set(conventions.rules)
    rule = conventions.of("proposer")[0]
    assert rule.origin.startswith("proposed-by (conventions.toml:")


@pytest.mark.parametrize("body, reason", [
    ('[[convention]]\nkind = "resolved"\nname = "bad"\npattern = "(unclosed"\n', "does not compile"),
    ('[[convention]]\nkind = "resolved"\nname = "slow"\npattern = "(a+)+b"\n', "nests unbounded repeats"),
    ('[[convention]]\nkind = "nonsense"\nname = "x"\npattern = "a"\n', "unknown kind"),
    ('[[convention]]\nkind = "outcome"\nname = "x"\npattern = "a"\n', "needs 'outcome'"),
    ('[[convention]]\nkind = "resolved"\nname = "x"\npattern = "(?P<who>a)"\n', "mean nothing"),
    ('[[convention]\nkind = "resolved"\n', "not valid TOML"),
])
def test_invalid_council_rule_is_refused_with_file_line_and_reason(tmp_path, body, reason):
    path = tmp_path / "council.toml"
    path.write_text("# my council\n\n" + body)
    with pytest.raises(ConventionsError) as caught:
        load_conventions(str(path))
    assert reason in str(caught.value) and str(path) in str(caught.value)
    if "TOML" not in reason:
        assert caught.value.line == 5  # the rule's name line


def test_council_rule_in_another_language_is_tried_first(tmp_path):
    path = tmp_path / "council.toml"
    path.write_text('[[convention]]\nkind = "resolved"\nname = "agus-an-cinneadh"\n'
                    'pattern = \'\'\'^agus\\s+an\\s+cinneadh\\s*:\\s*(?P<text>.{0,4000})$\'\'\'\n')
    conventions = load_conventions(str(path))
    motions = find_motions(_blocks("Proposed by Councillor Ní Bhriain;", "Seconded by Councillor Ó Sé;",
                                   "Agus an Cinneadh:", "“That the report be adopted.”"), conventions)
    assert [(m.proposer, m.seconder, m.decision) for m in motions] == [
        ("Ní Bhriain", "Ó Sé", "“That the report be adopted.”")]
    assert any("agus-an-cinneadh" in rule for rule in motions[0].rules)


@pytest.mark.parametrize("pattern, nested", [
    (r"(a+)+", True), (r"(\w+\s*)*", True), (r"(?:a|b+)*", True),
    (r"(?:\w+\s+){0,3}", False), (r"^(?:x|y)+z", False), (r"[^;]{3,160}?\s+held", False),
])
def test_nested_unbounded_repeats_are_detected(pattern, nested):
    assert nested_unbounded_repeat(pattern) is nested


# -- motions ----------------------------------------------------------------------------------

MOTION_CASES = [
    ("proposed-seconded-and-resolved-quoted",
     ["Proposed by Councillor O’Brien;", "Seconded by Councillor Collins (M);", "And Resolved:",
      "“That the draft Minutes, as circulated, be taken as", "read and adopted.”",
      "The Members welcomed the report."],
     [("O'Brien", "Collins (M)", None, "read and adopted.”")]),
    ("moved-seconded-that-carried",
     ["Moved by Councillor Raman", "Seconded by Councillor Duquette", "THAT Report PDS-1 be received.",
      "CARRIED"],
     [("Raman", "Duquette", "carried", "be received.")]),
    ("motion-passed-with-count",
     ["Moved by: Councillor Klassen", "Seconded by: Councillor Haddad",
      "THAT By-law 2023-07 be enacted.", "Motion Passed (7 to 3)"],
     [("Klassen", "Haddad", "carried", "be enacted.")]),
    ("motion-failed-with-count",
     ["Moved by Councillor A. Lee; seconded by Councillor B. Chan", "THAT the fee be waived.",
      "Motion Failed (6 to 9)"],
     [("A. Lee", "B. Chan", "lost", "be waived.")]),
    ("resolved-block-without-mover",
     ["RESOLVED:", "That the report be noted.", "That officers report back in March."],
     [(None, None, None, "report back in March.")]),
    ("deferred",
     ["Moved by Councillor Whitfield", "Seconded by Councillor Lindqvist",
      "THAT consideration of the report be deferred to the October meeting.", "CARRIED"],
     [("Whitfield", "Lindqvist", "carried", "October meeting.")]),
    ("narrative-only", ["The Chair thanked officers for the report.", "Members discussed it."], []),
    ("empty", [], []),
]


@pytest.mark.parametrize("name, texts, expected", MOTION_CASES, ids=[c[0] for c in MOTION_CASES])
def test_motion_styles(name, texts, expected):
    motions = find_motions(_blocks(*texts), load_conventions())
    assert [(m.proposer, m.seconder, m.outcome) for m in motions] == [e[:3] for e in expected]
    for motion, (*_, ending) in zip(motions, expected):
        assert motion.decision.endswith(ending)


def test_motion_passed_count_is_kept():
    motions = find_motions(_blocks("Moved by Councillor Klassen", "Seconded by Councillor Haddad",
                                   "THAT By-law 2023-07 be enacted.", "Motion Passed (7 to 3)"),
                           load_conventions())
    assert (motions[0].votes["for"], motions[0].votes["against"]) == (7, 3)


def test_roll_call_names_and_counts_go_with_the_motion():
    motions = find_motions(_blocks(
        "Proposed by Councillor Sheahan (J);", "Seconded by Councillor Galvin;",
        "“That the scheme be adopted with modifications.”",
        "In Favour of the Motion:", "Councillors Collins (J), Galvin, Mitchell, O’Donnell", "(4)",
        "Against the Motion:", "Councillors Cahillane, Costelloe, Keller.", "(3)",
        "Abstention:", "Councillor Sheahan (J).", "(1)",
        "The Mayor declared the Motion carried."), load_conventions())
    assert len(motions) == 1
    motion = motions[0]
    assert motion.votes == {"for": 4, "against": 3, "abstain": 1}
    assert motion.names["against"] == ["Cahillane", "Costelloe", "Keller"]
    assert motion.outcome == "carried"


@pytest.mark.parametrize("text, names", [
    ("Councillors Collins (J), Galvin and O’Donnell.", ["Collins (J)", "Galvin", "O'Donnell"]),
    ("Cllr. A. Smith; Cllr. B. Jones", ["A. Smith", "B. Jones"]),
    ("", []),
])
def test_names_in_roll_call(text, names):
    assert names_in(text) == names


# -- meeting headings and names -------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("3.00 P.M.", "15:00"), ("10:00 a.m.", "10:00"), ("1000 hours", "10:00"), ("2PM", "14:00"),
    ("12 noon", "12:00"), ("99.99", None),
])
def test_clock_times(raw, expected):
    assert clock(raw) == expected


@pytest.mark.parametrize("name, body, date, doc", [
    ("Minutes -_Monthly Meeting of the Municipal District of Newcastle West - 2nd February 2022.md",
     "Municipal District of Newcastle West", "2022-02-02", "minutes"),
    ("Agenda - Joint Policing Committee Meeting - 4th March 2022.md", "Joint Policing Committee", "2022-03-04", "agenda"),
    ("23-Special Meeting of the Municipal District of Newcastle West", "Municipal District of Newcastle West", None, None),
    ("Minutes of the Planning Committee held on 8 February 2023.pdf", "Planning Committee", "2023-02-08", "minutes"),
    ("report.pdf", None, None, None),
])
def test_file_and_folder_names(name, body, date, doc):
    facts = name_facts(name, load_conventions())
    if body is None:
        assert facts is None
        return
    assert (facts.body, facts.date, facts.doc) == (body, date, doc)


# -- OCR ------------------------------------------------------------------------------------

def _image_only_pdf(path: Path, lines: list[str]) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1700, 800), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for n, line in enumerate(lines):
        draw.text((80, 80 + 90 * n), line, fill="black", font=font)
    image.save(path, "PDF", resolution=200.0)


def test_scanned_pdf_page_is_read_by_ocr_and_marked(tmp_path):
    from ingest.loaders import load_file
    from ingest.ocr import ocr_available
    from ingest.pipeline import parse_file

    if not ocr_available():
        pytest.skip("tesseract-ocr is not installed (scripts/setup.sh installs it)")
    path = tmp_path / "scan.pdf"
    _image_only_pdf(path, ["MINUTES OF THE LICENSING COMMITTEE", "Proposed by Councillor Hartigan",
                           "RESOLVED: That the licence be granted."])
    loaded = load_file(path, Settings())
    assert loaded.pages[0].ocr
    text = loaded.pages[0].text.lower()
    assert "licensing committee" in text and "hartigan" in text
    _, chunks, _ = parse_file(loaded, Settings())
    assert chunks and all(chunk.metadata["ocr"] is True for chunk in chunks)


# -- other councils' papers -----------------------------------------------------------------

def test_other_council_styles_per_council_figures():
    manifest = json.loads((FIXTURES / "other_council" / "manifest.json").read_text())
    figures = evaluate(manifest, FIXTURES / "other_council")
    print("\n" + report("other councils (fixtures)", figures))
    assert figures["decisions_precision"] >= 0.9
    assert figures["meeting_date"] >= 0.85
    assert figures["proposer"] >= 0.9 and figures["seconder"] >= 0.9


def test_limerick_manifest_per_council_figures():
    """Limerick (tests/fixtures/limerick, hand-checked manifest of 48 documents).

    Floors are today's measured figures; the issue's targets (body >= 0.95, decisions recall
    >= 0.90) are not met yet: "On the proposal of X, seconded by Y, it was agreed ..." and
    "It was agreed that ..." decisions are not read, and bodies need the council's renames.
    """
    folder = FIXTURES / "limerick"
    docs = json.loads((folder / "manifest.json").read_text())
    manifest = {"documents": [{"file": d["path"], "body": d["body"], "doc_type": d["doc_type"],
                               "meeting_date": d["meeting_date"], "decisions": d.get("decisions") or [],
                               "attendance": {"apologies": d.get("apologies")}} for d in docs]}
    figures = evaluate(manifest, folder)
    print("\n" + report("limerick (manifest)", figures))
    assert figures["meeting_date"] >= 0.95
    assert figures["proposer"] >= 0.9 and figures["seconder"] >= 0.9
    assert figures["decisions_precision"] >= 0.7
