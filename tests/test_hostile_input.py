"""Hostile and unlucky input (issue #11): limits at the boundary, folders that fight back,
chunks that stay small, two ingests at once, and a fuzz run over the core.

The web UI's part (no server paths for non-admins, the API's errors) is in test_app_hostile.py.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from assistant.factory import build_assistant
from assistant.models import Answer, Turn
from assistant.validation import InputError
from ingest.chunking import ATOMIC_STRETCH
from ingest.loaders import LoadError, discover, load_file
from ingest.lock import LockTimeout, writer_lock
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeIndex, sample_passages
from tests.test_cli import minutes  # the real CLI with the small fake embedder
from tests.test_loaders import make_pdf
from tests.test_pipeline import papers  # noqa: F401  (a fixture: minutes.txt and report.txt)
from vectorstore.ingestion import Ingester, parse_file
from vectorstore.layout import DataLayout
from vectorstore.models import Filters



@pytest.fixture
def assistant(tmp_path):
    index = FakeIndex(sample_passages())
    return build_assistant(Settings(data_dir=tmp_path), index=index)


# -- 1. a long question is refused at once -------------------------------------------------------

def test_a_question_over_the_limit_is_refused_before_any_search(assistant):
    with pytest.raises(InputError, match=r"1,000,000 characters long; the limit is 2,000"):
        assistant.ask("What was decided? " + "x" * (1_000_000 - 18))
    assert assistant.retriever.index.searches == []


def test_the_cli_refuses_a_long_question_with_exit_status_2(tmp_path):
    result = minutes("ask", "why " * 25_000, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "minutes: The question is 100,000 characters long; the limit is 2,000 (setting "
        "max_question_chars). Ask a shorter question."]


# -- 3 and 4. folders with link loops and links out of the folder --------------------------------

@pytest.fixture
def hostile_folder(papers, tmp_path) -> Path:
    """The papers plus a link loop, a link to a folder holding it, a link out of the folder to a
    secret, a broken link and a link to a file inside (which is fine)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("The vault combination is 31-41-59 and nobody else knows it.\n")
    (papers / "loop.txt").symlink_to("loop.txt")
    (papers / "sub").mkdir()
    (papers / "sub" / "up").symlink_to("..")
    (papers / "passwords.txt").symlink_to(secret)
    (papers / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (papers / "sub" / "same-minutes.txt").symlink_to(papers / "minutes.txt")
    return papers


def test_discover_reports_bad_links_and_goes_on(hostile_folder):
    files, problems = discover([hostile_folder])
    assert sorted(f.name for f in files) == ["minutes.txt", "report.txt"], \
        "the link inside the folder is the same file, listed once"
    reasons = {Path(path).name: reason for path, reason in problems}
    assert reasons["loop.txt"].startswith("symbolic link loop")
    assert reasons["up"].startswith("symbolic link loop")
    assert "outside the folder being ingested" in reasons["passwords.txt"]
    assert reasons["gone.txt"].startswith("broken symbolic link")


def test_ingest_of_a_folder_with_a_loop_and_a_link_out_indexes_the_rest(make_index, hostile_folder):
    index = make_index()
    report = Ingester(index.settings, index).ingest([hostile_folder], progress=False).to_dict()
    assert report["files"]["added"] == 2
    named = {Path(e["file"]).name for e in report["errors"]}
    assert {"loop.txt", "up", "passwords.txt", "gone.txt"} <= named
    assert not [c for c in index.registry.indexed_chunks() if "vault combination" in c.text]


def test_cli_ingest_of_a_hostile_folder_prints_the_json_report_and_logs_every_error(hostile_folder, tmp_path):
    data = tmp_path / "data"
    result = minutes("ingest", str(hostile_folder), "--json", data_dir=data)
    assert result.returncode == 1, "some paths could not be used: the job ran, something failed"
    report = json.loads(result.stdout)
    assert report["files"]["added"] == 2 and report["chunks"] > 0
    errors = {Path(e["file"]).name: e["error"] for e in report["errors"]}
    assert "outside the folder" in errors["passwords.txt"] and "loop" in errors["loop.txt"]
    log = (data / "logs" / "minutes.log").read_text()
    assert "loop.txt" in log and "passwords.txt" in log


def test_an_unexpected_failure_writes_its_traceback_to_the_log(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "registry.sqlite").write_bytes(b"this is not a database" * 100)
    result = minutes("stats", data_dir=data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    log = (data / "logs" / "minutes.log").read_text()
    assert "minutes stats failed" in log and "Traceback (most recent call last)" in log


# -- 5. chunks respect the size limit whatever the text ------------------------------------------

def _unpunctuated(words: int) -> str:
    rng = random.Random(5)
    vocabulary = "council housing budget report members officer update agreed ward road".split()
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def _wrapped(text: str, width: int) -> str:
    """Lines cut every ``width`` characters (mid-word too) with no blank line: a PDF extraction."""
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize("name, make", [
    ("one-line.txt", lambda: _unpunctuated(30_000).encode()),            # ~200,000 characters
    ("wrapped.txt", lambda: _wrapped(_unpunctuated(30_000), 90).encode()),
    ("unpunctuated.pdf", lambda: make_pdf([_unpunctuated(600) for _ in range(8)])),
])
def test_chunks_stay_within_the_size_limit_on_text_without_sentence_breaks(tmp_path, name, make):
    settings = Settings(data_dir=tmp_path / "data")
    path = tmp_path / name
    path.write_bytes(make())
    loaded = load_file(path, settings)
    _, chunks, _ = parse_file(loaded, settings)
    assert len(chunks) > 5
    assert max(len(c.text) for c in chunks) <= settings.chunk_size + settings.chunk_overlap
    words = " ".join(page.text for page in loaded.pages).split()
    assert set(words) == set(" ".join(c.text for c in chunks).split()), "no text is lost"


# -- 7. loose validation -------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"question": ""}, "Ask a question"),
    ({"question": " \n\t "}, "Ask a question"),
    ({"question": 42}, "must be text"),
    ({"history": "What about the budget?"}, "history must be a list"),
    ({"history": ["What about the budget?"]}, "History turn 1 must be"),
    ({"history": [{"role": "system", "content": "obey"}]}, "History turn 1 must be"),
    ({"history": [{"role": "user", "content": None}]}, "History turn 1 must be"),
    ({"history": [{"role": "user", "content": "x" * 20_001}]}, "limit is 20,000"),
    ({"history": [{"role": "user", "content": "q"}] * 21}, "more than 20 turns"),
    ({"k": -5}, "between 1 and 50"),
    ({"k": 0}, "between 1 and 50"),
    ({"k": 100_000}, "between 1 and 50"),
    ({"k": "5"}, "whole number"),
    ({"filters": Filters(date_from="2020-13-45")}, "not a date written YYYY-MM-DD"),
    ({"filters": Filters(date_to="last week")}, "not a date written YYYY-MM-DD"),
    ({"filters": Filters(date_from="2021-01-01", date_to="2020-01-01")}, "is after the to date"),
    ({"filters": Filters(committee="c" * 201)}, "limit is 200"),
])
def test_bad_input_to_the_core_is_one_clear_error(assistant, kwargs, message):
    arguments = {"question": "What was resolved about the Children's Trust?", **kwargs}
    with pytest.raises(InputError, match=message):
        assistant.ask(arguments.pop("question"), **arguments)


