"""Following a topic across meetings (``vectorstore.track``, ``minutes track``), checked against
hand-made topic lists of the Limerick archive: every meeting where each topic came up.

The fixture (tests/fixtures/limerick_topics) holds every document of two of those lists; it is
ingested with the real parsers and a bag-of-words embedder (track searches by words, BM25).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from minutes_core.settings import Settings
from tests.conftest_vectorstore import FakeEmbedder
from vectorstore.index import Index
from vectorstore.ingestion import Ingester
from vectorstore.track import MeetingOnTopic, _link_deferrals, mentions_topic, topic_words, track

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "limerick_topics"
ALIASES = ROOT / "docs" / "examples" / "limerick-committee-aliases.toml"


@pytest.mark.parametrize("text, topic, found", [
    ("Limiting election\nposters in the district", "election posters", True),
    ("The posters for the election were removed", "election posters", True),
    ("The local election count", "election posters", False),
    ("Disposal of 7 Sites at Dromdarrig, Mungret", "Dromdarrig", True),
    ("", "Dromdarrig", False),
    ("Anything at all", "the of and", False),
])
def test_a_passage_is_on_a_topic_when_it_holds_every_content_word(text, topic, found):
    assert mentions_topic(text, topic_words(topic)) is found


def test_a_deferral_links_to_the_next_meeting_that_decided():
    first = MeetingOnTopic("2016-11-08", "District", deferred=True, settled=True)
    agenda = MeetingOnTopic("2016-11-10", "District", mentions=[{"kind": "agenda", "text": "item"}])
    decided = MeetingOnTopic("2016-11-14", "District", decisions=[{"outcome": "agreed"}])
    _link_deferrals([first, agenda, decided])
    assert first.deferred_until == "2016-11-14" and decided.follows_deferral == "2016-11-08"
    assert agenda.deferred_until is None


@pytest.fixture(scope="module")
def topic_index(tmp_path_factory):
    settings = Settings.load(config_file=None, data_dir=tmp_path_factory.mktemp("track") / "data",
                             committee_aliases_file=str(ALIASES))
    index = Index(settings, embedder=FakeEmbedder())
    report = Ingester(settings, index).ingest([FIXTURES], progress=False)
    assert not report.errors
    store = index.open_records()
    yield index, store
    store.close()
    index.close()


@pytest.mark.parametrize("topic", ["Dromdarrig", "Ballycullen"])
def test_track_finds_nine_in_ten_of_the_hand_listed_meetings(topic_index, topic):
    index, store = topic_index
    expected = set(json.loads((FIXTURES / "expected.json").read_text())["topics"][topic])
    timeline = track(topic, index, store)
    found = {m["meeting_date"] for m in timeline["meetings"]}
    recall = len(expected & found) / len(expected)
    assert recall >= 0.9, sorted(expected - found)
    dated = [m["meeting_date"] for m in timeline["meetings"] if m["meeting_date"]]
    assert dated == sorted(dated)
    for entry in timeline["meetings"]:
        for mention in entry["mentions"]:
            assert topic.lower() in " ".join(mention["passage"]["text"].split()).lower()


def test_a_topic_no_paper_names_has_an_empty_timeline(topic_index):
    index, store = topic_index
    assert track("swimming pool lifeguards", index, store)["meetings"] == []


def test_the_deferred_ballycullen_proposal_links_to_the_special_meeting_that_decided_it(topic_index):
    index, store = topic_index
    meetings = {m["meeting_date"]: m for m in track("Ballycullen", index, store)["meetings"]}
    assert meetings["2016-11-08"]["deferred_until"] == "2016-11-14"
    assert meetings["2016-11-14"]["follows_deferral"] == "2016-11-08"


def test_track_command_prints_the_timeline_as_json(topic_index):
    index, _ = topic_index
    result = subprocess.run([sys.executable, "-m", "minutes_app.cli", "track", "Ballycullen", "--json",
                             "--data-dir", str(index.layout.root)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={"PATH": "/usr/bin:/bin", "MINUTES_CONFIG": "/dev/null",
                                              "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    timeline = json.loads(result.stdout)
    assert [m["meeting_date"] for m in timeline["meetings"]][:2] == ["2016-11-08", "2016-11-14"]
