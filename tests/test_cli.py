"""The ``minutes`` command as scripts use it: JSON shapes of the contract and exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINUTES_9_DEC = ROOT / "data" / "sample" / "003_73fbab55bc149f05.txt"


def minutes(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    """Run the real CLI with the small fake embedder (the model is not the point here)."""
    env = {**os.environ, "MINUTES_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "tests.fake_model_cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli-data")
    result = minutes("ingest", str(MINUTES_9_DEC), "--json", data_dir=folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_ingest_json_has_the_contract_shape(tmp_path):
    result = minutes("ingest", str(MINUTES_9_DEC), "--json", data_dir=tmp_path)
    report = json.loads(result.stdout)
    assert set(report) >= {"files", "errors", "documents", "chunks", "embedded", "seconds"}
    assert set(report["files"]) == {"added", "unchanged", "replaced", "removed", "failed"}
    assert report["files"]["added"] == 1 and report["embedded"] == report["chunks"] > 0


def test_stats_json_lists_committees_and_meetings(data_dir):
    stats = json.loads(minutes("stats", "--json", data_dir=data_dir).stdout)
    assert stats["files"] == 1 and stats["documents"] == 1 and stats["chunks"] > 5
    assert stats["meetings"] == ["2020-12-09"]
    assert stats["unknown"] == {"committee": 0, "meeting_date": 0}
    assert stats["committees"] == ["Education and Children's Social Care Overview and Scrutiny Committee"]


def test_ask_json_has_the_contract_shape_and_cites_the_resolution(data_dir):
    result = minutes("ask", "What was resolved about the work programme?", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"question", "standalone_query", "filters", "answer", "abstained",
                           "citations", "passages", "timings"}
    assert not answer["abstained"] and answer["citations"]
    passage_keys = {"text", "source", "path", "committee", "meeting_date", "doc_type", "title",
                    "item", "page", "url", "score"}
    assert all(passage_keys <= set(p) for p in answer["passages"])
    assert all("n" in c for c in answer["citations"])
    assert "noted the work programme" in answer["answer"]


def test_records_json_and_csv_carry_the_source_passage(data_dir):
    rows = json.loads(minutes("records", "decisions", "--meeting", "2020-12-09", "--json",
                              data_dir=data_dir).stdout)
    assert len(rows) == 5 and all(row["source"] and row["text"] for row in rows)
    csv_out = minutes("records", "attendance", "--csv", data_dir=data_dir).stdout
    assert csv_out.splitlines()[0].count(",") >= 3 and "Omar Hanif" in csv_out


@pytest.mark.parametrize("args, status", [
    (["ask"], 2),                                   # missing question
    (["ingest"], 2),                                # missing path
    (["ask", "x", "--backend", "gpt5"], 2),         # not a backend
    (["eval", "run", "--suite", "nope.jsonl", "--out", "x"], 2),  # no such suite
])
def test_usage_errors_exit_2_with_one_line(args, status, tmp_path):
    result = minutes(*args, data_dir=tmp_path)
    assert result.returncode == status
    assert result.stderr.strip()


def test_bad_setting_in_environment_is_a_configuration_error(tmp_path):
    env = {**os.environ, "MINUTES_DATA_DIR": str(tmp_path), "MINUTES_BACKEND": "telepathy"}
    result = subprocess.run([sys.executable, "-m", "minutes_app.cli", "stats"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "backend" in result.stderr and len(result.stderr.splitlines()) == 1
