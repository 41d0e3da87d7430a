"""Evaluation across councils: the plan file, the FTS5 keyword baseline, per-council runs and floors."""

from __future__ import annotations

import json

import pytest

from evals.fts5_baseline import MAX_QUERY_WORDS, FTS5Retriever, fts5_query
from evals.plan import (
    PLAN,
    PLAN_SUMMARY,
    CouncilSpec,
    PlanError,
    SuiteSpec,
    floor_failures,
    headline,
    load_plan,
    run_plan,
    worst_first,
)
from evals.suite import load_suite, validate_against_corpus, validate_alternatives
from minutes_core.settings import Settings

DRAINAGE = ("Item 4. Drainage. Proposed by Councillor Ann Ryan, seconded by Councillor Joe Hayes and "
            "resolved that the drainage contract be awarded to Acme Drainage Ltd for 1,200,000 euro.")
LIBRARY = "Item 5. Libraries. The committee noted the report on opening hours of the city library."


def write_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(DRAINAGE + "\n\n" + "Filler paragraph about roads. " * 60, encoding="utf-8")
    (folder / "b.txt").write_text(LIBRARY, encoding="utf-8")
    return folder


@pytest.mark.parametrize("question, expected", [
    ("Who won the drainage contract?", '"who" OR "won" OR "the" OR "drainage" OR "contract"'),
    ('drainage "OR" NEAR(x) *', '"drainage" OR "or" OR "near" OR "x"'),  # FTS5 syntax is not obeyed
    ("", ""),
    ("?!", ""),
    ("the the THE", '"the"'),
])
def test_fts5_query_ors_the_quoted_distinct_words_and_nothing_else(question, expected):
    assert fts5_query(question) == expected


def test_fts5_query_is_bounded_on_a_long_question():
    question = " ".join(f"word{i}" for i in range(10_000))
    assert fts5_query(question).count(" OR ") == MAX_QUERY_WORDS - 1


