"""Eval runner plumbing (with a fake assistant), the CI gate, run comparison and the naive baseline."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from assistant.models import Answer, Turn
from evals.baseline import CHUNK_SIZE, NaiveRetriever
from evals.compare import CompareError, compare
from evals.runner import (
    BASELINE_DIR,
    REPORT,
    RESULTS,
    SUMMARY,
    THRESHOLDS,
    EvalError,
    check_thresholds,
    load_thresholds,
    run_eval,
    run_suite,
)
from evals.suite import NOT_IN_CORPUS, SuiteItem
from minutes_core.settings import Settings
from vectorstore.models import Passage

EVIDENCE = "RESOLVED: That the drainage contract be awarded to Acme Drainage Ltd for £1,200,000."
OTHER = "The committee noted the update on the school meals service."
CONTRACT_ROW_KEYS = {"id", "question", "type", "standalone_query", "passages", "answer", "abstained",
                     "citations", "metrics", "timings"}


def item(id, question, type="fact", answer="Acme Drainage Ltd", must_include=("Acme Drainage",),
         evidence=EVIDENCE, history=()):
    return SuiteItem(id=id, question=question, answer=answer, must_include=list(must_include),
                     source_file="a.txt" if evidence else "", evidence=evidence, type=type,
                     history=list(history))


ITEMS = [
    item("q1", "Who got the drainage contract?"),
    item("q2", "Which firm won the drainage work?"),
    item("q3", "And for how much?", type="follow-up", answer="£1,200,000", must_include=["1,200,000"],
         history=[{"role": "user", "content": "Who got the drainage contract?"},
                  {"role": "assistant", "content": "Acme Drainage Ltd [1]."}]),
    item("u1", "What was the swimming pool budget?", type="unanswerable", answer=NOT_IN_CORPUS,
         must_include=[], evidence=""),
]


def canned(question, text, passages, abstained=False, cite=True):
    shown = [Passage(id=f"c{i}", text=t, source="a.txt", page=i + 1, score=1 - i / 10)
             for i, t in enumerate(passages)]
    return Answer(question=question, answer=text, standalone_query=question.upper(),
                  abstained=abstained, passages=shown,
                  citations={1: shown[0]} if cite and shown else {},
                  timings={"retrieve": 0.01, "answer": 0.002})


class FakeAssistant:
    """Returns a canned Answer per question and records how it was asked."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def ask(self, question, history=(), filters=None, k=None, backend=None):
        self.calls.append({"question": question, "history": list(history), "k": k})
        result = self.answers[question]
        if isinstance(result, Exception):
            raise result
        return result


def good_assistant():
    """q1 right; q2 gold not retrieved and wrong answer; q3 right at rank 2; u1 rightly abstained."""
    return FakeAssistant({
        ITEMS[0].question: canned(ITEMS[0].question, "Acme Drainage Ltd [1].", [EVIDENCE, OTHER]),
        ITEMS[1].question: canned(ITEMS[1].question, "Bloggs Builders [1].", [OTHER, OTHER]),
        ITEMS[2].question: canned(ITEMS[2].question, "£1,200,000 [1].", [OTHER, EVIDENCE]),
        ITEMS[3].question: canned(ITEMS[3].question, "The records do not say.", [OTHER],
                                  abstained=True, cite=False),
    })


def read_rows(folder):
    return [json.loads(line) for line in (folder / RESULTS).read_text(encoding="utf-8").splitlines()]


# -- run_suite --------------------------------------------------------------------------------

def test_run_suite_writes_results_summary_and_report(tmp_path):
    summary = run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path / "run", progress=False,
                        label="fake", config={"suite": "suite.jsonl"})
    folder = tmp_path / "run"
    rows = read_rows(folder)
    assert [row["id"] for row in rows] == ["q1", "q2", "q3", "u1"]
    assert all(CONTRACT_ROW_KEYS <= set(row) for row in rows)
    assert rows[0]["standalone_query"] == ITEMS[0].question.upper()
    assert rows[0]["passages"][0]["text"] == EVIDENCE
    assert rows[0]["citations"][0]["n"] == 1
    assert json.loads((folder / SUMMARY).read_text(encoding="utf-8")) == summary
    report = (folder / REPORT).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "plotly-graph-div" in report


