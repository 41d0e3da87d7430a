"""The shared text layer and stage timer (minutes_core): the one place each rule is written."""

from __future__ import annotations

import time

import pytest

from minutes_core.text.dates import human_date, iso_date
from minutes_core.text.names import last_person, person_names
from minutes_core.text.normalise import match_form, name_key
from minutes_core.text.sentences import ends_with_abbreviation, split_paragraph
from minutes_core.text.stems import stem, stem_set, terms
from minutes_core.text.stopwords import STOPWORDS
from minutes_core.timing import StageTimer
from vectorstore.layout import DataLayout


@pytest.mark.parametrize("text, options, expected", [
    ("A \u2018Quoted\u2019  **Bold** word", {}, "a 'quoted' bold word"),
    ("pre\u2013school", {}, "pre-school"),
    ("pre\u2013school", {"dashes": False}, "pre\u2013school"),
    ("<i>in</i> a tag", {"tags": True}, "in a tag"),
    ("£1,929 and 1,50", {"thousands": True}, "£1929 and 1,50"),
    ("", {}, ""),
])
def test_match_form_folds_what_typography_changes(text, options, expected):
    assert match_form(text, **options) == expected


@pytest.mark.parametrize("word, term", [
    ("requests", "request"), ("requested", "request"), ("request", "request"),
    ("authorities", "author"), ("authority", "author"), ("Trust's", "trust"), ("Trust\u2019s", "trust"),
    ("meetings", "meet"), ("meeting", "meet"), ("themes", "theme"), ("cases", "case"),
    ("KPIs", "kpi"), ("KPI", "kpi"), ("MPs", "mp"),
    ("3,500", "3500"), ("£1,200,000", "1200000"), ("3.5%", "3.5"), ("2020", "2020"), ("1.2m", "1.2m"),
    ("Adare-Rathkeale", "adar-rathkeal"), ("", ""),
])
def test_stem_gives_one_term_for_every_form_of_a_word(word, term):
    assert stem(word) == term


@pytest.mark.parametrize("text, expected", [
    ("What did the Council decide about the call-in?", ["council", "decid", "call"]),
    ("Adare-Rathkeale and Adare Rathkeale", ["adar", "rathkeal", "adar", "rathkeal"]),
    ("a grant of £1,500 (1500 euro)", ["grant", "1500", "1500", "euro"]),
    ("Tell me the latest", []),
    ("", []),
    ("*** --- ###", []),
    ("snake_case £.£b --x", ["snake", "case", "b", "x"]),
])
def test_terms_are_what_keyword_search_indexes(text, expected):
    assert terms(text, STOPWORDS) == expected


def test_words_are_read_in_linear_time_on_runs_of_marks():
    """Each "£" of "£.£.£..." could start a word that never ends on a letter; the old pattern
    rescanned the run from every one of them (quadratic). Compared by ratio, not by a time."""
    def seconds(text: str) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            terms(text)
            runs.append(time.perf_counter() - start)
        return min(runs)
    short, long = "£." * 4_000, "£." * 32_000
    assert terms(long) == []
    assert seconds(long) < 20 * max(seconds(short), 1e-4)


def test_stem_set_keeps_stopwords_so_sentences_can_be_compared_whole():
    assert stem_set("The meetings of the Trust") == {"the", "meet", "of", "trust"}


@pytest.mark.parametrize("printed, key", [
    ("Education and Children\u2019s Social Care O&S Committee",
     "education and children's social care overview and scrutiny committee"),
    ("Children\u2019s (O&S) Committee - public meeting", "children's committee"),
    ("Overview & Scrutiny", "overview and scrutiny"),
    ("", ""),
])
def test_name_key_is_the_same_for_every_spelling_of_a_committee(printed, key):
    assert name_key(printed) == key


@pytest.mark.parametrize("before, initials, expected", [
    ("asked Cllr", "any", True),
    ("see e.g", "capital", True),
    ("signed by J", "capital", True),
    ("close to £7m", "capital", False),   # a unit, not an initial
    ("close to £7m", "any", True),        # passages keep their earlier, looser rule
    ("the committee agreed", "any", False),
    ("", "any", False),
])
def test_ends_with_abbreviation(before, initials, expected):
    assert ends_with_abbreviation(before, initials=initials) is expected


@pytest.mark.parametrize("text, sentences", [
    ("Cllr. Smith spoke. The committee agreed.", ["Cllr. Smith spoke.", "The committee agreed."]),
    ("It costs £7m. It was noted.", ["It costs £7m.", "It was noted."]),
    ("Days incl. S47 were counted.", ["Days incl. S47 were counted."]),
    ("", []),
])
def test_split_paragraph_keeps_abbreviations_inside_sentences(text, sentences):
    assert split_paragraph(text) == sentences


@pytest.mark.parametrize("parts, iso", [((2020, 12, 9), "2020-12-09"), ((2021, 2, 30), None)])
def test_iso_date_refuses_days_that_do_not_exist(parts, iso):
    assert iso_date(*parts) == iso


@pytest.mark.parametrize("iso, shown", [("2020-12-09", "9 December 2020"), (None, ""), ("", ""),
                                        ("2019/20", "2019/20")])
def test_human_date(iso, shown):
    assert human_date(iso) == shown


def test_person_names_skip_organisations_and_keep_order():
    text = "Birmingham Children's Trust, Chair. Penny Thompson, Independent Chair, introduced it; Cllr Yip said."
    assert person_names(text) == ["Penny Thompson", "Cllr Yip"]
    assert last_person(text) == "Cllr Yip"


def test_cr_titles_a_councillor_as_cllr_does():
    assert person_names("The motion of Cr Oakes was seconded by Cr Leah Wexford.") == ["Cr Oakes", "Cr Leah Wexford"]


def test_stage_timer_adds_up_repeated_stages_and_times_a_failing_one():
    timer = StageTimer({"load": 1.0})
    for _ in range(2):
        with timer.stage("load"):
            time.sleep(0.01)
    with pytest.raises(ValueError), timer.stage("parse"):
        raise ValueError("bad file")
    timings = timer.total()
    assert timings["load"] >= 1.02 and "parse" in timings
    assert timings["total"] >= 0.02


def test_every_data_path_is_under_the_data_directory(tmp_path):
    layout = DataLayout(tmp_path)
    paths = [layout.registry, layout.bm25, layout.chroma, layout.records, layout.uploads,
             layout.log_file, layout.models, layout.baseline]
    assert all(path.is_relative_to(tmp_path) for path in paths)
    assert len(set(paths)) == len(paths)