def test_fts5_baseline_ranks_the_chunk_with_the_query_words_first(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    retriever = FTS5Retriever(Settings.load(data_dir=tmp_path / "data"), sorted(corpus.iterdir()))
    found = retriever.retrieve("who got the drainage contract", k=3)
    assert found and "Acme Drainage" in found[0].text
    assert found[0].scores["bm25"] > 0
    assert retriever.retrieve("library opening hours", k=1)[0].source == "b.txt"
    assert retriever.retrieve("zzzz", k=3) == []
    retriever.close()


def test_fts5_baseline_rebuilds_only_when_a_file_changes(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = Settings.load(data_dir=tmp_path / "data")
    first = FTS5Retriever(settings, sorted(corpus.iterdir()))
    first.retrieve("drainage")
    first.close()
    database = first.database
    stamp = database.stat().st_mtime_ns
    again = FTS5Retriever(settings, sorted(corpus.iterdir()))
    again.retrieve("drainage")
    again.close()
    assert database.stat().st_mtime_ns == stamp  # nothing written: the manifest matched
    (corpus / "b.txt").write_text("The committee approved the swimming pool budget.", encoding="utf-8")
    changed = FTS5Retriever(settings, sorted(corpus.iterdir()))
    assert changed.retrieve("swimming pool", k=1)[0].source == "b.txt"
    changed.close()


def test_every_suite_of_the_shipped_plan_quotes_its_own_council_verbatim():
    councils = load_plan(PLAN)
    assert len(councils) >= 2
    for council in councils:
        assert council.corpus.is_dir(), council.corpus
        for suite in council.suites:
            problems = validate_against_corpus(load_suite(suite.path), council.corpus)
            assert problems == [], f"{suite.path.name}: {problems[:5]}"


def test_the_whole_archive_plan_names_the_archive_beside_the_repository_and_loads_its_suites():
    (council,) = load_plan(PLAN.with_name("plan-archive.toml"))
    assert council.corpus.resolve() == (PLAN.parents[2] / "shared" / "corpora" / "limerick").resolve()
    roles = {suite.role: load_suite(suite.path) for suite in council.suites}
    assert set(roles) == {"dev", "heldout"} and len(roles["heldout"]) >= 70


def test_the_evidence_and_alternatives_of_the_archive_plan_quote_the_archive_verbatim():
    """The archive plan's suites were written from the whole archive, and their
    ``also_answered_by`` passages found in it; where the archive sits beside the repository (the
    development machine) every quote is checked against it."""
    (council,) = load_plan(PLAN.with_name("plan-archive.toml"))
    if not council.corpus.is_dir():
        pytest.skip(f"the whole archive is not at {council.corpus}")
    for suite in council.suites:
        items = load_suite(suite.path)
        problems = validate_alternatives(items, council.corpus)
        if suite.path.name != "limerick-dev.jsonl":  # written on four months, checked in plan.toml
            problems += validate_against_corpus(items, council.corpus)
        assert problems == [], f"{suite.path.name}: {problems[:5]}"


@pytest.mark.parametrize("text, message", [
    ("", "names no [[council]]"),
    ("[[council]]\nname = 'X'\n", "needs a name and a corpus"),
    ("[[council]]\nname='X'\ncorpus='c'\nsuites=[{path='s.jsonl', role='tuned'}]\n", "each suite needs"),
    ("[[council]]\nname='X'\ncorpus='c'\nfloor={heldout=0.5}\n", "'floor' maps a role"),
    ("[[council]\n", "cannot read the eval plan"),
    ("[[council]]\nname='X'\ncorpus='c'\nsettings={colour='red'}\n", "unknown setting 'colour'"),
])
def test_a_bad_plan_is_refused_with_the_file_and_the_problem(tmp_path, text, message):
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match="plan.toml") as error:
        load_plan(plan)
    assert message in str(error.value)


def summary_of(accuracy, answered=9, abstained=1, unanswered=1, unabstained=3, follow_up=0.5):
    return {"overall": {"hit@5": 0.9, "mrr@5": 0.8, "answer_accuracy": accuracy},
            "abstention": {"answerable": {"answered": answered, "abstained": abstained},
                           "unanswerable": {"answered": unanswered, "abstained": unabstained}},
            "by_type": {"follow-up": {"answer_accuracy": follow_up}}}


def test_headline_counts_abstention_on_unanswerable_and_false_abstention_apart():
    figures = headline(summary_of(0.7))
    assert figures["unanswerable_abstained"] == 0.75
    assert figures["false_abstention"] == 0.1
    assert figures["follow_up_accuracy"] == 0.5
    assert headline({})["false_abstention"] is None


def test_worst_council_comes_first_by_held_out_accuracy_and_floors_name_what_failed():
    results = [
        {"council": "A", "suites": [{"suite": "dev", "role": "dev", "ours": {"answer_accuracy": 0.2}},
                                    {"suite": "ho", "role": "heldout", "ours": {"answer_accuracy": 0.9}}]},
        {"council": "B", "suites": [{"suite": "ho", "role": "heldout", "ours": {"answer_accuracy": 0.6}}]},
    ]
    assert worst_first(results) == ["B", "A"]
    council = CouncilSpec("B", PLAN.parent, (SuiteSpec(PLAN, "heldout"),),
                          floor={"heldout": {"answer_accuracy": 0.7, "hit@5": 0.5}})
    failures = floor_failures(council, results[1]["suites"])
    assert failures == ["B ho: answer_accuracy = 0.600 is below the floor 0.700",
                        "B ho: hit@5 has no value"]


def test_a_suite_of_unanswerable_items_only_is_not_held_to_answerable_floors():
    only_unanswerable = headline(summary_of(None, answered=0, abstained=0))
    assert only_unanswerable["answerable_items"] == 0
    council = CouncilSpec("C", PLAN.parent, (SuiteSpec(PLAN, "dev"),),
                          floor={"dev": {"answer_accuracy": 0.7, "hit@5": 0.5, "abstention_accuracy": 0.9}})
    suites = [{"suite": "near-misses", "role": "dev", "ours": {**only_unanswerable, "hit@5": None}}]
    assert floor_failures(council, suites) == ["C near-misses: abstention_accuracy has no value"]


def test_run_plan_ingests_each_council_and_runs_ours_beside_both_baselines(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "corpus")
    suite = tmp_path / "suite.jsonl"
    rows = [
        {"id": "q1", "question": "Who got the drainage contract?", "answer": "Acme Drainage Ltd",
         "must_include": ["Acme Drainage"], "source_file": "a.txt", "type": "fact",
         "evidence": "the drainage contract be awarded to Acme Drainage Ltd"},
        {"id": "u1", "question": "What was the swimming pool budget in 2031?", "answer": "NOT_IN_CORPUS",
         "must_include": [], "source_file": "", "evidence": "", "type": "unanswerable"},
    ]
    suite.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    councils = [CouncilSpec("Test Town", corpus, (SuiteSpec(suite, "heldout"),),
                            floor={"heldout": {"hit@5": 1.01}})]
    settings = Settings.load(data_dir=tmp_path / "data")
    summary = run_plan(settings, councils, tmp_path / "out", progress=False, embedder=fake_embedder)
    (council,) = summary["councils"]
    (result,) = council["suites"]
    assert council["files"] == 2 and result["items"] == 2
    assert set(result) >= {"ours", "naive", "fts5"}
    assert result["fts5"]["hit@5"] == 1.0  # the keyword baseline finds the quote
    assert council["floor_failures"] == [
        f"Test Town suite: hit@5 = {result['ours']['hit@5']:.3f} is below the floor 1.010"]
    out = tmp_path / "out"
    assert json.loads((out / PLAN_SUMMARY).read_text())["worst_first"] == ["Test Town"]
    for folder in ("test-town/suite", "test-town/suite/baseline", "test-town/suite/baseline-fts5"):
        assert (out / folder / "results.jsonl").is_file(), folder
    assert (tmp_path / "data" / "eval" / "test-town").is_dir()


def test_a_council_data_directory_holds_only_its_corpus_when_the_corpus_moves(tmp_path, fake_embedder):
    first = write_corpus(tmp_path / "first")
    moved = write_corpus(tmp_path / "moved")
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "q1", "question": "Who got the drainage contract?",
                                 "answer": "Acme Drainage Ltd", "must_include": ["Acme Drainage"],
                                 "source_file": "a.txt", "type": "fact",
                                 "evidence": "the drainage contract be awarded to Acme Drainage Ltd"}),
                     encoding="utf-8")
    settings = Settings.load(data_dir=tmp_path / "data")
    for corpus in (first, moved):
        summary = run_plan(settings, [CouncilSpec("Town", corpus, (SuiteSpec(suite, "dev"),))],
                           tmp_path / "out", baselines=False, progress=False, embedder=fake_embedder)
    assert summary["councils"][0]["files"] == 2  # the first copy's two files were forgotten
    passages = json.loads((tmp_path / "out" / "town" / "suite" / "results.jsonl").read_text())["passages"]
    assert passages and all(str(moved) in (p["path"] or "") for p in passages)