def test_summary_numbers_follow_the_canned_answers(tmp_path):
    summary = run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path, progress=False)
    overall = summary["overall"]
    assert overall["n"] == 4
    assert overall["hit@2"] == pytest.approx(2 / 3)  # q1 and q3 of the three answerable
    assert overall["mrr@2"] == pytest.approx((1 + 0 + 0.5) / 3)
    assert overall["answer_accuracy"] == pytest.approx(2 / 3)
    assert overall["abstention_accuracy"] == pytest.approx(1.0)
    assert summary["by_type"]["follow-up"]["hit@2"] == pytest.approx(1.0)
    assert summary["by_type"]["unanswerable"]["hit@2"] is None
    assert summary["abstention"]["unanswerable"] == {"answered": 0, "abstained": 1}
    assert summary["latency"]["retrieve"]["p50"] == pytest.approx(0.01)
    assert summary["latency"]["wall"]["n"] == 4
    assert summary["config"]["k"] == 2 and summary["config"]["items"] == 4
    assert summary["errors"] == 0


def test_history_and_k_reach_the_assistant_as_turns(tmp_path):
    assistant = good_assistant()
    run_suite(assistant, ITEMS, k=7, out_dir=tmp_path, progress=False)
    follow_up = assistant.calls[2]
    assert follow_up["history"] == [Turn("user", "Who got the drainage contract?"),
                                    Turn("assistant", "Acme Drainage Ltd [1].")]
    assert assistant.calls[0]["history"] == []
    assert {call["k"] for call in assistant.calls} == {7}


def test_an_item_that_raises_is_recorded_and_the_run_goes_on(tmp_path):
    assistant = good_assistant()
    assistant.answers[ITEMS[1].question] = RuntimeError("index is locked")
    summary = run_suite(assistant, ITEMS, k=2, out_dir=tmp_path, progress=False)
    rows = read_rows(tmp_path)
    assert len(rows) == 4
    assert rows[1]["error"] == "RuntimeError: index is locked"
    assert rows[1]["metrics"]["answer_accuracy"] is False
    assert summary["errors"] == 1


def test_report_escapes_text_from_questions_answers_and_passages(tmp_path):
    hostile = item("x1", "Is <script>alert(1)</script> minuted?")
    assistant = FakeAssistant({hostile.question: canned(hostile.question, "<b>no</b>",
                                                        ['<img src=x onerror="alert(2)">'])})
    run_suite(assistant, [hostile], k=2, out_dir=tmp_path, progress=False)
    report = outside_scripts((tmp_path / REPORT).read_text(encoding="utf-8"))
    assert "<script>" not in report and "<img" not in report and "<b>no</b>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_report_is_self_contained(tmp_path):
    run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path, progress=False)
    full = (tmp_path / REPORT).read_text(encoding="utf-8")
    report = outside_scripts(full)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", report)
    assert "@import" not in report and "<link" not in report
    assert not re.search(r"<script[^>]*\bsrc\s*=", full)  # plotly.js is inline, not fetched
    assert full.count("Plotly.newPlot") >= 1 and full.count("plotly.js v") == 1  # inlined once


