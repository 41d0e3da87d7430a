"""Standing questions (``vectorstore.watch``, ``minutes watch``): a report lists what arrived
since the last one that bears on each question, cited, and nothing twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minutes_core.settings import Settings
from minutes_core.text.stems import stem
from tests.conftest_vectorstore import FakeEmbedder
from vectorstore.index import Index
from vectorstore.ingestion import Ingester
from vectorstore.watch import WatchError, WatchList, question_words

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "tests" / "fixtures" / "limerick_topics"
ALIASES = ROOT / "docs" / "examples" / "limerick-committee-aliases.toml"


@pytest.mark.parametrize("question, words", [
    ("What is new on Ballycullen House?", ["ballycullen", "house"]),
    ("Any news about the Dromdarrig sites", ["dromdarrig", "site"]),
    ("What is new?", []),
])
def test_a_question_watches_its_content_words(question, words):
    assert question_words(question) == [stem(word) for word in words]


def _meeting_folders(word: str) -> list[Path]:
    return sorted({path.parent for path in TOPICS.rglob("*.md") if word in path.read_text(encoding="utf-8")
                   and path.name != "README.md"})


def test_a_report_lists_what_arrived_since_the_last_one_and_nothing_twice(tmp_path):
    settings = Settings.load(config_file=None, data_dir=tmp_path / "data", committee_aliases_file=str(ALIASES))
    corpus = tmp_path / "corpus"
    first, *later = _meeting_folders("Ballycullen")
    shutil.copytree(first, corpus / first.name)
    index = Index(settings, embedder=FakeEmbedder())
    try:
        Ingester(settings, index).ingest([corpus], progress=False)
        watch = WatchList(tmp_path / "data" / "watch.json")
        watch.add("What is new on Ballycullen House?", index)
        assert watch.report(index)["questions"][0]["passages"] == []  # nothing arrived since
        for folder in later:
            shutil.copytree(folder, corpus / folder.name)
        Ingester(settings, index).ingest([corpus], progress=False)
        store = index.open_records()
        report = watch.report(index, store)["questions"][0]
        store.close()
        assert report["new_files"] >= 1 and report["passages"]
        assert all("ballycullen" in p["text"].lower() and p["source"] for p in report["passages"])
        assert all(Path(p["path"]).parent.name != first.name for p in report["passages"])
        assert watch.report(index)["questions"][0]["passages"] == []  # reported once
    finally:
        index.close()


def test_a_question_with_nothing_to_watch_for_is_refused(tmp_path):
    class NoFiles:
        def files(self):
            return []

    with pytest.raises(WatchError):
        WatchList(tmp_path / "watch.json").add("What is new?", NoFiles())


def test_a_damaged_watch_file_is_a_clear_error_not_a_crash(tmp_path):
    path = tmp_path / "watch.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(WatchError, match="watch.json"):
        WatchList(path).questions()
