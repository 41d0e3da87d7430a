"""The web UI's HTML helpers: escaping, highlighting, citation cards, the viewer, example questions."""

from __future__ import annotations

import pytest

from minutes_app.ui import views

PASSAGE = {
    "id": "abc123", "n": 1, "source": "minutes.txt", "title": "Action Notes of 9 December 2020",
    "committee": "Scrutiny Committee", "meeting_date": "2020-12-09", "doc_type": "minutes",
    "item": "5", "item_title": "TRUST UPDATE", "page": 3, "is_decision": True,
    "text": "RESOLVED\nThe committee noted the update\nand requested a report. Other text here.",
}
ANSWER = {
    "question": "What was resolved?", "answer": "The committee noted the update and requested a report. [1]",
    "standalone_query": "What was resolved about the trust?", "filters": {"committee": "Scrutiny Committee"},
    "abstained": False, "citations": [PASSAGE], "passages": [{**PASSAGE, "score": 0.5,
                                                                "scores": {"dense": 0.61, "bm25": 2.5}}],
    "sentences": [{"text": "The committee noted the update and requested a report.", "citations": [1],
                   "supported": True}],
    "backend": "extractive", "notes": ["evidence_score=0.7"], "timings": {"total": 0.42},
}


@pytest.mark.parametrize("text, fragment, expected", [
    ("a b\nc d", "b c", (2, 5)),             # a line break in the source is a space in the answer
    ("a  b   c", "a b c", (0, 8)),
    ("abc", "x", None),
    ("abc", "   ", None),                    # nothing to look for
    ("(1+1) = 2", "(1+1)", (0, 5)),          # regex characters are literal
])
def test_find_flexible_matches_words_whatever_the_whitespace(text, fragment, expected):
    assert views.find_flexible(text, fragment) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Short. [1]", []),
    ("The committee noted the update. [2]", ["The committee noted the update."]),
    ("At the meeting it was RESOLVED: “The committee noted the update and asked for more.”",
     ["At the meeting it was RESOLVED: “The committee noted the update and asked for more.",
      "The committee noted the update and asked for more.", "At the meeting it was RESOLVED:"]),
    ("RESOLVED:\n- The first long resolution line\n- x", ["RESOLVED:\n- The first long resolution line\n- x",
                                                          "The first long resolution line"]),
])
def test_sentence_fragments_include_lines_and_quoted_parts(sentence, expected):
    assert views.sentence_fragments(sentence) == expected


def test_highlight_finds_a_resolution_whose_lines_the_answer_joined_behind_a_label():
    passage = "RESOLVED\nThe committee noted the update and requested the following:\n" \
              "- The report to the Board on the workforce review.\n- The annual summary of the KPIs."
    sentence = ("9 December 2020, item 5 (TRUST UPDATE): RESOLVED The committee noted the update and "
                "requested the following: - The report to the Board on the workforce review. "
                "- The annual summary of the KPIs.")
    out = views.highlight(passage, views.sentence_fragments(sentence))
    assert '<mark class="support">RESOLVED\nThe committee noted the update and requested the following:</mark>' in out
    assert '<mark class="support">The report to the Board on the workforce review.</mark>' in out
    assert '<mark class="support">The annual summary of the KPIs.</mark>' in out


def test_highlight_marks_the_supporting_sentence_across_line_breaks():
    out = views.highlight(PASSAGE["text"], ["The committee noted the update and requested a report."])
    assert "<mark class='support'>" not in out  # the house markup uses double quotes
    assert '<mark class="support">The committee noted the update\nand requested a report.</mark>' in out
    assert out.startswith("RESOLVED\n")


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\" onmouseover=\"alert(1)",
    "</mark><script>x</script>",
])
def test_document_text_is_always_escaped(payload):
    passage = {**PASSAGE, "text": f"Before {payload} after", "title": payload, "committee": payload,
               "id": payload}
    rendered = [views.citation_card(1, passage, [payload]),
                views.viewer_html(passage, passage["text"], passage, [payload]),
                views.answer_html({**ANSWER, "question": payload, "answer": payload,
                                   "sentences": [{"text": payload, "citations": [1]}],
                                   "citations": [{**passage, "n": 1}], "passages": [passage]}, 0),
                views.conversation_html([views.ChatTurn(payload)], [payload])]
    for html in rendered:
        assert "<script" not in html and "<img" not in html
        assert 'onmouseover="' not in html


def test_citation_card_shows_title_committee_meeting_item_page_and_opens_its_passage():
    card = views.citation_card(1, PASSAGE, ["The committee noted the update"])
    for text in ("Action Notes of 9 December 2020", "Scrutiny Committee", "Meeting 9 December 2020",
                 "Item 5: TRUST UPDATE", "Page 3", "Decision", "minutes.txt"):
        assert text in card
    assert "data-passage='abc123'" in card
    assert '<mark class="support">' in card