def outside_scripts(report: str) -> str:
    """The report without its inline scripts (plotly.js carries URLs and tags as strings)."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "", report, flags=re.S)


def test_report_shows_the_baseline_beside_ours(tmp_path):
    weak = FakeAssistant({i.question: canned(i.question, "No idea [1].", [OTHER]) for i in ITEMS})
    baseline = run_suite(weak, ITEMS, k=2, out_dir=tmp_path / "baseline", progress=False)
    run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path / "ours", progress=False, baseline=baseline)
    report = (tmp_path / "ours" / REPORT).read_text(encoding="utf-8")
    assert "naive baseline" in report
    assert "+0.667" in report  # hit@2: 0.667 ours against 0.000 for the baseline


# -- CI gate ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overall, thresholds, failing",
    [
        ({"hit@5": 0.9, "answer_accuracy": 0.8}, {"hit@5": 0.8, "answer_accuracy": 0.8}, []),
        ({"hit@5": 0.7, "answer_accuracy": 0.8}, {"hit@5": 0.8, "answer_accuracy": 0.8}, ["hit@5"]),
        ({"hit@10": 0.9}, {"hit@5": 0.5}, ["hit@5"]),  # run with another k: the metric is missing
        ({"citation_validity": None}, {"citation_validity": 0.5}, ["citation_validity"]),
        ({"hit@5": 0.1}, {"_note": "comment", "hit@5": 0.0}, []),
    ],
)
def test_check_thresholds_names_each_metric_below_its_minimum(overall, thresholds, failing):
    failures = check_thresholds({"overall": overall, "config": {"k": 5}}, thresholds)
    assert [f.split()[0] for f in failures] == failing


def test_committed_thresholds_cover_the_gated_metrics():
    thresholds = load_thresholds(THRESHOLDS)
    assert set(thresholds) == {"hit@5", "answer_accuracy", "abstention_accuracy", "citation_validity"}
    assert all(0.0 <= value <= 1.0 for value in thresholds.values())


# -- compare ----------------------------------------------------------------------------------

def test_compare_prints_deltas_and_the_items_that_flipped(tmp_path):
    run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path / "a", progress=False)
    better = good_assistant()
    better.answers[ITEMS[1].question] = canned(ITEMS[1].question, "Acme Drainage Ltd [1].", [EVIDENCE])
    better.answers[ITEMS[0].question] = canned(ITEMS[0].question, "Nobody [1].", [EVIDENCE])
    run_suite(better, ITEMS, k=2, out_dir=tmp_path / "b", progress=False)
    text = compare(tmp_path / "a", tmp_path / "b")
    assert re.search(r"Hit@2\s+0\.667\s+1\.000\s+\+0\.333", text)
    assert re.search(r"Answer accuracy\s+0\.667\s+0\.667\s+\+0\.000", text)
    better_part = text.split("Items better in B")[1].split("Items worse in B")[0]
    worse_part = text.split("Items worse in B")[1]
    assert "q2 [fact] Hit@2 wrong -> right; Answer accuracy wrong -> right" in better_part
    assert "q1 [fact] Answer accuracy right -> wrong" in worse_part
    assert "q3" not in text.split("Items better in B")[1]


def test_compare_refuses_a_folder_without_a_run(tmp_path):
    run_suite(good_assistant(), ITEMS, k=2, out_dir=tmp_path / "a", progress=False)
    with pytest.raises(CompareError, match="summary.json"):
        compare(tmp_path / "a", tmp_path / "empty")


# -- naive baseline ---------------------------------------------------------------------------

class HashingEmbedder:
    """Bag-of-words vectors hashed into 64 dimensions: similar words, similar vectors."""

    identity = model_name = "hashing-bag-of-words@test"
    dimension = 64

    def __init__(self):
        self.embedded = 0

    def _vector(self, text):
        vector = np.zeros(64, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1
        return vector / (np.linalg.norm(vector) or 1)

    def embed_documents(self, texts, progress=False):
        self.embedded += len(texts)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text):
        return self._vector(text)

    def embed_sentences(self, texts):
        return self.embed_documents(texts)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    filler = " ".join(f"Paragraph {i} records routine business of the committee." for i in range(60))
    (folder / "minutes.txt").write_text(filler + "\n\nThe drainage contract went to Acme Drainage.\n\n"
                                        + filler, encoding="utf-8")
    (folder / "report.txt").write_text("Swimming pool opening hours were extended.", encoding="utf-8")
    return folder


def test_naive_baseline_splits_fixed_chunks_and_searches_densely(tmp_path, corpus):
    settings = Settings(data_dir=tmp_path / "data")
    embedder = HashingEmbedder()
    retriever = NaiveRetriever(settings, sorted(corpus.iterdir()), embedder=embedder)
    found = retriever.retrieve("Who got the drainage contract?", None, k=3)
    assert len(found) == 3
    assert "drainage contract" in found[0].text
    assert found[0].source == "minutes.txt" and found[0].path.endswith("minutes.txt")
    assert found[0].page is None and found[0].committee is None  # no structure in the baseline
    assert found[0].score >= found[1].score >= found[2].score
    assert embedder.embedded > 5 and all(len(p.text) <= CHUNK_SIZE for p in found)


def test_naive_baseline_rebuilds_only_when_files_change(tmp_path, corpus):
    settings = Settings(data_dir=tmp_path / "data")
    paths = sorted(corpus.iterdir())
    first = HashingEmbedder()
    NaiveRetriever(settings, paths, embedder=first).retrieve("pool", None, k=1)
    again = HashingEmbedder()
    found = NaiveRetriever(settings, paths, embedder=again).retrieve("pool", None, k=1)
    assert found[0].source == "report.txt"
    assert again.embedded == 0
    (corpus / "report.txt").write_text("Library opening hours were cut.", encoding="utf-8")
    changed = HashingEmbedder()
    found = NaiveRetriever(settings, paths, embedder=changed).retrieve("library hours", None, k=1)
    assert changed.embedded > 0 and "Library" in found[0].text


# -- eval run end to end (real ingest, index, Chroma and assistant; a fake embedding model) ------

SUITE = [
    {"id": "e1", "question": "Who got the drainage contract?", "answer": "Acme Drainage",
     "must_include": ["Acme Drainage"], "source_file": "minutes.txt",
     "evidence": "The drainage contract went to Acme Drainage.", "type": "fact"},
    {"id": "e2", "question": "What was decided about the zoo on Mars?", "answer": NOT_IN_CORPUS,
     "must_include": [], "source_file": "", "evidence": "", "type": "unanswerable"},
]


def test_eval_run_writes_our_run_and_the_baselines_and_reports_both(tmp_path, corpus):
    from vectorstore.ingestion import Ingester
    from vectorstore.index import Index

    settings = Settings(data_dir=tmp_path / "data")
    embedder = HashingEmbedder()
    index = Index(settings, embedder=embedder)
    Ingester(settings, index).ingest([corpus], progress=False)
    index.close()
    suite = tmp_path / "suite.jsonl"
    suite.write_text("\n".join(json.dumps(entry) for entry in SUITE) + "\n", encoding="utf-8")

    summary = run_eval(settings, suite, tmp_path / "out", k=3, progress=False, embedder=embedder)

    out = tmp_path / "out"
    for folder in (out, out / BASELINE_DIR):
        assert [row["id"] for row in read_rows(folder)] == ["e1", "e2"]
        assert (folder / SUMMARY).is_file() and (folder / REPORT).is_file()
    assert summary["config"]["suite"] == str(suite) and summary["config"]["k"] == 3
    assert summary["overall"]["n_hit@3"] == 1
    baseline_rows = read_rows(out / BASELINE_DIR)
    assert all(p["page"] is None for p in baseline_rows[0]["passages"])  # tutorial chunks
    assert "naive baseline" in (out / REPORT).read_text(encoding="utf-8")


def test_eval_run_refuses_an_empty_data_directory(tmp_path):
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps(SUITE[0]) + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match="minutes ingest"):
        run_eval(Settings(data_dir=tmp_path / "data"), suite, tmp_path / "out", progress=False,
                 embedder=HashingEmbedder())
