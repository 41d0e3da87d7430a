"""The CI gate across councils: every council of evals/plan.toml must hold its floors.

Birmingham's bundled suite has its own gate (tests/test_eval_gate.py) over the session's shared
index; this one ingests the other councils' corpora with the real model, Chroma and BM25 (a few
minutes), runs their dev and held-out suites through the public ``ask``, writes the run to
test-artifacts/eval-plan/ and fails naming each figure below its council's floor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.plan import PLAN, load_plan, run_plan
from minutes_core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "eval-plan"
GATED_ELSEWHERE = {"Birmingham"}


@pytest.mark.slow
def test_every_council_holds_its_floors(tmp_path_factory, real_embedder):
    councils = [council for council in load_plan(PLAN) if council.name not in GATED_ELSEWHERE]
    assert councils and all(council.floor for council in councils), "each council needs floors"
    settings = Settings.load(data_dir=tmp_path_factory.mktemp("eval-plan"))
    summary = run_plan(settings, councils, ARTIFACTS, baselines=False, progress=False,
                       embedder=real_embedder)
    print("\n" + json.dumps({c["council"]: {s["suite"]: s["ours"] for s in c["suites"]}
                             for c in summary["councils"]}, indent=1))
    failures = [failure for council in summary["councils"] for failure in council["floor_failures"]]
    assert not failures, "; ".join(failures)