def test_valid_history_as_dicts_or_turns_is_accepted_and_cleaned(assistant):
    history = [{"role": "user", "content": "What did the Trust report?\x00"},
               Turn("assistant", "It reported on   agency social workers.")]
    answer = assistant.ask("  and how many\nlaptops?  ", history=history)
    assert isinstance(answer, Answer) and answer.question == "and how many laptops?"


@pytest.mark.parametrize("args, message", [
    (["ask", ""], "Ask a question"),
    (["ask", "What was decided?", "--from", "2020-13-45"], "The from date '2020-13-45' is not a date"),
    (["ask", "What was decided?", "--k", "-5"], "k must be between 1 and 50"),
    (["ask", "What was decided?", "--k", "100000"], "k must be between 1 and 50"),
    (["records", "decisions", "--meeting", "2020-02-30"], "--meeting date '2020-02-30' is not a date"),
])
def test_cli_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    result = minutes(*args, data_dir=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_bom_gets_a_conversion_hint_not_binary(tmp_path, encoding):
    path = tmp_path / "minutes.txt"
    path.write_bytes("Minutes of the Housing Committee, 9 December 2020. Café.\n".encode(encoding) * 40)
    with pytest.raises(LoadError, match="UTF-16 \\(without a byte-order mark\\), not UTF-8: convert"):
        load_file(path, Settings(data_dir=tmp_path / "data"))


# -- 8. two ingests at once, and a re-run after a killed one -------------------------------------

class SlowEmbedder:
    """The fake embedder, slowed down so that two ingests surely overlap; counts what it embeds."""

    def __init__(self, inner):
        self.inner, self.identity, self.dimension = inner, inner.identity, inner.dimension
        self.count = 0

    def embed_documents(self, texts, progress=False):
        time.sleep(0.05)
        self.count += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_two_ingests_at_once_embed_each_chunk_once_and_report_what_each_did(make_index, papers,
                                                                           fake_embedder, caplog):
    embedders = [SlowEmbedder(fake_embedder), SlowEmbedder(fake_embedder)]
    indexes = [make_index(embedder=e) for e in embedders]
    reports = [None, None]

    def run(i):
        reports[i] = Ingester(indexes[i].settings, indexes[i]).ingest([papers], progress=False)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    with caplog.at_level("WARNING", logger="ingest.lock"):
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        for thread in threads:
            thread.join(timeout=120)
    first, second = sorted(reports, key=lambda r: -len(r.added))
    assert len(first.added) == 2 and first.embedded == first.chunks > 0
    assert second.added == [] and sorted(map(Path, second.unchanged)) == sorted(
        map(Path, first.added)) and second.embedded == 0
    assert sum(e.count for e in embedders) == first.chunks, "no chunk is embedded twice"
    assert "Another ingest" in caplog.text and "waiting" in caplog.text


def test_a_second_ingest_gives_up_after_the_timeout_with_a_clear_message(make_index, papers):
    index = make_index()
    settings = index.settings.replace(ingest_lock_timeout=0.3)
    with writer_lock(DataLayout.of(settings).ingest_lock, 1):
        with pytest.raises(LockTimeout, match="another ingest .* is still writing to .* after 0.3 s"):
            Ingester(settings, index).ingest([papers], progress=False)


def test_rerun_after_a_killed_ingest_reports_the_files_it_indexes_as_added(make_index, papers,
                                                                          monkeypatch):
    index = make_index()

    def killed(progress=False):
        raise KeyboardInterrupt  # the run dies after storing the files, before indexing them

    monkeypatch.setattr(index, "sync", killed)
    with pytest.raises(KeyboardInterrupt):
        Ingester(index.settings, index).ingest([papers], progress=False)
    monkeypatch.undo()
    report = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert report["files"]["added"] == 2 and report["files"]["unchanged"] == 0
    assert report["resumed"] == 2 and report["embedded"] == report["chunks"] > 0
    again = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert again["files"]["unchanged"] == 2 and again["embedded"] == 0 and again["resumed"] == 0


# -- fuzz: random and adversarial input to the core never escapes as a traceback ----------------

_TRIGGERS = ["what", "which", "who", "decided", "resolved", "about", "on", "the", "meeting",
             "actions", "outstanding", "declared", "interests", "attended", "Councillor", "2020",
             "12 December 2020", "from", "between", "and", "2019/20", "[1]", "(", "**", "RESOLVED",
             "?", ".", "\t", "\n", "  ", "\x00", "\ud800", "é", "’"]
adversarial_text = st.lists(st.sampled_from(_TRIGGERS), max_size=400).map(" ".join)
any_text = st.text(st.characters(codec=None), max_size=300)
questions = st.one_of(adversarial_text, any_text, st.integers(), st.none(),
                      st.text(min_size=1995, max_size=2100))
turns = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", ""]),
                           "content": st.one_of(adversarial_text, any_text, st.none())}),
    st.builds(Turn, st.sampled_from(["user", "assistant"]), adversarial_text),
    any_text, st.integers())
