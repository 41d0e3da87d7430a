"""The evaluation suite format: loader, normalisation, corpus validation, and the bundled suite itself.

The bundled suite is gold data: if its labels drift from the corpus, every metric computed from it
is wrong without anyone noticing. So besides the loader's rejection table, these tests hold the
suite to the rules it was written by: verbatim short evidence that a chunk can contain, coverage
of every question type and every file, and of the beginning, middle and end of the long packs.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from evals.suite import (
    ITEM_TYPES,
    NOT_IN_CORPUS,
    SuiteError,
    SuiteItem,
    load_suite,
    normalise,
    validate_against_corpus,
    validate_alternatives,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "sample"
BUNDLED = ROOT / "evals" / "suites" / "bundled.jsonl"
OTHER = Path(__file__).resolve().parent / "fixtures" / "other_suite.jsonl"

PACK_2020 = "001_ad89458da0e2bfff.txt"
PACK_2018 = "002_be6b55039acfaaad.txt"
CORPUS_FILES = sorted(path.name for path in CORPUS.glob("*.txt"))

# Minimum number of items per type: roughly the mix the suite was planned with (brief: 25 fact,
# 15 resolution, 10 attendance, 10 date, 10 number, 10 person-role, 6 cross-document,
# 12 unanswerable, 12 follow-up, 8 list), with a little slack below the planned counts.
MIN_PER_TYPE = {
    "fact": 20,
    "resolution": 12,
    "attendance": 8,
    "date": 8,
    "number": 8,
    "person-role": 8,
    "cross-document": 6,
    "unanswerable": 10,
    "follow-up": 10,
    "list": 8,
}

# Lines that are page furniture, not prose: agenda-pack stamps, page footers, lone page numbers and
# the action tracker's repeated header (corpus catalogue, "Chunking pitfalls" 4). A cleaning step
# may drop them, so an evidence quote must never run across one.
_FURNITURE = re.compile(
    r"^\s*(Item \d+[a-z]?|Agenda item \d+|Page \d+ of \d+|\d{1,3}|ACTION TRACKER 2020-21"
    r"|Date Agenda Item Action Update|EDUCATION AND CHILDREN.S SOCIAL CARE O&S COMMITTEE)\s*$"
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _collapsed_with_lines(text: str) -> tuple[str, list[int]]:
    """The text with whitespace runs collapsed and quotes straightened, and each character's line."""
    chars: list[str] = []
    lines: list[int] = []
    line, pending_space = 1, False
    for char in text.translate(_QUOTES):
        if char.isspace():
            line += char == "\n"
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            lines.append(line)
            pending_space = False
        chars.append(char)
        lines.append(line)
    return "".join(chars), lines


_LOCATED: dict[str, tuple[str, list[int]]] = {}


def _evidence_lines(file_name: str, quote: str) -> tuple[int, int] | None:
    """First and last 1-based line of ``quote``'s first verbatim occurrence in a corpus file."""
    if file_name not in _LOCATED:
        _LOCATED[file_name] = _collapsed_with_lines((CORPUS / file_name).read_text(encoding="utf-8"))
    text, lines = _LOCATED[file_name]
    wanted = re.sub(r"\s+", " ", quote.translate(_QUOTES)).strip()
    start = text.find(wanted)
    if start < 0:
        return None
    return lines[start], lines[start + len(wanted) - 1]


@pytest.fixture(scope="module")
def bundled() -> list[SuiteItem]:
    return load_suite(BUNDLED)


# --- the bundled suite ------------------------------------------------------------------------


def test_bundled_suite_is_consistent_with_the_corpus(bundled):
    assert validate_against_corpus(bundled, CORPUS) == []


def test_bundled_suite_has_at_least_a_hundred_items_with_sequential_ids(bundled):
    assert len(bundled) >= 100
    assert [item.id for item in bundled] == [f"q{number:03d}" for number in range(1, len(bundled) + 1)]


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_bundled_suite_covers_every_question_type(bundled, item_type):
    count = sum(item.type == item_type for item in bundled)
    assert count >= MIN_PER_TYPE[item_type], f"{item_type}: {count} items"


@pytest.mark.parametrize("file_name", CORPUS_FILES)
def test_bundled_suite_asks_about_every_corpus_file(bundled, file_name):
    count = sum(file_name in item.source_files for item in bundled)
    assert count >= 5, f"{file_name}: {count} items"


@pytest.mark.parametrize("file_name", [PACK_2020, PACK_2018])
@pytest.mark.parametrize("third", [1, 2, 3])
def test_bundled_suite_spreads_over_beginning_middle_and_end_of_the_long_packs(bundled, file_name, third):
    total_lines = len((CORPUS / file_name).read_text(encoding="utf-8").splitlines())
    in_third = 0
    for item in bundled:
        if file_name not in item.source_files + item.also_in:
            continue
        for quote in item.evidence_quotes:
            found = _evidence_lines(file_name, quote)
            if found and 1 + (found[0] - 1) * 3 // total_lines == third:
                in_third += 1
    assert in_third >= 8, f"{file_name}, third {third}: {in_third} evidence quotes"


