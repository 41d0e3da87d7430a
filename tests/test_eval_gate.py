"""The CI gate: the bundled suite on the extractive default must stay above the committed thresholds.

Runs the whole suite through the public ``Assistant.ask`` over the real index of the bundled
corpus (real model, Chroma, BM25), writes the run to test-artifacts/eval/ for inspection, and
fails naming each metric that dropped below evals/thresholds.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.factory import build_assistant
from evals.runner import check_thresholds, load_thresholds, run_suite
from evals.suite import load_suite

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "evals" / "suites" / "bundled.jsonl"
ARTIFACTS = ROOT / "test-artifacts" / "eval"


@pytest.mark.slow
def test_bundled_suite_meets_the_committed_thresholds(corpus_index):
    assistant = build_assistant(corpus_index.settings.replace(backend="extractive"), index=corpus_index)
    summary = run_suite(assistant, load_suite(SUITE), k=5, out_dir=ARTIFACTS, progress=False,
                        label="extractive (CI gate)")
    print("\n" + json.dumps(summary["overall"], indent=1))
    failures = check_thresholds(summary, load_thresholds())
    assert not failures, "; ".join(failures)