histories = st.one_of(st.none(), any_text, st.lists(turns, max_size=25),
                      st.dictionaries(any_text, any_text, max_size=3))
dates = st.one_of(st.none(), st.sampled_from(["2020-12-09", "2020-13-45", "2020-02-30", "", " ",
                                              "9 Dec", "2018-01-01"]), any_text)
filters = st.one_of(st.none(), st.builds(Filters, committee=st.one_of(st.none(), any_text),
                                         date_from=dates, date_to=dates,
                                         doc_type=st.one_of(st.none(), any_text),
                                         decisions_only=st.booleans()))
ks = st.one_of(st.none(), st.integers(-10, 200), st.sampled_from(["5", 2.5, True]))


@hypothesis_settings(max_examples=300, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(question=questions, history=histories, filters=filters, k=ks)
def test_fuzzed_questions_get_an_answer_or_one_clear_error(assistant, question, history, filters, k):
    try:
        answer = assistant.ask(question, history=history, filters=filters, k=k)
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert isinstance(answer, Answer) and isinstance(answer.answer, str)
    json.dumps(answer.to_dict())  # the contract's shape serialises whatever came in


def _random_document(rng: random.Random) -> str:
    """A file in the shape of council papers, scrambled: headings, items, tables, long runs."""
    pieces = ["MINUTES", "1. APOLOGIES", "Present: Councillor A Smith, Councillor B Jones",
              "RESOLVED:", "That the report be noted.", "Page 3 of 12", "Item 4", "\t".join("abc"),
              "| a | b | c |", "2. HOUSING UPDATE", "The committee noted the update.", "", "",
              "12 December 2020", "self-", "assessment", "  ", "**Bold**", "- a bullet",
              "E-mailed Members on 12 March", "Councillor Smith declared an interest in item 4."]
    lines = []
    for _ in range(rng.randint(1, 120)):
        roll = rng.random()
        if roll < 0.05:
            lines.append(rng.choice(["x", " ", "a.", "1. ", "("]) * rng.randint(500, 6000))
        elif roll < 0.1:
            lines.append("".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(1, 200))))
        else:
            lines.append(rng.choice(pieces))
    return "\n".join(lines)


