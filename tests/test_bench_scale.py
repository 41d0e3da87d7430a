"""scripts/bench_scale.py at a tiny scale: every figure it reports is measured, end to end.

A three-meeting "archive" from the Limerick fixtures, a two-question suite, the real model, the
real Chroma (embedded and a `chroma run` server). Slow: it loads the model in three processes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts import bench_scale

FIXTURES = Path(__file__).parent / "fixtures" / "limerick"
ROADS = "2018/04/11-Monthly Meeting of the Municipal District of Newcastle West"
ANNUAL = "2017/06/26-Annual Meeting of Limerick City and County Council"
NEW = "2015/11/16-Monthly Meeting of Metropolitan District of Limerick"
SUITE = [
    {"id": "roads", "type": "fact",
     "question": "What did the Members say had happened to the condition of roads in Newcastle West?",
     "answer": "it had deteriorated because of the harsh winter", "must_include": ["deteriorated"],
     "source_file": "roads.md",
     "evidence": "due to the harsh winter the condition of roads within the District had deteriorated"},
    {"id": "budget", "type": "person-role",
     "question": "Who was in the chair at the Draft Budgetary Plan meeting of October 2015?",
     "answer": "Councillor Jerry O'Dea, Mayor", "must_include": ["O’Dea"], "source_file": "budget.md",
     "evidence": "Councillor Jerry O’Dea, Mayor"},
]


@pytest.mark.slow
def test_tiny_scale_run_reports_every_figure_embedded_and_server(tmp_path):
    archive = tmp_path / "archive"
    for meeting in (ROADS, ANNUAL, NEW):
        shutil.copytree(FIXTURES / meeting, archive / meeting)
    suite = tmp_path / "suite.jsonl"
    suite.write_text("".join(json.dumps(item) + "\n" for item in SUITE), encoding="utf-8")
    out = tmp_path / "out"

    assert bench_scale.main(["--scales", "full", "--server", "--archive", str(archive), "--new-meeting", NEW,
                             "--suite", str(suite), "--work-dir", str(tmp_path / "work"),
                             "--out", str(out), "--hnsw", "8:50:60,16:100:400"]) == 0

    result = json.loads((out / "scale.json").read_text())["results"][0]
    cold = result["cold"]
    assert cold["files"]["added"] == 2 and cold["chunks"] > 0 and cold["embedded"] > 0
    assert cold["peak_rss_mb"] > 100  # the child's own peak: torch and the model are in it
    # Pure embedding covers exactly the texts the cold ingest embedded.
    assert result["pure_embedding"]["texts"] == cold["embedded"]
    assert result["ingest_over_embedding"] > 0
    assert result["reingest_unchanged"]["embedded"] == 0
    assert result["reingest_unchanged"]["files"]["unchanged"] == 2
    added = result["add_one_meeting"]
    assert added["files"]["added"] == 1 and added["files"]["unchanged"] == 2 and added["embedded"] > 0
    assert added["without_embedding_seconds"] <= added["seconds"]
    assert result["disk"]["bytes_per_chunk"] > 0 and result["disk"]["over_text"] > 0
    # The held-out meeting was not in the cold corpus but was added, and both questions found it.
    for mode in ("embedded", "server"):
        asks = result[mode]
        assert asks["questions"] == 2 and asks["errors"] == 0
        assert asks["hit@5"] == 1.0
        assert asks["stages"]["wall"]["n"] == 2 and asks["stages"]["cpu"]["p95"] > 0
        assert asks["stages"]["dense"]["p95"] > 0
    assert result["server"]["vectors"] == added["chunks"]
    assert result["server"]["server_peak_rss_mb"] > 0
    # Exact search agrees with HNSW on a handful of vectors, whatever the setting.
    assert [row["all"]["exact_top5_found"] for row in result["hnsw"]] == [1.0, 1.0]
    table = (out / "scale.md").read_text()
    assert "| hit@5 (dev suite) |" in table and "full server" in table and "| M | ef_construction |" in table