def test_bundled_evidence_is_a_short_quote_inside_running_text(bundled):
    problems = []
    for item in bundled:
        for quote in item.evidence_quotes:
            words = len(quote.split())
            if not 6 <= words <= 35:
                problems.append(f"{item.id}: {words} words")
            for file_name in item.source_files + item.also_in:
                found = _evidence_lines(file_name, quote)
                if found is None:
                    continue
                first, last = found
                raw = (CORPUS / file_name).read_text(encoding="utf-8").splitlines()
                for number in range(first, last + 1):
                    if _FURNITURE.match(raw[number - 1]):
                        problems.append(f"{item.id}: runs across page furniture at {file_name}:{number}")
                    if number < last and re.search(r"\w-\s*$", raw[number - 1]):
                        problems.append(f"{item.id}: runs across a line-end hyphen at {file_name}:{number}")
    assert problems == []


def test_bundled_questions_paraphrase_rather_than_copy_the_evidence(bundled):
    def words(text: str) -> list[str]:
        return re.findall(r"[\w£%']+", normalise(text))

    copied = []
    for item in bundled:
        question = words(item.question)
        for quote in item.evidence_quotes:
            evidence = words(quote)
            runs = {tuple(evidence[i : i + 7]) for i in range(len(evidence) - 6)}
            if any(tuple(question[i : i + 7]) in runs for i in range(len(question) - 6)):
                copied.append(item.id)
    assert copied == []


def test_bundled_must_include_holds_one_to_three_short_keys(bundled):
    for item in bundled:
        if item.answerable:
            assert 1 <= len(item.must_include) <= 3, item.id
            assert all(len(key.split()) <= 6 for key in item.must_include), item.id
        if item.type == "list":
            assert len(item.must_include) >= 2, item.id


def test_bundled_unanswerable_items_name_no_source(bundled):
    unanswerable = [item for item in bundled if not item.answerable]
    assert len(unanswerable) >= 10
    assert all(item.type == "unanswerable" and item.source_file == "" for item in unanswerable)