def test_answer_has_cards_copyable_markdown_and_a_collapsed_search_panel():
    html = views.answer_html(ANSWER, 4)
    assert "class='cite-ref' data-ref='1'" in html
    assert html.count("class='card'") == 1
    assert "<details class='how'>" in html and "<details class='how' open" not in html
    assert "What was resolved about the trust?" in html       # the standalone query
    assert "committee: Scrutiny Committee" in html            # the filters
    assert "dense 0.610" in html and "bm25 2.500" in html     # the passage scores
    assert "id='md-4'" in html and "data-copy='md-4'" in html


def test_markdown_copy_has_the_answer_and_numbered_sources():
    md = views.answer_markdown(ANSWER)
    assert md.startswith("**Q:** What was resolved?")
    assert "requested a report. [1]" in md
    assert "1. Action Notes of 9 December 2020 (Scrutiny Committee, Meeting 9 December 2020, " \
           "Item 5: TRUST UPDATE, Page 3) — minutes.txt" in md


def test_no_answer_is_friendly_and_shows_the_closest_passages():
    answer = {**ANSWER, "abstained": True, "citations": [], "answer": "I can't find this in the records.",
              "sentences": [{"text": "I can't find this in the records.", "citations": []}],
              "passages": [PASSAGE, {**PASSAGE, "id": "p2"}, {**PASSAGE, "id": "p3"}, {**PASSAGE, "id": "p4"}]}
    html = views.answer_html(answer, 0)
    assert "The records I have don't answer this." in html
    assert "Closest passages" in html
    assert html.count("class='card closest'") == views.CLOSEST_SHOWN
    assert "clear the filters" in html  # filters were applied, so suggest clearing them


def test_viewer_marks_the_passage_its_support_and_page_starts():
    text = "Intro line.\nRESOLVED\nThe committee noted the update\nand requested a report. Other text here.\nEnd."
    html = views.viewer_html({"title": "Doc", "source": "d.pdf"}, text, PASSAGE,
                             ["The committee noted the update and requested a report."],
                             pages=[(0, 1), (12, 2)])
    assert '<mark id="passage" class="passage">RESOLVED' in html
    assert '<mark class="support">The committee noted the update' in html
    assert html.index("id='page-1'") < html.index("id='page-2'") < html.index('id="passage"')
    assert "Cited passage on page 3" in html


def test_viewer_says_so_when_the_passage_is_not_in_the_text():
    html = views.viewer_html({"title": "Doc"}, "Other words only.", PASSAGE)
    assert "could not be located" in html and 'id="passage"' not in html


@pytest.mark.parametrize("stats, expected", [
    ({"documents": 0, "meetings": []}, []),
    ({"documents": 2, "meetings": ["2018-12-12", "2020-12-09"], "committees": ["Planning"]},
     ["What was resolved at the meeting on 9 December 2020?", "Who attended the meeting on 9 December 2020?",
      "What actions were agreed, and who is responsible for them?", "What are the main challenges reported?"]),
    ({"documents": 1, "meetings": [], "committees": []},
     ["What actions were agreed, and who is responsible for them?", "What are the main challenges reported?"]),
])
def test_example_questions_fit_what_is_indexed(stats, expected):
    assert views.example_questions(stats) == expected


def test_document_rows_show_metadata_and_duplicates_newest_first():
    docs = [{"title": "Old", "doc_type": "report", "meeting_date": "2018-01-01", "source": "a.txt",
             "page_start": 2, "page_end": 5, "n_chunks": 3},
            {"title": "New", "doc_type": "minutes", "meeting_date": "2020-01-01", "source": "b.txt",
             "n_chunks": 1, "duplicate_of": "a.txt#0"}]
    rows = views.document_rows(docs)
    assert [r[0] for r in rows] == ["New", "Old"]
    assert rows[1][5] == "2–5" and rows[0][8] == "Duplicate of a.txt#0"


def test_document_rows_show_unknown_body_and_date_as_unknown():
    rows = views.document_rows([{"title": "Letter", "doc_type": "letter", "source": "l.txt", "n_chunks": 1}])
    assert rows[0][2:4] == ["unknown", "unknown"]


def test_decision_rows_name_meeting_item_and_source_page():
    rows = views.decision_rows([{"meeting_date": "2020-12-09", "committee": "C", "item": "5",
                                 "item_title": "TRUST", "decision": "Noted.", "source": "m.pdf", "page": 4}])
    assert rows == [["2020-12-09", "C", "5 TRUST", "Noted.", "", "", "", "", "m.pdf, page 4"]]


@pytest.mark.parametrize("row, votes, outcome", [
    ({}, "", ""),
    ({"votes_for": 14, "votes_against": 3, "outcome": "carried"}, "14 for, 3 against", "carried"),
    ({"names_for": ["A", "B"], "names_abstain": ["C"]}, "2 for, 1 abstaining", ""),
    ({"votes_for": 0, "outcome": "agreed", "outcome_stated": False}, "0 for", "agreed (not printed)"),
])
def test_decision_rows_show_outcome_and_vote_split(row, votes, outcome):
    cells = views.decision_rows([{"decision": "That it be done.", **row}])[0]
    assert cells[views.DECISION_COLUMNS.index("Votes")] == votes
    assert cells[views.DECISION_COLUMNS.index("Outcome")] == outcome