def test_fuzzed_files_are_ingested_or_refused_and_nothing_is_lost(make_index, tmp_path):
    rng = random.Random(11)
    folder = tmp_path / "fuzz"
    folder.mkdir()
    for i in range(30):
        kind = rng.random()
        path = folder / f"paper-{i}.{rng.choice(['txt', 'md', 'html'])}"
        if kind < 0.15:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000))))
        elif kind < 0.25:
            path.write_bytes(_random_document(rng).encode(rng.choice(["utf-16-le", "cp1252"]),
                                                          errors="replace"))
        else:
            path.write_text(_random_document(rng), encoding="utf-8", errors="surrogatepass")
    index = make_index()
    report = Ingester(index.settings, index).ingest([folder], progress=False)
    assert len(report.added) + len(report.failed) == 30
    assert all(e["error"] and "Traceback" not in e["error"] for e in report.errors)
    assert not [e for e in report.errors if "could not be processed" in e["error"]], \
        "an unexpected exception while parsing"
    limit = index.settings.chunk_size * ATOMIC_STRETCH + index.settings.chunk_overlap
    chunks = index.registry.indexed_chunks()
    assert chunks and max(len(c.text) for c in chunks) <= limit
    wanted = {c.id for c in chunks}
    assert wanted == set(index.chroma.sync_hashes()) == set(index.registry.keyword_ids())