def test_bundled_follow_ups_carry_a_finished_exchange(bundled):
    follow_ups = [item for item in bundled if item.type == "follow-up"]
    assert len(follow_ups) >= 10
    for item in follow_ups:
        roles = [turn["role"] for turn in item.history]
        assert roles == ["user", "assistant"] * (len(roles) // 2) and roles, item.id


def test_bundled_cross_document_items_quote_two_different_files(bundled):
    for item in (item for item in bundled if item.type == "cross-document"):
        first, second = item.source_files[:2]
        assert first != second, item.id
        assert _evidence_lines(first, item.evidence), item.id
        assert _evidence_lines(second, item.evidence2), item.id


def test_other_suite_fixture_loads_and_is_consistent_with_the_corpus():
    items = load_suite(OTHER)
    assert len(items) == 6
    assert validate_against_corpus(items, CORPUS) == []


# --- load_suite -------------------------------------------------------------------------------

VALID = {
    "id": "q1",
    "question": "Who chaired the meeting?",
    "answer": "Councillor Kath Scott.",
    "must_include": ["Kath Scott"],
    "source_file": "minutes.txt",
    "evidence": "Councillor Kath Scott (Chair)",
    "type": "attendance",
}
UNANSWERABLE = {
    **VALID,
    "answer": NOT_IN_CORPUS,
    "must_include": [],
    "evidence": "",
    "source_file": "",
    "type": "unanswerable",
}


def _without(mapping: dict, key: str) -> dict:
    return {name: value for name, value in mapping.items() if name != key}


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (_without(VALID, "answer"), "missing required field 'answer'"),
        (_without(VALID, "type"), "missing required field 'type'"),
        ({**VALID, "id": "q2", "type": "opinion"}, "unknown type 'opinion'"),
        ({**VALID, "id": "q2", "evidense": "typo"}, "unknown field 'evidense'"),
        ({**VALID, "id": "q2", "question": 5}, "field 'question' must be a string"),
        ({**VALID, "id": "q2", "question": "  "}, "field 'question' is empty"),
        ({**VALID, "id": "q2", "must_include": "Kath Scott"}, "field 'must_include' must be a list"),
        ({**VALID, "id": "q2", "must_include": ["Kath Scott", ""]}, "field 'must_include' must be a list"),
        ({**VALID, "id": "q2", "also_in": "other.txt"}, "field 'also_in' must be a list"),
        ({**VALID, "id": "q2", "evidence2": ["a"]}, "field 'evidence2' must be a string"),
        (VALID, "duplicate id 'q1' (first used on line 1)"),
        ({**UNANSWERABLE, "id": "q2", "must_include": ["Kath Scott"]}, "must have empty 'must_include'"),
        ({**UNANSWERABLE, "id": "q2", "evidence": "Councillor Kath Scott (Chair)"}, "must have empty"),
        ({**VALID, "id": "q2", "type": "unanswerable"}, "must have the answer 'NOT_IN_CORPUS'"),
        ({**VALID, "id": "q2", "evidence": ""}, "needs an 'evidence' quote"),
        ({**VALID, "id": "q2", "source_file": ""}, "needs a 'source_file'"),
        ({**VALID, "id": "q2", "type": "cross-document", "evidence2": "x"}, "needs two source files"),
        ({**VALID, "id": "q2", "type": "follow-up"}, "needs the earlier turns in 'history'"),
        ({**VALID, "id": "q2", "history": {"role": "user"}}, "field 'history' must be a list"),
        ({**VALID, "id": "q2", "history": ["hello"]}, "history turn 1 must be an object"),
        ({**VALID, "id": "q2", "history": [{"role": "system", "content": "x"}]}, "roles are 'user' and 'assistant'"),
        ({**VALID, "id": "q2", "history": [{"role": "user", "content": " "}]}, "history turn 1 has no text"),
    ],
)
def test_load_suite_rejects_a_malformed_line_naming_file_and_line(tmp_path, bad_line, expected):
    path = tmp_path / "suite.jsonl"
    bad = bad_line if isinstance(bad_line, str) else json.dumps(bad_line)
    path.write_text(json.dumps(VALID) + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(SuiteError) as raised:
        load_suite(path)
    message = str(raised.value)
    assert f"{path}:3:" in message
    assert expected in message


def test_load_suite_accepts_blank_lines_and_optional_fields(tmp_path):
    follow_up = {
        **VALID,
        "id": "q2",
        "type": "follow-up",
        "source_file": "a.txt; b.txt",
        "also_in": ["c.txt"],
        "history": [{"role": "user", "content": "Who chaired?"}, {"role": "assistant", "content": "Kath Scott."}],
    }
    path = tmp_path / "suite.jsonl"
    lines = ["", json.dumps(VALID), "   ", json.dumps(follow_up), json.dumps({**UNANSWERABLE, "id": "q3"}), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    first, second, third = load_suite(path)
    assert (first.id, first.evidence2, first.also_in, first.history) == ("q1", None, [], [])
    assert second.source_files == ["a.txt", "b.txt"] and second.history[1]["role"] == "assistant"
    assert first.answerable and not third.answerable and third.source_files == []


@pytest.mark.parametrize(("content", "expected"), [("", "holds no items"), ("\n  \n", "holds no items")])
def test_load_suite_rejects_a_suite_without_items(tmp_path, content, expected):
    path = tmp_path / "empty.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SuiteError, match=expected):
        load_suite(path)


def test_load_suite_names_a_file_it_cannot_read(tmp_path):
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(SuiteError, match=re.escape(f"{missing}: cannot read")):
        load_suite(missing)


# --- normalise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("Kath SCOTT", "kath scott"),
        ("Children\u2019s Trust", "children's trust"),
        ("\u2018requires improvement\u2019", "'requires improvement'"),
        ("\u201cGood\u201d", '"good"'),
        ("2017\u201318", "2017-18"),
        ("Trust \u2014 Andy", "trust - andy"),
        ("self\u2010assessment and co\u2011production", "self-assessment and co-production"),
        ("  many\n\n spaces\tand\u00a0tabs  ", "many spaces and tabs"),
        ("**5,224** plans", "5224 plans"),
        ("1,929 children", "1929 children"),
        ("over 1,141,000 residents", "over 1141000 residents"),
        ("£690,860", "£690860"),
        ("grades 1,2 & 3", "grades 1,2 & 3"),
        ("21 March, 2018", "21 march, 2018"),
        ("in 2016,2017", "in 2016,2017"),
        ("self-\nassessments", "self- assessments"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


# --- validate_against_corpus ------------------------------------------------------------------


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(
        "The Trust distributed 3,500 laptops to vulnerable\nchildren so they can access\u2019 learning.\n"
        "Budget 2017\u201318 was agreed.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Copy: The Trust distributed 3,500 laptops to vulnerable children.\n", encoding="utf-8"
    )
    return tmp_path


def _item(**changes) -> SuiteItem:
    base = SuiteItem(
        id="t1",
        question="How many laptops?",
        answer="3,500 laptops.",
        must_include=["3,500"],
        source_file="a.txt",
        evidence="The Trust distributed 3,500 laptops to vulnerable children",
        type="number",
        also_in=["b.txt"],
    )
    return dataclasses.replace(base, **changes)


def test_validate_forgives_line_wrapping_and_curly_quotes_only(tiny_corpus):
    wrapped = _item(
        evidence="laptops to vulnerable children so they can access' learning.",
        must_include=["access' learning"],
        answer="So they can access' learning.",
        also_in=[],
    )
    assert validate_against_corpus([_item(), wrapped], tiny_corpus) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"evidence": "The trust distributed 3,500 laptops"}, "evidence is not a verbatim quote"),
        ({"evidence": "Budget 2017-18 was agreed.", "must_include": ["2017"], "answer": "2017"}, "not a verbatim"),
        ({"evidence2": "no such sentence"}, "evidence2 is not a verbatim quote"),
        ({"source_file": "c.txt"}, "source file 'c.txt' does not exist"),
        ({"also_in": ["c.txt"]}, "source file 'c.txt' does not exist"),
        ({"must_include": ["4,000"], "answer": "4,000 laptops"}, "must_include '4,000' is not in the evidence"),
        (
            {"must_include": ["laptops", "3500 laptops"], "answer": "laptops"},
            "must_include '3500 laptops' is not in the gold answer",
        ),
        ({"also_in": []}, "evidence also appears in 'b.txt'; list it in 'also_in'"),
    ],
)
def test_validate_reports_each_kind_of_label_problem(tiny_corpus, changes, expected):
    problems = validate_against_corpus([_item(**changes)], tiny_corpus)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith("t1: ") for problem in problems)


