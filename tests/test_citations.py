"""The citation check on generated answers: markers, ranges, and the support rule, as tables."""

from __future__ import annotations

import pytest

from assistant.citations import (
    SUPPORT_THRESHOLD,
    any_supported_citation,
    citation_numbers,
    is_refusal,
    is_supported,
    key_terms,
    numbers,
    parse_cited_answer,
    split_sentences,
    strip_markers,
    support_score,
)
from assistant.models import AnswerSentence
from assistant.prompts import REFUSAL
from vectorstore.models import Passage

DRAINAGE = ("RESOLVED: That the contract for drainage works be awarded to Acme Drainage Ltd at a "
            "cost of £1,200,000. The motion was carried by 5 votes to 2. Cllr Jones left the room "
            "and did not vote.")
TOWER = ("The Mill Road tower application was refused on grounds of height and loss of daylight "
         "to neighbouring homes.")
PASSAGES = [
    Passage(id="a", text=DRAINAGE, source="cabinet.pdf", committee="Cabinet",
            meeting_date="2024-03-12", title="Minutes", page=4),
    Passage(id="b", text=TOWER, source="planning.pdf", committee="Planning Committee"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n ", []),
        ("One sentence [1].", ["One sentence [1]."]),
        ("First [1]. Second [2].", ["First [1].", "Second [2]."]),
        ("Marker after the stop. [1] Next one. [2]",
         ["Marker after the stop. [1]", "Next one. [2]"]),
        ("Proposed by Cllr. Smith and seconded [1]. Carried [1].",
         ["Proposed by Cllr. Smith and seconded [1].", "Carried [1]."]),
        ("J. Smith declared an interest [1]. Noted.",
         ["J. Smith declared an interest [1].", "Noted."]),
        ("It cost £1.2m in 2024. Approved!", ["It cost £1.2m in 2024.", "Approved!"]),
        ("- first item [1]\n- second item [2]", ["- first item [1]", "- second item [2]"]),
        ('He said "stop." Then left [1].', ['He said "stop."', "Then left [1]."]),
        ("The vote was 5 to 2.\n[1]", ["The vote was 5 to 2. [1]"]),
        ("No terminator at all [3]", ["No terminator at all [3]"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("sentence", "cited", "stripped"),
    [
        ("Plain sentence.", [], "Plain sentence."),
        ("Awarded to Acme [1].", [1], "Awarded to Acme."),
        ("Awarded to Acme [1, 3].", [1, 3], "Awarded to Acme."),
        ("Awarded to Acme [2][1][2].", [2, 1], "Awarded to Acme."),
        ("Awarded [1; 2] to Acme.", [1, 2], "Awarded to Acme."),
        ("Awarded to Acme [2-4].", [2, 3, 4], "Awarded to Acme."),
        ("Awarded to Acme [Passage 2].", [2], "Awarded to Acme."),
        ("Awarded to Acme [1] [2].", [1, 2], "Awarded to Acme."),
        ("The list [a] and [1a] are not markers.", [], "The list [a] and [1a] are not markers."),
        ("A range [1-900] is a typo [2].", [1, 900, 2], "A range is a typo."),
    ],
)
def test_markers_are_parsed_and_stripped(sentence, cited, stripped):
    assert citation_numbers(sentence) == cited
    assert strip_markers(sentence) == stripped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,200,000", {"1200000"}),
        ("1200000", {"1200000"}),
        ("5 votes to 2", {"5", "2"}),
        ("on 03/04/2024", {"3", "4", "2024"}),
        ("1.50 and 1.5", {"1.5"}),
        ("in 2024.", {"2024"}),
        ("no numbers", set()),
    ],
)
def test_numbers_are_normalised(text, expected):
    assert numbers(text) == expected


def test_key_terms_drop_function_words_and_stem():
    assert key_terms("The Committee awarded the contracts to Acme in 2024") == {
        "award", "contract", "acm", "2024"}


@pytest.mark.parametrize(
    ("sentence", "passage", "supported"),
    [
        # faithful paraphrase
        ("Acme Drainage Ltd was awarded the drainage contract for GBP 1,200,000.", DRAINAGE, True),
        ("The motion was carried by 5 votes to 2.", DRAINAGE, True),
        ("Cllr Jones did not vote because he left the room.", DRAINAGE, True),
        # a number that is not in the passage
        ("The motion was carried by 6 votes to 2.", DRAINAGE, False),
        ("The contract was worth £1,300,000.", DRAINAGE, False),
        # a proper name that is not in the passage
        ("Cllr Smith did not vote.", DRAINAGE, False),
        # topic salad reusing a few names (SmolLM2's actual hallucination)
        ("The committee decided to award the swimming pool budget to Acme Drainage Ltd.",
         DRAINAGE, False),
        # the wrong passage
        ("The tower application was refused because of its height.", DRAINAGE, False),
        ("The tower application was refused because of its height.", TOWER, True),
        # a verbatim quote, and a quote the passage does not contain
        ('It was resolved "That the contract for drainage works be awarded to Acme Drainage Ltd".',
         DRAINAGE, True),
        ('It was resolved "That the contract for drainage works be deferred".', DRAINAGE, False),
        # nothing to check
        ("Yes.", DRAINAGE, True),
    ],
)
def test_support_decisions(sentence, passage, supported):
    assert is_supported(sentence, passage) is supported


def test_support_score_is_the_share_of_key_terms_found():
    # terms: committee is a stopword; decid, award, swimming, pool, budget, acme, drainage, ltd
    score = support_score("The committee decided to award the swimming pool budget to Acme "
                          "Drainage Ltd.", DRAINAGE)
    assert score == pytest.approx(4 / 8)
    assert score < SUPPORT_THRESHOLD
    assert support_score("Acme Drainage Ltd won.", DRAINAGE) == pytest.approx(3 / 4)
    assert support_score("", DRAINAGE) == 1.0


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("", []),
        ("Acme Drainage Ltd was awarded the contract [1].",
         [AnswerSentence("Acme Drainage Ltd was awarded the contract.", [1], True)]),
        # out-of-range citations are dropped; the valid one is kept
        ("The tower application was refused [2][3][0].",
         [AnswerSentence("The tower application was refused.", [2], True)]),
        # only out-of-range citations: no citation left, so unsupported
        ("The tower application was refused [5].",
         [AnswerSentence("The tower application was refused.", [], False)]),
        # no citation at all
        ("The tower application was refused.",
         [AnswerSentence("The tower application was refused.", [], False)]),
        # cited, but the cited passage does not say it
        ("The tower application was refused [1].",
         [AnswerSentence("The tower application was refused.", [1], False)]),
        # one of two cited passages is enough
        ("The tower application was refused [1, 2].",
         [AnswerSentence("The tower application was refused.", [1, 2], True)]),
        # the meeting date may be written out: it is in the passage's metadata
        ("The Cabinet awarded the drainage contract on 12 March 2024 [1].",
         [AnswerSentence("The Cabinet awarded the drainage contract on 12 March 2024.", [1],
                         True)]),
        # a verbatim sentence is a quote
        ("The motion was carried by 5 votes to 2. [1]",
         [AnswerSentence("The motion was carried by 5 votes to 2.", [1], True, quote=True)]),
        # the refusal needs no citation
        (REFUSAL, [AnswerSentence(REFUSAL, [], True)]),
        ("Acme Drainage Ltd got the contract [1]. The vote was 9 to 0 [1].",
         [AnswerSentence("Acme Drainage Ltd got the contract.", [1], True),
          AnswerSentence("The vote was 9 to 0.", [1], False)]),
    ],
)
def test_parse_cited_answer(answer, expected):
    assert parse_cited_answer(answer, PASSAGES) == expected


def test_no_passages_means_no_valid_citation():
    sentences = parse_cited_answer("Acme won [1].", [])
    assert sentences == [AnswerSentence("Acme won.", [], False)]
    assert not any_supported_citation(sentences)


@pytest.mark.parametrize(
    ("answer", "usable"),
    [
        ("Acme Drainage Ltd was awarded the contract [1].", True),
        ("The swimming pool budget was cut by 40% [1].", False),
        ("Acme Drainage Ltd was awarded the contract.", False),
        (REFUSAL, False),
        ("", False),
    ],
)
def test_any_supported_citation_decides_the_fallback(answer, usable):
    assert any_supported_citation(parse_cited_answer(answer, PASSAGES)) is usable


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        (REFUSAL, True),
        ("I cannot find it in the records.", True),
        ("I could not find this in the passages.", True),
        ("I can\u2019t find this in the records searched.", True),
        ("The records show the contract was awarded.", False),
        ("We can find no objection in the papers", False),
    ],
)
def test_is_refusal(text, refusal):
    assert is_refusal(text) is refusal