def test_validate_matches_must_include_after_normalising(tiny_corpus):
    item = _item(must_include=["3500 LAPTOPS"], answer="It gave out 3,500\nlaptops.")
    assert validate_against_corpus([item], tiny_corpus) == []


def test_validate_reports_a_missing_corpus_folder(tmp_path):
    nowhere = tmp_path / "nowhere"
    assert validate_against_corpus([_item()], nowhere) == [f"corpus folder {nowhere} does not exist"]


def test_validate_checks_alternatives_whose_files_are_present(tiny_corpus):
    (tiny_corpus / "c.txt").write_text("Minutes: it was noted that 3,500 laptops went to pupils.\n", encoding="utf-8")
    good = {"source_file": "c.txt", "evidence": "3,500 laptops went to pupils"}
    assert validate_against_corpus([_item(also_answered_by=[good])], tiny_corpus) == []
    misquoted = {"source_file": "c.txt", "evidence": "3,500 laptops went to schools"}
    without_answer = {"source_file": "c.txt", "evidence": "laptops went to pupils"}
    problems = validate_against_corpus([_item(also_answered_by=[misquoted, without_answer])], tiny_corpus)
    assert problems == [
        "t1: alternative is not a verbatim quote of c.txt: '3,500 laptops went to schools'",
        "t1: must_include '3,500' is not in the alternative from c.txt",
    ]


def test_validate_leaves_alternatives_of_a_larger_archive_unless_required(tiny_corpus):
    elsewhere = {"source_file": "2018/d.txt", "evidence": "3,500 laptops"}
    assert validate_against_corpus([_item(also_answered_by=[elsewhere])], tiny_corpus) == []
    problems = validate_alternatives([_item(also_answered_by=[elsewhere])], tiny_corpus)
    assert problems == [f"t1: alternative file '2018/d.txt' does not exist in {tiny_corpus}"]


def test_a_file_named_by_an_alternative_may_hold_the_evidence(tiny_corpus):
    copy = {"source_file": "b.txt", "evidence": "The Trust distributed 3,500 laptops"}
    assert validate_against_corpus([_item(also_in=[], also_answered_by=[copy])], tiny_corpus) == []


@pytest.mark.parametrize("value", [
    [{"source_file": "a.txt"}],
    [{"source_file": "a.txt", "evidence": ""}],
    [{"source_file": "a.txt", "evidence": "x", "page": 2}],
    {"source_file": "a.txt", "evidence": "x"},
    ["a.txt"],
])
def test_load_rejects_a_malformed_alternative(tmp_path, value):
    line = {"id": "t1", "question": "How many laptops?", "answer": "3,500", "must_include": ["3,500"],
            "source_file": "a.txt", "evidence": "3,500 laptops", "type": "number", "also_answered_by": value}
    path = tmp_path / "suite.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(SuiteError, match="also_answered_by"):
        load_suite(path)


def test_validate_skips_unanswerable_items(tiny_corpus):
    item = SuiteItem("u1", "Who chairs housing?", NOT_IN_CORPUS, [], "", "", "unanswerable")
    assert validate_against_corpus([item], tiny_corpus) == []
